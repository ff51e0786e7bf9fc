"""No personal identity numbers: one check that finds a Danish CPR number in any text.

A CPR number is a valid date DDMMYY followed by four digits, with or without a separator between
(a dash of any kind, a slash, a dot, spaces: what people and word processors write), alone or
inside text; invisible characters (zero-width spaces and the like) do not hide one. Since 2007
not every CPR number passes the old modulus-11 check, so that check is not used: any valid date
with four digits after it is refused.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from app.core.errors import DomainError
from app.core.i18n import gettext as _

_SEPARATOR = r"[\s\-\u2010-\u2015\u2212/.]{0,3}"
_CANDIDATE = re.compile(rf"(?<!\d)(\d{{2}})(\d{{2}})(\d{{2}}){_SEPARATOR}(\d{{4}})(?!\d)")


def _visible(text: str) -> str:
    """The text without format characters (Unicode category Cf: zero-width spaces, joiners,
    direction marks), which show nothing but would split the digits."""
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def _is_date(day: int, month: int, year: int) -> bool:
    for century in (1900, 2000):
        try:
            date(century + year, month, day)
        except ValueError:
            continue
        return True
    return False


def looks_like_cpr(text: str | None) -> bool:
    if not text:
        return False
    return any(
        _is_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        for m in _CANDIDATE.finditer(_visible(text))
    )


def refuse_cpr(text: str | None, field: str, name: str | None = None) -> None:
    """Raise a clear error when a free-text field holds what looks like a CPR number; `name`
    is the form field's, so that the error stands at it."""
    if looks_like_cpr(text):
        raise DomainError(
            _(
                "%(field)s looks like it contains a CPR number. Personal identity numbers are "
                "never stored here; use the jobcentre's pseudonymous case reference.",
                field=field,
            ),
            field=name,
        )
