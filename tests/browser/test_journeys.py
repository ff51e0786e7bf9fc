"""Each role logs in through a real browser and finds its start page; every page passes axe."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.auth.test_views import START_PAGE_TEXT
from tests.browser.conftest import check_accessibility, log_in
from tests.test_access import LOGIN_OF


@pytest.mark.parametrize("role", list(LOGIN_OF), ids=str)
def test_each_role_logs_in_and_lands_on_its_start_page(page, role):
    log_in(page, LOGIN_OF[role])
    expect(page).to_have_url(re.compile(r"/start$"))
    expect(page.get_by_test_id("current-user")).to_be_visible()
    expect(page.locator("main")).to_contain_text(START_PAGE_TEXT[role.value])
    check_accessibility(page)
    # The first link of the navigation after the start page leads somewhere the role may go.
    links = page.locator("nav.nav a.nav-link")
    if links.count() > 1:
        links.nth(1).click()
        expect(page.locator("h1")).to_be_visible()
        assert "Du har ikke adgang" not in page.content()
        check_accessibility(page)


def test_the_language_switch_turns_the_interface_english_and_back(page):
    log_in(page, "admin@demo.dk")
    page.get_by_role("link", name="English").click()
    expect(page.locator("h1")).to_contain_text("Welcome")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    check_accessibility(page)
    page.get_by_role("link", name="Dansk").click()
    expect(page.locator("h1")).to_contain_text("Velkommen")


def test_logout_returns_to_the_login_page_and_closes_the_pages(page):
    log_in(page, "region.nordjylland@demo.dk")
    page.get_by_role("button", name="Log af").click()
    expect(page.locator("main")).to_contain_text("Du er logget af")
    page.goto("/start")
    expect(page).to_have_url(re.compile(r"/login\?next="))


def test_a_refused_page_shows_the_403_page(page):
    log_in(page, "leverandoer1@demo.dk")
    response = page.goto("/admin/users/")
    assert response.status == 403
    expect(page.locator("h1")).to_contain_text("Du har ikke adgang til denne side")
    check_accessibility(page)


def test_an_admin_creates_a_user_who_can_then_log_in(page):
    log_in(page, "admin@demo.dk")
    page.get_by_role("link", name="Brugere").first.click()
    page.get_by_role("link", name="Opret en bruger").click()
    check_accessibility(page)
    page.get_by_label("E-mail").fill("browser.bruger@demo.dk")
    page.get_by_label("Navn").fill("Bente Browser")
    page.get_by_label("Rolle").select_option("jobcentre_staff")
    page.get_by_label("Organisation").select_option(label="Jobcenter Vejle (Jobcenter)")
    page.get_by_label("Ny adgangskode").fill("browser password 1")
    page.get_by_label("Gentag den nye adgangskode").fill("browser password 1")
    page.get_by_role("button", name="Gem").click()
    expect(page.locator("main")).to_contain_text("Brugeren Bente Browser er oprettet")
    check_accessibility(page)
    page.get_by_role("button", name="Log af").click()
    log_in(page, "browser.bruger@demo.dk", "browser password 1")
    expect(page.locator("main")).to_contain_text("Jobcenter Vejle")


def test_an_admin_reads_the_audit_trail_and_verifies_it(page):
    log_in(page, "admin@demo.dk")
    page.get_by_role("link", name="Revisionsspor").first.click()
    check_accessibility(page)
    page.get_by_label("Handling").select_option("login.succeeded")
    page.get_by_label("Brugerens e-mail").fill("admin@demo.dk")
    page.get_by_role("button", name="Søg").click()
    # The entry reads as a Danish sentence, not as its code.
    login = page.locator("tr[data-action='login.succeeded']").first
    expect(login).to_contain_text("Loggede ind")
    expect(login).to_contain_text("admin@demo.dk")
    expect(page.locator("main table")).not_to_contain_text("login.succeeded")
    page.get_by_role("link", name="Kontrollér kæden").click()
    expect(page.locator("main")).to_contain_text("Kæden er intakt")
    check_accessibility(page)


def test_a_user_reads_a_message_in_the_inbox(page):
    # The admin sets a new password for a jobcentre user, which notifies that user.
    log_in(page, "admin@demo.dk")
    page.goto("/admin/users/?q=jobcenter.odense")
    page.get_by_role("link", name="Jonas Jobcenter (Odense)").click()
    page.get_by_label("Ny adgangskode").fill("a brand new password")
    page.get_by_label("Gentag den nye adgangskode").fill("a brand new password")
    page.get_by_role("button", name="Sæt adgangskode").click()
    expect(page.locator("main")).to_contain_text("En ny adgangskode er sat")
    page.get_by_role("button", name="Log af").click()
    log_in(page, "jobcenter.odense@demo.dk", "a brand new password")
    unread = int(page.get_by_test_id("unread-count").inner_text().split()[0])
    assert unread >= 1
    page.get_by_test_id("inbox-link").click()
    check_accessibility(page)
    page.get_by_role("button", name="Din adgangskode er ændret").click()
    if unread == 1:
        expect(page.get_by_test_id("unread-count")).to_have_count(0)
    else:
        expect(page.get_by_test_id("unread-count")).to_contain_text(str(unread - 1))
