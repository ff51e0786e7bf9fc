"""Exemption pages: a jobcentre asks, the owning region decides, both follow the state."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user

from app import clock
from app.auth.access import allow, load_visible
from app.auth.roles import JOBCENTRE_ROLES, Role
from app.core.i18n import gettext as _
from app.core.i18n import lazy_gettext as _l
from app.db import db
from app.documents.pdf import pdf_response, render_pdf
from app.exemptions import services
from app.exemptions.forms import DecisionForm, ExemptionForm
from app.exemptions.models import Exemption, ExemptionState
from app.web.forms import ConfirmForm
from app.web.pagination import paginate, text_arg
from app.web.steps import run_step

exemptions_bp = Blueprint("exemptions", __name__, url_prefix="/exemptions")

READERS = (*JOBCENTRE_ROLES, Role.REGION_STAFF, Role.REGIONAL_DIRECTOR)


@exemptions_bp.get("/")
@allow(*READERS)
def index():
    state = text_arg("state")
    page = paginate(db.session, services.exemptions_listed(current_user, state))
    return render_template(
        "exemptions/index.html",
        page=page,
        states=list(ExemptionState),
        state=state,
        may_ask=services.may_ask(current_user),
    )


def _request_form() -> ExemptionForm:
    form = ExemptionForm()
    choices = []
    for tender in services.exemptable_tenders(db.session, current_user.organisation):
        choices.append(
            (
                f"t:{tender.id}",
                _(
                    "%(ref)s %(title)s – the whole framework",
                    ref=tender.reference,
                    title=tender.title,
                ),
            )
        )
        choices += [
            (
                f"l:{lot.id}",
                _(
                    "%(ref)s – lot %(n)d: %(title)s",
                    ref=tender.reference,
                    n=lot.number,
                    title=lot.title,
                ),
            )
            for lot in tender.lots
        ]
    form.scope.choices = choices
    if request.method == "GET":
        form.starts_on.data = clock.today()
    return form


def _new_page(form: ExemptionForm, status: int = 200):
    return render_template("exemptions/new.html", form=form), status


@exemptions_bp.route("/new", methods=["GET", "POST"])
@allow(*JOBCENTRE_ROLES)
def new():
    form = _request_form()
    if request.method == "GET":
        return _new_page(form)
    if not form.validate_on_submit():
        return _new_page(form, 422)
    return run_step(
        lambda: services.request_exemption(db.session, current_user, form.exemption_input()),
        done=_l("The request is sent to the region."),
        refused=lambda: _new_page(form, 409),
        form=form,
        then=lambda exemption: url_for("exemptions.detail", exemption_id=exemption.id),
    )


def _detail_page(exemption: Exemption, form: DecisionForm | None = None, status: int = 200):
    return render_template(
        "exemptions/detail.html",
        exemption=exemption,
        form=form or DecisionForm(),
        may_decide=services.may_decide(current_user, exemption),
        may_withdraw=services.may_withdraw(current_user, exemption),
        confirm=ConfirmForm(),
    ), status


@exemptions_bp.get("/<int:exemption_id>")
@allow(*READERS)
def detail(exemption_id: int):
    return _detail_page(load_visible(Exemption, exemption_id))


@exemptions_bp.post("/<int:exemption_id>/decision")
@allow(Role.REGION_STAFF)
def decide(exemption_id: int):
    exemption = load_visible(Exemption, exemption_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        return _detail_page(exemption, form, 422)
    decide_with = services.approve if form.decision.data == "approve" else services.refuse
    return run_step(
        lambda: decide_with(db.session, current_user, exemption, form.reason.data),
        done=_l("The decision is recorded and the jobcentre has its letter."),
        refused=lambda: _detail_page(load_visible(Exemption, exemption_id), form, 409),
        form=form,
        then=url_for("exemptions.detail", exemption_id=exemption_id),
    )


@exemptions_bp.post("/<int:exemption_id>/withdrawal")
@allow(*JOBCENTRE_ROLES)
def withdraw(exemption_id: int):
    exemption = load_visible(Exemption, exemption_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return run_step(
        lambda: services.withdraw(db.session, current_user, exemption),
        done=_l("The request is withdrawn. The region has been told."),
        refused=lambda: _detail_page(load_visible(Exemption, exemption_id), status=409),
        then=url_for("exemptions.detail", exemption_id=exemption_id),
    )


@exemptions_bp.get("/<int:exemption_id>/letter.pdf")
@allow(*READERS)
def letter_pdf(exemption_id: int):
    exemption = load_visible(Exemption, exemption_id)
    if not exemption.is_decided:
        abort(404)  # no decision, no letter
    pdf = render_pdf("exemptions/pdf/letter.html", exemption=exemption, printed_at=clock.now())
    return pdf_response(pdf, f"fritagelse-{exemption.id}.pdf")
