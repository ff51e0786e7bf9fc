"""Bids on a freshly published tender, with the tender factories' frozen clock."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.bids import services
from app.bids.services import Attachment, BidContent
from app.tenders import services as tenders
from tests.conftest import user
from tests.tenders.conftest import approved, new_tender, published, staff

BIDDER = "leverandoer1@demo.dk"
RIVAL = "leverandoer2@demo.dk"


@pytest.fixture
def tender(db):
    return published(db)


def not_open(db, state: str):
    """A tender bids never reach: a draft, approved but not published, or cancelled after its
    publication (its deadline still ahead)."""
    if state == "draft":
        return new_tender(db)
    if state == "approved":
        return approved(db)
    tender = published(db)
    tenders.cancel(db, staff(db, "NJ"), tender, "Behovet er faldet bort")
    return tender


def content(tender, price="21500.00", met=True, answer="Godt forløb", attachments=()):
    return BidContent(
        prices={lot.id: Decimal(price) for lot in tender.lots},
        requirements={r.id: met for r in tender.requirements},
        answers={c.id: answer for c in tender.criteria if not c.is_price},
        attachments=list(attachments),
    )


def submit(db, tender, email=BIDDER, **changes):
    return services.submit(db, user(db, email), tender, content(tender, **changes))


__all__ = ["Attachment", "content", "not_open", "submit"]
