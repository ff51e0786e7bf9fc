"""The award journey: open, evaluate, propose (confirmed: it locks the evaluation); the second
person sends it back with a reason, the proposer proposes again and the second approves; the
standstill refuses an early conclusion, and after it the agreements are concluded and shown."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, log_in

TITLE = "Mentorforløb for ledige akademikere i Nordjylland"


def _log_out(page):
    page.get_by_role("button", name="Log af").click()


def _to_tender(page):
    page.goto("/manage/tenders")
    # The tender's row in the list (the queue above links each waiting step to its own page).
    page.get_by_role("link", name=TITLE, exact=True).first.click()


def test_open_evaluate_award_and_conclude_after_the_standstill(page, move_clock):
    move_clock(51)  # past the demo tender's deadline (50 days ahead)
    log_in(page, "region.nordjylland@demo.dk")
    _to_tender(page)
    page.get_by_role("link", name="Åbning af tilbuddene").click()
    page.get_by_role("button", name="Åbn tilbuddene").click()
    page.get_by_role("button", name="Ja, åbn tilbuddene").click()
    expect(page.locator("main")).to_contain_text("Tilbuddene er åbnet")
    check_accessibility(page)
    page.get_by_role("link", name="Gå til evalueringen").click()
    page.get_by_role("button", name="Jeg erklærer, at jeg ikke har nogen interessekonflikt").click()
    for index, score_form in enumerate(page.locator("form[action$='/scores']").all()):
        for field in score_form.locator("input[type=number]").all():
            field.fill(str(9 - index))
        for field in score_form.locator("textarea").all():
            field.fill("Velbeskrevet forløb med tydelig progression.")
        score_form.get_by_role("button", name="Gem pointtallene").click()
        expect(page.locator("main")).to_contain_text("Pointtallene er gemt")
    check_accessibility(page)
    page.get_by_role("button", name="Indstil tildelingen").click()
    expect(page.get_by_test_id("what-happens")).to_contain_text("Evalueringen låses")
    check_accessibility(page)
    page.get_by_role("button", name="Ja, indstil tildelingen").click()
    expect(page.get_by_test_id("award-state")).to_contain_text("Indstillet")
    expect(page.get_by_role("button", name=re.compile("Godkend tildelingen"))).to_have_count(0)
    _log_out(page)

    # The second person sends the proposal back with a reason: the evaluation reopens, and the
    # proposer reads why (on the start page's queue, the inbox and the evaluation page).
    log_in(page, "region2.nordjylland@demo.dk")
    page.get_by_test_id("waiting").get_by_role(
        "link", name=re.compile("Godkend den indstillede tildeling")
    ).first.click()
    page.get_by_role("button", name="Jeg erklærer, at jeg ikke har nogen interessekonflikt").click()
    page.get_by_label("Eller send den tilbage til evalueringen med begrundelse").fill(
        "Begrund kvalitetspointene for delaftale 1 nærmere."
    )
    page.get_by_role("button", name="Send tildelingen tilbage").click()
    expect(page.get_by_test_id("award-ended")).to_contain_text("Begrund kvalitetspointene")
    check_accessibility(page)
    _log_out(page)

    log_in(page, "region.nordjylland@demo.dk")
    _to_tender(page)
    page.get_by_role("link", name="Åbning af tilbuddene").click()
    page.get_by_role("link", name="Gå til evalueringen").click()
    expect(page.get_by_test_id("award-ended")).to_contain_text("Begrund kvalitetspointene")
    page.get_by_role("button", name="Indstil tildelingen").click()
    page.get_by_role("button", name="Ja, indstil tildelingen").click()
    expect(page.get_by_test_id("award-state")).to_contain_text("Indstillet")
    _log_out(page)

    log_in(page, "region2.nordjylland@demo.dk")
    _to_tender(page)
    page.get_by_role("link", name="Åbning af tilbuddene").click()
    page.get_by_role("link", name="Gå til evalueringen").click()
    page.get_by_role("button", name="Godkend tildelingen og send brevene").click()
    check_accessibility(page)
    page.get_by_role("button", name="Ja, godkend tildelingen og send brevene").click()
    expect(page.get_by_test_id("award-state")).to_contain_text("standstill")
    page.get_by_role("button", name="Indgå rammeaftalerne").click()
    expect(page.locator("main")).to_contain_text("Standstill-perioden løber til og med")
    _log_out(page)

    log_in(page, "leverandoer1@demo.dk")
    page.goto("/bids")
    page.get_by_role("link", name=re.compile(TITLE)).click()
    page.get_by_role("link", name="Tildelingsbrev").click()
    expect(page.get_by_test_id("own-result").first).to_contain_text("placering")
    check_accessibility(page)
    _log_out(page)

    move_clock(51 + 20)  # after the standstill
    log_in(page, "region2.nordjylland@demo.dk")
    _to_tender(page)
    page.get_by_role("link", name="Åbning af tilbuddene").click()
    page.get_by_role("link", name="Gå til evalueringen").click()
    page.get_by_role("button", name="Indgå rammeaftalerne").click()
    page.get_by_role("button", name="Ja, indgå rammeaftalerne").click()
    expect(page.get_by_test_id("agreements")).to_contain_text("Akademikerhuset ApS")
    _log_out(page)

    page.goto("/tenders?q=" + TITLE)
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_test_id("award-notice")).to_contain_text("Job & Kompetence A/S")
    check_accessibility(page)
