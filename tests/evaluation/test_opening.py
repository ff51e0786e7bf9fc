"""The opening: after the deadline, by the owning region, once, each bid checked and recorded."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from app import clock
from app.bids.models import BidVersion
from app.core.errors import DomainError, NotAllowed
from app.evaluation import services
from app.evaluation.models import SealCheck
from tests.bids.conftest import RIVAL, submit
from tests.conftest import login
from tests.tenders.conftest import published, staff


@pytest.fixture
def tender_with_bids(db):
    tender = published(db)
    submit(db, tender)
    submit(db, tender, email=RIVAL, price="20000")
    return tender


def test_the_bids_cannot_be_opened_before_the_deadline(db, tender_with_bids):
    with pytest.raises(DomainError, match="after the deadline"):
        services.open_bids(db, staff(db, "NJ"), tender_with_bids)


def test_opening_records_each_bid_and_checks_its_fingerprint(db, tender_with_bids):
    with clock.frozen_at(tender_with_bids.bid_deadline):
        opening = services.open_bids(db, staff(db, "NJ"), tender_with_bids)
    assert opening.opened_at == tender_with_bids.bid_deadline
    assert [o.check for o in opening.bids] == [SealCheck.INTACT, SealCheck.INTACT]
    assert all(o.fingerprint == o.version.fingerprint for o in opening.bids)
    with (
        clock.frozen_at(tender_with_bids.bid_deadline),
        pytest.raises(DomainError, match="already"),
    ):
        services.open_bids(db, staff(db, "NJ"), tender_with_bids)


def test_a_bid_altered_in_storage_is_flagged_and_waits_for_a_decision(db, tender_with_bids):
    version = tender_with_bids.lots[0].tender  # keep the tender loaded
    first = db.scalars(select(BidVersion).order_by(BidVersion.id.desc())).first()
    db.execute(update(BidVersion).where(BidVersion.id == first.id).values(fingerprint="0" * 64))
    db.expire_all()
    with clock.frozen_at(tender_with_bids.bid_deadline):  # the decision too: after the deadline
        opening = services.open_bids(db, staff(db, "NJ"), version)
        flagged = [o for o in opening.bids if o.check == SealCheck.FLAGGED]
        assert len(flagged) == 1 and not flagged[0].check.may_be_evaluated
        with pytest.raises(DomainError, match="reason"):
            services.decide_flagged(db, staff(db, "NJ"), flagged[0], accept=False, reason=" ")
        services.decide_flagged(db, staff(db, "NJ"), flagged[0], accept=False, reason="Ændret.")
    assert flagged[0].check == SealCheck.EXCLUDED


def test_only_the_owning_region_opens(db, tender_with_bids):
    with clock.frozen_at(tender_with_bids.bid_deadline), pytest.raises(NotAllowed):
        services.open_bids(db, staff(db, "SD"), tender_with_bids)


def test_the_region_opens_through_the_page_and_prints_the_protocol(client, db, tender_with_bids):
    tender_id, deadline = tender_with_bids.id, tender_with_bids.bid_deadline
    db.commit()
    login(client, "region.nordjylland@demo.dk")
    with clock.frozen_at(deadline):
        asked = client.post(f"/manage/tenders/{tender_id}/opening")
        assert asked.status_code == 200 and "Åbn tilbuddene?" in asked.text
        assert services.opening_of(db, tender_with_bids) is None
        opened = client.post(f"/manage/tenders/{tender_id}/opening", data={"confirmed": "yes"})
        assert opened.status_code == 302
        page = client.get(f"/manage/tenders/{tender_id}/opening").get_data(as_text=True)
        assert "Akademikerhuset ApS" in page and "Job &amp; Kompetence A/S" in page
        pdf = client.get(f"/manage/tenders/{tender_id}/opening/protocol.pdf")
        assert pdf.data.startswith(b"%PDF")
    other = client.application.test_client()
    login(other, "region.syddanmark@demo.dk")
    assert other.get(f"/manage/tenders/{tender_id}/opening").status_code == 404
