"""A regional director declines a national tender with reasons: it becomes a draft again and
the leading region reads why."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.core.errors import DomainError, NotAllowed
from app.notifications.models import Notification
from app.tenders import services
from app.tenders.lifecycle import TenderStep, next_steps
from app.tenders.models import Tender, TenderState
from tests.conftest import login
from tests.tenders.conftest import decision, director, staff, submitted
from tests.tenders.test_life_cycle import _national

REASONS = "Nordjylland har ikke behov for delområde 2."


def _involved(db) -> Tender:
    tender = _national(db)
    for code in ("MJ", "NJ", "SD", "HS"):
        services.link_council_decision(db, staff(db, "MJ"), tender, decision(db, code))
    services.involve_council(db, staff(db, "MJ"), tender)
    return tender


def test_a_director_declines_with_reasons_and_the_leading_region_hears(db):
    tender = _involved(db)
    assert TenderStep.DECLINE_AS_DIRECTOR in next_steps(director(db, "NJ"), tender)
    services.decline_as_director(db, director(db, "NJ"), tender, f" {REASONS} ")
    assert tender.state == TenderState.DRAFT
    assert tender.open_return_reason == REASONS
    assert tender.returned_by.name == director(db, "NJ").organisation.name
    assert db.scalar(select(AuditEntry).where(AuditEntry.action == "tender.director_declined"))
    told = db.scalars(select(Notification).where(Notification.user_id == staff(db, "MJ").id)).all()
    assert any(tender.reference in n.subject and n.body == REASONS for n in told)


def test_declining_needs_reasons(db):
    tender = _involved(db)
    with pytest.raises(DomainError, match="Give the reasons for declining"):
        services.decline_as_director(db, director(db, "NJ"), tender, "  ")
    assert tender.state == TenderState.COUNCIL_INVOLVED


def test_a_director_who_agreed_cannot_decline_and_staff_cannot(db):
    tender = _involved(db)
    services.agree_as_director(db, director(db, "SD"), tender)
    assert TenderStep.DECLINE_AS_DIRECTOR not in next_steps(director(db, "SD"), tender)
    with pytest.raises(DomainError, match="already agreed"):
        services.decline_as_director(db, director(db, "SD"), tender, REASONS)
    with pytest.raises(NotAllowed):
        services.decline_as_director(db, staff(db, "MJ"), tender, REASONS)


def test_only_a_national_tender_is_declined(db):
    tender = submitted(db)
    with pytest.raises(DomainError, match="Only national tenders"):
        services.decline_as_director(db, director(db, "NJ"), tender, REASONS)


def test_the_director_declines_through_the_page_and_the_region_sees_the_reasons(app, db):
    tender = _involved(db)
    tender_id = tender.id
    db.commit()
    client = app.test_client()
    login(client, "direktoer.nordjylland@demo.dk")
    page = client.get(f"/manage/tenders/{tender_id}").get_data(as_text=True)
    assert 'data-step="decline_as_director"' in page
    assert client.get(f"/manage/tenders/{tender_id}/decline").status_code == 200
    empty = client.post(f"/manage/tenders/{tender_id}/decline", data={"reason": ""})
    assert empty.status_code == 422
    done = client.post(
        f"/manage/tenders/{tender_id}/decline", data={"reason": REASONS}, follow_redirects=True
    )
    assert done.status_code == 200
    region = app.test_client()
    login(region, "region.midtjylland@demo.dk")
    page = region.get(f"/manage/tenders/{tender_id}").get_data(as_text=True)
    assert REASONS in page


def test_submitting_is_not_offered_before_the_four_directors_agree(app, db):
    tender = _involved(db)
    tender_id = tender.id
    db.commit()
    client = app.test_client()
    login(client, "region.midtjylland@demo.dk")
    page = client.get(f"/manage/tenders/{tender_id}").get_data(as_text=True)
    assert f'action="/manage/tenders/{tender_id}/submit"' not in page
    assert "Alle fire regionsdirektører skal give tilslutning" in page
    tender = db.get(Tender, tender_id)
    for code in ("MJ", "NJ", "SD", "HS"):
        services.agree_as_director(db, director(db, code), tender)
    db.commit()
    page = client.get(f"/manage/tenders/{tender_id}").get_data(as_text=True)
    assert f'action="/manage/tenders/{tender_id}/submit"' in page
