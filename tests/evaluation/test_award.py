"""Award with four eyes, letters, the standstill and the framework agreements."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app import clock
from app.auth.models import User
from app.clock import COPENHAGEN
from app.core.errors import DomainError, NotAllowed
from app.evaluation import services
from app.evaluation.models import Agreement, AwardState
from app.notifications.models import Notification
from app.tenders.lifecycle import TenderStep, next_steps
from tests.bids.conftest import RIVAL, submit
from tests.conftest import login, user
from tests.tenders.conftest import published, staff


def test_the_same_person_cannot_propose_and_approve(db, scored):
    services.propose_award(db, staff(db, "NJ"), scored)
    with pytest.raises(DomainError, match="another person"):
        services.approve_award(db, staff(db, "NJ"), scored)
    assert services.award_of(db, scored).state == AwardState.PROPOSED


def test_all_bids_must_be_scored_before_the_proposal(db):
    tender = published(db)
    submit(db, tender)
    with clock.frozen_at(tender.bid_deadline):
        services.open_bids(db, staff(db, "NJ"), tender)
        services.declare_no_conflict(db, staff(db, "NJ"), tender)
        with pytest.raises(DomainError, match="Score every compliant bid"):
            services.propose_award(db, staff(db, "NJ"), tender)


def test_approval_sends_letters_and_starts_a_standstill_that_refuses_early_conclusion(
    db, scored, second_staff
):
    award = services.propose_award(db, staff(db, "NJ"), scored)
    assert [w.rank for w in award.winners] == [1, 2]  # 2 places, both bids
    with pytest.raises(NotAllowed, match="conflict of interest"):
        services.approve_award(db, second_staff, scored)
    services.declare_no_conflict(db, second_staff, scored)
    services.approve_award(db, second_staff, scored)
    assert award.standstill_ends_on >= award.letters_sent_on + timedelta(days=10)
    told = db.scalars(
        select(Notification.user_id).where(Notification.subject.contains(scored.reference))
    ).all()
    assert user(db, RIVAL).id in told
    last_day = datetime.combine(award.standstill_ends_on, datetime.max.time(), COPENHAGEN)
    with clock.frozen_at(last_day), pytest.raises(DomainError, match="standstill period runs"):
        services.conclude(db, staff(db, "NJ"), scored)
    assert db.scalars(select(Agreement).where(Agreement.tender_id == scored.id)).all() == []
    with clock.frozen_at(last_day + timedelta(microseconds=1)):
        agreements = services.conclude(db, staff(db, "NJ"), scored)
    assert [(a.rank, a.unit_price) for a in agreements] == [
        (1, Decimal("20000")),
        (2, Decimal("16000")),
    ]
    assert agreements[0].number == f"{scored.reference}-1-1"
    assert award.state == AwardState.CONCLUDED
    assert scored.state.value == "active"
    from app.tenders import services as tenders

    with pytest.raises(DomainError, match="active framework"):
        tenders.cancel(db, staff(db, "NJ"), scored, "For sent")


def test_an_awarded_tender_cannot_be_cancelled(db, scored, second_staff):
    from app.tenders import services as tenders

    services.propose_award(db, staff(db, "NJ"), scored)
    with pytest.raises(DomainError, match="award is decided"):
        tenders.cancel(db, staff(db, "NJ"), scored, "Fortrudt")


def test_once_an_award_is_proposed_the_tender_page_offers_no_cancel(client, db, scored):
    assert TenderStep.CANCEL in next_steps(staff(db, "NJ"), scored)
    services.propose_award(db, staff(db, "NJ"), scored)
    assert TenderStep.CANCEL not in next_steps(staff(db, "NJ"), scored)
    tender_id = scored.id
    db.commit()
    login(client, "region.nordjylland@demo.dk")
    page = client.get(f"/manage/tenders/{tender_id}").get_data(as_text=True)
    assert 'data-step="cancel"' not in page
    refused = client.post(f"/manage/tenders/{tender_id}/cancel", data={"reason": "Fortrudt"})
    assert refused.status_code == 409


def test_the_letter_tells_each_bidder_its_rank_and_the_winners(db, scored, second_staff):
    services.propose_award(db, staff(db, "NJ"), scored)
    services.declare_no_conflict(db, second_staff, scored)
    services.approve_award(db, second_staff, scored)
    bid = services.award_of(db, scored).winners[1].bid
    supplier_user = db.scalars(
        select(User).where(User.organisation_id == bid.supplier.organisation_id)
    ).first()
    letter = services.letter_for(db, supplier_user, bid)
    lot = letter.lots[0]
    assert lot["own"].rank == 2 and lot["awarded"]
    assert [w["result"].rank for w in lot["winners"]] == [1, 2]
    assert lot["justifications"]


def test_the_evaluation_is_locked_once_an_award_is_proposed(db, scored):
    services.propose_award(db, staff(db, "NJ"), scored)
    first = services.opening_of(db, scored).bids[0]
    criterion = next(c for c in scored.criteria if not c.is_price).id
    with pytest.raises(DomainError, match="locked"):
        services.score(db, staff(db, "NJ"), first, criterion, 1, "Ændret")
    with pytest.raises(DomainError, match="locked"):
        services.reject(db, staff(db, "NJ"), first, "For sent")
