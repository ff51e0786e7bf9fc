"""`flask db ...`: apply, undo or check the database migrations."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from app.core import migrations

group = AppGroup("db", help="Apply or check the database migrations.")


@group.command("upgrade")
@click.argument("revision", default="head")
def upgrade(revision: str) -> None:
    """Apply the migrations up to REVISION (default: the newest)."""
    migrations.upgrade(current_app.config["DATABASE_URL"], revision)


@group.command("downgrade")
@click.argument("revision")
def downgrade(revision: str) -> None:
    """Undo the migrations back to REVISION ('base' undoes all)."""
    migrations.downgrade(current_app.config["DATABASE_URL"], revision)


@group.command("check")
def check() -> None:
    """Fail when the models and the migrations disagree."""
    migrations.check(current_app.config["DATABASE_URL"])
    click.echo("The migrations match the models.")
