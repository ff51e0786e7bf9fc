"""The councils' register: region staff keep their own council's; others read."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from sqlalchemy import func, select

from app.core.errors import DomainError, NotAllowed
from app.councils import queries, services
from app.councils.models import AnnualContract, CouncilDecision, CouncilMeeting
from tests.conftest import login, user
from tests.tenders.conftest import published, region, staff


def _council(db, code="NJ"):
    return region(db, code).council


def test_staff_of_another_region_cannot_keep_this_register(db):
    with pytest.raises(NotAllowed, match="keep this council's register"):
        services.add_meeting(
            db, staff(db, "SD"), _council(db), held_on=date(2026, 5, 1), title="X", agenda=""
        )


def test_a_decision_at_a_meeting_has_the_meetings_date(db):
    meeting = services.add_meeting(
        db, staff(db, "NJ"), _council(db), held_on=date(2026, 5, 1), title="Møde", agenda="A\nB"
    )
    assert meeting.agenda_items == ["A", "B"]
    with pytest.raises(DomainError, match="meeting's date"):
        services.add_decision(
            db,
            staff(db, "NJ"),
            _council(db),
            decided_on=date(2026, 5, 2),
            concerns="X",
            text="Y",
            meeting=meeting,
        )


def test_one_annual_contract_per_council_and_year(db):
    with pytest.raises(DomainError, match="already has an annual contract for 2026"):
        services.add_contract(db, staff(db, "NJ"), _council(db), year=2026, summary="", needs=["A"])
    with pytest.raises(DomainError, match="at least one need"):
        services.add_contract(db, staff(db, "NJ"), _council(db), year=2030, summary="", needs=[" "])


def test_region_staff_record_a_meeting_a_decision_and_a_contract_over_http(client, db):
    council_id = _council(db).id
    login(client, "region.nordjylland@demo.dk")
    base = f"/councils/{council_id}"
    response = client.post(
        f"{base}/meetings/new",
        data={"held_on": "2026-06-01", "title": "Junimøde", "agenda": "Punkt 1\nPunkt 2"},
    )
    assert response.status_code == 302
    meeting = db.scalars(select(CouncilMeeting).where(CouncilMeeting.title == "Junimøde")).one()
    meeting_id = meeting.id
    upload = client.post(
        f"{base}/meetings/{meeting_id}",
        data={"document": (BytesIO(b"%PDF-1.4 referat"), "referat.pdf")},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 302
    response = client.post(
        f"{base}/decisions/new",
        data={
            "meeting_id": meeting_id,
            "decided_on": "2026-06-01",
            "concerns": "Nyt udbud",
            "text": "Rådet tilslutter sig.",
        },
    )
    assert response.status_code == 302
    response = client.post(
        f"{base}/contracts/new",
        data={"year": "2028", "summary": "Kontrakt", "needs": "Behov A\nBehov B\n"},
    )
    assert response.status_code == 302
    contract = db.scalars(select(AnnualContract).where(AnnualContract.year == 2028)).one()
    assert [n.description for n in contract.needs] == ["Behov A", "Behov B"]
    page = client.get(base).get_data(as_text=True)
    assert "Junimøde" in page and "Nyt udbud" in page and "Behov B" in page


def test_another_regions_council_is_a_404_and_its_forms_are_closed(client, db):
    council_id = _council(db, "SD").id
    login(client, "region.nordjylland@demo.dk")
    assert client.get(f"/councils/{council_id}").status_code == 404
    assert (
        client.post(
            f"/councils/{council_id}/meetings/new", data={"held_on": "2026-06-01", "title": "Snyd"}
        ).status_code
        == 404
    )
    assert db.scalar(select(func.count()).where(CouncilMeeting.title == "Snyd")) == 0


def test_the_ministry_reads_every_council_but_writes_none(client, db):
    council_id = _council(db, "SD").id
    login(client, "ministeriet@demo.dk")
    assert client.get("/councils/").status_code == 200
    assert client.get(f"/councils/{council_id}").status_code == 200
    assert client.get(f"/councils/{council_id}/meetings/new").status_code == 403


def test_a_decision_shows_the_tenders_it_was_used_for(client, db):
    tender = published(db)
    reference = tender.reference
    decision = db.scalars(
        select(CouncilDecision).where(CouncilDecision.id == tender.approvals[0].decision_id)
    ).one()
    council_id, decision_id = decision.council_id, decision.id
    db.commit()
    login(client, "direktoer.nordjylland@demo.dk")
    html = client.get(f"/councils/{council_id}/decisions/{decision_id}").get_data(as_text=True)
    assert reference in html


def test_only_region_staff_of_the_councils_own_region_keep_it(db):
    assert services.is_keeper(staff(db, "NJ"), _council(db))
    assert not services.is_keeper(staff(db, "SD"), _council(db))
    assert not services.is_keeper(user(db, "direktoer.nordjylland@demo.dk"), _council(db))


def test_the_regions_people_have_their_own_council_and_others_none(db):
    assert queries.own_council(staff(db, "NJ")) == _council(db)
    assert queries.own_council(user(db, "direktoer.nordjylland@demo.dk")) == _council(db)
    assert queries.own_council(user(db, "jobcenter.odense@demo.dk")) is None
