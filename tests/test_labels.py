"""Labelled enums (app.core.labels): a member reads its label; a member left without one fails
when its module is imported, not on the page that shows it."""

import pytest

from app.core.labels import LabelledEnum, labels
from app.tenders.models import Scope, TenderState


def test_a_member_reads_the_label_given_after_its_class():
    assert TenderState.DRAFT.label == "Draft"
    assert Scope.NATIONAL.label == "National"


def test_a_member_without_a_label_is_refused():
    class Colour(LabelledEnum):
        RED = "red"
        BLUE = "blue"

    with pytest.raises(ValueError, match="BLUE"):
        labels(Colour, {Colour.RED: "Red"})
