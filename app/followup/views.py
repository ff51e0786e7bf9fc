"""Results pages: the region's overview of its jobcentres, a jobcentre's results over time, the
import of results and the region's thresholds."""

from __future__ import annotations

from decimal import Decimal

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale
from flask_login import current_user

from app import clock
from app.audit.words import register_actions
from app.auth.access import allow, load_visible, refuse
from app.auth.roles import JOBCENTRE_ROLES, Role
from app.core.errors import DomainError
from app.core.i18n import gettext as _
from app.core.i18n import lazy_gettext as _l
from app.councils.models import CouncilDecision
from app.db import begin_writing, db, reads_first
from app.documents.pdf import pdf_response, render_pdf
from app.documents.spreadsheets import LinesRejected
from app.followup import reactions, services
from app.followup.forms import (
    AgreementForm,
    AssessForm,
    DecisionForm,
    FollowUpForm,
    IntegrationForm,
    MinistryDecisionForm,
    OpenCaseForm,
    RecommendationForm,
    ResultImportForm,
    ReviewForm,
    ThresholdForm,
    VolumeForm,
)
from app.followup.models import Indicator, Reaction
from app.organisations.models import Organisation, OrganisationKind
from app.outcomes import services as outcomes
from app.targetgroups.queries import target_groups
from app.web.forms import ConfirmForm, ReasonForm
from app.web.steps import Confirmation, confirm_first, run_step

followup_bp = Blueprint("followup", __name__, url_prefix="/results")

REGION_ROLES = (Role.REGION_STAFF, Role.REGIONAL_DIRECTOR)


@followup_bp.get("/")
@allow(*REGION_ROLES, *JOBCENTRE_ROLES)
def index():
    if not services.sees_overview(current_user):  # a jobcentre: its own results
        return redirect(url_for("followup.jobcentre", jobcentre_id=current_user.organisation_id))
    region_id = current_user.organisation_id
    return render_template(
        "followup/index.html",
        overview=services.region_overview(db.session, region_id),
        thresholds=services.thresholds_of(db.session, region_id),
        indicators=list(Indicator),
        quarter=services.quarter_label,
        may_manage=services.may_manage_results(current_user),
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
        open_case=reactions.open_case_of(db.session, found),
        may_open=reactions.may_open_case(db.session, current_user, found),
        sees_overview=services.sees_overview(current_user),
        open_form=OpenCaseForm(formdata=None),
        figures=figures,
        periods=sorted({f.period for f in figures}, reverse=True),
        by_key={(f.period, f.indicator): f for f in figures},
        indicators=list(Indicator),
        quarter=services.quarter_label,
        # The region's follow-up: which suppliers the jobcentre used, and what they achieve.
        suppliers=outcomes.suppliers_used_by(db.session, found.id)
        if services.sees_overview(current_user)
        else [],
    )


def _import_page(form: ResultImportForm, problems=(), status: int = 200):
    recent = services.recent_imports(db.session, current_user)
    return render_template(
        "followup/import.html", form=form, problems=problems, recent=recent
    ), status


@followup_bp.route("/import", methods=["GET", "POST"])
@allow(Role.REGION_STAFF)
@reads_first
def import_results():
    form = ResultImportForm()
    if request.method == "GET":
        return _import_page(form)
    if not form.validate_on_submit():
        return _import_page(form, status=422)
    upload = form.file.data
    try:
        table = services.read_results_file(upload.filename or "", upload.read())
        begin_writing(db.session)  # only now, the file read and checked
        record = services.import_results(db.session, current_user, table)
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


# --- the reaction to weak results -------------------------------------------------------------

CASE_READERS = (*REGION_ROLES, *JOBCENTRE_ROLES, Role.MINISTRY, Role.INTEGRATION_MINISTRY)


@followup_bp.get("/cases")
@allow(*CASE_READERS)
def cases():
    found = reactions.cases_of(db.session, current_user)
    return render_template(
        "followup/cases.html",
        cases=found,
        awaiting={r.id for r in found if reactions.next_steps(current_user, r)},
    )


@followup_bp.post("/jobcentres/<int:jobcentre_id>/cases")
@allow(Role.REGION_STAFF)
def open_case(jobcentre_id: int):
    found = db.session.get(Organisation, jobcentre_id)
    if found is None or not services.may_see_results(current_user, found):
        abort(404)
    form = OpenCaseForm()
    if not form.validate_on_submit():
        flash(_("Write why the region reacts."), "error")
        return redirect(url_for("followup.jobcentre", jobcentre_id=jobcentre_id))
    return run_step(
        lambda: reactions.open_case(db.session, current_user, found, form.reason.data),
        done=_("The case is opened."),
        refused=lambda: redirect(url_for("followup.jobcentre", jobcentre_id=jobcentre_id)),
        then=lambda reaction: url_for("followup.case", case_id=reaction.id),
    )


def _forms(reaction: Reaction, posted: dict | None = None) -> dict:
    """A form for each move the user may take; the one just posted keeps its input."""
    posted = posted or {}
    forms = {}
    for step in reactions.next_steps(current_user, reaction):
        form = posted.get(step) or STEP_FORMS[step](formdata=None, obj=None)
        if step == "decision":
            form.decision.choices = [
                (d.id, str(d)) for d in reactions.unused_decisions(db.session, reaction)
            ]
        if step == "report":
            form.part.choices = [(p.id, p.name) for p in reaction.parts]
        if step == "recommendation":
            form.parts.choices = [(g.id, g.name) for g in target_groups(db.session)]
        forms[step] = form
    return forms


def _case_page(reaction: Reaction, posted: dict | None = None, status: int = 200):
    return render_template(
        "followup/case.html",
        case=reaction,
        forms=_forms(reaction, posted),
        step_titles=STEP_TITLES,
        step_buttons=STEP_BUTTONS,
        step_names=EVENT_NAMES,
        shares=reactions.order_shares(db.session, reaction),
        latest=_latest_results(reaction),
        indicators=Indicator,
        quarter=services.quarter_label,
    ), status


def _latest_results(reaction: Reaction) -> dict:
    """The jobcentre's latest result per indicator, to hold against the agreement's targets."""
    latest: dict = {}
    for figure in services.figures_for(db.session, reaction.jobcentre):  # newest first
        latest.setdefault(figure.indicator, figure)
    return latest


@followup_bp.get("/cases/<int:case_id>")
@allow(*CASE_READERS)
def case(case_id: int):
    return _case_page(load_visible(Reaction, case_id))


def _yes(form) -> bool:
    return form.outcome.data == "yes"


def _agreement_input(form: AgreementForm) -> reactions.AgreementInput:
    return reactions.AgreementInput(
        text=form.text.data,
        improve_by=form.improve_by.data,
        follow_up_on=form.follow_up_on.data,
        target_in_work=form.target_in_work.data,
        target_weeks=form.target_weeks.data,
        consultancy_amount=form.consultancy_amount.data,
        consultancy_provider=form.consultancy_provider.data or "",
        consultancy_from=form.consultancy_from.data,
        consultancy_to=form.consultancy_to.data,
    )


def _decision(form: DecisionForm):
    found = db.session.get(CouncilDecision, form.decision.data)
    if found is None:
        raise DomainError(_("Choose one of the council's decisions."))
    return found


#: Each move: its form, what the service is called with, and what the page says after.
STEP_FORMS = {
    "assess": AssessForm,
    "review": ReviewForm,
    "agreement": AgreementForm,
    "decision": DecisionForm,
    "send_for_signature": ConfirmForm,
    "no_agreement": ReasonForm,
    "sign": ConfirmForm,
    "follow_up": FollowUpForm,
    "recommendation": RecommendationForm,
    "send_recommendation": ConfirmForm,
    "integration_answer": IntegrationForm,
    "decide": MinistryDecisionForm,
    "report": VolumeForm,
    "end_order": ReasonForm,
}
STEP_ACTIONS = {
    "assess": lambda db_, u, r, f: reactions.assess(
        db_, u, r, _yes(f), f.text.data, f.next_review_on.data
    ),
    "review": lambda db_, u, r, f: reactions.review(db_, u, r, _yes(f), f.text.data),
    "agreement": lambda db_, u, r, f: reactions.write_agreement(db_, u, r, _agreement_input(f)),
    "decision": lambda db_, u, r, f: reactions.link_decision(db_, u, r, _decision(f)),
    "send_for_signature": lambda db_, u, r, f: reactions.send_for_signature(db_, u, r),
    "no_agreement": lambda db_, u, r, f: reactions.no_agreement(db_, u, r, f.reason.data),
    "sign": lambda db_, u, r, f: reactions.sign(db_, u, r),
    "follow_up": lambda db_, u, r, f: reactions.follow_up(db_, u, r, _yes(f), f.text.data),
    "recommendation": lambda db_, u, r, f: reactions.write_recommendation(
        db_, u, r, f.text.data, f.parts.data, f.minimum_share.data
    ),
    "send_recommendation": lambda db_, u, r, f: reactions.send_recommendation(db_, u, r),
    "integration_answer": lambda db_, u, r, f: reactions.integration_answer(
        db_, u, r, _yes(f), f.text.data
    ),
    "decide": lambda db_, u, r, f: reactions.decide(
        db_, u, r, _yes(f), f.text.data, f.ordered_from.data, f.ordered_to.data
    ),
    "end_order": lambda db_, u, r, f: reactions.end_order(db_, u, r, f.reason.data),
    "report": lambda db_, u, r, f: reactions.report_volumes(
        db_, u, r, f.part.data, f.period.data, f.handled_itself.data, f.handled_by_others.data
    ),
}
STEP_DONE = {
    "assess": _l("The assessment is recorded."),
    "review": _l("The review is recorded."),
    "agreement": _l("The improvement agreement is saved."),
    "decision": _l("The council's decision is linked."),
    "send_for_signature": _l("The agreement is sent for signature."),
    "no_agreement": _l("It is recorded that no agreement was reached."),
    "sign": _l("Your signature is recorded."),
    "follow_up": _l("The follow-up is recorded."),
    "recommendation": _l("The recommendation is saved."),
    "send_recommendation": _l("The recommendation is sent."),
    "integration_answer": _l("The answer is recorded."),
    "decide": _l("The decision is recorded."),
    "report": _l("The volumes are reported."),
    "end_order": _l("The case is closed."),
}


@followup_bp.post("/cases/<int:case_id>/<step>")
@allow(*CASE_READERS)
def case_step(case_id: int, step: str):
    reaction = load_visible(Reaction, case_id)
    if step not in STEP_FORMS:
        abort(404)
    if step not in reactions.next_steps(current_user, reaction):
        refuse(403, reaction)
    form = STEP_FORMS[step]()
    if step in ("decision", "recommendation", "report"):
        form = _forms(reaction, {step: form})[step]  # its choices, then validated
    if not form.validate_on_submit():
        return _case_page(reaction, {step: form}, 422)
    if step in STEP_CONFIRMATIONS:
        asking = confirm_first(
            STEP_CONFIRMATIONS[step],
            subject=reaction.jobcentre.name,
            back=url_for("followup.case", case_id=case_id),
        )
        if asking is not None:
            return asking
    return run_step(
        lambda: STEP_ACTIONS[step](db.session, current_user, reaction, form),
        done=str(STEP_DONE[step]),
        refused=lambda: _case_page(load_visible(Reaction, case_id), {step: form}, 422),
        then=url_for("followup.case", case_id=case_id),
    )


#: The moves that cannot be undone ask to be confirmed first, saying what will happen.
STEP_CONFIRMATIONS = {
    "sign": Confirmation(
        _l("Sign the improvement agreement?"),
        _l(
            "You sign the agreement on behalf of your organisation. Once the regional director "
            "and the jobcentre's leadership have both signed, it is in force and followed up "
            "on its date. A signature cannot be withdrawn."
        ),
        _l("Yes, sign the agreement"),
    ),
}

STEP_TITLES = {
    "assess": _l("Assess the jobcentre's results"),
    "review": _l("Review the close follow-up"),
    "agreement": _l("Write the improvement agreement"),
    "decision": _l("Link the council's decision"),
    "send_for_signature": _l("Send the agreement for signature"),
    "no_agreement": _l("No agreement reached"),
    "sign": _l("Sign the improvement agreement"),
    "follow_up": _l("Follow up on the agreement"),
    "recommendation": _l("Write the recommendation to the ministry"),
    "send_recommendation": _l("Send the recommendation"),
    "integration_answer": _l("Answer for the Ministry of Integration"),
    "decide": _l("Decide on an order"),
    "report": _l("Report a quarter's volumes"),
    "end_order": _l("Close the case: the order has ended"),
}
STEP_BUTTONS = {
    "assess": _l("Record the assessment"),
    "review": _l("Record the review"),
    "agreement": _l("Save the agreement"),
    "decision": _l("Link the decision"),
    "send_for_signature": _l("Send for signature"),
    "no_agreement": _l("Record: no agreement"),
    "sign": _l("Sign"),
    "follow_up": _l("Record the follow-up"),
    "recommendation": _l("Save the recommendation"),
    "send_recommendation": _l("Send to the ministry"),
    "integration_answer": _l("Record the answer"),
    "decide": _l("Record the decision"),
    "report": _l("Report"),
    "end_order": _l("Close the case"),
}
EVENT_NAMES = {
    "opened": _l("Case opened"),
    "assessed_following": _l("Assessed: followed closely"),
    "assessed_agreement_needed": _l("Assessed: an improvement agreement is needed"),
    "reviewed_improved": _l("Reviewed: improved, closed"),
    "reviewed_agreement_needed": _l("Reviewed: an improvement agreement is needed"),
    "sent_for_signature": _l("Agreement sent for signature"),
    "signed": _l("Signed"),
    "agreement_in_force": _l("Agreement in force"),
    "no_agreement": _l("No agreement reached"),
    "followed_up_improved": _l("Followed up: improved, closed"),
    "followed_up_not_improved": _l("Followed up: not improved"),
    "recommended": _l("Recommendation sent"),
    "integration_agreed": _l("The Ministry of Integration agreed"),
    "integration_refused": _l("The Ministry of Integration did not agree"),
    "ordered": _l("Ordered to use other actors"),
    "not_ordered": _l("No order given"),
    "order_ended": _l("The order ended; closed"),
}
register_actions({f"reaction.{step}": name for step, name in EVENT_NAMES.items()})


@followup_bp.get("/cases/<int:case_id>/agreement.pdf")
@allow(*CASE_READERS)
def agreement_pdf(case_id: int):
    """The improvement agreement as a document, in Danish, with its signatures so far."""
    reaction = load_visible(Reaction, case_id)
    if not reaction.agreement_text:
        abort(404)  # no agreement written, no document
    with force_locale("da"):
        pdf = render_pdf("followup/pdf/agreement.html", case=reaction, printed_at=clock.now())
    return pdf_response(pdf, f"forbedringsaftale-{reaction.id}.pdf")


@followup_bp.get("/cases/<int:case_id>/order.pdf")
@allow(*CASE_READERS)
def order_pdf(case_id: int):
    """The ministry's order to use other actors as a letter to the jobcentre, in Danish."""
    reaction = load_visible(Reaction, case_id)
    if not reaction.is_ordered:
        abort(404)  # no order, no letter
    with force_locale("da"):
        pdf = render_pdf("followup/pdf/order.html", case=reaction, printed_at=clock.now())
    return pdf_response(pdf, f"paalaeg-{reaction.id}.pdf")
