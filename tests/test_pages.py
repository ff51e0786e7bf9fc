"""Language, formatting and error pages."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from babel.messages.pofile import read_po

from app.core.i18n import format_money
from tests.conftest import login

ROOT = Path(__file__).resolve().parent.parent


def test_the_danish_catalogue_translates_every_message():
    with (ROOT / "translations/da/LC_MESSAGES/messages.po").open("rb") as handle:
        catalogue = read_po(handle)
    untranslated = [
        message.id
        for message in catalogue
        if message.id
        and (not message.string or (isinstance(message.string, tuple) and not all(message.string)))
    ]
    fuzzy = [message.id for message in catalogue if message.id and message.fuzzy]
    assert untranslated == [] and fuzzy == []
    assert not catalogue.fuzzy, "a fuzzy catalogue is skipped when compiled: the UI turns English"


def test_every_message_in_the_code_is_in_the_catalogue(tmp_path):
    """A new UI text that nobody added to the catalogue would show in English to Danish users."""
    from babel.messages.frontend import CommandLineInterface

    pot = tmp_path / "messages.pot"
    CommandLineInterface().run(
        [
            "pybabel",
            "-q",
            "extract",
            "-F",
            str(ROOT / "babel.cfg"),
            "-k",
            "lazy_gettext",
            "-k",
            "_l",
            "-k",
            "_plural:1,2",
            "-o",
            str(pot),
            "--no-location",
            "--omit-header",
            # babel.cfg's patterns (app/**.py, templates/**.html) are relative to the root.
            str(ROOT),
        ]
    )
    with pot.open("rb") as handle:
        wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    with (ROOT / "translations/da/LC_MESSAGES/messages.po").open("rb") as handle:
        have = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    assert len(wanted) > 500, "the extraction found no messages: the test would prove nothing"
    assert sorted(wanted - have) == []


def test_danish_is_the_default_and_english_is_a_click_away(client):
    assert 'lang="da"' in client.get("/login").get_data(as_text=True)
    response = client.get("/language/en?next=/login")
    assert response.headers["Location"] == "/login"
    html = client.get("/login").get_data(as_text=True)
    assert 'lang="en"' in html and "Log in with the e-mail address" in html


def test_the_language_switch_never_redirects_off_site(client):
    assert client.get("/language/en?next=https://evil.example").headers["Location"] == "/"


def test_money_is_shown_the_danish_way(app):
    with app.test_request_context():
        assert format_money(Decimal("1234567.89")) == "1.234.567,89 kr."
        assert format_money(Decimal("0.05")) == "0,05 kr."


def test_times_are_shown_in_copenhagen_time(app):
    from datetime import UTC, datetime

    from app.core.i18n import format_datetime

    with app.test_request_context():
        shown = format_datetime(datetime(2026, 7, 1, 10, 0, tzinfo=UTC), "HH:mm")
    assert shown == "12:00"


def test_an_unknown_page_gets_the_404_page(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Siden blev ikke fundet" in response.get_data(as_text=True)


def test_a_server_error_shows_a_page_without_internals(app, client, monkeypatch):
    def broken():
        raise RuntimeError("secret internal detail")

    broken.access = "public"
    monkeypatch.setitem(app.view_functions, "main.health", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    response = client.get("/health")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Noget gik galt" in html and "secret internal detail" not in html


def test_every_page_has_a_way_back(client):
    login(client, "admin@demo.dk")
    for url in ["/profile", "/admin/users/", "/admin/organisations/", "/admin/users/new"]:
        html = client.get(url).get_data(as_text=True)
        assert 'class="breadcrumbs' in html, url
