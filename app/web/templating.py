"""What templates have at hand: the filters (money, dates, sizes...), the globals (navigation,
link_args, Role...) and the i18n extension."""

from __future__ import annotations

from decimal import Decimal

from flask import Flask, request
from flask_babel import get_locale

from app.auth.roles import Role
from app.core.i18n import (
    format_date,
    format_datetime,
    format_money,
    format_month,
    format_points,
    format_share,
    format_size,
    install_template_gettext,
)
from app.web.fields import amount_for_input
from app.web.navigation import navigation, unread_messages


def link_args(*drop: str) -> dict[str, str]:
    """The query string's arguments to carry on a link (the filters), without `drop` and
    without any that url_for would read as its own (endpoint, _external, _scheme, ...): a typed
    query string never makes a link fail."""
    return {
        key: value
        for key, value in request.args.items()
        if key not in drop and key != "endpoint" and not key.startswith("_")
    }


def register(app: Flask) -> None:
    app.jinja_env.filters["money"] = format_money
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["month"] = format_month
    app.jinja_env.filters["filesize"] = format_size
    app.jinja_env.filters["points"] = format_points
    app.jinja_env.filters["share"] = format_share
    app.jinja_env.filters["money_text"] = lambda text: format_money(Decimal(text))
    app.jinja_env.filters["amount_input"] = amount_for_input
    app.jinja_env.globals["navigation"] = navigation
    app.jinja_env.globals["unread_messages"] = unread_messages
    app.jinja_env.globals["link_args"] = link_args
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["Role"] = Role
    app.jinja_env.add_extension("jinja2.ext.i18n")
    install_template_gettext(app)
