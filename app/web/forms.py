"""Form pieces shared by every domain: the base form, and the confirmation step."""

from __future__ import annotations

import re

from flask import request
from flask_babel import get_translations, gettext
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.core.i18n import lazy_gettext as _l

# Control characters, and lone surrogates (JSON can carry one; no database can store it).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def clean_text(value):
    """Trim, and drop control characters (a NUL in a name helps nobody and breaks exports)."""
    if isinstance(value, str):
        return _CONTROL.sub("", value).strip()
    return value


def posted_text(name: str) -> str:
    """A text posted without a WTForms form, cleaned as a form's text is (PostgreSQL refuses a
    NUL in text: a 500, where SQLite stores it)."""
    return clean_text(request.form.get(name, ""))


class _Translations:
    """WTForms' own messages, translated through our catalogue (WTForms ships no Danish)."""

    def gettext(self, string):
        return gettext(string)

    def ngettext(self, singular, plural, n):
        # Unformatted: WTForms fills in its own placeholders (%(max)d, %(min)d) afterwards.
        return get_translations().ngettext(singular, plural, n)


class Form(FlaskForm):
    """Every form: text is cleaned before validation; built-in messages speak Danish."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            if issubclass(unbound_field.field_class, StringField | TextAreaField):
                options["filters"] = (*options.get("filters", ()), clean_text)
            return unbound_field.bind(form=form, **options)

        def get_translations(self, form):
            return _Translations()

    def place_error(self, error: Exception) -> bool:
        """Show a refusal that names one of this form's fields (`DomainError.field`) at that
        field, as well as in the banner; True if the form has the field."""
        name = getattr(error, "field", None)
        field = self._fields.get(name) if name else None
        if field is None:
            return False
        field.errors = [*field.errors, str(error)]
        return True


class ReasonForm(Form):
    """A step that needs a written reason (cancel, decline, reject, return)."""

    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=5000)])


class ConfirmForm(Form):
    """An empty form: a confirmation step that carries only the CSRF token."""


# WTForms' messages, named here so that `make messages` puts them in our catalogue.
WTFORMS_MESSAGES = [
    _l("This field is required."),
    _l("Invalid input."),
    _l("Invalid email address."),
    _l("Field must be equal to %(other_name)s."),
    _l("Field must be between %(min)d and %(max)d characters long."),
    _l("Number must be at least %(min)s."),
    _l("Number must be at most %(max)s."),
    _l("Number must be between %(min)s and %(max)s."),
    _l("Not a valid choice."),
    _l("Invalid Choice: could not coerce."),
    _l("Invalid choice(s): one or more data inputs could not be coerced."),
    _l("Not a valid datetime value."),
    _l("Not a valid date value."),
    _l("Not a valid time value."),
    _l("Not a valid integer value."),
    _l("Not a valid decimal value."),
    _l("Not a valid float value."),
    _l("Invalid CSRF Token."),
    _l("CSRF token missing."),
    _l("CSRF failed."),
    _l("CSRF token expired."),
]


def _plural(singular: str, plural: str) -> tuple[str, str]:
    """Marks a plural message for extraction (`-k _plural:1,2`); translated by WTForms' call."""
    return singular, plural


WTFORMS_PLURAL_MESSAGES = [
    _plural(
        "Field must be at least %(min)d character long.",
        "Field must be at least %(min)d characters long.",
    ),
    _plural(
        "Field cannot be longer than %(max)d character.",
        "Field cannot be longer than %(max)d characters.",
    ),
    _plural(
        "Field must be exactly %(max)d character long.",
        "Field must be exactly %(max)d characters long.",
    ),
    _plural(
        "'%(value)s' is not a valid choice for this field.",
        "'%(value)s' are not valid choices for this field.",
    ),
]
