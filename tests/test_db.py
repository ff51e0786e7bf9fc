"""The shared column types and the SQLite settings the rules rely on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, insert, select, text
from sqlalchemy.exc import StatementError

from app.db import Money, UTCDateTime

scratch = MetaData()
amounts = Table(
    "test_amounts",
    scratch,
    Column("id", Integer, primary_key=True),
    Column("amount", Money),
    Column("at", UTCDateTime),
)


@pytest.fixture
def table(db):
    scratch.create_all(db.connection())
    return amounts


def test_money_is_stored_as_whole_ore_and_read_back_as_exact_kroner(db, table):
    db.execute(insert(table).values(id=1, amount=Decimal("1234567.89")))
    raw = db.execute(text("SELECT amount FROM test_amounts WHERE id = 1")).scalar_one()
    assert raw == 123456789
    assert db.execute(select(table.c.amount)).scalar_one() == Decimal("1234567.89")


def test_money_refuses_fractions_of_an_ore(db, table):
    with pytest.raises(StatementError, match="whole number of øre"):
        db.execute(insert(table).values(id=1, amount=Decimal("0.001")))


def test_money_refuses_floats(db, table):
    with pytest.raises(StatementError, match="never a float"):
        db.execute(insert(table).values(id=1, amount=0.1))


def test_times_are_stored_in_utc_and_read_back_aware(db, table):
    copenhagen_noon = datetime(2026, 6, 1, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    db.execute(insert(table).values(id=1, at=copenhagen_noon))
    stored = db.execute(select(table.c.at)).scalar_one()
    assert stored == datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
    assert stored.tzinfo is not None


def test_naive_times_are_refused(db, table):
    with pytest.raises(StatementError, match="naive"):
        db.execute(insert(table).values(id=1, at=datetime(2026, 6, 1, 12, 0)))


def test_sqlite_enforces_foreign_keys_and_uses_wal(db):
    if db.bind.dialect.name != "sqlite":
        pytest.skip("SQLite settings")
    assert db.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
    assert db.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"


def test_sqlite_write_transactions_begin_immediately(app):
    """A writer takes the write lock when it begins, so a second one waits: checks never race."""
    import sqlite3

    from app.db import db as database
    from app.db import make_engine

    if database.engine.dialect.name != "sqlite":
        pytest.skip("SQLite settings")
    engine = make_engine(str(database.engine.url))
    first = engine.connect()
    first.begin()  # nothing read or written yet
    second = sqlite3.connect(database.engine.url.database, timeout=0.05, isolation_level=None)
    try:
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            second.execute("BEGIN IMMEDIATE")
    finally:
        second.close()
        first.rollback()
        first.close()
        engine.dispose()
