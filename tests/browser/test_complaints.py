"""A complaint to the Complaints Board: Nordjylland's staff register a complaint received
within the standstill period against an award whose agreements are ready to conclude; the
conclusion is held until the board's decision on suspensive effect is recorded (not granted),
and then the agreements are concluded."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect

from tests.browser.conftest import TODAY, check_accessibility, log_in

#: The demo's Nordjylland tender approved 50 days ago: its standstill is over.
TITLE = "Opkvalificering af ledige akademikere i Nordjylland"


def _to_tender(page):
    page.goto("/manage/tenders")
    # The tender's row in the list (the queue above links each waiting step to its own page).
    page.get_by_role("link", name=TITLE, exact=True).first.click()


def test_a_complaint_in_the_standstill_holds_the_conclusion_until_the_board_decides(page):
    log_in(page, "region.nordjylland@demo.dk")
    _to_tender(page)
    page.get_by_role("link", name="Klager til klagenævnet").click()
    check_accessibility(page)
    page.get_by_label("Klager", exact=True).fill("Karriereværkstedet ApS")
    # Received two days after the letters (50 days ago): within the standstill period.
    page.get_by_label("Modtaget den").fill((TODAY - timedelta(days=48)).isoformat())
    page.get_by_label("Klagenævnets sagsnummer").fill("26/20001")
    page.get_by_role("button", name="Registrér klagen").click()
    expect(page.locator("main")).to_contain_text("Klagen er registreret")
    expect(page.get_by_test_id("complaint-state")).to_contain_text("afventer klagenævnets")
    check_accessibility(page)

    _to_tender(page)
    page.get_by_role("link", name="Evaluering", exact=True).click()
    expect(page.get_by_test_id("conclusion-held")).to_contain_text("standstill-perioden")
    expect(page.get_by_role("button", name="Indgå rammeaftalerne")).to_have_count(0)
    check_accessibility(page)

    page.get_by_role("link", name="Se klagerne til klagenævnet").click()
    expect(page.get_by_test_id("conclusion-held")).to_be_visible()
    page.get_by_role("link", name="Sag 26/20001").click()
    page.get_by_label("Ikke tillagt: klagen har ikke opsættende virkning").check()
    page.get_by_label("Datoen for klagenævnets afgørelse").fill(
        (TODAY - timedelta(days=45)).isoformat()
    )
    page.get_by_role("button", name="Registrér afgørelsen").click()
    expect(page.locator("main")).to_contain_text("opsættende virkning er registreret")
    expect(page.get_by_test_id("complaint-state")).to_contain_text("ikke tillagt")

    _to_tender(page)
    page.get_by_role("link", name="Evaluering", exact=True).click()
    page.get_by_role("button", name="Indgå rammeaftalerne").click()
    page.get_by_role("button", name="Ja, indgå rammeaftalerne").click()
    expect(page.locator("main")).to_contain_text("Rammeaftalerne er indgået")
    expect(page.get_by_test_id("agreements")).to_be_visible()

    page.goto("/complaints")
    expect(page.get_by_test_id("complaints")).to_contain_text("26/20001")
    check_accessibility(page)
