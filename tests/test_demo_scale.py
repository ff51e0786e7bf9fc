"""The scaled data set keeps the platform's rules: every lot within its maximum, totals that are
quantity times price, states and invoices that fit together."""

from __future__ import annotations

from sqlalchemy import func, select

from app.calloffs.models import CallOff, CallOffState
from app.calloffs.services import committed_amounts
from app.demo.scale import Scale, _cvr, create_scale_data
from app.spend import totals
from app.suppliers.services import is_valid_cvr
from app.tenders.models import Lot, Tender


def test_a_small_scaled_data_set_keeps_the_rules(db):
    added = create_scale_data(db, Scale(suppliers=6, tenders=3, orders=400, purchases=30))
    assert added == {"suppliers": 6, "tenders": 3, "agreements": 18, "orders": 400, "purchases": 30}
    lots = db.scalars(select(Lot).join(Tender).where(Tender.reference.like("RU-SKALA-%"))).all()
    committed = committed_amounts(db, [lot.id for lot in lots])
    assert all(committed[lot.id] <= lot.maximum_value for lot in lots)
    paid_without_invoice = db.scalar(
        select(func.count()).where(
            CallOff.state == CallOffState.PAID, CallOff.invoice_amount.is_(None)
        )
    )
    assert paid_without_invoice == 0
    assert totals.differences(db) == []  # the bulk load's summary figures, rebuilt
    assert create_scale_data(db, Scale(1, 1, 1, 1)) == {}  # a second run adds nothing


def test_generated_cvr_numbers_are_valid():
    assert all(is_valid_cvr(c) for c in (_cvr(6_000_000 + i) for i in range(200)) if c)
