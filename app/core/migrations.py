"""Running the Alembic migrations from code: the CLI, `make run` and the tests use this."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection

from app.config import PROJECT_ROOT


def alembic_config(url: str | None = None, connection: Connection | None = None) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)


def check(url: str) -> None:
    """Raise when the models differ from what the migrations build."""
    command.check(alembic_config(url))
