"""Rejecting a bid, proposing the award (which locks the evaluation), approving it (the letters
go out) and concluding the agreements ask first, saying what will happen; only the confirmed
POST takes the step."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from app import clock
from app.clock import COPENHAGEN
from app.evaluation import services
from app.evaluation.models import AwardState, OpenedBid
from tests.conftest import login
from tests.tenders.conftest import staff


def _client(app):
    client = app.test_client()
    login(client, "region.nordjylland@demo.dk")
    return client


def test_rejecting_a_bid_asks_first_showing_the_reason(app, db, scored):
    opened_id, tender_id = services.opening_of(db, scored).bids[0].id, scored.id
    db.commit()
    client = _client(app)
    url = f"/manage/tenders/{tender_id}/evaluation/{opened_id}/rejection"
    reason = {"reason": "Mangler dokumentation for erfaring."}
    asked = client.post(url, data=reason).get_data(as_text=True)
    assert "Afvis tilbuddet?" in asked and "Mangler dokumentation for erfaring." in asked
    assert 'data-testid="what-happens"' in asked and "kan ikke fortrydes" in asked
    db.expire_all()
    assert db.get(OpenedBid, opened_id).rejection is None
    done = client.post(url, data={**reason, "confirmed": "yes"}, follow_redirects=True)
    assert "Tilbuddet er afvist" in done.get_data(as_text=True)
    db.expire_all()
    assert db.get(OpenedBid, opened_id).rejection is not None


def test_proposing_the_award_asks_before_locking_the_evaluation(app, db, scored):
    tender_id = scored.id
    db.commit()
    client = _client(app)
    asked = client.post(f"/manage/tenders/{tender_id}/award").get_data(as_text=True)
    assert "Indstil tildelingen og lås evalueringen?" in asked
    assert services.award_of(db, scored) is None
    client.post(f"/manage/tenders/{tender_id}/award", data={"confirmed": "yes"})
    db.expire_all()
    assert services.award_of(db, scored).proposed_by_id == staff(db, "NJ").id


def test_a_step_that_cannot_be_taken_is_refused_without_asking(app, db, scored):
    services.propose_award(db, staff(db, "NJ"), scored)
    opened_id, tender_id = services.opening_of(db, scored).bids[0].id, scored.id
    db.commit()
    client = _client(app)
    url = f"/manage/tenders/{tender_id}/evaluation/{opened_id}/rejection"
    refused = client.post(url, data={"reason": "For sent"})
    assert refused.status_code == 409
    assert "Afvis tilbuddet?" not in refused.get_data(as_text=True)


def test_approving_the_award_asks_before_the_letters_go_out(app, db, scored, second_staff):
    services.propose_award(db, staff(db, "NJ"), scored)
    services.declare_no_conflict(db, second_staff, scored)
    tender_id = scored.id
    db.commit()
    client = app.test_client()
    login(client, "anden@nordjylland.dk", "a long enough password")
    url = f"/manage/tenders/{tender_id}/award/approval"
    asked = client.post(url).get_data(as_text=True)
    assert "Godkend tildelingen og send brevene?" in asked and "standstill" in asked
    db.expire_all()
    assert services.award_of(db, scored).state == AwardState.PROPOSED
    client.post(url, data={"confirmed": "yes"})
    db.expire_all()
    assert services.award_of(db, scored).state == AwardState.APPROVED


def test_concluding_asks_first_once_the_standstill_is_over(app, db, scored, second_staff):
    services.propose_award(db, staff(db, "NJ"), scored)
    services.declare_no_conflict(db, second_staff, scored)
    award = services.approve_award(db, second_staff, scored)
    tender_id, after_standstill = scored.id, award.standstill_ends_on + timedelta(days=1)
    db.commit()
    client = _client(app)
    url = f"/manage/tenders/{tender_id}/award/conclusion"
    refused = client.post(url)  # during the standstill: refused without asking
    assert refused.status_code == 409 and "Indgå rammeaftalerne?" not in refused.text
    with clock.frozen_at(datetime.combine(after_standstill, time(10), COPENHAGEN)):
        asked = client.post(url).get_data(as_text=True)
        assert "Indgå rammeaftalerne?" in asked
        assert services.agreements_of(db, scored) == []
        client.post(url, data={"confirmed": "yes"})
    db.expire_all()
    assert services.agreements_of(db, scored)
