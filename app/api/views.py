"""The JSON API (/api/v1): thin views over the same services and queries as the pages, so every
rule, refusal and audit entry is the pages' own. Who asks is the token's user (app.api.auth)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import Blueprint, current_app, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app import clock
from app.api import schemas as s
from app.api.auth import limiter
from app.api.errors import ApiError
from app.api.models import ApiScope
from app.api.openapi import api_bp, document, operation
from app.auth.access import load_visible, public, record_refusal
from app.auth.roles import JOBCENTRE_ROLES, Role
from app.calloffs import services as calloffs
from app.calloffs.models import CallOff
from app.core.errors import DomainError, NotAllowed, NotFound
from app.core.i18n import gettext as _
from app.db import begin_writing, db, reads_first
from app.evaluation.models import Agreement
from app.notifications.models import Notification
from app.notifications.services import inbox, unread_count
from app.ocds.releases import tender_ocid
from app.organisations.models import Organisation
from app.outcomes import services as outcomes
from app.purchases import ledger
from app.purchases import services as purchases
from app.spend import views as spend
from app.suppliers.services import supplier_of
from app.targetgroups.queries import target_groups
from app.tenders.models import Lot, Tender
from app.tenders.queries import PublicSearch, public_search
from app.web.pagination import Page, paginate, paginate_list

READ, ORDER, PURCHASES = ApiScope.READ, ApiScope.ORDER, ApiScope.PURCHASES

#: The tender-level call-off rule when its lots state different rules.
PER_LOT = "per_lot"


def _limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


# --- answering ----------------------------------------------------------------------------------


def _forbidden(message: str, obj: Any = None) -> ApiError:
    """A refusal of the token's organisation, audited as the pages' refusals are."""
    record_refusal(obj)
    return ApiError(403, message)


def _changed(action: Callable[[], Any]) -> Any:
    """A write: the service's refusal rolled back and answered (403 not theirs, 404 not found,
    409 refused by a rule, with the service's message); otherwise committed. One commit per
    request, as the pages."""
    try:
        result = action()
    except NotAllowed as refused:
        db.session.rollback()
        raise _forbidden(str(refused)) from None
    except NotFound as missing:
        db.session.rollback()
        raise ApiError(404, str(missing)) from None
    except DomainError as refused:
        db.session.rollback()
        raise ApiError(409, str(refused)) from None
    db.session.commit()
    return result


def _page_fields(page: Page, endpoint: str, **args: Any) -> dict:
    following = None
    if page.has_next:
        following = url_for(endpoint, **args, page=page.number + 1, size=page.size)
    return {"page": page.number, "size": page.size, "total": page.total, "next": following}


def _args(query: s.Query, *names: str) -> dict:
    """The query's own values (for the next page's link), leaving out empty ones."""
    values = {name: getattr(query, name) for name in names}
    return {name: value for name, value in values.items() if value not in (None, "", False)}


# --- the document and its page ------------------------------------------------------------------


@operation(
    "GET", "/openapi.json", summary="This API's OpenAPI 3.1 description", tag="API", scope=None
)
def openapi_document():
    """The description of every operation, generated from the code that serves them."""
    return document()


# --- tenders, lots, agreements ------------------------------------------------------------------


def _lot(lot: Lot) -> s.LotOut:
    return s.LotOut.model_validate(lot)


def _tender(tender: Tender, now) -> s.TenderOut:
    return s.TenderOut(
        id=tender.id,
        reference=tender.reference,
        title=tender.title,
        description=tender.description,
        region=tender.region.name,
        scope=tender.scope.value,
        state=tender.state_at(now),
        call_off_rule=tender.call_off_rule.value if tender.call_off_rule else PER_LOT,
        bid_deadline=tender.bid_deadline,
        agreement_start=tender.agreement_start,
        agreement_end=tender.agreement_end,
        estimated_value=tender.estimated_value,
        published_at=tender.published_at,
        target_groups=[s.TargetGroupOut.model_validate(g) for g in tender.target_groups],
        lots=[_lot(lot) for lot in tender.lots],
        ocid=tender_ocid(tender),
        price_index=tender.price_index,
        extension_options_left=tender.extension_options_left,
    )


def _agreement(agreement: Agreement) -> dict:
    return {
        "id": agreement.id,
        "number": agreement.number,
        "state": agreement.state,
        "supplier_id": agreement.supplier_id,
        "supplier": agreement.supplier.name,
        "supplier_cvr": agreement.supplier.cvr,
        "rank": agreement.rank,
        "unit_price": agreement.current_price,
        "starts_on": agreement.starts_on,
        "ends_on": agreement.ends_on,
    }


@operation(
    "GET",
    "/tenders",
    summary="Published tenders, latest deadline first",
    tag="Tenders",
    scope=READ,
    answer=s.TenderList,
    query=s.TenderQuery,
)
def tenders(query: s.TenderQuery):
    """The tenders the public list shows (published once: open, closed, cancelled, active);
    nothing about bids."""
    now = clock.now()
    stmt = public_search(PublicSearch(text=query.text, status=query.status), now)
    page = paginate(db.session, stmt, query.page, query.size)
    return s.TenderList(
        **_page_fields(page, "api.tenders", **_args(query, "text", "status")),
        items=[_tender(tender, now) for tender in page.items],
    )


def _published(tender: Tender | None) -> Tender:
    if tender is None or not tender.is_public:
        raise ApiError(404, _("There is no such published tender."))
    return tender


@operation(
    "GET",
    "/tenders/<int:tender_id>",
    summary="One published tender with its lots",
    tag="Tenders",
    scope=READ,
    answer=s.TenderOut,
)
def tender(tender_id: int):
    return _tender(_published(db.session.get(Tender, tender_id)), clock.now())


@operation(
    "GET",
    "/lots/<int:lot_id>",
    summary="One lot of a published tender, with its framework agreements",
    tag="Tenders",
    scope=READ,
    answer=s.LotDetail,
)
def lot(lot_id: int):
    """The agreements exist from the conclusion on (the award is public then); before that the
    list is empty."""
    found = db.session.get(Lot, lot_id)
    _published(found.tender if found is not None else None)
    agreements = db.session.scalars(
        select(Agreement)
        .where(Agreement.lot_id == found.id)
        .order_by(Agreement.rank)
        .options(selectinload(Agreement.supplier))
    )
    return s.LotDetail(**_lot(found).model_dump(), agreements=[_agreement(a) for a in agreements])


@operation(
    "GET",
    "/target-groups",
    summary="The target groups, by name (their ids are what purchases name)",
    tag="Tenders",
    scope=READ,
    answer=s.TargetGroupList,
)
def target_group_list():
    return s.TargetGroupList(
        items=[s.TargetGroupDetail.model_validate(g) for g in target_groups(db.session)]
    )


# --- the jobcentre's frameworks ------------------------------------------------------------------


def _jobcentre() -> Organisation:
    if current_user.role not in JOBCENTRE_ROLES:
        raise _forbidden(_("Only a jobcentre's token sees the frameworks it orders from."))
    return current_user.organisation


def _offer(offer: calloffs.LotOffer, today) -> s.FrameworkLot:
    first = offer.first_in_line(today) if offer.cascade else None
    tender = offer.lot.tender
    return s.FrameworkLot(
        lot=_lot(offer.lot),
        tender_reference=tender.reference,
        tender_title=tender.title,
        call_off_rule=offer.lot.call_off_rule.value,
        committed=offer.committed,
        left=offer.left,
        exhausted=offer.exhausted,
        first_in_line=first.id if first else None,
        agreements=[
            s.OfferedAgreement(**_agreement(a), orderable_today=offer.orderable(a, today))
            for a in offer.agreements
        ],
    )


@operation(
    "GET",
    "/frameworks",
    summary="The lots the token's jobcentre can order from, with suppliers and room left",
    tag="Frameworks",
    scope=READ,
    answer=s.FrameworkList,
    query=s.FrameworkQuery,
)
def frameworks(query: s.FrameworkQuery):
    """As the jobcentre's "My frameworks": active frameworks covering it, not ended."""
    jobcentre = _jobcentre()
    today = clock.today()
    offers = calloffs.frameworks_for(db.session, jobcentre, query.target_group)
    page = paginate_list(offers, query.page, query.size)
    return s.FrameworkList(
        **_page_fields(page, "api.frameworks", **_args(query, "target_group")),
        items=[_offer(offer, today) for offer in page.items],
    )


@operation(
    "GET",
    "/frameworks/lots/<int:lot_id>",
    summary="One lot as the token's jobcentre can order from it",
    tag="Frameworks",
    scope=READ,
    answer=s.FrameworkLot,
)
def framework_lot(lot_id: int):
    jobcentre = _jobcentre()
    found = db.session.get(Lot, lot_id)
    if found is None:
        raise ApiError(404, _("There is no such lot."))
    try:
        offer = calloffs.offer_for(db.session, jobcentre, found)
    except DomainError as refused:
        record_refusal(found)
        raise ApiError(404, str(refused)) from None
    return _offer(offer, clock.today())


# --- orders -----------------------------------------------------------------------------------


def _order(order: CallOff, detail: bool = False) -> s.OrderOut:
    fields = {
        "id": order.id,
        "number": order.number,
        "state": order.state,
        "agreement_id": order.agreement_id,
        "lot_id": order.lot_id,
        "supplier_id": order.supplier_id,
        "supplier": order.supplier.name,
        "jobcentre_id": order.jobcentre_id,
        "jobcentre": order.jobcentre.name,
        "case_reference": order.case_reference,
        "quantity": order.quantity,
        "unit_price": order.unit_price,
        "total": order.total,
        "starts_on": order.starts_on,
        "note": order.note,
        "choice_reason": order.choice_reason,
        "placed_at": order.placed_at,
        "invoice_amount": order.invoice_amount,
        "invoice_reference": order.invoice_reference,
        "closed_reason": order.closed_reason,
        "next_steps": calloffs.next_steps(current_user, order),
    }
    if not detail:
        return s.OrderOut(**fields)
    events = [s.OrderEvent.model_validate(e) for e in order.events]
    return s.OrderDetail(**fields, events=events)


@operation(
    "GET",
    "/orders",
    summary="The orders the token's organisation may see, newest first",
    tag="Orders",
    scope=READ,
    answer=s.OrderList,
    query=s.OrderQuery,
)
def orders(query: s.OrderQuery):
    """A jobcentre's own orders, a supplier's, or a region's (as on the order list)."""
    search = calloffs.OrderSearch(
        text=query.text,
        state=query.state,
        placed_from=query.placed_from,
        placed_to=query.placed_to,
    )
    stmt = calloffs.search_orders(current_user, search)
    position = tuple_(CallOff.placed_at, CallOff.id)
    if query.older is not None:
        # The anchor is one of the organisation's orders, whether or not the search still
        # finds it (a cancelled order in a walk of placed ones): the walk goes on after it.
        anchor = db.session.execute(
            calloffs.visible_orders(current_user)
            .with_only_columns(CallOff.placed_at, CallOff.id)
            .where(CallOff.id == query.older)
        ).first()
        if anchor is None:
            raise ApiError(
                422,
                _("There is no order of yours to continue after."),
                details=[{"field": "older", "problem": "not one of the organisation's orders"}],
            )
        stmt = stmt.where(position < tuple_(*anchor))
    rows = db.session.scalars(
        stmt.order_by(CallOff.placed_at.desc(), CallOff.id.desc()).limit(query.size + 1)
    ).all()
    items, more = rows[: query.size], len(rows) > query.size
    following = None
    if more:
        args = _args(query, "text", "placed_from", "placed_to")
        if query.state is not None:
            args["state"] = query.state.value
        following = url_for("api.orders", **args, size=query.size, older=items[-1].id)
    return s.OrderList(size=query.size, next=following, items=[_order(o) for o in items])


@operation(
    "GET",
    "/orders/<int:order_id>",
    summary="One order with its events (follow it)",
    tag="Orders",
    scope=READ,
    answer=s.OrderDetail,
)
def order(order_id: int):
    return _order(load_visible(CallOff, order_id), detail=True)


@operation(
    "POST",
    "/orders",
    summary="Place a call-off under a framework agreement",
    tag="Orders",
    scope=ORDER,
    answer=s.OrderDetail,
    status=201,
    body=s.NewOrder,
    refusals=(404, 409),
    location=lambda placed: url_for("api.order", order_id=placed.id),
)
def place_order(body: s.NewOrder):
    """The same rules as the order page: the lot's maximum (under its lock), the cascade and
    its reason, the agreement's period, no CPR numbers, no repeated order."""
    agreement = db.session.get(Agreement, body.agreement_id)
    if agreement is None:
        raise ApiError(404, _("There is no such framework agreement."))
    order_input = calloffs.OrderInput(
        case_reference=body.case_reference,
        quantity=body.quantity,
        starts_on=body.starts_on,
        note=body.note,
        choice_reason=body.choice_reason,
    )
    placed = _changed(
        lambda: calloffs.place_order(db.session, current_user, agreement, order_input)
    )
    return _order(db.session.get(CallOff, placed.id), detail=True)


def _order_move(order_id: int, move: Callable[..., CallOff], *reason: str) -> s.OrderDetail:
    found = load_visible(CallOff, order_id)
    _changed(lambda: move(db.session, current_user, found, *reason))
    return _order(db.session.get(CallOff, order_id), detail=True)


@operation(
    "POST",
    "/orders/<int:order_id>/cancel",
    summary="Cancel an order before delivery, with a reason",
    tag="Orders",
    scope=ORDER,
    answer=s.OrderDetail,
    body=s.Reason,
    refusals=(409,),
)
def cancel_order(order_id: int, body: s.Reason):
    return _order_move(order_id, calloffs.cancel, body.reason)


@operation(
    "POST",
    "/orders/<int:order_id>/approve-invoice",
    summary="Approve the order's invoice for payment",
    tag="Orders",
    scope=ORDER,
    answer=s.OrderDetail,
    refusals=(409,),
)
def approve_invoice(order_id: int):
    return _order_move(order_id, calloffs.approve_invoice)


@operation(
    "POST",
    "/orders/<int:order_id>/reject-invoice",
    summary="Reject the order's invoice, with a reason",
    tag="Orders",
    scope=ORDER,
    answer=s.OrderDetail,
    body=s.Reason,
    refusals=(409,),
)
def reject_invoice(order_id: int, body: s.Reason):
    return _order_move(order_id, calloffs.reject_invoice, body.reason)


# --- outcomes and effects -----------------------------------------------------------------------


@operation(
    "POST",
    "/orders/<int:order_id>/outcome",
    summary="Record (or replace) an order's outcome after the course",
    tag="Outcomes",
    scope=ORDER,
    answer=s.OutcomeOut,
    body=s.NewOutcome,
    refusals=(409,),
)
def record_outcome(order_id: int, body: s.NewOutcome):
    """The same checks as the page and the file import: only the order's own jobcentre, an
    order that ran, never more persons than the order's quantity, the 13 and 26 weeks known
    only once they have passed."""
    found = load_visible(CallOff, order_id)
    data = outcomes.OutcomeInput(**body.model_dump())
    outcome = _changed(lambda: outcomes.record_outcome(db.session, current_user, found, data))
    return s.OutcomeOut(
        order_id=found.id,
        ended_on=outcome.ended_on,
        started=outcome.started,
        completed=outcome.completed,
        in_work_13=outcome.in_work_13,
        in_work_26=outcome.in_work_26,
        recorded_at=outcome.recorded_at,
    )


def _share(share) -> s.ShareOut | None:
    if share is None:
        return None
    low, high = share.interval
    return s.ShareOut(percent=str(share.percent), low=str(low), high=str(high), persons=share.n)


def _effect(effect) -> s.EffectOut:
    return s.EffectOut(
        persons=effect.persons,
        completion=_share(effect.completion),
        work_13=_share(effect.work_13),
        work_26=_share(effect.work_26),
    )


@operation(
    "GET",
    "/lots/<int:lot_id>/effects",
    summary="Each supplier's effect on a lot beside the lot's average, from the threshold",
    tag="Outcomes",
    scope=READ,
    answer=s.LotEffectsOut,
)
def lot_effects(lot_id: int):
    """As the pages: a share only where it rests on the region's threshold of persons; a
    supplier sees its own and the lot's average, not the others by name."""
    found = db.session.get(Lot, lot_id)
    _published(found.tender if found is not None else None)
    if not outcomes.lots_with_agreements(db.session, lot_ids=[found.id]):
        raise ApiError(404, _("The lot has no framework agreements yet."))
    effects = outcomes.lot_effects(db.session, found, others=False)
    if current_user.role == Role.SUPPLIER:
        own = supplier_of(db.session, current_user.organisation_id)
        effects = outcomes.own_effect(effects, own.id if own else 0)
    return s.LotEffectsOut(
        lot_id=found.id,
        threshold=effects.threshold,
        average=_effect(effects.average),
        suppliers=[
            s.SupplierEffectOut(
                supplier_id=one.supplier_id,
                supplier_name=one.supplier_name,
                rank=one.rank,
                effect=_effect(one.effect),
                clearly_below_lot=one.below_lot,
            )
            for one in effects.suppliers
        ],
    )


# --- spend --------------------------------------------------------------------------------------


def _cell(value: Any) -> Any:
    if hasattr(value, "quantize"):  # an amount: exact, as the rest of the API
        return f"{value:.2f}"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


@operation(
    "GET",
    "/spend",
    summary="The spend figures of the token's organisation (its dashboard's tables)",
    tag="Spend",
    scope=READ,
    answer=s.Spend,
    query=s.SpendQuery,
)
def spend_figures(query: s.SpendQuery):
    """A region's, a ministry's (national), a jobcentre's or a supplier's dashboard, with the
    dashboard's filters: `from`, `to`, `target_group`, `tender`, `region` (national)."""
    dashboard = spend.dashboard_of(current_user.role)
    if dashboard is None:
        raise _forbidden(_("This token's organisation has no spend figures."))
    return s.Spend(
        dashboard=dashboard,
        period_from=query.from_,
        period_to=query.to,
        tables=[
            s.SpendTable(
                name=table.name,
                title=str(table.title),
                columns=[str(c) for c in table.columns],
                money_columns=sorted(table.money),
                rows=[[_cell(cell) for cell in row] for row in table.rows],
            )
            for table in spend.dashboard_tables(dashboard)
        ],
    )


# --- outside purchases and ledger files ---------------------------------------------------------


def _purchase(purchase) -> s.PurchaseOut:
    return s.PurchaseOut.model_validate(purchase)


@operation(
    "POST",
    "/purchases",
    summary="Register a purchase made outside the frameworks",
    tag="Purchases",
    scope=PURCHASES,
    answer=s.PurchaseOut,
    status=201,
    body=s.NewPurchase,
    refusals=(409,),
)
def register_purchase(body: s.NewPurchase):
    """Classified as the page does it; a breach (a framework covered the target group that day)
    is refused unless `breach_reason` says why the framework was not used."""
    data = purchases.PurchaseInput(**body.model_dump())
    try:
        purchase = purchases.register_purchase(db.session, current_user, data)
    except purchases.BreachNeedsReason as breach:
        db.session.rollback()
        raise ApiError(
            409,
            str(breach),
            code="breach_needs_reason",
            details=[
                {
                    "field": "breach_reason",
                    "problem": f"{lot.tender.reference} lot {lot.number}: {lot.title}",
                }
                for lot in breach.lots
            ],
        ) from None
    except NotAllowed as refused:
        db.session.rollback()
        raise _forbidden(str(refused)) from None
    except DomainError as refused:
        db.session.rollback()
        raise ApiError(409, str(refused)) from None
    db.session.commit()
    return _purchase(purchase)


def _import_jobcentre(query: s.ImportQuery) -> Organisation:
    if not ledger.may_import(current_user):
        raise _forbidden(_("Only a jobcentre or its region can import a ledger."))
    allowed = {j.id: j for j in ledger.import_jobcentres(db.session, current_user)}
    own = current_user.organisation_id if current_user.role in JOBCENTRE_ROLES else None
    wanted = query.jobcentre or own
    if wanted is None:
        raise ApiError(
            422,
            _("Say whose ledger it is: ?jobcentre=<id>."),
            details=[{"field": "jobcentre", "problem": "missing"}],
        )
    if wanted not in allowed:
        raise _forbidden(_("Only the jobcentre or its region can import its ledger."))
    return allowed[wanted]


@operation(
    "POST",
    "/ledger-imports",
    summary="Upload a ledger file (CSV or XLSX) of the jobcentre's payments",
    tag="Purchases",
    scope=PURCHASES,
    answer=s.LedgerImportOut,
    status=201,
    query=s.ImportQuery,
    upload="file",
    refusals=(409, 413),
)
@reads_first
def import_ledger(query: s.ImportQuery):
    """Every line checked before anything is stored: a bad file is refused whole (422, every
    bad line named in `details`); a line paying one of the jobcentre's orders is kept as its
    payment; a line known before is skipped.

    The file (multipart field `file`, CSV or XLSX, at most 20 MB and 20,000 lines) has a header
    line naming its columns: `dato`, `cvr`, `leverandør`, `beløb`, `målgruppe`, and optionally
    `beskrivelse` and `bilag` (the voucher number). CSV is separated by `;`, `,` or tabs (found
    from the header). Dates are `dd-mm-yyyy`; amounts are Danish (`1.234,50`); the target
    group is given by its name (see `/target-groups`); the CVR number has 8 digits. The same
    line twice in one file (same day, CVR, amount, target group and voucher) is one purchase:
    give repeated payments their own voucher numbers."""
    jobcentre = _import_jobcentre(query)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise ApiError(422, _("Choose a file."), details=[{"field": "file", "problem": "missing"}])
    try:
        table = ledger.read_ledger_file(upload.filename, upload.read())
        begin_writing(db.session)  # only now, the file read and checked
        record = ledger.import_ledger(db.session, current_user, jobcentre, table)
    except ledger.LedgerRejected as rejected:
        db.session.rollback()
        raise ApiError(
            422,
            _("The file was not imported; nothing was stored. The details name each line."),
            details=[
                {"field": f"line {number}" if number else "file", "problem": str(problem)}
                for number, problem in rejected.problems
            ],
        ) from None
    except DomainError as refused:
        db.session.rollback()
        raise ApiError(422, str(refused)) from None
    except IntegrityError:
        db.session.rollback()
        raise ApiError(
            409,
            _("The same lines were imported at this moment by someone else; nothing was added."),
        ) from None
    db.session.commit()
    return s.LedgerImportOut.model_validate(record)


# --- the inbox ----------------------------------------------------------------------------------


@operation(
    "GET",
    "/inbox",
    summary="The messages to the token (as its colleagues get them), newest first",
    tag="Inbox",
    scope=READ,
    answer=s.Inbox,
    query=s.InboxQuery,
)
def messages(query: s.InboxQuery):
    stmt = inbox(current_user)
    if query.unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    page = paginate(db.session, stmt, query.page, query.size)
    return s.Inbox(
        **_page_fields(page, "api.messages", **_args(query, "unread_only")),
        unread=unread_count(db.session, current_user),
        items=[s.Message.model_validate(n) for n in page.items],
    )


limiter.limit(_limit)(api_bp)


# --- the page for people --------------------------------------------------------------------

api_docs_bp = Blueprint("api_docs", __name__)


@api_docs_bp.get("/api/")
@public
def docs_page():
    """The OpenAPI document rendered for people, server-side."""
    return render_template("api/docs.html", spec=document(), type_of=type_of, prose=prose)


_CODE = re.compile(r"`([^`]+)`")


def prose(text: str) -> Markup:
    """A description's CommonMark, as far as ours uses it: paragraphs, `- ` lists and `code`."""
    html = []
    for block in (text or "").split("\n\n"):
        lines = [line.strip() for line in block.strip().splitlines() if line.strip()]
        items = [line[2:] for line in lines if line.startswith("- ")]
        words = [line for line in lines if not line.startswith("- ")]
        if words:
            html.append(f"<p>{_code(' '.join(words))}</p>")
        if items:
            html.append("<ul>" + "".join(f"<li>{_code(item)}</li>" for item in items) + "</ul>")
    return Markup("".join(html))  # noqa: S704 - every piece is escaped in _code


def _code(text: str) -> str:
    return _CODE.sub(lambda m: f"<code>{m.group(1)}</code>", str(escape(text)))


def type_of(schema: dict) -> str:
    """A property's type as people read it: `integer`, `Kroner` strings, `list of OrderOut`,
    `OrderOut or null`."""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " or ".join(type_of(part) for part in schema["anyOf"])
    if "enum" in schema:
        return " | ".join(str(value) for value in schema["enum"])
    kind = schema.get("type", "any")
    if kind == "array":
        return f"list of {type_of(schema.get('items', {}))}"
    if fmt := schema.get("format"):
        return f"{kind} ({fmt})"
    return str(kind)
