"""Accounts without an administrator: a forgotten password, the confirmation link again, the
login that says an address waits for confirmation, and the demo's outbox."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app import clock
from app.audit.models import AuditEntry
from app.auth import services, throttle
from app.auth.passwords import verify_password
from app.core.errors import DomainError
from app.notifications.models import OutboxMessage
from tests.conftest import NOW, login, user

STAFF = "region.nordjylland@demo.dk"
NEW_PASSWORD = "a brand new password"


def _mails_to(db, email):
    return db.scalars(
        select(OutboxMessage).where(OutboxMessage.to_address == email).order_by(OutboxMessage.id)
    ).all()


def _link_in(message) -> str:
    return re.search(r"https?://[^/]+(/\S+)", message.body).group(1)


def _forgot(client, email=STAFF, address="10.1.1.1"):
    return client.post(
        "/password/forgot", data={"email": email}, environ_base={"REMOTE_ADDR": address}
    )


def _reset(client, link, password=NEW_PASSWORD):
    return client.post(link, data={"new_password": password, "repeat_password": password})


def _reset_link(client, db, email=STAFF):
    before = len(_mails_to(db, email))
    assert _forgot(client, email).status_code == 302
    mails = _mails_to(db, email)
    assert len(mails) == before + 1
    return _link_in(mails[-1])


def test_the_login_page_offers_a_forgotten_password_the_confirmation_link_and_registration(client):
    html = client.get("/login").get_data(as_text=True)
    assert 'href="/password/forgot"' in html
    assert 'href="/register/resend"' in html
    assert 'href="/register"' in html
    assert "Leverandører" in html  # the text speaks to suppliers, not only to staff
    assert "Din administrator opretter brugere" not in html


def test_a_forgotten_password_is_reset_through_the_e_mailed_link(client, db):
    link = _reset_link(client, db)
    assert link.startswith("/password/reset/")
    page = client.get(link)
    assert page.status_code == 200 and "Vælg en ny adgangskode" in page.get_data(as_text=True)
    response = _reset(client, link)
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    db.expire_all()
    assert verify_password(user(db, STAFF).password_hash, NEW_PASSWORD)
    assert login(client, STAFF, NEW_PASSWORD).status_code == 302
    actions = db.scalars(select(AuditEntry.action).where(AuditEntry.action.like("user.password%")))
    assert {"user.password_reset_requested", "user.password_reset"} <= set(actions)


def test_a_reset_link_works_only_once(client, db):
    link = _reset_link(client, db)
    assert _reset(client, link).status_code == 302
    again = _reset(client, link, "yet another password")
    assert again.status_code == 302 and again.headers["Location"] == "/password/forgot"
    assert "allerede brugt" in client.get("/password/forgot").get_data(as_text=True)
    db.expire_all()
    assert verify_password(user(db, STAFF).password_hash, NEW_PASSWORD)


def test_a_reset_link_expires_after_an_hour(client, db):
    link = _reset_link(client, db)
    with clock.frozen_at(NOW + timedelta(seconds=services.RESET_MAX_AGE - 1)):
        assert client.get(link).status_code == 200
    with clock.frozen_at(NOW + timedelta(seconds=services.RESET_MAX_AGE + 1)):
        assert _reset(client, link).status_code == 302
        assert "udløbet" in client.get("/password/forgot").get_data(as_text=True)
    db.expire_all()
    assert not verify_password(user(db, STAFF).password_hash, NEW_PASSWORD)


def test_a_forged_reset_link_is_refused(client):
    response = client.get("/password/reset/not-a-token")
    assert response.status_code == 302 and response.headers["Location"] == "/password/forgot"


def test_a_reset_ends_every_session_of_the_user(app, client, db):
    other = app.test_client()
    assert login(other, STAFF).status_code == 302
    _reset(client, _reset_link(client, db))
    assert other.get("/start").status_code == 302


def test_an_unknown_address_gets_the_same_answer_and_no_e_mail(client, db):
    before = db.scalar(select(func.count()).select_from(OutboxMessage))
    known, unknown = _forgot(client, STAFF), _forgot(client, "nobody@demo.dk", "10.1.1.2")
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    assert db.scalar(select(func.count()).select_from(OutboxMessage)) == before + 1


def test_an_inactive_user_gets_no_reset_link(db):
    staff = user(db, STAFF)
    staff.active = False
    before = len(_mails_to(db, STAFF))
    services.request_password_reset(db, STAFF, None, services.LocalLogin(), lambda t: f"/{t}")
    assert len(_mails_to(db, STAFF)) == before


def test_with_local_login_off_only_the_break_glass_administrator_gets_a_reset_link(db):
    local = services.LocalLogin(on=False, break_glass_admin="admin@demo.dk")
    before_staff, before_admin = len(_mails_to(db, STAFF)), len(_mails_to(db, "admin@demo.dk"))
    services.request_password_reset(db, STAFF, None, local, lambda t: f"/{t}")
    services.request_password_reset(db, "admin@demo.dk", None, local, lambda t: f"/{t}")
    assert len(_mails_to(db, STAFF)) == before_staff
    assert len(_mails_to(db, "admin@demo.dk")) == before_admin + 1


def test_a_too_short_new_password_is_refused_and_the_link_stays_usable(client, db):
    link = _reset_link(client, db)
    with pytest.raises(DomainError, match="at least"):
        services.reset_password(db, link.rsplit("/", 1)[1], "short", services.LocalLogin())
    assert client.get(link).status_code == 200


def test_reset_requests_are_throttled_per_address_asked_for(client, db):
    before = len(_mails_to(db, STAFF))
    for _ in range(throttle.MAIL_ACCOUNT.free_failures):
        assert _forgot(client).status_code == 302
    assert _forgot(client).status_code == 302  # the fourth is sent, and makes the next wait
    response = _forgot(client)
    assert response.status_code == 429
    assert "For mange forespørgsler" in response.get_data(as_text=True)
    assert len(_mails_to(db, STAFF)) == before + throttle.MAIL_ACCOUNT.free_failures + 1
    # the login's own throttle is untouched: the user still logs in
    assert login(client, STAFF).status_code == 302


def test_confirmation_links_asked_for_again_are_throttled(client, db):
    for _ in range(throttle.MAIL_ACCOUNT.free_failures + 1):
        assert client.post("/register/resend", data={"email": "x@demo.dk"}).status_code == 302
    assert client.post("/register/resend", data={"email": "x@demo.dk"}).status_code == 429


def _unconfirmed_supplier(client, db):
    response = client.post(
        "/register",
        data={
            "company_name": "Nyt Firma ApS",
            "cvr": "31245672",
            "address": "Havnegade 2",
            "contact_person": "Nina Ny",
            "email": "nina@nytfirma.dk",
            "new_password": "a long enough password",
            "repeat_password": "a long enough password",
        },
    )
    assert response.status_code == 200


def test_logging_in_unconfirmed_says_the_address_waits_for_confirmation(client, db):
    _unconfirmed_supplier(client, db)
    response = login(client, "nina@nytfirma.dk", "a long enough password")
    assert response.status_code == 401
    assert "ikke bekræftet" in response.get_data(as_text=True)
    wrong = login(client, "nina@nytfirma.dk", "a wrong password!!")
    assert "ikke bekræftet" not in wrong.get_data(as_text=True)  # only the password's holder


def test_the_confirmation_link_sent_again_confirms_the_address(client, db):
    _unconfirmed_supplier(client, db)
    assert client.post("/register/resend", data={"email": "nina@nytfirma.dk"}).status_code == 302
    mails = _mails_to(db, "nina@nytfirma.dk")
    assert len(mails) == 2
    assert client.get(_link_in(mails[-1])).status_code == 302
    assert login(client, "nina@nytfirma.dk", "a long enough password").status_code == 302


def test_the_unconfirmed_get_no_reset_link(client, db):
    _unconfirmed_supplier(client, db)
    _forgot(client, "nina@nytfirma.dk")
    assert len(_mails_to(db, "nina@nytfirma.dk")) == 1  # the confirmation only


def test_the_demos_administrator_reads_the_outbox(app, client, db, monkeypatch):
    _forgot(client)
    login(client, "admin@demo.dk")
    assert client.get("/admin/outbox/").status_code == 404  # not outside demo mode
    assert "/admin/outbox/" not in client.get("/start").get_data(as_text=True)
    monkeypatch.setitem(app.config, "DEMO_MODE", True)
    page = client.get("/admin/outbox/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Vælg en ny adgangskode til Rammeudbud" in html and STAFF in html
    assert "/password/reset/" in html
    assert 'href="/admin/outbox/"' in client.get("/start").get_data(as_text=True)
