"""The suppliers' effects in the browser: a jobcentre compares them where it chooses a supplier
and when it orders, the leading region sees the one clearly below its lot flagged, and a
supplier sees its own results beside the lot's average, no one else's."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, log_in, open_menu

MANAGER = "leder.odense@demo.dk"  # the journeys change the password of Odense's staff login
NATIONAL = "Landsdækkende rammeaftale for faggrupper med få ledige, delaftale 1"
BETTER, WORSE, UNTRIED = "Akademikerhuset ApS", "Job & Kompetence A/S", "Inklusion Danmark ApS"
SHARE = re.compile(r"\d+,\d+ % \(\d+,\d+–\d+,\d+ %, n=\d+\)")


def test_a_jobcentre_sees_each_suppliers_effect_where_it_chooses(page):
    log_in(page, MANAGER)
    open_menu(page, "Rammeaftaler")
    check_accessibility(page)
    lot = page.locator("section", has=page.get_by_role("heading", name=NATIONAL))
    for supplier in (BETTER, WORSE):
        expect(lot.get_by_role("row").filter(has_text=supplier)).to_contain_text(SHARE)
    # A supplier without enough persons behind it shows a dash, not a share.
    untried = lot.get_by_role("row").filter(has_text=UNTRIED)
    expect(untried).not_to_contain_text("n=")
    expect(lot.get_by_role("row").filter(has_text="Delaftalens gennemsnit")).to_contain_text(SHARE)

    lot.get_by_role("link", name=f"Bestil hos {BETTER}").click()
    effects = page.locator("table[data-testid^='effects-']")
    expect(effects.get_by_role("row").filter(has_text=BETTER)).to_contain_text(SHARE)
    expect(page.get_by_test_id("threshold")).to_contain_text("mindst 20 personer")
    check_accessibility(page)


def test_the_leading_region_sees_the_supplier_clearly_below_its_lot(page):
    log_in(page, "region.hovedstaden@demo.dk")
    open_menu(page, "Leverandørernes effekt")
    check_accessibility(page)
    worse = page.get_by_role("row").filter(has_text=WORSE).first
    expect(worse).to_contain_text("klart under delaftalens gennemsnit")
    better = page.get_by_role("row").filter(has_text=BETTER).first
    expect(better).not_to_contain_text("klart under")


def test_a_supplier_sees_its_own_results_and_the_lots_average_only(page):
    log_in(page, "leverandoer2@demo.dk")
    page.goto("/outcomes/mine")
    check_accessibility(page)
    main = page.locator("main")
    expect(main).to_contain_text(WORSE)
    expect(main).to_contain_text("Delaftalens gennemsnit")
    expect(main).not_to_contain_text(BETTER)
