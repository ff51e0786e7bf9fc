"""A dashboard's whole table and its exports build that one table alone, not the dashboard's
every table (and the region's lots only for the lots' own table)."""

from __future__ import annotations

import pytest

from app.spend import figures, views
from tests.conftest import login

WHO = {
    "region": "region.syddanmark@demo.dk",
    "national": "ministeriet@demo.dk",
    "jobcentre": "jobcenter.odense@demo.dk",
    "supplier": "leverandoer1@demo.dk",
}
TABLES = [
    (dashboard, dimension)
    for dashboard, entries in views.DASHBOARD_TABLES.items()
    for _build, dimension, _title in entries
] + [("region", "lots"), ("national", "lots")]


@pytest.fixture
def built(monkeypatch):
    """The tables built while a page answers, by name, and whether the lots were read."""
    seen: list[str] = []

    def recording(build):
        def wrapped(db, dimension, filters, title, **options):
            seen.append(dimension)
            return build(db, dimension, filters, title, **options)

        return wrapped

    monkeypatch.setattr(
        views,
        "DASHBOARD_TABLES",
        {
            name: tuple((recording(b), d, t) for b, d, t in entries)
            for name, entries in views.DASHBOARD_TABLES.items()
        },
    )
    # The lots are read with their total (summed in the same statement).
    lot_use = figures.lot_use_with_total

    def reading_lots(*args, **kwargs):
        seen.append("lots")
        return lot_use(*args, **kwargs)

    monkeypatch.setattr(figures, "lot_use_with_total", reading_lots)
    return seen


@pytest.mark.parametrize(("dashboard", "name"), TABLES)
def test_a_whole_table_and_its_exports_build_only_that_table(client, built, dashboard, name):
    login(client, WHO[dashboard])
    for url in (
        f"/spend/{dashboard}/tables/{name}",
        f"/spend/{dashboard}/{name}.csv",
        f"/spend/{dashboard}/{name}.xlsx",
    ):
        built.clear()
        assert client.get(url).status_code == 200, url
        assert built == [name], url


def test_the_dashboards_still_build_every_table(client, built):
    login(client, WHO["national"])
    assert client.get("/spend/national").status_code == 200
    assert built == [d for _b, d, _t in views.DASHBOARD_TABLES["national"]]
