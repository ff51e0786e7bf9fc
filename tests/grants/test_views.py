"""The grant pages for each role: the region registers a grant and allocates on its council's
decision, the jobcentre applies and reports spend, the reports; another region sees nothing."""

from __future__ import annotations

import io
from html import unescape

from openpyxl import load_workbook
from sqlalchemy import select

from app.grants.models import Grant, GrantKind, GrantProject
from tests.conftest import login, user
from tests.grants.test_services import ODENSE, SD_STAFF, TODAY, decision


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


def test_a_project_from_application_to_spend_through_the_pages(client, db, app):
    grant = db.scalar(
        select(Grant).where(
            Grant.region_id == user(db, SD_STAFF).organisation_id,
            Grant.kind == GrantKind.MASS_LAYOFF,
        )
    )
    grant_id = grant.id
    db.commit()
    login(client, ODENSE)
    response = client.post(
        f"/grants/{grant_id}/projects",
        data={
            "title": "Lukning af mejeriet",
            "purpose": "Omskoling af de afskedigede.",
            "concerns": "Mejeriet Fyn A/S",
            "requested": "100.000,00",
            "starts_on": TODAY.isoformat(),
            "ends_on": TODAY.replace(month=12, day=31).isoformat(),
        },
    )
    assert response.status_code == 302
    project_url = response.location
    assert 'data-testid="step-spend"' not in text(client.get(project_url))  # not allocated yet
    region = app.test_client()
    login(region, SD_STAFF)
    page = text(region.get(project_url))
    assert 'data-testid="step-allocate"' in page
    chosen = decision(db)
    db.commit()
    beyond = region.post(
        f"{project_url}/allocate",
        data={"amount": "100.000,01", "decision": chosen.id, "text": ""},
    )
    assert beyond.status_code == 422 and "højst de ansøgte 100.000,00 kr." in text(beyond)
    region.post(f"{project_url}/allocate", data={"amount": "80.000,00", "decision": chosen.id})
    assert "80.000,00 kr." in text(region.get(project_url))
    response = client.post(
        f"{project_url}/spend",
        data={"amount": "30.000,00", "spent_on": TODAY.isoformat(), "description": "Kursus"},
    )
    assert response.status_code == 302
    assert region.post(f"{project_url}/spend", data={}).status_code == 403  # not the applicant
    page = text(region.get(f"/grants/{grant_id}"))
    assert "Lukning af mejeriet" in page
    project = db.scalar(select(GrantProject).where(GrantProject.title == "Lukning af mejeriet"))
    assert project.allocated is not None


def test_the_reports_per_grant_and_year(client, db):
    grant_id = db.scalar(
        select(Grant.id).where(Grant.region_id == user(db, SD_STAFF).organisation_id)
    )
    login(client, SD_STAFF)
    csv = client.get(f"/grants/{grant_id}/report.csv")
    assert csv.status_code == 200 and csv.get_data(as_text=True).startswith("\ufeffProjekt;")
    xlsx = client.get(f"/grants/{grant_id}/report.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    assert sheet.cell(1, 1).value == "Projekt" and sheet.max_row >= 2
    pdf = client.get(f"/grants/{grant_id}/report.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")


def test_another_regions_people_see_no_grant_of_this_region(client, db):
    grant_id = db.scalar(
        select(Grant.id).where(Grant.region_id == user(db, SD_STAFF).organisation_id)
    )
    project_id = db.scalar(select(GrantProject.id).where(GrantProject.grant_id == grant_id))
    login(client, "jobcenter.aalborg@demo.dk")
    assert client.get(f"/grants/{grant_id}").status_code == 404
    assert client.get(f"/grants/projects/{project_id}").status_code == 404
    assert client.get(f"/grants/{grant_id}/report.csv").status_code == 404
    assert "Beskæftigelsesregion Syddanmark" not in text(client.get("/grants/"))
