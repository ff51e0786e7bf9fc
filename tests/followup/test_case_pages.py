"""The case pages for each role: region staff open and steer a case, the director and the
jobcentre's leadership sign, the ministries answer; each sees only the moves that are theirs."""

from __future__ import annotations

import io
from datetime import timedelta
from html import unescape

from pypdf import PdfReader
from sqlalchemy import select

from app.followup.models import Reaction, ReactionState
from tests.conftest import login, user
from tests.followup.test_reactions import (
    DIRECTOR,
    MANAGER,
    TODAY,
    agreement,
    decision,
    weak_odense,
)
from tests.followup.test_results import SD_STAFF


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


def test_a_case_from_opening_to_a_signed_agreement_through_the_pages(client, db, app):
    odense = weak_odense(db)
    db.commit()
    login(client, SD_STAFF)
    page = text(client.get(f"/results/jobcentres/{odense.id}"))
    assert 'data-testid="open-case-form"' in page
    response = client.post(
        f"/results/jobcentres/{odense.id}/cases", data={"reason": "Svage resultater."}
    )
    assert response.status_code == 302
    case_url = response.location
    case = db.scalar(select(Reaction).where(Reaction.jobcentre_id == odense.id))
    page = text(client.get(case_url))
    assert "Under vurdering" in page and 'data-testid="step-assess"' in page
    # A form that is not whole is answered with its errors, and nothing moves.
    incomplete = client.post(f"{case_url}/assess", data={"outcome": "no", "text": ""})
    assert incomplete.status_code == 422
    client.post(f"{case_url}/assess", data={"outcome": "no", "text": "Aftale nødvendig."})
    refused = client.post(f"{case_url}/send_for_signature", data={})
    assert refused.status_code == 422
    assert "Skriv først forbedringsaftalen" in text(refused)
    client.post(
        f"{case_url}/agreement",
        data={
            "text": "Flere virksomhedsrettede tilbud.",
            "improve_by": (TODAY + timedelta(days=180)).isoformat(),
            "follow_up_on": (TODAY + timedelta(days=200)).isoformat(),
            "target_in_work": "40,5",
        },
    )
    chosen = decision(db)
    db.commit()
    client.post(f"{case_url}/decision", data={"decision": chosen.id})
    client.post(f"{case_url}/send_for_signature", data={})
    db.expire_all()
    assert db.get(Reaction, case.id).state == ReactionState.AWAITING_SIGNATURES

    director = app.test_client()
    login(director, DIRECTOR)
    page = text(director.get(case_url))
    assert 'data-testid="step-sign"' in page and 'data-testid="step-assess"' not in page
    # A signature cannot be withdrawn: the first click only asks, saying what will happen.
    assert "Underskriv forbedringsaftalen?" in text(director.post(f"{case_url}/sign", data={}))
    assert 'data-testid="step-sign"' in text(director.get(case_url))  # not signed yet
    assert director.post(f"{case_url}/sign", data={"confirmed": "yes"}).status_code == 302
    assert 'data-testid="step-sign"' not in text(director.get(case_url))  # signed once
    jobcentre_staff = app.test_client()
    login(jobcentre_staff, "jobcenter.odense@demo.dk")
    assert jobcentre_staff.post(f"{case_url}/sign", data={}).status_code == 403
    manager = app.test_client()
    login(manager, MANAGER)
    assert manager.post(f"{case_url}/sign", data={"confirmed": "yes"}).status_code == 302
    page = text(manager.get(case_url))
    assert "Forbedringsaftale i kraft" in page and "40,50" in page
    target = page.split('data-testid="target-in_work"')[1].split("</dd>")[0]
    assert "seneste resultat 30,00 (4. kvartal 2026)" in target  # held against the target
    pdf = manager.get(f"{case_url}/agreement.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    db.expire_all()
    assert db.get(Reaction, case.id).state == ReactionState.AGREEMENT_IN_FORCE


def test_the_ministry_sees_a_case_only_once_it_is_sent_and_another_region_never(client, db):
    odense = weak_odense(db)
    from app.followup import reactions

    case = reactions.open_case(db, user(db, SD_STAFF), odense, "Svage resultater.")
    db.commit()
    login(client, "ministeriet@demo.dk")
    assert client.get(f"/results/cases/{case.id}").status_code == 404
    assert "Jobcenter Odense" not in text(client.get("/results/cases"))
    other = client.application.test_client()
    login(other, "region.nordjylland@demo.dk")
    assert other.get(f"/results/cases/{case.id}").status_code == 404
    assert other.post(f"/results/cases/{case.id}/assess", data={}).status_code == 404


def test_an_unknown_step_is_not_found(client, db):
    odense = weak_odense(db)
    from app.followup import reactions

    case = reactions.open_case(db, user(db, SD_STAFF), odense, "Svage resultater.")
    db.commit()
    login(client, SD_STAFF)
    assert client.post(f"/results/cases/{case.id}/nothing", data={}).status_code == 404


def test_there_is_no_agreement_document_before_an_agreement_is_written(client, db):
    from app.followup import reactions

    case = reactions.open_case(db, user(db, SD_STAFF), weak_odense(db), "Svage resultater.")
    db.commit()
    login(client, SD_STAFF)
    assert client.get(f"/results/cases/{case.id}/agreement.pdf").status_code == 404


def test_the_ordered_jobcentre_reports_on_the_case_page_and_the_region_sees_the_share(
    client, db, app
):
    from tests.followup.test_reactions import ordered

    case = ordered(db)
    academics = case.parts[0].id
    case_id = case.id
    db.commit()
    login(client, MANAGER)
    page = text(client.get(f"/results/cases/{case_id}"))
    assert 'data-testid="step-report"' in page
    response = client.post(
        f"/results/cases/{case_id}/report",
        data={
            "part": academics,
            "period": "2026K4",
            "handled_itself": "9",
            "handled_by_others": "1",
        },
    )
    assert response.status_code == 302
    region = app.test_client()
    login(region, SD_STAFF)
    page = text(region.get(f"/results/cases/{case_id}"))
    shares = page.split('data-testid="shares"')[1].split("</table>")[0]
    assert "4. kvartal 2026" in shares and ">9<" in shares
    assert 'data-testid="step-report"' not in page  # the region does not report


def test_the_start_page_counts_the_cases_that_wait_for_the_user(client, db, app):
    from app.followup import reactions

    login(client, "ministeriet@demo.dk")  # the demo's Hjørring waits at the ministry
    assert "1 sag afventer dig" in text(client.get("/start"))
    staff = user(db, SD_STAFF)
    case = reactions.open_case(db, staff, weak_odense(db), "Svage resultater.")
    reactions.assess(db, staff, case, False, "Aftale nødvendig.")
    reactions.write_agreement(db, staff, case, agreement())
    reactions.link_decision(db, staff, case, decision(db))
    reactions.send_for_signature(db, staff, case)
    db.commit()
    director = app.test_client()
    login(director, DIRECTOR)
    assert "1 sag afventer dig" in text(director.get("/start"))
    assert reactions.awaiting_cases(db, user(db, "integration@demo.dk")) == 0


def test_out_of_range_numbers_and_years_are_a_message_not_a_crash(client, db):
    import io

    from tests.followup.test_reactions import ordered
    from tests.followup.test_results import csv

    case = ordered(db)
    academics, case_id = case.parts[0].id, case.id
    db.commit()
    login(client, MANAGER)
    response = client.post(
        f"/results/cases/{case_id}/report",
        data={
            "part": academics,
            "period": "2026-Q4",
            "handled_itself": "3000000000",
            "handled_by_others": "10000000000000000000000",
        },
    )
    assert response.status_code == 422
    region = client.application.test_client()
    login(region, SD_STAFF)
    data = {"file": (io.BytesIO(csv("Odense;0000-Q1;andel i job;30;;")), "res.csv")}
    response = region.post("/results/import", data=data, content_type="multipart/form-data")
    assert response.status_code == 422 and "0000-Q1 er ikke et kvartal" in text(response)


def test_the_ministrys_order_is_a_letter_to_the_jobcentre(client, db):
    from tests.followup.test_reactions import ordered

    case = ordered(db)
    case_id, parts = case.id, [p.name for p in case.parts]
    db.commit()
    login(client, MANAGER)
    assert 'data-testid="order-letter"' in text(client.get(f"/results/cases/{case_id}"))
    response = client.get(f"/results/cases/{case_id}/order.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    letter = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages
    ).replace("\n", " ")
    assert "Pålæg om at benytte andre aktører" in letter
    assert "Til ledelsen af Jobcenter Odense" in letter and f"Sag nr. {case_id}" in letter
    assert all(part in letter for part in parts)
    assert "Besluttet" in letter and "Beskæftigelsesministeriet" in letter


def test_there_is_no_order_letter_before_an_order(client, db):
    from app.followup import reactions

    case = reactions.open_case(db, user(db, SD_STAFF), weak_odense(db), "Svage resultater.")
    db.commit()
    login(client, SD_STAFF)
    assert 'data-testid="order-letter"' not in text(client.get(f"/results/cases/{case.id}"))
    assert client.get(f"/results/cases/{case.id}/order.pdf").status_code == 404
