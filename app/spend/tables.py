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
from decimal import Decimal
from typing import Any

from sqlalchemy import String, cast, exists, func, literal_column, or_, select
from sqlalchemy.orm import Session, aliased

from app.calloffs.models import CallOff
from app.core.i18n import gettext as _
from app.db import code_point_order
from app.exemptions.models import Exemption
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
    rows, _count = _orders_by(db, dimension, filters, None)
    order = (lambda r: r[0]) if dimension == "month" else (lambda r: (-r[1], r[0]))
    return sorted(rows, key=order)


def largest_orders_by(
    db: Session, dimension: str, filters: Filters, limit: int
) -> tuple[list[tuple[str, Decimal, Decimal]], int]:
    """The first `limit` rows of `orders_by` (largest committed first, then by label), sorted
    and cut in SQL, and how many rows there are in all: a dashboard shows the largest of a
    long table (the suppliers that sold to a region grow with the orders)."""
    return _orders_by(db, dimension, filters, limit)


def _orders_by(db: Session, dimension: str, filters: Filters, largest: int | None):
    summary = _summary_for(dimension, filters)
    if summary is None or summary is JobcentreLotTotal:  # the latter: the orders' own columns
        stmt, label = _order_statement(db, dimension, filters, summary)
        rows, count = _grouped(db, stmt, label, largest)
        return _from_ore(rows), count
    stmt, label = _summary_statement(summary, dimension, filters)
    rows, count = _grouped(db, stmt, label, largest)
    return _from_summary(rows), count


def _grouped(db: Session, stmt, label, largest: int | None) -> tuple[list, int | None]:
    """The grouped statement's rows (committed, paid, label); with `largest`, only that many,
    largest committed first and then by label in code-point order (as Python sorts them),
    with the number of groups counted beside them."""
    if largest is None:
        return list(db.execute(stmt)), None
    committed = stmt.selected_columns[0]
    stmt = (
        stmt.add_columns(func.count().over())
        .order_by(func.coalesce(committed, 0).desc(), code_point_order(db, label))
        .limit(largest)
    )
    rows = list(db.execute(stmt))
    return [row[:3] for row in rows], (rows[0][3] if rows else 0)


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
    if filters.supplier_id:
        return {}
    summary = _outside_summary_for(dimension, filters)
    if summary is None:
        rows = _outside_by_purchase(db, dimension, filters)
    else:
        rows = _outside_by_summary(db, summary, dimension, filters)
    found: dict[str, dict[Classification, Decimal]] = {}
    for classification, amount, name in rows:
        found.setdefault(name, {})[classification] = amount
    return found


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
    stmt = (
        select(summary.classification, func.sum(summary.amount))
        .select_from(summary)
        .where(summary.purchases > 0)  # not the rows a reclassification emptied
    )
    stmt, label = _summary_label(stmt, summary, dimension)
    stmt = _narrowed(stmt.add_columns(label.label("label")), summary, filters)
    return list(db.execute(stmt.group_by(label, summary.classification)))


def _jobcentres_of(region_id: int):
    return select(Organisation.id).where(Organisation.region_id == region_id)


def _outside_by_purchase(db: Session, dimension: str, filters: Filters) -> list:
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
    stmt = filters.period.purchases(stmt).group_by(label, OutsidePurchase.classification)
    return list(db.execute(stmt))


def compliance(committed: Decimal, breach: Decimal) -> Decimal | None:
    """Framework spend ÷ (framework spend + breaches), in percent; None with no spend."""
    whole = committed + breach
    if whole <= 0:
        return None
    return (committed * 100 / whole).quantize(Decimal("0.01"))


def combined(
    db: Session, dimension: str, filters: Filters, title: str, largest: int | None = None
) -> Table:
    """Spend through frameworks and outside them, side by side, with compliance. Always
    whole (`largest` is not used): its rows are jobcentres, regions, target groups or months,
    as many whatever the orders, and sorted by a sum of two statements' figures."""
    through = {name: (c, a) for name, c, a in orders_by(db, dimension, filters)}
    outside = outside_by(db, dimension, filters) if dimension in OUTSIDE_DIMENSIONS else {}
    names = sorted(set(through) | set(outside))
    rows = []
    for name in names:
        committed, actual = through.get(name, (ZERO, ZERO))
        classes = outside.get(name, {})
        breach = classes.get(Classification.BREACH, ZERO)
        rows.append(
            [
                name,
                committed,
                actual,
                breach,
                classes.get(Classification.EXEMPTED, ZERO),
                classes.get(Classification.NO_FRAMEWORK, ZERO),
                compliance(committed, breach),
            ]
        )
    if dimension != "month":  # the largest spend first, through frameworks or outside them
        rows.sort(key=lambda row: (-(row[1] + row[3] + row[4] + row[5]), row[0]))
    return Table(
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
    )


def orders_table(
    db: Session, dimension: str, filters: Filters, title: str, largest: int | None = None
) -> Table:
    """Orders and approved invoices per value of the dimension, largest first; with `largest`
    only that many rows (but months all), counted in `whole`."""
    whole = None
    if largest is None or dimension == "month":
        found = orders_by(db, dimension, filters)
    else:
        found, whole = largest_orders_by(db, dimension, filters, largest)
    rows = [[name, committed, actual] for name, committed, actual in found]
    return Table(
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
    )


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


def as_xlsx(table: Table) -> bytes:
    """A workbook written row by row (constant memory), amounts as numbers in kroner."""
    # Imported here on purpose: openpyxl takes 60-150 ms to import (python -X importtime), and
    # only this export needs it, not starting the application.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=table.name[:31])
    sheet.append(table.columns)
    for row in table.rows:
        cells = []
        for index, value in enumerate(row):
            if isinstance(value, str):
                value = _csv_cell(value)
            cell = WriteOnlyCell(sheet, value=value)
            if index in table.money:
                cell.number_format = "#,##0.00"
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
