"""Spend grouped by one dimension (jobcentre, region, supplier, target group, lot, month), each
table one grouped query; and the tables as CSV and XLSX with Danish headers and exact amounts.

An order of a framework for two target groups counts under each of them in the target-group
table (the table answers "what was spent for this group", not a partition). Months are
calendar months of the order's placing in Copenhagen (and of the purchase's date).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import xlsxwriter
from sqlalchemy import String, cast, exists, func, literal_column, or_, select
from sqlalchemy.orm import Session, aliased

from app.calloffs.models import CallOff
from app.core.i18n import gettext as _
from app.db import code_point_order
from app.exemptions.models import Exemption
from app.organisations.kinds import OrganisationKind
from app.organisations.models import Organisation
from app.purchases.models import Classification, OutsidePurchase, breached_lots
from app.spend.figures import (
    Period,
    as_ore,
    committed_ore,
    copenhagen_month,
    paid_ore,
    purchase_month_label,
    tenders_for_group,
)
from app.spend.models import (
    GroupMonth,
    JobcentreLotTotal,
    JobcentreMonth,
    OutsideGroupMonth,
    OutsideMonth,
    SupplierMonth,
)
from app.suppliers.models import Supplier
from app.targetgroups.models import TargetGroup
from app.tenders.models import Lot, Tender, tender_target_groups

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Filters:
    period: Period = field(default_factory=Period)
    region_id: int | None = None  # the ordering (or purchasing) jobcentre's region
    jobcentre_id: int | None = None
    supplier_id: int | None = None
    target_group_id: int | None = None
    tender_id: int | None = None


@dataclass
class Table:
    """A table as the pages, the CSV and the XLSX show it."""

    name: str
    title: str
    columns: list[str]
    rows: list[list[Any]]
    money: set[int] = field(default_factory=set)  # the columns holding amounts
    #: How many rows the whole table has, where `rows` holds only the largest of them (a
    #: dashboard's, cut in SQL); None when `rows` is the whole table.
    whole: int | None = None
    #: The total row (of the whole table, summed in SQL beside its rows), its first cell the
    #: label; None for a table without one.
    total: list[Any] | None = None
    #: Where a table counts a figure under more than one row by design (an order for two
    #: target groups), why its total row holds no sums instead of a wrong one.
    no_total: str | None = None
    #: Whether the first column holds months ('YYYY-MM').
    months: bool = False

    @property
    def count(self) -> int:
        return len(self.rows) if self.whole is None else self.whole


def _kroner(ore) -> Decimal:
    return (Decimal(ore or 0) / 100).quantize(ZERO)


PLACES = ("jobcentre", "region")


def _by_place(stmt, dimension: str, jobcentre):
    """Group by the buying jobcentre, or by its region (`jobcentre` is the joined alias)."""
    if dimension == "jobcentre":
        return stmt, jobcentre.name
    region = aliased(Organisation)
    return stmt.join(region, jobcentre.region_id == region.id), region.name


# --- orders -----------------------------------------------------------------------------------

ORDER_DIMENSIONS = ("jobcentre", "region", "supplier", "target_group", "lot", "month")


def orders_by(db: Session, dimension: str, filters: Filters) -> list[tuple[str, Decimal, Decimal]]:
    """(label, committed, approved invoices) per value of the dimension, largest first: from
    the summary figures where one holds the dimension and the filters, else from the orders."""
    rows, _count, _total = _orders_by(db, dimension, filters, None)
    order = (lambda r: r[0]) if dimension == "month" else (lambda r: (-r[1], r[0]))
    return sorted(rows, key=order)


def largest_orders_by(
    db: Session, dimension: str, filters: Filters, limit: int
) -> tuple[list[tuple[str, Decimal, Decimal]], int]:
    """The first `limit` rows of `orders_by` (largest committed first, then by label), sorted
    and cut in SQL, and how many rows there are in all: a dashboard shows the largest of a
    long table (the suppliers that sold to a region grow with the orders)."""
    rows, count, _total = _orders_by(db, dimension, filters, limit)
    return rows, count


def orders_with_total(
    db: Session, dimension: str, filters: Filters, largest: int | None = None
) -> tuple[list[tuple[str, Decimal, Decimal]], int | None, tuple[Decimal, Decimal]]:
    """`orders_by` (or with `largest`, `largest_orders_by`), the row count, and the (committed,
    approved) total of all the groups, summed in SQL in the same statement (a window over the
    groups, so the total is the whole table's even where only the largest rows are loaded)."""
    rows, count, total = _orders_by(db, dimension, filters, largest)
    if largest is None:
        order = (lambda r: r[0]) if dimension == "month" else (lambda r: (-r[1], r[0]))
        rows = sorted(rows, key=order)
    return rows, count, total


def _orders_by(db: Session, dimension: str, filters: Filters, largest: int | None):
    summary = _summary_for(dimension, filters)
    if summary is None or summary is JobcentreLotTotal:  # the latter: the orders' own columns
        stmt, label = _order_statement(db, dimension, filters, summary)
        rows, count, total = _grouped(db, stmt, label, largest)
        return _from_ore(rows), count, tuple(_kroner(ore) for ore in total)
    stmt, label = _summary_statement(summary, dimension, filters)
    rows, count, total = _grouped(db, stmt, label, largest)
    return _from_summary(rows), count, tuple(amount or ZERO for amount in total)


def _grouped(db: Session, stmt, label, largest: int | None) -> tuple[list, int | None, tuple]:
    """The grouped statement's rows (committed, paid, label) and the sums of both over all the
    groups (a window beside each row); with `largest`, only that many rows, largest committed
    first and then by label in code-point order (as Python sorts them), with the number of
    groups counted beside them."""
    committed, paid = stmt.selected_columns[0], stmt.selected_columns[1]
    stmt = stmt.add_columns(func.sum(committed).over(), func.sum(paid).over())
    if largest is None:
        rows = list(db.execute(stmt))
        return [row[:3] for row in rows], None, (rows[0][3:5] if rows else (None, None))
    stmt = (
        stmt.add_columns(func.count().over())
        .order_by(func.coalesce(committed, 0).desc(), code_point_order(db, label))
        .limit(largest)
    )
    rows = list(db.execute(stmt))
    total = rows[0][3:5] if rows else (None, None)
    return [row[:3] for row in rows], (rows[0][5] if rows else 0), total


FILTER_FIELDS = ("region_id", "jobcentre_id", "supplier_id", "target_group_id", "tender_id")
#: Each summary table, the dimensions it can group by and the filters it can honour; monthly
#: ones answer a period of whole months, the others only all time. The first that serves a
#: table is used.
SUMMARIES = (
    (JobcentreMonth, {"jobcentre", "region", "month"}, {"region_id", "jobcentre_id"}, True),
    (
        GroupMonth,
        {"jobcentre", "region", "month", "target_group"},
        {"region_id", "jobcentre_id", "target_group_id"},
        True,
    ),
    (SupplierMonth, {"supplier", "region", "month"}, {"region_id", "supplier_id"}, True),
    (
        JobcentreLotTotal,
        {"jobcentre", "region", "supplier", "lot", "target_group"},
        set(FILTER_FIELDS),
        False,
    ),
)


def _summary_for(dimension: str, filters: Filters):
    chosen = {name for name in FILTER_FIELDS if getattr(filters, name)}
    all_time = filters.period.start is None and filters.period.end is None
    for model, dimensions, honoured, monthly in SUMMARIES:
        answers = filters.period.whole_months if monthly else all_time
        if answers and dimension in dimensions and chosen <= honoured:
            return model
    return None


def _orders_by_summary(db: Session, summary, dimension: str, filters: Filters) -> list:
    stmt, _label = _summary_statement(summary, dimension, filters)
    return _from_summary(db.execute(stmt))


def _from_summary(rows) -> list:
    return [(name, committed or ZERO, paid or ZERO) for committed, paid, name in rows]


def _summary_statement(summary, dimension: str, filters: Filters):
    """(committed, paid, label) grouped by the label, from a summary table; and the label."""
    stmt = select(func.sum(summary.committed), func.sum(summary.paid)).select_from(summary)
    if dimension == "supplier":
        stmt, label = _by_supplier(stmt, summary.supplier_id)
    else:
        stmt, label = _summary_label(stmt, summary, dimension)
    stmt = _narrowed(stmt.add_columns(label.label("label")), summary, filters)
    return stmt.group_by(label), label


def _summary_label(stmt, summary, dimension: str):
    """A summary's rows joined to what names them: jobcentre, region, target group, month."""
    jobcentre, region = aliased(Organisation), aliased(Organisation)
    if dimension == "jobcentre":
        return stmt.join(jobcentre, summary.jobcentre_id == jobcentre.id), jobcentre.name
    if dimension == "region" and hasattr(summary, "region_id"):
        return stmt.join(region, summary.region_id == region.id), region.name
    if dimension == "region":
        stmt = stmt.join(jobcentre, summary.jobcentre_id == jobcentre.id)
        return stmt.join(region, jobcentre.region_id == region.id), region.name
    if dimension == "target_group":
        return stmt.join(TargetGroup, summary.target_group_id == TargetGroup.id), TargetGroup.name
    return stmt, summary.month


def _narrowed(stmt, summary, filters: Filters):
    """A summary's rows narrowed by the filters it honours and the months of the period."""
    if filters.region_id and hasattr(summary, "region_id"):
        stmt = stmt.where(summary.region_id == filters.region_id)
    elif filters.region_id:
        stmt = stmt.where(summary.jobcentre_id.in_(_jobcentres_of(filters.region_id)))
    for name in ("jobcentre_id", "supplier_id", "target_group_id"):
        if getattr(filters, name):
            stmt = stmt.where(getattr(summary, name) == getattr(filters, name))
    first, last = filters.period.months
    if first:
        stmt = stmt.where(summary.month >= first)
    if last:
        stmt = stmt.where(summary.month <= last)
    return stmt


def _in_place(stmt, filters: Filters, jobcentre, jobcentre_id):
    """Rows of a jobcentre (`jobcentre` joined on `jobcentre_id`) narrowed to the filters' region
    and jobcentre."""
    if filters.region_id:
        stmt = stmt.where(jobcentre.region_id == filters.region_id)
    if filters.jobcentre_id:
        stmt = stmt.where(jobcentre_id == filters.jobcentre_id)
    return stmt


def _by_supplier(stmt, supplier_id):
    company = aliased(Organisation)
    stmt = stmt.join(Supplier, supplier_id == Supplier.id).join(
        company, Supplier.organisation_id == company.id
    )
    return stmt, company.name


def _orders_by_order(db: Session, dimension: str, filters: Filters, bought=None) -> list:
    """Grouped from the orders, or with `bought` (JobcentreLotTotal, all time) from their sums
    per jobcentre, lot and supplier: the same columns, so the same statement."""
    stmt, _label = _order_statement(db, dimension, filters, bought)
    return _from_ore(db.execute(stmt))


def _from_ore(rows) -> list:
    return [(name, _kroner(committed), _kroner(paid)) for committed, paid, name in rows]


def _order_statement(db: Session, dimension: str, filters: Filters, bought=None):
    """(committed øre, paid øre, label) grouped by the label, from the orders or `bought`;
    and the label."""
    jobcentre = aliased(Organisation)
    if bought is None:
        source = CallOff
        sums = (func.sum(committed_ore()), func.sum(paid_ore()))
    else:
        source = bought
        sums = (func.sum(as_ore(bought.committed)), func.sum(as_ore(bought.paid)))
    stmt = select(*sums).select_from(source)
    stmt = stmt.join(jobcentre, source.jobcentre_id == jobcentre.id)
    needs_tender = (
        dimension in ("target_group", "lot") or filters.target_group_id or filters.tender_id
    )
    if needs_tender:
        stmt = stmt.join(Lot, source.lot_id == Lot.id).join(Tender, Lot.tender_id == Tender.id)
    if dimension in PLACES:
        stmt, label = _by_place(stmt, dimension, jobcentre)
    elif dimension == "supplier":
        stmt, label = _by_supplier(stmt, source.supplier_id)
    elif dimension == "target_group":
        stmt = stmt.join(tender_target_groups, tender_target_groups.c.tender_id == Tender.id).join(
            TargetGroup, TargetGroup.id == tender_target_groups.c.target_group_id
        )
        if filters.target_group_id:  # only the chosen group's row, not the others it shares
            stmt = stmt.where(TargetGroup.id == filters.target_group_id)
        label = TargetGroup.name
    elif dimension == "lot":
        label = (
            Tender.reference
            + literal_column("' / '")
            + cast(Lot.number, String)
            + literal_column("' '")
            + Lot.title
        )
    elif dimension == "month":
        label = copenhagen_month(db, CallOff.placed_at)
    else:
        raise ValueError(dimension)
    stmt = _in_place(
        stmt.add_columns(label.label("label")), filters, jobcentre, source.jobcentre_id
    )
    if filters.supplier_id:
        stmt = stmt.where(source.supplier_id == filters.supplier_id)
    if filters.tender_id:
        stmt = stmt.where(Tender.id == filters.tender_id)
    if filters.target_group_id:
        stmt = stmt.where(Tender.id.in_(tenders_for_group(filters.target_group_id)))
    if bought is None:
        stmt = filters.period.orders(stmt)
    return stmt.group_by(label), label


# --- outside purchases ------------------------------------------------------------------------

OUTSIDE_DIMENSIONS = ("jobcentre", "region", "target_group", "month")


def outside_by(
    db: Session, dimension: str, filters: Filters
) -> dict[str, dict[Classification, Decimal]]:
    """Per value of the dimension: the outside purchases by class. With a supplier chosen there
    are none (outside purchases are from others); with a framework chosen, only the breaches
    that passed it by and the purchases its exemptions covered. From the summary figures where
    one holds the dimension and the filters, else from the purchases."""
    return outside_with_total(db, dimension, filters)[0]


def outside_with_total(
    db: Session, dimension: str, filters: Filters
) -> tuple[dict[str, dict[Classification, Decimal]], dict[Classification, Decimal]]:
    """`outside_by`, and each class's total over all the groups (summed in SQL beside them)."""
    if filters.supplier_id:
        return {}, {}
    summary = _outside_summary_for(dimension, filters)
    if summary is None:
        stmt = _outside_purchase_statement(db, dimension, filters)
    else:
        stmt = _outside_summary_statement(summary, dimension, filters)
    classification, amount = stmt.selected_columns[0], stmt.selected_columns[1]
    stmt = stmt.add_columns(func.sum(amount).over(partition_by=classification))
    found: dict[str, dict[Classification, Decimal]] = {}
    totals: dict[Classification, Decimal] = {}
    for classification, amount, name, total in db.execute(stmt):
        found.setdefault(name, {})[classification] = amount
        totals[classification] = total
    return found, totals


OUTSIDE_SUMMARIES = (
    (OutsideMonth, {"jobcentre", "region", "month"}, {"region_id", "jobcentre_id"}),
    (OutsideGroupMonth, {"region", "target_group", "month"}, {"region_id", "target_group_id"}),
)


def _outside_summary_for(dimension: str, filters: Filters):
    if not filters.period.whole_months:
        return None
    chosen = {name for name in FILTER_FIELDS if getattr(filters, name)}
    for model, dimensions, honoured in OUTSIDE_SUMMARIES:
        if dimension in dimensions and chosen <= honoured:
            return model
    return None


def _outside_by_summary(db: Session, summary, dimension: str, filters: Filters) -> list:
    return list(db.execute(_outside_summary_statement(summary, dimension, filters)))


def _outside_summary_statement(summary, dimension: str, filters: Filters):
    stmt = (
        select(summary.classification, func.sum(summary.amount))
        .select_from(summary)
        .where(summary.purchases > 0)  # not the rows a reclassification emptied
    )
    stmt, label = _summary_label(stmt, summary, dimension)
    stmt = _narrowed(stmt.add_columns(label.label("label")), summary, filters)
    return stmt.group_by(label, summary.classification)


def _jobcentres_of(region_id: int):
    return select(Organisation.id).where(Organisation.region_id == region_id)


def _outside_by_purchase(db: Session, dimension: str, filters: Filters) -> list:
    return list(db.execute(_outside_purchase_statement(db, dimension, filters)))


def _outside_purchase_statement(db: Session, dimension: str, filters: Filters):
    jobcentre = aliased(Organisation)
    stmt = (
        select(OutsidePurchase.classification, func.sum(OutsidePurchase.amount))
        .select_from(OutsidePurchase)
        .join(jobcentre, OutsidePurchase.jobcentre_id == jobcentre.id)
    )
    if dimension in PLACES:
        stmt, label = _by_place(stmt, dimension, jobcentre)
    elif dimension == "target_group":
        stmt = stmt.join(TargetGroup, OutsidePurchase.target_group_id == TargetGroup.id)
        label = TargetGroup.name
    elif dimension == "month":
        label = purchase_month_label(db)
    else:
        raise ValueError(dimension)
    stmt = _in_place(
        stmt.add_columns(label.label("label")), filters, jobcentre, OutsidePurchase.jobcentre_id
    )
    if filters.target_group_id:
        stmt = stmt.where(OutsidePurchase.target_group_id == filters.target_group_id)
    if filters.tender_id:
        stmt = stmt.where(
            or_(
                exists().where(
                    breached_lots.c.purchase_id == OutsidePurchase.id,
                    breached_lots.c.lot_id == Lot.id,
                    Lot.tender_id == filters.tender_id,
                ),
                OutsidePurchase.exemption_id.in_(
                    select(Exemption.id).where(Exemption.tender_id == filters.tender_id)
                ),
            )
        )
    return filters.period.purchases(stmt).group_by(label, OutsidePurchase.classification)


def compliance(committed: Decimal, breach: Decimal) -> Decimal | None:
    """Framework spend ÷ (framework spend + breaches), in percent; None with no spend."""
    whole = committed + breach
    if whole <= 0:
        return None
    return (committed * 100 / whole).quantize(Decimal("0.01"))


def combined(
    db: Session, dimension: str, filters: Filters, title: str, largest: int | None = None
) -> Table:
    """Spend through frameworks and outside them, side by side, with compliance, and the
    total. Always whole (`largest` is not used): its rows are jobcentres, regions, target
    groups or months, as many whatever the orders, and sorted by a sum of two statements'
    figures. Every jobcentre (or region) in scope has a row, with or without spend, and every
    month of the period: who does not use the frameworks, and when, is seen as a zero."""
    orders, _count, (committed_total, paid_total) = orders_with_total(db, dimension, filters)
    through = {name: (c, a) for name, c, a in orders}
    outside, classes_total = (
        outside_with_total(db, dimension, filters) if dimension in OUTSIDE_DIMENSIONS else ({}, {})
    )
    names = set(through) | set(outside) | set(_every_place(db, dimension, filters))
    if dimension == "month":
        names |= set(period_months(filters.period, names))
    rows = [
        _combined_row(name, *through.get(name, (ZERO, ZERO)), outside.get(name, {}))
        for name in sorted(names)
    ]
    if dimension != "month":  # the largest spend first, through frameworks or outside them
        rows.sort(key=lambda row: (-(row[1] + row[3] + row[4] + row[5]), row[0]))
    table = Table(
        name=dimension,
        title=title,
        columns=[
            DIMENSION_LABELS[dimension](),
            _("Through frameworks (committed)"),
            _("Approved invoices"),
            _("Breaches"),
            _("Exempted"),
            _("No framework applied"),
            _("Compliance (%)"),
        ],
        rows=rows,
        money={1, 2, 3, 4, 5},
        months=dimension == "month",
    )
    return _with_total(
        table,
        dimension,
        _combined_row(_("Total"), committed_total or ZERO, paid_total or ZERO, classes_total),
    )


def _combined_row(name, committed: Decimal, actual: Decimal, classes: dict) -> list:
    breach = classes.get(Classification.BREACH) or ZERO
    return [
        name,
        committed,
        actual,
        breach,
        classes.get(Classification.EXEMPTED) or ZERO,
        classes.get(Classification.NO_FRAMEWORK) or ZERO,
        compliance(committed, breach),
    ]


def _with_total(table: Table, dimension: str, total: list) -> Table:
    """The table with its total row; the target groups' table says why it has none (an order
    of a framework for two groups counts under each, so its rows add up to more than spent)."""
    if dimension == "target_group":
        table.no_total = _(
            "No total: an order of a framework for several target groups counts under each of them."
        )
    else:
        table.total = total
    return table


def _every_place(db: Session, dimension: str, filters: Filters) -> list[str]:
    """The names of every jobcentre (or region) the filters cover, spend or not: the rows a
    table of places has even with nothing bought. One query."""
    if dimension == "jobcentre":
        stmt = select(Organisation.name).where(Organisation.kind == OrganisationKind.JOBCENTRE)
        if filters.jobcentre_id:
            stmt = stmt.where(Organisation.id == filters.jobcentre_id)
        if filters.region_id:
            stmt = stmt.where(Organisation.region_id == filters.region_id)
    elif dimension == "region":
        stmt = select(Organisation.name).where(Organisation.kind == OrganisationKind.REGION)
        if filters.region_id:
            stmt = stmt.where(Organisation.id == filters.region_id)
    else:
        return []
    return list(db.scalars(stmt))


#: At most this many months are generated for a period (a period of decades shows its own).
MOST_MONTHS = 120


def period_months(period: Period, present) -> list[str]:
    """Every month ('YYYY-MM') from the period's first to its last; an open end is the first
    (or last) month with figures. Empty where neither end is known."""
    known = sorted(present)
    first = period.start.strftime("%Y-%m") if period.start else (known[0] if known else None)
    last = period.end.strftime("%Y-%m") if period.end else (known[-1] if known else None)
    if first is None or last is None or first > last:
        return []
    year, month = int(first[:4]), int(first[5:7])
    months = []
    while (label := f"{year:04d}-{month:02d}") <= last and len(months) < MOST_MONTHS:
        months.append(label)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def orders_table(
    db: Session, dimension: str, filters: Filters, title: str, largest: int | None = None
) -> Table:
    """Orders and approved invoices per value of the dimension, largest first, and the
    total; with `largest` only that many rows (but months all, every month of the period),
    counted in `whole`."""
    whole = None
    if largest is None or dimension == "month":
        found, _count, total = orders_with_total(db, dimension, filters)
    else:
        found, whole, total = orders_with_total(db, dimension, filters, largest)
    rows = [[name, committed, actual] for name, committed, actual in found]
    if dimension == "month":
        have = {row[0] for row in rows}
        rows += [[m, ZERO, ZERO] for m in period_months(filters.period, have) if m not in have]
        rows.sort(key=lambda row: row[0])
    table = Table(
        name=dimension,
        title=title,
        columns=[
            DIMENSION_LABELS[dimension](),
            _("Ordered (committed)"),
            _("Approved invoices"),
        ],
        rows=rows,
        money={1, 2},
        whole=whole,
        months=dimension == "month",
    )
    return _with_total(table, dimension, [_("Total"), *total])


@dataclass(frozen=True)
class Headline:
    """The figures at the top of a dashboard: the total of its first table (breaches and
    exempted None where the table has none: a supplier's), and the lots near their maximum."""

    committed: Decimal
    approved: Decimal
    breaches: Decimal | None
    exempted: Decimal | None
    compliance: Decimal | None
    near: int | None


def headline(table: Table, near: int | None) -> Headline:
    """The headline of a table's total row: a combined table's (with breaches, exempted and
    compliance) or an orders table's (committed and approved only)."""
    total = table.total or [None, ZERO, ZERO]
    if len(total) >= 7:
        return Headline(total[1], total[2], total[3], total[4], total[6], near)
    return Headline(total[1], total[2], None, None, None, near)


def month_day(label) -> date | None:
    """A month label 'YYYY-MM' as the first day of the month; None for anything else."""
    if isinstance(label, str) and len(label) == 7 and label[4] == "-":
        try:
            return date(int(label[:4]), int(label[5:]), 1)
        except ValueError:
            return None
    return None


DIMENSION_LABELS: dict[str, Callable[[], str]] = {
    "jobcentre": lambda: _("Jobcentre"),
    "region": lambda: _("Region"),
    "supplier": lambda: _("Supplier"),
    "target_group": lambda: _("Target group"),
    "lot": lambda: _("Framework and lot"),
    "month": lambda: _("Month"),
}


# --- exports ----------------------------------------------------------------------------------


def _csv_cell(value: Any) -> Any:
    """Amounts exact; a text a spreadsheet will never run as a formula."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def as_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow(
            [str(v).replace(".", ",") if isinstance(v, Decimal) else _csv_cell(v) for v in row]
        )
    return "\ufeff" + out.getvalue()  # Excel reads UTF-8 when the file says so


#: The Danish number format of an amount; Excel and LibreOffice write the separators of the
#: reader's language (1.234,50 in Danish), the format code itself is always in English.
MONEY_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0.00"
MONTH_FORMAT = "mmm yyyy"


def as_xlsx(table: Table, about: list[tuple[str, str]] | None = None) -> bytes:
    """The table as a controller expects a workbook: a bold, frozen header with an autofilter,
    columns wide enough, amounts as numbers in kroner, months as real dates, the total row
    below the filtered rows (bold), and `about` (what the export holds: dashboard, period,
    filters) on a second sheet."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet(table.name[:31])
    bold = book.add_format({"bold": True, "bottom": 1})
    money = book.add_format({"num_format": MONEY_FORMAT})
    percent = book.add_format({"num_format": PERCENT_FORMAT})
    month = book.add_format({"num_format": MONTH_FORMAT, "align": "left"})
    total_text = book.add_format({"bold": True, "top": 1})
    total_money = book.add_format({"bold": True, "top": 1, "num_format": MONEY_FORMAT})
    total_percent = book.add_format({"bold": True, "top": 1, "num_format": PERCENT_FORMAT})
    widths = [len(column) for column in table.columns]
    for column, name in enumerate(table.columns):
        sheet.write_string(0, column, name, bold)
    for number, row in enumerate(table.rows, start=1):
        for column, value in enumerate(row):
            text = _xlsx_cell(sheet, number, column, value, table, money, percent, month)
            widths[column] = max(widths[column], len(text))
    last = len(table.rows)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(last, 1), len(table.columns) - 1)
    below = last + 1
    if table.total is not None:
        for column, value in enumerate(table.total):
            if value is None:
                sheet.write_blank(below, column, None, total_text)
            elif isinstance(value, str):
                sheet.write_string(below, column, value, total_text)
            else:
                style = total_money if column in table.money else total_percent
                sheet.write_number(below, column, float(value), style)
                widths[column] = max(widths[column], len(f"{value:,.2f}"))
    elif table.no_total:
        sheet.write_string(below, 0, table.no_total, total_text)
    for column, width in enumerate(widths):
        sheet.set_column(column, column, min(max(width + 2, 8), 60))
    if about:
        filters = book.add_worksheet(_("Filters")[:31])
        filters.write_string(0, 0, _("What the export holds"), bold)
        for number, (name, value) in enumerate(about, start=1):
            filters.write_string(number, 0, name, bold)
            filters.write_string(number, 1, value)
        filters.set_column(0, 0, max(len(name) for name, _value in about) + 2)
        filters.set_column(1, 1, min(max(len(value) for _name, value in about) + 2, 80))
    book.close()
    return out.getvalue()


def _xlsx_cell(sheet, row: int, column: int, value, table: Table, money, percent, month) -> str:
    """Write one cell as its kind (a text never a formula); returns how it reads, for widths."""
    if value is None:
        return ""
    if column == 0 and table.months and (day := month_day(value)):
        sheet.write_datetime(row, column, datetime(day.year, day.month, 1), month)
        return "sep. 2026"
    if isinstance(value, str):
        text = _csv_cell(value)
        sheet.write_string(row, column, text)
        return text
    if column in table.money:
        sheet.write_number(row, column, float(value), money)
        return f"{value:,.2f}"
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        sheet.write_number(row, column, float(value), percent)
        return f"{value:.2f}"
    sheet.write_string(row, column, str(value))
    return str(value)
