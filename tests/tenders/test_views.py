"""Tenders over HTTP: the form, the walk through the gates, the public listing and the PDF."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.documents.pdf import RestrictedFetcher
from app.tenders.models import Tender, TenderState
from app.tenders.queries import visible_tenders
from tests.conftest import login, user
from tests.tenders.conftest import decision, group, need, published, region, submitted

REGIONS = ("nordjylland", "midtjylland", "syddanmark", "hovedstaden")


def _form(db, **changes):
    data = {
        "title": "Job til akademikere",
        "description": "Forløb for ledige akademikere.",
        "scope": "regional",
        "target_group_ids": [group(db, "Ledige akademikere").id],
        "need_id": need(db, "NJ").id,
        "estimated_value": "1.500.000,00",
        "agreement_start": "2027-03-01",
        "agreement_end": "2029-02-28",
        "deadline_date": "2027-01-15",
        "deadline_time": "12:00",
        "lots-0-title": "Hele regionen",
        "lots-0-maximum_value": "2.000.000",
        "lots-0-suppliers_to_award": "3",
        "criteria-0-name": "Pris",
        "criteria-0-weight": "40",
        "criteria-0-is_price": "y",
        "criteria-1-name": "Kvalitet",
        "criteria-1-weight": "60",
        "requirements-0": "Erfaring med målgruppen",
        "save": "1",
    }
    data.update(changes)
    return data


def _count(db):
    return db.scalar(select(func.count()).select_from(Tender))


def test_region_staff_create_a_tender_with_danish_amounts(client, db):
    login(client, "region.nordjylland@demo.dk")
    response = client.post("/manage/tenders/new", data=_form(db))
    assert response.status_code == 302, response.get_data(as_text=True)
    created = db.scalars(select(Tender).where(Tender.title == "Job til akademikere")).one()
    assert str(created.estimated_value) == "1500000.00"
    assert created.bid_deadline.isoformat() == "2027-01-15T11:00:00+00:00"  # 12:00 in winter
    assert [lot.title for lot in created.lots] == ["Hele regionen"]


def test_weights_not_adding_up_are_refused_with_the_reason_and_nothing_is_stored(client, db):
    login(client, "region.nordjylland@demo.dk")
    before = _count(db)
    response = client.post("/manage/tenders/new", data=_form(db, **{"criteria-1-weight": "50"}))
    assert response.status_code == 409
    assert "vægte giver 90, ikke 100" in response.get_data(as_text=True)
    assert _count(db) == before


def test_a_bad_amount_is_a_field_error(client, db):
    login(client, "region.nordjylland@demo.dk")
    response = client.post("/manage/tenders/new", data=_form(db, estimated_value="mange penge"))
    assert response.status_code == 422
    assert "Skriv beløbet som 1.234.567,89" in response.get_data(as_text=True)


def test_asking_for_another_lot_adds_a_row_and_saves_nothing(client, db):
    login(client, "region.nordjylland@demo.dk")
    before = _count(db)
    data = _form(db)
    del data["save"]
    data["add_lot"] = "1"
    html = client.post("/manage/tenders/new", data=data).get_data(as_text=True)
    assert 'name="lots-1-title"' in html
    assert _count(db) == before


def test_the_walk_through_the_gates_over_http_ends_on_the_public_list(app, client, db):
    login(client, "region.nordjylland@demo.dk")
    client.post("/manage/tenders/new", data=_form(db))
    tender = db.scalars(select(Tender).where(Tender.title == "Job til akademikere")).one()
    tender_id, decision_id = tender.id, decision(db, "NJ").id
    db.commit()
    base = f"/manage/tenders/{tender_id}"
    assert client.post(f"{base}/decisions", data={"decision_id": decision_id}).status_code == 302
    assert client.post(f"{base}/involve").status_code == 302
    assert client.post(f"{base}/submit").status_code == 302
    ministry = app.test_client()
    login(ministry, "ministeriet@demo.dk")
    assert "Job til akademikere" in ministry.get("/manage/tenders").get_data(as_text=True)
    assert ministry.post(f"{base}/approve").status_code == 302
    # Publishing cannot be undone: the first click only asks, saying what will happen.
    asked = client.post(f"{base}/publish").get_data(as_text=True)
    assert "Offentliggør udbuddet?" in asked and 'name="confirmed" value="yes"' in asked
    assert app.test_client().get(f"/tenders/{tender_id}").status_code == 404
    published_page = client.post(
        f"{base}/publish", data={"confirmed": "yes"}, follow_redirects=True
    )
    assert "Udbuddet er offentliggjort." in published_page.get_data(as_text=True)
    public = app.test_client()
    listing = public.get("/tenders?q=akademikere&status=open").get_data(as_text=True)
    assert "Job til akademikere" in listing
    page = public.get(f"/tenders/{tender_id}").get_data(as_text=True)
    assert "Erfaring med målgruppen" in page and "2.000.000,00 kr." in page
    pdf = public.get(f"/tenders/{tender_id}/notice.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_a_refused_step_shows_the_reason(client, db):
    tender_id = submitted(db).id
    db.commit()
    login(client, "region.nordjylland@demo.dk")
    response = client.post(f"/manage/tenders/{tender_id}/publish")
    assert response.status_code == 409
    assert "indsendt til godkendelse" in response.get_data(as_text=True)


def test_a_draft_is_not_public_and_not_visible_to_another_region(app, client, db):
    draft = db.scalars(
        select(Tender).where(
            Tender.state == TenderState.DRAFT, Tender.region_id == region(db, "NJ").id
        )
    ).first()
    draft_id = draft.id
    assert client.get(f"/tenders/{draft_id}").status_code == 404
    assert client.get(f"/tenders/{draft_id}/notice.pdf").status_code == 404
    login(client, "region.syddanmark@demo.dk")
    assert client.get(f"/manage/tenders/{draft_id}").status_code == 404
    login(app.test_client(), "region.nordjylland@demo.dk")


@pytest.mark.parametrize(
    "email",
    [
        *(f"{who}.{region}@demo.dk" for who in ("region", "direktoer") for region in REGIONS),
        "ministeriet@demo.dk",
        "integration@demo.dk",
        "admin@demo.dk",
        "jobcenter.aalborg@demo.dk",
        "leverandoer1@demo.dk",
    ],
)
def test_the_work_list_holds_exactly_the_tenders_whose_work_page_a_user_sees(db, email):
    """The list's SQL and Tender.is_visible_to state one rule twice: they must agree."""
    reader = user(db, email)
    listed = set(db.scalars(visible_tenders(reader).with_only_columns(Tender.id)))
    seen = {t.id for t in db.scalars(select(Tender)) if t.is_visible_to(reader)}
    assert listed == seen


def test_the_ministry_sees_what_waits_for_it(client, db):
    tender = submitted(db)
    reference = tender.reference
    db.commit()
    login(client, "ministeriet@demo.dk")
    html = client.get("/manage/tenders").get_data(as_text=True)
    waiting = html.split('data-testid="waiting"')[1].split("</ul>")[0]
    assert reference in waiting


def test_uploads_are_checked_and_documents_of_published_tenders_are_public(app, client, db):
    from io import BytesIO

    tender_id = published(db).id
    db.commit()
    login(client, "region.nordjylland@demo.dk")
    bad = client.post(
        f"/manage/tenders/{tender_id}/documents",
        data={"document": (BytesIO(b"MZ\x90\x00"), "virus.exe")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 409 and "typen .exe modtages ikke" in bad.get_data(as_text=True)
    fake = client.post(
        f"/manage/tenders/{tender_id}/documents",
        data={"document": (BytesIO(b"not a pdf"), "bilag.pdf")},
        content_type="multipart/form-data",
    )
    assert fake.status_code == 409 and "ikke en .pdf-fil" in fake.get_data(as_text=True)
    good = client.post(
        f"/manage/tenders/{tender_id}/documents",
        data={"document": (BytesIO(b"%PDF-1.4 bilag"), "../../Bilag A.pdf")},
        content_type="multipart/form-data",
    )
    assert good.status_code == 302
    db.expire_all()
    document = db.get(Tender, tender_id).documents[-1]
    assert document.file.filename == "Bilag A.pdf"
    anonymous = app.test_client()
    download = anonymous.get(f"/tenders/{tender_id}/documents/{document.id}")
    assert download.data == b"%PDF-1.4 bilag"
    assert "attachment" in download.headers["Content-Disposition"]


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("Bilag B.txt", "text/plain; charset=utf-8"),
        ("Priser.csv", "text/csv; charset=utf-8"),
        ("Bilag C.pdf", "application/pdf"),
    ],
)
def test_a_document_is_served_with_its_content_type_once(app, client, db, name, content_type):
    from io import BytesIO

    tender_id = published(db).id
    db.commit()
    login(client, "region.nordjylland@demo.dk")
    data = b"%PDF-1.4 bilag" if name.endswith(".pdf") else "Pris;Ydelse\n1;Særlig mentor".encode()
    response = client.post(
        f"/manage/tenders/{tender_id}/documents",
        data={"document": (BytesIO(data), name)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    db.expire_all()
    document = db.get(Tender, tender_id).documents[-1]
    download = app.test_client().get(f"/tenders/{tender_id}/documents/{document.id}")
    assert download.data == data
    assert download.headers["Content-Type"] == content_type


@pytest.mark.parametrize(
    "url", ["https://example.org/x.png", "file:///etc/passwd", "http://127.0.0.1:5432/"]
)
def test_the_pdf_fetcher_refuses_everything_outside(url):
    from weasyprint.urls import URLFetchingError

    with pytest.raises(URLFetchingError):
        RestrictedFetcher().fetch(url)


def test_only_the_owner_region_gets_the_buttons(client, db):
    tender_id = submitted(db).id
    db.commit()
    login(client, "direktoer.nordjylland@demo.dk")
    html = client.get(f"/manage/tenders/{tender_id}").get_data(as_text=True)
    assert "Intet for dig at gøre" in html or "Nothing for you" in html
    assert user(db, "direktoer.nordjylland@demo.dk")


def test_the_tender_page_offers_only_decisions_not_spent_elsewhere(client, db):
    from app.tenders import services
    from tests.tenders.conftest import new_tender, staff

    elsewhere, fresh = decision(db, "NJ"), decision(db, "NJ")
    elsewhere.concerns, fresh.concerns = "Brugt på et andet udbud", "Endnu ikke brugt"
    services.link_council_decision(db, staff(db, "NJ"), new_tender(db), elsewhere)
    tender_id = new_tender(db, title="Dette udbud").id
    db.commit()
    login(client, "region.nordjylland@demo.dk")
    page = client.get(f"/manage/tenders/{tender_id}").get_data(as_text=True)
    assert "Endnu ikke brugt" in page and "Brugt på et andet udbud" not in page
