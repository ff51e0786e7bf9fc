"""Command-line tasks: migrations and demo data."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app import migrations
from app.db import db
from app.errors import DomainError


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
    @click.option(
        "--checkpoint",
        "lines",
        multiple=True,
        metavar="LINE",
        help="A checkpoint printed by `audit checkpoint`; the chain must still hold it.",
    )
    @click.option(
        "--checkpoints",
        "log",
        type=click.File("r"),
        help="A file (the log the checkpoints were shipped to; - for standard input): the "
        "chain must hold every checkpoint in it.",
    )
    def audit_verify(lines: tuple[str, ...], log) -> None:
        """Walk the HMAC chain; report the first broken entry (exit code 1). Given checkpoints,
        also fail when the chain no longer reaches them or has other entries there."""
        from app.audit import chain

        points = []
        if lines or log:
            text = "\n".join(lines) + ("\n" + log.read() if log else "")
            try:
                points = chain.read_checkpoints(text)
            except DomainError as err:
                raise click.ClickException(f"The checkpoint is refused: {err}") from None
        verdict = chain.verify(db.session, points)
        if verdict.intact:
            held = ""
            if verdict.checkpoints_held:
                held = (
                    f" It holds {verdict.checkpoints_held} checkpoint(s), the furthest at entry "
                    f"{verdict.furthest_checkpoint}."
                )
            click.echo(f"The audit trail is intact: {verdict.checked} entries checked.{held}")
            return
        click.echo(
            f"The audit trail is BROKEN at entry {verdict.first_broken_seq}: {verdict.reason}. "
            f"The {verdict.checked} entries before it are intact.",
            err=True,
        )
        raise SystemExit(1)

    @audit.command("checkpoint")
    def audit_checkpoint() -> None:
        """Print a checkpoint of the chain's end (entry number, chain hash, HMAC with the audit
        key) for a write-once log off this machine; see the README."""
        from app.audit import chain

        try:
            point = chain.checkpoint(db.session)
        except DomainError as err:
            raise click.ClickException(str(err)) from None
        click.echo(point.line())

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
