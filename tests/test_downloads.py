"""Every kind of download says its type once, exactly (a text type with one charset)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.grants.models import Grant
from tests.conftest import login, user

REGION = "region.syddanmark@demo.dk"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.mark.parametrize(
    ("email", "url", "content_type"),
    [
        (REGION, "/spend/region/jobcentre.csv", "text/csv; charset=utf-8"),
        (REGION, "/spend/region/jobcentre.xlsx", XLSX),
        (REGION, "/grants/{grant}/report.csv", "text/csv; charset=utf-8"),
        (REGION, "/grants/{grant}/report.xlsx", XLSX),
        (REGION, "/grants/{grant}/report.pdf", "application/pdf"),
        ("jobcenter.odense@demo.dk", "/orders.xlsx", XLSX),
    ],
)
def test_exports_say_their_type_once(client, db, email, url, content_type):
    grant = db.scalar(select(Grant.id).where(Grant.region_id == user(db, REGION).organisation_id))
    login(client, email)
    response = client.get(url.format(grant=grant))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == content_type
    assert response.headers["Content-Disposition"].startswith("attachment")
