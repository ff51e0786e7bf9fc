"""`flask send-mail`: send the e-mails waiting in the outbox."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from app.db import db
from app.notifications import services


@click.command("send-mail")
@with_appcontext
def send_mail() -> None:
    """Send the e-mails waiting in the outbox (SMTP from MAIL_SERVER; else to the log)."""
    config = current_app.config
    transport = services.smtp_transport(config) if config["MAIL_SERVER"] else services.log_transport
    sent, failed = services.send_pending(db.session, transport, config["MAIL_FROM"])
    click.echo(f"Sent {sent} e-mail(s); {failed} failed and will be tried again.")
