"""A dashboard's long table holds only its largest rows, sorted and cut in SQL: the same rows
in the same order as the whole table sorted in memory (ties by name), and the same count."""

from __future__ import annotations

from datetime import date

import pytest

from app.spend import tables
from app.spend.figures import Period
from app.spend.tables import Filters
from app.tenders.models import Scope
from tests.calloffs.conftest import AALBORG, ODENSE, framework, place
from tests.conftest import user

DIMENSIONS = ["jobcentre", "region", "supplier", "target_group", "lot"]


@pytest.fixture
def orders(db):
    """Orders of equal and different sizes from three suppliers on several lots, so that rows
    tie on their committed amount and only their names order them."""
    same = framework(db, "HS", scope=Scope.NATIONAL, prices=("1000.00", "1000.00", "1000.00"))
    for rank in (1, 2, 3):
        place(db, same, rank=rank, quantity=2)
        place(db, same, rank=rank, quantity=2, email=AALBORG)
    other = framework(db, prices=("700.00", "1300.00"))
    place(db, other, rank=1, quantity=3)
    place(db, other, rank=2, quantity=1)
    db.flush()
    return same, other


def filter_sets(db):
    odense = user(db, ODENSE).organisation
    return [
        Filters(),
        Filters(region_id=odense.region_id),
        Filters(jobcentre_id=odense.id),
        Filters(period=Period(date(2026, 11, 1), date(2026, 11, 30))),
        Filters(period=Period(date(2026, 11, 2), None)),  # not whole months: from the orders
        Filters(region_id=odense.region_id, target_group_id=1),
    ]


@pytest.mark.parametrize("dimension", DIMENSIONS)
@pytest.mark.parametrize("limit", [1, 2, 3, 15])
def test_the_largest_rows_are_the_first_of_the_whole_table(db, orders, dimension, limit):
    for filters in filter_sets(db):
        whole = tables.orders_by(db, dimension, filters)
        largest, count = tables.largest_orders_by(db, dimension, filters, limit)
        assert (largest, count) == (whole[:limit], len(whole)), filters


def test_a_dashboards_table_says_how_many_rows_it_has_in_all(db, orders):
    found = tables.orders_table(db, "supplier", Filters(), "Leverandører", largest=2)
    whole = tables.orders_table(db, "supplier", Filters(), "Leverandører")
    assert found.rows == whole.rows[:2] and found.count == len(whole.rows) >= 3
    months = tables.orders_table(db, "month", Filters(), "Måneder", largest=1)
    assert months.rows == tables.orders_table(db, "month", Filters(), "Måneder").rows
