"""Importing a purchase ledger: all lines checked first, a bad file stores nothing and says
which lines, a good one is classified, a second import of the same lines adds nothing."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.errors import DomainError, NotAllowed
from app.purchases import ledger
from app.purchases.models import Classification, OutsidePurchase
from tests.calloffs.conftest import TODAY
from tests.conftest import user
from tests.purchases.conftest import GROUP, OUTSIDE_CVR, framework

HEADER = "dato;cvr;leverandør;beløb;målgruppe;beskrivelse;bilag"
DAY = TODAY.strftime("%d-%m-%Y")


def csv(*lines: str) -> bytes:
    return "\n".join([HEADER, *lines]).encode()


def line(amount="1.234,50", cvr=OUTSIDE_CVR, group=GROUP, day=DAY, text="Kursus", voucher="B1"):
    return f"{day};{cvr};Lokal Kursus ApS;{amount};{group};{text};{voucher}"


def run(db, data: bytes, name="bogholderi.csv", email="jobcenter.odense@demo.dk"):
    actor = user(db, email)
    jobcentre = user(db, "jobcenter.odense@demo.dk").organisation
    return ledger.import_ledger(db, actor, jobcentre, ledger.read_ledger_file(name, data))


def stored(db) -> int:
    return db.scalar(select(func.count()).select_from(OutsidePurchase))


def test_a_good_file_is_stored_classified_and_counted(db):
    framework(db)
    record = run(db, csv(line(voucher="B1"), line(group="Flygtninge og indvandrere", voucher="B2")))
    assert (record.lines, record.added, record.already_known) == (2, 2, 0)
    found = db.scalars(select(OutsidePurchase).where(OutsidePurchase.import_id == record.id)).all()
    assert sorted(p.classification for p in found) == [
        Classification.BREACH,
        Classification.NO_FRAMEWORK,
    ]
    breach = next(p for p in found if p.classification == Classification.BREACH)
    assert breach.amount == Decimal("1234.50") and breach.breach_reason == ""


def test_importing_the_same_lines_again_adds_nothing(db):
    run(db, csv(line(voucher="B1"), line(voucher="B2")))
    before = stored(db)
    again = run(db, csv(line(voucher="B1"), line(voucher="B2"), line(voucher="B3")))
    assert (again.added, again.already_known) == (1, 2)
    assert stored(db) == before + 1


def test_a_file_with_bad_lines_stores_nothing_and_names_each_line(db):
    before = stored(db)
    data = csv(
        line(voucher="B1"),
        line(amount="tusind"),
        line(cvr="12345678"),
        line(day="31-02-2026"),
        line(group="Ukendt gruppe"),
        line(text="Borger 010190-1234"),
    )
    with pytest.raises(ledger.LedgerRejected) as rejected:
        run(db, data)
    numbers = [number for number, _message in rejected.value.problems]
    assert numbers == [3, 4, 5, 6, 7]
    messages = dict(rejected.value.problems)
    assert "tusind is not an amount" in messages[3]
    assert "Ukendt gruppe is not a known target group" in messages[6]
    assert stored(db) == before


def test_a_missing_column_is_reported_on_the_header_line(db):
    with pytest.raises(ledger.LedgerRejected) as rejected:
        run(db, b"dato;cvr;leverandoer\n01-01-2026;55000018;X\n")
    assert rejected.value.problems[0][0] == 1
    assert "beløb, målgruppe" in rejected.value.problems[0][1]


def test_danish_and_plain_formats_and_commas_are_read(db):
    data = (
        "Dato,CVR,Leverandoer,Beloeb,Maalgruppe\n"
        f"{TODAY.strftime('%d.%m.%Y')},{OUTSIDE_CVR},Lokal Kursus ApS,1234.50,{GROUP}\n"
        f'{TODAY.isoformat()},{OUTSIDE_CVR},Lokal Kursus ApS,"2.000,00",{GROUP}\n'
    ).encode()
    record = run(db, data)
    amounts = db.scalars(
        select(OutsidePurchase.amount).where(OutsidePurchase.import_id == record.id)
    ).all()
    assert sorted(amounts) == [Decimal("1234.50"), Decimal("2000.00")]


def test_an_xlsx_ledger_with_real_dates_and_numbers(db):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["dato", "cvr", "leverandør", "beløb", "målgruppe", "bilag"])
    sheet.append(
        [date(TODAY.year, TODAY.month, TODAY.day), OUTSIDE_CVR, "Lokal ApS", 999.95, GROUP, "X1"]
    )
    sheet.append([None, None, None, None, None, None])  # a blank line is skipped
    buffer = io.BytesIO()
    book.save(buffer)
    record = run(db, buffer.getvalue(), name="bogholderi.xlsx")
    purchase = db.scalars(
        select(OutsidePurchase).where(OutsidePurchase.import_id == record.id)
    ).one()
    assert purchase.amount == Decimal("999.95") and purchase.voucher == "X1"


def test_a_file_of_another_type_or_a_damaged_spreadsheet_is_refused(db):
    with pytest.raises(DomainError, match="CSV or an XLSX"):
        run(db, b"%PDF-1.4 x", name="bogholderi.pdf")
    with pytest.raises(DomainError, match="cannot be read"):
        run(db, b"PK\x03\x04 not really a zip", name="bogholderi.xlsx")


def test_the_region_imports_for_its_own_jobcentres_only(db):
    assert run(db, csv(line()), email="region.syddanmark@demo.dk").added == 1
    with pytest.raises(NotAllowed):
        run(db, csv(line(voucher="B9")), email="region.nordjylland@demo.dk")
    with pytest.raises(NotAllowed):
        run(db, csv(line(voucher="B9")), email="jobcenter.aalborg@demo.dk")
