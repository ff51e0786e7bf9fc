"""Links sent by e-mail expire by the platform's clock, to the second."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app import clock
from app.auth import tokens
from app.core.errors import DomainError
from tests.conftest import NOW


def test_a_link_is_read_until_three_days_have_passed_and_refused_a_second_later(app):
    token = tokens.make("confirm", 7, "a@example.dk")
    with clock.frozen_at(NOW + timedelta(seconds=tokens.THREE_DAYS)):
        assert tokens.read("confirm", token) == (7, "a@example.dk")
    with (
        clock.frozen_at(NOW + timedelta(seconds=tokens.THREE_DAYS + 1)),
        pytest.raises(DomainError, match="The link has expired"),
    ):
        tokens.read("confirm", token)


def test_a_link_for_another_purpose_is_not_valid(app):
    token = tokens.make("confirm", 7, "a@example.dk")
    with pytest.raises(DomainError, match="The link is not valid"):
        tokens.read("invite", token)
