"""The specialist-knowledge directory: kept by the region, published on its council's own
decision, searched by its jobcentres, who ask; the region answers once; others see nothing."""

from __future__ import annotations

from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import select

from app.core.errors import DomainError, NotAllowed
from app.councils.models import CouncilDecision
from app.knowledge import services
from app.knowledge.models import KnowledgeRequest, SpecialistDirectory, SpecialistEntry
from app.organisations.models import Organisation
from tests.conftest import login, user
from tests.tenders.conftest import NOW

TODAY = NOW.date()
SD_STAFF = "region.syddanmark@demo.dk"
ODENSE = "jobcenter.odense@demo.dk"


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


def sd_entry(db) -> SpecialistEntry:
    region = user(db, SD_STAFF).organisation_id
    return db.scalars(
        select(SpecialistEntry)
        .where(SpecialistEntry.region_id == region)
        .order_by(SpecialistEntry.id)
    ).first()


def test_the_demo_directory_is_published_and_searched_by_the_regions_jobcentres(db):
    odense = user(db, ODENSE)
    found = db.scalars(services.visible_entries(db, odense, "syn")).all()
    assert [e.area for e in found] == ["Synshandicap"]
    aalborg_found = db.scalars(
        services.visible_entries(db, user(db, "jobcenter.aalborg@demo.dk"))
    ).all()
    assert all(e.region_id != odense.organisation.region_id for e in aalborg_found)
    assert db.scalars(services.visible_entries(db, user(db, "leverandoer1@demo.dk"))).all() == []


def test_a_new_entry_reaches_the_jobcentres_only_on_a_new_council_decision(db):
    from app import clock

    region = db.scalar(select(Organisation).where(Organisation.code == "SD"))
    staff, odense = user(db, SD_STAFF), user(db, ODENSE)
    with pytest.raises(DomainError, match="nothing new to publish"):
        services.publish(
            db,
            staff,
            CouncilDecision(council_id=region.council.id, decided_on=TODAY, concerns="x", text="y"),
        )
    later = services.directory_of(db, region.id).published_at + timedelta(hours=1)
    with clock.frozen_at(later):
        entry = services.add_entry(
            db, staff, services.EntryInput("Ordblindhed", "Ordblindeinstituttet", "ob@example.dk")
        )
    assert not services.may_see(db, odense, entry) and services.may_see(db, staff, entry)
    used = db.scalar(select(SpecialistDirectory.decision_id))  # already spent on a publication
    with clock.frozen_at(later), pytest.raises(DomainError):
        services.publish(db, staff, db.get(CouncilDecision, used))
    tomorrow = CouncilDecision(
        council_id=region.council.id, decided_on=TODAY + timedelta(1), concerns="x", text="y"
    )
    db.add(tomorrow)
    db.flush()
    with clock.frozen_at(later), pytest.raises(DomainError, match="in the future"):
        services.publish(db, staff, tomorrow)
    with pytest.raises(NotAllowed):
        services.publish(db, odense, tomorrow)
    fresh = CouncilDecision(
        council_id=region.council.id, decided_on=TODAY, concerns="Ny viden", text="Ja"
    )
    db.add(fresh)
    db.flush()
    with clock.frozen_at(later + timedelta(minutes=1)):
        services.publish(db, staff, fresh)
        assert services.may_see(db, odense, entry)


def test_a_jobcentre_asks_and_the_region_answers_once(db):
    entry = sd_entry(db)
    odense, staff = user(db, ODENSE), user(db, SD_STAFF)
    with pytest.raises(DomainError, match="Write what the jobcentre needs"):
        services.ask(db, odense, entry, " ")
    with pytest.raises(DomainError, match="CPR"):
        services.ask(db, odense, entry, "Borgeren 010190-1234 skal have hjælp")
    with pytest.raises(NotAllowed):
        services.ask(db, user(db, "jobcenter.aalborg@demo.dk"), entry, "Hjælp")
    request = services.ask(db, odense, entry, "Hvem kan vurdere en svagsynet borger?")
    with pytest.raises(NotAllowed):
        services.answer(db, user(db, "region.nordjylland@demo.dk"), request, "Svar")
    services.answer(db, staff, request, "Ring til instituttet.")
    with pytest.raises(DomainError, match="answered already"):
        services.answer(db, staff, request, "Igen")


def test_the_pages_for_the_jobcentre_and_the_region(client, db, app):
    entry_id = sd_entry(db).id
    db.commit()
    login(client, ODENSE)
    page = text(client.get("/knowledge/?q=syn"))
    assert "Synshandicap" in page and "Autisme" not in page
    response = client.post(
        f"/knowledge/entries/{entry_id}/requests", data={"question": "Praktik for en svagsynet?"}
    )
    assert response.status_code == 302
    request_id = db.scalar(
        select(KnowledgeRequest.id).where(KnowledgeRequest.question == "Praktik for en svagsynet?")
    )
    region = app.test_client()
    login(region, SD_STAFF)
    assert "Praktik for en svagsynet?" in text(region.get(f"/knowledge/entries/{entry_id}"))
    answered = region.post(
        f"/knowledge/requests/{request_id}/answer", data={"answer": "Ja, kontakt dem."}
    )
    assert answered.status_code == 302
    assert "Ja, kontakt dem." in text(client.get(f"/knowledge/entries/{entry_id}"))
    other = app.test_client()
    login(other, "jobcenter.aalborg@demo.dk")
    assert other.get(f"/knowledge/entries/{entry_id}").status_code == 404
