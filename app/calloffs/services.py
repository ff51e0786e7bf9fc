"""The rules of call-offs: who may order what from whom, the order's life, and the lot's maximum.

A lot's committed amount is the sum of its orders that are not declined or cancelled, each at
its total or at its invoice when that is higher; it is kept as a running figure (`spend.totals`)
in the transaction of every change to an order. An order or an invoice that would take the
committed amount above the lot's maximum is refused, and the check runs with the lot's row
locked (FOR UPDATE on PostgreSQL; SQLite's writing transactions begin IMMEDIATE), so that two
orders can never both fit into the same room.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import Select, and_, case, false, func, or_, select
from sqlalchemy.orm import Session, aliased, contains_eager, joinedload, lazyload

from app import clock
from app.audit import services as audit
from app.auth.models import User
from app.auth.roles import JOBCENTRE_ROLES, Role
from app.auth.services import active_users
from app.calloffs.cpr import refuse_cpr
from app.calloffs.models import RELEASED, CallOff, CallOffEvent, CallOffState, CallOffStep
from app.core.errors import DomainError, NotAllowed
from app.core.i18n import format_date, format_money
from app.core.i18n import gettext as _
from app.db import code_point_order, lock_row
from app.evaluation.models import Agreement, AgreementState
from app.notifications.services import notify
from app.organisations.models import Organisation
from app.spend import totals
from app.spend.alerts import alert_if_passed
from app.spend.models import LotTotal
from app.suppliers.models import Supplier, SupplierState
from app.suppliers.services import supplier_users
from app.targetgroups.models import TargetGroup
from app.tenders.models import CallOffRule, Lot, Scope, Tender, TenderState, tender_target_groups
from app.web.pagination import Page, any_contains, paginate_rows

#: A sanity bound on one order's quantity; a real order is far below it.
MAX_QUANTITY = 100_000
ZERO = Decimal("0.00")


# --- what a lot has committed -----------------------------------------------------------------


def _committed_expression():
    """One order's share of its lot's maximum: its invoice when higher than its total."""
    return func.coalesce(
        func.sum(
            case(
                (CallOff.invoice_amount > CallOff.total, CallOff.invoice_amount),
                else_=CallOff.total,
            )
        ),
        ZERO,
    )


def committed_amount(db: Session, lot_id: int) -> Decimal:
    """The lot's committed amount, as kept in its running figures."""
    return totals.lot_figures(db, lot_id)[0]


def committed_amounts(
    db: Session, lot_ids: list[int], placed_before: datetime | None = None
) -> dict[int, Decimal]:
    """The committed amount of each of these lots, in one query: as kept in their running
    figures; with `placed_before`, summed over the orders placed before that moment (what a lot
    had left on an earlier day)."""
    if not lot_ids:
        return {}
    if placed_before is None:
        kept = dict(
            db.execute(
                select(LotTotal.lot_id, LotTotal.committed).where(LotTotal.lot_id.in_(lot_ids))
            ).all()
        )
        return {lot_id: kept.get(lot_id, ZERO) for lot_id in lot_ids}
    stmt = select(CallOff.lot_id, _committed_expression()).where(
        CallOff.lot_id.in_(lot_ids), CallOff.state.not_in(RELEASED)
    )
    if placed_before is not None:
        stmt = stmt.where(CallOff.placed_at < placed_before)
    rows = db.execute(stmt.group_by(CallOff.lot_id)).all()
    found = dict(rows)
    return {lot_id: found.get(lot_id, ZERO) for lot_id in lot_ids}


def _lock_lot(db: Session, lot_id: int) -> Lot:
    """The lot's row, locked until commit: every check against its maximum goes through here."""
    return lock_row(db, Lot, lot_id)


# --- which frameworks a jobcentre may use ------------------------------------------------------


def covers(tender: Tender, jobcentre: Organisation) -> bool:
    """A national tender covers every jobcentre; a regional one its own region's."""
    return tender.scope == Scope.NATIONAL or tender.region_id == jobcentre.region_id


def _scope_filter(jobcentre: Organisation):
    return (Tender.scope == Scope.NATIONAL) | (Tender.region_id == jobcentre.region_id)


@dataclass(frozen=True)
class LotOffer:
    """A lot open to a jobcentre, with its agreements (best rank first) and the room left."""

    lot: Lot
    agreements: list[Agreement]
    committed: Decimal

    @property
    def left(self) -> Decimal:
        return max(ZERO, self.lot.maximum_value - self.committed)

    @property
    def exhausted(self) -> bool:
        return self.left <= ZERO

    @property
    def ends_on(self) -> date:
        return max(a.ends_on for a in self.agreements)

    @property
    def cascade(self) -> bool:
        return self.lot.call_off_rule.cascades

    @property
    def orders_directly(self) -> bool:
        """Whether orders are placed straight on the lot (under a cascade up to an amount,
        only up to it); a lot of mini-competitions only orders through one."""
        return self.lot.call_off_rule != CallOffRule.MINI_COMPETITION

    def orderable(self, agreement: Agreement, today: date) -> bool:
        return (
            not self.exhausted
            and agreement.runs_on(today)
            and agreement.state.takes_orders
            and agreement.supplier.state == SupplierState.ACTIVE
        )

    def first_in_line(self, today: date) -> Agreement | None:
        """Under a cascade, the highest-ranked agreement that can take an order today."""
        return next((a for a in self.agreements if self.orderable(a, today)), None)

    def quote(self, agreement: Agreement, quantity: int) -> OrderQuote:
        """What an order would cost before it is placed (the order itself checks again, under
        the lot's lock)."""
        price = agreement.current_price
        return OrderQuote(price, quantity, price * quantity, self.left)


@dataclass(frozen=True)
class OrderQuote:
    """An order's total shown before it is sent: quantity × the agreement's unit price."""

    unit_price: Decimal
    quantity: int
    total: Decimal
    left: Decimal

    @property
    def fits(self) -> bool:
        return self.total <= self.left

    @property
    def left_after(self) -> Decimal:
        return max(ZERO, self.left - self.total)


def in_the_framework(today: date):
    """An agreement still part of its framework today: not ended, not declared ineffective by
    the Complaints Board, not terminated (a suspended one is shown, and takes no orders)."""
    return and_(
        Agreement.ends_on >= today,
        or_(Agreement.ineffective_on.is_(None), Agreement.ineffective_on > today),
        Agreement.state != AgreementState.TERMINATED,
    )


def frameworks_for(
    db: Session, jobcentre: Organisation, target_group_id: int | None = None
) -> list[LotOffer]:
    """The lots of active frameworks that cover the jobcentre and have not ended, each with
    its suppliers side by side; in a fixed number of queries whatever the number of lots."""
    today = clock.today()
    stmt = (
        select(Agreement)
        .join(Lot, Agreement.lot_id == Lot.id)
        .join(Tender, Lot.tender_id == Tender.id)
        .where(
            Tender.state == TenderState.ACTIVE,
            _scope_filter(jobcentre),
            in_the_framework(today),
        )
        .order_by(Tender.reference, Lot.number, Agreement.rank)
        .options(
            joinedload(Agreement.lot).joinedload(Lot.tender).selectinload(Tender.target_groups)
        )
    )
    if target_group_id is not None:
        stmt = stmt.where(Tender.target_groups.any(id=target_group_id))
    agreements = db.scalars(stmt).all()
    by_lot: dict[int, list[Agreement]] = {}
    for agreement in agreements:
        by_lot.setdefault(agreement.lot_id, []).append(agreement)
    committed = committed_amounts(db, list(by_lot))
    return [
        LotOffer(lot=found[0].lot, agreements=found, committed=committed[lot_id])
        for lot_id, found in by_lot.items()
    ]


def _open_lots_under_groups(
    db: Session, jobcentre: Organisation, target_group_id: int | None
) -> Select:
    """(target group, lot id) for each lot of an active framework that covers the jobcentre
    and has an agreement that has not ended, once under each of its tender's target groups
    (or under the one asked for); by group name (compared as Python compares it: the page
    once sorted the groups in Python), framework and lot."""
    current = (
        select(Agreement.id)
        .where(Agreement.lot_id == Lot.id, in_the_framework(clock.today()))
        .exists()
    )
    stmt = (
        select(TargetGroup, Lot.id)
        .join(tender_target_groups, tender_target_groups.c.target_group_id == TargetGroup.id)
        .join(Tender, Tender.id == tender_target_groups.c.tender_id)
        .join(Lot, Lot.tender_id == Tender.id)
        .where(Tender.state == TenderState.ACTIVE, _scope_filter(jobcentre), current)
        # Python sorted the group names; the lots under a group came in SQL's order.
        .order_by(code_point_order(db, TargetGroup.name), Tender.reference, Lot.number)
    )
    if target_group_id is not None:
        stmt = stmt.where(TargetGroup.id == target_group_id)
    return stmt


def framework_page(
    db: Session,
    jobcentre: Organisation,
    target_group_id: int | None = None,
    number: int = 1,
    size: int = 25,
) -> Page:
    """One page of My frameworks: (target group, LotOffer) pairs, a lot under each of its
    target groups, sorted by group name, then framework and lot as `frameworks_for` orders
    them. Counted and paged in SQL on narrow rows, then only the page's lots (with their
    tenders and committed amounts) and agreements loaded: three statements whatever the
    number of frameworks."""
    page = paginate_rows(db, _open_lots_under_groups(db, jobcentre, target_group_id), number, size)
    lot_ids = list(dict.fromkeys(lot_id for _group, lot_id in page.items))
    lots: dict[int, tuple[Lot, Decimal]] = {}
    agreements: dict[int, list[Agreement]] = {lot_id: [] for lot_id in lot_ids}
    if lot_ids:
        for lot, committed in db.execute(
            select(Lot, LotTotal.committed)
            .join(Tender, Lot.tender_id == Tender.id)
            .outerjoin(LotTotal, LotTotal.lot_id == Lot.id)
            .where(Lot.id.in_(lot_ids))
            .options(contains_eager(Lot.tender))
        ):
            lots[lot.id] = (lot, committed or ZERO)
        for agreement in db.scalars(
            select(Agreement)
            .where(Agreement.lot_id.in_(lot_ids), in_the_framework(clock.today()))
            .order_by(Agreement.lot_id, Agreement.rank, Agreement.id)
            .options(lazyload(Agreement.lot))  # the page's lots are in the session already
        ):
            agreements[agreement.lot_id].append(agreement)
    offers = {
        lot_id: LotOffer(lot, agreements[lot_id], committed)
        for lot_id, (lot, committed) in lots.items()
    }
    return Page(
        [(group, offers[lot_id]) for group, lot_id in page.items],
        page.total,
        page.number,
        page.size,
    )


def _require_open(jobcentre: Organisation, lot: Lot) -> None:
    if lot.tender.state != TenderState.ACTIVE:
        raise DomainError(_("This lot is not part of an active framework."))
    if not covers(lot.tender, jobcentre):
        raise NotAllowed(_("This framework does not cover %(name)s.", name=jobcentre.name))


def _agreements(db: Session, lot: Lot) -> list[Agreement]:
    return list(
        db.scalars(select(Agreement).where(Agreement.lot_id == lot.id).order_by(Agreement.rank))
    )


def offer_for(db: Session, jobcentre: Organisation, lot: Lot) -> LotOffer:
    """One lot as the jobcentre sees it; refused when the lot is not open to the jobcentre."""
    _require_open(jobcentre, lot)
    return LotOffer(
        lot=lot, agreements=_agreements(db, lot), committed=committed_amount(db, lot.id)
    )


# --- who sees which orders --------------------------------------------------------------------


def visible_orders(user: User) -> Select:
    """Every order the user may see, as one statement (the rule of CallOff.is_visible_to): the
    ordering jobcentre, the supplier, the tender's region, and for national tenders also the
    region of the ordering jobcentre."""
    stmt = select(CallOff)
    if user.role in JOBCENTRE_ROLES:
        return stmt.where(CallOff.jobcentre_id == user.organisation_id)
    if user.role == Role.SUPPLIER:
        return stmt.join(Supplier, CallOff.supplier_id == Supplier.id).where(
            Supplier.organisation_id == user.organisation_id
        )
    if user.role in (Role.REGION_STAFF, Role.REGIONAL_DIRECTOR):
        # The lots and jobcentres as sets asked once, not joined: joined, PostgreSQL planned
        # a dozen-table join for every page (20 ms) and walked it row by row through the OR.
        lots = select(Lot.id).join(Tender, Lot.tender_id == Tender.id)
        own_lots = lots.where(Tender.region_id == user.organisation_id)
        national_lots = lots.where(Tender.scope == Scope.NATIONAL)
        own_jobcentres = select(Organisation.id).where(
            Organisation.region_id == user.organisation_id
        )
        return stmt.where(
            or_(
                CallOff.lot_id.in_(own_lots),
                CallOff.lot_id.in_(national_lots) & CallOff.jobcentre_id.in_(own_jobcentres),
            )
        )
    return stmt.where(false())


@dataclass(frozen=True)
class OrderSearch:
    """What the order list and its export are narrowed by; empty fields narrow nothing."""

    text: str = ""  # in the order number or the case reference
    state: CallOffState | None = None
    placed_from: date | None = None  # Copenhagen days
    placed_to: date | None = None


def search_orders(user: User, search: OrderSearch) -> Select:
    """The user's visible orders narrowed by the search, as one statement."""
    stmt = visible_orders(user)
    if search.state is not None:
        stmt = stmt.where(CallOff.state == search.state)
    if search.text:
        stmt = stmt.where(any_contains(search.text, CallOff.number, CallOff.case_reference))
    if search.placed_from:
        stmt = stmt.where(CallOff.placed_at >= clock.start_of_day(search.placed_from))
    if search.placed_to:
        stmt = stmt.where(
            CallOff.placed_at < clock.start_of_day(search.placed_to + timedelta(days=1))
        )
    return stmt


def count_orders(db: Session, user: User, search: OrderSearch) -> int:
    """How many of the user's visible orders the search finds."""
    stmt = search_orders(user, search).order_by(None).subquery()
    return db.scalar(select(func.count()).select_from(stmt)) or 0


#: The most orders one export holds; more would outlast a request (narrow by period instead).
MAX_EXPORT_ROWS = 100_000


def export_rows(db: Session, user: User, search: OrderSearch) -> Iterator[tuple]:
    """The searched orders newest first, one plain row each with the names it needs, read in
    batches (a server-side cursor on PostgreSQL) so that memory stays flat."""
    jobcentre, company = aliased(Organisation), aliased(Organisation)
    wanted = search_orders(user, search).with_only_columns(CallOff.id)
    stmt = (
        select(
            CallOff.number,
            CallOff.placed_at,
            jobcentre.name,
            company.name,
            Tender.reference,
            Lot.number,
            Lot.title,
            CallOff.case_reference,
            CallOff.quantity,
            CallOff.unit_price,
            CallOff.total,
            CallOff.invoice_amount,
            CallOff.state,
        )
        .join(jobcentre, CallOff.jobcentre_id == jobcentre.id)
        .join(Supplier, CallOff.supplier_id == Supplier.id)
        .join(company, Supplier.organisation_id == company.id)
        .join(Lot, CallOff.lot_id == Lot.id)
        .join(Tender, Lot.tender_id == Tender.id)
        .where(CallOff.id.in_(wanted))
        .order_by(CallOff.placed_at.desc(), CallOff.id.desc())
        .execution_options(yield_per=2000)
    )
    for row in db.execute(stmt):
        (
            number,
            placed,
            buyer,
            seller,
            reference,
            lot,
            title,
            case,
            quantity,
            price,
            total,
            invoice,
            state,
        ) = row
        yield (
            number,
            placed,
            buyer,
            seller,
            f"{reference} / {lot} {title}",
            case,
            quantity,
            price,
            total,
            invoice,
            state.label,
        )


#: What waits for whom: suppliers answer placed orders, jobcentres approve invoices.
AWAITS = {Role.SUPPLIER: CallOffState.PLACED} | dict.fromkeys(
    JOBCENTRE_ROLES, CallOffState.INVOICED
)


def awaiting(db: Session, user: User) -> int:
    """How many of the user's orders wait for the user's organisation to act."""
    state = AWAITS.get(user.role)
    if state is None:
        return 0
    stmt = visible_orders(user).where(CallOff.state == state)
    return db.scalar(select(func.count()).select_from(stmt.subquery())) or 0


# --- placing an order -------------------------------------------------------------------------


@dataclass(frozen=True)
class OrderInput:
    case_reference: str
    quantity: int
    starts_on: date
    note: str = ""
    choice_reason: str = ""


def _jobcentre_of(actor: User) -> Organisation:
    if actor.role not in JOBCENTRE_ROLES:
        raise NotAllowed(_("Only jobcentre staff can place orders."))
    return actor.organisation


def _check_order_text(order: OrderInput) -> None:
    if not order.case_reference.strip():
        raise DomainError(_("Give the case reference."))
    refuse_cpr(order.case_reference, _("The case reference"), "case_reference")
    refuse_cpr(order.note, _("The note"), "note")
    refuse_cpr(order.choice_reason, _("The reason for the choice"), "choice_reason")


def _check_period(agreement: Agreement, starts_on: date) -> None:
    today = clock.today()
    if agreement.is_ineffective_on(today):
        raise DomainError(
            _(
                "The Complaints Board for Public Procurement declared the agreement ineffective "
                "from %(day)s: it takes no new orders.",
                day=format_date(agreement.ineffective_on),
            )
        )
    if not agreement.starts_on <= today <= agreement.ends_on:
        raise DomainError(
            _(
                "The agreement runs from %(start)s to %(end)s; it cannot take orders today.",
                start=format_date(agreement.starts_on),
                end=format_date(agreement.ends_on),
            )
        )
    if starts_on < today:
        raise DomainError(_("The start date cannot be in the past."))
    if starts_on > agreement.ends_on:
        raise DomainError(
            _(
                "The start date must lie within the agreement, which ends on %(end)s.",
                end=format_date(agreement.ends_on),
            )
        )


def _check_cascade(db: Session, lot: Lot, committed: Decimal, agreement: Agreement, reason: str):
    """Under a cascade, a lower-ranked supplier than the first that can take the order needs a
    reason; judged under the lot's lock, on what the lot has left."""
    if not lot.call_off_rule.cascades or reason.strip():
        return
    first = LotOffer(lot, _agreements(db, lot), committed).first_in_line(clock.today())
    if first is not None and agreement.rank > first.rank:
        raise DomainError(
            _(
                "This framework is a ranked cascade: %(name)s (rank %(rank)d) comes first. "
                "Give a reason to choose a lower-ranked supplier.",
                name=first.supplier.name,
                rank=first.rank,
            )
        )


def _refuse_when_competition_required(lot: Lot, amount: Decimal) -> None:
    """A lot of mini-competitions (or an order above its cascade's amount) is called off by a
    mini-competition, never by a direct order."""
    if not lot.needs_competition(amount):
        return
    if lot.call_off_rule == CallOffRule.MINI_COMPETITION:
        raise DomainError(
            _(
                "This lot is called off by mini-competition: start a mini-competition among "
                "its suppliers instead of ordering directly."
            )
        )
    raise DomainError(
        _(
            "This lot calls off by cascade only up to %(limit)s; an order of %(amount)s needs a "
            "mini-competition among its suppliers.",
            limit=format_money(lot.cascade_limit),
            amount=format_money(amount),
        )
    )


def _next_number(lot: Lot, placed_so_far: int) -> str:
    """B-<tender>-<lot>-<n>: counted per lot, under the lot's lock, so never taken twice."""
    return f"B-{lot.tender.reference}-{lot.number}-{placed_so_far + 1:05d}"


def _refuse_beyond_maximum(
    lot: Lot, committed: Decimal, amount: Decimal, field: str = "quantity"
) -> None:
    left = max(ZERO, lot.maximum_value - committed)
    if amount > left:
        raise DomainError(
            _(
                "%(amount)s does not fit within the lot's maximum: %(left)s is left of %(maximum)s",
                amount=format_money(amount),
                left=format_money(left),
                maximum=format_money(lot.maximum_value),
            ),
            field=field,
        )


#: An identical order within this time is a form sent twice (Back, then Send), not a new need.
REPEAT_WINDOW = timedelta(minutes=10)


def _refuse_a_repeat(db: Session, jobcentre, agreement: Agreement, order: OrderInput) -> None:
    """Checked under the lot's lock, so that a double click cannot place two orders."""
    repeat = db.scalar(
        select(CallOff.number).where(
            CallOff.jobcentre_id == jobcentre.id,
            CallOff.agreement_id == agreement.id,
            CallOff.case_reference == order.case_reference.strip(),
            CallOff.quantity == order.quantity,
            CallOff.starts_on == order.starts_on,
            CallOff.state.not_in(RELEASED),
            CallOff.placed_at >= clock.now() - REPEAT_WINDOW,
        )
    )
    if repeat is not None:
        raise DomainError(
            _(
                "The same order was placed a moment ago as %(number)s; it was not placed twice. "
                "Open it under Orders.",
                number=repeat,
            )
        )


def _require_quantity_in_bounds(order: OrderInput) -> None:
    if not 1 <= order.quantity <= MAX_QUANTITY:
        raise DomainError(
            _("The quantity must be between 1 and %(max)d.", max=MAX_QUANTITY), field="quantity"
        )


def _require_active_supplier(agreement: Agreement) -> None:
    """A suspended supplier keeps its agreements but takes no new orders; nor does an agreement
    suspended or terminated on its own."""
    if agreement.state == AgreementState.SUSPENDED:
        raise DomainError(
            _(
                "%(name)s is suspended in this framework agreement and takes no new orders.",
                name=agreement.supplier.name,
            )
        )
    if agreement.state == AgreementState.TERMINATED:
        raise DomainError(
            _(
                "The framework agreement with %(name)s is terminated and takes no new orders.",
                name=agreement.supplier.name,
            )
        )
    if agreement.supplier.state != SupplierState.ACTIVE:
        raise DomainError(
            _("%(name)s is suspended and cannot take orders.", name=agreement.supplier.name)
        )


def _new_order(
    db: Session,
    actor: User,
    jobcentre: Organisation,
    agreement: Agreement,
    lot: Lot,
    order: OrderInput,
    number: str,
    unit_price: Decimal,
) -> CallOff:
    """The order at its unit price, with its first event, written to the session."""
    now = clock.now()
    total = unit_price * order.quantity
    call_off = CallOff(
        number=number,
        agreement_id=agreement.id,
        lot_id=lot.id,
        supplier_id=agreement.supplier_id,
        jobcentre_id=jobcentre.id,
        state=CallOffState.PLACED,
        case_reference=order.case_reference.strip(),
        quantity=order.quantity,
        unit_price=unit_price,
        total=total,
        starts_on=order.starts_on,
        note=order.note.strip(),
        choice_reason=order.choice_reason.strip(),
        placed_by_id=actor.id,
        placed_at=now,
        updated_at=now,
    )
    db.add(call_off)
    call_off.events.append(
        CallOffEvent(step=CallOffStep.PLACED, actor_id=actor.id, occurred_at=now, amount=total)
    )
    db.flush()
    return call_off


def _record_placed(db: Session, actor: User, call_off: CallOff, agreement: Agreement) -> None:
    """The order's last writes: its summary figures and its audit entry. Where the audit entry
    is linked after the commit, no head is taken; otherwise the running figures take the
    head before their rows, here, once, after all the order's other work."""
    totals.record_new(db, call_off)
    audit.record(
        db,
        actor,
        "calloff.placed",
        call_off,
        {
            "number": call_off.number,
            "agreement": agreement.number,
            "quantity": call_off.quantity,
            "unit_price": call_off.unit_price,
            "total": call_off.total,
        },
    )


def _tell_supplier_of_new_order(
    db: Session,
    call_off: CallOff,
    lot: Lot,
    jobcentre: Organisation,
    people: list[User] | None = None,
) -> None:
    notify(
        db,
        supplier_users(db, call_off.supplier_id) if people is None else people,
        _("New order %(number)s from %(jobcentre)s", number=call_off.number, jobcentre=jobcentre),
        _(
            "%(jobcentre)s has ordered %(quantity)d on lot %(n)d (%(lot)s), in all %(total)s; "
            "accept or decline it.",
            jobcentre=jobcentre.name,
            quantity=call_off.quantity,
            n=lot.number,
            lot=lot.title,
            total=format_money(call_off.total),
        ),
        link=_link(call_off),
    )


def place_order(db: Session, actor: User, agreement: Agreement, order: OrderInput) -> CallOff:
    """A jobcentre's order under one agreement at the agreement's unit price; the lot's
    maximum is never exceeded."""
    return _place(db, actor, agreement, order, agreement.current_price, competed=False)


def place_competed_order(
    db: Session,
    actor: User,
    agreement: Agreement,
    order: OrderInput,
    unit_price: Decimal,
    jobcentre: Organisation | None = None,
) -> CallOff:
    """The order a mini-competition's winner gets (app.minicompetitions), at its response's
    unit price: the same checks as any order, under the same lock, but no cascade and no
    refusal for needing a competition. With `jobcentre`, the region's staff place it in the
    name of one of the region's jobcentres (its share of the region's competition)."""
    return _place(db, actor, agreement, order, unit_price, competed=True, jobcentre=jobcentre)


def _on_behalf_of(actor: User, jobcentre: Organisation) -> Organisation:
    if actor.role != Role.REGION_STAFF or jobcentre.region_id != actor.organisation_id:
        raise NotAllowed(_("Only the jobcentre's own region places orders in its name."))
    return jobcentre


def _place(
    db: Session,
    actor: User,
    agreement: Agreement,
    order: OrderInput,
    unit_price: Decimal,
    competed: bool,
    jobcentre: Organisation | None = None,
) -> CallOff:
    """The lot's row is locked once the checks that need no lock have passed. The audit entry
    is linked into the chain after the commit (on PostgreSQL, unless the transaction already
    holds the chain's head), so orders on different lots wait for nobody; otherwise the head
    is taken last of all, with the summary rows."""
    jobcentre = _jobcentre_of(actor) if jobcentre is None else _on_behalf_of(actor, jobcentre)
    _require_open(jobcentre, agreement.lot)
    _require_quantity_in_bounds(order)
    if not competed:
        _refuse_when_competition_required(agreement.lot, unit_price * order.quantity)
    _check_order_text(order)
    _require_active_supplier(agreement)
    _check_period(agreement, order.starts_on)
    told = supplier_users(db, agreement.supplier_id)  # read before the locks
    audit.link_after_commit(db)
    # From here on under the lot's lock: the checks against what the lot has committed.
    lot = _lock_lot(db, agreement.lot_id)
    _refuse_a_repeat(db, jobcentre, agreement, order)
    committed, placed_so_far = totals.lot_figures(db, lot.id)
    if not competed:
        _check_cascade(db, lot, committed, agreement, order.choice_reason)
    _refuse_beyond_maximum(lot, committed, unit_price * order.quantity)
    call_off = _new_order(
        db, actor, jobcentre, agreement, lot, order, _next_number(lot, placed_so_far), unit_price
    )
    alert_if_passed(db, lot, committed + call_off.total)
    _tell_supplier_of_new_order(db, call_off, lot, jobcentre, told)
    _record_placed(db, actor, call_off, agreement)  # last: takes the audit chain's head
    return call_off


# --- the order's life -------------------------------------------------------------------------


def _link(call_off: CallOff) -> str:
    """The order's page, as a path (the outbox puts the site's address in front)."""
    return f"/orders/{call_off.id}"


#: Each move: the states it may start from, the state it leads to, and who takes it.
MOVES: dict[CallOffStep, tuple[tuple[CallOffState, ...], CallOffState]] = {
    CallOffStep.ACCEPTED: ((CallOffState.PLACED,), CallOffState.ACCEPTED),
    CallOffStep.DECLINED: ((CallOffState.PLACED,), CallOffState.DECLINED),
    CallOffStep.DELIVERED: ((CallOffState.ACCEPTED,), CallOffState.DELIVERED),
    CallOffStep.INVOICED: ((CallOffState.DELIVERED,), CallOffState.INVOICED),
    CallOffStep.PAID: ((CallOffState.INVOICED,), CallOffState.PAID),
    CallOffStep.INVOICE_REJECTED: ((CallOffState.INVOICED,), CallOffState.DELIVERED),
    CallOffStep.CANCELLED: ((CallOffState.PLACED, CallOffState.ACCEPTED), CallOffState.CANCELLED),
}
SUPPLIER_MOVES = (
    CallOffStep.ACCEPTED,
    CallOffStep.DECLINED,
    CallOffStep.DELIVERED,
    CallOffStep.INVOICED,
)
JOBCENTRE_MOVES = (CallOffStep.PAID, CallOffStep.INVOICE_REJECTED, CallOffStep.CANCELLED)


def _is_supplier_of(user: User, call_off: CallOff) -> bool:
    return user.role == Role.SUPPLIER and user.organisation_id == call_off.supplier.organisation_id


def _is_jobcentre_of(user: User, call_off: CallOff) -> bool:
    return user.role in JOBCENTRE_ROLES and user.organisation_id == call_off.jobcentre_id


def next_steps(user: User, call_off: CallOff) -> list[CallOffStep]:
    """The moves the user may take on the order now (what its page offers)."""
    if _is_supplier_of(user, call_off):
        mine = SUPPLIER_MOVES
    elif _is_jobcentre_of(user, call_off):
        mine = JOBCENTRE_MOVES
    else:
        return []
    return [step for step in mine if call_off.state in MOVES[step][0]]


def _require_supplier(actor: User, call_off: CallOff) -> None:
    if not _is_supplier_of(actor, call_off):
        raise NotAllowed(_("Only the supplier of the order can do this."))


def _require_jobcentre(actor: User, call_off: CallOff) -> None:
    if not _is_jobcentre_of(actor, call_off):
        raise NotAllowed(_("Only the jobcentre that placed the order can do this."))


def _reason(text: str, field: str) -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Give a reason."), field="reason")
    refuse_cpr(text, field, "reason")
    return text


def _locked(db: Session, call_off: CallOff, step: CallOffStep) -> CallOff:
    """The order re-read under a lock, refused unless the move may start from its state: two
    people acting at once cannot both move it."""
    call_off = lock_row(db, CallOff, call_off.id)
    if call_off.state not in MOVES[step][0]:
        raise DomainError(not_now(call_off))
    return call_off


def not_now(call_off: CallOff) -> str:
    """Why a move is refused in the order's present state."""
    return _(
        'This cannot be done when the order has the status "%(state)s".',
        state=call_off.state.label,
    )


def _move(
    db: Session,
    actor: User,
    call_off: CallOff,
    step: CallOffStep,
    text: str = "",
    with_invoice: bool = False,
) -> CallOff:
    """One guarded move: re-read the order under a lock, check its state, record the step
    (with the invoice's amount and number when the step concerns the invoice)."""
    call_off = _locked(db, call_off, step)
    before, to = call_off.state, MOVES[step][1]
    share = totals.share(call_off)
    now = clock.now()
    call_off.state = to
    totals.record_change(db, call_off, share)
    call_off.updated_at = now
    amount = call_off.invoice_amount if with_invoice else None
    call_off.events.append(
        CallOffEvent(step=step, actor_id=actor.id, occurred_at=now, amount=amount, text=text)
    )
    details: dict = {"state": [before.value, to.value]}
    if text:
        details["text"] = text
    if with_invoice:
        details |= {"amount": amount, "invoice": call_off.invoice_reference}
    audit.record(db, actor, f"calloff.{step.value}", call_off, details)
    return call_off


def _tell_jobcentre(db: Session, call_off: CallOff, subject: str, reason: str = "") -> None:
    """The person who placed the order; if that account is closed, everyone at the jobcentre.
    A refusal's reason goes with it."""
    placer = call_off.placed_by
    people = [placer] if placer.active else active_users(db, organisation_id=call_off.jobcentre_id)
    notify(db, people, subject, _because(reason), link=_link(call_off))


def _tell_supplier(db: Session, call_off: CallOff, subject: str, reason: str = "") -> None:
    notify(
        db,
        supplier_users(db, call_off.supplier_id),
        subject,
        _because(reason),
        link=_link(call_off),
    )


def _because(reason: str) -> str:
    return _("The reason: %(reason)s", reason=reason) if reason else ""


def accept(db: Session, actor: User, call_off: CallOff) -> CallOff:
    _require_supplier(actor, call_off)
    call_off = _move(db, actor, call_off, CallOffStep.ACCEPTED)
    _tell_jobcentre(db, call_off, _("Order %(number)s is accepted", number=call_off.number))
    return call_off


def _close(db: Session, actor: User, call_off: CallOff, step: CallOffStep, reason: str) -> CallOff:
    """Declined or cancelled: the move needs a reason, which the order keeps."""
    reason = _reason(reason, _("The reason"))
    call_off = _move(db, actor, call_off, step, text=reason)
    call_off.closed_reason = reason
    return call_off


def decline(db: Session, actor: User, call_off: CallOff, reason: str) -> CallOff:
    _require_supplier(actor, call_off)
    call_off = _close(db, actor, call_off, CallOffStep.DECLINED, reason)
    _tell_jobcentre(db, call_off, _("Order %(number)s is declined", number=call_off.number), reason)
    return call_off


def deliver(db: Session, actor: User, call_off: CallOff) -> CallOff:
    _require_supplier(actor, call_off)
    call_off = _move(db, actor, call_off, CallOffStep.DELIVERED)
    _tell_jobcentre(
        db, call_off, _("Order %(number)s is reported delivered", number=call_off.number)
    )
    return call_off


@dataclass(frozen=True)
class InvoiceInput:
    amount: Decimal
    reference: str
    reason: str = ""


def _set_invoice(
    db: Session,
    call_off: CallOff,
    amount: Decimal | None,
    reference: str,
    reason: str,
    at: datetime | None,
) -> None:
    """The order's invoice, or none; the lot's running figures follow the order's share."""
    share = totals.share(call_off)
    call_off.invoice_amount = amount
    call_off.invoice_reference = reference
    call_off.invoice_reason = reason
    call_off.invoiced_at = at
    totals.record_change(db, call_off, share)


def send_invoice(db: Session, actor: User, call_off: CallOff, invoice: InvoiceInput) -> CallOff:
    """The supplier invoices a delivered order. Above the order's total it needs a reason, and
    the excess must still fit within the lot's maximum."""
    _require_supplier(actor, call_off)
    if invoice.amount <= ZERO:
        raise DomainError(_("The invoice amount must be above 0 kr."))
    reference = invoice.reference.strip()
    if not reference:
        raise DomainError(_("Give the invoice number."))
    refuse_cpr(reference, _("The invoice number"), "reference")
    reason = invoice.reason.strip()
    refuse_cpr(reason, _("The reason"), "reason")
    if invoice.amount > call_off.total and not reason:
        raise DomainError(
            _(
                "The invoice is %(excess)s above the order's total of %(total)s; give a reason.",
                excess=format_money(invoice.amount - call_off.total),
                total=format_money(call_off.total),
            ),
            field="reason",
        )
    lot = _lock_lot(db, call_off.lot_id)
    call_off = _locked(db, call_off, CallOffStep.INVOICED)
    excess = invoice.amount - call_off.committed_amount
    if excess > ZERO:
        committed = committed_amount(db, lot.id)
        _refuse_beyond_maximum(lot, committed, excess, "amount")
        alert_if_passed(db, lot, committed + excess)
    _set_invoice(db, call_off, invoice.amount, reference, reason, clock.now())
    call_off = _move(db, actor, call_off, CallOffStep.INVOICED, text=reason, with_invoice=True)
    _tell_jobcentre(
        db,
        call_off,
        _(
            "Invoice of %(amount)s for order %(number)s awaits your approval",
            amount=format_money(invoice.amount),
            number=call_off.number,
        ),
    )
    return call_off


def approve_invoice(db: Session, actor: User, call_off: CallOff) -> CallOff:
    """The jobcentre approves the invoice and pays it from its own budget."""
    _require_jobcentre(actor, call_off)
    call_off = _move(db, actor, call_off, CallOffStep.PAID, with_invoice=True)
    _tell_supplier(
        db, call_off, _("The invoice for order %(number)s is approved", number=call_off.number)
    )
    return call_off


def reject_invoice(db: Session, actor: User, call_off: CallOff, reason: str) -> CallOff:
    """Back to delivered, so that the supplier can send a correct invoice; the rejected one
    stays in the order's history and the audit trail."""
    _require_jobcentre(actor, call_off)
    reason = _reason(reason, _("The reason"))
    call_off = _move(
        db, actor, call_off, CallOffStep.INVOICE_REJECTED, text=reason, with_invoice=True
    )
    _set_invoice(db, call_off, None, "", "", None)
    _tell_supplier(
        db,
        call_off,
        _("The invoice for order %(number)s is rejected", number=call_off.number),
        reason,
    )
    return call_off


def cancel(db: Session, actor: User, call_off: CallOff, reason: str) -> CallOff:
    """The jobcentre cancels before delivery; the amount returns to the lot."""
    _require_jobcentre(actor, call_off)
    call_off = _close(db, actor, call_off, CallOffStep.CANCELLED, reason)
    _tell_supplier(db, call_off, _("Order %(number)s is cancelled", number=call_off.number), reason)
    return call_off
