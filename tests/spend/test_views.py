"""The region's spend dashboard: its figures, the warnings, the CSV, and a fixed number of
queries whatever the amount of data."""

from __future__ import annotations

from html import unescape

import pytest

from tests.calloffs.conftest import ODENSE, framework, place
from tests.conftest import login
from tests.query_count import queries_for

SD_STAFF = "region.syddanmark@demo.dk"


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


def test_the_dashboard_shows_the_lots_use_with_a_warning_and_the_jobcentres(client, db):
    lot = framework(db, maximum="10000.00", prices=("1000.00",))
    place(db, lot, quantity=9)
    reference = lot.tender.reference
    db.commit()
    login(client, SD_STAFF)
    page = text(client.get("/spend/"))
    assert f"{reference} delaftale 1: 90,00 % af maksimum er brugt" in page
    assert "9.000,00 kr." in page and "<svg" in page
    assert "Jobcenter Odense" in page  # the region's jobcentres that spent anything


def test_the_jobcentres_figures_as_csv(client, db):
    login(client, SD_STAFF)
    response = client.get("/spend/region/jobcentre.csv")
    assert response.mimetype == "text/csv"
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeffJobcenter;") and "Jobcenter Odense;" in body


def test_the_dashboard_asks_the_same_number_of_queries_with_more_data(client, db, app):
    login(client, SD_STAFF)
    few = queries_for(client, app, "/spend/")
    for _ in range(3):
        lot = framework(db)
        for _ in range(3):
            place(db, lot)
    db.commit()
    assert queries_for(client, app, "/spend/") == few


def test_a_jobcentre_cannot_see_the_region_dashboard(client, db):
    login(client, ODENSE)
    assert client.get("/spend/").status_code == 403


def test_a_framework_ending_within_half_a_year_suggests_a_new_tender(client, db):
    from datetime import timedelta

    from tests.calloffs.conftest import TODAY

    soon = framework(db, ends_on=TODAY + timedelta(days=180))  # the agreement period's end
    later = framework(db, ends_on=TODAY + timedelta(days=181))
    references = (soon.tender.reference, later.tender.reference)
    db.commit()
    login(client, SD_STAFF)
    page = text(client.get("/spend/"))
    assert f"{references[0]} delaftale 1 udløber" in page
    assert f"{references[1]} delaftale 1 udløber" not in page


def test_the_dashboard_counts_the_open_breaches_and_exports_the_lots(client, db):
    from decimal import Decimal

    from app.purchases.services import open_breaches
    from tests.conftest import user
    from tests.purchases.conftest import framework as group_framework
    from tests.purchases.conftest import register

    group_framework(db)
    before = open_breaches(db, user(db, SD_STAFF))
    register(db, breach_reason="Akut", amount=Decimal("10.00"))
    db.commit()
    login(client, SD_STAFF)
    page = text(client.get("/spend/"))
    assert f"{before + 1} brud på købspligten afventer regionens opfølgning" in page
    response = client.get("/spend/region/lots.csv")
    assert response.status_code == 200 and "Brugt (%)" in response.get_data(as_text=True)


def test_a_long_table_shows_its_largest_rows_and_links_to_all_of_them_a_page_at_a_time(
    client, db, monkeypatch
):
    from app.spend import views

    monkeypatch.setattr(views, "SHOWN", 2)
    monkeypatch.setattr(views, "TABLE_PAGE", 2)
    for quantity in (1, 5, 3):
        place(db, framework(db, maximum="50000.00", prices=("1000.00",)), quantity=quantity)
    db.commit()
    login(client, SD_STAFF)
    page = text(client.get("/spend/?to=2026-11-30"))
    lots = page.split('data-testid="table-lots"')[1].split("</table>")[0]
    assert lots.count("<tr>") == 3  # the header and the two most used lots
    assert "De 2 største af" in page and "/spend/region/tables/lots?to=2026-11-30" in page
    whole = text(client.get("/spend/region/tables/lots?to=2026-11-30"))
    rows = whole.split("<tbody>")[1].split("</tbody>")[0]
    assert rows.count("<tr>") == 2 and "5.000,00 kr." in rows  # the most used lot first
    assert "page=2" in whole and "/spend/region/tables/lots" in whole  # the pager keeps the table
    second = text(client.get("/spend/region/tables/lots?to=2026-11-30&page=2"))
    assert "3.000,00 kr." in second.split("<tbody>")[1]


def test_an_unknown_table_is_not_found_and_another_roles_table_is_refused(client, db):
    login(client, SD_STAFF)
    assert client.get("/spend/region/tables/nothing").status_code == 404
    assert client.get("/spend/national/tables/region").status_code == 403


def test_the_jobcentre_sees_its_whole_table_of_suppliers(client, db):
    place(db, framework(db), quantity=2)
    db.commit()
    login(client, ODENSE)
    whole = text(client.get("/spend/jobcentre/tables/supplier"))
    assert "Akademikerhuset ApS" in whole and "Vores forbrug" in whole  # back to the dashboard


def test_the_framework_filter_offers_the_frameworks_that_concern_the_dashboard(client, db, app):
    from app.tenders.models import Scope

    own = framework(db, "SD").tender.reference
    national = framework(db, "HS", scope=Scope.NATIONAL).tender.reference
    other = framework(db, "NJ").tender.reference
    db.commit()
    login(client, SD_STAFF)
    choices = text(client.get("/spend/")).split('id="tender"')[1].split("</select>")[0]
    assert own in choices and national in choices and other not in choices
    ministry = app.test_client()
    login(ministry, "ministeriet@demo.dk")
    choices = text(ministry.get("/spend/national")).split('id="tender"')[1].split("</select>")[0]
    assert own in choices and national in choices and other in choices


@pytest.mark.parametrize(
    "url",
    [
        "/spend/?name=x&fmt=y&dashboard=z",
        "/spend/?_scheme=ftp&_anchor=x",
        "/spend/region/tables/lots?fmt=x&name=y&page=2",
    ],
)
def test_query_keys_that_links_use_themselves_are_ignored_not_a_crash(client, db, url):
    login(client, SD_STAFF)
    assert client.get(url).status_code == 200
