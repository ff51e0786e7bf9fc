"""NemLog-in's pages are in the menu of those who use them, only while NemLog-in is on."""

from __future__ import annotations

import pytest

from tests.conftest import login


@pytest.mark.parametrize(
    ("email", "links"),
    [
        ("admin@demo.dk", ['href="/nemlogin/applicants"', 'href="/nemlogin/cvr"']),
        ("leverandoer1@demo.dk", ['href="/nemlogin/colleagues"']),
    ],
)
def test_the_menu_leads_to_nemlogins_pages_while_it_is_on(client, app, monkeypatch, email, links):
    login(client, email)
    page = client.get("/start").get_data(as_text=True)
    assert all(link in page for link in links)
    monkeypatch.setitem(app.config, "NEMLOGIN_ENABLED", False)
    page = client.get("/start").get_data(as_text=True)
    assert not any(link in page for link in links)


def test_staff_menus_do_not_lead_to_nemlogins_administration(client):
    login(client, "region.syddanmark@demo.dk")
    page = client.get("/start").get_data(as_text=True)
    assert "/nemlogin/applicants" not in page and "/nemlogin/cvr" not in page
