"""An account without an administrator: logging in unconfirmed says so, the confirmation link
comes again from the login page, and a forgotten password is reset through a link that the
demo's administrator can read in the outbox."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, log_in

EMAIL = "konto@kontoforloeb.dk"


def _register(page) -> None:
    page.goto("/register")
    page.get_by_label("Virksomhedens navn").fill("Kontoforløb ApS")
    page.get_by_label("CVR-nummer").fill("10000017")
    page.get_by_label("Adresse").fill("Kontovej 1\n8000 Aarhus C")
    page.get_by_label("Kontaktperson").fill("Kim Konto")
    page.get_by_label("E-mail").fill(EMAIL)
    page.get_by_label("Ny adgangskode").fill("first password 1")
    page.get_by_label("Gentag den nye adgangskode").fill("first password 1")
    page.get_by_role("button", name="Registrér").click()
    expect(page.locator("main")).to_contain_text("Tjek din e-mail")


def _latest_link_in_outbox(admin, subject: str) -> str:
    """The demo's administrator reads the newest e-mail to EMAIL with this subject."""
    admin.goto("/admin/outbox/")
    mail = admin.locator("#outbox > li").filter(has_text=EMAIL).filter(has_text=subject).first
    return re.search(r"https?://[^/\s]+(/\S+)", mail.inner_text()).group(1)


def test_unconfirmed_login_resend_and_a_forgotten_password(page, browser, live_server):
    context = browser.new_context(base_url=live_server, bypass_csp=True, locale="da-DK")
    admin = context.new_page()
    log_in(admin, "admin@demo.dk")
    admin.get_by_role("link", name="Udbakke for e-mails").first.click()
    check_accessibility(admin)

    _register(page)
    log_in(page, EMAIL, "first password 1")
    expect(page.locator("main")).to_contain_text("ikke bekræftet endnu")
    resend = "Fik du ikke e-mailen med bekræftelseslinket? Send den igen"
    page.get_by_role("link", name=resend).click()
    page.get_by_label("E-mail").fill(EMAIL)
    page.get_by_role("button", name="Send").click()
    expect(page.locator("body")).to_contain_text("et nyt link på vej")
    page.goto(_latest_link_in_outbox(admin, "Bekræft din e-mailadresse"))
    expect(page.locator("body")).to_contain_text("Din e-mailadresse er bekræftet")

    page.get_by_role("link", name="Glemt din adgangskode?").click()
    check_accessibility(page)
    page.get_by_label("E-mail").fill(EMAIL)
    page.get_by_role("button", name="Send linket").click()
    expect(page.locator("body")).to_contain_text("er et link til at vælge en ny på vej")
    page.goto(_latest_link_in_outbox(admin, "Vælg en ny adgangskode"))
    check_accessibility(page)
    page.get_by_label("Ny adgangskode").fill("second password 2")
    page.get_by_label("Gentag den nye adgangskode").fill("second password 2")
    page.get_by_role("button", name="Gem den nye adgangskode").click()
    expect(page.locator("body")).to_contain_text("Din nye adgangskode er gemt")
    log_in(page, EMAIL, "second password 2")
    expect(page.locator("main")).to_contain_text("Kontoforløb ApS")
    context.close()
