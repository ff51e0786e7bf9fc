"""A complaint registered while a colleague concludes the agreements: both take the award's
row lock, so the conclusion either sees the complaint (and is refused) or comes first (and the
complaint, registered after it, holds nothing). On PostgreSQL, without the lock, both pass."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import clock
from app.auth.models import User
from app.auth.roles import Role
from app.bids.models import Bid, BidState
from app.complaints import services as complaints
from app.complaints.services import ComplaintInput
from app.core.errors import DomainError
from app.db import set_write_intent
from app.evaluation import services as evaluation
from app.evaluation.models import (
    Agreement,
    Award,
    AwardedBid,
    AwardState,
    ConflictDeclaration,
    Opening,
)
from app.organisations.models import Organisation, OrganisationKind
from app.suppliers.models import Supplier, SupplierState
from app.tenders.models import Lot, Scope, Tender, TenderState
from tests.calloffs.test_concurrency import _postgres, engine  # noqa: F401 - the race database


def _awarded(db_engine) -> tuple[int, int]:
    """A tender whose award is approved and whose standstill ended yesterday: (tender, staff)."""
    today = clock.today()
    tag = uuid.uuid4().hex[:8]
    with Session(db_engine) as session:
        region = Organisation(kind=OrganisationKind.REGION, name=f"Region {tag}", code=tag[:4])
        company = Organisation(kind=OrganisationKind.SUPPLIER, name=f"Leverandør {tag}")
        session.add_all([region, company])
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
        session.add_all([supplier, staff])
        session.flush()
        tender = Tender(
            reference=f"RU-KLAGE-{tag}",
            title="Klage under indgåelsen",
            region_id=region.id,
            scope=Scope.REGIONAL,
            state=TenderState.PUBLISHED,
            estimated_value=Decimal("100000.00"),
            agreement_start=today + timedelta(days=30),
            agreement_end=today + timedelta(days=700),
            bid_deadline=datetime.combine(today - timedelta(days=30), datetime.min.time(), UTC),
            published_at=datetime.combine(today - timedelta(days=60), datetime.min.time(), UTC),
        )
        tender.lots.append(Lot(number=1, title="Forløb", maximum_value=Decimal("100000.00")))
        session.add(tender)
        session.flush()
        bid = Bid(tender_id=tender.id, supplier_id=supplier.id, state=BidState.SUBMITTED)
        session.add(bid)
        session.flush()
        now = clock.now()
        session.add_all(
            [
                Opening(tender_id=tender.id, opened_by_id=staff.id, opened_at=now),
                ConflictDeclaration(tender_id=tender.id, user_id=staff.id, declared_at=now),
            ]
        )
        award = Award(
            tender_id=tender.id,
            state=AwardState.APPROVED,
            proposed_by_id=staff.id,
            proposed_at=now,
            approved_by_id=staff.id,
            approved_at=now,
            letters_sent_on=today - timedelta(days=11),
            standstill_ends_on=today - timedelta(days=1),
        )
        award.winners.append(
            AwardedBid(
                lot_id=tender.lots[0].id,
                bid_id=bid.id,
                rank=1,
                total="100.00",
                unit_price=Decimal("1000.00"),
            )
        )
        session.add(award)
        session.commit()
        return tender.id, staff.id


def _race(db_engine, tender_id: int, staff_id: int) -> dict:
    """The registration takes its locks first and commits a moment later; the conclusion
    starts in between."""
    registered = threading.Event()
    outcome: dict = {"errors": []}

    def register() -> None:
        with Session(db_engine) as session:
            try:
                set_write_intent(True)
                tender, staff = session.get(Tender, tender_id), session.get(User, staff_id)
                complaints.register(
                    session,
                    staff,
                    tender,
                    ComplaintInput("Rival ApS", clock.today() - timedelta(days=1), "26/0001"),
                )
                registered.set()
                time.sleep(0.5)  # the colleague's conclusion starts meanwhile
                session.commit()
            except BaseException as err:
                registered.set()
                outcome["errors"].append(err)

    def conclude() -> None:
        registered.wait(timeout=10)
        with Session(db_engine) as session:
            try:
                set_write_intent(True)
                tender, staff = session.get(Tender, tender_id), session.get(User, staff_id)
                evaluation.conclude(session, staff, tender)
                session.commit()
                outcome["concluded"] = True
            except DomainError as err:
                session.rollback()
                outcome["refused"] = str(err)
            except BaseException as err:
                outcome["errors"].append(err)

    threads = [threading.Thread(target=register), threading.Thread(target=conclude)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    with Session(db_engine) as session:
        outcome["agreements"] = session.scalar(
            select(func.count()).select_from(Agreement).where(Agreement.tender_id == tender_id)
        )
    return outcome


@pytest.mark.postgres_only
def test_a_complaint_registered_during_the_conclusion_holds_it(engine):  # noqa: F811
    if not _postgres():
        pytest.skip("the row lock is PostgreSQL's; SQLite serializes every writer")
    outcome = _race(engine, *_awarded(engine))
    assert outcome["errors"] == []
    assert "received within the standstill period" in outcome["refused"]
    assert outcome["agreements"] == 0


@pytest.mark.postgres_only
def test_without_the_lock_the_conclusion_passes_a_complaint_registered_meanwhile(
    engine,  # noqa: F811
    monkeypatch,
):
    if not _postgres():
        pytest.skip("the row lock is PostgreSQL's; SQLite serializes every writer")
    monkeypatch.setattr(
        complaints, "lock_row", lambda session, model, row_id: session.get(model, row_id)
    )
    outcome = _race(engine, *_awarded(engine))
    assert outcome["errors"] == []
    assert outcome.get("concluded") and outcome["agreements"] == 1
