"""Many orders at once on a nearly full lot: the lock (FOR UPDATE on PostgreSQL, BEGIN IMMEDIATE
on SQLite) lets exactly the orders that fit through, the maximum is never passed and nothing is
lost; on PostgreSQL, without the lock, it is passed. Invoices above their total race the same."""

from __future__ import annotations

import contextlib
import os
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app import clock
from app.auth.models import User
from app.auth.roles import Role
from app.bids.models import Bid, BidState
from app.calloffs import services
from app.calloffs.models import CallOff
from app.calloffs.services import InvoiceInput, OrderInput
from app.core import migrations
from app.core.errors import DomainError
from app.db import make_engine, set_write_intent
from app.evaluation.models import Agreement
from app.organisations.models import Organisation, OrganisationKind
from app.spend import totals
from app.suppliers.models import Supplier, SupplierState
from app.tenders.models import Lot, Scope, Tender, TenderState
from tests.databases import database_beside

PRICE = Decimal("1000.00")
MAXIMUM = Decimal("20000.00")
ALREADY = 13  # units ordered before the race: 7.000,00 kr. is left
QUANTITIES = [1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1]  # 32 units wanted, 7 fit


def _postgres() -> bool:
    return os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")


@pytest.fixture(scope="module")
def engine(app, tmp_path_factory):  # the app configures the audit chain's key
    """A database of the suite's kind, but the race's own, with a connection per order."""
    own_url = database_beside("calloff_race", tmp_path_factory.mktemp("race"))
    migrations.upgrade(own_url)
    # A connection for every order at once (the default pool holds 15).
    engine = make_engine(own_url, pool_size=len(QUANTITIES) + 2)
    yield engine
    engine.dispose()


@dataclass
class Race:
    agreement_id: int
    jobcentre_user_id: int
    lot_id: int
    starts_on: date
    supplier_user_id: int
    placed: list[int] = field(default_factory=list)  # what passed: quantities or order ids
    refused: list[tuple[int, str]] = field(default_factory=list)
    errors: list[BaseException] = field(default_factory=list)


def _nearly_full_lot(engine, already: int = ALREADY) -> Race:
    """A jobcentre, a supplier and an active lot with `already` units ordered, all committed."""
    today = clock.today()
    tag = uuid.uuid4().hex[:8]
    with Session(engine) as session:
        region = Organisation(kind=OrganisationKind.REGION, name=f"Region {tag}", code=tag[:4])
        session.add(region)
        session.flush()
        jobcentre = Organisation(
            kind=OrganisationKind.JOBCENTRE, name=f"Jobcenter {tag}", region_id=region.id
        )
        company = Organisation(kind=OrganisationKind.SUPPLIER, name=f"Leverandør {tag}")
        session.add_all([jobcentre, company])
        session.flush()
        supplier = Supplier(
            organisation_id=company.id,
            cvr=str(uuid.uuid4().int)[:8],
            address="Vej 1",
            contact_person="Kontakt",
            state=SupplierState.ACTIVE,
        )
        staff = User(
            email=f"staff-{tag}@test.dk",
            name="Staff",
            role=Role.REGION_STAFF,
            organisation_id=region.id,
            password_hash="-",
        )
        orderer = User(
            email=f"job-{tag}@test.dk",
            name="Jobcenter",
            role=Role.JOBCENTRE_STAFF,
            organisation_id=jobcentre.id,
            password_hash="-",
        )
        seller = User(
            email=f"sup-{tag}@test.dk",
            name="Leverandør",
            role=Role.SUPPLIER,
            organisation_id=company.id,
            password_hash="-",
        )
        session.add_all([supplier, staff, orderer, seller])
        session.flush()
        tender = Tender(
            reference=f"RU-RACE-{tag}",
            title="Kapløb",
            region_id=region.id,
            scope=Scope.REGIONAL,
            state=TenderState.ACTIVE,
            estimated_value=MAXIMUM,
            agreement_start=today - timedelta(days=365),
            agreement_end=today + timedelta(days=1000),
            bid_deadline=datetime(2026, 1, 1, tzinfo=UTC),
            published_at=datetime(2025, 12, 1, tzinfo=UTC),
        )
        lot = Lot(number=1, title="Forløb", maximum_value=MAXIMUM)
        tender.lots.append(lot)
        session.add(tender)
        session.flush()
        bid = Bid(tender_id=tender.id, supplier_id=supplier.id, state=BidState.SUBMITTED)
        session.add(bid)
        session.flush()
        agreement = Agreement(
            number=f"RU-RACE-{tag}-1-1",
            tender_id=tender.id,
            lot_id=lot.id,
            supplier_id=supplier.id,
            bid_id=bid.id,
            rank=1,
            unit_price=PRICE,
            starts_on=today - timedelta(days=365),
            ends_on=today + timedelta(days=1000),
            concluded_at=datetime(2026, 2, 1, tzinfo=UTC),
            concluded_by_id=staff.id,
        )
        session.add(agreement)
        session.flush()
        race = Race(agreement.id, orderer.id, lot.id, today + timedelta(days=10), seller.id)
        services.place_order(session, orderer, agreement, _order(race, already))
        session.commit()
    return race


def _order(race: Race, quantity: int) -> OrderInput:
    # Each order for a case of its own: the same order twice in a row is refused as a repeat.
    return OrderInput(
        case_reference=f"RACE-{uuid.uuid4().hex[:8]}", quantity=quantity, starts_on=race.starts_on
    )


def _all_at_once(engine, race: Race, items: list, act) -> None:
    """`act(session, item)` for every item, each in its own thread and connection, released at
    once by a barrier; what passed, what was refused and any other error land in `race`."""
    barrier = threading.Barrier(len(items))

    def one(item) -> None:
        with Session(engine) as session:
            try:
                # As a page would: read first, then write in a transaction of its own
                # (on SQLite a writing transaction takes the write lock when it begins).
                set_write_intent(False)
                session.get(User, race.jobcentre_user_id)
                session.commit()
                set_write_intent(True)
                barrier.wait(timeout=30)
                act(session, item)
                session.commit()
                race.placed.append(item)
            except DomainError as err:
                session.rollback()
                race.refused.append((item, str(err)))
            except BaseException as err:  # anything else is a failure of the test
                race.errors.append(err)

    threads = [threading.Thread(target=one, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)


def _run(engine, race: Race) -> None:
    """Every order of QUANTITIES at once."""

    def order(session, quantity: int) -> None:
        actor = session.get(User, race.jobcentre_user_id)
        agreement = session.get(Agreement, race.agreement_id)
        services.place_order(session, actor, agreement, _order(race, quantity))

    _all_at_once(engine, race, QUANTITIES, order)


def _stored(engine, race: Race) -> tuple[int, Decimal]:
    """The lot's orders and its committed amount, after checking that the summary figures
    kept by every transaction of the race equal the figures computed from the orders."""
    with Session(engine) as session:
        assert totals.differences(session) == []
        rows = session.scalar(select(func.count()).where(CallOff.lot_id == race.lot_id))
        return rows, services.committed_amount(session, race.lot_id)


def test_parallel_orders_never_pass_the_maximum_and_exactly_those_that_fit_succeed(engine):
    race = _nearly_full_lot(engine)
    _run(engine, race)
    rows, committed = _stored(engine, race)
    assert race.errors == []
    assert len(race.placed) + len(race.refused) == len(QUANTITIES)
    assert committed == PRICE * (ALREADY + sum(race.placed)) <= MAXIMUM
    assert rows == 1 + len(race.placed)  # nothing lost, nothing stored for a refusal
    left = MAXIMUM - committed
    # Every refused order was refused because it did not fit in what was left at the end.
    assert all(PRICE * quantity > left for quantity, _message in race.refused)
    assert all("does not fit within the lot's maximum" in m for _q, m in race.refused)


@pytest.mark.postgres_only
def test_without_the_lock_the_same_race_passes_the_maximum(engine, monkeypatch):
    """The lock is what the first test measures: take it away and the maximum is passed.
    (SQLite's writing transactions are serialized whole, lock or no lock.)"""
    if not _postgres():
        pytest.skip("the row lock is PostgreSQL's; SQLite serializes every writer")
    race = _nearly_full_lot(engine)
    everyone_has_read = threading.Barrier(len(QUANTITIES))
    read_figures = totals.lot_figures

    def unlocked(db, lot_id):
        return db.get(Lot, lot_id)

    def read_then_wait(db, lot_id):
        figures = read_figures(db, lot_id)
        # Let every order read the same room before any of them takes it.
        with contextlib.suppress(threading.BrokenBarrierError):
            everyone_has_read.wait(timeout=10)
        return figures

    monkeypatch.setattr(services, "_lock_lot", unlocked)
    monkeypatch.setattr(totals, "lot_figures", read_then_wait)
    # Order numbers and the lot's alerts are kept under the lock too; unlocked they would
    # collide first (unique constraints), hiding what this test shows.
    monkeypatch.setattr(services, "_next_number", lambda lot, n: f"B-RACE-{uuid.uuid4().hex}")
    monkeypatch.setattr(services, "alert_if_passed", lambda db, lot, committed: [])
    _run(engine, race)
    monkeypatch.undo()
    _rows, committed = _stored(engine, race)
    assert race.errors == []
    assert committed > MAXIMUM


def test_parallel_invoices_above_their_totals_never_pass_the_maximum(engine):
    """Eight delivered orders of 1.000 kr. at a lot with 2.000 kr. left; each supplier invoice
    asks 500 kr. more: exactly four fit."""
    race = _nearly_full_lot(engine, already=10)
    with Session(engine) as session:
        orderer = session.get(User, race.jobcentre_user_id)
        seller = session.get(User, race.supplier_user_id)
        agreement = session.get(Agreement, race.agreement_id)
        orders = [
            services.place_order(session, orderer, agreement, _order(race, 1)) for _ in range(8)
        ]
        for order in orders:
            services.accept(session, seller, order)
            services.deliver(session, seller, order)
        session.commit()
        order_ids = [order.id for order in orders]

    def invoice(session, order_id: int) -> None:
        actor = session.get(User, race.supplier_user_id)
        order = session.get(CallOff, order_id)
        services.send_invoice(
            session, actor, order, InvoiceInput(Decimal("1500.00"), "F-1", "Ekstra")
        )

    _all_at_once(engine, race, order_ids, invoice)
    _rows, committed = _stored(engine, race)
    assert race.errors == []
    assert (len(race.placed), len(race.refused)) == (4, 4)
    assert committed == MAXIMUM
    assert all("does not fit within the lot's maximum" in m for _id, m in race.refused)


def test_parallel_moves_on_one_jobcentres_orders_keep_the_summary_figures_exact(engine):
    """Sixteen orders of one jobcentre in one month, each moved at once: half approved after
    delivery and invoice, half cancelled. Every move adds to the same summary rows."""
    race = _nearly_full_lot(engine, already=1)
    with Session(engine) as session:
        orderer = session.get(User, race.jobcentre_user_id)
        seller = session.get(User, race.supplier_user_id)
        agreement = session.get(Agreement, race.agreement_id)
        orders = [
            services.place_order(session, orderer, agreement, _order(race, 1)) for _ in range(16)
        ]
        for order in orders[:8]:
            services.accept(session, seller, order)
            services.deliver(session, seller, order)
            services.send_invoice(session, seller, order, InvoiceInput(PRICE, "F-1", ""))
        session.commit()
        order_ids = [order.id for order in orders]

    def move(session, order_id: int) -> None:
        actor = session.get(User, race.jobcentre_user_id)
        order = session.get(CallOff, order_id)
        if order_id in order_ids[:8]:
            services.approve_invoice(session, actor, order)
        else:
            services.cancel(session, actor, order, "Borgeren fik job")

    _all_at_once(engine, race, order_ids, move)
    _rows, committed = _stored(engine, race)  # checks every summary figure against the orders
    assert race.errors == [] and len(race.placed) == 16
    assert committed == PRICE * 9  # the first order and the eight approved


def test_a_change_to_the_summary_figures_holds_the_audit_chain_head_first(engine):
    """Services audit before or after they change the figures; were the figures' rows locked
    before the chain's head in one transaction and after it in another, the two could each
    hold what the other waits for. So the head is taken first: while one transaction has
    changed figures, another cannot take the head."""
    if not _postgres():
        pytest.skip("SQLite serializes every writer")
    from sqlalchemy.exc import OperationalError

    from app.audit import chain

    race = _nearly_full_lot(engine, already=1)
    with Session(engine) as first, Session(engine) as second:
        order = first.scalars(select(CallOff).where(CallOff.lot_id == race.lot_id)).one()
        totals.record_change(first, order, totals.Share(Decimal("-1.00"), Decimal("0.00")))
        second.execute(text("SET LOCAL lock_timeout = '300ms'"))
        with pytest.raises(OperationalError, match="lock timeout"):
            chain.lock_head(second)
        second.rollback()
        first.rollback()
