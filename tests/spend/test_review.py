"""Spend figures at the edges: Copenhagen months, a framework filter on compliance, the chosen
target group only, Danish exports in any language, odd dates, and whose figures a region sees."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from html import unescape

import pytest
from sqlalchemy import select

from app import clock
from app.calloffs import services as calloffs
from app.organisations.models import Organisation
from app.spend import figures, tables
from app.spend.charts import Bar, bar_chart
from app.spend.tables import Filters, Table
from app.tenders.models import Scope
from tests.calloffs.conftest import (
    ODENSE,
    framework,
    invoiced,
    place,
)
from tests.conftest import login, user
from tests.purchases.conftest import framework as group_framework
from tests.purchases.conftest import register

SD_STAFF = "region.syddanmark@demo.dk"


@pytest.mark.parametrize(
    ("moment", "month"),
    [
        (datetime(2026, 10, 31, 22, 30, tzinfo=UTC), "2026-10"),  # 23:30 in Copenhagen (CET)
        (datetime(2026, 10, 31, 23, 30, tzinfo=UTC), "2026-11"),  # 00:30 on 1 November
        (datetime(2026, 6, 30, 21, 30, tzinfo=UTC), "2026-06"),  # 23:30 (CEST)
        (datetime(2026, 6, 30, 22, 30, tzinfo=UTC), "2026-07"),  # 00:30 on 1 July
    ],
)
def test_months_are_copenhagen_months(db, moment, month):
    lot = framework(db, starts_on=date(2026, 6, 1))
    with clock.frozen_at(moment):
        place(db, lot, starts_on=date(2026, 11, 30))
    rows = tables.orders_by(db, "month", Filters(tender_id=lot.tender_id))
    assert [row[0] for row in rows] == [month]


def test_with_a_framework_chosen_only_its_breaches_count_against_it(db):
    chosen = group_framework(db)
    other = group_framework(db, "HS", scope=Scope.NATIONAL)
    unrelated = framework(db, "HS", scope=Scope.NATIONAL)  # academics: not the breach's group
    place(db, chosen, quantity=1)  # 1.000 through the chosen framework
    register(db, breach_reason="Akut", amount=Decimal("1000.00"))  # passes both by
    only_chosen = Filters(tender_id=chosen.tender_id)
    table = tables.combined(db, "jobcentre", only_chosen, "t")
    assert table.rows[0][3] == Decimal("1000.00") and table.rows[0][6] == Decimal("50.0")
    only_other = Filters(tender_id=other.tender_id)
    assert tables.combined(db, "jobcentre", only_other, "t").rows[0][3] == Decimal("1000.00")
    only_unrelated = Filters(tender_id=unrelated.tender_id)
    # Every jobcentre has its row (who does not use the frameworks), with nothing in it.
    unrelated_rows = tables.combined(db, "jobcentre", only_unrelated, "t").rows
    assert unrelated_rows and all(row[1:6] == [Decimal("0.00")] * 5 for row in unrelated_rows)


def test_a_chosen_target_group_shows_only_its_own_row(db):
    from app.targetgroups.models import TargetGroup

    lot = framework(db)
    handicap = db.scalars(
        select(TargetGroup).where(TargetGroup.name == "Personer med handicap")
    ).one()
    lot.tender.target_groups.append(handicap)
    place(db, lot, quantity=1)
    rows = tables.orders_by(
        db, "target_group", Filters(tender_id=lot.tender_id, target_group_id=handicap.id)
    )
    assert [row[0] for row in rows] == ["Personer med handicap"]


def test_a_sent_invoice_is_not_yet_actual_spend(db):
    lot = framework(db, prices=("1000.00",))
    order = invoiced(db, lot, quantity=1)
    only = Filters(tender_id=lot.tender_id)
    assert tables.orders_by(db, "jobcentre", only) == [
        ("Jobcenter Odense", Decimal("1000.00"), Decimal("0.00"))
    ]
    calloffs.approve_invoice(db, user(db, ODENSE), order)
    assert tables.orders_by(db, "jobcentre", only)[0][2] == Decimal("1000.00")


def test_a_region_sees_only_its_own_lots_whatever_the_query_string(client, db):
    lot = framework(db, "NJ", prices=("1000.00",), maximum="98765.00")
    regions = {
        code: db.scalars(select(Organisation.id).where(Organisation.code == code)).one()
        for code in ("NJ", "SD")
    }
    assert all(u.lot.id != lot.id for u in figures.lot_use(db, regions["SD"]))
    place(db, framework(db, "NJ", prices=("4444.00",)), email="jobcenter.aalborg@demo.dk")
    db.commit()
    login(client, SD_STAFF)
    page = unescape(client.get(f"/spend/?region={regions['NJ']}").get_data(as_text=True))
    assert "98.765,00" not in page and "4.444,00" not in page


@pytest.mark.parametrize("query", ["from=0001-01-01", "to=9999-12-31", "from=2026-13-01"])
def test_odd_dates_are_ignored_not_a_crash(client, db, query):
    login(client, SD_STAFF)
    assert client.get(f"/spend/?{query}").status_code == 200
    assert client.get(f"/spend/region/jobcentre.csv?{query}").status_code == 200


def test_exports_and_the_report_are_danish_whatever_the_language(client, db):
    login(client, SD_STAFF)
    client.get("/language/en")
    assert "Through frameworks" in client.get("/spend/").get_data(as_text=True)
    body = client.get("/spend/region/jobcentre.csv").get_data(as_text=True)
    assert "Gennem rammeaftaler (disponeret)" in body


def test_every_formula_start_is_defused_in_csv():
    table = Table("t", "t", ["Navn"], [["+1"], ["-2"], ["@SUM(A1)"], ["=1"], ["Almindelig"]])
    text = tables.as_csv(table)
    assert all(f"'{v}" in text for v in ("+1", "-2", "@SUM(A1)", "=1")) and "\nAlmindelig" in text


def test_chart_labels_are_escaped():
    svg = str(bar_chart([Bar("<script>x</script>", Decimal(50), "<b>")], "t"))
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "&lt;b&gt;" in svg
