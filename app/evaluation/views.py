"""The opening of the bids: the region's page, the button, the decisions and the protocol PDF."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import clock
from app.auth.access import allow, load_visible, refuse
from app.auth.roles import Role
from app.core.errors import DomainError
from app.core.i18n import gettext as _
from app.core.i18n import lazy_gettext as _l
from app.db import db
from app.documents.pdf import pdf_response, render_pdf
from app.evaluation import services
from app.evaluation.models import OpenedBid
from app.tenders import lifecycle
from app.tenders.models import Tender
from app.web.forms import ConfirmForm, posted_text
from app.web.steps import Confirmation, confirm_first, run_step

evaluation_bp = Blueprint("evaluation", __name__, url_prefix="/manage/tenders/<int:tender_id>")

OWNING_REGION = (Role.REGION_STAFF, Role.REGIONAL_DIRECTOR)


def _own_tender(tender_id: int) -> Tender:
    tender = load_visible(Tender, tender_id)
    if tender.region_id != current_user.organisation_id:
        refuse(404, tender)
    return tender


def _page(tender: Tender, status: int = 200):
    return render_template(
        "evaluation/opening.html",
        tender=tender,
        opening=services.opening_of(db.session, tender),
        confirm=ConfirmForm(),
        steps=lifecycle.next_steps(current_user, tender, page="evaluation"),
        # The evaluation page is region staff's (its access decorator); reading it is no step.
        reads_evaluation=current_user.role == Role.REGION_STAFF,
    ), status


@evaluation_bp.get("/opening")
@allow(*OWNING_REGION)
def opening(tender_id: int):
    return _page(_own_tender(tender_id))


OPENING = Confirmation(
    _l("Open the bids?"),
    _l(
        "Every bid received by the deadline is opened at once and recorded with its receipt time "
        "and fingerprint in the opening protocol; from then on the region's staff read the bids. "
        "The opening cannot be undone."
    ),
    _l("Yes, open the bids"),
)


@evaluation_bp.post("/opening")
@allow(Role.REGION_STAFF)
def open_bids(tender_id: int):
    tender = _own_tender(tender_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if lifecycle.allows(current_user, tender, lifecycle.TenderStep.OPEN_BIDS):
        asking = confirm_first(
            OPENING,
            subject=f"{tender.reference} {tender.title}",
            back=url_for("evaluation.opening", tender_id=tender_id),
        )
        if asking is not None:
            return asking
    # By hand, not run_step: the message names how many bids the step opened.
    try:
        opened = services.open_bids(db.session, current_user, tender)
    except DomainError as err:
        db.session.rollback()
        flash(str(err), "error")
        return _page(_own_tender(tender_id), 409)
    db.session.commit()
    flash(_("The bids are opened: %(n)d bid(s) recorded.", n=len(opened.bids)), "success")
    return redirect(url_for("evaluation.opening", tender_id=tender_id))


@evaluation_bp.post("/opening/<int:opened_id>/decision")
@allow(Role.REGION_STAFF)
def decide(tender_id: int, opened_id: int):
    tender = _own_tender(tender_id)
    opened = db.session.get(OpenedBid, opened_id)
    if opened is None or opened.opening.tender_id != tender.id:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return run_step(
        lambda: services.decide_flagged(
            db.session,
            current_user,
            opened,
            accept=request.form.get("decision") == "accept",
            reason=posted_text("reason"),
        ),
        done=_("The decision is recorded."),
        refused=lambda: _page(_own_tender(tender_id), 409),
        then=url_for("evaluation.opening", tender_id=tender_id),
    )


@evaluation_bp.get("/opening/protocol.pdf")
@allow(*OWNING_REGION)
def protocol_pdf(tender_id: int):
    tender = _own_tender(tender_id)
    opening = services.opening_of(db.session, tender)
    if opening is None:
        abort(404)
    pdf = render_pdf(
        "evaluation/pdf/protocol.html", tender=tender, opening=opening, printed_at=clock.now()
    )
    return pdf_response(pdf, f"aabning-{tender.reference}.pdf")


# --- evaluation -------------------------------------------------------------------------------


def _evaluation_page(tender: Tender, status: int = 200, typed: dict | None = None):
    declared = services.has_declared(db.session, current_user, tender)
    opening = services.opening_of(db.session, tender)
    award = services.award_of(db.session, tender)
    readable, ranking = [], {}
    if declared and opening is not None:
        readable = services.readable_bids(db.session, current_user, tender)
        ranking = services.ranking(db.session, current_user, tender)
    return render_template(
        "evaluation/evaluation.html",
        tender=tender,
        opening=opening,
        declared=declared,
        readable=readable,
        ranking=ranking,
        names={opened.bid_id: opened.bid.supplier.name for opened, _c in readable},
        within_places=services.within_places(tender, ranking),
        confirm=ConfirmForm(),
        award=award,
        locked=services.evaluation_locked(award),
        award_step=services.next_award_step(current_user, award),
        steps=lifecycle.next_steps(current_user, tender, page="evaluation"),
        standstill_running=award is not None
        and award.standstill_ends_on is not None
        and services.standstill_running(award, clock.today()),
        agreements=services.agreements_of(db.session, tender),
        conclude_refusal=lifecycle.refusal(current_user, tender, lifecycle.TenderStep.CONCLUDE),
        annulled=services.annulled_award_of(db.session, tender) if award is None else None,
        typed=typed or {},
        ended=services.ended_proposal_of(db.session, tender) if award is None else None,
    ), status


@evaluation_bp.get("/evaluation")
@allow(Role.REGION_STAFF)
def evaluation(tender_id: int):
    return _evaluation_page(_own_tender(tender_id))


def _evaluate(
    tender_id: int,
    action,
    done: str,
    confirmation: tuple[lifecycle.TenderStep, Confirmation] | None = None,
):
    """One step on the evaluation page; an irreversible one (each locked with the evaluation)
    asks to be confirmed first, when the guard lets the user take it and the evaluation is
    open (otherwise the service says why not)."""
    tender = _own_tender(tender_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if confirmation is not None and _may_confirm(tender, confirmation[0]):
        asking = confirm_first(
            confirmation[1],
            subject=f"{tender.reference} {tender.title}",
            back=url_for("evaluation.evaluation", tender_id=tender_id),
        )
        if asking is not None:
            return asking
    return run_step(
        lambda: action(tender),
        done=done,
        refused=lambda: _evaluation_page(_own_tender(tender_id), 409),
        then=url_for("evaluation.evaluation", tender_id=tender_id),
    )


#: The steps taken on an open evaluation; the award's later steps come once it is locked.
ON_OPEN_EVALUATION = (lifecycle.TenderStep.EVALUATE, lifecycle.TenderStep.PROPOSE_AWARD)


def _may_confirm(tender: Tender, step: lifecycle.TenderStep) -> bool:
    """Ask only when the step can be taken now; otherwise the service says why not (the
    conclusion during the standstill, say)."""
    if not lifecycle.allows(current_user, tender, step):
        return False
    award = services.award_of(db.session, tender)
    if step in ON_OPEN_EVALUATION:
        return not services.evaluation_locked(award)
    if step == lifecycle.TenderStep.CONCLUDE:
        return award is not None and not services.standstill_running(award, clock.today())
    return True


def _opened(tender: Tender, opened_id: int) -> OpenedBid:
    opened = db.session.get(OpenedBid, opened_id)
    if opened is None or opened.opening.tender_id != tender.id:
        abort(404)
    return opened


REJECTION = Confirmation(
    _l("Reject the bid?"),
    _l(
        "The bid leaves the evaluation for failing a minimum requirement, for the reason "
        "below; the supplier reads it in the award letter. A rejection cannot be undone."
    ),
    _l("Yes, reject the bid"),
)


@evaluation_bp.post("/evaluation/<int:opened_id>/rejection")
@allow(Role.REGION_STAFF)
def reject(tender_id: int, opened_id: int):
    return _evaluate(
        tender_id,
        lambda t: services.reject(
            db.session, current_user, _opened(t, opened_id), posted_text("reason")
        ),
        _("The bid is rejected."),
        (lifecycle.TenderStep.EVALUATE, REJECTION),
    )


@evaluation_bp.post("/evaluation/<int:opened_id>/scores")
@allow(Role.REGION_STAFF)
def score(tender_id: int, opened_id: int):
    """Each criterion's score through the service; a refusal stands at its criterion, nothing
    is saved, and the page comes back with what was typed."""
    tender = _own_tender(tender_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    opened = _opened(tender, opened_id)
    errors: dict[int, str] = {}
    for criterion in tender.criteria:
        if criterion.is_price:
            continue
        raw = request.form.get(f"score-{criterion.id}", "").strip()
        try:
            if not raw:
                raise DomainError(
                    _("%(criterion)s: give a score from 0 to 10.", criterion=criterion.name)
                )
            if not (raw.isascii() and raw.isdigit()):
                raise DomainError(
                    _(
                        "%(criterion)s: a score is a whole number from 0 to 10.",
                        criterion=criterion.name,
                    )
                )
            services.score(
                db.session,
                current_user,
                opened,
                criterion.id,
                int(raw),
                posted_text(f"justification-{criterion.id}"),
            )
        except DomainError as err:
            errors[criterion.id] = str(err)
    if errors:
        db.session.rollback()
        flash(_("The scores are not saved. See the marked criteria."), "error")
        typed = {
            "opened_id": opened_id,
            "scores": dict(request.form.items()),
            "errors": errors,
        }
        return _evaluation_page(_own_tender(tender_id), 422, typed=typed)
    db.session.commit()
    flash(_("The scores are saved."), "success")
    return redirect(url_for("evaluation.evaluation", tender_id=tender_id))


# --- declaration and award: confirmed steps ---------------------------------------------------


#: The award steps that cannot be undone by whoever takes them ask to be confirmed first.
CONFIRMATIONS = {
    "propose": (
        lifecycle.TenderStep.PROPOSE_AWARD,
        Confirmation(
            _l("Propose the award and lock the evaluation?"),
            _l(
                "The evaluation is locked: scores and rejections can no longer change. Another "
                "member of the staff approves the award, or sends it back and the evaluation "
                "reopens."
            ),
            _l("Yes, propose the award"),
        ),
    ),
    "approve": (
        lifecycle.TenderStep.APPROVE_AWARD,
        Confirmation(
            _l("Approve the award and send the letters?"),
            _l(
                "The award letters go to every bidder at once and the standstill period starts. "
                "The approval cannot be undone: after it, the award changes only by the board's "
                "ruling on a complaint or by cancelling the tender."
            ),
            _l("Yes, approve the award and send the letters"),
        ),
    ),
    "conclude": (
        lifecycle.TenderStep.CONCLUDE,
        Confirmation(
            _l("Conclude the framework agreements?"),
            _l(
                "The framework agreements with the awarded suppliers come into force, the "
                "suppliers are told, and the jobcentres can call off from them. This cannot be "
                "undone."
            ),
            _l("Yes, conclude the framework agreements"),
        ),
    ),
}


def _confirmed_step(endpoint: str, rule: str, service, done) -> None:
    """A step that needs nothing but a confirmed POST by region staff of the owning region."""

    def view(tender_id: int):
        return _evaluate(
            tender_id,
            lambda t: service(db.session, current_user, t),
            str(done),
            CONFIRMATIONS.get(endpoint),
        )

    view.__name__ = endpoint
    evaluation_bp.add_url_rule(rule, endpoint, allow(Role.REGION_STAFF)(view), methods=["POST"])


for _endpoint, _rule, _service, _done in (
    (
        "declare",
        "/evaluation/declaration",
        services.declare_no_conflict,
        _l("Your declaration is recorded."),
    ),
    (
        "propose",
        "/award",
        services.propose_award,
        _l("The award is proposed. Another member of the staff must approve it."),
    ),
    (
        "approve",
        "/award/approval",
        services.approve_award,
        _l("The award is approved and the letters are sent. The standstill period runs."),
    ),
    (
        "withdraw",
        "/award/withdrawal",
        services.withdraw_award,
        _l("The award proposal is withdrawn. The evaluation is open again."),
    ),
    (
        "conclude",
        "/award/conclusion",
        services.conclude,
        _l("The framework agreements are concluded."),
    ),
):
    _confirmed_step(_endpoint, _rule, _service, _done)


@evaluation_bp.post("/award/return")
@allow(Role.REGION_STAFF)
def send_back(tender_id: int):
    return _evaluate(
        tender_id,
        lambda t: services.send_back_award(db.session, current_user, t, posted_text("reason")),
        _("The award is sent back with your reason. The evaluation is open again."),
    )


@evaluation_bp.get("/evaluation/report.pdf")
@allow(Role.REGION_STAFF)
def report_pdf(tender_id: int):
    tender = _own_tender(tender_id)
    if not services.has_declared(db.session, current_user, tender):
        flash(_("Declare that you have no conflict of interest before seeing the bids."), "error")
        return redirect(url_for("evaluation.evaluation", tender_id=tender_id))
    opening = services.opening_of(db.session, tender)
    if opening is None:
        abort(404)
    readable = services._opened_content(db.session, tender)
    pdf = render_pdf(
        "evaluation/pdf/report.html",
        tender=tender,
        opening=opening,
        ranking=services._ranking(tender, readable),
        names={o.bid_id: o.bid.supplier.name for o, _c in readable},
        award=services.award_of(db.session, tender),
        agreements=services.agreements_of(db.session, tender),
        declarations=services.declarations_of(db.session, tender),
        printed_at=clock.now(),
    )
    return pdf_response(pdf, f"evaluering-{tender.reference}.pdf")
