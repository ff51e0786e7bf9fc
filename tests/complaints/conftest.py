"""A tender whose award is approved (the letters out, the standstill running), and moments
around the end of its standstill period."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from app.clock import COPENHAGEN
from app.complaints import services as complaints
from app.complaints.services import ComplaintInput
from app.evaluation import services as evaluation
from tests.evaluation.conftest import scored, second_staff  # noqa: F401 (fixtures)
from tests.tenders.conftest import staff


@pytest.fixture
def approved(db, scored, second_staff):  # noqa: F811
    """The award proposed by one member of Nordjylland's staff and approved by another."""
    evaluation.propose_award(db, staff(db, "NJ"), scored)
    evaluation.declare_no_conflict(db, second_staff, scored)
    evaluation.approve_award(db, second_staff, scored)
    return scored


def noon(day: date) -> datetime:
    return datetime.combine(day, time(12), COPENHAGEN)


def last_standstill_day(tender) -> date:
    from sqlalchemy.orm import object_session

    return evaluation.award_of(object_session(tender), tender).standstill_ends_on


def register(db, tender, received_on: date, case_number: str = "24/01234", **changes):
    values = {
        "complainant": "Rival Consult ApS",
        "received_on": received_on,
        "case_number": case_number,
        "note": "Klager over pointgivningen.",
    }
    return complaints.register(db, staff(db, "NJ"), tender, ComplaintInput(**{**values, **changes}))


def after(day: date, days: int = 1) -> date:
    return day + timedelta(days=days)
