"""The database: declarative base, column types for money and UTC time, and the session."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import BigInteger, DateTime, Enum, MetaData, create_engine, event, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ORE_PER_KRONE = 100
ONE_ORE = Decimal("0.01")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Hundredths(TypeDecorator):
    """A `Decimal` with at most two decimals in code, whole hundredths in an integer column;
    never a float (a share in percent, a number of weeks)."""

    impl = BigInteger
    cache_ok = True
    too_precise = "{} has more than two decimals"

    def process_bind_param(self, value: Any, dialect: Any) -> int | None:
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError(f"{type(self).__name__} must be a Decimal or an int, never a float")
        number = Decimal(value)
        hundredths = number * ORE_PER_KRONE
        if hundredths != hundredths.to_integral_value():
            raise ValueError(self.too_precise.format(number))
        return int(hundredths)

    def process_result_value(self, value: Any, dialect: Any) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(value) / ORE_PER_KRONE).quantize(ONE_ORE, rounding=ROUND_HALF_UP)


class Money(Hundredths):
    """Kroner as `Decimal` in code, whole øre in an integer column; never a float."""

    cache_ok = True
    too_precise = "{} kr. is not a whole number of øre"


class UTCDateTime(TypeDecorator):
    """Aware datetimes stored as UTC; read back aware on every database, SQLite included."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware datetime")
        value = value.astimezone(UTC)
        # SQLite keeps no offset; store the UTC wall time.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def state_column(enum: type[StrEnum], name: str, length: int = 30) -> Enum:
    """A short string column of an enum's values, with a CHECK constraint; loads as the enum."""
    return Enum(
        enum,
        name=name,
        native_enum=False,
        create_constraint=True,
        validate_strings=True,
        length=length,
        values_callable=lambda members: [member.value for member in members],
    )


# Whether the current unit of work intends to write: GET requests read, everything else writes.
# On SQLite a writing transaction begins IMMEDIATE so that two writers never pass the same check.
_write_intent: ContextVar[bool] = ContextVar("write_intent", default=True)


def set_write_intent(writes: bool) -> None:
    _write_intent.set(writes)


def reads_first(view: Any) -> Any:
    """Marks a view that reads and checks an upload before it writes anything: its request
    begins with a reading transaction (on SQLite a plain BEGIN, which holds no write lock), and
    the view calls begin_writing() once the file is read. A file that takes long to read then
    holds up nobody else's writes."""
    view.reads_first = True
    return view


def begin_writing(session: Session) -> None:
    """End the reading transaction a `reads_first` request began with: the session's next
    statement begins a writing one (BEGIN IMMEDIATE on SQLite). What was read before is not
    locked; a check that guards a limit reads again under its lock, as it always does."""
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("begin_writing() with changes made while reading")
    session.commit()  # nothing to write: this only ends the reading transaction
    set_write_intent(True)


@contextmanager
def write_intent() -> Iterator[None]:
    """Transactions begun inside the block may write (on SQLite: BEGIN IMMEDIATE)."""
    token = _write_intent.set(True)
    try:
        yield
    finally:
        _write_intent.reset(token)


def _copenhagen_month(stored: str | None) -> str | None:
    """'2026-10-31 23:30:00.000000' (UTC, as SQLite keeps it) → '2026-11' in Copenhagen."""
    if stored is None:
        return None

    moment = datetime.fromisoformat(stored).replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo("Europe/Copenhagen")).strftime("%Y-%m")


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Hand transaction control to SQLAlchemy's "begin" event below.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA busy_timeout = 10000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

        # SQLite keeps UTC text and knows no time zones: months are Copenhagen's via Python.
        dbapi_connection.create_function(
            "copenhagen_month", 1, _copenhagen_month, deterministic=True
        )

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _write_intent.get() else "BEGIN")


def make_engine(url: str, echo: bool = False, **options: Any) -> Engine:
    """The engine for a URL, SQLite set up for safe concurrent writing; `options` go to
    create_engine (e.g. a larger pool)."""
    kwargs: dict[str, Any] = {"echo": echo, "future": True, **options}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 10}
    else:
        kwargs["pool_pre_ping"] = True
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    return engine


class Database:
    """The engine and the request-scoped session, bound by the application factory."""

    def __init__(self) -> None:
        self.engine: Engine | None = None
        self.session_factory = sessionmaker(expire_on_commit=False)
        self.session = scoped_session(self.session_factory)

    def init_app(self, app: Any) -> None:
        self.engine = make_engine(app.config["DATABASE_URL"], echo=app.config["SQL_ECHO"])
        self.session_factory.configure(bind=self.engine)
        app.extensions["database"] = self

        def _remove_session(_exc: BaseException | None) -> None:
            self.session.remove()

        # One session per request, and one per app context outside requests (CLI commands).
        app.teardown_request(_remove_session)
        app.teardown_appcontext(_remove_session)

    def new_session(self) -> Session:
        """A session of its own, for writes that must survive the request's rollback."""
        return self.session_factory()


db = Database()


def code_point_order(session: Session, expression: Any) -> Any:
    """`expression` to order by as Python sorts strings, by code point: SQLite does already,
    PostgreSQL orders by the database's collation (a language's, perhaps), so there in "C".
    For a page that once sorted its rows in Python and now sorts them in SQL."""
    if session.get_bind().dialect.name == "postgresql":
        return expression.self_group().collate("C")
    return expression


def lock_row(session: Session, model: type, object_id: int) -> Any:
    """Load a row and lock it until the transaction ends (FOR NO KEY UPDATE; SQLite holds a
    write lock).

    The row is read afresh: what another transaction committed before the lock counts. The lock
    serializes those who take it, but not the foreign-key checks of rows that refer to it (FOR
    KEY SHARE): an audit entry of the organisation's user, say, written by a transaction that
    holds the audit chain's head while the locker waits for the head, would deadlock with FOR
    UPDATE."""
    return session.execute(
        select(model)
        .where(model.id == object_id)
        # The row itself, not the rows joined for loading.
        .with_for_update(of=model, key_share=True)
        .execution_options(populate_existing=True)
    ).scalar_one()
