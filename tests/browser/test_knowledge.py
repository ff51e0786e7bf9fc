"""Specialist knowledge in the browser: a jobcentre searches the region's directory, asks for
help, and reads the region's answer."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, log_in, open_menu

MANAGER = "leder.odense@demo.dk"


def test_a_jobcentre_finds_specialist_knowledge_and_asks_for_it(page):
    log_in(page, MANAGER)
    open_menu(page, "Specialistviden")
    check_accessibility(page)
    page.get_by_label("Område, udbyder eller vilkår").fill("metal")
    page.get_by_role("button", name="Søg").click()
    entries = page.get_by_test_id("entries")
    expect(entries).to_contain_text("Svejsning og metal")
    expect(entries).not_to_contain_text("Autisme")
    entries.get_by_role("link", name="Svejsning og metal").click()
    ask = page.get_by_test_id("ask")
    ask.get_by_label("Hvad jobcentret har brug for").fill("Kan I vurdere en ledig svejsers niveau?")
    ask.get_by_role("button", name="Send henvendelsen").click()
    expect(page.get_by_test_id("requests")).to_contain_text(
        "Kan I vurdere en ledig svejsers niveau?"
    )
    expect(page.get_by_test_id("requests")).to_contain_text("Afventer regionens svar.")
    check_accessibility(page)
    entry_url = page.url
    page.get_by_role("button", name="Log af").click()

    log_in(page, "region.syddanmark@demo.dk")
    page.goto(entry_url)
    page.get_by_label("Regionens svar").last.fill("Ja: erhvervsskolen tager ham ind til en prøve.")
    page.get_by_role("button", name="Send svaret").last.click()
    expect(page.get_by_test_id("requests")).to_contain_text("erhvervsskolen tager ham ind")
    check_accessibility(page)
