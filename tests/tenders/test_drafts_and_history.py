"""A region's daily work on tenders: copying one into a new draft, deleting a draft that never
left the region, searching the lists (lot titles too) and reading a tender's history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app import clock
from app.audit.models import AuditEntry
from app.core.errors import DomainError
from app.tenders import services
from app.tenders.lifecycle import TenderStep, next_steps
from app.tenders.models import ApprovalKind, Lot, Tender, TenderApproval
from tests.conftest import NOW, login, user
from tests.tenders.conftest import decision, new_tender, published, staff, submitted

NJ_STAFF = "region.nordjylland@demo.dk"


def _commit_new(db, **changes) -> int:
    tender = new_tender(db, **changes)
    db.commit()
    return tender.id


# --- copying --------------------------------------------------------------------------------


def test_the_copy_form_is_filled_with_the_tenders_content(client, db):
    tender_id = _commit_new(db, title="Indsats for ledige akademikere")
    login(client, NJ_STAFF)
    html = client.get(f"/manage/tenders/{tender_id}/copy").get_data(as_text=True)
    assert 'value="Kopi af Indsats for ledige akademikere"' in html
    assert 'value="Nord"' in html and 'value="Syd"' in html  # the lots
    assert 'value="Kvalitet"' in html  # the criteria
    assert "Dokumenter, rådsbeslutninger og godkendelser kopieres ikke" in html


def test_saving_the_copy_creates_a_new_draft_and_leaves_the_original(client, db):
    tender_id = _commit_new(db)
    login(client, NJ_STAFF)
    form = client.get(f"/manage/tenders/{tender_id}/copy")
    assert form.status_code == 200
    before = db.scalar(select(func.count()).select_from(Tender))
    original = db.get(Tender, tender_id)
    data = {
        "title": "Kopi af " + original.title,
        "scope": "regional",
        "target_group_ids": [g.id for g in original.target_groups],
        "need_id": original.need_id,
        "estimated_value": "10.000.000,00",
        "agreement_start": "2027-03-01",
        "agreement_end": "2029-02-28",
        "deadline_date": "2027-01-15",
        "deadline_time": "12:00",
        "call_off_rule": "free_choice",
        "lots-0-title": "Nord",
        "lots-0-maximum_value": "6.000.000",
        "lots-0-suppliers_to_award": "2",
        "lots-1-title": "Syd",
        "lots-1-maximum_value": "4.000.000",
        "lots-1-suppliers_to_award": "3",
        "criteria-0-name": "Pris",
        "criteria-0-weight": "40",
        "criteria-0-is_price": "y",
        "criteria-1-name": "Kvalitet",
        "criteria-1-weight": "60",
        "save": "1",
    }
    response = client.post(f"/manage/tenders/{tender_id}/copy", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(Tender)) == before + 1
    copy = db.scalars(select(Tender).order_by(Tender.id.desc())).first()
    assert copy.id != tender_id and copy.reference != original.reference
    assert copy.title.startswith("Kopi af") and [lot.title for lot in copy.lots] == ["Nord", "Syd"]
    assert response.headers["Location"] == f"/manage/tenders/{copy.id}"


def test_a_copy_of_a_tender_whose_deadline_passed_asks_for_a_new_deadline(client, db):
    tender_id = _commit_new(db)
    login(client, NJ_STAFF)
    with clock.frozen_at(NOW + timedelta(days=40)):
        html = client.get(f"/manage/tenders/{tender_id}/copy").get_data(as_text=True)
    assert "Originalens tilbudsfrist er overskredet: vælg en ny." in html
    assert 'value="2026-12-24"' not in html  # the old deadline is not offered again


def test_the_tender_page_offers_the_copy_to_its_regions_staff_only(client, db):
    tender_id = _commit_new(db)
    login(client, NJ_STAFF)
    assert f'href="/manage/tenders/{tender_id}/copy"' in client.get(
        f"/manage/tenders/{tender_id}"
    ).get_data(as_text=True)
    client.post("/logout")
    login(client, "ministeriet@demo.dk")
    page = client.get(f"/manage/tenders/{tender_id}").get_data(as_text=True)
    assert f"/manage/tenders/{tender_id}/copy" not in page
    assert client.get(f"/manage/tenders/{tender_id}/copy").status_code == 403


# --- deleting a draft ------------------------------------------------------------------------


def test_a_draft_is_deleted_after_a_confirmation(client, db):
    tender_id = _commit_new(db)
    reference = db.get(Tender, tender_id).reference
    login(client, NJ_STAFF)
    confirm = client.get(f"/manage/tenders/{tender_id}/delete")
    assert confirm.status_code == 200
    assert "Ja, slet kladden" in confirm.get_data(as_text=True)
    assert db.get(Tender, tender_id) is not None  # asking changes nothing
    response = client.post(f"/manage/tenders/{tender_id}/delete")
    assert response.status_code == 302 and response.headers["Location"] == "/manage/tenders"
    db.expire_all()
    assert db.get(Tender, tender_id) is None
    assert db.scalar(select(func.count()).select_from(Lot).where(Lot.tender_id == tender_id)) == 0
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "tender.deleted")).one()
    assert entry.changes["reference"] == reference and entry.object_id == tender_id


def test_deleting_a_draft_frees_its_council_decision(db):
    tender = new_tender(db)
    linked = decision(db, "NJ")
    services.link_council_decision(db, staff(db, "NJ"), tender, linked)
    services.delete_draft(db, staff(db, "NJ"), tender)
    assert db.scalar(select(func.count()).select_from(TenderApproval)) is not None
    other = new_tender(db, title="Et andet udbud")
    services.link_council_decision(db, staff(db, "NJ"), other, linked)
    assert [a.decision_id for a in other.valid_approvals(ApprovalKind.COUNCIL)] == [linked.id]


def test_a_draft_returned_by_the_ministry_cannot_be_deleted(db):
    tender = submitted(db)
    services.return_to_draft(db, user(db, "ministeriet@demo.dk"), tender, "Uklart.")
    assert TenderStep.DELETE_DRAFT not in next_steps(staff(db, "NJ"), tender)
    with pytest.raises(DomainError, match="submitted to the ministry: it can be cancelled"):
        services.delete_draft(db, staff(db, "NJ"), tender)
    assert db.get(Tender, tender.id) is not None


def test_a_draft_approved_once_and_then_edited_cannot_be_deleted(db):
    from tests.tenders.conftest import approved, content

    tender = approved(db)
    services.update_tender(db, staff(db, "NJ"), tender, content(db, title="Ændret"))
    with pytest.raises(DomainError, match="submitted to the ministry"):
        services.delete_draft(db, staff(db, "NJ"), tender)


def test_the_delete_page_of_a_submitted_draft_says_why_not(client, db):
    tender = submitted(db)
    services.return_to_draft(db, user(db, "ministeriet@demo.dk"), tender, "Uklart.")
    db.commit()
    login(client, NJ_STAFF)
    page = client.get(f"/manage/tenders/{tender.id}/delete").get_data(as_text=True)
    assert "kan annulleres, ikke slettes" in page and "Ja, slet kladden" not in page
    assert client.post(f"/manage/tenders/{tender.id}/delete").status_code == 302
    assert db.get(Tender, tender.id) is not None


def test_a_deleted_drafts_number_is_not_given_twice(db):
    first, second = new_tender(db), new_tender(db, title="Nummer to")
    services.delete_draft(db, staff(db, "NJ"), first)
    third = new_tender(db, title="Nummer tre")
    assert third.reference not in (second.reference,)
    assert int(third.reference.rsplit("-", 1)[1]) == int(second.reference.rsplit("-", 1)[1]) + 1


# --- searching ------------------------------------------------------------------------------


def test_the_manage_list_is_searched_by_text_and_lot_title(client, db):
    _commit_new(db, title="Særlig indsats for unge")
    login(client, NJ_STAFF)
    html = client.get("/manage/tenders?q=særlig+indsats").get_data(as_text=True)
    assert "Særlig indsats for unge" in html
    listed = html[html.index('<table class="table table--zebra">') :]  # not the work queue above
    assert "Indsats for ledige akademikere" not in listed
    by_lot = client.get("/manage/tenders?q=Syd").get_data(as_text=True)
    assert "Særlig indsats for unge" in by_lot  # its lot "Syd"


def test_the_public_search_finds_a_lot_title(client, db):
    from app.tenders.services import LotInput

    tender = published(
        db,
        title="Udbud uden ordet i titlen",
        lots=[
            LotInput("Vendsyssel-mentorer", 6_000_000, 2),
            LotInput("Himmerland", 4_000_000, 3),
        ],
    )
    db.commit()
    html = client.get("/tenders?q=vendsyssel").get_data(as_text=True)
    assert tender.title in html


# --- the history ----------------------------------------------------------------------------


def test_the_regions_staff_read_the_tenders_history_in_danish(client, db):
    tender = submitted(db)
    services.return_to_draft(db, user(db, "ministeriet@demo.dk"), tender, "Mangler budget.")
    db.commit()
    login(client, NJ_STAFF)
    page = client.get(f"/manage/tenders/{tender.id}")
    assert f'href="/manage/tenders/{tender.id}/history"' in page.get_data(as_text=True)
    html = client.get(f"/manage/tenders/{tender.id}/history").get_data(as_text=True)
    for said in (
        "Et udbud blev oprettet",
        "En rådsbeslutning blev knyttet til et udbud",
        "Et udbud blev indsendt til godkendelse",
        'Et udbud blev sendt tilbage: <span class="app-prewrap">Mangler budget.',
    ):
        assert said in html
    assert staff(db, "NJ").name in html and "tender.created" not in html
    assert html.index("Et udbud blev oprettet") < html.index("Et udbud blev sendt tilbage")


def test_other_readers_of_the_tender_do_not_read_its_history(client, db):
    tender_id = _commit_new(db)
    login(client, "ministeriet@demo.dk")
    assert client.get(f"/manage/tenders/{tender_id}/history").status_code == 403
    client.post("/logout")
    login(client, "region.midtjylland@demo.dk")
    assert client.get(f"/manage/tenders/{tender_id}/history").status_code == 404
