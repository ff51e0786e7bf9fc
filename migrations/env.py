"""Alembic environment: the application's models and database, SQLite in batch mode."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from app.schema import metadata

config = context.config


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        compare_server_default=True,
    )


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    from app.db import make_engine

    url = config.get_main_option("sqlalchemy.url")
    if not url:
        from app.config import from_environment

        url = from_environment()["DATABASE_URL"]
    engine = make_engine(url)
    with engine.connect() as connection:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Offline migrations are not supported; run them against a database.")
run_migrations_online()
