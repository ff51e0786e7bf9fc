"""The results pages for each role: the region's overview, a jobcentre's own results, the
import with its problems listed, the limits; another region's jobcentre stays hidden."""

from __future__ import annotations

import io
from decimal import Decimal
from html import unescape

from sqlalchemy import func, select

from app.followup import services
from app.followup.models import Indicator, Result
from tests.conftest import login, user
from tests.followup.test_results import SD_STAFF, csv, jobcentre, run

ODENSE = "jobcenter.odense@demo.dk"


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


def test_region_staff_import_a_file_and_see_the_jobcentres_standing(client, db):
    staff = user(db, SD_STAFF)
    services.set_threshold(db, staff, Indicator.IN_WORK, Decimal("35"), Decimal("45"))
    db.commit()
    login(client, SD_STAFF)
    data = {"file": (io.BytesIO(csv("Odense;2026-Q4;andel i job;30,5;;K3")), "res.csv")}
    response = client.post("/results/import", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    page = text(client.get("/results/"))
    assert "res.csv er indlæst: 1 nye resultater, 0 erstattet." in page
    odense = page.split(f'data-testid="jobcentre-{jobcentre(db, "Jobcenter Odense").id}"')[1]
    row = odense.split("</tr>")[0]
    assert "4. kvartal 2026" in row and "30,50" in row
    assert "Svage resultater: tættere opfølgning" in row


def test_a_bad_file_lists_each_line_and_stores_nothing(client, db):
    before = db.scalar(select(func.count()).select_from(Result))
    login(client, SD_STAFF)
    data = {"file": (io.BytesIO(csv("Odense;2026-Q9;andel i job;30;;")), "res.csv")}
    response = client.post("/results/import", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Linje 2:" in text(response) and "2026-Q9" in text(response)
    assert db.scalar(select(func.count()).select_from(Result)) == before


def test_the_limits_are_set_on_their_page_and_a_wrong_pair_is_refused(client, db):
    login(client, SD_STAFF)
    bad = client.post(
        "/results/thresholds", data={"indicator": "in_work", "weak": "45", "good": "35"}
    )
    assert bad.status_code == 422
    assert "Grænsen for gode resultater skal være bedre" in text(bad)
    ok = client.post(
        "/results/thresholds", data={"indicator": "in_work", "weak": "35,5", "good": "45"}
    )
    assert ok.status_code == 302
    assert "35,50" in text(client.get("/results/thresholds"))


def test_a_jobcentre_sees_its_own_results_and_not_anothers(client, db):
    run(db, csv("Odense;2026-Q3;ledighedsuger;17;;", "Svendborg;2026-Q3;ledighedsuger;19;;"))
    db.commit()
    login(client, ODENSE)
    own = client.get("/results/")
    assert own.status_code == 302
    page = text(client.get(own.location))
    assert "Resultater for Jobcenter Odense" in page and "17,00" in page
    svendborg = jobcentre(db, "Jobcenter Svendborg").id
    assert client.get(f"/results/jobcentres/{svendborg}").status_code == 404
    assert client.get("/results/import").status_code == 403


def test_another_regions_staff_cannot_see_a_jobcentre_and_unknown_ids_are_not_found(client, db):
    login(client, "region.nordjylland@demo.dk")
    odense = jobcentre(db, "Jobcenter Odense").id
    assert client.get(f"/results/jobcentres/{odense}").status_code == 404
    assert client.get("/results/jobcentres/999999").status_code == 404
    region = user(db, SD_STAFF).organisation_id  # an organisation, but not a jobcentre
    assert client.get(f"/results/jobcentres/{region}").status_code == 404
