"""The region's spend dashboard: its lots against their maximum, and its jobcentres' spend and
compliance; the tables as CSV."""

from __future__ import annotations

import csv
import io
from datetime import date

from flask import Blueprint, Response, render_template, request
from flask_login import current_user
from sqlalchemy import select

from app.auth.access import allow
from app.auth.roles import Role
from app.db import db
from app.i18n import format_points
from app.i18n import gettext as _
from app.pagination import id_arg
from app.spend import figures
from app.spend.charts import Bar, bar_chart
from app.spend.figures import Period
from app.targetgroups.models import TargetGroup

spend_bp = Blueprint("spend", __name__, url_prefix="/spend")

REGION_ROLES = (Role.REGION_STAFF, Role.REGIONAL_DIRECTOR)


def _day(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


def _figures():
    period = Period(_day("from"), _day("to"))
    group_id = id_arg("target_group")
    region_id = current_user.organisation_id
    lots = figures.lot_use(db.session, region_id, group_id)
    jobcentres = figures.spend_by_jobcentre(db.session, region_id, period, group_id)
    return period, group_id, lots, jobcentres


@spend_bp.get("/")
@allow(*REGION_ROLES)
def region():
    period, group_id, lots, jobcentres = _figures()
    chart = bar_chart(
        [
            Bar(
                f"{use.lot.tender.reference} / {use.lot.number}",
                use.share,
                f"{format_points(use.share)} %",
            )
            for use in lots
        ],
        _("Use of each lot's maximum"),
    )
    return render_template(
        "spend/region.html",
        lots=lots,
        jobcentres=jobcentres,
        chart=chart,
        period=period,
        group_id=group_id,
        groups=db.session.scalars(select(TargetGroup).order_by(TargetGroup.name)).all(),
        near=[use for use in lots if use.warning],
    )


@spend_bp.get("/jobcentres.csv")
@allow(*REGION_ROLES)
def jobcentres_csv():
    _period, _group_id, _lots, jobcentres = _figures()
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(
        [
            _("Jobcentre"),
            _("Through frameworks (committed)"),
            _("Approved invoices"),
            _("Breaches"),
            _("Exempted"),
            _("No framework applied"),
            _("Compliance (%)"),
        ]
    )
    for r in jobcentres:
        writer.writerow(
            [
                _csv_text(r.jobcentre),
                r.committed,
                r.actual,
                r.breach,
                r.exempted,
                r.no_framework,
                "" if r.compliance is None else r.compliance,
            ]
        )
    return Response(
        "\ufeff" + out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="forbrug-jobcentre.csv"'},
    )


def _csv_text(text: str) -> str:
    """A cell a spreadsheet will never run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
