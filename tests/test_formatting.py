"""Money, points and days as the pages write them: the quick ways (Python's own number
formatting, days written once) say exactly what Babel says, in every language the app speaks."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from babel import dates
from babel.numbers import format_decimal
from flask_babel import force_locale

from app.core.i18n import format_date, format_money, format_points

AMOUNTS = [
    "0",
    "0.00",
    "-0.00",
    "0.001",
    "-0.001",
    "0.005",
    "0.015",
    "0.025",
    "-0.125",
    "1",
    "12.5",
    "999.995",
    "999.994",
    "1000",
    "-1000.00",
    "1234567.89",
    "-1234567.89",
    "12345678901234.56",
    "83.1",
    "100",
]


def amounts() -> list[Decimal]:
    rng = random.Random(22)
    drawn = [Decimal(rng.randrange(-(10**12), 10**12)) / 100 for _ in range(300)]
    thirds = [Decimal(rng.randrange(0, 10**9)) / 1000 for _ in range(100)]
    return [Decimal(a) for a in AMOUNTS] + drawn + thirds


@pytest.mark.parametrize("language", ["da", "en"])
def test_money_and_points_are_written_as_babel_writes_them(app, language):
    with app.test_request_context(), force_locale(language):
        for amount in amounts():
            babel = format_decimal(amount, format="#,##0.00", locale=language)
            assert format_money(amount) == f"{babel} kr.", amount
            assert format_points(amount) == babel, amount
        assert format_money(7) == format_money(Decimal(7))


def test_money_is_danish_by_default_and_english_when_asked(app):
    with app.test_request_context():
        assert format_money(Decimal("-1234.5")) == "-1.234,50 kr."
        with force_locale("en"):
            assert format_money(Decimal("-1234.5")) == "-1,234.50 kr."
            assert format_points(Decimal("83.1")) == "83.10"


@pytest.mark.parametrize("language", ["da", "en"])
@pytest.mark.parametrize("fmt", ["short", "medium", "long", "d. MMMM y"])
def test_a_day_is_written_as_babel_writes_it_in_the_pages_language(app, language, fmt):
    with app.test_request_context(), force_locale(language):
        for offset in range(0, 800, 7):
            day = date(2025, 1, 1) + timedelta(days=offset)
            assert format_date(day, fmt) == dates.format_date(day, fmt, locale=language)
            assert format_date(day, fmt) == format_date(day, fmt)  # written once, kept


def test_the_same_day_follows_the_language_it_is_shown_in(app):
    day = date(2026, 3, 5)
    with app.test_request_context():
        danish = format_date(day)
        with force_locale("en"):
            english = format_date(day)
        assert danish == "5. mar. 2026" and english == "Mar 5, 2026"
        assert format_date(day) == danish


TEMPLATES = [
    "{{ _('Rank') }}",
    "{{ _('Page %(n)d of %(total)d', n=2, total=7) }}",
    "{{ _('from %(name)s', name='<b>Hansen & Co</b>') }}",
    "{{ _('%(num)d more lots have used 80 %% or more of their maximum; see the lots below.',"
    " num=3) }}",
    "{{ _('100 %% sure') }}",
    "{{ ngettext('%(num)d row', '%(num)d rows', 1) }}",
    "{{ ngettext('%(num)d row', '%(num)d rows', 5) }}",
    "{{ gettext('Supplier') }} {{ _('Nothing in this period.') }}",
    "{% trans %}Supplier{% endtrans %} {% trans n=3 %}{{ n }} of them{% endtrans %}",
    "{% trans count=2 %}{{ count }} row{% pluralize %}{{ count }} rows{% endtrans %}",
    "{{ _('Rank')|length }} {{ _('Rank') is string }}",
]


@pytest.mark.parametrize("language", ["da", "en"])
@pytest.mark.parametrize("source", TEMPLATES)
def test_templates_translate_as_jinjas_own_newstyle_gettext_does(app, language, source):
    from flask_babel import get_translations
    from jinja2 import Environment

    stock = Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    stock.install_gettext_callables(
        lambda s: get_translations().ugettext(s),
        lambda s, p, n: get_translations().ungettext(s, p, n),
        newstyle=True,
    )
    with app.test_request_context(), force_locale(language):
        ours = app.jinja_env.from_string(source).render()
        assert ours == stock.from_string(source).render()
