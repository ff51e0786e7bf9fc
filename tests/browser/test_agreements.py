"""The region suspends a supplier in one framework agreement for breach of contract; the
jobcentre sees the supplier suspended without an order button; the region lifts it again."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, log_in

TENDER = "Rammeaftale om jobrettede forløb for ledige akademikere i Nordjylland"
SUPPLIER = "Akademikerhuset ApS"  # rank 1 of its one lot


def _log_out(page):
    page.get_by_role("button", name="Log af").click()


def _lot(page):
    return page.locator("section").filter(has=page.get_by_role("heading", name=re.compile(TENDER)))


def test_the_region_suspends_a_supplier_and_lifts_the_suspension(page):
    log_in(page, "region.nordjylland@demo.dk")
    page.goto("/manage/tenders")
    page.get_by_role("link", name=TENDER, exact=True).first.click()
    agreements = page.get_by_test_id("agreements")
    agreements.get_by_role("link", name=SUPPLIER).click()
    expect(page.get_by_test_id("state")).to_have_text("Aktiv")
    check_accessibility(page)

    page.get_by_role("link", name="Suspendér leverandøren").click()
    expect(page.locator("main")).to_contain_text("Ingen nye bestillinger kan afgives")
    check_accessibility(page)
    page.get_by_role("button", name="Ja, suspendér").click()
    expect(page.locator("main")).to_contain_text("Vælg grundlaget for afgørelsen.")  # kept the form
    page.get_by_label("Misligholdelse af kontrakten").check()
    page.get_by_label(re.compile("^Begrundelse")).fill(
        "Aftalte forløb er ikke leveret siden august."
    )
    page.get_by_role("button", name="Ja, suspendér").click()

    expect(page.get_by_test_id("state")).to_have_text("Suspenderet")
    history = page.get_by_test_id("history")
    expect(history).to_contain_text("Misligholdelse af kontrakten")
    expect(history.get_by_role("link", name=re.compile(r"^AF-.*-1 \(PDF\)$"))).to_be_visible()
    check_accessibility(page)
    _log_out(page)

    log_in(page, "jobcenter.aalborg@demo.dk")
    page.get_by_role("link", name="Rammeaftaler").first.click()
    row = _lot(page).get_by_role("row").filter(has_text=SUPPLIER)
    expect(row).to_contain_text("Suspenderet")
    expect(row.get_by_role("link", name=re.compile("^Bestil"))).to_have_count(0)
    expect(_lot(page).get_by_role("link", name=re.compile("^Bestil"))).to_have_count(2)
    page.get_by_role("link", name="Indbakke").first.click()
    expect(page.locator("main")).to_contain_text(f"{SUPPLIER} er suspenderet i rammeaftale")
    _log_out(page)

    log_in(page, "region.nordjylland@demo.dk")
    page.goto("/manage/tenders")
    page.get_by_role("link", name=TENDER, exact=True).first.click()
    page.get_by_test_id("agreements").get_by_role("link", name=SUPPLIER).click()
    page.get_by_role("link", name="Ophæv suspenderingen").click()
    page.get_by_label(re.compile("^Begrundelse")).fill("Leverandøren har rettet op.")
    page.get_by_role("button", name="Ja, ophæv suspenderingen").click()
    expect(page.get_by_test_id("state")).to_have_text("Aktiv")
    expect(page.get_by_test_id("history").get_by_role("row")).to_have_count(4)
