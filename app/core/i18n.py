"""Languages: Danish by default, English on request; formatting of money and Copenhagen times."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import cache, lru_cache

from babel import Locale, dates, numbers
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations
from flask import Flask, current_app, g, has_app_context, has_request_context, request, session
from flask_babel import Babel, get_locale, get_translations, gettext, lazy_gettext, ngettext
from flask_babel import format_date as babel_format_date
from flask_babel import format_datetime as babel_format_datetime
from jinja2 import pass_context
from markupsafe import Markup

from app.clock import COPENHAGEN

__all__ = [
    "babel",
    "format_datetime",
    "format_money",
    "format_month",
    "gettext",
    "lazy_gettext",
    "ngettext",
]

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


def _current_locale() -> Locale | None:
    """flask_babel's get_locale(), read straight from where flask_babel keeps the request's
    language once it has chosen it (get_locale() walks the request's context three times,
    and a page asks hundreds of times); get_locale() itself otherwise."""
    try:
        chosen = getattr(g.get("_flask_babel"), "babel_locale", None)
    except RuntimeError:  # no application context
        chosen = None
    return chosen or get_locale()


def install_template_gettext(app: Flask) -> None:
    """Templates translate with flask_babel's translations for the page's language, looked up
    once per language rather than through the request's context four times for each string,
    and called straight, not through Jinja's context (a page has hundreds of strings: a third
    of a long page's time went there). The same texts as Jinja's newstyle gettext: always a
    format string, escaped when autoescaping."""
    found: dict[tuple, Translations | NullTranslations] = {}

    def translations():
        locale = _current_locale()
        if locale is None:  # outside a request: flask_babel's own answer (no translation)
            return get_translations()
        key = _key(locale)
        try:
            return found[key]
        except KeyError:
            found[key] = get_translations()
            return found[key]

    def done(context, text: str, variables: dict) -> str:
        if context.eval_ctx.autoescape:
            text = Markup(text)  # noqa: S704 - the catalogue's text, as Jinja's gettext does
        # A text without a % and without variables is itself: Jinja's `text % {}`, skipped.
        return text % variables if variables or "%" in text else text

    @pass_context
    def template_gettext(context, string: str, **variables) -> str:
        return done(context, translations().ugettext(string), variables)

    @pass_context
    def template_ngettext(context, singular: str, plural: str, num: int, **variables) -> str:
        variables.setdefault("num", num)
        return done(context, translations().ungettext(singular, plural, num), variables)

    @pass_context
    def template_pgettext(context, string_context: str, string: str, **variables) -> str:
        variables.setdefault("context", string_context)
        return done(context, translations().upgettext(string_context, string), variables)

    @pass_context
    def template_npgettext(
        context, string_context: str, singular: str, plural: str, num: int, **variables
    ) -> str:
        variables.setdefault("context", string_context)
        variables.setdefault("num", num)
        text = translations().unpgettext(string_context, singular, plural, num)
        return done(context, text, variables)

    app.jinja_env.newstyle_gettext = True  # type: ignore[attr-defined]
    app.jinja_env.globals.update(
        _=template_gettext,
        gettext=template_gettext,
        ngettext=template_ngettext,
        pgettext=template_pgettext,
        npgettext=template_npgettext,
    )


def _locale() -> str:
    """The page's language; Danish where there is no page (a command, a service test)."""
    return str(get_locale() or "da")


@cache
def _babel_locale(name: str) -> Locale:
    return Locale.parse(name)


def _page_locale() -> Locale:
    """The page's language as Babel's Locale; Danish where there is no page."""
    return _current_locale() or _babel_locale("da")


def _key(locale: Locale) -> tuple:
    """A Locale as a key for a cache: each request parses its own Locale, and comparing two
    (Babel's __eq__) costs more than what the caches save."""
    return (locale.language, locale.territory, locale.script, locale.variant, locale.modifier)


def _number_signs(locale: Locale) -> dict[int, str]:
    """What Python's ',' grouping, '.' decimal point and '-' become in the language's numbers:
    1.234,50 and -1.234,50 in Danish, as Babel writes them."""
    key = _key(locale)
    signs = _SIGNS.get(key)
    if signs is None:
        signs = _SIGNS[key] = _signs_of(locale)
    return signs


_SIGNS: dict[tuple, dict[int, str]] = {}


def _signs_of(locale: Locale) -> dict[int, str]:
    return str.maketrans(
        {
            ",": numbers.get_group_symbol(locale),
            ".": numbers.get_decimal_symbol(locale),
            "-": numbers.get_minus_sign_symbol(locale),
        }
    )


def _two_decimals(value: Decimal, locale: Locale) -> str:
    """Babel's "#,##0.00" in the language, written by Python's own formatting (a dashboard
    writes hundreds of amounts, and Babel's pattern costs ten times as much): grouped by
    thousands, two decimals rounded half to even, as Babel rounds."""
    return format(value, ",.2f").translate(_number_signs(locale))


def format_money(amount: Decimal | int | None) -> str:
    """1.234.567,89 kr. in Danish, 1,234,567.89 kr. in English: exact, never rounded to kroner."""
    if amount is None:
        return ""
    return f"{_two_decimals(Decimal(amount), _page_locale())} kr."


#: One way to write a moment in each language, everywhere (pages, PDFs, messages): the Danish
#: convention "5. mar. 2026 kl. 14.30"; PRECISE adds the seconds where they are the point (a
#: bid's receipt, the audit trail). A day is Babel's medium date: "5. mar. 2026".
MOMENT = {"da": "d. MMM y 'kl.' HH.mm", "en": "d MMM y, HH:mm"}
PRECISE = {"da": "d. MMM y 'kl.' HH.mm.ss", "en": "d MMM y, HH:mm:ss"}
DAY = "medium"
MONTH = {"da": "MMM y", "en": "MMM y"}


def _pattern(fmt: str | None, language: str) -> str:
    if fmt is None:
        return MOMENT.get(language, MOMENT["da"])
    if fmt == "precise":
        return PRECISE.get(language, PRECISE["da"])
    return fmt


def format_datetime(moment: datetime | None, fmt: str | None = None) -> str:
    """A stored UTC time shown in Europe/Copenhagen, the one way (or `fmt`, a Babel pattern);
    in Danish where there is no page (a message made by a command)."""
    if moment is None:
        return ""
    if not has_app_context():
        return dates.format_datetime(moment, _pattern(fmt, "da"), tzinfo=COPENHAGEN, locale="da")
    return babel_format_datetime(moment, _pattern(fmt, _page_locale().language))


def format_month(month: str | date | None) -> str:
    """A month ("2026-06", or a day in it) the way the language writes it: "jun. 2026"."""
    if not month:
        return ""
    if isinstance(month, str):
        year, number = month.split("-")[:2]
        month = date(int(year), int(number), 1)
    language = _page_locale().language if has_app_context() else "da"
    return _month_text(month.replace(day=1), language)


@lru_cache(maxsize=1024)
def _month_text(month: date, language: str) -> str:
    return dates.format_date(month, MONTH.get(language, MONTH["da"]), locale=language)


def format_date(day, fmt: str = DAY) -> str:
    if day is None:
        return ""
    if not has_app_context():
        return dates.format_date(day, fmt, locale="da")
    if type(day) is date:  # a plain day reads the same wherever it is shown: written once
        return _day_text(day, fmt, _key(_page_locale()))
    return babel_format_date(day, fmt)


@lru_cache(maxsize=4096)
def _day_text(day: date, fmt: str, locale: tuple) -> str:
    """A day as flask_babel writes it in the page's language (`locale`, its key)."""
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
    return _two_decimals(Decimal(str(value)), _page_locale())


def format_share(value) -> str:
    """A share of persons in percent, as it is computed: one decimal, 66,7 in Danish."""
    return format(Decimal(str(value)), ",.1f").translate(_number_signs(_page_locale()))


def format_number(value: int) -> str:
    """A whole number with the language's grouping: 100.000 in Danish."""
    return format_decimal(value, locale=_locale())
