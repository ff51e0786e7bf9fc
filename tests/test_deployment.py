"""Behind the HTTPS proxy the README asks for: whose address counts, and HSTS."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from flask import Flask, request, request_started
from flask.testing import FlaskClient
from sqlalchemy import select

from app import clock
from app.audit.models import AuditEntry
from app.auth import passwords
from app.auth.throttle import ADDRESS
from app.db import db as database
from app.factory import create_app
from tests.conftest import TEST_SETTINGS

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
PROXY = "10.0.0.1"  # the one address every request comes from behind the proxy
GOOD_PASSWORD = "demo12345678"


@pytest.fixture(autouse=True)
def quick_unknown_accounts(monkeypatch):
    """A wrong guess at an unknown e-mail spends the time of a strong hash; not needed here."""
    monkeypatch.setattr(passwords, "_DUMMY_HASH", passwords.hash_password("not a password"))


@pytest.fixture
def proxied_app(app: Flask) -> Iterator[Flask]:
    """The factory's app with TRUSTED_PROXIES=1 on the suite's database. The factory binds
    the one database object to an engine of its own; the suite's is put back afterwards."""
    engine = database.engine
    behind = create_app(
        {**TEST_SETTINGS, "DATABASE_URL": app.config["DATABASE_URL"], "TRUSTED_PROXIES": 1}
    )
    try:
        yield behind
    finally:
        database.engine.dispose()
        database.engine = engine
        database.session_factory.configure(bind=engine)


@pytest.fixture
def proxied(proxied_app: Flask, db) -> FlaskClient:
    """A client of the app behind one proxy, in the test's rolled-back transaction."""
    return proxied_app.test_client()


def _login(client, email, password, forwarded_for=None):
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return client.post(
        "/login",
        data={"email": email, "password": password},
        headers=headers,
        environ_base={"REMOTE_ADDR": PROXY},
    )


def _guess_at_many_accounts(client, forwarded_for):
    """One more wrong password than an address gets free, each at another account."""
    for number in range(ADDRESS.free_failures + 1):
        response = _login(client, f"guess{number}@demo.dk", "wrong password!", forwarded_for)
        assert response.status_code == 401


def _last_failed_login(db) -> AuditEntry:
    return db.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "login.failed")
        .order_by(AuditEntry.seq.desc())
        .limit(1)
    ).one()


def test_without_trusted_proxies_a_forged_forwarded_for_is_ignored_by_the_throttle(client):
    with clock.frozen_at(T0):
        for number in range(ADDRESS.free_failures + 1):
            _login(client, f"guess{number}@demo.dk", "wrong password!", f"198.51.100.{number}")
        # A new forged address each time did not escape: the connection's address waits.
        response = _login(client, "admin@demo.dk", GOOD_PASSWORD, "198.51.100.200")
    assert response.status_code == 429


def test_without_trusted_proxies_the_audit_records_the_connections_address(client, db):
    _login(client, "nobody@demo.dk", "wrong password!", "198.51.100.7")
    assert _last_failed_login(db).remote_addr == PROXY


def test_behind_a_trusted_proxy_one_clients_guessing_does_not_throttle_another(proxied):
    with clock.frozen_at(T0):
        _guess_at_many_accounts(proxied, "203.0.113.5")
        assert _login(proxied, "admin@demo.dk", GOOD_PASSWORD, "203.0.113.9").status_code == 302


def test_behind_a_trusted_proxy_the_guessing_client_itself_waits(proxied):
    with clock.frozen_at(T0):
        _guess_at_many_accounts(proxied, "203.0.113.5")
        assert _login(proxied, "admin@demo.dk", GOOD_PASSWORD, "203.0.113.5").status_code == 429


def test_behind_a_trusted_proxy_the_audit_records_the_clients_address(proxied, db):
    _login(proxied, "nobody@demo.dk", "wrong password!", "203.0.113.5")
    assert _last_failed_login(db).remote_addr == "203.0.113.5"


def test_behind_a_trusted_proxy_what_the_client_wrote_before_the_proxy_is_ignored(proxied, db):
    """The proxy appends the address it saw; a client's own X-Forwarded-For stays to the left."""
    with clock.frozen_at(T0):
        for number in range(ADDRESS.free_failures + 1):
            forged = f"198.51.100.{number}, 203.0.113.5"
            _login(proxied, f"guess{number}@demo.dk", "wrong password!", forged)
        assert _last_failed_login(db).remote_addr == "203.0.113.5"
        forged = "198.51.100.200, 203.0.113.5"
        assert _login(proxied, "admin@demo.dk", GOOD_PASSWORD, forged).status_code == 429


def _as_the_app_sees_it(app, client, headers) -> dict:
    seen = {}

    def note(sender, **extra):
        seen.update(scheme=request.scheme, host=request.host, address=request.remote_addr)

    with request_started.connected_to(note, app):
        client.get("/", headers=headers, environ_base={"REMOTE_ADDR": PROXY})
    return seen


FORWARDED = {
    "X-Forwarded-For": "203.0.113.5",
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "evil.example",
}


def test_behind_a_trusted_proxy_address_and_scheme_are_forwarded_but_not_the_host(
    proxied_app, proxied
):
    seen = _as_the_app_sees_it(proxied_app, proxied, FORWARDED)
    assert seen == {"scheme": "https", "host": "localhost", "address": "203.0.113.5"}


def test_without_trusted_proxies_nothing_forwarded_counts(app, client):
    seen = _as_the_app_sees_it(app, client, FORWARDED)
    assert seen == {"scheme": "http", "host": "localhost", "address": PROXY}


def test_no_hsts_where_it_is_turned_off(client):
    assert "Strict-Transport-Security" not in client.get("/").headers


def test_hsts_is_sent_as_configured(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "HSTS_SECONDS", 31536000)
    assert client.get("/").headers["Strict-Transport-Security"] == "max-age=31536000"
    monkeypatch.setitem(app.config, "HSTS_INCLUDE_SUBDOMAINS", True)
    assert client.get("/login").headers["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains"
    )
