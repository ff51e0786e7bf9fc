"""The summary figures: kept in the order's transaction through every move, always equal to the
figures computed from the orders, and answering each dashboard table as the orders would."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import product

import pytest
from sqlalchemy import func, select, update

from app import clock
from app.calloffs import services as calloffs
from app.calloffs.models import CallOff
from app.calloffs.services import InvoiceInput
from app.organisations.models import Organisation
from app.purchases.models import Classification
from app.spend import tables, totals
from app.spend.figures import Period
from app.spend.models import (
    GroupMonth,
    JobcentreLotTotal,
    JobcentreMonth,
    LotTotal,
    OutsideGroupMonth,
    OutsideMonth,
    SupplierMonth,
)
from app.spend.tables import Filters
from app.tenders.models import Lot, Scope
from tests.calloffs.conftest import (
    AALBORG,
    ODENSE,
    TODAY,
    delivered,
    framework,
    invoiced,
    place,
    supplier_user,
)
from tests.conftest import user
from tests.tenders.conftest import group


def every_move(db):
    """Orders from two regions under a national framework for two target groups and a regional
    one, taken through every move the services offer."""
    national = framework(db, "HS", scope=Scope.NATIONAL, maximum="500000.00")
    national.tender.target_groups.append(group(db, "Personer med handicap"))
    regional = framework(db, "SD", prices=("800.00", "900.00"))
    declined = place(db, national, email=AALBORG, quantity=3)
    calloffs.decline(db, user(db, supplier_user(db, declined)), declined, "Ingen kapacitet")
    cancelled = place(db, regional, rank=2)
    calloffs.cancel(db, user(db, ODENSE), cancelled, "Borgeren er i job")
    paid = invoiced(db, national, amount="2500.00", reason="Ekstra timer", email=AALBORG)
    calloffs.approve_invoice(db, user(db, AALBORG), paid)
    rejected = invoiced(db, regional, amount="1700.00", reason="Forlænget forløb")
    calloffs.reject_invoice(db, user(db, ODENSE), rejected, "Forkert beløb")
    supplier = user(db, supplier_user(db, rejected))
    calloffs.send_invoice(db, supplier, rejected, InvoiceInput(Decimal("1500.00"), "F-2", ""))
    delivered(db, national, rank=2)
    place(db, regional, quantity=1)
    return national, regional


def test_the_kept_figures_equal_the_orders_through_every_move(db):
    national, regional = every_move(db)
    assert totals.differences(db) == []
    # And by hand: the national lot holds the paid invoice above its total (2.500) and the
    # delivered order at rank 2 (2 × 1.200); the declined order counts nothing.
    kept = db.get(LotTotal, national.id)
    assert (kept.committed, kept.paid, kept.orders) == (
        Decimal("4900.00"),
        Decimal("2500.00"),
        3,
    )
    # The regional lot: the re-invoiced order (1.600 committed after the 1.700 was rejected:
    # its total, as 1.500 is below it) and one order of 800; the cancelled one counts nothing.
    kept = db.get(LotTotal, regional.id)
    assert (kept.committed, kept.paid, kept.orders) == (Decimal("2400.00"), Decimal("0.00"), 3)
    odense = user(db, ODENSE).organisation_id
    month = TODAY.strftime("%Y-%m")
    assert db.get(JobcentreMonth, (month, odense)).committed == Decimal("4800.00")
    handicap = group(db, "Personer med handicap").id
    aalborg = user(db, AALBORG).organisation_id
    assert db.get(GroupMonth, (month, aalborg, handicap)).paid == Decimal("2500.00")


def test_a_change_past_the_services_is_found_and_a_rebuild_repairs_it(db):
    lot = framework(db)
    order = place(db, lot, quantity=2)
    db.execute(update(CallOff).where(CallOff.id == order.id).values(quantity=3, total=3000))
    found = totals.differences(db)
    assert len(found) == 5  # the lot, the jobcentre's lot, its month, its group's, the supplier's
    assert any(line.startswith("spend_lot_totals") for line in found)
    totals.rebuild(db)
    assert totals.differences(db) == []
    assert db.get(LotTotal, lot.id).committed == Decimal("3000.00")


def test_an_order_late_on_the_last_evening_of_a_month_counts_in_copenhagens_next_month(db):
    lot = framework(db, starts_on=date(2026, 9, 1))
    # 31 October 23:30 UTC is 1 November 00:30 in Copenhagen.
    with clock.frozen_at(datetime(2026, 10, 31, 23, 30, tzinfo=UTC)):
        place(db, lot, starts_on=date(2026, 11, 5))
    odense = user(db, ODENSE).organisation_id
    assert db.get(JobcentreMonth, ("2026-11", odense)) is not None
    assert db.get(JobcentreMonth, ("2026-10", odense)) is None
    assert totals.differences(db) == []


def test_a_period_of_whole_months_is_read_from_the_summaries_and_any_other_from_the_orders(db):
    assert Period(date(2026, 11, 1), date(2026, 11, 30)).whole_months
    assert Period(date(2026, 2, 1), date(2028, 2, 29)).whole_months
    assert Period().whole_months
    assert not Period(date(2026, 11, 2), None).whole_months
    assert not Period(None, date(2026, 11, 29)).whole_months
    lot = framework(db, starts_on=date(2026, 9, 1))
    with clock.frozen_at(datetime(2026, 11, 1, 9, 0, tzinfo=UTC)):
        place(db, lot, quantity=1, starts_on=date(2026, 11, 5))  # 1.000 on the first
    place(db, lot, quantity=2)  # 2.000 on the 24th
    odense = user(db, ODENSE).organisation_id
    whole = Filters(period=Period(date(2026, 11, 1), date(2026, 11, 30)), jobcentre_id=odense)
    assert tables._summary_for("month", whole) is JobcentreMonth
    assert tables.orders_by(db, "month", whole) == [("2026-11", *by_hand(db, odense))]
    from_the_second = Filters(period=Period(date(2026, 11, 2), None), jobcentre_id=odense)
    assert tables._summary_for("month", from_the_second) is None
    assert tables.orders_by(db, "month", from_the_second) == [
        ("2026-11", *by_hand(db, odense, from_day=date(2026, 11, 2)))
    ]
    whole_committed = by_hand(db, odense)[0]
    assert whole_committed - by_hand(db, odense, date(2026, 11, 2))[0] >= Decimal("1000.00")


def by_hand(db, jobcentre_id: int, from_day: date = date(2026, 11, 1)) -> tuple:
    """The jobcentre's committed and paid in November 2026 from `from_day`, order by order."""
    committed = paid = Decimal("0.00")
    for order in db.scalars(select(CallOff).where(CallOff.jobcentre_id == jobcentre_id)):
        placed = order.placed_at.astimezone(clock.COPENHAGEN).date()
        if from_day <= placed <= date(2026, 11, 30):
            share = totals.share(order)
            committed, paid = committed + share.committed, paid + share.paid
    return committed, paid


def _places_and_periods(db):
    """Odense, its region, a target group, three periods, and the filters they make."""
    odense = user(db, ODENSE).organisation_id
    region = db.get(Organisation, odense).region_id
    handicap = group(db, "Personer med handicap").id
    periods = [Period(), Period(date(2026, 11, 1), None), Period(None, date(2026, 10, 31))]
    filters = [
        {},
        {"region_id": region},
        {"jobcentre_id": odense},
        {"target_group_id": handicap},
        {"region_id": region, "target_group_id": handicap},
    ]
    return odense, region, handicap, periods, filters


def _served_cases(db):
    """Every dimension and filter a summary serves, with the figures of `every_move`."""
    odense, region, handicap, periods, filters = _places_and_periods(db)
    supplier = db.scalar(select(CallOff.supplier_id).where(CallOff.jobcentre_id == odense))
    filters += [
        {"supplier_id": supplier},
        {"region_id": region, "supplier_id": supplier},
    ]
    tender = db.scalar(
        select(Lot.tender_id)
        .join(CallOff, CallOff.lot_id == Lot.id)
        .where(CallOff.number.like("B-RU-TEST-%"))
    )
    filters += [
        {"tender_id": tender},
        {"jobcentre_id": odense, "supplier_id": supplier},
        {"region_id": region, "tender_id": tender, "target_group_id": handicap},
    ]
    for dimension, chosen, period in product(tables.ORDER_DIMENSIONS, filters, periods):
        found = Filters(period=period, **chosen)
        summary = tables._summary_for(dimension, found)
        if summary is not None:
            yield dimension, found, summary


def test_each_summary_answers_every_table_it_serves_exactly_as_the_orders_do(db):
    every_move(db)
    served = list(_served_cases(db))
    assert {summary for _d, _f, summary in served} == {
        JobcentreMonth,
        GroupMonth,
        SupplierMonth,
        JobcentreLotTotal,
    }
    for dimension, filters, summary in served:
        if summary is JobcentreLotTotal:
            from_summary = sorted(tables._orders_by_order(db, dimension, filters, summary))
        else:
            from_summary = sorted(tables._orders_by_summary(db, summary, dimension, filters))
        from_orders = sorted(tables._orders_by_order(db, dimension, filters))
        assert from_summary == from_orders, (dimension, filters, summary.__name__)


@pytest.mark.parametrize(
    ("dimension", "chosen"),
    [
        ("lot", {"period": Period(date(2026, 11, 1), None)}),
        ("supplier", {"target_group_id": 1, "period": Period(None, date(2026, 11, 30))}),
        ("jobcentre", {"tender_id": 1, "period": Period(date(2026, 1, 1), date(2026, 1, 31))}),
        ("month", {"supplier_id": 1, "jobcentre_id": 1}),
        ("month", {"tender_id": 1}),
    ],
)
def test_what_no_summary_holds_is_read_from_the_orders(dimension, chosen):
    assert tables._summary_for(dimension, Filters(**chosen)) is None


def test_all_time_by_lot_or_framework_is_read_from_the_jobcentres_lot_totals():
    assert tables._summary_for("lot", Filters()) is JobcentreLotTotal
    assert tables._summary_for("jobcentre", Filters(tender_id=1)) is JobcentreLotTotal


def test_the_supplier_summary_counts_each_order_of_the_supplier_once(db):
    every_move(db)
    supplier = db.scalar(select(CallOff.supplier_id).where(CallOff.number.like("B-RU-TEST-%")))
    kept = db.scalar(
        select(func.sum(SupplierMonth.orders)).where(SupplierMonth.supplier_id == supplier)
    )
    assert kept == db.scalar(select(func.count()).where(CallOff.supplier_id == supplier))


def test_an_order_number_counts_every_order_ever_placed_on_the_lot(db):
    lot = framework(db)
    first = place(db, lot)
    calloffs.cancel(db, user(db, ODENSE), first, "Fejl")
    second = place(db, lot)
    assert first.number.endswith("-00001") and second.number.endswith("-00002")
    assert db.get(LotTotal, lot.id).orders == 2


def every_kind_of_purchase(db):
    """Outside purchases registered, imported and reclassified by an exemption, in two
    months and by jobcentres of two regions."""
    from tests.purchases.conftest import approved, register
    from tests.purchases.conftest import framework as handicap_framework
    from tests.purchases.test_ledger import csv, line, run

    lot = handicap_framework(db)
    register(db, purchased_on=TODAY - timedelta(days=2), breach_reason="Akut")  # reclassified
    register(db, purchased_on=TODAY - timedelta(days=40), breach_reason="Akut")  # October
    register(db, email=AALBORG, purchased_on=TODAY - timedelta(days=3))  # no framework
    run(db, csv(line(voucher="B1"), line(group="Flygtninge og indvandrere", voucher="B2")))
    approved(db, lot=lot, starts_on=TODAY - timedelta(days=5), ends_on=TODAY)


def test_the_kept_purchase_figures_equal_the_purchases_when_stored_imported_and_exempted(db):
    every_kind_of_purchase(db)
    assert totals.differences(db) == []
    odense = user(db, ODENSE).organisation_id
    exempted = db.get(OutsideMonth, (TODAY.strftime("%Y-%m"), odense, Classification.EXEMPTED))
    # The registered breach of 12.500 and the imported one of 1.234,50 both fell in the period.
    assert (exempted.amount, exempted.purchases) == (Decimal("13734.50"), 2)


def test_each_purchase_summary_answers_every_table_it_serves_exactly_as_the_purchases_do(db):
    every_kind_of_purchase(db)
    _odense, _region, handicap, periods, filters = _places_and_periods(db)
    served = set()
    for dimension, chosen, period in product(tables.OUTSIDE_DIMENSIONS, filters, periods):
        found = Filters(period=period, **chosen)
        summary = tables._outside_summary_for(dimension, found)
        if summary is None:
            continue
        served.add(summary)
        from_summary = sorted(tables._outside_by_summary(db, summary, dimension, found))
        from_purchases = sorted(tables._outside_by_purchase(db, dimension, found))
        assert from_summary == from_purchases, (dimension, chosen, period, summary.__name__)
    assert served == {OutsideMonth, OutsideGroupMonth}
    assert tables._outside_summary_for("jobcentre", Filters(target_group_id=handicap)) is None
    assert tables._outside_summary_for("month", Filters(tender_id=1)) is None
