"""Form fields shared by every domain: kroner written the Danish way, Copenhagen times."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

import wtforms
from babel.numbers import NumberFormatError, parse_decimal
from wtforms import StringField
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from app.clock import COPENHAGEN
from app.core.i18n import lazy_gettext as _l

MAX_AMOUNT = Decimal("1000000000000")  # a thousand billion kroner: beyond any framework
MAX_WHOLE = 2**63 - 1  # what a 64-bit column holds


def parse_kroner(text: str) -> Decimal:
    """An amount typed by a person: 1.234.567,89, 1234567,89, 1 234,50 kr. or 1234567.89.

    Raises ValueError for anything that is not a plain, finite amount below MAX_AMOUNT.
    """
    raw = text.strip().replace(" ", "").replace("\u00a0", "").removesuffix("kr.")
    raw = raw.removesuffix("kr").strip()
    try:
        amount = parse_decimal(raw, locale="da", strict=True)
    except (NumberFormatError, InvalidOperation):
        try:
            amount = Decimal(raw)  # 1234567.89, as a spreadsheet writes it
        except InvalidOperation:
            raise ValueError("not an amount") from None
    if not amount.is_finite() or "e" in raw.lower() or abs(amount) >= MAX_AMOUNT:
        raise ValueError("not an amount")
    return amount


def amount_for_input(amount: Decimal | str | None) -> str:
    """An amount as a form field shows it to be typed again: 21.500,00 (parse_kroner reads it)."""
    if amount is None or amount == "":
        return ""
    whole, _, ore = f"{Decimal(amount):.2f}".partition(".")
    return f"{int(whole):,}".replace(",", ".") + "," + ore


class NumberField(StringField):
    """A number with at most two decimals, written the Danish way (45,3) or plainly (45.3)."""

    widget = TextInput()
    invalid = _l("Write the number like 45,3.")
    too_precise = _l("A number has at most two decimals.")

    def process_formdata(self, valuelist):
        self.data = None
        if not valuelist or not valuelist[0].strip():
            # Spaces alone are no number: InputRequired and Optional see a blank field, so a
            # required one says so instead of passing None on.
            self.raw_data = [""] if valuelist else []
            return
        try:
            number = parse_kroner(valuelist[0])
        except ValueError:
            raise ValueError(self.invalid) from None
        if number != number.quantize(Decimal("0.01")):
            raise ValueError(self.too_precise)
        self.data = number.quantize(Decimal("0.01"))

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return amount_for_input(self.data)


class KronerField(NumberField):
    """An amount in kroner (see parse_kroner); whole øre only."""

    invalid = _l("Write the amount like 1.234.567,89.")
    too_precise = _l("An amount has at most two decimals (whole øre).")


class IntegerField(wtforms.IntegerField):
    """A whole number that fits a 64-bit column. WTForms takes any length of digits, and its
    NumberRange then fails on one that no float holds (OverflowError: a 500); here such a
    number is a field error. Every form's whole numbers use this field (a test sees to it)."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and abs(self.data) > MAX_WHOLE:
            self.data = None
            raise ValueError(self.gettext("Not a valid integer value."))


def copenhagen_moment(day: date | None, at: time | None) -> datetime | None:
    """A date and time typed in Copenhagen, as an aware datetime."""
    if day is None or at is None:
        return None
    return datetime.combine(day, at, tzinfo=COPENHAGEN)


class MultiCheckboxField(wtforms.SelectMultipleField):
    """Several choices, each a checkbox."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
