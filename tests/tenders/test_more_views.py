"""Editing, returning and cancelling over HTTP, and the target groups pages."""

from __future__ import annotations

from sqlalchemy import select

from app.targetgroups.models import TargetGroup
from app.tenders.models import Tender, TenderState
from tests.conftest import login
from tests.tenders.conftest import approved, new_tender, submitted


def test_the_edit_form_comes_filled_in_and_saving_makes_a_draft_again(client, db):
    tender = approved(db)
    tender_id, version = tender.id, tender.content_version
    db.commit()
    login(client, "region.nordjylland@demo.dk")
    form = client.get(f"/manage/tenders/{tender_id}/edit").get_data(as_text=True)
    assert 'value="Indsats for ledige akademikere"' in form
    assert 'value="6.000.000,00"' in form  # the first lot's maximum, written the Danish way
    data = {
        "title": "Ny titel",
        "scope": "regional",
        "target_group_ids": [g.id for g in tender.target_groups],
        "need_id": tender.need_id,
        "estimated_value": "10.000.000,00",
        "agreement_start": "2027-03-01",
        "agreement_end": "2029-02-28",
        "deadline_date": "2026-12-24",
        "deadline_time": "12:00",
        "lots-0-title": "Nord",
        "lots-0-call_off_rule": "cascade",
        "lots-0-maximum_value": "10.000.000,00",
        "lots-0-suppliers_to_award": "2",
        "criteria-0-name": "Pris",
        "criteria-0-weight": "100",
        "criteria-0-is_price": "y",
        "save": "1",
    }
    response = client.post(f"/manage/tenders/{tender_id}/edit", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    db.expire_all()
    changed = db.get(Tender, tender_id)
    assert (changed.title, changed.state, changed.content_version) == (
        "Ny titel",
        TenderState.DRAFT,
        version + 1,
    )
    assert changed.lots[0].call_off_rule.value == "cascade"  # the rule is stated per lot


def test_the_ministry_returns_a_tender_with_reasons_over_http(client, db):
    tender_id = submitted(db).id
    db.commit()
    login(client, "ministeriet@demo.dk")
    assert client.get(f"/manage/tenders/{tender_id}/return").status_code == 200
    empty = client.post(f"/manage/tenders/{tender_id}/return", data={"reason": ""})
    assert empty.status_code == 422
    response = client.post(f"/manage/tenders/{tender_id}/return", data={"reason": "For bred."})
    assert response.status_code == 302
    db.expire_all()
    assert db.get(Tender, tender_id).return_reason == "For bred."


def test_cancelling_asks_first_and_needs_a_reason(client, db):
    tender_id = new_tender(db).id
    db.commit()
    login(client, "region.nordjylland@demo.dk")
    page = client.get(f"/manage/tenders/{tender_id}/cancel").get_data(as_text=True)
    assert "Ja, annullér udbuddet" in page
    assert (
        client.post(f"/manage/tenders/{tender_id}/cancel", data={"reason": "Droppet"}).status_code
        == 302
    )
    db.expire_all()
    assert db.get(Tender, tender_id).state == TenderState.CANCELLED


def test_region_staff_create_a_target_group_and_a_director_cannot(app, client, db):
    login(client, "region.nordjylland@demo.dk")
    response = client.post(
        "/target-groups/new", data={"name": "Unge ledige", "description": "Under 30 år."}
    )
    assert response.status_code == 302
    assert db.scalars(select(TargetGroup).where(TargetGroup.name == "Unge ledige")).one()
    duplicate = client.post("/target-groups/new", data={"name": "unge ledige"})
    assert duplicate.status_code == 409
    director = app.test_client()
    login(director, "direktoer.nordjylland@demo.dk")
    assert director.get("/target-groups/").status_code == 200
    assert director.post("/target-groups/new", data={"name": "Andet"}).status_code == 403
