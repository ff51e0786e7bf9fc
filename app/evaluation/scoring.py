"""The evaluation arithmetic of DESIGN.md, exact: no rounding decides a rank.

Score = price weight × (lowest compliant price ÷ bid price) + Σ quality weight × (score ÷ 10).
Weights are percentages (they add up to 100), so a score lies between 0 and 100. Ties are
broken by the higher quality part, then the lower price, then the earlier receipt.
Fractions keep every step exact; the working is shown rounded, the ranking never is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

MAX_QUALITY_SCORE = 10


@dataclass(frozen=True)
class Candidate:
    """One compliant bid on one lot."""

    bid_id: int
    price: Decimal
    quality_scores: dict[int, int]  # criterion id → agreed score 0–10
    received_at: datetime


@dataclass(frozen=True)
class Result:
    bid_id: int
    rank: int
    price_part: Fraction
    quality_part: Fraction
    total: Fraction

    @staticmethod
    def shown(value: Fraction, places: int = 2) -> Decimal:
        """A part of the working as people read it (rounded half up)."""
        exact = Decimal(value.numerator) / Decimal(value.denominator)
        return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def rank(
    candidates: list[Candidate],
    price_weight: int,
    quality_weights: dict[int, int],
    lowest: Decimal | None = None,
) -> list[Result]:
    """Score and rank the compliant bids of one lot; rank 1 is the best.

    `lowest` is the lowest compliant price of the lot when some compliant bids are not (yet)
    among the candidates; by default the lowest candidate price."""
    if not candidates:
        return []
    if price_weight + sum(quality_weights.values()) != 100:
        raise ValueError("the weights must add up to 100")
    lowest = min(c.price for c in candidates) if lowest is None else lowest
    scored = []
    for candidate in candidates:
        if candidate.price <= 0:
            raise ValueError("a compliant bid has a price above 0")
        missing = set(quality_weights) - set(candidate.quality_scores)
        if missing:
            raise ValueError(f"bid {candidate.bid_id} has no score for criteria {sorted(missing)}")
        price_part = Fraction(price_weight) * Fraction(lowest) / Fraction(candidate.price)
        quality_part = sum(
            (
                Fraction(weight) * Fraction(candidate.quality_scores[criterion], MAX_QUALITY_SCORE)
                for criterion, weight in quality_weights.items()
            ),
            Fraction(0),
        )
        scored.append((candidate, price_part, quality_part, price_part + quality_part))
    # Highest total; then higher quality part; then lower price; then earlier receipt.
    scored.sort(key=lambda s: (-s[3], -s[2], s[0].price, s[0].received_at))
    return [
        Result(candidate.bid_id, position, price_part, quality_part, total)
        for position, (candidate, price_part, quality_part, total) in enumerate(scored, start=1)
    ]


def winners(results: list[Result], places: int) -> list[Result]:
    """The lot's number of suppliers from the top; all of them when there are fewer."""
    return results[:places]
