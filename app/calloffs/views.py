"""Call-off pages: frameworks and orders for jobcentres, suppliers and regions."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale
from flask_login import current_user
from sqlalchemy.orm import lazyload

from app import clock
from app.auth.access import allow, load_visible, refuse
from app.auth.roles import JOBCENTRE_ROLES, Role
from app.calloffs import services
from app.calloffs.forms import InvoiceForm, OrderForm
from app.calloffs.models import CallOff, CallOffState, CallOffStep
from app.core.errors import DomainError
from app.core.i18n import format_money, format_number
from app.core.i18n import gettext as _
from app.core.i18n import lazy_gettext as _l
from app.db import db
from app.documents.pdf import pdf_response, render_pdf
from app.documents.spreadsheets import Sheet, xlsx_download
from app.outcomes import services as outcomes
from app.purchases.ledger import payments_of_order
from app.targetgroups.queries import target_groups
from app.tenders.models import Lot
from app.web.forms import ConfirmForm, ReasonForm
from app.web.pagination import date_arg, id_arg, requested_page, text_arg, window
from app.web.steps import Confirmation, confirm_first, run_step
from app.web.templating import link_args

calloffs_bp = Blueprint("calloffs", __name__)

REGION_ROLES = (Role.REGION_STAFF, Role.REGIONAL_DIRECTOR)
ORDER_READERS = (*JOBCENTRE_ROLES, Role.SUPPLIER, *REGION_ROLES)


# --- the jobcentre's frameworks and a new order -----------------------------------------------


@calloffs_bp.get("/frameworks")
@allow(*JOBCENTRE_ROLES)
def frameworks():
    jobcentre = current_user.organisation
    group_id = id_arg("target_group")
    # A lot under each of its target groups, by group, then framework and lot; a page of
    # lots at a time, paged in SQL.
    page = services.framework_page(
        db.session, jobcentre, group_id, requested_page(), current_app.config["PAGE_SIZE"]
    )
    lots = list({offer.lot.id: offer.lot for _group, offer in page.items}.values())
    return render_template(
        "calloffs/frameworks.html",
        page=page,
        effects=outcomes.effects_by_lot(db.session, lots),
        groups=[
            (group, [offer for _group, offer in pairs])
            for group, pairs in groupby(page.items, key=lambda pair: pair[0])
        ],
        all_groups=target_groups(db.session),
        group_id=group_id,
        today=clock.today(),
    )


def _offer(lot_id: int) -> services.LotOffer:
    lot = db.session.get(Lot, lot_id)
    if lot is None:
        abort(404)
    try:
        return services.offer_for(db.session, current_user.organisation, lot)
    except DomainError:
        refuse(404, lot)
        raise  # refuse() aborts; this keeps type checkers content


def _order_form(offer: services.LotOffer) -> OrderForm:
    form = OrderForm()
    today = clock.today()
    form.agreement.choices = [
        (
            a.id,
            _(
                "%(name)s – rank %(rank)d, %(price)s per unit",
                name=a.supplier.name,
                rank=a.rank,
                price=format_money(a.current_price),
            ),
        )
        for a in offer.agreements
        if offer.orderable(a, today)
    ]
    if request.method == "GET":
        form.agreement.data = id_arg("agreement")
        form.starts_on.data = today
    return form


def _new_page(offer: services.LotOffer, form: OrderForm, status: int = 200, quote=None):
    page = render_template(
        "calloffs/new.html",
        offer=offer,
        form=form,
        today=clock.today(),
        quote=quote,
        effects=outcomes.lot_effects(db.session, offer.lot, others=False),
    )
    return page, status


@calloffs_bp.get("/frameworks/lots/<int:lot_id>/order")
@allow(*JOBCENTRE_ROLES)
def new(lot_id: int):
    offer = _offer(lot_id)
    return _new_page(offer, _order_form(offer))


@calloffs_bp.post("/frameworks/lots/<int:lot_id>/order")
@allow(*JOBCENTRE_ROLES)
def create(lot_id: int):
    offer = _offer(lot_id)
    form = _order_form(offer)
    if not form.validate_on_submit():
        return _new_page(offer, form, 422)
    agreement = next(a for a in offer.agreements if a.id == form.agreement.data)
    if request.form.get("action") == "preview":
        # The total before anything is sent; nothing is placed.
        return _new_page(offer, form, quote=offer.quote(agreement, form.quantity.data))
    return run_step(
        lambda: services.place_order(db.session, current_user, agreement, form.order_input()),
        done=_l("The order is placed and sent to the supplier."),
        refused=lambda: _new_page(_offer(lot_id), form, 409),
        then=lambda order: url_for("calloffs.detail", order_id=order.id),
        form=form,
    )


# --- orders -----------------------------------------------------------------------------------


def _search() -> services.OrderSearch:
    """The list's search from the query string; anything malformed narrows nothing."""
    state = text_arg("state")
    return services.OrderSearch(
        text=text_arg("q"),
        state=CallOffState(state) if state in {s.value for s in CallOffState} else None,
        placed_from=date_arg("from"),
        placed_to=date_arg("to"),
    )


@calloffs_bp.get("/orders")
@allow(*ORDER_READERS)
def index():
    search = _search()
    # The list shows no agreement: not joined in (it costs PostgreSQL's planner more than the
    # page's rows cost to read).
    stmt = services.search_orders(current_user, search).options(lazyload(CallOff.agreement))
    # By position, not by page number: a region holds hundreds of thousands of orders, and
    # counting them or skipping to page 4,000 would read them all.
    found = window(db.session, stmt, CallOff.placed_at, CallOff.id)
    return render_template(
        "calloffs/index.html",
        window=found,
        states=list(CallOffState),
        search=search,
        # The export takes the search, not the position in the list.
        export_url=url_for("calloffs.export", **link_args("older", "newer")),
        max_export=format_number(services.MAX_EXPORT_ROWS),
    )


EXPORT_COLUMNS = (
    _l("Order number"),
    _l("Placed"),
    _l("Jobcentre"),
    _l("Supplier"),
    _l("Framework and lot"),
    _l("Case reference"),
    _l("Quantity"),
    _l("Unit price"),
    _l("Total"),
    _l("Invoice"),
    _l("Status"),
)


@calloffs_bp.get("/orders.xlsx")
@allow(*ORDER_READERS)
def export():
    """The searched orders as a spreadsheet, in Danish; refused above the most one holds."""
    search = _search()
    count = services.count_orders(db.session, current_user, search)
    if count > services.MAX_EXPORT_ROWS:
        flash(
            _(
                "%(count)s orders match; an export holds at most %(most)s. "
                "Choose a shorter period.",
                count=format_number(count),
                most=format_number(services.MAX_EXPORT_ROWS),
            ),
            "error",
        )
        return redirect(url_for("calloffs.index", **request.args))
    with force_locale("da"):
        sheet = Sheet(
            title="Ordrer",
            columns=[str(column) for column in EXPORT_COLUMNS],
            money={7, 8, 9},
            moments={1},
        )
        rows = services.export_rows(db.session, current_user, search)
        return xlsx_download("ordrer.xlsx", sheet, rows)


@dataclass(frozen=True)
class Step:
    """A move on an order as a page offers it: what it calls, and what the page says."""

    move: CallOffStep
    action: Any  # services.<move>(db, actor, order[, reason])
    done: Any
    title: Any = ""
    explanation: Any = ""
    button: Any = ""


#: Moves that need only a click (with CSRF), by who takes them.
#: Each asks to be confirmed first, saying what will happen (`title`, `explanation`, `button`).
SUPPLIER_CLICKS = {
    "accept": Step(
        CallOffStep.ACCEPTED,
        services.accept,
        _l("The order is accepted."),
        _l("Accept the order?"),
        _l(
            "You commit to delivering the order at the agreement's price, and the jobcentre is "
            "told. An accepted order can no longer be declined."
        ),
        _l("Yes, accept the order"),
    ),
    "deliver": Step(
        CallOffStep.DELIVERED,
        services.deliver,
        _l("The order is reported delivered."),
        _l("Report the order as delivered?"),
        _l(
            "The jobcentre is told that the effort is delivered, and you can send the invoice. "
            "The report cannot be taken back."
        ),
        _l("Yes, report it delivered"),
    ),
}
JOBCENTRE_CLICKS = {
    "approve-invoice": Step(
        CallOffStep.PAID,
        services.approve_invoice,
        _l("The invoice is approved for payment."),
        _l("Approve the invoice?"),
        _l(
            "The invoice is approved for payment to the supplier and the order is closed as "
            "paid. An approval cannot be undone."
        ),
        _l("Yes, approve the invoice"),
    ),
}

#: Moves that close something and need a written reason, on a page of their own.
SUPPLIER_REASONS = {
    "decline": Step(
        CallOffStep.DECLINED,
        services.decline,
        _l("The order is declined."),
        _l("Decline the order?"),
        _l("The jobcentre is told, with your reason. A declined order cannot be reopened."),
        _l("Yes, decline"),
    ),
}
JOBCENTRE_REASONS = {
    "cancel": Step(
        CallOffStep.CANCELLED,
        services.cancel,
        _l("The order is cancelled."),
        _l("Cancel the order?"),
        _l(
            "The supplier is told, with your reason, and the amount returns to the lot. "
            "A cancelled order cannot be reopened."
        ),
        _l("Yes, cancel the order"),
    ),
    "reject-invoice": Step(
        CallOffStep.INVOICE_REJECTED,
        services.reject_invoice,
        _l("The invoice is rejected; the supplier can send a new one."),
        _l("Reject the invoice?"),
        _l("The supplier is told, with your reason, and can send a corrected invoice."),
        _l("Yes, reject the invoice"),
    ),
}


def _order(order_id: int) -> CallOff:
    return load_visible(CallOff, order_id)


def _not_now(order: CallOff, move: CallOffStep):
    """Back to the order, with the reason, when its state does not allow the move now."""
    if move in services.next_steps(current_user, order):
        return None
    flash(services.not_now(order), "error")
    return redirect(url_for("calloffs.detail", order_id=order.id))


def _detail_page(order: CallOff, status: int = 200):
    # The jobcentre's ledger lines that paid the order, to those who may see its imports.
    payments = [
        payment
        for payment in payments_of_order(db.session, order)
        if payment.purchase_import.is_visible_to(current_user)
    ]
    return render_template(
        "calloffs/detail.html",
        order=order,
        confirm=ConfirmForm(),
        steps={step.value for step in services.next_steps(current_user, order)},
        payments=payments,
    ), status


@calloffs_bp.get("/orders/<int:order_id>")
@allow(*ORDER_READERS)
def detail(order_id: int):
    return _detail_page(_order(order_id))


def _click(order_id: int, step: Step):
    order = _order(order_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    # A step the order allows now asks to be confirmed first; any other is refused, with why.
    if step.move in services.next_steps(current_user, order):
        amount = order.invoice_amount if order.invoice_amount is not None else order.total
        asking = confirm_first(
            Confirmation(step.title, step.explanation, step.button),
            subject=_(
                "Order %(number)s, %(amount)s", number=order.number, amount=format_money(amount)
            ),
            back=url_for("calloffs.detail", order_id=order_id),
        )
        if asking is not None:
            return asking
    return run_step(
        lambda: step.action(db.session, current_user, order),
        done=step.done,
        refused=lambda: _detail_page(_order(order_id), 409),
        then=url_for("calloffs.detail", order_id=order_id),
    )


@calloffs_bp.post("/orders/<int:order_id>/<any(accept, deliver):name>")
@allow(Role.SUPPLIER)
def supplier_click(order_id: int, name: str):
    return _click(order_id, SUPPLIER_CLICKS[name])


@calloffs_bp.post("/orders/<int:order_id>/<any('approve-invoice'):name>")
@allow(*JOBCENTRE_ROLES)
def jobcentre_click(order_id: int, name: str):
    return _click(order_id, JOBCENTRE_CLICKS[name])


def _with_reason(order_id: int, step: Step):
    """The confirmation page of a closing move, and the move itself once a reason is given."""
    order = _order(order_id)
    form = ReasonForm()
    if request.method == "GET" and (closed := _not_now(order, step.move)):
        return closed

    def page(status: int = 200):
        return render_template(
            "calloffs/reason.html", order=_order(order_id), step=step, form=form
        ), status

    if request.method == "GET":
        return page()
    if not form.validate_on_submit():
        return page(422)
    return run_step(
        lambda: step.action(db.session, current_user, order, form.reason.data),
        done=step.done,
        refused=lambda: page(409),
        then=url_for("calloffs.detail", order_id=order_id),
        form=form,
    )


@calloffs_bp.route("/orders/<int:order_id>/<any(decline):name>", methods=["GET", "POST"])
@allow(Role.SUPPLIER)
def supplier_reason(order_id: int, name: str):
    return _with_reason(order_id, SUPPLIER_REASONS[name])


@calloffs_bp.route(
    "/orders/<int:order_id>/<any(cancel, 'reject-invoice'):name>", methods=["GET", "POST"]
)
@allow(*JOBCENTRE_ROLES)
def jobcentre_reason(order_id: int, name: str):
    return _with_reason(order_id, JOBCENTRE_REASONS[name])


@calloffs_bp.route("/orders/<int:order_id>/invoice", methods=["GET", "POST"])
@allow(Role.SUPPLIER)
def invoice(order_id: int):
    order = _order(order_id)
    form = InvoiceForm()
    if request.method == "GET":
        if closed := _not_now(order, CallOffStep.INVOICED):
            return closed
        form.amount.data = order.total

    def page(status: int = 200):
        return render_template("calloffs/invoice.html", order=_order(order_id), form=form), status

    if request.method == "GET":
        return page()
    if not form.validate_on_submit():
        return page(422)
    return run_step(
        lambda: services.send_invoice(db.session, current_user, order, form.invoice_input()),
        done=_l("The invoice is sent to the jobcentre for approval."),
        refused=lambda: page(409),
        then=url_for("calloffs.detail", order_id=order_id),
        form=form,
    )


@calloffs_bp.get("/orders/<int:order_id>/order.pdf")
@allow(*ORDER_READERS)
def order_pdf(order_id: int):
    order = _order(order_id)
    pdf = render_pdf("calloffs/pdf/order.html", order=order, printed_at=clock.now())
    return pdf_response(pdf, f"{order.number}.pdf")
