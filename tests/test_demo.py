"""The demo-data command."""

from __future__ import annotations

from sqlalchemy import func, select

from app.auth.models import User
from app.demo import create_demo_data
from app.demo.platform import demo_logins
from app.organisations.models import Organisation


def test_demo_data_is_idempotent(db):
    counts = (
        db.scalar(select(func.count()).select_from(User)),
        db.scalar(select(func.count()).select_from(Organisation)),
    )
    create_demo_data(db)
    db.flush()
    assert counts == (
        db.scalar(select(func.count()).select_from(User)),
        db.scalar(select(func.count()).select_from(Organisation)),
    )


def test_every_demo_login_the_issue_names_exists(db):
    emails = set(db.scalars(select(User.email)))
    assert {login.email for login in demo_logins()} <= emails
    assert len(demo_logins()) == 25


def test_demo_data_is_refused_outside_demo_mode(app):
    runner = app.test_cli_runner()
    app.config["DEMO_MODE"] = False
    result = runner.invoke(args=["demo-data"])
    assert result.exit_code != 0
    assert "only loaded in demo mode" in result.output
