"""Rejecting a bid and proposing the award (which locks the evaluation) ask first, saying what
will happen; only the confirmed POST takes the step."""

from __future__ import annotations

from app.evaluation import services
from app.evaluation.models import OpenedBid
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
