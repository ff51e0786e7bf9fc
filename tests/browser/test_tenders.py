"""Journeys through a tender: each role logs in as itself and takes its step in the browser."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import expect

from tests.browser.conftest import TODAY, check_accessibility, log_in


def _log_out(page):
    page.get_by_role("button", name="Log af").click()


def _create_tender(page, title: str, national: bool = False):
    page.goto("/manage/tenders/new")
    check_accessibility(page)
    page.get_by_label("Titel", exact=True).fill(title)
    if national:
        page.get_by_label("Dækning").select_option("national")
    page.get_by_label("Ledige akademikere").check()
    page.get_by_label("Behov i en årlig kontrakt").select_option(index=1)
    page.get_by_label("Anslået værdi (kr.)").fill("1.000.000,00")
    start = TODAY + timedelta(days=120)
    page.get_by_label("Aftaleperioden begynder").fill(start.isoformat())
    page.get_by_label("Aftaleperioden slutter").fill((start + timedelta(days=700)).isoformat())
    page.get_by_label("Tilbudsfrist, dato").fill((TODAY + timedelta(days=40)).isoformat())
    page.get_by_label("Tilbudsfrist, klokkeslæt").fill("12:00")
    page.locator("#lots-0-title").fill("Hele området")
    page.locator("#lots-0-maximum_value").fill("1.500.000")
    page.locator("#lots-0-suppliers_to_award").fill("3")
    page.locator("#criteria-0-weight").fill("40")
    page.locator("#criteria-1-name").fill("Kvalitet")
    page.locator("#criteria-1-weight").fill("60")
    page.locator("#requirements-0").fill("Erfaring med målgruppen")
    page.get_by_role("button", name="Gem", exact=True).click()
    expect(page.locator("main")).to_contain_text("er oprettet som kladde")
    check_accessibility(page)
    return page.url


def _link_all_decisions_and_involve(page, count: int):
    for _ in range(count):
        page.get_by_role("button", name="Tilknyt beslutningen").click()
        expect(page.locator("main")).to_contain_text("Rådsbeslutningen er tilknyttet")
    page.get_by_role("button", name="Markér rådet som inddraget").click()
    expect(page.get_by_test_id("tender-state")).to_contain_text("Rådet inddraget")


def _choose_decision_of(page, council_word: str):
    select = page.get_by_label("Rådsbeslutning")
    options = select.locator("option").all_inner_texts()
    wanted = next(o for o in options if council_word in o and "Landsdækkende" in o)
    select.select_option(label=wanted)


def test_a_regional_tender_from_draft_to_published(page):
    log_in(page, "region.syddanmark@demo.dk")
    url = _create_tender(page, "Browserprøve regionalt udbud")
    page.get_by_role("button", name="Tilknyt beslutningen").click()
    page.get_by_role("button", name="Markér rådet som inddraget").click()
    page.get_by_role("button", name="Indsend til ministeriets godkendelse").click()
    expect(page.get_by_test_id("tender-state")).to_contain_text("Indsendt til godkendelse")
    _log_out(page)

    log_in(page, "ministeriet@demo.dk")
    page.goto("/manage/tenders")
    page.get_by_test_id("waiting").get_by_role(
        "link", name=re.compile("Browserprøve regionalt")
    ).click()
    check_accessibility(page)
    page.get_by_role("button", name="Godkend").click()
    expect(page.get_by_test_id("tender-state")).to_contain_text("Godkendt")
    _log_out(page)

    log_in(page, "region.syddanmark@demo.dk")
    page.goto(url)
    page.get_by_role("button", name="Offentliggør udbuddet").click()
    page.get_by_role("button", name="Ja, offentliggør udbuddet").click()
    expect(page.locator("main")).to_contain_text("Udbuddet er offentliggjort.")
    _log_out(page)

    page.goto("/tenders?q=Browserprøve")
    check_accessibility(page)
    page.get_by_role("link", name="Browserprøve regionalt udbud").click()
    expect(page.locator("main")).to_contain_text("Erfaring med målgruppen")
    check_accessibility(page)
    response = page.request.get(
        page.get_by_role("link", name="Udbudsbekendtgørelse (PDF)").get_attribute("href")
    )
    assert response.status == 200 and response.body().startswith(b"%PDF")


def test_a_national_tender_needs_four_councils_and_four_directors(page):
    log_in(page, "region.midtjylland@demo.dk")
    url = _create_tender(page, "Browserprøve landsdækkende udbud", national=True)
    for word in ("Nordjylland", "Midtjylland", "Syddanmark", "Hovedstaden"):
        _choose_decision_of(page, word)
        page.get_by_role("button", name="Tilknyt beslutningen").click()
        expect(page.locator("main")).to_contain_text("Rådsbeslutningen er tilknyttet")
    page.get_by_role("button", name="Markér rådet som inddraget").click()
    # Submitting is not offered before the four directors agree; the page says who is missing.
    expect(page.get_by_role("button", name="Indsend til ministeriets godkendelse")).to_have_count(0)
    expect(page.locator("main")).to_contain_text(
        "Alle fire regionsdirektører skal give tilslutning, før udbuddet kan indsendes"
    )
    _log_out(page)

    for region in ("nordjylland", "midtjylland", "syddanmark", "hovedstaden"):
        log_in(page, f"direktoer.{region}@demo.dk")
        page.goto(url)
        page.get_by_role("button", name="Giv tilslutning for min region").click()
        expect(page.locator("main")).to_contain_text("Din regions tilslutning er registreret")
        _log_out(page)

    log_in(page, "region.midtjylland@demo.dk")
    page.goto(url)
    page.get_by_role("button", name="Indsend til ministeriets godkendelse").click()
    expect(page.get_by_test_id("tender-state")).to_contain_text("Indsendt til godkendelse")
    _log_out(page)

    log_in(page, "ministeriet@demo.dk")
    page.goto(url)
    page.get_by_role("button", name="Godkend").click()
    _log_out(page)

    log_in(page, "region.midtjylland@demo.dk")
    page.goto(url)
    page.get_by_role("button", name="Offentliggør udbuddet").click()
    page.get_by_role("button", name="Ja, offentliggør udbuddet").click()
    expect(page.get_by_test_id("tender-state")).to_contain_text("Offentliggjort")
    _log_out(page)
    page.goto("/tenders?scope=national&status=open")
    expect(page.locator("main")).to_contain_text("Browserprøve landsdækkende udbud")
