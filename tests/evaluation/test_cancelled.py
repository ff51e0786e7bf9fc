"""A cancelled tender is not evaluated: every step of the opening, the evaluation and the award
asks the life cycle's table first, and the pages offer none of them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app import clock
from app.core.errors import DomainError
from app.evaluation import services
from app.evaluation.models import SealCheck
from app.tenders import services as tenders
from app.tenders.lifecycle import TenderStep, next_steps
from tests.bids.conftest import RIVAL, submit
from tests.conftest import login
from tests.tenders.conftest import published, staff

CANCELLED = "This cannot be done while the tender is cancelled"


@pytest.fixture
def cancelled_after_opening(db):
    """Two bids, opened and scored by a declared evaluator; then the tender is cancelled."""
    tender = published(db)
    tender.lots[1:] = []
    submit(db, tender, price="20000")
    submit(db, tender, email=RIVAL, price="16000")
    with clock.frozen_at(tender.bid_deadline + timedelta(hours=1)):
        services.open_bids(db, staff(db, "NJ"), tender)
        services.declare_no_conflict(db, staff(db, "NJ"), tender)
        criterion = next(c for c in tender.criteria if not c.is_price).id
        for opened, value in zip(services.opening_of(db, tender).bids, (10, 5), strict=True):
            services.score(db, staff(db, "NJ"), opened, criterion, value, "Begrundelse")
        assert TenderStep.PROPOSE_AWARD in next_steps(staff(db, "NJ"), tender, page="evaluation")
        tenders.cancel(db, staff(db, "NJ"), tender, "Behovet er faldet bort.")
        yield tender


def test_a_tender_cancelled_after_the_opening_gets_no_award(db, cancelled_after_opening):
    with pytest.raises(DomainError, match=CANCELLED):
        services.propose_award(db, staff(db, "NJ"), cancelled_after_opening)
    with pytest.raises(DomainError, match=CANCELLED):
        services.approve_award(db, staff(db, "NJ"), cancelled_after_opening)
    with pytest.raises(DomainError, match=CANCELLED):
        services.conclude(db, staff(db, "NJ"), cancelled_after_opening)
    assert services.award_of(db, cancelled_after_opening) is None


def test_a_cancelled_tender_s_bids_are_neither_scored_rejected_nor_decided(
    db, cancelled_after_opening
):
    tender = cancelled_after_opening
    first = services.opening_of(db, tender).bids[0]
    criterion = next(c for c in tender.criteria if not c.is_price).id
    with pytest.raises(DomainError, match=CANCELLED):
        services.score(db, staff(db, "NJ"), first, criterion, 1, "Ændret")
    with pytest.raises(DomainError, match=CANCELLED):
        services.reject(db, staff(db, "NJ"), first, "Opfylder ikke kravene")
    first.check = SealCheck.FLAGGED
    with pytest.raises(DomainError, match=CANCELLED):
        services.decide_flagged(db, staff(db, "NJ"), first, accept=True, reason="Læsbart")
    with pytest.raises(DomainError, match=CANCELLED):
        services.declare_no_conflict(db, staff(db, "NJ"), tender)
    with pytest.raises(DomainError, match=CANCELLED):
        services.open_bids(db, staff(db, "NJ"), tender)
    assert next_steps(staff(db, "NJ"), tender, page="evaluation") == []


def test_the_evaluation_page_of_a_cancelled_tender_offers_no_step(
    client, db, cancelled_after_opening
):
    tender_id = cancelled_after_opening.id
    db.commit()
    login(client, "region.nordjylland@demo.dk")
    page = client.get(f"/manage/tenders/{tender_id}/evaluation").get_data(as_text=True)
    assert "data-step=" not in page
    assert f"/manage/tenders/{tender_id}/award" not in page
    assert "/scores" not in page and "/rejection" not in page
    refused = client.post(f"/manage/tenders/{tender_id}/award")
    assert refused.status_code == 409
    assert "mens udbuddet har status: annulleret" in refused.get_data(as_text=True)


def test_the_opening_page_of_a_cancelled_tender_offers_no_opening(client, db):
    tender = published(db)
    submit(db, tender)
    other = published(db)
    tenders.cancel(db, staff(db, "NJ"), tender, "Behovet er faldet bort.")
    tender_id, open_id, deadline = tender.id, other.id, tender.bid_deadline
    db.commit()
    login(client, "region.nordjylland@demo.dk")
    with clock.frozen_at(deadline + timedelta(hours=1)):
        offered = client.get(f"/manage/tenders/{open_id}/opening").get_data(as_text=True)
        assert 'data-step="open_bids"' in offered  # the page offers it where the table does
        page = client.get(f"/manage/tenders/{tender_id}/opening").get_data(as_text=True)
        assert 'data-step="open_bids"' not in page
        assert f'action="/manage/tenders/{tender_id}/opening"' not in page
        assert client.post(f"/manage/tenders/{tender_id}/opening").status_code == 409
        assert services.opening_of(db, db.get(type(tender), tender_id)) is None
