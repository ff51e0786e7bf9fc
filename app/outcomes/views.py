"""Pages of outcomes: a jobcentre records and imports its orders' outcomes; jobcentres and the
regions see each supplier's effect per lot; a supplier sees its own beside the lot's average."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_login import current_user
from sqlalchemy import select

from app import clock
from app.auth.access import allow, load_visible
from app.auth.roles import JOBCENTRE_ROLES, Role
from app.calloffs.models import CallOff
from app.core.errors import DomainError
from app.core.i18n import gettext as _
from app.db import begin_writing, db, reads_first
from app.documents.pdf import pdf_response, render_pdf
from app.documents.spreadsheets import LinesRejected
from app.outcomes import services
from app.outcomes.forms import OutcomeForm, OutcomeImportForm, ThresholdForm
from app.outcomes.models import Outcome
from app.spend.tables import Table, as_csv, as_xlsx
from app.suppliers.models import Supplier
from app.tenders.models import Lot
from app.web.pagination import paginate_rows, requested_page
from app.web.steps import run_step

outcomes_bp = Blueprint("outcomes", __name__, url_prefix="/outcomes")

#: Who sees every supplier's effect on a lot: those who choose suppliers and those who answer
#: for the frameworks. A supplier sees only its own (/outcomes/mine).
EFFECT_READERS = (
    *JOBCENTRE_ROLES,
    Role.REGION_STAFF,
    Role.REGIONAL_DIRECTOR,
    Role.MINISTRY,
    Role.INTEGRATION_MINISTRY,
)
REGION = (Role.REGION_STAFF, Role.REGIONAL_DIRECTOR)


@outcomes_bp.get("/")
@allow(*JOBCENTRE_ROLES)
def index():
    """The jobcentre's orders that ran, with their outcomes where recorded."""
    page = paginate_rows(
        db.session, services.recordable_orders(current_user.organisation_id), requested_page(), 25
    )
    return render_template("outcomes/index.html", page=page)


def _record_page(call_off: CallOff, form: OutcomeForm, status: int = 200):
    return render_template("outcomes/record.html", order=call_off, form=form), status


@outcomes_bp.route("/orders/<int:order_id>", methods=["GET", "POST"])
@allow(*JOBCENTRE_ROLES)
def record(order_id: int):
    call_off = load_visible(CallOff, order_id)
    if not services.may_record(current_user, call_off):
        abort(403)
    known = db.session.scalar(select(Outcome).where(Outcome.call_off_id == call_off.id))
    form = OutcomeForm(obj=known) if request.method == "GET" else OutcomeForm()
    if request.method == "GET":
        return _record_page(call_off, form)
    if not form.validate_on_submit():
        return _record_page(call_off, form, 422)
    data = services.OutcomeInput(
        ended_on=form.ended_on.data,
        started=form.started.data,
        completed=form.completed.data,
        in_work_13=form.in_work_13.data,
        in_work_26=form.in_work_26.data,
    )
    return run_step(
        lambda: services.record_outcome(db.session, current_user, call_off, data),
        done=_("The outcome of order %(number)s is recorded.", number=call_off.number),
        refused=lambda: _record_page(call_off, form, 422),
        then=url_for("outcomes.index"),
    )


def _import_page(form, problems=None, status: int = 200):
    return render_template("outcomes/import.html", form=form, problems=problems), status


@outcomes_bp.route("/import", methods=["GET", "POST"])
@allow(*JOBCENTRE_ROLES)
@reads_first
def import_outcomes():
    form = OutcomeImportForm()
    if request.method == "GET":
        return _import_page(form)
    if not form.validate_on_submit():
        return _import_page(form, status=422)
    upload = form.file.data
    try:
        table = services.read_outcomes_file(upload.filename or "", upload.read())
        begin_writing(db.session)  # only now, the file read and checked
        record = services.import_outcomes(db.session, current_user, table)
    except LinesRejected as rejected:
        db.session.rollback()
        return _import_page(form, problems=rejected.problems, status=422)
    except DomainError as err:
        db.session.rollback()
        return _import_page(form, problems=[(0, str(err))], status=422)
    db.session.commit()
    flash(
        _("%(file)s is imported: %(n)d outcomes.", file=record.filename, n=record.lines), "success"
    )
    return redirect(url_for("outcomes.index"))


@outcomes_bp.get("/lots/<int:lot_id>")
@allow(*EFFECT_READERS)
def lot(lot_id: int):
    """Every supplier's effect on the lot, beside the lot's average and the others'."""
    found = db.session.get(Lot, lot_id)
    if found is None or not services.lots_with_agreements(db.session, lot_ids=[lot_id]):
        abort(404)
    effects = services.lot_effects(db.session, found)
    return render_template(
        "outcomes/lot.html",
        effects=effects,
        flags=current_user.role in REGION
        and found.tender.region_id == current_user.organisation_id,
    )


@outcomes_bp.get("/mine")
@allow(Role.SUPPLIER)
def mine():
    """A supplier's own effect on each of its lots, beside the lot's average."""
    supplier = db.session.scalar(
        select(Supplier).where(Supplier.organisation_id == current_user.organisation_id)
    )
    if supplier is None:
        abort(404)
    lots = services.lots_with_agreements(db.session, supplier_id=supplier.id)
    effects = [
        services.own_effect(one, supplier.id) for one in services.effects_of_lots(db.session, lots)
    ]
    return render_template("outcomes/mine.html", effects=effects)


def _region_page(form: ThresholdForm, status: int = 200):
    region_id = current_user.organisation_id
    lots = services.lots_with_agreements(db.session, region_id=region_id)
    return render_template(
        "outcomes/region.html",
        effects=services.effects_of_lots(db.session, lots),
        threshold=services.threshold_of(db.session, region_id),
        form=form,
        may_set=current_user.role == Role.REGION_STAFF,
    ), status


@outcomes_bp.route("/region", methods=["GET", "POST"])
@allow(*REGION)
def region():
    """The region's lots with every supplier's effect and its flags; staff set the threshold."""
    form = ThresholdForm()
    if request.method == "GET":
        form.persons.data = services.threshold_of(db.session, current_user.organisation_id)
        return _region_page(form)
    if current_user.role != Role.REGION_STAFF:
        abort(403)
    if not form.validate_on_submit():
        return _region_page(form, 422)
    persons = form.persons.data
    return run_step(
        lambda: services.set_threshold(db.session, current_user, persons),
        done=_("The threshold is set."),
        refused=lambda: _region_page(form, 422),
        then=url_for("outcomes.region"),
    )


# --- the region's effects as files ------------------------------------------------------------


def _effect_columns() -> list[str]:
    return [
        _("Tender"),
        _("Lot"),
        _("Supplier"),
        _("Rank"),
        _("Persons"),
        _("Completed (%)"),
        _("In work or education after 13 weeks (%)"),
        _("Interval, 13 weeks (%)"),
        _("Persons behind the 13 weeks"),
        _("After 26 weeks (%)"),
        _("Interval, 26 weeks (%)"),
        _("Clearly below the lot's average"),
        _("Shown from persons"),
    ]


def _share_cells(share) -> list:
    """A share, its interval and its persons; empty where the threshold hides it."""
    if share is None:
        return ["", "", ""]
    low, high = share.interval
    return [share.percent, f"{low}–{high}".replace(".", ","), share.n]


def _effect_row(effects, name: str, rank, effect, below) -> list:
    lot = effects.lot
    work_13 = _share_cells(effect.work_13)
    work_26 = _share_cells(effect.work_26)[:2]
    completion = effect.completion.percent if effect.completion else ""
    return [
        lot.tender.reference,
        _("lot %(n)d: %(title)s", n=lot.number, title=lot.title),
        name,
        rank,
        effect.persons,
        completion,
        *work_13,
        *work_26,
        below,
        effects.threshold,
    ]


def _effect_rows(found) -> list[list]:
    """Per lot: each supplier, then the lot's average; no share below the threshold."""
    rows = []
    for effects in found:
        for s in effects.suppliers:
            below = _("yes") if s.below_lot else ""
            rows.append(_effect_row(effects, s.supplier_name, s.rank, s.effect, below))
        rows.append(_effect_row(effects, _("The lot's average"), "", effects.average, ""))
    return rows


@outcomes_bp.get("/region/effects.<any(csv, xlsx, pdf):fmt>")
@allow(*REGION)
def region_export(fmt: str):
    """The region's effects page as a file, in Danish, with its threshold on it."""
    region_id = current_user.organisation_id
    lots = services.lots_with_agreements(db.session, region_id=region_id)
    found = services.effects_of_lots(db.session, lots)
    threshold = services.threshold_of(db.session, region_id)
    name = "leverandoerernes-effekt"
    with force_locale("da"):
        rows = _effect_rows(found)
        table = Table(name, _("Suppliers' effects"), _effect_columns(), rows)
        disposition = {"Content-Disposition": f'attachment; filename="{name}.{fmt}"'}
        if fmt == "csv":
            return Response(as_csv(table), mimetype="text/csv", headers=disposition)
        if fmt == "xlsx":
            about = [
                (_("Region"), current_user.organisation.name),
                (_("Shown from persons"), str(threshold)),
                (
                    _("Threshold"),
                    _(
                        "A share is shown only when it rests on at least %(n)d persons; the "
                        "interval is its 95 %% interval (Wilson).",
                        n=threshold,
                    ),
                ),
            ]
            return Response(
                as_xlsx(table, about=about),
                mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                headers=disposition,
            )
        pdf = render_pdf(
            "outcomes/pdf/region.html",
            region=current_user.organisation,
            effects=found,
            threshold=threshold,
            printed_at=clock.now(),
        )
    return pdf_response(pdf, f"{name}.pdf")
