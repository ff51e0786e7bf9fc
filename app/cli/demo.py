"""`flask demo-data`: the demo organisations, logins and cases (demo mode only)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from app.db import db
from app.demo import create_demo_data
from app.demo.platform import DEMO_PASSWORD, demo_logins, is_empty
from app.demo.scale import SCALES, create_scale_data


@click.command("demo-data")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Only when the database has no users yet.")
@click.option(
    "--scale",
    type=click.Choice(["medium", "large"]),
    help="Add a national data set for measuring (large: a million orders).",
)
def demo_data(if_empty: bool, scale: str | None) -> None:
    """Create the demo organisations and logins (demo mode only; idempotent)."""
    if not current_app.config["DEMO_MODE"]:
        raise click.ClickException(
            "Demo data is only loaded in demo mode (APP_ENV=demo or DEMO_MODE=1): "
            "it creates logins with a published password."
        )
    session = db.session
    if if_empty and not is_empty(session):
        click.echo("The database already has users; demo data left as it is.")
        return
    create_demo_data(session)
    session.commit()
    if scale:
        added = create_scale_data(session, SCALES[scale])
        session.commit()
        click.echo(f"Scaled data ({scale}): {added or 'already there'}")
    click.echo(f"Demo data is ready. Demo logins (password: {DEMO_PASSWORD}):")
    for login in demo_logins():
        click.echo(f"  {login.email:32} {login.role.value:22} {login.organisation}")
