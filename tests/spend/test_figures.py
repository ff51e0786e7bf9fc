"""The spend figures against small hand-computed data sets: cancelled and declined orders, an
invoice above its total, outside purchases of each class, period boundaries, lot use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.auth.roles import Role
from app.calloffs import services as calloffs
from app.organisations.models import Organisation
from app.purchases.models import Classification
from app.spend import figures, tables
from app.spend.figures import Period
from app.spend.tables import Filters
from tests.calloffs.conftest import TODAY, framework, invoiced, place
from tests.conftest import user
from tests.purchases.conftest import approved, register
from tests.purchases.conftest import framework as group_framework

SVENDBORG = "jc.svendborg@test.dk"  # a jobcentre the demo data leaves alone


@pytest.fixture
def svendborg(db):
    jobcentre = db.scalars(
        select(Organisation).where(Organisation.name == "Jobcenter Svendborg")
    ).one()
    db.add(
        User(
            email=SVENDBORG,
            name="Svend Jobcenter",
            role=Role.JOBCENTRE_STAFF,
            organisation_id=jobcentre.id,
            password_hash="-",
        )
    )
    db.flush()
    return jobcentre


@dataclass(frozen=True)
class Row:
    committed: Decimal
    actual: Decimal
    breach: Decimal
    exempted: Decimal
    no_framework: Decimal
    compliance: Decimal | None


def row(db, jobcentre, **period) -> Row:
    """The jobcentre's line of the spend table (zeros when it spent nothing)."""
    table = tables.combined(
        db, "jobcentre", Filters(period=Period(**period), jobcentre_id=jobcentre.id), "test"
    )
    if not table.rows:
        zero = Decimal("0.00")
        return Row(zero, zero, zero, zero, zero, None)
    return Row(*table.rows[0][1:])


def test_spend_and_compliance_of_a_jobcentre_by_hand(db, svendborg):
    lot = framework(db, maximum="100000.00", prices=("1000.00",))
    place(db, lot, email=SVENDBORG, quantity=2)  # committed 2.000
    cancelled = place(db, lot, email=SVENDBORG, quantity=5)  # 5.000, then cancelled: 0
    calloffs.cancel(db, user(db, SVENDBORG), cancelled, "Borgeren i job")
    declined = place(db, lot, email=SVENDBORG, quantity=3)  # 3.000, then declined: 0
    calloffs.decline(db, user(db, "leverandoer1@demo.dk"), declined, "Fuldt")
    paid = invoiced(db, lot, amount="2500.00", reason="Ekstra", email=SVENDBORG, quantity=2)
    calloffs.approve_invoice(db, user(db, SVENDBORG), paid)  # committed and actual 2.500
    other = group_framework(db)  # a framework for the purchases' own target group
    register(db, email=SVENDBORG, breach_reason="Akut", amount=Decimal("500.00"))
    approved(db, lot=other, email=SVENDBORG, starts_on=TODAY - timedelta(days=1))
    register(db, email=SVENDBORG, purchased_on=TODAY, amount=Decimal("300.00"))  # exempted
    register(
        db,
        email=SVENDBORG,
        amount=Decimal("200.00"),
        target_group_id=_group(db, "Flygtninge og indvandrere"),
    )  # no framework
    figures_row = row(db, svendborg)
    assert figures_row.committed == Decimal("4500.00")
    assert figures_row.actual == Decimal("2500.00")
    assert (figures_row.breach, figures_row.exempted, figures_row.no_framework) == (
        Decimal("500.00"),
        Decimal("300.00"),
        Decimal("200.00"),
    )
    assert figures_row.compliance == Decimal("90.0")  # 4.500 ÷ (4.500 + 500)


def _group(db, name):
    from app.targetgroups.models import TargetGroup

    return db.scalars(select(TargetGroup.id).where(TargetGroup.name == name)).one()


def test_a_jobcentre_without_spend_has_no_compliance_figure(db, svendborg):
    assert row(db, svendborg).compliance is None


def test_the_period_counts_purchases_by_their_date_to_the_day(db, svendborg):
    register(db, email=SVENDBORG, purchased_on=TODAY - timedelta(days=3), amount=Decimal("10.00"))
    register(db, email=SVENDBORG, purchased_on=TODAY - timedelta(days=2), amount=Decimal("20.00"))
    day = TODAY - timedelta(days=3)
    assert row(db, svendborg, start=day, end=day).no_framework == Decimal("10.00")
    assert row(db, svendborg, start=day + timedelta(days=1)).no_framework == Decimal("20.00")


def test_the_period_counts_orders_by_the_day_they_were_placed(db, svendborg):
    lot = framework(db, prices=("1000.00",))
    place(db, lot, email=SVENDBORG, quantity=1)  # placed today (the frozen clock)
    assert row(db, svendborg, start=TODAY, end=TODAY).committed == Decimal("1000.00")
    assert row(db, svendborg, end=TODAY - timedelta(days=1)).committed == Decimal("0.00")
    assert row(db, svendborg, start=TODAY + timedelta(days=1)).committed == Decimal("0.00")


def test_lot_use_with_its_warnings(db):
    lot = framework(db, maximum="10000.00", prices=("1000.00",))
    place(db, lot, quantity=8)
    use = next(u for u in figures.lot_use(db, lot.tender.region_id) if u.lot.id == lot.id)
    assert (use.committed, use.share, use.warning) == (Decimal("8000.00"), Decimal("80.0"), 80)
    place(db, lot, quantity=2)
    use = next(u for u in figures.lot_use(db, lot.tender.region_id) if u.lot.id == lot.id)
    assert (use.share, use.warning) == (Decimal("100.0"), 100)


def test_classification_names_are_the_enum(db):
    assert Classification.BREACH.value == "breach"
