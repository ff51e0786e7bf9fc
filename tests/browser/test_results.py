"""Results in the browser: the region imports a file with a bad line (nothing stored), then a
good one that leaves a jobcentre weak, and opens that jobcentre's results; the jobcentre sees
its own."""

from __future__ import annotations

from datetime import date

from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, log_in


def _this_quarter() -> str:
    today = date.today()
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}"


def test_a_region_imports_results_and_a_weak_jobcentre_stands_out(page, tmp_path):
    quarter = _this_quarter()
    header = "jobcenter;periode;indikator;værdi;klynge"
    bad = tmp_path / "resultater-fejl.csv"
    bad.write_text(f"{header}\nFaaborg-Midtfyn;{quarter};andel i job;femten;Klynge 2\n")
    good = tmp_path / "resultater.csv"
    good.write_text(
        f"{header}\nFaaborg-Midtfyn;{quarter};andel i job;29,5;Klynge 2\n"
        f"Faaborg-Midtfyn;{quarter};ledighedsuger;23;Klynge 2\n"
    )

    log_in(page, "region.syddanmark@demo.dk")
    page.get_by_role("link", name="Resultater").first.click()
    check_accessibility(page)
    expect(page.get_by_test_id("overview")).to_contain_text("Jobcenter Esbjerg")
    page.get_by_role("link", name="Grænserne").click()
    check_accessibility(page)
    expect(page.get_by_test_id("thresholds")).to_contain_text("35,00")

    page.goto("/results/import")
    check_accessibility(page)
    page.get_by_label("Resultatfil (CSV eller XLSX)").set_input_files(str(bad))
    page.get_by_role("button", name="Kontrollér og indlæs").click()
    problems = page.get_by_test_id("import-problems")
    expect(problems).to_contain_text("Linje 2:")
    expect(problems).to_contain_text("femten er ikke et tal")
    check_accessibility(page)

    page.get_by_label("Resultatfil (CSV eller XLSX)").set_input_files(str(good))
    page.get_by_role("button", name="Kontrollér og indlæs").click()
    expect(page.locator("main")).to_contain_text("resultater.csv er indlæst: 2 nye resultater")
    row = page.get_by_test_id("overview").get_by_role("row").filter(has_text="Faaborg-Midtfyn")
    expect(row).to_contain_text("29,50")
    expect(row).to_contain_text("Svage resultater: tættere opfølgning")
    row.get_by_role("link", name="Jobcenter Faaborg-Midtfyn").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Resultater for Jobcenter Faaborg-Midtfyn"
    )
    expect(page.get_by_test_id("results-in_work")).to_contain_text("Regionens gennemsnit")
    check_accessibility(page)


def test_a_jobcentre_sees_its_own_results(page):
    log_in(page, "leder.odense@demo.dk")
    page.get_by_role("link", name="Vores resultater").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Resultater for Jobcenter Odense")
    expect(page.get_by_test_id("results-weeks_unemployed")).to_contain_text("kvartal")
    check_accessibility(page)
