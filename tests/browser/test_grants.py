"""A grant in the browser: a jobcentre applies, the region records its council's decision and
allocates on it, the jobcentre reports spend against the allocation."""

from __future__ import annotations

from datetime import date

from playwright.sync_api import expect

from app.core.i18n import format_date
from tests.browser.conftest import TODAY, check_accessibility, log_in
from tests.browser.test_results import _council_decision

MANAGER = "leder.odense@demo.dk"  # the journeys change the password of Odense's staff login


def _log_out(page):
    page.get_by_role("button", name="Log af").click()


def _grant(page):
    page.get_by_role("link", name="Puljer").first.click()
    check_accessibility(page)
    page.get_by_test_id("grants").get_by_role("link", name="Mod flaskehalse").first.click()


def test_a_grant_is_allocated_on_a_council_decision_and_spend_is_reported(page):
    log_in(page, MANAGER)
    _grant(page)
    apply = page.get_by_test_id("apply")
    apply.get_by_label("Projekt").fill("Chauffører til fjernkørsel")
    apply.get_by_label("Formål").fill("Kørekort C/CE til ledige.")
    apply.get_by_label("Målgruppe eller berørt virksomhed").fill(
        "Ledige med interesse for transport"
    )
    apply.get_by_label("Ansøgt beløb (kr.)").fill("120.000,00")
    apply.get_by_label("Fra").fill(TODAY.isoformat())
    apply.get_by_label("Til og med").fill(date(TODAY.year, 12, 31).isoformat())
    apply.get_by_role("button", name="Send ansøgningen").click()
    expect(page.get_by_test_id("project-state")).to_have_text("Ansøgt")
    check_accessibility(page)
    project_url = page.url
    _log_out(page)

    log_in(page, "region.syddanmark@demo.dk")
    _council_decision(page, "Bevilling til chauffører")
    page.goto(project_url)
    allocate = page.get_by_test_id("step-allocate")
    allocate.get_by_label("Bevilget beløb (kr.)").fill("100.000,00")
    allocate.get_by_label("Rådets beslutning").select_option(
        label=f"{format_date(TODAY)}: Bevilling til chauffører"
    )
    allocate.get_by_role("button", name="Bevilg").click()
    expect(page.get_by_test_id("project-state")).to_have_text("Bevilget")
    expect(page.get_by_test_id("allocated")).to_have_text("100.000,00 kr.")
    check_accessibility(page)
    _log_out(page)

    log_in(page, MANAGER)
    page.goto(project_url)
    spend = page.get_by_test_id("step-spend")
    spend.get_by_label("Brugt beløb (kr.)").fill("45.000,00")
    spend.get_by_label("Dato").fill(TODAY.isoformat())
    spend.get_by_label("Brugt til").fill("Første hold kørekort")
    spend.get_by_role("button", name="Indberet forbruget").click()
    expect(page.get_by_test_id("spent")).to_have_text("45.000,00 kr.")
    expect(page.get_by_test_id("spend")).to_contain_text("Første hold kørekort")
    check_accessibility(page)
