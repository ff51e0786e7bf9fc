"""A mini-competition from invitation to order: a jobcentre starts one on a lot of
mini-competitions (confirming first), two invited suppliers respond (sealed), and after the
deadline the jobcentre scores the responses and awards the best, which becomes an order. The
region does the same for two of its jobcentres, and each jobcentre finds its own order."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import expect

from app.demo.platform import SUPPLIERS
from tests.browser.conftest import TODAY, check_accessibility, log_in, open_menu

LOT = "Rammeaftale om forløb for ledige akademikere i Syddanmark, delaftale 2: Syd"
ODENSE = "leder.odense@demo.dk"


def _log_out(page):
    page.get_by_role("button", name="Log af").click()


def test_a_jobcentre_runs_a_mini_competition_from_invitation_to_order(page, move_clock):
    log_in(page, ODENSE)
    page.get_by_role("link", name="Rammeaftaler").first.click()
    lot = page.locator("section").filter(has=page.get_by_role("heading", name=LOT))
    expect(lot.get_by_role("link", name=re.compile("^Bestil"))).to_have_count(0)
    lot.get_by_role("link", name="Start et miniudbud").click()
    check_accessibility(page)
    deadline = TODAY + timedelta(days=11)
    page.get_by_label("Behovet").fill("Et forløb for to ledige akademikere i Vejle.")
    page.get_by_label("Antal (forløb eller personer)").fill("2")
    page.get_by_label("Startdato").fill((deadline + timedelta(days=3)).isoformat())
    page.get_by_label("Sagsreference").fill("OD-BROWSER-MK")
    page.get_by_label("Svarfrist, dato").fill(deadline.isoformat())
    page.get_by_label("Svarfrist, klokkeslæt").fill("12:00")
    page.get_by_role("button", name="Fortsæt").click()
    expect(page.get_by_test_id("confirm-start")).to_contain_text("Start miniudbuddet?")
    check_accessibility(page)
    page.get_by_role("button", name="Ja, start og opfordr leverandørerne").click()
    expect(page.locator("main")).to_contain_text("Miniudbuddet er startet")
    expect(page.get_by_test_id("competition-state")).to_have_text("Åbent for svar")
    check_accessibility(page)
    url = page.url
    invited = [name for name in SUPPLIERS if name in page.locator("main").inner_text()]
    assert len(invited) >= 2
    _log_out(page)

    for n, (name, price) in enumerate(zip(invited[:2], ("18000,00", "17000,00"), strict=True)):
        log_in(page, f"leverandoer{SUPPLIERS.index(name) + 1}@demo.dk")
        page.goto(url)
        check_accessibility(page)
        page.get_by_label("Enhedspris (kr.)").fill(price)
        page.get_by_label("Kvalitet i forløbet").fill(f"Metode nr. {n + 1}")
        page.get_by_label("Erfaring med målgruppen").fill("Mange års erfaring.")
        page.get_by_role("button", name="Afgiv svaret").click()
        expect(page.locator("main")).to_contain_text("forseglet indtil fristen")
        expect(page.get_by_test_id("own-response")).to_contain_text("fingeraftryk")
        _log_out(page)

    move_clock(12)  # past the response deadline
    log_in(page, ODENSE)
    page.goto(url)
    expect(page.get_by_test_id("competition-state")).to_have_text(
        "Fristen er udløbet, skal evalueres"
    )
    page.get_by_role("link", name="Åbn svarene og giv point").click()
    check_accessibility(page)
    scores = page.locator('input[name^="score_"]')
    expect(scores).to_have_count(4)  # two responses, two quality criteria each
    for i in range(4):
        scores.nth(i).fill("8")
    page.get_by_role("button", name="Gem pointene og rangordn").click()
    expect(page.locator("main")).to_contain_text("Pointene er gemt")
    expect(page.get_by_test_id("rank")).to_have_count(2)
    page.get_by_role("link", name="Tildel det bedste svar").click()
    check_accessibility(page)
    expect(page.get_by_test_id("ranking")).to_contain_text(invited[1])  # cheaper, same quality
    page.get_by_role("button", name="Ja, tildel og afgiv bestillingen").click()
    expect(page.locator("main")).to_contain_text("Miniudbuddet er tildelt")
    expect(page.get_by_test_id("order-state")).to_have_text("Afgivet, afventer leverandøren")
    expect(page.get_by_test_id("order-total")).to_have_text("34.000,00 kr.")
    check_accessibility(page)


REGION = "region.syddanmark@demo.dk"
ESBJERG = "leder.esbjerg@demo.dk"


def test_the_region_runs_one_for_two_jobcentres_and_each_finds_its_order(page, move_clock):
    log_in(page, REGION)
    open_menu(page, "Miniudbud")
    lots = page.get_by_test_id("region-lots")
    check_accessibility(page)
    row = (
        lots.get_by_role("row")
        .filter(has_text="delaftale 2: Syd")
        .filter(has_text="ledige akademikere i Syddanmark")
    )
    row.get_by_role("link", name="Start et miniudbud").click()
    check_accessibility(page)
    deadline = TODAY + timedelta(days=11)
    page.get_by_label("Behovet").fill("Fælles forløb for ledige akademikere i Trekantområdet.")
    page.get_by_label("Antal for Jobcenter Esbjerg").fill("3")
    page.get_by_label("Antal for Jobcenter Kolding").fill("2")
    page.get_by_label("Sagsreference for Jobcenter Esbjerg").fill("ES-FÆLLES-1")
    page.get_by_label("Startdato").fill((deadline + timedelta(days=3)).isoformat())
    page.get_by_label("Sagsreference", exact=True).fill("SD-BROWSER-MK")
    page.get_by_label("Svarfrist, dato").fill(deadline.isoformat())
    page.get_by_label("Svarfrist, klokkeslæt").fill("12:00")
    page.get_by_role("button", name="Fortsæt").click()
    expect(page.get_by_test_id("confirm-shares")).to_contain_text("Jobcenter Esbjerg: 3")
    expect(page.get_by_test_id("confirm-shares")).to_contain_text("Jobcenter Kolding: 2")
    check_accessibility(page)
    page.get_by_role("button", name="Ja, start og opfordr leverandørerne").click()
    expect(page.locator("main")).to_contain_text("jobcentrene har fået besked")
    expect(page.get_by_test_id("organiser")).to_contain_text("for 2 jobcentre")
    check_accessibility(page)
    url = page.url
    invited = [name for name in SUPPLIERS if name in page.locator("main").inner_text()]
    _log_out(page)

    log_in(page, f"leverandoer{SUPPLIERS.index(invited[0]) + 1}@demo.dk")
    page.goto(url)
    page.get_by_label("Enhedspris (kr.)").fill("17500,00")
    page.get_by_label("Kvalitet i forløbet").fill("Fælles hold med individuel opfølgning.")
    page.get_by_label("Erfaring med målgruppen").fill("Mange års erfaring.")
    page.get_by_role("button", name="Afgiv svaret").click()
    expect(page.get_by_test_id("own-response")).to_contain_text("fingeraftryk")
    _log_out(page)

    move_clock(12)  # past the response deadline
    log_in(page, REGION)
    page.goto(url)
    page.get_by_role("link", name="Åbn svarene og giv point").click()
    scores = page.locator('input[name^="score_"]')
    for i in range(scores.count()):
        scores.nth(i).fill("7")
    page.get_by_role("button", name="Gem pointene og rangordn").click()
    page.get_by_role("link", name="Tildel det bedste svar").click()
    check_accessibility(page)
    page.get_by_role("button", name="Ja, tildel og afgiv bestillingerne").click()
    expect(page.locator("main")).to_contain_text("en bestilling for hvert jobcenter")
    shares = page.get_by_test_id("competition-shares")
    expect(shares.get_by_role("link")).to_have_count(2)  # the region sees both orders
    check_accessibility(page)
    _log_out(page)

    log_in(page, ESBJERG)
    page.goto(url)
    shares = page.get_by_test_id("competition-shares")
    expect(shares.get_by_role("link")).to_have_count(1)  # its own order only
    shares.get_by_role("link").click()
    expect(page.get_by_test_id("order-state")).to_have_text("Afgivet, afventer leverandøren")
    expect(page.get_by_test_id("order-total")).to_have_text("52.500,00 kr.")
    check_accessibility(page)
