"""What a controller sees first: headline figures that are a table's total, a total row (summed
in SQL, equal to the rows' sum, the whole table's where only the largest rows are loaded, none
where rows count an order twice by design), every jobcentre and every month with or without
spend, the trend chart, every lot nationally against its maximum, and labels wrapped, not cut."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from html import unescape

import pytest
from sqlalchemy import select

from app.organisations.kinds import OrganisationKind
from app.organisations.models import Organisation
from app.spend import tables
from app.spend.charts import trend_chart, wrap
from app.spend.figures import Period
from app.spend.tables import Filters, period_months
from app.tenders.models import Scope
from tests.calloffs.conftest import AALBORG, ODENSE, TODAY, framework, invoiced, place
from tests.conftest import login, user
from tests.purchases.conftest import framework as group_framework
from tests.purchases.conftest import register

SD_STAFF = "region.syddanmark@demo.dk"


def region_id(db, code: str) -> int:
    return db.scalars(select(Organisation.id).where(Organisation.code == code)).one()


def some_spend(db):
    """Orders in two regions from two suppliers, one approved, and a breach in Odense."""
    lot = framework(db, "HS", scope=Scope.NATIONAL, prices=("1000.00", "1500.00"))
    place(db, lot, email=ODENSE, quantity=2)
    place(db, lot, rank=2, email=AALBORG, quantity=1)
    from app.calloffs import services as calloffs

    paid = invoiced(db, lot, email=ODENSE, quantity=1)
    calloffs.approve_invoice(db, user(db, ODENSE), paid)
    group_framework(db)
    register(db, breach_reason="Akut", amount=Decimal("700.00"))
    return lot


def column_sums(table) -> list:
    return [sum((row[c] for row in table.rows), Decimal("0.00")) for c in sorted(table.money)]


@pytest.mark.parametrize("dimension", ["jobcentre", "region", "month"])
def test_a_combined_tables_total_is_the_sum_of_its_rows(db, dimension):
    before = tables.combined(db, dimension, Filters(), "t").total
    some_spend(db)
    table = tables.combined(db, dimension, Filters(), "t")
    assert table.total[0] == "Total"
    assert [table.total[c] for c in sorted(table.money)] == column_sums(table)
    committed, breach = table.total[1], table.total[3]
    assert committed - before[1] == Decimal("4500.00") and breach - before[3] == Decimal("700.00")
    assert table.total[6] == tables.compliance(committed, breach)


def test_an_orders_tables_total_is_the_whole_tables_where_only_the_largest_are_loaded(db):
    only = Filters(tender_id=some_spend(db).tender_id)
    whole = tables.orders_table(db, "supplier", only, "t")
    cut = tables.orders_table(db, "supplier", only, "t", largest=1)
    assert len(cut.rows) == 1 and cut.whole == 2
    assert whole.total == cut.total == ["Total", *column_sums(whole)]
    assert cut.total[1] == Decimal("4500.00")


def test_the_target_groups_table_says_why_it_has_no_total(db):
    some_spend(db)
    table = tables.combined(db, "target_group", Filters(), "t")
    assert table.total is None
    assert "counts under each" in table.no_total


def test_an_empty_table_totals_zero(db):
    table = tables.combined(db, "jobcentre", Filters(jobcentre_id=-1), "t")
    assert table.rows == [] and table.total[1:6] == [Decimal("0.00")] * 5
    assert table.total[6] is None  # no spend, no compliance


def test_every_jobcentre_of_the_region_is_listed_with_or_without_spend(db):
    some_spend(db)
    syddanmark = region_id(db, "SD")
    jobcentres = db.scalars(
        select(Organisation.name).where(
            Organisation.region_id == syddanmark, Organisation.kind == OrganisationKind.JOBCENTRE
        )
    ).all()
    table = tables.combined(db, "jobcentre", Filters(region_id=syddanmark), "t")
    assert sorted(row[0] for row in table.rows) == sorted(jobcentres)
    assert len(jobcentres) == 22
    assert table.rows[0][0] == "Jobcenter Odense"  # the largest first, then the idle ones
    # The demo gives a few other jobcentres spend (Esbjerg's mini-competition); the rest are idle.
    idle = [row for row in table.rows if not any(row[1:6])]
    assert len(idle) >= 18
    assert all(row[1:6] == [Decimal("0.00")] * 5 and row[6] is None for row in idle)


def test_every_region_is_listed_nationally(db):
    table = tables.combined(db, "region", Filters(), "t")
    regions = db.scalars(
        select(Organisation.name).where(Organisation.kind == OrganisationKind.REGION)
    ).all()
    assert sorted(row[0] for row in table.rows) == sorted(regions)


def test_every_month_of_the_period_has_a_row_empty_ones_zero(db):
    lot = some_spend(db)
    period = Period(date(2026, 7, 1), date(2026, 12, 31))
    months = tables.combined(db, "month", Filters(period=period, tender_id=lot.tender_id), "t")
    assert [row[0] for row in months.rows] == [f"2026-{m:02d}" for m in range(7, 13)]
    november = TODAY.strftime("%Y-%m")
    for row in months.rows:
        if row[0] != november:
            assert row[1:6] == [Decimal("0.00")] * 5
    orders = tables.orders_table(db, "month", Filters(period=period, tender_id=lot.tender_id), "t")
    assert [row[0] for row in orders.rows] == [f"2026-{m:02d}" for m in range(7, 13)]


def test_the_periods_months_at_the_edges():
    assert period_months(Period(date(2025, 11, 15), date(2026, 2, 1)), []) == [
        "2025-11",
        "2025-12",
        "2026-01",
        "2026-02",
    ]
    assert period_months(Period(), ["2026-03", "2026-01"]) == ["2026-01", "2026-02", "2026-03"]
    assert period_months(Period(end=date(2026, 2, 28)), ["2026-01"]) == ["2026-01", "2026-02"]
    assert period_months(Period(), []) == []
    assert period_months(Period(date(2026, 3, 1), date(2026, 1, 31)), []) == []
    assert len(period_months(Period(date(1990, 1, 1), date(2026, 1, 1)), [])) == 120


def test_the_headline_is_the_first_tables_total(db):
    some_spend(db)
    table = tables.combined(db, "region", Filters(), "t")
    shown = tables.headline(table, 3)
    assert [shown.committed, shown.approved, shown.breaches, shown.exempted] == [
        table.total[1],
        table.total[2],
        table.total[3],
        table.total[4],
    ]
    assert shown.compliance == table.total[6] and shown.near == 3
    orders = tables.orders_table(db, "jobcentre", Filters(), "t")
    supplier = tables.headline(orders, None)
    assert supplier.breaches is None and supplier.committed == orders.total[1]


def _cell(page: str, testid: str) -> str:
    return page.split(f'data-testid="{testid}">')[1].split("<")[0]


@pytest.mark.parametrize(
    ("email", "url", "first"),
    [
        (SD_STAFF, "/spend/", "jobcentre"),
        ("ministeriet@demo.dk", "/spend/national", "region"),
        (ODENSE, "/spend/jobcentre", "jobcentre"),
        ("leverandoer1@demo.dk", "/spend/supplier", "jobcentre"),
    ],
)
def test_each_dashboards_headline_equals_its_tables_total_row(client, db, email, url, first):
    some_spend(db)
    db.commit()
    login(client, email)
    page = unescape(client.get(url).get_data(as_text=True))
    total = page.split(f'data-testid="total-{first}">')[1].split("</tr>")[0]
    cells = [cell.split(">", 1)[1].split("<")[0] for cell in total.split("<t")[1:]]
    assert cells[0] == "I alt"
    assert _cell(page, "headline-committed") == cells[1]
    assert _cell(page, "headline-approved") == cells[2]
    if len(cells) > 3:
        assert _cell(page, "headline-breaches") == cells[3]
        assert _cell(page, "headline-compliance") == cells[6]
    else:
        assert 'data-testid="headline-breaches"' not in page
    assert 'data-testid="headline-near"' in page


def test_the_region_dashboard_shows_every_jobcentre_and_the_months_in_danish(client, db):
    some_spend(db)
    db.commit()
    login(client, SD_STAFF)
    page = unescape(client.get("/spend/?from=2026-09-01&to=2026-11-30").get_data(as_text=True))
    jobcentres = page.split('data-testid="table-jobcentre"')[1].split("</tbody>")[0]
    assert jobcentres.count("<tr>") == 1 + 22  # the header and every jobcentre
    months = page.split('data-testid="table-month"')[1].split("</table>")[0]
    assert "sep. 2026" in months and "okt. 2026" in months and "nov. 2026" in months
    assert "2026-10" not in months


def test_the_lots_near_their_maximum_count_on_the_jobcentres_headline(client, db):
    login(client, ODENSE)
    before = int(_cell(client.get("/spend/jobcentre").get_data(as_text=True), "headline-near"))
    lot = framework(db, "HS", scope=Scope.NATIONAL, maximum="2000.00", prices=("1000.00",))
    place(db, lot, email=ODENSE, quantity=2)  # 100 % of the maximum
    db.commit()
    page = client.get("/spend/jobcentre").get_data(as_text=True)
    assert int(_cell(page, "headline-near")) == before + 1


def test_the_trend_chart_has_a_legend_a_value_on_every_bar_and_a_name(db, app):
    lot = some_spend(db)
    months = tables.combined(db, "month", Filters(tender_id=lot.tender_id), "Spend per month")
    with app.test_request_context():
        svg = str(trend_chart(months, lambda m: f"M{m}", "Spend per month"))
    assert 'role="img"' in svg and 'aria-label="Spend per month"' in svg
    for name in ("Disponeret", "Godkendte fakturaer", "Brud"):
        assert f">{name}</text>" in svg  # the legend
    november = TODAY.strftime("%Y-%m")
    assert f"<title>M{november}, Disponeret: 4.500,00 kr.</title>" in svg
    assert svg.count("<rect") == 3 + 3 * len(months.rows)  # the legend, and three per month
    orders = tables.orders_table(db, "month", Filters(tender_id=lot.tender_id), "t")
    with app.test_request_context():
        assert "Brud" not in str(trend_chart(orders, str, "t"))  # a supplier's has none


def test_a_long_label_is_wrapped_between_words_and_cut_only_past_two_lines():
    assert wrap("Jobcenter Odense") == ["Jobcenter Odense"]
    assert wrap("RU-2026-SD-003 / 1 Forløb for ledige akademikere i Syddanmark") == [
        "RU-2026-SD-003 / 1 Forløb for",
        "ledige akademikere i Syddanmark",
    ]
    three = wrap("a" * 20 + " " + "b" * 20 + " " + "c" * 20)
    assert len(three) == 2 and three[1].endswith("…")
    assert wrap("x" * 40) == ["x" * 31 + "…"]


def test_the_national_view_shows_every_lot_filtered_by_region_and_target_group(client, db):
    south = framework(db, "SD", maximum="1000.00", prices=("500.00",))
    north = framework(db, "NJ", maximum="1000.00", prices=("500.00",))
    db.commit()
    login(client, "ministeriet@demo.dk")
    page = unescape(client.get("/spend/national").get_data(as_text=True))
    lots = page.split('data-testid="table-lots"')[1].split("</table>")[0]
    assert south.tender.reference in lots and north.tender.reference in lots
    assert "Alle delaftaler mod deres maksimum" in page
    only_north = unescape(
        client.get(f"/spend/national?region={region_id(db, 'NJ')}").get_data(as_text=True)
    )
    lots = only_north.split('data-testid="table-lots"')[1].split("</table>")[0]
    assert north.tender.reference in lots and south.tender.reference not in lots
    whole = unescape(client.get("/spend/national/tables/lots").get_data(as_text=True))
    assert south.tender.reference in whole and "I alt" in whole


def test_the_report_pdf_has_the_headline_the_totals_and_every_month(client, db):
    import io

    from pypdf import PdfReader

    login(client, SD_STAFF)
    response = client.get("/spend/region/report.pdf?from=2026-09-01&to=2026-11-30")
    pages = PdfReader(io.BytesIO(response.data)).pages
    text = " ".join(" ".join(page.extract_text() for page in pages).split())
    squeezed = text.replace(" ", "")  # a wrapped heading comes back without its space
    assert "Delaftalernærmaksimum" in squeezed and "I alt" in text
    assert "okt. 2026" in text  # a month without orders is a row of zeros, and in the chart
    assert "Ingen sum" in text  # the target groups' table says why it has no total
