"""Importing a purchase ledger: all lines checked first, a bad file stores nothing and says
which lines, a good one is classified, a second import of the same lines adds nothing."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app import clock
from app.calloffs import services as calloffs
from app.core.errors import DomainError, NotAllowed
from app.purchases import ledger, services
from app.purchases.models import CallOffPayment, Classification, OutsidePurchase
from app.spend import totals
from tests.calloffs.conftest import TODAY, place, supplier_user
from tests.conftest import NOW, login, user
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
    assert breach.lacks_breach_reason
    assert not next(p for p in found if p is not breach).lacks_breach_reason


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


# --- lines that pay the jobcentre's own call-offs ---------------------------------------------

FRAMEWORK_CVR = "10000009"  # Akademikerhuset, rank 1 on the tests' frameworks


def _order_placed_at(db, moment, lot=None):
    """An order of 2.000,00 kr. from Jobcenter Odense to Akademikerhuset, placed at a moment."""
    lot = lot or framework(db, prices=("1000.00",))
    with clock.frozen_at(moment):
        return place(db, lot, quantity=2, starts_on=moment.date() + timedelta(days=7))


def _payments(db, record=None):
    stmt = select(CallOffPayment).order_by(CallOffPayment.id)
    if record is not None:
        stmt = stmt.where(CallOffPayment.import_id == record.id)
    return db.scalars(stmt).all()


def _paid_on(day: str) -> str:
    return line(amount="2.000,00", cvr=FRAMEWORK_CVR, day=day, voucher=f"P-{day}")


def test_a_payment_dated_before_the_order_was_placed_pays_nothing_and_is_kept_for_review(db):
    """The issue's case: a line of 27 November, and the only matching order placed on 2
    December. It is no payment of that order: it is stored, classified and flagged."""
    _order_placed_at(db, datetime(2026, 12, 2, 9, 0, tzinfo=UTC))
    before = stored(db)
    with clock.frozen_at(datetime(2026, 12, 3, 9, 0, tzinfo=UTC)):
        record = run(db, csv(_paid_on("27-11-2026")))
    assert (record.added, record.call_off_payments) == (1, 0)
    assert stored(db) == before + 1 and _payments(db) == []
    kept = db.scalars(select(OutsidePurchase).where(OutsidePurchase.import_id == record.id)).one()
    assert kept.needs_review and kept.classification == Classification.BREACH


@pytest.mark.parametrize(("day", "pays"), [("01-12-2026", False), ("02-12-2026", True)])
def test_a_payment_matches_an_order_from_the_copenhagen_day_it_was_placed(db, day, pays):
    """Placed at 23:30 UTC on 1 December: 00:30 on 2 December in Copenhagen."""
    order = _order_placed_at(db, datetime(2026, 12, 1, 23, 30, tzinfo=UTC))
    with clock.frozen_at(datetime(2026, 12, 3, 9, 0, tzinfo=UTC)):
        record = run(db, csv(_paid_on(day)))
    assert record.call_off_payments == (1 if pays else 0)
    assert [p.call_off_id for p in _payments(db)] == ([order.id] if pays else [])


@pytest.mark.parametrize("how", ["cancelled", "declined"])
def test_a_payment_of_a_cancelled_or_declined_order_pays_nothing(db, how):
    order = _order_placed_at(db, NOW)
    if how == "cancelled":
        calloffs.cancel(db, user(db, "jobcenter.odense@demo.dk"), order, "Borgeren er flyttet")
    else:
        calloffs.decline(db, user(db, supplier_user(db, order)), order, "Ingen kapacitet")
    record = run(db, csv(_paid_on(DAY)))
    assert (record.added, record.call_off_payments) == (1, 0)
    kept = db.scalars(select(OutsidePurchase).where(OutsidePurchase.import_id == record.id)).one()
    assert kept.needs_review


def test_a_payment_is_kept_with_the_order_it_paid_and_counted_in_no_figure(db):
    order = _order_placed_at(db, NOW)
    before = stored(db)
    record = run(db, csv(_paid_on(DAY), line(voucher="B2")))
    assert (record.lines, record.added, record.already_known, record.call_off_payments) == (
        2,
        1,
        0,
        1,
    )
    (payment,) = _payments(db, record)
    assert payment.call_off_id == order.id and payment.voucher == f"P-{DAY}"
    assert payment.amount == Decimal("2000.00") and payment.supplier_cvr == FRAMEWORK_CVR
    assert stored(db) == before + 1  # only the other line is an outside purchase
    assert totals.differences(db) == []  # the spend figures count the order once


def test_importing_a_payment_again_adds_nothing(db):
    _order_placed_at(db, NOW)
    run(db, csv(_paid_on(DAY)))
    before = stored(db)
    again = run(db, csv(_paid_on(DAY)), name="igen.csv")
    assert (again.added, again.already_known, again.call_off_payments) == (0, 1, 0)
    assert stored(db) == before and len(_payments(db)) == 1


def test_two_payments_pay_two_orders_oldest_first_and_a_third_is_looked_at(db):
    first = _order_placed_at(db, NOW - timedelta(days=2))
    second = _order_placed_at(db, NOW - timedelta(days=1), lot=first.lot)
    payments = [line(amount="2.000,00", cvr=FRAMEWORK_CVR, voucher=f"P{n}") for n in (1, 2, 3)]
    record = run(db, csv(*payments))
    assert [p.call_off_id for p in _payments(db, record)] == [first.id, second.id]
    assert (record.added, record.call_off_payments) == (1, 2)
    third = db.scalars(select(OutsidePurchase).where(OutsidePurchase.import_id == record.id)).one()
    assert third.voucher == "P3" and third.needs_review  # no third order: paid twice?


def test_the_import_page_and_the_order_page_show_what_a_payment_paid(app, client, db):
    order = _order_placed_at(db, NOW)
    record = run(db, csv(_paid_on(DAY)))
    import_id, order_id, number = record.id, order.id, order.number
    db.commit()
    login(client, "jobcenter.odense@demo.dk")
    summary = client.get(f"/purchases/imports/{import_id}").get_data(as_text=True)
    table = summary.split('data-testid="call-off-payments"')[1].split("</table>")[0]
    assert number in table and f"/orders/{order_id}" in table and "2.000,00" in table
    page = client.get(f"/orders/{order_id}").get_data(as_text=True)
    paid = page.split('data-testid="order-payments"')[1].split("</ul>")[0]
    assert f"/purchases/imports/{import_id}" in paid and f"P-{DAY}" in paid
    # The supplier sees its order, not the jobcentre's ledger.
    supplier = app.test_client()
    login(supplier, "leverandoer1@demo.dk")
    assert 'data-testid="order-payments"' not in supplier.get(f"/orders/{order_id}").get_data(
        as_text=True
    )


def test_an_imports_summary_counts_its_purchases_per_classification_and_the_flagged(db):
    record = run(db, csv(line(voucher="B1"), line(amount="200,00", voucher="B2")))
    counts = {row[0]: (row[1], row[2]) for row in ledger.import_counts(db, record)}
    assert sum(n for n, _sum in counts.values()) == 2
    assert sum(total for _n, total in counts.values()) == Decimal("1434.50")
    assert ledger.flagged_count(db, record) == 0
    assert ledger.recent_imports(db, user(db, "jobcenter.odense@demo.dk"))[0].id == record.id
    assert ledger.recent_imports(db, user(db, "jobcenter.aalborg@demo.dk")) == []


def test_region_staff_import_for_their_jobcentres_and_a_jobcentre_for_itself(db):
    odense = user(db, "jobcenter.odense@demo.dk")
    assert ledger.import_jobcentres(db, odense) == [odense.organisation]
    staff = user(db, "region.syddanmark@demo.dk")
    jobcentres = ledger.import_jobcentres(db, staff)
    assert odense.organisation in jobcentres
    assert all(j.region_id == staff.organisation_id for j in jobcentres)
    assert [j.name for j in jobcentres] == sorted(j.name for j in jobcentres)
    assert ledger.may_import(staff) and ledger.may_import(odense)
    assert not ledger.may_import(user(db, "direktoer.syddanmark@demo.dk"))


def test_the_purchase_search_narrows_by_class_text_and_review(db):
    framework(db)
    run(db, csv(line(voucher="B1"), line(group="Flygtninge og indvandrere", voucher="X2")))
    odense = user(db, "jobcenter.odense@demo.dk")

    def found(**search):
        return db.scalars(
            services.search_purchases(odense, services.PurchaseSearch(**search))
        ).all()

    everything = found()
    assert {"B1", "X2"} <= {p.voucher for p in everything}
    breaches = {p.voucher for p in found(classification="breach")}
    assert "B1" in breaches and "X2" not in breaches
    assert [p.voucher for p in found(text="x2")] == ["X2"]
    assert len(found(classification="no-such-class")) == len(everything)
    assert all(p.needs_review for p in found(needs_review=True))
    aalborg = user(db, "jobcenter.aalborg@demo.dk")
    theirs = db.scalars(services.search_purchases(aalborg, services.PurchaseSearch())).all()
    assert all(p.jobcentre_id == aalborg.organisation_id for p in theirs)
