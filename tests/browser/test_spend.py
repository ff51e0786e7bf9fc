"""The spend dashboards in the browser: each one's headline figures are its table's total row,
the region's jobcentres are all listed (those without spend too), and each is screenshot at a
desktop's and a phone's width (kept under SPEND_SCREENSHOTS when set, to be looked at)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, log_in

DASHBOARDS = [
    ("region", "region.syddanmark@demo.dk", "/spend/", "jobcentre"),
    ("national", "ministeriet@demo.dk", "/spend/national", "region"),
    # Odense's manager: the journeys change the password of Odense's staff login.
    ("jobcentre", "leder.odense@demo.dk", "/spend/jobcentre", "jobcentre"),
    ("supplier", "leverandoer1@demo.dk", "/spend/supplier", "jobcentre"),
]
#: The headline's figures and the column of the total row each equals.
HEADLINE = {"committed": 1, "approved": 2, "breaches": 3, "exempted": 4, "compliance": 6}


def _shots(tmp_path) -> Path:
    where = os.environ.get("SPEND_SCREENSHOTS")
    path = Path(where) if where else tmp_path
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.mark.parametrize(("name", "email", "url", "first"), DASHBOARDS)
def test_a_dashboards_headline_is_its_tables_total(page, tmp_path, name, email, url, first):
    log_in(page, email)
    page.goto(url)
    headline = page.get_by_test_id("headline")
    expect(headline).to_be_visible()
    total = page.get_by_test_id(f"total-{first}").locator("th, td")
    cells = total.all_inner_texts()
    assert cells[0] == "I alt"
    for figure, column in HEADLINE.items():
        shown = page.get_by_test_id(f"headline-{figure}")
        if column >= len(cells):  # a supplier's table has no breaches
            expect(shown).to_have_count(0)
            continue
        assert shown.inner_text() == cells[column], figure
    expect(page.get_by_test_id("headline-near")).to_be_visible()
    expect(page.locator("svg[aria-label]").first).to_be_visible()
    check_accessibility(page)
    shots = _shots(tmp_path)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(shots / f"spend-{name}-{width}.png"), full_page=True)


def test_the_region_lists_every_jobcentre_with_or_without_spend(page):
    log_in(page, "region.syddanmark@demo.dk")
    page.goto("/spend/region/tables/jobcentre")
    rows = page.get_by_test_id("table-jobcentre").locator("tbody tr")
    expect(rows).to_have_count(22)  # every jobcentre of Syddanmark, spend or not
    idle = rows.filter(has_text="Jobcenter").filter(
        has=page.locator("td:nth-child(2)", has_text="0,00 kr.")
    )
    assert idle.count() >= 1
    expect(page.get_by_test_id("total-jobcentre")).to_contain_text("I alt")


def test_the_trend_chart_names_every_month_and_tells_its_values(page):
    log_in(page, "region.syddanmark@demo.dk")
    page.goto("/spend/")
    chart = page.locator('svg[aria-label="Forbrug pr. måned"]')
    expect(chart).to_be_visible()
    assert "Disponeret" in chart.inner_html() and "Brud" in chart.inner_html()
    assert chart.locator("rect title").count() >= 3
