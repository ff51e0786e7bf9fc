"""Pages for purchases outside the platform: registering, importing, breaches and follow-up."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from app import clock
from app.auth.access import allow, load_visible
from app.auth.roles import JOBCENTRE_ROLES, Role
from app.core.errors import DomainError
from app.core.i18n import gettext as _
from app.core.i18n import lazy_gettext as _l
from app.db import begin_writing, db, reads_first
from app.organisations.models import Organisation
from app.purchases import ledger, services
from app.purchases.forms import FollowUpForm, ImportForm, PurchaseForm
from app.purchases.models import Classification, FollowUp, OutsidePurchase, PurchaseImport
from app.targetgroups.queries import target_groups
from app.web.forms import ReasonForm
from app.web.pagination import id_arg, paginate, text_arg, window
from app.web.steps import run_step

purchases_bp = Blueprint("purchases", __name__, url_prefix="/purchases")

REGION_ROLES = (Role.REGION_STAFF, Role.REGIONAL_DIRECTOR)
READERS = (*JOBCENTRE_ROLES, *REGION_ROLES)


@purchases_bp.get("/")
@allow(*READERS)
def index():
    args = {key: text_arg(key) for key in ("q", "class", "follow_up")}
    search = services.PurchaseSearch(
        text=args["q"],
        classification=args["class"],
        follow_up=args["follow_up"],
        needs_review=request.args.get("review") == "1",
        lacks_reason=request.args.get("reason") == "missing",
        jobcentre_id=id_arg("jobcentre"),
    )
    stmt = services.search_purchases(current_user, search)
    # Newest first by position, as the orders: a region's list grows by the year.
    found = window(db.session, stmt, OutsidePurchase.purchased_on, OutsidePurchase.id)
    return render_template(
        "purchases/index.html",
        window=found,
        args=args,
        lacks_reason=search.lacks_reason,
        classes=list(Classification),
        follow_ups=list(FollowUp),
        is_jobcentre=services.may_register(current_user),
        may_import=ledger.may_import(current_user),
    )


def _purchase_form() -> PurchaseForm:
    form = PurchaseForm()
    form.target_group.choices = [(g.id, g.name) for g in target_groups(db.session)]
    if request.method == "GET":
        form.purchased_on.data = clock.today()
    return form


def _new_page(form: PurchaseForm, lots=(), status: int = 200):
    # Once a framework is shown to have covered the purchase, the reason is no longer optional.
    form.breach_reason.flags.required = bool(lots)
    return render_template("purchases/new.html", form=form, lots=lots), status


@purchases_bp.route("/new", methods=["GET", "POST"])
@allow(*JOBCENTRE_ROLES)
def new():
    form = _purchase_form()
    if request.method == "GET":
        return _new_page(form)
    if not form.validate_on_submit():
        return _new_page(form, status=422)
    try:
        purchase = services.register_purchase(db.session, current_user, form.purchase_input())
    except services.BreachNeedsReason as breach:
        db.session.rollback()
        if request.form.get("breach_shown"):  # the warning was seen and no reason given
            form.breach_reason.errors.append(_("Give the reason the framework was not used."))
        return _new_page(form, lots=breach.lots, status=409)
    except DomainError as err:
        db.session.rollback()
        flash(str(err), "error")
        form.place_error(err)
        return _new_page(form, status=409)
    db.session.commit()
    flash(
        _("The purchase is registered: %(class)s.", **{"class": purchase.classification.label}),
        "success",
    )
    return redirect(url_for("purchases.detail", purchase_id=purchase.id))


def _detail_page(purchase: OutsidePurchase, status: int = 200, **forms):
    return render_template(
        "purchases/detail.html",
        purchase=purchase,
        reason_form=forms.get("reason_form") or ReasonForm(),
        follow_up_form=forms.get("follow_up_form") or FollowUpForm(),
        may_explain=services.may_explain(current_user, purchase),
        may_follow_up=services.may_follow_up(current_user, purchase),
    ), status


@purchases_bp.get("/<int:purchase_id>")
@allow(*READERS)
def detail(purchase_id: int):
    return _detail_page(load_visible(OutsidePurchase, purchase_id))


@purchases_bp.post("/<int:purchase_id>/reason")
@allow(*JOBCENTRE_ROLES)
def explain(purchase_id: int):
    purchase = load_visible(OutsidePurchase, purchase_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        return _detail_page(purchase, 422, reason_form=form)
    return run_step(
        lambda: services.give_breach_reason(db.session, current_user, purchase, form.reason.data),
        done=_l("The reason is recorded."),
        refused=lambda: _detail_page(load_visible(OutsidePurchase, purchase_id), 409),
        then=url_for("purchases.detail", purchase_id=purchase_id),
    )


@purchases_bp.post("/<int:purchase_id>/follow-up")
@allow(Role.REGION_STAFF)
def follow_up(purchase_id: int):
    purchase = load_visible(OutsidePurchase, purchase_id)
    form = FollowUpForm()
    if not form.validate_on_submit():
        return _detail_page(purchase, 422, follow_up_form=form)
    return run_step(
        lambda: services.follow_up_breach(
            db.session, current_user, purchase, FollowUp(form.outcome.data), form.reason.data
        ),
        done=_l("The follow-up is recorded."),
        refused=lambda: _detail_page(load_visible(OutsidePurchase, purchase_id), 409),
        then=url_for("purchases.detail", purchase_id=purchase_id),
    )


@purchases_bp.get("/breaches")
@allow(*REGION_ROLES)
def breaches():
    return render_template(
        "purchases/breaches.html", rows=services.breaches_by_jobcentre(db.session, current_user)
    )


# --- the ledger import ------------------------------------------------------------------------


def _import_form() -> ImportForm:
    form = ImportForm()
    jobcentres = ledger.import_jobcentres(db.session, current_user)
    form.jobcentre.choices = [(j.id, j.name) for j in jobcentres]
    if request.method == "GET":
        form.jobcentre.data = jobcentres[0].id if jobcentres else None
    return form


def _import_page(form: ImportForm, problems=(), status: int = 200):
    recent = ledger.recent_imports(db.session, current_user)
    return render_template(
        "purchases/import.html", form=form, problems=problems, recent=recent
    ), status


@purchases_bp.route("/import", methods=["GET", "POST"])
@allow(*ledger.IMPORTERS)
@reads_first
def import_ledger():
    form = _import_form()
    if request.method == "GET":
        return _import_page(form)
    if not form.validate_on_submit():
        return _import_page(form, status=422)
    upload = form.file.data
    jobcentre = db.session.get(Organisation, form.jobcentre.data)
    try:
        table = ledger.read_ledger_file(upload.filename or "", upload.read())
        begin_writing(db.session)  # only now, the file read and checked
        record = ledger.import_ledger(db.session, current_user, jobcentre, table)
    except ledger.LedgerRejected as rejected:
        db.session.rollback()
        return _import_page(form, problems=rejected.problems, status=422)
    except DomainError as err:
        db.session.rollback()
        return _import_page(form, problems=[(0, str(err))], status=422)
    except IntegrityError:  # the same lines, imported at the same moment by someone else
        db.session.rollback()
        busy = _("The same lines were imported at this moment by someone else; nothing was added.")
        return _import_page(form, problems=[(0, busy)], status=409)
    db.session.commit()
    return redirect(url_for("purchases.import_summary", import_id=record.id))


@purchases_bp.get("/imports/<int:import_id>")
@allow(*JOBCENTRE_ROLES, *REGION_ROLES)
def import_summary(import_id: int):
    record = load_visible(PurchaseImport, import_id)
    counts = ledger.import_counts(db.session, record)
    flagged = ledger.flagged_count(db.session, record)
    return render_template(
        "purchases/import_summary.html",
        record=record,
        counts=counts,
        flagged=flagged,
        payments=paginate(db.session, ledger.payments_of_import(record)),
    )
