"""The purchase obligation in the browser: a breach registered with its reason; a ledger with a
bad line (nothing stored) and then a good one; an exemption asked and withdrawn, then asked again
and approved, after which the same purchase is classified exempted."""

from __future__ import annotations

from datetime import date, timedelta

from playwright.sync_api import expect

from tests.browser.conftest import TODAY, check_accessibility, log_in

ACADEMICS = "Ledige akademikere"
SD_FRAMEWORK = "Rammeaftale om forløb for ledige akademikere i Syddanmark"

# The manager: the journeys change the password of Odense's staff login.
ODENSE = "leder.odense@demo.dk"


def _log_out(page):
    page.get_by_role("button", name="Log af").click()


def _fill_purchase(page, supplier: str, amount: str, day: date):
    page.get_by_label("Målgruppe").select_option(label=ACADEMICS)
    page.get_by_label("Leverandør", exact=True).fill(supplier)
    page.get_by_label("Leverandørens CVR-nummer").fill("55000042")
    page.get_by_label("Beløb (kr.)").fill(amount)
    page.get_by_label("Købsdato").fill(day.isoformat())


def test_a_breach_is_registered_with_its_reason(page):
    log_in(page, ODENSE)
    page.get_by_role("link", name="Andre køb").first.click()
    check_accessibility(page)
    page.get_by_role("link", name="Registrér et køb").click()
    _fill_purchase(page, "Odense Sprogskole ApS", "14.000,00", TODAY - timedelta(days=1))
    page.get_by_role("button", name="Registrér købet").click()
    warning = page.get_by_test_id("breach-warning")
    expect(warning).to_contain_text(SD_FRAMEWORK)
    expect(warning.get_by_role("link", name="bestil dér").first).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Hvorfor rammeaftalen ikke blev brugt").fill(
        "Borgeren skulle starte samme uge; leverandørerne havde ingen plads."
    )
    page.get_by_role("button", name="Registrér som brud").click()
    expect(page.get_by_test_id("classification")).to_have_text("Brud på købspligten")
    check_accessibility(page)


def test_a_ledger_with_a_bad_line_stores_nothing_and_a_good_one_is_summed_up(page, tmp_path):
    day = (TODAY - timedelta(days=2)).strftime("%d-%m-%Y")
    header = "dato;cvr;leverandør;beløb;målgruppe;beskrivelse;bilag"
    good = f"{day};55000042;Odense Sprogskole ApS;2.500,00;Personer med handicap;Afklaring;OD-77"
    bad_file = tmp_path / "bogfoering-fejl.csv"
    bad_file.write_text(
        f"{header}\n{good}\n{day};55000042;X;mange penge;Personer med handicap;;OD-78\n"
    )
    good_file = tmp_path / "bogfoering.csv"
    good_file.write_text(f"{header}\n{good}\n")

    log_in(page, ODENSE)
    page.goto("/purchases/import")
    check_accessibility(page)
    page.get_by_label("Bogføringsfil (CSV eller XLSX)").set_input_files(str(bad_file))
    page.get_by_role("button", name="Kontrollér og indlæs").click()
    problems = page.get_by_test_id("import-problems")
    expect(problems).to_contain_text("Linje 3:")
    expect(problems).to_contain_text("mange penge er ikke et beløb")
    check_accessibility(page)
    page.goto("/purchases/?q=OD-77")
    expect(page.locator("main")).to_contain_text("Ingen køb matcher søgningen")

    page.goto("/purchases/import")
    page.get_by_label("Bogføringsfil (CSV eller XLSX)").set_input_files(str(good_file))
    page.get_by_role("button", name="Kontrollér og indlæs").click()
    summary = page.get_by_test_id("import-summary")
    expect(summary).to_contain_text("Nye køb gemt: 1")
    expect(summary).to_contain_text("Ingen rammeaftale gjaldt: 1")
    check_accessibility(page)


def _ask_for_an_exemption(page):
    page.goto("/exemptions/")
    page.get_by_role("link", name="Søg om fritagelse").click()
    check_accessibility(page)
    option = (
        page.locator("#scope option")
        .filter(has_text=SD_FRAMEWORK)
        .filter(has_text="hele rammeaftalen")
    )
    page.get_by_label("Fritagelse fra").select_option(option.get_attribute("value"))
    page.get_by_label("Begrundelse", exact=True).fill(
        "Fem borgere har brug for et forløb på engelsk, som rammeaftalen ikke tilbyder."
    )
    page.get_by_label("Fra", exact=True).fill((TODAY - timedelta(days=7)).isoformat())
    page.get_by_label("Til", exact=True).fill((TODAY + timedelta(days=60)).isoformat())
    page.get_by_role("button", name="Send ansøgningen").click()
    expect(page.get_by_test_id("exemption-state")).to_have_text("Ansøgt, afventer regionen")


def test_an_exemption_is_asked_and_approved_and_the_purchase_is_then_exempted(page):
    log_in(page, ODENSE)
    # A first request, withdrawn before the region decides: the region is told, and it no
    # longer stands in the way of a new request for the same days.
    _ask_for_an_exemption(page)
    page.get_by_role("button", name="Træk ansøgningen tilbage").click()
    expect(page.get_by_test_id("exemption-state")).to_have_text("Trukket tilbage af jobcentret")
    expect(page.get_by_role("button", name="Træk ansøgningen tilbage")).to_have_count(0)
    check_accessibility(page)
    _ask_for_an_exemption(page)
    url = page.url
    _log_out(page)

    log_in(page, "region.syddanmark@demo.dk")
    page.goto(url)
    page.get_by_label("Godkend fritagelsen").check()
    page.get_by_label("Begrundelse").fill("Et særligt behov, som rammeaftalen ikke dækker.")
    page.get_by_role("button", name="Registrér afgørelsen").click()
    expect(page.get_by_test_id("decision")).to_have_text("Regionen godkender fritagelsen.")
    check_accessibility(page)
    _log_out(page)

    log_in(page, ODENSE)
    page.goto("/purchases/new")
    _fill_purchase(page, "English Job Coaching ApS", "9.000,00", TODAY - timedelta(days=1))
    page.get_by_role("button", name="Registrér købet").click()
    expect(page.get_by_test_id("classification")).to_have_text("Fritaget")
