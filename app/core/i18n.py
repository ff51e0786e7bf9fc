"""Languages: Danish by default, English on request; formatting of money and Copenhagen times."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from functools import cache

from babel import Locale, dates
from babel.numbers import format_decimal, parse_pattern
from flask import current_app, g, has_app_context, has_request_context, request, session
from flask_babel import Babel, get_locale, gettext, lazy_gettext, ngettext
from flask_babel import format_date as babel_format_date
from flask_babel import format_datetime as babel_format_datetime

__all__ = ["babel", "format_datetime", "format_money", "gettext", "lazy_gettext", "ngettext"]

LANGUAGE_COOKIE = "lang"


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if has_request_context():
        if (asked := g.get("locale")) in languages:  # a machine's Accept-Language (the API)
            return asked
        chosen = session.get(LANGUAGE_COOKIE) or request.cookies.get(LANGUAGE_COOKIE)
        if chosen in languages:
            return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


babel = Babel()


def _locale() -> str:
    """The page's language; Danish where there is no page (a command, a service test)."""
    return str(get_locale() or "da")


#: Two decimals with grouping, parsed once: a dashboard formats hundreds of amounts.
TWO_DECIMALS = parse_pattern("#,##0.00")


@cache
def _babel_locale(name: str) -> Locale:
    return Locale.parse(name)


def format_money(amount: Decimal | int | None) -> str:
    """1.234.567,89 kr. in Danish, 1,234,567.89 kr. in English: exact, never rounded to kroner."""
    if amount is None:
        return ""
    return f"{TWO_DECIMALS.apply(Decimal(amount), _babel_locale(_locale()))} kr."


def format_datetime(moment: datetime | None, fmt: str = "medium") -> str:
    """A stored UTC time shown in Europe/Copenhagen."""
    if moment is None:
        return ""
    return babel_format_datetime(moment, fmt)


def format_date(day, fmt: str = "medium") -> str:
    if day is None:
        return ""
    if not has_app_context():
        return dates.format_date(day, fmt, locale="da")
    return babel_format_date(day, fmt)


def kroner_text(amount: Decimal) -> str:
    """1.234.567,89 kr., the Danish way, for messages made outside a page (no locale needed)."""
    return format_decimal(Decimal(amount), format="#,##0.00", locale="da") + " kr."


def format_size(size: int) -> str:
    """A file size a person reads: 812 B, 34 kB, 2,4 MB."""
    locale = _locale()
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{format_decimal(round(size / 1024), locale=locale)} kB"
    return f"{format_decimal(round(size / (1024 * 1024), 1), locale=locale)} MB"


def format_points(value) -> str:
    """A score as shown to people: 83,10 in Danish."""
    return format_decimal(Decimal(str(value)), format="#,##0.00", locale=_locale())


def format_number(value: int) -> str:
    """A whole number with the language's grouping: 100.000 in Danish."""
    return format_decimal(value, locale=_locale())
