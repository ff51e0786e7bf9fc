"""Test set-up: one migrated database per run (SQLite, or PostgreSQL via TEST_DATABASE_URL)
holding the demo organisations, and a transaction per test that is rolled back afterwards."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app import clock
from app.auth.models import User
from app.core import migrations
from app.db import db as database
from app.demo import create_demo_data
from app.demo.platform import DEMO_PASSWORD
from app.factory import create_app
from app.organisations.models import Organisation, OrganisationKind

#: The moment the whole suite runs at: a Tuesday, 11:00 in Copenhagen. The demo data is built at
#: it and every test starts at it; a test that needs another time moves the clock itself.
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)

TEST_SETTINGS = {
    "APP_ENV": "testing",
    "SECRET_KEY": "test-secret-key",
    "AUDIT_HMAC_KEY": "test-audit-key",
    "BID_ENCRYPTION_KEY": "dGVzdC1iaWQta2V5LXRlc3QtYmlkLWtleS0xMjM0NTY=",
    "PASSWORD_HASH_FAST": True,
    "WTF_CSRF_ENABLED": False,
    # The access matrix asks the API without a token hundreds of times a minute; the limit
    # itself is tested with its default (tests/api).
    "API_REFUSAL_LIMIT": "100000 per minute",
}


def test_database_url(tmp_path_factory: pytest.TempPathFactory, name: str = "suite") -> str:
    """TEST_DATABASE_URL names a PostgreSQL server database; otherwise a fresh SQLite file."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / f'{name}.sqlite'}"


test_database_url.__test__ = False  # a helper, not a test


def reset_database(url: str) -> None:
    """An empty database: drop what an earlier run left on PostgreSQL (SQLite files are new)."""
    if url.startswith("sqlite"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        return
    from app.db import make_engine

    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def prepared_app(url: str, **settings: object) -> Flask:
    """An app on a migrated database holding the demo organisations and logins."""
    reset_database(url)
    migrations.upgrade(url)
    app = create_app({**TEST_SETTINGS, "DATABASE_URL": url, **settings})
    with app.app_context():
        create_demo_data(database.session)
        database.session.commit()
        database.session.remove()
    return app


@pytest.fixture(scope="session", autouse=True)
def suite_clock() -> Iterator[None]:
    """The clock stands still at NOW for the whole run, session fixtures included."""
    with clock.frozen_at(NOW):
        yield


@pytest.fixture(autouse=True)
def frozen_clock(suite_clock: None) -> Iterator[None]:
    """Each test starts at NOW, whatever an earlier test did to the clock."""
    with clock.frozen_at(NOW):
        yield


@pytest.fixture(scope="session")
def app(suite_clock: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    app = prepared_app(test_database_url(tmp_path_factory))
    yield app
    database.engine.dispose()


@pytest.fixture
def db(app: Flask) -> Iterator[Session]:
    """The request-scoped session, inside a transaction that is rolled back after the test.

    No app context stays pushed, so that each test-client request gets its own, as in
    production; a commit in a test or a request only releases a savepoint. Each request
    closes the session: what a test set up must be committed first, and re-read after.
    """
    connection = database.engine.connect()
    outer = connection.begin()
    database.session.remove()
    database.session_factory.configure(bind=connection, join_transaction_mode="create_savepoint")
    try:
        yield database.session
    finally:
        database.session.remove()
        outer.rollback()
        connection.close()
        database.session_factory.configure(bind=database.engine)


@pytest.fixture
def client(app: Flask, db: Session) -> FlaskClient:
    return app.test_client()


def user(db: Session, email: str) -> User:
    return db.scalars(select(User).where(User.email == email)).one()


def organisation(db: Session, kind: OrganisationKind, name: str) -> Organisation:
    return db.scalars(
        select(Organisation).where(Organisation.kind == kind, Organisation.name == name)
    ).one()


def login(client: FlaskClient, email: str, password: str = DEMO_PASSWORD):
    return client.post("/login", data={"email": email, "password": password})


@pytest.fixture
def admin(db: Session) -> User:
    return user(db, "admin@demo.dk")


@pytest.fixture
def admin_client(client: FlaskClient) -> FlaskClient:
    assert login(client, "admin@demo.dk").status_code == 302
    return client
