"""Spend per dimension against hand-computed data; the dashboards of the ministry, the
jobcentre and the supplier; every table as CSV and XLSX; a fixed number of queries."""

from __future__ import annotations

import io
from decimal import Decimal
from html import unescape

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.calloffs import services as calloffs
from app.organisations.models import Organisation
from app.spend import tables
from app.spend.figures import Period
from app.spend.tables import Filters, Table
from app.tenders.models import Scope
from tests.calloffs.conftest import (
    AALBORG,
    ODENSE,
    TODAY,
    framework,
    invoiced,
    place,
)
from tests.conftest import login, user
from tests.query_count import queries_for


def by_label(rows) -> dict:
    return {row[0]: row[1:] for row in rows}


def test_orders_per_region_supplier_lot_and_month_by_hand(db):
    lot = framework(db, "HS", scope=Scope.NATIONAL, prices=("1000.00", "1500.00"))
    place(db, lot, email=ODENSE, quantity=2)  # 2.000 Akademikerhuset, Syddanmark
    place(db, lot, rank=2, email=AALBORG, quantity=1)  # 1.500 Job & Kompetence, Nordjylland
    paid = invoiced(db, lot, email=AALBORG, quantity=1)  # 1.000 Akademikerhuset, paid
    calloffs.approve_invoice(db, user(db, AALBORG), paid)
    only = Filters(period=Period(TODAY, TODAY), tender_id=lot.tender_id)
    regions = by_label(tables.orders_by(db, "region", only))
    assert regions["Beskæftigelsesregion Syddanmark"] == (Decimal("2000.00"), Decimal("0.00"))
    assert regions["Beskæftigelsesregion Nordjylland"] == (Decimal("2500.00"), Decimal("1000.00"))
    suppliers = by_label(tables.orders_by(db, "supplier", only))
    assert suppliers["Akademikerhuset ApS"] == (Decimal("3000.00"), Decimal("1000.00"))
    assert suppliers["Job & Kompetence A/S"] == (Decimal("1500.00"), Decimal("0.00"))
    lots = by_label(tables.orders_by(db, "lot", only))
    assert lots[f"{lot.tender.reference} / 1 Forløb"] == (Decimal("4500.00"), Decimal("1000.00"))
    months = by_label(tables.orders_by(db, "month", only))
    assert months == {TODAY.strftime("%Y-%m"): (Decimal("4500.00"), Decimal("1000.00"))}
    groups = by_label(tables.orders_by(db, "target_group", only))
    assert groups["Ledige akademikere"] == (Decimal("4500.00"), Decimal("1000.00"))


def test_a_cancelled_order_counts_nothing(db):
    lot = framework(db)
    order = place(db, lot, quantity=3)
    calloffs.cancel(db, user(db, ODENSE), order, "Nej tak")
    only = Filters(tender_id=lot.tender_id)
    assert by_label(tables.orders_by(db, "jobcentre", only)) == {
        "Jobcenter Odense": (Decimal("0.00"), Decimal("0.00"))
    }


def sample() -> Table:
    return Table(
        name="jobcentre",
        title="T",
        columns=["Jobcenter", "Beløb", "Overholdelse (%)"],
        rows=[
            ["=HYPERLINK(1)", Decimal("1234567.89"), Decimal("90.0")],
            ["B", Decimal("0.01"), None],
        ],
        money={1},
    )


def test_the_csv_keeps_amounts_exact_in_danish_and_runs_no_formula():
    text = tables.as_csv(sample())
    assert text.startswith("\ufeffJobcenter;Beløb;Overholdelse (%)")
    assert "'=HYPERLINK(1);1234567,89;90,0" in text
    assert "B;0,01;" in text


def test_the_xlsx_holds_numbers_in_kroner():
    book = load_workbook(io.BytesIO(tables.as_xlsx(sample())))
    sheet = book.active
    assert [c.value for c in sheet[1]] == ["Jobcenter", "Beløb", "Overholdelse (%)"]
    assert (
        sheet["B2"].value == pytest.approx(1234567.89) and sheet["B2"].number_format == "#,##0.00"
    )
    assert sheet["A2"].value == "'=HYPERLINK(1)"


@pytest.mark.parametrize(
    ("email", "url"),
    [
        ("ministeriet@demo.dk", "/spend/national"),
        (ODENSE, "/spend/jobcentre"),
        ("leverandoer1@demo.dk", "/spend/supplier"),
        ("region.syddanmark@demo.dk", "/spend/"),
    ],
)
def test_each_dashboard_asks_the_same_number_of_queries_with_more_data(client, db, app, email, url):
    login(client, email)
    few = queries_for(client, app, url)
    for _ in range(3):
        lot = framework(db, "HS", scope=Scope.NATIONAL)
        for _ in range(3):
            place(db, lot)
            place(db, lot, email=AALBORG)
    db.commit()
    assert queries_for(client, app, url) == few


def test_a_supplier_sees_only_its_own_orders(client, db):
    lot = framework(db, prices=("1000.00", "1777.00"))
    place(db, lot, rank=2, quantity=1)  # Job & Kompetence's order
    db.commit()
    login(client, "leverandoer1@demo.dk")
    page = unescape(client.get("/spend/supplier").get_data(as_text=True))
    assert "1.777,00" not in page
    client.post("/logout")
    login(client, "leverandoer2@demo.dk")
    assert "1.777,00" in unescape(client.get("/spend/supplier").get_data(as_text=True))


def test_a_jobcentre_sees_only_its_own_spend(client, db):
    lot = framework(db, "HS", scope=Scope.NATIONAL, prices=("4321.00",))
    place(db, lot, email=AALBORG, quantity=1)
    db.commit()
    login(client, ODENSE)
    assert "4.321,00" not in unescape(client.get("/spend/jobcentre").get_data(as_text=True))


def test_an_export_of_another_roles_dashboard_is_refused(client, db):
    login(client, ODENSE)
    assert client.get("/spend/national/region.csv").status_code == 403
    response = client.get("/spend/jobcentre/supplier.xlsx")
    assert response.status_code == 200 and response.data[:2] == b"PK"
    assert client.get("/spend/jobcentre/nonsense.csv").status_code == 404


def test_the_ministry_sees_every_region(client, db):
    login(client, "ministeriet@demo.dk")
    page = unescape(client.get("/spend/national").get_data(as_text=True))
    regions = db.scalars(select(Organisation.name).where(Organisation.code.is_not(None))).all()
    assert any(name in page for name in regions)


@pytest.mark.parametrize(
    ("email", "url"),
    [
        ("region.syddanmark@demo.dk", "/spend/region/report.pdf"),
        ("ministeriet@demo.dk", "/spend/national/report.pdf"),
        (ODENSE, "/spend/jobcentre/report.pdf"),
        ("leverandoer1@demo.dk", "/spend/supplier/report.pdf"),
    ],
)
def test_each_dashboard_as_a_pdf_report(client, db, email, url):
    login(client, email)
    response = client.get(url)
    assert response.status_code == 200 and response.data.startswith(b"%PDF")


def test_another_roles_report_is_refused(client, db):
    login(client, "leverandoer1@demo.dk")
    assert client.get("/spend/national/report.pdf").status_code == 403


def test_the_national_dashboard_filters_by_region_and_framework(client, db):
    lot = framework(db, "HS", scope=Scope.NATIONAL, prices=("1234.00",))
    place(db, lot, email=AALBORG, quantity=1)
    tender_id = lot.tender_id
    nordjylland = db.scalars(select(Organisation.id).where(Organisation.code == "NJ")).one()
    syddanmark = db.scalars(select(Organisation.id).where(Organisation.code == "SD")).one()
    db.commit()
    login(client, "ministeriet@demo.dk")
    shown = unescape(
        client.get(f"/spend/national?tender={tender_id}&region={nordjylland}").get_data(
            as_text=True
        )
    )
    assert "1.234,00" in shown
    hidden = unescape(
        client.get(f"/spend/national?tender={tender_id}&region={syddanmark}").get_data(as_text=True)
    )
    assert "1.234,00" not in hidden


def test_a_combined_table_lists_the_largest_spend_first_so_a_dashboard_shows_the_largest(db):
    lot = framework(db, "HS", scope=Scope.NATIONAL, maximum="900000.00")
    place(db, lot, email=ODENSE, quantity=50)  # Syddanmark: far the largest
    table = tables.combined(db, "region", Filters(), "Per region")
    totals_in_order = [row[1] + row[3] + row[4] + row[5] for row in table.rows]
    assert totals_in_order == sorted(totals_in_order, reverse=True)
    assert table.rows[0][0] == "Beskæftigelsesregion Syddanmark"
    months = tables.combined(db, "month", Filters(), "Per month")
    assert [row[0] for row in months.rows] == sorted(row[0] for row in months.rows)
