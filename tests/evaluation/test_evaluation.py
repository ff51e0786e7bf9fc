"""Evaluation: declare first, reject with a reason, score 0–10 with a justification, rank."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from fractions import Fraction

import pytest

from app import clock
from app.core.errors import DomainError, NotAllowed
from app.evaluation import services
from tests.bids.conftest import RIVAL, submit
from tests.conftest import login
from tests.tenders.conftest import published, staff


@pytest.fixture
def opened(db):
    """A tender (price 40, quality 60) with two bids, opened at its deadline."""
    tender = published(db)
    submit(db, tender, price="20000")
    submit(db, tender, email=RIVAL, price="16000")
    with clock.frozen_at(tender.bid_deadline + timedelta(hours=1)):
        services.open_bids(db, staff(db, "NJ"), tender)
        yield tender  # the evaluation happens after the deadline


def _quality(tender):
    return next(c for c in tender.criteria if not c.is_price)


def test_nobody_sees_the_bids_before_declaring_no_conflict(db, opened):
    with pytest.raises(NotAllowed, match="conflict of interest"):
        services.readable_bids(db, staff(db, "NJ"), opened)
    services.declare_no_conflict(db, staff(db, "NJ"), opened)
    assert len(services.readable_bids(db, staff(db, "NJ"), opened)) == 2


def test_scores_are_whole_numbers_from_0_to_10_with_a_justification(db, opened):
    services.declare_no_conflict(db, staff(db, "NJ"), opened)
    bid = services.opening_of(db, opened).bids[0]
    criterion = _quality(opened).id
    with pytest.raises(DomainError, match="from 0 to 10"):
        services.score(db, staff(db, "NJ"), bid, criterion, 11, "For godt")
    with pytest.raises(DomainError, match="from 0 to 10"):
        services.score(db, staff(db, "NJ"), bid, criterion, -1, "For dårligt")
    with pytest.raises(DomainError, match="justification"):
        services.score(db, staff(db, "NJ"), bid, criterion, 7, " ")
    assert bid.scores == []
    services.score(db, staff(db, "NJ"), bid, criterion, 10, "Overbevisende")
    assert [s.score for s in bid.scores] == [10]


def test_a_rejected_bid_needs_a_reason_and_is_not_ranked(db, opened):
    services.declare_no_conflict(db, staff(db, "NJ"), opened)
    first, second = services.opening_of(db, opened).bids
    with pytest.raises(DomainError, match="reason"):
        services.reject(db, staff(db, "NJ"), first, "")
    services.reject(db, staff(db, "NJ"), first, "Opfylder ikke krav 1.")
    with pytest.raises(DomainError, match="rejected bid is not scored"):
        services.score(db, staff(db, "NJ"), first, _quality(opened).id, 5, "x")
    services.score(db, staff(db, "NJ"), second, _quality(opened).id, 5, "Middel")
    ranking = services.ranking(db, staff(db, "NJ"), opened)
    assert all([r.bid_id for r in results] == [second.bid_id] for results in ranking.values())


def test_the_ranking_follows_the_arithmetic(db, opened):
    # Price weight 40, one quality criterion weight 60 (the factory's tender).
    # A: 20.000 kr., score 10 → 40 × 16/20 = 32 + 60 = 92
    # B: 16.000 kr., score 5  → 40 + 30 = 70
    services.declare_no_conflict(db, staff(db, "NJ"), opened)
    a, b = services.opening_of(db, opened).bids
    services.score(db, staff(db, "NJ"), a, _quality(opened).id, 10, "Fremragende")
    services.score(db, staff(db, "NJ"), b, _quality(opened).id, 5, "Middel")
    results = services.ranking(db, staff(db, "NJ"), opened)[opened.lots[0].id]
    assert [(r.bid_id, r.total) for r in results] == [(a.bid_id, Fraction(92)), (b.bid_id, 70)]
    assert results[0].shown(results[0].price_part) == Decimal("32.00")


def test_the_evaluation_page_asks_for_the_declaration_first(client, db, opened):
    tender_id = opened.id
    db.commit()
    login(client, "region.nordjylland@demo.dk")
    page = client.get(f"/manage/tenders/{tender_id}/evaluation").get_data(as_text=True)
    assert "ikke har nogen interessekonflikt" in page and "Godt forløb" not in page
    client.post(f"/manage/tenders/{tender_id}/evaluation/declaration")
    page = client.get(f"/manage/tenders/{tender_id}/evaluation").get_data(as_text=True)
    assert "Godt forløb" in page


def test_the_lowest_compliant_price_counts_before_every_bid_is_scored(db, opened):
    # A (20.000) is scored; B (16.000) is not yet. A's price part is 40 × 16/20 = 32, not 40.
    services.declare_no_conflict(db, staff(db, "NJ"), opened)
    a = services.opening_of(db, opened).bids[0]
    services.score(db, staff(db, "NJ"), a, _quality(opened).id, 10, "Fremragende")
    [only] = services.ranking(db, staff(db, "NJ"), opened)[opened.lots[0].id]
    assert only.price_part == Fraction(32)


def test_a_flagged_bid_that_cannot_be_read_can_only_be_excluded(db, opened):
    from sqlalchemy import update

    from app.bids.models import BidVersion
    from app.evaluation.models import SealCheck

    flagged = services.opening_of(db, opened).bids[0]
    flagged.check = SealCheck.FLAGGED
    db.execute(
        update(BidVersion)
        .where(BidVersion.id == flagged.version_id)
        .values(sealed_content=b"not a fernet token")
    )
    db.expire_all()
    flagged = services.opening_of(db, opened).bids[0]
    with pytest.raises(DomainError, match="cannot be read"):
        services.decide_flagged(db, staff(db, "NJ"), flagged, accept=True, reason="Ok")
    services.decide_flagged(db, staff(db, "NJ"), flagged, accept=False, reason="Ulæselig")
