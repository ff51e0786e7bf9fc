"""Factories for call-offs: an active framework built straight in the tables (the award is
tested elsewhere), and orders on it, under the tender factories' frozen clock."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from app.bids.models import Bid, BidState
from app.calloffs import services
from app.calloffs.services import InvoiceInput, OrderInput
from app.evaluation.models import Agreement
from app.suppliers.models import Supplier
from app.tenders.models import CallOffRule, Lot, Scope, Tender, TenderState
from tests.conftest import user
from tests.tenders.conftest import NOW, group, region, staff

TODAY = NOW.date()
ODENSE = "jobcenter.odense@demo.dk"  # Syddanmark
AALBORG = "jobcenter.aalborg@demo.dk"  # Nordjylland
SUPPLIER_USERS = ["leverandoer1@demo.dk", "leverandoer2@demo.dk", "leverandoer3@demo.dk"]


def supplier_of(db, email: str) -> Supplier:
    return db.scalars(
        select(Supplier).where(Supplier.organisation_id == user(db, email).organisation_id)
    ).one()


def framework(
    db,
    code: str = "SD",
    *,
    scope: Scope = Scope.REGIONAL,
    maximum: str = "100000.00",
    prices: tuple[str, ...] = ("1000.00", "1200.00", "900.00"),
    rule: CallOffRule = CallOffRule.FREE_CHOICE,
    cascade_limit: Decimal | None = None,
    starts_on: date = TODAY - timedelta(days=30),
    ends_on: date = TODAY + timedelta(days=700),
    state: TenderState = TenderState.ACTIVE,
    target_group: str = "Ledige akademikere",
) -> Lot:
    """An active framework with one lot and one agreement per price, ranked in that order."""
    number = (db.scalar(select(func.count()).select_from(Tender)) or 0) + 1
    tender = Tender(
        reference=f"RU-TEST-{code}-{number:03d}",
        title=f"Testramme {number}",
        region_id=region(db, code).id,
        scope=scope,
        state=state,
        estimated_value=Decimal(maximum),
        agreement_start=starts_on,
        agreement_end=ends_on,
        bid_deadline=NOW - timedelta(days=90),
        published_at=NOW - timedelta(days=120),
        target_groups=[group(db, target_group)],
    )
    lot = Lot(
        number=1,
        title="Forløb",
        maximum_value=Decimal(maximum),
        suppliers_to_award=3,
        call_off_rule=rule,
        cascade_limit=cascade_limit,
    )
    tender.lots.append(lot)
    db.add(tender)
    db.flush()
    for rank, (price, email) in enumerate(zip(prices, SUPPLIER_USERS, strict=False), start=1):
        supplier = supplier_of(db, email)
        bid = Bid(tender_id=tender.id, supplier_id=supplier.id, state=BidState.SUBMITTED)
        db.add(bid)
        db.flush()
        db.add(
            Agreement(
                number=f"{tender.reference}-1-{rank}",
                tender_id=tender.id,
                lot_id=lot.id,
                supplier_id=supplier.id,
                bid_id=bid.id,
                rank=rank,
                unit_price=Decimal(price),
                score=f"{90 - rank * 5}.00",
                quality_part=f"{50 - rank * 4}.00",
                starts_on=starts_on,
                ends_on=ends_on,
                concluded_at=NOW - timedelta(days=31),
                concluded_by_id=staff(db, code).id,
            )
        )
    db.flush()
    return lot


def agreement(db, lot: Lot, rank: int = 1) -> Agreement:
    return db.scalars(
        select(Agreement).where(Agreement.lot_id == lot.id, Agreement.rank == rank)
    ).one()


_cases = itertools.count(1)


def order_input(**changes) -> OrderInput:
    """An order for a case of its own (the same order twice in a row is refused as a repeat)."""
    values = {
        "case_reference": f"SAG-2026-{next(_cases):04d}",
        "quantity": 2,
        "starts_on": TODAY + timedelta(days=7),
    }
    return OrderInput(**{**values, **changes})


def place(db, lot: Lot, rank: int = 1, email: str = ODENSE, **changes):
    return services.place_order(
        db, user(db, email), agreement(db, lot, rank), order_input(**changes)
    )


def supplier_user(db, order) -> str:
    return next(e for e in SUPPLIER_USERS if supplier_of(db, e).id == order.supplier_id)


def delivered(db, lot: Lot, rank: int = 1, **changes):
    order = place(db, lot, rank, **changes)
    supplier = user(db, supplier_user(db, order))
    services.accept(db, supplier, order)
    return services.deliver(db, supplier, order)


def invoiced(db, lot: Lot, amount: str | None = None, reason: str = "", **changes):
    order = delivered(db, lot, **changes)
    invoice = InvoiceInput(Decimal(amount) if amount else order.total, "F-1001", reason)
    return services.send_invoice(db, user(db, supplier_user(db, order)), order, invoice)
