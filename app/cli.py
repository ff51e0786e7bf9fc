"""Command-line tasks: migrations and demo data."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app import migrations
from app.db import db


def register_cli(app: Flask) -> None:
    database = AppGroup("db", help="Apply or check the database migrations.")

    @database.command("upgrade")
    @click.argument("revision", default="head")
    def upgrade(revision: str) -> None:
        """Apply the migrations up to REVISION (default: the newest)."""
        migrations.upgrade(current_app.config["DATABASE_URL"], revision)

    @database.command("downgrade")
    @click.argument("revision")
    def downgrade(revision: str) -> None:
        """Undo the migrations back to REVISION ('base' undoes all)."""
        migrations.downgrade(current_app.config["DATABASE_URL"], revision)

    @database.command("check")
    def check() -> None:
        """Fail when the models and the migrations disagree."""
        migrations.check(current_app.config["DATABASE_URL"])
        click.echo("The migrations match the models.")

    app.cli.add_command(database)

    audit = AppGroup("audit", help="The audit trail.")

    @audit.command("verify")
    def audit_verify() -> None:
        """Walk the HMAC chain; report the first broken entry (exit code 1)."""
        from app.audit import chain

        verdict = chain.verify(db.session)
        if verdict.intact:
            click.echo(f"The audit trail is intact: {verdict.checked} entries checked.")
            return
        click.echo(
            f"The audit trail is BROKEN at entry {verdict.first_broken_seq}: {verdict.reason}. "
            f"The {verdict.checked} entries before it are intact.",
            err=True,
        )
        raise SystemExit(1)

    app.cli.add_command(audit)

    @app.cli.command("send-mail")
    def send_mail() -> None:
        """Send the e-mails waiting in the outbox (SMTP from MAIL_SERVER; else to the log)."""
        from app.notifications import services

        config = current_app.config
        if config["MAIL_SERVER"]:
            transport = services.smtp_transport(config)
        else:
            transport = services.log_transport
        sent, failed = services.send_pending(db.session, transport, config["MAIL_FROM"])
        click.echo(f"Sent {sent} e-mail(s); {failed} failed and will be tried again.")

    @app.cli.command("demo-data")
    @click.option("--if-empty", is_flag=True, help="Only when the database has no users yet.")
    @click.option(
        "--scale",
        type=click.Choice(["medium", "large"]),
        help="Add a national data set for measuring (large: a million orders).",
    )
    def demo_data(if_empty: bool, scale: str | None) -> None:
        """Create the demo organisations and logins (demo mode only; idempotent)."""
        from app import demo

        if not current_app.config["DEMO_MODE"]:
            raise click.ClickException(
                "Demo data is only loaded in demo mode (APP_ENV=demo or DEMO_MODE=1): "
                "it creates logins with a published password."
            )
        session = db.session
        if if_empty and not demo.is_empty(session):
            click.echo("The database already has users; demo data left as it is.")
            return
        demo.create_demo_data(session)
        session.commit()
        if scale:
            from app.demo_scale import SCALES, create_scale_data

            added = create_scale_data(session, SCALES[scale])
            session.commit()
            click.echo(f"Scaled data ({scale}): {added or 'already there'}")
        click.echo(f"Demo data is ready. Demo logins (password: {demo.DEMO_PASSWORD}):")
        for login in demo.demo_logins():
            click.echo(f"  {login.email:32} {login.role.value:22} {login.organisation}")
