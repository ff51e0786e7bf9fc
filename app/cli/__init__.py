"""Command-line tasks (`flask --app wsgi ...`), one module per topic: the database migrations,
the audit trail, the outbox and the demo data."""

from __future__ import annotations

from flask import Flask

from app.cli import audit, database, demo, mail


def register_cli(app: Flask) -> None:
    app.cli.add_command(database.group)
    app.cli.add_command(audit.group)
    app.cli.add_command(mail.send_mail)
    app.cli.add_command(demo.demo_data)
