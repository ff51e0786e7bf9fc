"""Results pages: the region's overview of its jobcentres, a jobcentre's results over time, the
import of results and the region's thresholds."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth.access import allow, refuse
from app.auth.roles import JOBCENTRE_ROLES, Role
from app.db import db
from app.documents.spreadsheets import LinesRejected
from app.errors import DomainError
from app.followup import services
from app.followup.forms import ResultImportForm, ThresholdForm
from app.followup.models import Indicator, ResultImport
from app.i18n import gettext as _
from app.organisations.models import Organisation, OrganisationKind
from app.web import run_step

followup_bp = Blueprint("followup", __name__, url_prefix="/results")

REGION_ROLES = (Role.REGION_STAFF, Role.REGIONAL_DIRECTOR)


@followup_bp.get("/")
@allow(*REGION_ROLES, *JOBCENTRE_ROLES)
def index():
    if current_user.role in JOBCENTRE_ROLES:
        return redirect(url_for("followup.jobcentre", jobcentre_id=current_user.organisation_id))
    region_id = current_user.organisation_id
    return render_template(
        "followup/index.html",
        overview=services.region_overview(db.session, region_id),
        thresholds=services.thresholds_of(db.session, region_id),
        indicators=list(Indicator),
        quarter=services.quarter_label,
    )


@followup_bp.get("/jobcentres/<int:jobcentre_id>")
@allow(*REGION_ROLES, *JOBCENTRE_ROLES)
def jobcentre(jobcentre_id: int):
    found = db.session.get(Organisation, jobcentre_id)
    if found is None or found.kind != OrganisationKind.JOBCENTRE:
        abort(404)
    if not services.may_see_results(current_user, found):
        refuse(404, found)
    figures = services.figures_for(db.session, found)
    return render_template(
        "followup/jobcentre.html",
        jobcentre=found,
        figures=figures,
        periods=sorted({f.period for f in figures}, reverse=True),
        by_key={(f.period, f.indicator): f for f in figures},
        indicators=list(Indicator),
        quarter=services.quarter_label,
    )


def _import_page(form: ResultImportForm, problems=(), status: int = 200):
    recent = db.session.scalars(
        services.visible_imports(current_user)
        .order_by(ResultImport.imported_at.desc(), ResultImport.id.desc())
        .limit(10)
    ).all()
    return render_template(
        "followup/import.html", form=form, problems=problems, recent=recent
    ), status


@followup_bp.route("/import", methods=["GET", "POST"])
@allow(Role.REGION_STAFF)
def import_results():
    form = ResultImportForm()
    if request.method == "GET":
        return _import_page(form)
    if not form.validate_on_submit():
        return _import_page(form, status=422)
    upload = form.file.data
    try:
        record = services.import_results(
            db.session, current_user, upload.filename or "", upload.read()
        )
    except LinesRejected as rejected:
        db.session.rollback()
        return _import_page(form, problems=rejected.problems, status=422)
    except DomainError as err:
        db.session.rollback()
        return _import_page(form, problems=[(0, str(err))], status=422)
    db.session.commit()
    flash(
        _(
            "%(file)s is imported: %(added)d new results, %(replaced)d replaced.",
            file=record.filename,
            added=record.added,
            replaced=record.replaced,
        ),
        "success",
    )
    return redirect(url_for("followup.index"))


def _thresholds_page(form: ThresholdForm, status: int = 200):
    return render_template(
        "followup/thresholds.html",
        form=form,
        thresholds=services.thresholds_of(db.session, current_user.organisation_id),
        indicators=list(Indicator),
    ), status


@followup_bp.route("/thresholds", methods=["GET", "POST"])
@allow(Role.REGION_STAFF)
def thresholds():
    form = ThresholdForm()
    if request.method == "GET":
        return _thresholds_page(form)
    if not form.validate_on_submit():
        return _thresholds_page(form, 422)
    indicator = Indicator(form.indicator.data)
    weak: Decimal = form.weak.data
    good: Decimal = form.good.data
    return run_step(
        lambda: services.set_threshold(db.session, current_user, indicator, weak, good),
        done=_("The limits for %(indicator)s are saved.", indicator=indicator.label),
        refused=lambda: _thresholds_page(form, 422),
        then=url_for("followup.thresholds"),
    )
