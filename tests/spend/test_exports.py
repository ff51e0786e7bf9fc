"""The spend exports as a controller opens them: a bold, frozen header with an autofilter,
columns that fit, amounts as numbers in a Danish number format, months as real dates, the total
row, the filters on a second sheet, a name that says what the file holds; and the workbook read
by LibreOffice as a real client, its figures the platform's."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
from datetime import datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.organisations.models import Organisation
from app.spend import tables
from app.spend.figures import Period
from app.spend.tables import Filters
from app.tenders.models import Scope
from tests.calloffs.conftest import AALBORG, ODENSE, framework, place
from tests.conftest import login

SD_STAFF = "region.syddanmark@demo.dk"


def spend(db):
    lot = framework(db, "HS", scope=Scope.NATIONAL, prices=("1234.50",))
    place(db, lot, email=ODENSE, quantity=2)
    place(db, lot, email=AALBORG, quantity=1)
    db.commit()
    return lot


def test_the_workbook_is_what_a_controller_expects(db, app):
    spend(db)
    period = Period(datetime(2026, 9, 1).date(), datetime(2026, 11, 30).date())
    table = tables.combined(db, "month", Filters(period=period), "Per month")
    about = [("Dashboard", "Forbrug"), ("Filters", "Målgruppe: Ledige akademikere")]
    book = load_workbook(io.BytesIO(tables.as_xlsx(table, about=about)))
    sheet = book.worksheets[0]
    header = sheet[1]
    assert [c.value for c in header] == table.columns
    assert all(c.font.bold for c in header)
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:G{len(table.rows) + 1}"
    assert sheet["A2"].value == datetime(2026, 9, 1) and sheet["A2"].number_format == "mmm yyyy"
    assert sheet["A4"].value == datetime(2026, 11, 1)
    assert isinstance(sheet["B2"].value, int | float) and sheet["B2"].number_format == "#,##0.00"
    assert sheet["G2"].number_format == "0.00"
    total = len(table.rows) + 2
    assert sheet[f"A{total}"].value == "Total" and sheet[f"A{total}"].font.bold
    assert sheet[f"B{total}"].value == pytest.approx(float(table.total[1]))
    widths = {key: dim.width for key, dim in sheet.column_dimensions.items()}
    assert widths["B"] >= len("Through frameworks (committed)")  # the header fits
    filters = book.worksheets[1]
    assert filters["A2"].value == "Dashboard" and filters["B3"].value.startswith("Målgruppe")


def test_a_table_without_a_total_says_so_below_its_rows(db):
    spend(db)
    table = tables.combined(db, "target_group", Filters(), "Per group")
    sheet = load_workbook(io.BytesIO(tables.as_xlsx(table))).worksheets[0]
    assert "counts under each" in sheet[f"A{len(table.rows) + 2}"].value


def test_an_exports_name_says_what_it_holds_and_its_filters_are_on_the_second_sheet(client, db):
    group = spend(db).tender.target_groups[0]
    login(client, SD_STAFF)
    response = client.get(
        f"/spend/region/jobcentre.xlsx?from=2026-09-01&to=2026-11-30&target_group={group.id}"
    )
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="forbrug-region-jobcentre-beskaeftigelsesregion-syddanmark'
        '-2026-09-01-2026-11-30.xlsx"'
    )
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["jobcentre", "Filtre"]
    about = {row[0].value: row[1].value for row in book["Filtre"].iter_rows(min_row=2)}
    assert about["Organisation"] == "Beskæftigelsesregion Syddanmark"
    assert about["Fra"] == "1. sep. 2026" and about["Til"] == "30. nov. 2026"
    assert about["Filtre"] == f"Målgruppe: {group.name}"
    whole = client.get("/spend/region/report.pdf").headers["Content-Disposition"]
    assert "forbrug-region-beskaeftigelsesregion-syddanmark-hele-perioden.pdf" in whole


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def _as_csv_by_libreoffice(workbook: bytes, tmp_path) -> list[list[str]]:
    """The first sheet as LibreOffice reads and writes it (CSV, comma-separated, UTF-8, the
    cells as formatted)."""
    source = tmp_path / "export.xlsx"
    source.write_bytes(workbook)
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    with (tmp_path / "export.csv").open(encoding="utf-8") as handle:
        return list(csv.reader(handle))


def _number(text: str) -> Decimal:
    """A cell as LibreOffice wrote it in its (English) locale: 1,234.50 -> 1234.50."""
    return Decimal(text.replace(",", ""))


# CI installs LibreOffice and requires this test with the browser tests; elsewhere it may skip.
@pytest.mark.skipif(
    SOFFICE is None and os.environ.get("BROWSER_TESTS") != "required",
    reason="LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui",
)
def test_libreoffice_reads_the_export_with_the_platforms_figures(client, db, tmp_path):
    spend(db)
    login(client, SD_STAFF)
    workbook = client.get("/spend/region/jobcentre.xlsx").data
    shown = {row[0]: row for row in _as_csv_by_libreoffice(workbook, tmp_path)[1:]}
    with client.application.test_request_context():
        syddanmark = db.scalars(select(Organisation.id).where(Organisation.code == "SD")).one()
        table = tables.combined(db, "jobcentre", Filters(region_id=syddanmark), "t")
    assert len(shown) == len(table.rows) + 1  # every jobcentre, and the total
    for row in [*table.rows, ["Total", *table.total[1:]]]:
        cells = shown["I alt" if row[0] == "Total" else row[0]]
        for column in sorted(table.money):
            assert _number(cells[column]) == row[column], (row[0], column)
    odense = shown["Jobcenter Odense"]
    assert _number(odense[1]) >= Decimal("2469.00")  # our two orders are in it
