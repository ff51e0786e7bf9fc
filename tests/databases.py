"""Databases of a test's own beside the suite's: a file on SQLite, a fresh database on
PostgreSQL named after the suite's (quoted, so any name the suite's database has works)."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from app.db import make_engine


def database_beside(suffix: str, sqlite_folder: Path | None = None) -> str:
    """The URL of an empty database for one test module: on PostgreSQL (TEST_DATABASE_URL)
    '<the suite's database>_<suffix>', dropped and made anew; otherwise a SQLite file in
    `sqlite_folder`."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        assert sqlite_folder is not None, "a SQLite database needs a folder"
        return f"sqlite:///{sqlite_folder / f'{suffix}.sqlite'}"
    suite = make_url(url)
    name = f"{suite.database}_{suffix}"
    engine = make_engine(url)
    quoted = engine.dialect.identifier_preparer.quote_identifier(name)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)"))
        connection.execute(text(f"CREATE DATABASE {quoted}"))
    engine.dispose()
    return suite.set(database=name).render_as_string(hide_password=False)
