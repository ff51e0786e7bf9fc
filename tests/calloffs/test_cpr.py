"""The CPR guard: a valid DDMMYY date and four digits, with or without a separator, anywhere."""

from __future__ import annotations

import pytest

from app.calloffs.cpr import looks_like_cpr, refuse_cpr
from app.core.errors import DomainError


@pytest.mark.parametrize(
    "text",
    [
        "0101901234",
        "010190-1234",
        "010190 1234",
        "Borger 311299-4321 starter mandag",
        "sag:2902001234",  # 29 February 2000
        "ref 310100-0001.",
        # What word processors and people write between the parts, and what hides them.
        "010190\u20131234",  # en dash (autocorrect)
        "010190\u22121234",  # minus sign
        "010190/1234",
        "010190.1234",
        "010190  1234",
        "0101\u200b90-1234",  # a zero-width space inside the date
        "\u0660\u0661\u0660\u0661\u0669\u0660-1234",  # Arabic-Indic digits
    ],
)
def test_a_cpr_number_is_found_alone_or_inside_text(text):
    assert looks_like_cpr(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "JC-2026-000123",
        "3201901234",  # no 32nd day
        "0113901234",  # no 13th month
        "2902011234",  # 29 February 1901 and 2001 do not exist
        "01019012345",  # eleven digits: not a CPR number
        "12345678901234",
        "010190-123",  # three digits after the date
        "Sag 4711, 3 deltagere",
    ],
)
def test_other_numbers_pass(text):
    assert not looks_like_cpr(text)


def test_the_refusal_names_the_field_and_says_what_to_do():
    with pytest.raises(DomainError, match="Case reference looks like it contains a CPR number"):
        refuse_cpr("Borger 010190-1234", "Case reference")
    refuse_cpr("JC-2026-000123", "Case reference")
