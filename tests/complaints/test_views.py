"""The complaint pages over HTTP, per role: the tender's region staff register a complaint
and record the board's decisions; the evaluation page says the conclusion is held; everyone
else is refused (another region's staff cannot tell the tender has complaints)."""

from __future__ import annotations

from io import BytesIO

import pytest
from sqlalchemy import select

from app import clock
from app.audit.models import AuditEntry
from app.complaints.models import Complaint, ComplaintState
from app.evaluation import services as evaluation
from tests.complaints.conftest import after, last_standstill_day, noon, register
from tests.conftest import login

OWNER = "region.nordjylland@demo.dk"


def _post_complaint(client, tender_id: int, received_on, **changes):
    data = {
        "complainant": "Rival Consult ApS",
        "received_on": received_on.isoformat(),
        "case_number": "24/05555",
        "note": "Klager over pointgivningen.",
        "document": (BytesIO(b"Klage over tildelingen.\n"), "klage.txt"),
        **changes,
    }
    return client.post(
        f"/manage/tenders/{tender_id}/complaints", data=data, content_type="multipart/form-data"
    )


def test_region_staff_register_a_complaint_that_holds_the_conclusion(client, db, approved):
    tender_id, last = approved.id, last_standstill_day(approved)
    db.commit()
    login(client, OWNER)
    with clock.frozen_at(noon(last)):
        page = client.get(f"/manage/tenders/{tender_id}/complaints")
        assert page.status_code == 200 and 'data-step="register_complaint"' in page.text
        answer = _post_complaint(client, tender_id, last)
    assert answer.status_code == 302
    complaint = db.scalars(select(Complaint).where(Complaint.tender_id == tender_id)).one()
    assert answer.headers["Location"].endswith(f"/complaints/{complaint.id}")
    detail = client.get(answer.headers["Location"]).text
    assert "24/05555" in detail and "klage.txt" in detail
    document = db.scalars(select(Complaint).where(Complaint.id == complaint.id)).one().documents[0]
    downloaded = client.get(f"{answer.headers['Location']}/documents/{document.id}")
    assert downloaded.status_code == 200 and downloaded.data == b"Klage over tildelingen.\n"
    assert 'data-step="decide_suspension"' in detail and 'data-step="rule"' in detail
    with clock.frozen_at(noon(after(last))):
        page = client.get(f"/manage/tenders/{tender_id}/evaluation").text
        assert 'data-testid="conclusion-held"' in page and 'data-step="conclude"' not in page
        refused = client.post(f"/manage/tenders/{tender_id}/award/conclusion", data={})
        assert refused.status_code == 409
        # The board does not grant suspensive effect: the conclusion goes ahead.
        decided = client.post(
            f"/manage/tenders/{tender_id}/complaints/{complaint.id}/suspension",
            data={"decision": "refused", "decided_on": after(last).isoformat()},
        )
        assert decided.status_code == 302
        page = client.get(f"/manage/tenders/{tender_id}/evaluation").text
        assert 'data-step="conclude"' in page and 'data-testid="conclusion-held"' not in page
    db.expire_all()
    assert db.get(Complaint, complaint.id).state == ComplaintState.SUSPENSION_REFUSED
    listed = client.get("/complaints").text
    assert "24/05555" in listed


def test_a_refused_registration_says_why_and_keeps_nothing(client, db, approved):
    tender_id = approved.id
    db.commit()
    login(client, OWNER)
    answer = _post_complaint(client, tender_id, clock.today().replace(year=2030))
    assert answer.status_code == 409
    assert "kan ikke ligge i fremtiden" in answer.text
    assert db.scalars(select(Complaint).where(Complaint.tender_id == tender_id)).all() == []


def test_a_form_without_its_fields_is_answered_422(client, db, approved):
    tender_id = approved.id
    db.commit()
    login(client, OWNER)
    answer = client.post(f"/manage/tenders/{tender_id}/complaints", data={"complainant": ""})
    assert answer.status_code == 422


def test_a_ruling_that_annuls_the_award_is_recorded_over_http(client, db, approved):
    complaint = register(db, approved, clock.today())
    tender_id, complaint_id = approved.id, complaint.id
    db.commit()
    login(client, OWNER)
    answer = client.post(
        f"/manage/tenders/{tender_id}/complaints/{complaint_id}/ruling",
        data={"ruling": "annulled", "ruled_on": clock.today().isoformat()},
    )
    assert answer.status_code == 302
    db.expire_all()
    assert evaluation.award_of(db, db.get(Complaint, complaint_id).tender) is None
    page = client.get(f"/manage/tenders/{tender_id}/evaluation").text
    assert 'data-testid="award-annulled"' in page


@pytest.mark.parametrize(
    ("email", "status"),
    [
        ("region.midtjylland@demo.dk", 404),  # another region: nothing to see
        ("direktoer.nordjylland@demo.dk", 403),
        ("leverandoer1@demo.dk", 403),
        ("jobcenter.aalborg@demo.dk", 403),
        ("ministeriet@demo.dk", 403),
    ],
)
def test_only_the_tender_s_region_staff_reach_its_complaints(client, db, approved, email, status):
    complaint = register(db, approved, clock.today())
    base = f"/manage/tenders/{approved.id}/complaints"
    db.commit()
    login(client, email)
    assert client.get(base).status_code == status
    assert client.get(f"{base}/{complaint.id}").status_code == status
    assert _post_complaint(client, approved.id, clock.today()).status_code == status
    posted = client.post(
        f"{base}/{complaint.id}/suspension",
        data={"decision": "granted", "decided_on": clock.today().isoformat()},
    )
    assert posted.status_code == status
    db.expire_all()
    assert db.get(Complaint, complaint.id).state == ComplaintState.RECEIVED
    refused = db.scalars(select(AuditEntry).where(AuditEntry.action == "access.refused")).all()
    assert refused  # every refusal is on the record


def test_the_region_s_list_shows_only_its_own_tenders_complaints(app, client, db, approved):
    register(db, approved, clock.today(), case_number="24/07777")
    db.commit()
    login(client, "region.midtjylland@demo.dk")
    assert "24/07777" not in client.get("/complaints").text
    owner = app.test_client()
    login(owner, OWNER)
    assert "24/07777" in owner.get("/complaints").text


def test_the_tender_page_shows_its_complaints_to_the_region_staff(client, db, approved):
    register(db, approved, clock.today(), case_number="24/08888")
    tender_id = approved.id
    db.commit()
    login(client, OWNER)
    page = client.get(f"/manage/tenders/{tender_id}").text
    assert 'data-testid="tender-complaints-summary"' in page and "24/08888" in page
    assert f'href="/manage/tenders/{tender_id}/complaints"' in page


def test_a_document_that_fails_the_upload_checks_is_refused_and_nothing_kept(client, db, approved):
    tender_id = approved.id
    db.commit()
    login(client, OWNER)
    answer = _post_complaint(
        client, tender_id, clock.today(), document=(BytesIO(b"MZ\x90\x00"), "klage.exe")
    )
    assert answer.status_code == 409
    assert db.scalars(select(Complaint).where(Complaint.tender_id == tender_id)).all() == []


def test_a_ruled_complaint_offers_no_more_decisions(client, db, approved):
    from app.complaints import services as complaints
    from app.complaints.services import RulingInput
    from tests.tenders.conftest import staff

    complaint = register(db, approved, clock.today())
    complaints.record_ruling(
        db, staff(db, "NJ"), complaint, RulingInput(ComplaintState.UPHELD, clock.today())
    )
    url = f"/manage/tenders/{approved.id}/complaints/{complaint.id}"
    db.commit()
    login(client, OWNER)
    page = client.get(url).text
    assert 'data-step="decide_suspension"' not in page and 'data-step="rule"' not in page
    again = client.post(
        f"{url}/ruling", data={"ruling": "annulled", "ruled_on": clock.today().isoformat()}
    )
    assert again.status_code == 409
    assert "kendelse i denne klage er allerede registreret" in again.text


def test_the_jobcentre_sees_an_agreement_going_ineffective_and_then_no_longer(client, db):
    from datetime import timedelta

    from tests.calloffs.conftest import ODENSE, agreement, framework

    lot = framework(db)
    going = agreement(db, lot)
    going.ineffective_on = clock.today() + timedelta(days=3)
    db.commit()
    login(client, ODENSE)
    page = client.get("/frameworks").text
    assert "erklæret uden virkning fra" in page
    with clock.frozen_at(clock.now() + timedelta(days=3)):
        page = client.get("/frameworks").text
    assert "erklæret uden virkning fra" not in page  # it has left the frameworks


def test_an_agreement_declared_ineffective_says_so_on_its_page(client, db):
    from datetime import timedelta

    from tests.calloffs.conftest import agreement, framework

    lot = framework(db, "NJ")
    found = agreement(db, lot)
    found.ineffective_on = clock.today() + timedelta(days=3)
    agreement_id = found.id
    db.commit()
    login(client, OWNER)
    page = client.get(f"/agreements/{agreement_id}").text
    assert 'data-testid="ineffective"' in page and "erklæret uden virkning fra" in page
