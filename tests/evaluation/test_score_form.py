"""The scoring form keeps what was typed when a save fails, and says at the criterion why."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app import clock
from app.evaluation import services
from tests.bids.conftest import RIVAL, submit
from tests.conftest import login
from tests.tenders.conftest import published, staff


@pytest.fixture
def opened(db):
    """A tender (price 40, quality 60) with two bids, opened and declared, after the deadline."""
    tender = published(db)
    submit(db, tender, price="20000")
    submit(db, tender, email=RIVAL, price="16000")
    with clock.frozen_at(tender.bid_deadline + timedelta(hours=1)):
        services.open_bids(db, staff(db, "NJ"), tender)
        services.declare_no_conflict(db, staff(db, "NJ"), tender)
        db.commit()
        yield tender


def _post(client, tender, opened_bid, criterion, score, justification):
    return client.post(
        f"/manage/tenders/{tender.id}/evaluation/{opened_bid.id}/scores",
        data={f"score-{criterion.id}": score, f"justification-{criterion.id}": justification},
    )


def test_a_missing_justification_keeps_the_score_and_stands_at_its_criterion(client, db, opened):
    criterion = next(c for c in opened.criteria if not c.is_price)
    bid = services.opening_of(db, opened).bids[0]
    login(client, "region.nordjylland@demo.dk")
    response = _post(client, opened, bid, criterion, "7", " ")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    field = f"score-{bid.id}-{criterion.id}"
    assert f'id="{field}" name="score-{criterion.id}" value="7"' in html
    assert f'<span class="form-error-message" id="{field}-error">' in html
    error = html[html.index(f'id="{field}-error"') :][:400]
    assert "skriv begrundelsen" in error.lower()
    db.expire_all()
    assert services.opening_of(db, opened).bids[0].scores == []


def test_a_score_out_of_range_keeps_the_justification(client, db, opened):
    criterion = next(c for c in opened.criteria if not c.is_price)
    bid = services.opening_of(db, opened).bids[0]
    login(client, "region.nordjylland@demo.dk")
    response = _post(client, opened, bid, criterion, "11", "Et stærkt forløb med mentorer.")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Et stærkt forløb med mentorer.</textarea>" in html
    assert 'aria-invalid="true"' in html
    # the other bid's form is not marked, nor filled with this one's text
    other = services.opening_of(db, opened).bids[1]
    assert f'id="score-{other.id}-{criterion.id}-error"' not in html
    assert html.count("Et stærkt forløb med mentorer.</textarea>") == 1


def test_a_good_save_goes_back_to_the_page_with_the_scores(client, db, opened):
    criterion = next(c for c in opened.criteria if not c.is_price)
    bid = services.opening_of(db, opened).bids[0]
    login(client, "region.nordjylland@demo.dk")
    response = _post(client, opened, bid, criterion, "8", "Godt.")
    assert response.status_code == 302
    db.expire_all()
    assert [s.score for s in services.opening_of(db, opened).bids[0].scores] == [8]
