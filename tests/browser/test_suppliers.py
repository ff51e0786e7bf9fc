"""A supplier's journey: register, confirm the e-mail, ask, bid, replace, withdraw; too late."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import create_engine, text

from tests.browser.conftest import check_accessibility, log_in


def _latest_link_to(live_database_url: str, email: str) -> str:
    engine = create_engine(live_database_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as connection:
        body = connection.execute(
            text("SELECT body FROM outbox_messages WHERE to_address = :e ORDER BY id DESC"),
            {"e": email},
        ).scalar()
    engine.dispose()
    return re.search(r"https?://[^/\s]+(/\S+)", body).group(1)


def test_a_supplier_registers_confirms_asks_bids_replaces_and_withdraws(page, live_database_url):
    page.goto("/register")
    check_accessibility(page)
    page.get_by_label("Virksomhedens navn").fill("Browser Beskæftigelse ApS")
    page.get_by_label("CVR-nummer").fill("31245672")
    page.get_by_label("Adresse").fill("Prøvevej 1\n9000 Aalborg")
    page.get_by_label("Kontaktperson").fill("Bo Browser")
    page.get_by_label("E-mail").fill("bo@browserbeskaeftigelse.dk")
    page.get_by_label("Ny adgangskode").fill("browser supplier 1")
    page.get_by_label("Gentag den nye adgangskode").fill("browser supplier 1")
    page.get_by_role("button", name="Registrér").click()
    expect(page.locator("main")).to_contain_text("Tjek din e-mail")

    page.goto(_latest_link_to(live_database_url, "bo@browserbeskaeftigelse.dk"))
    expect(page.locator("main")).to_contain_text("Din e-mailadresse er bekræftet")
    log_in(page, "bo@browserbeskaeftigelse.dk", "browser supplier 1")
    expect(page.locator("main")).to_contain_text("Browser Beskæftigelse ApS")

    page.goto("/tenders?status=open&q=Nordjylland")
    page.get_by_role("link", name="Indsats for ledige akademikere i Nordjylland").click()
    page.get_by_label("Stil et afklarende spørgsmål").fill("Hvor mange deltagere forventes?")
    page.get_by_role("button", name="Send spørgsmålet").click()
    expect(page.locator("main")).to_contain_text("Jeres spørgsmål er sendt")
    check_accessibility(page)

    page.get_by_role("link", name="Byd på dette udbud").click()
    check_accessibility(page)
    for price in page.locator("input[name^='price-']").all():
        price.fill("19.900,00")
    for requirement in page.locator("input[name^='requirement-']").all():
        requirement.check()
    for answer in page.locator("textarea[name^='answer-']").all():
        answer.fill("Vi tilbyder mentorforløb med ugentlig opfølgning.")
    page.get_by_role("button", name="Afgiv tilbuddet").click()
    expect(page.locator("main")).to_contain_text("Kvittering for jeres tilbud")
    first = page.get_by_test_id("fingerprint").inner_text()
    check_accessibility(page)

    page.get_by_role("link", name="Se tilbuddet").click()
    page.get_by_role("link", name="Erstat tilbuddet").click()
    page.locator("input[name^='price-']").first.fill("18.750,00")
    page.get_by_role("button", name="Afgiv og erstat det tidligere tilbud").click()
    expect(page.locator("main")).to_contain_text("Kvittering for jeres tilbud")
    assert page.get_by_test_id("fingerprint").inner_text() != first

    page.get_by_role("link", name="Se tilbuddet").click()
    expect(page.locator("main")).to_contain_text("Version 2")
    page.get_by_role("link", name="Træk tilbuddet tilbage").click()
    page.get_by_role("button", name="Ja, træk tilbage").click()
    expect(page.get_by_test_id("bid-state")).to_contain_text("Trukket tilbage")
    check_accessibility(page)


def test_a_bid_after_the_deadline_is_refused(page):
    log_in(page, "leverandoer1@demo.dk")
    page.goto("/tenders?status=closed")
    page.get_by_role("link", name="Afklaringsforløb for ledige akademikere").click()
    tender_url = page.url
    page.goto(tender_url.rstrip("/") + "/bid")
    expect(page.locator("main")).to_contain_text("Fristen er overskredet")
    expect(page.get_by_role("button", name=re.compile("Afgiv"))).to_have_count(0)
    # Even a hand-made submission is refused by the server.
    response = page.request.post(
        tender_url.rstrip("/") + "/bid", form={"action": "submit"}, fail_on_status_code=False
    )
    assert response.status in (400, 409)
