"""Call-off journeys: a jobcentre compares suppliers and orders, the supplier accepts, delivers
and invoices, the jobcentre approves; an order beyond a lot's maximum is refused with the room
left."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from app.demo.platform import SUPPLIERS
from tests.browser.conftest import check_accessibility, log_in

NATIONAL = "Landsdækkende rammeaftale for faggrupper med få ledige"
NEARLY_FULL = "Rammeaftale om forløb for ledige akademikere i Syddanmark, delaftale 1: Nord"

# The manager: the journeys change the password of Odense's staff login.
ODENSE = "leder.odense@demo.dk"


def _log_out(page):
    page.get_by_role("button", name="Log af").click()


def _lot(page, heading: str):
    return page.locator("section").filter(has=page.get_by_role("heading", name=heading))


def test_a_jobcentre_orders_and_the_supplier_delivers_and_is_paid(page):
    log_in(page, "jobcenter.aalborg@demo.dk")
    page.get_by_role("link", name="Rammeaftaler").first.click()
    check_accessibility(page)
    lot = _lot(page, f"{NATIONAL}, delaftale 2: Syd")
    # The header, three suppliers and the lot's average effect.
    expect(lot.get_by_role("row")).to_have_count(5)
    third = lot.get_by_role("row").nth(3)
    supplier = next(name for name in SUPPLIERS if name in third.inner_text())
    third.get_by_role("link", name=re.compile("^Bestil")).click()
    check_accessibility(page)
    expect(page.get_by_role("radio", name=re.compile(re.escape(supplier)))).to_be_checked()
    page.get_by_label("Sagsreference").fill("AAL-BROWSER-1")
    page.get_by_label("Antal (forløb eller personer)").fill("2")
    page.get_by_role("button", name="Afgiv bestillingen").click()
    expect(page.locator("main")).to_contain_text("Bestillingen er afgivet")
    expect(page.get_by_test_id("order-state")).to_have_text("Afgivet, afventer leverandøren")
    number = page.get_by_test_id("order-number").inner_text()
    total = page.get_by_test_id("order-total").inner_text()
    check_accessibility(page)
    _log_out(page)

    log_in(page, f"leverandoer{SUPPLIERS.index(supplier) + 1}@demo.dk")
    page.get_by_role("link", name="Bestillinger").first.click()
    check_accessibility(page)
    page.get_by_role("link", name=number).click()
    page.get_by_role("button", name="Acceptér bestillingen").click()
    expect(page.get_by_test_id("what-happens")).to_contain_text("kan ikke længere afvises")
    check_accessibility(page)
    page.get_by_role("button", name="Ja, acceptér bestillingen").click()
    expect(page.get_by_test_id("order-state")).to_have_text("Accepteret af leverandøren")
    page.get_by_role("button", name="Meld som leveret").click()
    page.get_by_role("button", name="Ja, meld den som leveret").click()
    expect(page.get_by_test_id("order-state")).to_have_text("Leveret")
    page.get_by_role("link", name="Send fakturaen").click()
    check_accessibility(page)
    expect(page.get_by_label("Fakturabeløb (kr.)")).to_have_value(total.removesuffix(" kr."))
    page.get_by_label("Fakturanummer").fill("F-2026-311")
    page.get_by_role("button", name="Send fakturaen").click()
    expect(page.get_by_test_id("order-state")).to_have_text("Faktureret, afventer godkendelse")
    _log_out(page)

    log_in(page, "jobcenter.aalborg@demo.dk")
    page.goto("/orders?q=AAL-BROWSER-1")
    page.get_by_role("link", name=number).click()
    page.get_by_role("button", name="Godkend fakturaen").click()
    page.get_by_role("button", name="Ja, godkend fakturaen").click()
    expect(page.get_by_test_id("order-state")).to_have_text("Faktura godkendt")
    expect(page.get_by_test_id("order-history")).to_contain_text("Faktureret")
    check_accessibility(page)


def test_an_order_beyond_the_maximum_is_refused_with_the_amount_left(page):
    log_in(page, ODENSE)
    page.goto("/frameworks")
    lot = _lot(page, NEARLY_FULL)
    left = lot.get_by_test_id("left").inner_text()
    lot.get_by_role("link", name=re.compile("^Bestil")).first.click()
    page.get_by_label("Sagsreference").fill("OD-BROWSER-9")
    page.get_by_label("Antal (forløb eller personer)").fill("5")
    page.get_by_role("button", name="Afgiv bestillingen").click()
    expect(page.locator("main")).to_contain_text(f"der er {left} tilbage af 7.500.000,00 kr.")
    expect(page.get_by_label("Sagsreference")).to_have_value("OD-BROWSER-9")  # nothing lost
    check_accessibility(page)
    page.goto("/orders?q=OD-BROWSER-9")
    expect(page.locator("main")).to_contain_text("Ingen bestillinger matcher søgningen")


def test_a_region_narrows_its_orders_by_period_and_takes_them_as_a_spreadsheet(page, tmp_path):
    from openpyxl import load_workbook

    log_in(page, "region.syddanmark@demo.dk")
    page.get_by_role("link", name="Bestillinger").first.click()
    page.get_by_label("Afgivet fra").fill("2026-01-01")
    page.get_by_role("button", name="Søg").click()
    check_accessibility(page)
    expect(page.get_by_label("Afgivet fra")).to_have_value("2026-01-01")
    rows = page.locator("tbody tr")
    expect(rows.first).to_be_visible()
    shown = [row.locator("td").first.inner_text().split("\n")[0] for row in rows.all()]
    with page.expect_download() as download:
        page.get_by_role("link", name="De fundne ordrer som XLSX").click()
    assert download.value.suggested_filename == "ordrer.xlsx"
    saved = tmp_path / "ordrer.xlsx"
    download.value.save_as(saved)
    sheet = load_workbook(saved).active
    numbers = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sheet.cell(1, 1).value == "Bestillingsnummer"
    assert numbers[: len(shown)] == shown  # the same orders, newest first
