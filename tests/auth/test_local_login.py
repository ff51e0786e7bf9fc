"""Local passwords only where they belong (issue 19, point 5): with LOCAL_LOGIN off only the
break-glass administrator logs in with a password; everyone else is sent to NemLog-in, counted
by the throttle and audited. The login page offers NemLog-in first when it is enabled."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.auth import services, throttle
from app.auth.services import LocalLogin, LoginFailed
from app.demo.platform import DEMO_PASSWORD
from app.notifications.models import OutboxMessage
from app.suppliers.models import Supplier, SupplierState
from tests.conftest import login, user

ADMIN = "admin@demo.dk"
REGION = "region.nordjylland@demo.dk"
SUPPLIER = "leverandoer1@demo.dk"
ADDRESS = "192.0.2.7"
CLOSED = LocalLogin(on=False, break_glass_admin=ADMIN)
#: What everyone but the break-glass administrator is told when local login is off (Danish).
CLOSED_TEXT = "Log ind med NemLog-in (MitID Erhverv)"


def _entries(db, action: str) -> list[AuditEntry]:
    return list(db.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def _failures(db, scope: str, key: str) -> int:
    row = db.scalar(
        select(throttle.LoginThrottle).where(
            throttle.LoginThrottle.scope == scope, throttle.LoginThrottle.key == key
        )
    )
    return row.failures if row else 0


# --- the rule -------------------------------------------------------------------------------


def test_with_local_login_on_everyone_logs_in_with_a_password(db):
    for email in (ADMIN, REGION, SUPPLIER):
        assert services.log_in(db, email, DEMO_PASSWORD, ADDRESS, LocalLogin()).email == email
    assert len(_entries(db, "login.succeeded")) == 3


def test_with_local_login_off_the_break_glass_administrator_still_logs_in(db):
    admin = services.log_in(db, "Admin@Demo.dk ", DEMO_PASSWORD, ADDRESS, CLOSED)
    assert admin.email == ADMIN
    assert admin.last_login_at is not None
    assert [e.actor_id for e in _entries(db, "login.succeeded")] == [admin.id]


def test_with_local_login_off_everyone_else_is_sent_to_nemlogin_counted_and_audited(db):
    region = user(db, REGION)
    with pytest.raises(LoginFailed, match="NemLog-in"):
        services.log_in(db, REGION, DEMO_PASSWORD, ADDRESS, CLOSED)  # the right password
    assert region.last_login_at is None
    assert _failures(db, "account", REGION) == 1
    assert _failures(db, "address", ADDRESS) == 1
    [refused] = _entries(db, "login.refused")
    assert refused.actor_id is None
    assert refused.changes == {"email": REGION, "reason": "local_login_off"}
    assert _entries(db, "login.succeeded") == []


def test_the_refusal_reveals_neither_whether_the_account_exists_nor_the_break_glass_account(db):
    answers = set()
    for email, password in [
        (REGION, DEMO_PASSWORD),  # exists, right password
        (REGION, "wrong password!"),  # exists, wrong password
        ("nobody@demo.dk", "wrong password!"),  # does not exist
        (ADMIN, "wrong password!"),  # the break-glass administrator, wrong password
    ]:
        with pytest.raises(LoginFailed) as refusal:
            services.log_in(db, email, password, ADDRESS, CLOSED)
        answers.add(str(refusal.value))
    assert answers == {CLOSED.refusal()}
    assert [e.changes["email"] for e in _entries(db, "login.refused")] == [
        REGION,
        REGION,
        "nobody@demo.dk",
    ]
    assert [e.changes["email"] for e in _entries(db, "login.failed")] == [ADMIN]
    assert _failures(db, "address", ADDRESS) == 4


def test_the_break_glass_account_must_hold_the_admin_role(db):
    not_an_admin = LocalLogin(on=False, break_glass_admin=REGION)
    with pytest.raises(LoginFailed, match="NemLog-in"):
        services.log_in(db, REGION, DEMO_PASSWORD, ADDRESS, not_an_admin)
    [refused] = _entries(db, "login.refused")
    assert refused.changes == {"email": REGION, "reason": "break_glass_not_admin"}
    assert _failures(db, "account", REGION) == 1


def test_without_a_break_glass_administrator_nobody_logs_in_locally(db):
    with pytest.raises(LoginFailed, match="NemLog-in"):
        services.log_in(db, ADMIN, DEMO_PASSWORD, ADDRESS, LocalLogin(on=False))


def test_refusals_are_throttled_like_failed_logins(db):
    for _ in range(throttle.ACCOUNT.free_failures + 1):
        with pytest.raises(LoginFailed):
            services.log_in(db, REGION, DEMO_PASSWORD, ADDRESS, CLOSED)
    assert throttle.seconds_to_wait(db, REGION, None) > 0


def test_a_wrong_password_with_local_login_on_keeps_todays_answer(db):
    with pytest.raises(LoginFailed, match="The e-mail or the password is wrong"):
        services.log_in(db, REGION, "wrong password!", ADDRESS, LocalLogin())
    [failed] = _entries(db, "login.failed")
    assert failed.changes == {"email": REGION}
    assert _failures(db, "account", REGION) == 1


def test_the_settings_build_the_rule(app):
    assert LocalLogin.from_config(app.config) == LocalLogin(on=True, break_glass_admin=None)
    config = {"LOCAL_LOGIN": False, "BREAK_GLASS_ADMIN": ADMIN}
    assert LocalLogin.from_config(config) == CLOSED


# --- over HTTP ------------------------------------------------------------------------------


@pytest.fixture
def local_login_off(app: Flask, monkeypatch) -> None:
    monkeypatch.setitem(app.config, "LOCAL_LOGIN", False)
    monkeypatch.setitem(app.config, "BREAK_GLASS_ADMIN", ADMIN)


def test_the_break_glass_administrator_logs_in_over_http(client, local_login_off):
    response = login(client, ADMIN)
    assert response.status_code == 302
    assert client.get("/start").status_code == 200


def test_others_are_refused_over_http_with_the_nemlogin_message(client, db, local_login_off):
    response = login(client, REGION)
    assert response.status_code == 401
    assert CLOSED_TEXT in response.get_data(as_text=True)
    assert client.get("/start").status_code == 302  # not logged in
    assert [e.changes["email"] for e in _entries(db, "login.refused")] == [REGION]


# --- no back door: every way of getting a local password ends at the same gate ------------


def _link_in_last_mail(db, email: str) -> str:
    message = db.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.to_address == email)
        .order_by(OutboxMessage.id.desc())
    ).first()
    return re.search(r"https?://[^/]+(/\S+)", message.body).group(1)


def test_a_supplier_still_registers_but_then_signs_in_with_nemlogin(client, db, local_login_off):
    password = "a long enough password"
    response = client.post(
        "/register",
        data={
            "company_name": "Nyt Firma ApS",
            "cvr": "31245672",
            "address": "Havnegade 2\n9000 Aalborg",
            "contact_person": "Nina Ny",
            "email": "nina@nytfirma.dk",
            "new_password": password,
            "repeat_password": password,
        },
    )
    assert response.status_code == 200
    assert client.get(_link_in_last_mail(db, "nina@nytfirma.dk")).status_code == 302
    db.expire_all()
    supplier = db.scalars(select(Supplier).where(Supplier.cvr == "31245672")).one()
    assert supplier.state == SupplierState.ACTIVE  # registered and confirmed
    refused = login(client, "nina@nytfirma.dk", password)
    assert refused.status_code == 401
    assert CLOSED_TEXT in refused.get_data(as_text=True)


def test_an_invited_colleagues_chosen_password_does_not_open_local_login(
    app, client, db, monkeypatch
):
    login(client, SUPPLIER)
    client.post("/supplier/colleagues", data={"name": "Kim Kollega", "email": "kim@firma.dk"})
    client.post("/logout")
    monkeypatch.setitem(app.config, "LOCAL_LOGIN", False)
    monkeypatch.setitem(app.config, "BREAK_GLASS_ADMIN", ADMIN)
    password = "kims own password"
    accepted = client.post(
        _link_in_last_mail(db, "kim@firma.dk"),
        data={"new_password": password, "repeat_password": password},
    )
    assert accepted.status_code == 302
    assert login(client, "kim@firma.dk", password).status_code == 401


def test_a_password_an_administrator_sets_does_not_open_local_login(db, admin):
    services.set_password(db, admin, user(db, REGION), "a brand new password")
    with pytest.raises(LoginFailed, match="NemLog-in"):
        services.log_in(db, REGION, "a brand new password", ADDRESS, CLOSED)


# --- the login page -------------------------------------------------------------------------


@pytest.fixture
def nemlogin_app(app: Flask) -> Flask:
    """The suite's app; its `nemlogin` blueprint is always registered (404 while it is off)."""
    return app


@pytest.fixture
def nemlogin_client(client: FlaskClient) -> FlaskClient:
    return client


def _page(client: FlaskClient, path: str = "/login") -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_without_nemlogin_the_login_page_is_as_before(client):
    html = _page(client)
    assert "nemlogin-login" not in html
    assert 'name="password"' in html
    assert "<details" not in html


def test_with_nemlogin_off_the_page_shows_no_button(nemlogin_client):
    html = _page(nemlogin_client)
    assert "nemlogin-login" not in html
    assert 'name="password"' in html


def test_the_login_page_offers_nemlogin_first_and_the_local_form_below(
    nemlogin_app, nemlogin_client, monkeypatch
):
    monkeypatch.setitem(nemlogin_app.config, "NEMLOGIN_ENABLED", True)
    html = _page(nemlogin_client, "/login?next=/tenders")
    assert 'id="nemlogin-login" href="/nemlogin/login?next=/tenders"' in html
    assert "Log ind med NemLog-in" in html
    assert "Log ind med adgangskode" in html
    assert html.index("nemlogin-login") < html.index('name="password"')
    assert "<details" not in html


def test_with_local_login_off_the_form_is_folded_away_for_the_administrator(
    nemlogin_app, nemlogin_client, monkeypatch
):
    monkeypatch.setitem(nemlogin_app.config, "NEMLOGIN_ENABLED", True)
    monkeypatch.setitem(nemlogin_app.config, "LOCAL_LOGIN", False)
    html = _page(nemlogin_client)
    assert 'id="nemlogin-login"' in html
    assert "Login for administrator" in html
    details = html[html.index("<details") : html.index("</details>")]
    assert 'name="password"' in details
    assert '<details class="details" id="local-login">' in html  # closed until used
    assert "Log ind med adgangskode" not in html


def test_an_offsite_next_is_not_passed_on_to_nemlogin(nemlogin_app, nemlogin_client, monkeypatch):
    monkeypatch.setitem(nemlogin_app.config, "NEMLOGIN_ENABLED", True)
    html = _page(nemlogin_client, "/login?next=//evil.example/x")
    assert 'id="nemlogin-login" href="/nemlogin/login"' in html


def test_a_refused_login_opens_the_administrator_form_again(
    nemlogin_app, nemlogin_client, db, monkeypatch
):
    monkeypatch.setitem(nemlogin_app.config, "NEMLOGIN_ENABLED", True)
    monkeypatch.setitem(nemlogin_app.config, "LOCAL_LOGIN", False)
    response = login(nemlogin_client, REGION)
    assert response.status_code == 401
    html = response.get_data(as_text=True)
    assert CLOSED_TEXT in html
    assert 'id="local-login" open' in html
