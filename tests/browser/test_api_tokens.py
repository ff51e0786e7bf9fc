"""A jobcentre manager issues an API token for the case system, copies the secret shown once,
and later revokes it after confirming."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, log_in


def test_a_manager_issues_and_revokes_a_token(page):
    log_in(page, "leder.aalborg@demo.dk")
    page.locator("main").get_by_role("link", name="API-nøgler").click()
    expect(page.locator("h1")).to_contain_text("API-nøgler for Jobcenter Aalborg")
    check_accessibility(page)
    page.get_by_role("link", name="Udsted en nøgle").click()
    page.get_by_label("Navn").fill("Sagssystem (browser)")
    page.get_by_label("Læse udbud, rammeaftaler, bestillinger, forbrug og indbakken").check()
    page.get_by_label("Afgive, annullere og følge bestillinger").check()
    check_accessibility(page)
    page.get_by_role("button", name="Udsted nøglen").click()

    expect(page.locator("h1")).to_contain_text("Nøglen Sagssystem (browser) er udstedt")
    secret = page.get_by_test_id("token-secret").input_value()
    assert secret.startswith("rmu_")
    check_accessibility(page)
    page.get_by_role("link", name="Tilbage til organisationens nøgler").click()
    row = page.locator("tr", has_text="Sagssystem (browser)")
    expect(row).to_contain_text("I brug")
    expect(page.locator("main")).not_to_contain_text(secret)

    row.get_by_role("link", name="Tilbagekald").click()
    expect(page.locator("h1")).to_contain_text("Tilbagekald nøglen Sagssystem (browser)?")
    page.get_by_role("button", name="Tilbagekald nøglen").click()
    expect(page.locator("main")).to_contain_text("Nøglen Sagssystem (browser) er tilbagekaldt.")
    expect(page.locator("tr", has_text="Sagssystem (browser)")).to_contain_text("Tilbagekaldt")
