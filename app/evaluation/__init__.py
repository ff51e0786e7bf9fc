"""Opening, evaluation and award of a tender's bids (issue 6; the arithmetic comes first)."""
