"""Demo call-offs: orders in every state across the demo jobcentres, and a nearly full lot."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import clock
from app.auth import services as users
from app.auth.models import User
from app.calloffs import services as calloffs
from app.calloffs.models import CallOff
from app.calloffs.services import InvoiceInput, OrderInput
from app.clock import COPENHAGEN
from app.demo.tenders import CASCADE_TITLE
from app.evaluation.models import Agreement
from app.tenders.models import Lot, Scope, Tender, TenderState

SUPPLIER_LOGINS = ["leverandoer1@demo.dk", "leverandoer2@demo.dk", "leverandoer3@demo.dk"]
#: Odense's two large courses on the national framework's first lot: their outcomes
#: (app.demo.outcomes) show one supplier clearly better than the lot and one clearly worse.
BETTER_CASE, WORSE_CASE = "OD-EFFEKT-1", "OD-EFFEKT-2"


def _user(db: Session, email: str) -> User:
    found = users.find_by_email(db, email)
    assert found is not None, email
    return found


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=COPENHAGEN)


def _agreement(db: Session, lot: Lot, rank: int) -> Agreement:
    return db.scalars(
        select(Agreement).where(Agreement.lot_id == lot.id, Agreement.rank == rank)
    ).one()


def _supplier_user(db: Session, agreement: Agreement) -> User:
    return next(
        u
        for u in (_user(db, email) for email in SUPPLIER_LOGINS)
        if u.organisation_id == agreement.supplier.organisation_id
    )


def _order(
    db: Session,
    jobcentre: str,
    agreement: Agreement,
    day: date,
    quantity: int,
    case: str,
    reason: str = "",
):
    with clock.frozen_at(_at(day)):
        return calloffs.place_order(
            db,
            _user(db, jobcentre),
            agreement,
            OrderInput(
                case_reference=case,
                quantity=quantity,
                starts_on=day + timedelta(days=14),
                note="Opstart efter aftale med borgerens sagsbehandler.",
                choice_reason=reason,
            ),
        )


def _walk(db: Session, order: CallOff, day: date, through: str, invoice: str = "") -> CallOff:
    """Move an order through its life up to `through`, a day per step."""
    supplier = _supplier_user(db, order.agreement)
    jobcentre = db.get(User, order.placed_by_id)
    steps = ["accepted", "delivered", "invoiced", "paid"]
    for number, step in enumerate(steps[: steps.index(through) + 1], start=1):
        with clock.frozen_at(_at(day + timedelta(days=number * 20))):
            if step == "accepted":
                calloffs.accept(db, supplier, order)
            elif step == "delivered":
                calloffs.deliver(db, supplier, order)
            elif step == "invoiced":
                amount = Decimal(invoice) if invoice else order.total
                reason = "Et ekstra opfølgningsforløb efter aftale." if invoice else ""
                calloffs.send_invoice(
                    db, supplier, order, InvoiceInput(amount, f"F-{order.id:05d}", reason)
                )
            else:
                calloffs.approve_invoice(db, jobcentre, order)
    return order


def create_demo_calloffs(db: Session) -> None:
    """Idempotent: does nothing when orders exist, or when there is no active framework."""
    if db.scalar(select(func.count()).select_from(CallOff)):
        return
    active = db.scalars(
        select(Tender).where(Tender.state == TenderState.ACTIVE).order_by(Tender.id)
    ).all()
    national = next((t for t in active if t.scope == Scope.NATIONAL), None)
    regional = next((t for t in active if t.scope == Scope.REGIONAL), None)
    if national is None or regional is None:
        return
    start = max(a.starts_on for a in db.scalars(select(Agreement)))
    north, south = national.lots[0], national.lots[1]

    # Every state, across the four demo jobcentres, on the national framework.
    aalborg, aarhus = "jobcenter.aalborg@demo.dk", "jobcenter.aarhus@demo.dk"
    odense, copenhagen = "jobcenter.odense@demo.dk", "jobcenter.koebenhavn@demo.dk"
    _order(db, aalborg, _agreement(db, north, 1), start + timedelta(days=150), 2, "AAL-2026-118")
    placed = _order(db, aarhus, _agreement(db, north, 2), start + timedelta(days=100), 1, "AAR-17")
    _walk(db, placed, start + timedelta(days=100), "accepted")
    declined = _order(
        db, copenhagen, _agreement(db, south, 3), start + timedelta(days=40), 3, "KK-9"
    )
    with clock.frozen_at(_at(start + timedelta(days=41))):
        calloffs.decline(
            db,
            _supplier_user(db, declined.agreement),
            declined,
            "Vi har ikke kapacitet på holdet før til foråret.",
        )
    cancelled = _order(db, odense, _agreement(db, south, 1), start + timedelta(days=30), 1, "OD-3")
    with clock.frozen_at(_at(start + timedelta(days=32))):
        calloffs.cancel(db, _user(db, odense), cancelled, "Borgeren er kommet i job.")
    delivered = _order(
        db, copenhagen, _agreement(db, north, 1), start + timedelta(days=20), 2, "KK-4"
    )
    _walk(db, delivered, start + timedelta(days=20), "delivered")
    invoiced = _order(db, aalborg, _agreement(db, south, 2), start + timedelta(days=10), 2, "AAL-7")
    extra = invoiced.total + invoiced.unit_price / 2
    _walk(db, invoiced, start + timedelta(days=10), "invoiced", invoice=str(extra))
    for offset, (email, rank) in enumerate([(aalborg, 1), (odense, 1), (aarhus, 3)]):
        paid = _order(
            db,
            email,
            _agreement(db, north, rank),
            start + timedelta(days=offset * 5),
            1,
            f"P-{offset}",
        )
        _walk(db, paid, start + timedelta(days=offset * 5), "paid")

    # Syddanmark's regional lot "Nord" is nearly full: Odense's orders for the year.
    full = regional.lots[0]
    first = _agreement(db, full, 1)
    quantity = int((full.maximum_value - first.unit_price * Decimal("1.5")) // first.unit_price)
    batches = [quantity // 4] * 3 + [quantity - 3 * (quantity // 4)]
    for month, batch in enumerate(batches):
        order = _order(
            db, odense, first, start + timedelta(days=month * 30), batch, f"OD-HOLD-{month + 1}"
        )
        if month < 3:
            _walk(db, order, start + timedelta(days=month * 30), "paid")

    # Odense's courses of 40 persons from each of the national first lot's first two suppliers,
    # early enough that the 13-week outcomes are known.
    for rank, case in ((1, BETTER_CASE), (2, WORSE_CASE)):
        order = _order(db, odense, _agreement(db, north, rank), start, 40, case)
        _walk(db, order, start, "paid")

    # Nordjylland's cascade: Aalborg called off from the first-ranked supplier, and once from
    # the second with its reason.
    cascade = db.scalars(select(Tender).where(Tender.title == CASCADE_TITLE)).one_or_none()
    if cascade is not None:
        lot = cascade.lots[0]
        first = _order(db, aalborg, _agreement(db, lot, 1), start + timedelta(days=60), 1, "AAL-K1")
        _walk(db, first, start + timedelta(days=60), "accepted")
        _order(
            db,
            aalborg,
            _agreement(db, lot, 2),
            start + timedelta(days=90),
            1,
            "AAL-K2",
            reason="Borgeren har gået hos leverandøren før; et skift ville bryde forløbet.",
        )
