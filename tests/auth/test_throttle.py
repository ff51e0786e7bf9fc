"""Failed logins slow down per account and per address, but never lock anybody out for long."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app import clock
from app.auth import throttle
from app.auth.throttle import ACCOUNT, ADDRESS, LoginThrottle
from tests.conftest import login

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def _fail(client, email="region.nordjylland@demo.dk", address="10.0.0.1"):
    return client.post(
        "/login",
        data={"email": email, "password": "wrong password!"},
        environ_base={"REMOTE_ADDR": address},
    )


def _good(client, email="region.nordjylland@demo.dk", address="10.0.0.1"):
    return client.post(
        "/login",
        data={"email": email, "password": "demo12345678"},
        environ_base={"REMOTE_ADDR": address},
    )


def test_the_first_failures_are_free(client):
    with clock.frozen_at(T0):
        for _ in range(ACCOUNT.free_failures):
            assert _fail(client).status_code == 401
        assert _good(client).status_code == 302


def test_an_account_has_five_free_failures_and_waits_from_the_sixth(db):
    """The threshold stated, not read from the policy: five wrong passwords in a row cost
    nothing; the sixth makes the account wait 2 seconds, the seventh 4."""
    email = "region.nordjylland@demo.dk"
    with clock.frozen_at(T0):
        for _ in range(5):
            throttle.record_failure(db, email, None)
            assert throttle.seconds_to_wait(db, email, None) == 0
        throttle.record_failure(db, email, None)  # the sixth
        assert throttle.seconds_to_wait(db, email, None) == 2
    with clock.frozen_at(T0 + timedelta(seconds=2)):
        throttle.record_failure(db, email, None)  # the seventh, once the wait is over
        assert throttle.seconds_to_wait(db, email, None) == 4


@pytest.mark.parametrize(("failures", "status"), [(5, 302), (6, 429)])
def test_after_five_failed_logins_the_right_password_still_works_after_six_it_waits(
    client, failures, status
):
    with clock.frozen_at(T0):
        for _ in range(failures):
            assert _fail(client).status_code == 401
        assert _good(client).status_code == status


def test_an_address_has_twenty_free_failures_and_waits_from_the_twenty_first(db):
    with clock.frozen_at(T0):
        for number in range(20):
            throttle.record_failure(db, f"guess{number}@demo.dk", "10.0.0.9")
        assert throttle.seconds_to_wait(db, "admin@demo.dk", "10.0.0.9") == 0
        throttle.record_failure(db, "guess20@demo.dk", "10.0.0.9")
        assert throttle.seconds_to_wait(db, "admin@demo.dk", "10.0.0.9") == 2


def test_beyond_the_free_failures_the_account_must_wait_even_with_the_right_password(client, db):
    with clock.frozen_at(T0):
        for _ in range(ACCOUNT.free_failures + 1):
            _fail(client)
        response = _good(client)
    assert response.status_code == 429
    assert "Vent 2 sekunder" in response.get_data(as_text=True)
    row = db.scalars(select(LoginThrottle).where(LoginThrottle.scope == "account")).one()
    assert row.failures == ACCOUNT.free_failures + 1


def test_the_wait_ends_to_the_second(client):
    with clock.frozen_at(T0):
        for _ in range(ACCOUNT.free_failures + 1):
            _fail(client)
    with clock.frozen_at(T0 + timedelta(seconds=ACCOUNT.base_delay) - timedelta(microseconds=1)):
        assert _good(client).status_code == 429
    with clock.frozen_at(T0 + timedelta(seconds=ACCOUNT.base_delay)):
        assert _good(client).status_code == 302


def test_the_wait_doubles_and_is_capped_so_a_rival_cannot_lock_the_account(db):
    moment = T0
    waits = []
    for _ in range(ACCOUNT.free_failures + 12):
        with clock.frozen_at(moment):
            throttle.record_failure(db, "victim@demo.dk", None)
            waits.append(throttle.seconds_to_wait(db, "victim@demo.dk", None))
        moment += timedelta(minutes=2)  # the rival waits out each delay and tries again
    beyond = waits[ACCOUNT.free_failures :]
    assert beyond[:4] == [2, 4, 8, 16]
    assert max(waits) == ACCOUNT.max_delay


def test_a_successful_login_clears_the_accounts_streak(client, db):
    with clock.frozen_at(T0):
        for _ in range(ACCOUNT.free_failures):
            _fail(client)
        assert _good(client).status_code == 302
        assert db.scalars(select(LoginThrottle).where(LoginThrottle.scope == "account")).all() == []


def test_an_address_guessing_at_many_accounts_is_slowed(client):
    with clock.frozen_at(T0):
        for number in range(ADDRESS.free_failures + 1):
            _fail(client, email=f"guess{number}@demo.dk")
        # The address now waits, whichever account it tries, even a real one with its password.
        assert _good(client, email="admin@demo.dk").status_code == 429
        # Another address is not affected.
        assert _good(client, email="admin@demo.dk", address="10.0.0.2").status_code == 302


def test_old_failures_are_forgotten(db):
    with clock.frozen_at(T0):
        for _ in range(ACCOUNT.free_failures):
            throttle.record_failure(db, "someone@demo.dk", None)
    with clock.frozen_at(T0 + ACCOUNT.forget_after + timedelta(seconds=1)):
        throttle.record_failure(db, "someone@demo.dk", None)
        assert throttle.seconds_to_wait(db, "someone@demo.dk", None) == 0


@pytest.mark.parametrize("email", ["Region.Nordjylland@demo.dk ", "region.nordjylland@demo.dk"])
def test_the_account_key_ignores_case_and_spaces(db, email):
    with clock.frozen_at(T0):
        for _ in range(ACCOUNT.free_failures + 1):
            throttle.record_failure(db, email, None)
        assert throttle.seconds_to_wait(db, "region.nordjylland@demo.dk", None) > 0


def test_throttled_attempts_are_audited(client, db):
    from app.audit.models import AuditEntry

    with clock.frozen_at(T0):
        for _ in range(ACCOUNT.free_failures + 1):
            _fail(client)
        _good(client)
    actions = db.scalars(
        select(AuditEntry.action).where(AuditEntry.action.like("login.%")).order_by(AuditEntry.seq)
    ).all()
    assert actions[-1] == "login.throttled"
    assert actions.count("login.failed") == ACCOUNT.free_failures + 1


def test_login_starts_a_new_session(client):
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    login(client, "admin@demo.dk")
    with client.session_transaction() as session:
        assert "planted" not in session
