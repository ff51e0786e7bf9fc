"""Spend dashboards: the region's (its lots against their maximum, its jobcentres' spend and
compliance), the ministries' national one, the jobcentre's and the supplier's; every table as
CSV and XLSX. Each user sees only its own organisation's figures."""

from __future__ import annotations

import re
from decimal import Decimal

from flask import Blueprint, Response, abort, render_template
from flask_babel import force_locale
from flask_login import current_user

from app import clock
from app.auth.access import allow, refuse
from app.auth.roles import JOBCENTRE_ROLES, Role
from app.core.i18n import format_date, format_datetime, format_month, format_points
from app.core.i18n import gettext as _
from app.db import db
from app.documents.pdf import pdf_response, render_pdf
from app.organisations.models import Organisation
from app.organisations.queries import regions
from app.purchases.services import open_breaches
from app.spend import figures, queries, tables
from app.spend.charts import Bar, bar_chart, table_chart, trend_chart
from app.spend.figures import Period
from app.spend.tables import Filters, Table
from app.suppliers.services import supplier_of
from app.targetgroups.models import TargetGroup
from app.targetgroups.queries import target_groups
from app.tenders.models import Tender
from app.web.pagination import date_arg, id_arg, paginate_list

spend_bp = Blueprint("spend", __name__, url_prefix="/spend")

REGION_ROLES = (Role.REGION_STAFF, Role.REGIONAL_DIRECTOR)


#: A dashboard shows the largest rows of a long table and links to all of them.
SHOWN = 15
#: Lots near their maximum or ending soon, named one by one on the region's dashboard.
SHOWN_ALERTS = 5
#: Rows per page of a whole table.
TABLE_PAGE = 50


def _lot_chart(most_used):
    """The most used lots (the table below has them all), most used first."""
    return bar_chart(
        [
            Bar(
                f"{use.lot.tender.reference} / {use.lot.number} {use.lot.title}",
                use.share,
                f"{format_points(use.share)} %",
            )
            for use in most_used[:SHOWN]
        ],
        _("Use of each lot's maximum"),
    )


def _charts(found: list[Table]) -> dict:
    """Each table's chart: the months as a trend of committed, approved and breaches, the
    others as bars."""
    return {
        t.name: trend_chart(t, format_month, t.title) if t.months else table_chart(t, t.title)
        for t in found
    }


def _headline(found: list[Table], near: int | None) -> tables.Headline | None:
    """The headline figures: the total of the dashboard's first table of places (every spend
    it shows, once), and the lots near their maximum."""
    first = next((t for t in found if t.name in ("jobcentre", "region") and t.total), None)
    return tables.headline(first, near) if first else None


def _most_used(lots: list) -> list:
    return sorted(lots, key=lambda use: (-use.share, use.lot.tender.reference, use.lot.number))


@spend_bp.get("/")
@allow(*REGION_ROLES)
def region():
    filters = _filters(region_id=current_user.organisation_id)
    # The lots as shown: the most used, those near their maximum and those ending soon, each
    # sorted and cut in SQL (the whole table is a link away).
    overview = figures.lot_overview(
        db.session,
        filters.region_id,
        filters.target_group_id,
        clock.today(),
        shown=SHOWN,
        alerts=SHOWN_ALERTS,
    )
    found = [
        _lots_table(
            overview.most_used,
            whole=overview.lots,
            total=(overview.committed, overview.maximum),
        ),
        *_tables_of("region", filters, largest=SHOWN),
    ]
    return render_template(
        "spend/region.html",
        **_filter_choices("region"),
        tables=found,
        headline=_headline(found, overview.near_count),
        # The lots have their own chart, with the 80% and 100% marks.
        charts=_charts([t for t in found if t.name != "lots"])
        | {"lots": _lot_chart(overview.most_used)},
        open_breaches=open_breaches(db.session, current_user),
        dashboard="region",
        near=overview.near,
        near_count=overview.near_count,
        ending=overview.ending,
        ending_count=overview.ending_count,
        shown=SHOWN,
        shown_alerts=SHOWN_ALERTS,
    )


# --- the tables of each dashboard ---------------------------------------------------------------


def _filters(**fixed) -> Filters:
    return Filters(
        period=Period(date_arg("from"), date_arg("to")),
        region_id=fixed.get("region_id", id_arg("region")),
        jobcentre_id=fixed.get("jobcentre_id"),
        supplier_id=fixed.get("supplier_id"),
        target_group_id=id_arg("target_group"),
        tender_id=id_arg("tender"),
    )


def _lots_table(
    most_used,
    whole: int | None = None,
    total: tuple[Decimal, Decimal] | None = None,
    title: str | None = None,
) -> Table:
    """The region's lots against their maximum, most used first (`most_used` sorted so);
    with `whole`, the rows are the largest of that many; `total` the committed amount and
    maximum of them all (summed in SQL)."""
    committed, maximum = total or (None, None)
    return Table(
        name="lots",
        title=title or _("The region's lots against their maximum"),
        columns=[_("Lot"), _("Committed"), _("Maximum"), _("Used (%)")],
        rows=[
            [
                f"{use.lot.tender.reference} {use.lot.tender.title}, "
                + _("lot %(n)d: %(title)s", n=use.lot.number, title=use.lot.title),
                use.committed,
                use.lot.maximum_value,
                use.share,
            ]
            for use in most_used
        ],
        money={1, 2},
        whole=whole,
        total=None
        if total is None
        else [_("Total"), committed, maximum, figures.used_share(committed, maximum)],
    )


def _region_lots(filters: Filters) -> tuple[list, tuple[Decimal, Decimal]]:
    """Every lot of the filters' region (every region's with none), most used first, and
    their committed amount and maximum."""
    uses, committed, maximum = figures.lot_use_with_total(
        db.session, filters.region_id, filters.target_group_id
    )
    return _most_used(uses), (committed, maximum)


def _national_lots_title() -> str:
    return _("Every lot against its maximum")


#: Each dashboard's tables (the region's after its lots): the figures, grouped by what, titled.
DASHBOARD_TABLES = {
    "region": (
        (tables.combined, "jobcentre", lambda: _("Spend and compliance per jobcentre")),
        (tables.orders_table, "supplier", lambda: _("Orders per supplier")),
        (tables.combined, "target_group", lambda: _("Spend per target group")),
        (tables.combined, "month", lambda: _("Spend per month")),
    ),
    "national": (
        (tables.combined, "region", lambda: _("Spend and compliance per region")),
        (tables.combined, "target_group", lambda: _("Spend per target group")),
        (tables.combined, "month", lambda: _("Spend per month")),
    ),
    "jobcentre": (
        (tables.combined, "jobcentre", lambda: _("Our spend and compliance")),
        (tables.orders_table, "lot", lambda: _("Orders per framework")),
        (tables.orders_table, "supplier", lambda: _("Orders per supplier")),
        (tables.combined, "month", lambda: _("Spend per month")),
    ),
    "supplier": (
        (tables.orders_table, "jobcentre", lambda: _("Orders and revenue per jobcentre")),
        (tables.orders_table, "lot", lambda: _("Orders and revenue per framework")),
        (tables.orders_table, "month", lambda: _("Orders and revenue per month")),
    ),
}


def _tables_of(
    dashboard: str, filters: Filters, only: str | None = None, largest: int | None = None
) -> list[Table]:
    """The dashboard's tables (after the region's lots), or only the one named `only`; with
    `largest`, a long table holds only its largest rows (what a dashboard shows)."""
    return [
        build(db.session, dimension, filters, title(), largest=largest)
        for build, dimension, title in DASHBOARD_TABLES[dashboard]
        if only in (None, dimension)
    ]


def _dashboard_tables(
    name: str, only: str | None = None, largest: int | None = None
) -> list[Table]:
    """The tables of a dashboard, for the user: each sees only its own organisation's. With
    `only`, just that table is built (a whole table's page and its exports show one); with
    `largest`, long tables hold only their largest rows (the dashboard's own page)."""
    if name in ("region", "national"):
        region_id = current_user.organisation_id if name == "region" else id_arg("region")
        filters = _filters(region_id=region_id)
        lots = []
        if only in (None, "lots"):
            title = _national_lots_title() if name == "national" else None
            most_used, total = _region_lots(filters)
            lots = [_lots_table(most_used, total=total, title=title)]
        return [*lots, *_tables_of(name, filters, only, largest)]
    if name == "jobcentre":
        filters = _filters(jobcentre_id=current_user.organisation_id)
        return _tables_of("jobcentre", filters, only, largest)
    supplier = supplier_of(db.session, current_user.organisation_id)
    filters = _filters(supplier_id=supplier.id if supplier else -1)
    return _tables_of("supplier", filters, only, largest)


WHO = {
    "region": REGION_ROLES,
    "national": (Role.MINISTRY, Role.INTEGRATION_MINISTRY),
    "jobcentre": JOBCENTRE_ROLES,
    "supplier": (Role.SUPPLIER,),
}


def dashboard_of(role: Role) -> str | None:
    """The dashboard a role sees (the API's spend answers with its tables)."""
    return next((name for name, roles in WHO.items() if role in roles), None)


def dashboard_tables(name: str) -> list[Table]:
    """The dashboard's tables for the current user, whole, narrowed by the request's filters,
    as its exports and report have them."""
    _require_own(name)
    return _dashboard_tables(name)


def _filter_choices(dashboard: str) -> dict:
    """What the filter form offers: target groups, the active frameworks that concern the
    dashboard's organisation, and (nationally) regions."""
    session = db.session
    return {
        "period": Period(date_arg("from"), date_arg("to")),
        "group_id": id_arg("target_group"),
        "groups": target_groups(session),
        "tender_id": id_arg("tender"),
        "tenders": queries.active_frameworks_concerning(
            session, dashboard, current_user.organisation
        ),
        "region_id": id_arg("region"),
        "regions": regions(session) if dashboard == "national" else [],
    }


def _tables_page(name: str, heading: str):
    if name == "national":  # every lot against its maximum, the most used shown
        filters = _filters()
        overview = figures.lot_overview(
            db.session,
            filters.region_id,
            filters.target_group_id,
            clock.today(),
            shown=SHOWN,
            alerts=SHOWN_ALERTS,
        )
        lots = _lots_table(
            overview.most_used,
            whole=overview.lots,
            total=(overview.committed, overview.maximum),
            title=_national_lots_title(),
        )
        found = [*_tables_of(name, filters, largest=SHOWN), lots]
        near = overview.near_count
        charts = _charts(found[:-1]) | {"lots": _lot_chart(overview.most_used)}
    else:
        found = _dashboard_tables(name, largest=SHOWN)
        near = queries.lots_near_maximum_concerning(db.session, name, current_user.organisation)
        charts = _charts(found)
    headline = _headline(found, near)
    if name == "supplier" and found:  # a supplier's figures are its orders alone
        headline = tables.headline(found[0], near)
    return render_template(
        "spend/tables.html",
        **_filter_choices(name),
        dashboard=name,
        heading=heading,
        tables=found,
        headline=headline,
        charts=charts,
        shown=SHOWN,
    )


@spend_bp.get("/national")
@allow(*WHO["national"])
def national():
    return _tables_page("national", _("Spend across the country"))


@spend_bp.get("/jobcentre")
@allow(*WHO["jobcentre"])
def jobcentre():
    return _tables_page("jobcentre", _("Our spend"))


@spend_bp.get("/supplier")
@allow(*WHO["supplier"])
def supplier():
    return _tables_page("supplier", _("Our orders and revenue"))


def _require_own(dashboard: str) -> None:
    """Only a dashboard of the user's own kind; another role's answers 403."""
    if current_user.role not in WHO[dashboard]:
        refuse(403)


def _chosen_filters() -> list[str]:
    """The filters in force, named, so that a filtered report does not pass for a whole one."""
    chosen = []
    if (group_id := id_arg("target_group")) and (group := db.session.get(TargetGroup, group_id)):
        chosen.append(_("Target group: %(name)s", name=group.name))
    if (tender_id := id_arg("tender")) and (tender := db.session.get(Tender, tender_id)):
        chosen.append(_("Framework: %(ref)s %(title)s", ref=tender.reference, title=tender.title))
    region_id = id_arg("region")
    if current_user.role in WHO["national"] and region_id:
        region = db.session.get(Organisation, region_id)
        if region is not None:
            chosen.append(_("Region: %(name)s", name=region.name))
    return chosen


def _slug(name: str) -> str:
    """A name for a file: Beskæftigelsesregion Syddanmark -> beskaeftigelsesregion-syddanmark."""
    text = name.lower().translate(str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"}))
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def _about(dashboard: str) -> list[tuple[str, str]]:
    """What an export holds, for its sheet of filters: the dashboard, the organisation, the
    period, the filters in force, when it was made."""
    period = Period(date_arg("from"), date_arg("to"))
    return [
        (_("Dashboard"), HEADINGS[dashboard]()),
        (_("Organisation"), current_user.organisation.name),
        (_("From"), format_date(period.start) if period.start else _("The beginning")),
        (_("To"), format_date(period.end) if period.end else _("Today")),
        (_("Filters"), "; ".join(_chosen_filters()) or _("None")),
        (_("Made"), format_datetime(clock.now())),
    ]


HEADINGS = {
    "region": lambda: _("Spend and use of the frameworks"),
    "national": lambda: _("Spend across the country"),
    "jobcentre": lambda: _("Our spend"),
    "supplier": lambda: _("Our orders and revenue"),
}


@spend_bp.get("/<any(region, national, jobcentre, supplier):dashboard>/report.pdf")
@allow(*{role for roles in WHO.values() for role in roles})
def report_pdf(dashboard: str):
    """The dashboard as a PDF report: its filters, charts and tables, Danish formatting."""
    with force_locale("da"):  # the report is Danish, whatever language the page is read in
        return _report_pdf(dashboard)


def _report_pdf(dashboard: str):
    _require_own(dashboard)
    lot_chart = {}
    near = None
    if dashboard in ("region", "national"):  # the lots once, for their table and their chart
        region_id = current_user.organisation_id if dashboard == "region" else id_arg("region")
        filters = _filters(region_id=region_id)
        most_used, total = _region_lots(filters)  # sorted once, for the table and chart
        title = _national_lots_title() if dashboard == "national" else None
        report_tables = [
            _lots_table(most_used, total=total, title=title),
            *_tables_of(dashboard, filters),
        ]
        lot_chart = {"lots": _lot_chart(most_used)}
        near = sum(1 for use in most_used if use.warning)
    else:
        report_tables = _dashboard_tables(dashboard)
        near = queries.lots_near_maximum_concerning(
            db.session, dashboard, current_user.organisation
        )
    headline = _headline(report_tables, near)
    if dashboard == "supplier" and report_tables:
        headline = tables.headline(report_tables[0], near)
    pdf = render_pdf(
        "spend/pdf/report.html",
        heading=HEADINGS[dashboard](),
        organisation=current_user.organisation,
        period=Period(date_arg("from"), date_arg("to")),
        chosen=_chosen_filters(),
        tables=report_tables,
        headline=headline,
        charts=_charts([t for t in report_tables if t.name != "lots"]) | lot_chart,
        printed_at=clock.now(),
    )
    return pdf_response(pdf, f"{_file_stem(dashboard)}.pdf")


def _file_stem(dashboard: str, name: str | None = None) -> str:
    """What an export holds, in its name: forbrug-region-jobcentre-syddanmark-2026-01-01-2026-06-30
    (the dashboard, the table, the organisation and the period)."""
    parts = ["forbrug", dashboard]
    if name:
        parts.append(name)
    parts.append(_slug(current_user.organisation.name))
    period = Period(date_arg("from"), date_arg("to"))
    if period.start or period.end:
        parts.append(period.start.isoformat() if period.start else "start")
        parts.append(period.end.isoformat() if period.end else "nu")
    else:
        parts.append("hele-perioden")
    return "-".join(part for part in parts if part)


@spend_bp.get("/<any(region, national, jobcentre, supplier):dashboard>/tables/<name>")
@allow(*{role for roles in WHO.values() for role in roles})
def table(dashboard: str, name: str):
    """One of the dashboard's tables whole, a page at a time, in the dashboard's order."""
    found = _named_table(dashboard, name)
    page = paginate_list(found.rows, size=TABLE_PAGE)
    return render_template(
        "spend/table.html",
        **_filter_choices(dashboard),
        dashboard=dashboard,
        heading=HEADINGS[dashboard](),
        table=found,
        page=page,
    )


def _named_table(dashboard: str, name: str) -> Table:
    """One table of the user's own kind of dashboard, built alone; 404 for an unknown one."""
    _require_own(dashboard)
    found = _dashboard_tables(dashboard, only=name)
    if not found:
        abort(404)
    return found[0]


@spend_bp.get("/<any(region, national, jobcentre, supplier):dashboard>/<name>.<any(csv, xlsx):fmt>")
@allow(*{role for roles in WHO.values() for role in roles})
def export(dashboard: str, name: str, fmt: str):
    with force_locale("da"):  # Danish headers, whatever language the page is read in
        return _export(dashboard, name, fmt)


def _export(dashboard: str, name: str, fmt: str):
    table = _named_table(dashboard, name)
    filename = f"{_file_stem(dashboard, name)}.{fmt}"
    if fmt == "csv":
        return Response(
            tables.as_csv(table),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )
    return Response(
        tables.as_xlsx(table, about=_about(dashboard)),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
