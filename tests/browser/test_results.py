"""Results in the browser: the region imports a file with a bad line (nothing stored), then a
good one that leaves a jobcentre weak, and opens that jobcentre's results; the jobcentre sees
its own."""

from __future__ import annotations

from datetime import date

from playwright.sync_api import expect

from app.core.i18n import format_date
from tests.browser.conftest import TODAY, check_accessibility, log_in, open_menu


def _this_quarter() -> str:
    return f"{TODAY.year}-Q{(TODAY.month - 1) // 3 + 1}"


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


def _step(page, name: str):
    return page.get_by_test_id(f"step-{name}")


def _council_decision(page, concerns: str) -> None:
    open_menu(page, "Rådet")
    page.get_by_role("link", name="Registrér en beslutning").first.click()
    page.get_by_label("Beslutningens dato").fill(TODAY.isoformat())
    page.get_by_label("Hvad beslutningen vedrører").fill(concerns)
    page.get_by_label("Beslutningen", exact=True).fill("Rådet tiltræder.")
    page.get_by_role("button", name="Gem").click()


def test_a_weak_jobcentre_from_flag_to_an_order_and_a_good_one_without_reaction(page, tmp_path):
    quarter = _this_quarter()
    weak = tmp_path / "svendborg.csv"
    weak.write_text(
        "jobcenter;periode;indikator;værdi\n"
        f"Svendborg;{quarter};andel i job;28\nSvendborg;{quarter};ledighedsuger;24\n"
    )
    log_in(page, "region.syddanmark@demo.dk")
    page.goto("/results/import")
    page.get_by_label("Resultatfil (CSV eller XLSX)").set_input_files(str(weak))
    page.get_by_role("button", name="Kontrollér og indlæs").click()
    # A good jobcentre: no reaction is offered.
    page.get_by_test_id("overview").get_by_role("link", name="Jobcenter Vejle").click()
    expect(page.get_by_test_id("open-case-form")).to_have_count(0)
    page.go_back()
    page.get_by_test_id("overview").get_by_role("link", name="Jobcenter Svendborg").click()
    form = page.get_by_test_id("open-case-form")
    form.get_by_label("Hvorfor regionen reagerer").fill("Andelen i job er faldet til 28 %.")
    form.get_by_role("button", name="Opret en sag").click()
    expect(page.get_by_test_id("case-state")).to_have_text("Under vurdering")
    check_accessibility(page)
    case_url = page.url

    assess = _step(page, "assess")
    assess.get_by_label("Der er brug for en forbedringsaftale").check()
    assess.get_by_label("Hvad regionen fandt").fill("Ingen initiativer er taget.")
    assess.get_by_role("button", name="Registrér vurderingen").click()
    expect(page.get_by_test_id("case-state")).to_have_text("Forbedringsaftale under udarbejdelse")
    refusal = _step(page, "no_agreement")
    refusal.get_by_label("Begrundelse").fill("Jobcentret ønsker ikke en aftale.")
    refusal.get_by_role("button", name="Registrér: ingen aftale").click()
    expect(page.get_by_test_id("case-state")).to_have_text("Indstilling under udarbejdelse")

    recommendation = _step(page, "recommendation")
    recommendation.get_by_label("Indstillingen til ministeriet").fill(
        "Andre aktører bør varetage indsatsen for flygtninge og indvandrere."
    )
    recommendation.get_by_label("Delene af indsatsen (målgrupper)").select_option(
        label="Flygtninge og indvandrere"
    )
    recommendation.get_by_label("Mindste andel, som andre aktører varetager (%)").fill("40")
    recommendation.get_by_role("button", name="Gem indstillingen").click()
    _step(page, "send_recommendation").get_by_role("button", name="Send til ministeriet").click()
    expect(page.locator("main")).to_contain_text("Rådet skal først tage stilling til indstillingen")

    _council_decision(page, "Indstilling om pålæg til Jobcenter Svendborg")
    page.goto(case_url)
    link = _step(page, "decision")
    link.get_by_label("Rådets beslutning").select_option(
        label=f"{format_date(TODAY)}: Indstilling om pålæg til Jobcenter Svendborg"
    )
    link.get_by_role("button", name="Tilknyt beslutningen").click()
    _step(page, "send_recommendation").get_by_role("button", name="Send til ministeriet").click()
    expect(page.get_by_test_id("case-state")).to_have_text("Hos Integrationsministeriet")
    page.get_by_role("button", name="Log af").click()

    log_in(page, "integration@demo.dk")
    page.get_by_role("link", name="Opfølgningssager").first.click()
    check_accessibility(page)
    page.get_by_test_id("cases").get_by_role("link", name="Jobcenter Svendborg").click()
    answer = _step(page, "integration_answer")
    answer.get_by_label("Integrationsministeriet giver tilslutning").check()
    answer.get_by_label("Begrundelse").fill("Enig: integrationsindsatsen har brug for det.")
    answer.get_by_role("button", name="Registrér svaret").click()
    expect(page.get_by_test_id("case-state")).to_have_text("Hos Beskæftigelsesministeriet")
    page.get_by_role("button", name="Log af").click()

    log_in(page, "ministeriet@demo.dk")
    page.goto(case_url)
    decide = _step(page, "decide")
    decide.get_by_label("Pålæg jobcentret at benytte andre aktører").check()
    decide.get_by_label("Begrundelse").fill(
        "Resultaterne er svage, og regionen har været inddraget."
    )
    decide.get_by_label("Pålæg fra").fill(TODAY.isoformat())
    decide.get_by_label("Pålæg til og med").fill(date(TODAY.year + 1, 12, 31).isoformat())
    decide.get_by_role("button", name="Registrér afgørelsen").click()
    expect(page.get_by_test_id("case-state")).to_have_text("Pålagt at benytte andre aktører")
    expect(page.get_by_test_id("history")).to_contain_text("Integrationsministeriet var enigt")
    check_accessibility(page)
