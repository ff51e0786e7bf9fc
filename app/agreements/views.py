"""An agreement's page with its history, the region's decisions on it, and their letters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, flash, render_template, request, url_for
from flask_login import current_user
from wtforms import DateField, HiddenField, SelectField
from wtforms.validators import InputRequired, Optional

from app import clock
from app.agreements import services
from app.agreements.forms import DecisionForm, GroundedDecisionForm
from app.agreements.models import AgreementEvent, AgreementStep, Ground
from app.auth.access import allow, load_visible, logged_in, refuse
from app.auth.roles import Role
from app.core.errors import DomainError
from app.core.i18n import lazy_gettext as _l
from app.councils.models import CouncilDecision
from app.councils.uses import unused_decisions
from app.db import db
from app.documents.pdf import pdf_response, render_pdf
from app.evaluation.models import Agreement
from app.tenders.models import Tender
from app.web.fields import NumberField
from app.web.forms import Form
from app.web.steps import run_step

agreements_bp = Blueprint("agreements", __name__, url_prefix="/agreements")


@dataclass(frozen=True)
class Decision:
    """A decision as its page offers it."""

    step: AgreementStep
    title: Any
    button: Any
    done: Any


DECISIONS = {
    "suspend": Decision(
        AgreementStep.SUSPEND,
        _l("Suspend the supplier in this agreement?"),
        _l("Yes, suspend"),
        _l("The supplier is suspended in the agreement; the supplier and the jobcentres are told."),
    ),
    "lift": Decision(
        AgreementStep.LIFT,
        _l("Lift the suspension?"),
        _l("Yes, lift the suspension"),
        _l("The suspension is lifted; the supplier and the jobcentres are told."),
    ),
    "terminate": Decision(
        AgreementStep.TERMINATE,
        _l("Terminate the agreement?"),
        _l("Yes, terminate the agreement"),
        _l("The agreement is terminated; the supplier and the jobcentres are told."),
    ),
}
#: The page's name of each step (the URL's).
PAGE_OF = {decision.step: name for name, decision in DECISIONS.items()}


def _agreement(agreement_id: int) -> Agreement:
    """The agreement, if the user may see it; 404 (audited) otherwise."""
    agreement = db.session.get(Agreement, agreement_id)
    if agreement is None:
        abort(404)
    if not services.may_see(current_user, agreement):
        refuse(404, agreement)
    return agreement


@agreements_bp.get("/<int:agreement_id>")
@logged_in
def detail(agreement_id: int):
    agreement = _agreement(agreement_id)
    return render_template(
        "agreements/detail.html",
        agreement=agreement,
        events=db.session.scalars(services.history(agreement)).all(),
        extensions=db.session.scalars(services.extensions_of(agreement.lot.tender)).all(),
        steps=[PAGE_OF[step] for step in services.next_steps(current_user, agreement)],
        manages=services.manages(current_user, agreement),
    )


@agreements_bp.route(
    "/<int:agreement_id>/<any(suspend, lift, terminate):name>", methods=["GET", "POST"]
)
@allow(Role.REGION_STAFF)
def decide(agreement_id: int, name: str):
    """The confirmation page of a decision, saying what will happen; the decision on POST."""
    agreement = _agreement(agreement_id)
    decision = DECISIONS[name]
    grounded = services.MOVES[decision.step].needs_ground
    form = GroundedDecisionForm() if grounded else DecisionForm()

    def page(status: int = 200):
        return render_template(
            "agreements/decide.html",
            agreement=db.session.get(Agreement, agreement_id),
            decision=decision,
            consequence=services.CONSEQUENCES[decision.step](),
            form=form,
        ), status

    if request.method == "GET":
        return page()
    if not form.validate_on_submit():
        return page(422)
    ground = Ground(form.ground.data) if grounded else None
    return run_step(
        lambda: services.decide(
            db.session, current_user, agreement, decision.step, form.reason.data, ground
        ),
        done=decision.done,
        refused=lambda: page(409),
        then=url_for("agreements.detail", agreement_id=agreement_id),
    )


@agreements_bp.get("/<int:agreement_id>/decisions/<int:event_id>/letter.pdf")
@logged_in
def letter_pdf(agreement_id: int, event_id: int):
    agreement = _agreement(agreement_id)
    event = db.session.get(AgreementEvent, event_id)
    if event is None or event.agreement_id != agreement.id:
        abort(404)
    pdf = render_pdf(
        "agreements/pdf/letter.html",
        agreement=agreement,
        event=event,
        consequence=services.CONSEQUENCES[event.step](),
        printed_at=clock.now(),
    )
    return pdf_response(pdf, f"afgoerelse-{event.reference}.pdf")


# --- options to extend -------------------------------------------------------------------------


class ExtendForm(Form):
    decision_id = SelectField(_l("Council decision"), coerce=int, validators=[Optional()])


@agreements_bp.route("/tenders/<int:tender_id>/extend", methods=["GET", "POST"])
@allow(Role.REGION_STAFF)
def extend(tender_id: int):
    """The confirmation page of the tender's next option (with the council decision where the
    tender asks for one), and the extension on POST."""
    tender = load_visible(Tender, tender_id)
    form = ExtendForm()
    decisions = unused_decisions(db.session, tender.region_id)
    form.decision_id.choices = [(0, "–")] + [(d.id, f"{d.council.name}: {d}") for d in decisions]

    def page(status: int = 200):
        fresh = db.session.get(Tender, tender_id)
        return render_template(
            "agreements/extend.html",
            tender=fresh,
            new_end=services.next_end(fresh),
            form=form,
            may_extend=services.may_extend(current_user, fresh),
        ), status

    if request.method == "GET":
        return page()
    if not form.validate_on_submit():
        return page(422)
    decision = db.session.get(CouncilDecision, form.decision_id.data or 0)
    return run_step(
        lambda: services.extend(db.session, current_user, tender, decision),
        done=_l("The agreements are extended; the suppliers and the jobcentres are told."),
        refused=lambda: page(409),
        then=url_for("tenders.manage_detail", tender_id=tender_id),
    )


# --- price regulation ---------------------------------------------------------------------------


class RegulationForm(Form):
    index_before = NumberField(_l("The index a year before"), validators=[InputRequired()])
    index_after = NumberField(_l("The index now"), validators=[InputRequired()])
    applies_from = DateField(_l("The new prices apply from"), validators=[InputRequired()])
    confirmed = HiddenField(default="")


@agreements_bp.route("/tenders/<int:tender_id>/prices", methods=["GET", "POST"])
@allow(Role.REGION_STAFF)
def regulate(tender_id: int):
    """The region records the index values; the page shows each agreement's old and new price,
    and the regulation is recorded once confirmed."""
    tender = load_visible(Tender, tender_id)
    form = RegulationForm()

    def page(status: int = 200, preview=None):
        return render_template(
            "agreements/regulate.html",
            tender=db.session.get(Tender, tender_id),
            form=form,
            preview=preview,
            regulations=db.session.scalars(services.regulations_of(tender)).all(),
            may_regulate=services.may_regulate(current_user, db.session.get(Tender, tender_id)),
        ), status

    if request.method == "GET":
        return page()
    if not form.validate_on_submit():
        return page(422)
    values = (form.index_before.data, form.index_after.data, form.applies_from.data)
    if form.confirmed.data != "yes":
        try:
            preview = services.preview_regulation(db.session, current_user, tender, *values)
        except DomainError as refused:
            db.session.rollback()
            flash(str(refused), "error")
            return page(409)
        form.confirmed.data = "yes"
        return page(preview=preview)
    return run_step(
        lambda: services.regulate_prices(db.session, current_user, tender, *values),
        done=_l("The prices are regulated; the suppliers and the jobcentres are told."),
        refused=lambda: page(409),
        then=url_for("tenders.manage_detail", tender_id=tender_id),
    )
