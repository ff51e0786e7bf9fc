"""The region's spend dashboard: its figures, the warnings, the CSV, and a fixed number of
queries whatever the amount of data."""

from __future__ import annotations

from html import unescape

from sqlalchemy import event

from tests.calloffs.conftest import ODENSE, framework, frozen_clock, place  # noqa: F401
from tests.conftest import login

SD_STAFF = "region.syddanmark@demo.dk"


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


def queries_for(client, app, url: str) -> int:
    engine = app.extensions["database"].engine
    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(statements)


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
