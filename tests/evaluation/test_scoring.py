"""The arithmetic against hand-computed examples, the tie rule and the standstill."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from fractions import Fraction

import pytest

from app.evaluation.scoring import Candidate, Result, rank, winners
from app.evaluation.standstill import standstill_end

T = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
PRICE, QUALITY, EXPERIENCE = 40, 1, 2
WEIGHTS = {QUALITY: 35, EXPERIENCE: 25}


def bid(bid_id, price, quality, experience, minute=0):
    return Candidate(
        bid_id,
        Decimal(price),
        {QUALITY: quality, EXPERIENCE: experience},
        T.replace(minute=minute),
    )


def test_a_hand_computed_example():
    # A: 20.000 kr., scores 8 and 6; B: 25.000 kr., scores 10 and 9; C: 16.000 kr., 5 and 5.
    # Lowest price 16.000.
    # A: 40 × 16/20 = 32      + 35 × 0,8 = 28   + 25 × 0,6 = 15   → 75
    # B: 40 × 16/25 = 25,6    + 35 × 1,0 = 35   + 25 × 0,9 = 22,5 → 83,1
    # C: 40 × 16/16 = 40      + 35 × 0,5 = 17,5 + 25 × 0,5 = 12,5 → 70
    results = rank(
        [bid(1, "20000", 8, 6), bid(2, "25000", 10, 9), bid(3, "16000", 5, 5)], PRICE, WEIGHTS
    )
    assert [(r.bid_id, r.rank) for r in results] == [(2, 1), (1, 2), (3, 3)]
    assert [r.total for r in results] == [Fraction("83.1"), Fraction(75), Fraction(70)]
    assert results[0].price_part == Fraction("25.6")
    assert Result.shown(results[0].quality_part) == Decimal("57.50")


def test_a_third_of_a_point_is_kept_exact():
    # 40 × 10.000/30.000 = 13,333…; shown as 13,33, never rounded before ranking.
    results = rank([bid(1, "10000", 0, 0), bid(2, "30000", 0, 0)], PRICE, WEIGHTS)
    assert results[1].price_part == Fraction(40, 3)
    assert Result.shown(results[1].price_part) == Decimal("13.33")


def test_ties_go_to_the_higher_quality_part():
    # a: 40 × 10.000/10.000 = 40 + 35 × 0 + 25 × 0,8 = 20 → 60, quality part 20
    # b: 40 × 10.000/40.000 = 10 + 35 × 1 + 25 × 0,6 = 15 → 60, quality part 50
    a = Candidate(7, Decimal("10000"), {QUALITY: 0, EXPERIENCE: 8}, T)
    b = Candidate(8, Decimal("40000"), {QUALITY: 10, EXPERIENCE: 6}, T.replace(minute=30))
    ranked = rank([a, b], PRICE, WEIGHTS)
    assert ranked[0].total == ranked[1].total == 60
    assert [r.bid_id for r in ranked] == [8, 7]  # the higher quality part wins the tie


def test_then_the_lower_price_then_the_earlier_receipt():
    # Equal total and equal quality part cannot differ in price (the price part would differ),
    # except with a zero price weight: then the lower price decides, then the receipt time.
    weights = {QUALITY: 60, EXPERIENCE: 40}
    cheap = Candidate(1, Decimal("15000"), {QUALITY: 5, EXPERIENCE: 5}, T.replace(minute=9))
    dear = Candidate(2, Decimal("18000"), {QUALITY: 5, EXPERIENCE: 5}, T.replace(minute=1))
    assert [r.bid_id for r in rank([dear, cheap], 0, weights)] == [1, 2]
    early = Candidate(3, Decimal("15000"), {QUALITY: 5, EXPERIENCE: 5}, T.replace(minute=0))
    assert [r.bid_id for r in rank([cheap, early], 0, weights)] == [3, 1]


def test_fewer_compliant_bids_than_places_all_win():
    results = rank([bid(1, "20000", 8, 6)], PRICE, WEIGHTS)
    assert [r.bid_id for r in winners(results, 3)] == [1]


def test_weights_must_add_up_and_every_criterion_needs_a_score():
    with pytest.raises(ValueError, match="add up to 100"):
        rank([bid(1, "1", 1, 1)], 50, WEIGHTS)
    with pytest.raises(ValueError, match="no score"):
        rank([Candidate(1, Decimal(1), {QUALITY: 1}, T)], PRICE, WEIGHTS)


@pytest.mark.parametrize(
    ("sent", "ends"),
    [
        (date(2026, 11, 24), date(2026, 12, 4)),  # a Friday: ten days exactly
        (date(2026, 11, 26), date(2026, 12, 7)),  # would be Sunday 6 December → Monday
        (date(2026, 3, 26), date(2026, 4, 7)),  # Easter Sunday 5/4, Easter Monday 6/4 → Tuesday
        (date(2026, 12, 15), date(2026, 12, 28)),  # Christmas Day (Fri) and the 26th → Monday
        (date(2026, 5, 4), date(2026, 5, 15)),  # Ascension Day Thursday 14/5 → Friday
    ],
)
def test_standstill_ends_on_the_next_working_day(sent, ends):
    assert standstill_end(sent) == ends
