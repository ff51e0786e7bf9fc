"""A lot's owning region hears once when the lot passes 80% and once when it passes 100%."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from app.notifications.models import Notification
from app.spend.alerts import passed_thresholds
from app.spend.models import LotAlert
from tests.calloffs.conftest import (
    delivered,
    framework,
    place,
)
from tests.conftest import user

SD_STAFF = "region.syddanmark@demo.dk"


def alerts(db, lot) -> list[int]:
    return sorted(db.scalars(select(LotAlert.threshold).where(LotAlert.lot_id == lot.id)))


def told(db, lot) -> list[str]:
    return db.scalars(
        select(Notification.subject).where(
            Notification.user_id == user(db, SD_STAFF).id,
            Notification.subject.contains(lot.tender.reference),
        )
    ).all()


@pytest.mark.parametrize(
    ("committed", "expected"),
    [("7999.99", []), ("8000.00", [80]), ("9999.99", [80]), ("10000.00", [80, 100])],
)
def test_thresholds_to_the_ore(committed, expected):
    assert passed_thresholds(Decimal(committed), Decimal("10000.00")) == expected


def test_the_region_hears_once_at_80_and_once_at_100(db):
    lot = framework(db, maximum="10000.00", prices=("1000.00",))
    place(db, lot, quantity=7)
    assert alerts(db, lot) == [] and told(db, lot) == []
    place(db, lot, quantity=1)  # 80%
    assert alerts(db, lot) == [80] and len(told(db, lot)) == 1
    place(db, lot, quantity=1)  # 90%: nothing new
    assert len(told(db, lot)) == 1
    place(db, lot, quantity=1)  # 100%
    assert alerts(db, lot) == [80, 100] and len(told(db, lot)) == 2
    assert "100%" in told(db, lot)[-1]


def test_an_invoice_above_the_total_can_pass_a_threshold(db):
    lot = framework(db, maximum="10000.00", prices=("1000.00",))
    order = delivered(db, lot, quantity=7)
    from app.calloffs import services
    from app.calloffs.services import InvoiceInput

    services.send_invoice(
        db, user(db, "leverandoer1@demo.dk"), order, InvoiceInput(Decimal("8000.00"), "F", "Mere")
    )
    assert alerts(db, lot) == [80]
