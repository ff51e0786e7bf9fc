"""The region's reaction to a jobcentre's weak results, one explicit state machine: assessment;
following closely, or an improvement agreement signed by the regional director and the
jobcentre's leadership and followed up at its date; if no agreement is reached or results do
not improve, a recommendation to the ministry; the ministry's order to use other actors.

Every decision to react (the agreement, the recommendation) needs its own council decision of
the region's council; where a part of the effort concerns integration, the Ministry of
Integration agrees before the Ministry of Employment decides. Each move is one function that
re-reads the case under a lock, checks who may take it and from which state, changes it,
records the step and audits it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, false, func, or_, select
from sqlalchemy.orm import Session

from app import clock
from app.audit import services as audit
from app.auth.models import User
from app.auth.roles import JOBCENTRE_ROLES, Role
from app.auth.services import active_users
from app.calloffs.models import RELEASED, CallOff
from app.core.errors import DomainError, NotAllowed
from app.core.i18n import format_date
from app.core.i18n import gettext as _
from app.councils import uses
from app.councils.models import CouncilDecision
from app.db import lock_row
from app.followup import services as results
from app.followup.models import (
    OPEN_REACTION_STATES,
    Reaction,
    ReactionDecision,
    ReactionEvent,
    ReactionState,
    Standing,
    VolumeReport,
)
from app.notifications.services import notify
from app.organisations.models import Organisation, OrganisationKind
from app.spend.figures import copenhagen_month
from app.targetgroups.models import TargetGroup
from app.tenders.models import Lot, tender_target_groups

S = ReactionState


# --- who ----------------------------------------------------------------------------------------


def _require_region_staff(actor: User, reaction: Reaction) -> None:
    if actor.role != Role.REGION_STAFF or actor.organisation_id != reaction.region_id:
        raise NotAllowed(_("Only the staff of the jobcentre's region can do this."))


def _link(reaction: Reaction) -> str:
    return f"/results/cases/{reaction.id}"


# --- the table of moves -------------------------------------------------------------------------

#: Who takes a move: the region's staff, the jobcentre's people, the two who sign the
#: agreement (the regional director and the jobcentre's leadership), or a ministry.
REGION, JOBCENTRE, SIGNERS, INTEGRATION_MINISTRY, MINISTRY = (
    "region",
    "jobcentre",
    "signers",
    "integration_ministry",
    "ministry",
)


@dataclass(frozen=True)
class Move:
    """A move on a case: who takes it, the states it may be taken from, and the states it may
    lead to (none: the case stays where it is, as when a draft is saved)."""

    by: str
    source: tuple[ReactionState, ...]
    to: tuple[ReactionState, ...] = ()


#: The case's life as one table: the guards of the step functions, what a page offers
#: (next_steps), and the tests read it. In the order a page offers them.
MOVES: dict[str, Move] = {
    "assess": Move(REGION, (S.ASSESSMENT,), (S.FOLLOWING_CLOSELY, S.AGREEMENT_DRAFT)),
    "review": Move(REGION, (S.FOLLOWING_CLOSELY,), (S.CLOSED, S.AGREEMENT_DRAFT)),
    "agreement": Move(REGION, (S.AGREEMENT_DRAFT,)),
    "recommendation": Move(REGION, (S.RECOMMENDATION_DRAFT,)),
    "decision": Move(REGION, (S.AGREEMENT_DRAFT, S.RECOMMENDATION_DRAFT)),
    "send_for_signature": Move(REGION, (S.AGREEMENT_DRAFT,), (S.AWAITING_SIGNATURES,)),
    "no_agreement": Move(
        REGION, (S.AGREEMENT_DRAFT, S.AWAITING_SIGNATURES), (S.RECOMMENDATION_DRAFT,)
    ),
    "follow_up": Move(REGION, (S.AGREEMENT_IN_FORCE,), (S.CLOSED, S.RECOMMENDATION_DRAFT)),
    "send_recommendation": Move(
        REGION, (S.RECOMMENDATION_DRAFT,), (S.AT_INTEGRATION_MINISTRY, S.AT_MINISTRY)
    ),
    "end_order": Move(REGION, (S.ORDERED,), (S.CLOSED,)),
    "report": Move(JOBCENTRE, (S.ORDERED,)),
    "sign": Move(SIGNERS, (S.AWAITING_SIGNATURES,), (S.AGREEMENT_IN_FORCE,)),
    "integration_answer": Move(
        INTEGRATION_MINISTRY, (S.AT_INTEGRATION_MINISTRY,), (S.AT_MINISTRY, S.RECOMMENDATION_DRAFT)
    ),
    "decide": Move(MINISTRY, (S.AT_MINISTRY,), (S.ORDERED, S.CLOSED)),
}


# --- the moves ----------------------------------------------------------------------------------


def _locked(db: Session, reaction: Reaction, move: str) -> Reaction:
    """The case re-read under a lock, refused unless it is in a state the move is taken from."""
    reaction = lock_row(db, Reaction, reaction.id)
    if reaction.state not in MOVES[move].source:
        raise DomainError(
            _('This cannot be done while the case is "%(state)s".', state=reaction.state.label)
        )
    return reaction


def _step(
    db: Session, actor: User, reaction: Reaction, move: str, step: str, to: ReactionState, text=""
):
    """The move taken: the case goes to `to` (one of the move's states in MOVES), and the
    event `step` is recorded and audited."""
    if to not in MOVES[move].to:
        raise ValueError(f"{move} does not lead to {to}")  # a slip in the code, not the user's
    before = reaction.state
    now = clock.now()
    reaction.state, reaction.updated_at = to, now
    if to == S.CLOSED:
        reaction.closed_at = now
    reaction.events.append(ReactionEvent(step=step, actor_id=actor.id, occurred_at=now, text=text))
    audit.record(
        db,
        actor,
        f"reaction.{step}",
        reaction,
        {"state": [before.value, to.value], **({"text": text} if text else {})},
    )
    return reaction


def _text(text: str, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Write %(what)s.", what=what))
    return text


def may_open_case(db: Session, user: User, jobcentre: Organisation) -> bool:
    """Region staff of the jobcentre's region, while its latest results are weak and it has no
    open case (what open_case checks, but the reason)."""
    return (
        user.role == Role.REGION_STAFF
        and jobcentre.region_id == user.organisation_id
        and jobcentre.kind == OrganisationKind.JOBCENTRE
        and results.standing_of(db, jobcentre) == Standing.WEAK
        and open_case_of(db, jobcentre) is None
    )


def open_case(db: Session, actor: User, jobcentre: Organisation, reason: str) -> Reaction:
    """Region staff open a case for one of the region's jobcentres whose latest results are
    weak; one open case per jobcentre."""
    if actor.role != Role.REGION_STAFF or jobcentre.region_id != actor.organisation_id:
        raise NotAllowed(_("Only the staff of the jobcentre's region can do this."))
    if jobcentre.kind != OrganisationKind.JOBCENTRE:
        raise DomainError(_("A case concerns a jobcentre."))
    reason = _text(reason, _("why the case is opened"))
    region = lock_row(db, Organisation, actor.organisation_id)  # one opening at a time
    if results.standing_of(db, jobcentre) != Standing.WEAK:
        raise DomainError(
            _(
                "%(name)s's latest results are not weak by the region's limits; no case is opened.",
                name=jobcentre.name,
            )
        )
    if open_case_of(db, jobcentre) is not None:
        raise DomainError(_("%(name)s already has an open case.", name=jobcentre.name))
    now = clock.now()
    reaction = Reaction(
        jobcentre_id=jobcentre.id,
        region_id=region.id,
        state=S.ASSESSMENT,
        reason=reason,
        opened_by_id=actor.id,
        opened_at=now,
        updated_at=now,
    )
    db.add(reaction)
    reaction.events.append(
        ReactionEvent(step="opened", actor_id=actor.id, occurred_at=now, text=reason)
    )
    db.flush()
    audit.record(db, actor, "reaction.opened", reaction, {"jobcentre": jobcentre.id})
    notify(
        db,
        active_users(db, Role.JOBCENTRE_MANAGER, jobcentre.id),
        _("The region follows up on %(name)s's results", name=jobcentre.name),
        reason,
        link=_link(reaction),
    )
    return reaction


def assess(
    db: Session,
    actor: User,
    reaction: Reaction,
    initiatives_taken: bool,
    text: str,
    next_review_on: date | None = None,
) -> Reaction:
    """Either the jobcentre has already taken the necessary initiatives (the region follows
    closely until a next review) or an improvement agreement is needed."""
    _require_region_staff(actor, reaction)
    text = _text(text, _("the assessment"))
    reaction = _locked(db, reaction, "assess")
    reaction.assessment = text
    if initiatives_taken:
        if next_review_on is None or next_review_on <= clock.today():
            raise DomainError(_("Give the date of the next review; it lies ahead."))
        reaction.next_review_on = next_review_on
        return _step(db, actor, reaction, "assess", "assessed_following", S.FOLLOWING_CLOSELY, text)
    return _step(
        db, actor, reaction, "assess", "assessed_agreement_needed", S.AGREEMENT_DRAFT, text
    )


def review(db: Session, actor: User, reaction: Reaction, improved: bool, text: str) -> Reaction:
    """At a review of a case followed closely: improved (closed) or an agreement is needed."""
    _require_region_staff(actor, reaction)
    text = _text(text, _("the review"))
    reaction = _locked(db, reaction, "review")
    if improved:
        # Closing waits for the review date; going on to an agreement need not.
        if clock.today() < reaction.next_review_on:
            raise DomainError(
                _(
                    "The case is reviewed on %(day)s; until then it can only go on to an "
                    "improvement agreement.",
                    day=format_date(reaction.next_review_on),
                )
            )
        return _step(db, actor, reaction, "review", "reviewed_improved", S.CLOSED, text)
    return _step(
        db, actor, reaction, "review", "reviewed_agreement_needed", S.AGREEMENT_DRAFT, text
    )


@dataclass(frozen=True)
class AgreementInput:
    text: str
    improve_by: date
    follow_up_on: date
    target_in_work: Decimal | None = None
    target_weeks: Decimal | None = None
    consultancy_amount: Decimal | None = None
    consultancy_provider: str = ""
    consultancy_from: date | None = None
    consultancy_to: date | None = None


def write_agreement(
    db: Session, actor: User, reaction: Reaction, agreement: AgreementInput
) -> Reaction:
    """The improvement agreement's content: how and by when, measurable targets, and optional
    consultancy the region finances."""
    _require_region_staff(actor, reaction)
    reaction = _locked(db, reaction, "agreement")
    text = _text(agreement.text, _("how the effort improves"))
    today = clock.today()
    if agreement.improve_by <= today:
        raise DomainError(_("The date by which the effort improves lies ahead."))
    if agreement.follow_up_on < agreement.improve_by:
        raise DomainError(_("The follow-up comes on or after the date of improvement."))
    if agreement.target_in_work is None and agreement.target_weeks is None:
        raise DomainError(_("Give at least one measurable target."))
    for target, indicator in (
        (agreement.target_in_work, results.Indicator.IN_WORK),
        (agreement.target_weeks, results.Indicator.WEEKS_UNEMPLOYED),
    ):
        if target is not None and not 0 < target <= results.MOST[indicator]:
            raise DomainError(
                _("A target must lie between 0 and %(most)s.", most=results.MOST[indicator])
            )
    _check_consultancy(agreement)
    reaction.agreement_text = text
    reaction.improve_by, reaction.follow_up_on = agreement.improve_by, agreement.follow_up_on
    reaction.target_in_work, reaction.target_weeks = (
        agreement.target_in_work,
        agreement.target_weeks,
    )
    reaction.consultancy_amount = agreement.consultancy_amount
    reaction.consultancy_provider = agreement.consultancy_provider.strip()
    reaction.consultancy_from, reaction.consultancy_to = (
        agreement.consultancy_from,
        agreement.consultancy_to,
    )
    # Changed content is not what the council decided on: it decides anew.
    reaction.agreement_decision_id = None
    reaction.updated_at = clock.now()
    audit.record(
        db, actor, "reaction.agreement_written", reaction, {"improve_by": agreement.improve_by}
    )
    return reaction


def _check_consultancy(agreement: AgreementInput) -> None:
    given = (
        agreement.consultancy_amount is not None,
        bool(agreement.consultancy_provider.strip()),
        agreement.consultancy_from is not None,
        agreement.consultancy_to is not None,
    )
    if not any(given):
        return
    if not all(given):
        raise DomainError(
            _("Consultancy support needs its amount, its provider and its period, or none of them.")
        )
    if agreement.consultancy_amount <= 0:
        raise DomainError(_("The consultancy's amount must be above 0 kr."))
    if agreement.consultancy_to < agreement.consultancy_from:
        raise DomainError(_("The consultancy's period ends after it begins."))


def link_decision(
    db: Session, actor: User, reaction: Reaction, decision: CouncilDecision
) -> Reaction:
    """The council's decision to react, linked to the agreement being written or to the
    recommendation: the region's own council, not before the case was opened, not in the
    future, and used for one decision to react only."""
    _require_region_staff(actor, reaction)
    reaction = _locked(db, reaction, "decision")
    if reaction.state == S.AGREEMENT_DRAFT and not reaction.agreement_text:
        raise DomainError(_("Write the improvement agreement first: the council decides on it."))
    if reaction.state == S.RECOMMENDATION_DRAFT and not reaction.recommendation_text:
        raise DomainError(_("Write the recommendation first: the council decides on it."))
    uses.require_own_and_current(decision, reaction.region_id, clock.local_date(reaction.opened_at))
    if uses.is_spent(db, decision.id):
        raise DomainError(_("This council decision is already linked to a decision to react."))
    db.add(
        ReactionDecision(decision_id=decision.id, reaction_id=reaction.id, linked_at=clock.now())
    )
    if reaction.state == S.AGREEMENT_DRAFT:
        reaction.agreement_decision_id = decision.id
    else:
        reaction.recommendation_decision_id = decision.id
    reaction.updated_at = clock.now()
    audit.record(
        db, actor, "reaction.council_decision_linked", reaction, {"decision_id": decision.id}
    )
    return reaction


def send_for_signature(db: Session, actor: User, reaction: Reaction) -> Reaction:
    """A written agreement with its council decision goes to the regional director and the
    jobcentre's leadership."""
    _require_region_staff(actor, reaction)
    reaction = _locked(db, reaction, "send_for_signature")
    if not reaction.agreement_text or reaction.improve_by is None:
        raise DomainError(_("Write the improvement agreement first."))
    if reaction.improve_by <= clock.today():
        raise DomainError(_("The date by which the effort improves lies ahead."))
    if reaction.agreement_decision_id is None:
        raise DomainError(
            _("The council must decide on the improvement agreement first: link its decision.")
        )
    reaction.director_signed_by_id = reaction.manager_signed_by_id = None
    reaction.director_signed_at = reaction.manager_signed_at = None
    _step(db, actor, reaction, "send_for_signature", "sent_for_signature", S.AWAITING_SIGNATURES)
    subject = _(
        "An improvement agreement with %(name)s awaits your signature",
        name=reaction.jobcentre.name,
    )
    notify(
        db,
        active_users(db, Role.REGIONAL_DIRECTOR, reaction.region_id)
        + active_users(db, Role.JOBCENTRE_MANAGER, reaction.jobcentre_id),
        subject,
        link=_link(reaction),
    )
    return reaction


def sign(db: Session, actor: User, reaction: Reaction) -> Reaction:
    """The regional director or the jobcentre's leadership signs; signed by both, the
    agreement is in force."""
    reaction = _locked(db, reaction, "sign")
    now = clock.now()
    if actor.role == Role.REGIONAL_DIRECTOR and actor.organisation_id == reaction.region_id:
        if reaction.director_signed_by_id is not None:
            raise DomainError(_("The regional director has signed already."))
        reaction.director_signed_by_id, reaction.director_signed_at = actor.id, now
    elif actor.role == Role.JOBCENTRE_MANAGER and actor.organisation_id == reaction.jobcentre_id:
        if reaction.manager_signed_by_id is not None:
            raise DomainError(_("The jobcentre's leadership has signed already."))
        reaction.manager_signed_by_id, reaction.manager_signed_at = actor.id, now
    else:
        raise NotAllowed(
            _("Only the region's director and the jobcentre's leadership sign the agreement.")
        )
    reaction.events.append(ReactionEvent(step="signed", actor_id=actor.id, occurred_at=now))
    audit.record(db, actor, "reaction.signed", reaction, {"role": actor.role.value})
    if reaction.director_signed_by_id and reaction.manager_signed_by_id:
        _step(db, actor, reaction, "sign", "agreement_in_force", S.AGREEMENT_IN_FORCE)
        notify(
            db,
            active_users(db, Role.REGION_STAFF, reaction.region_id)
            + active_users(db, Role.JOBCENTRE_MANAGER, reaction.jobcentre_id),
            _("The improvement agreement with %(name)s is signed", name=reaction.jobcentre.name),
            link=_link(reaction),
        )
    return reaction


def no_agreement(db: Session, actor: User, reaction: Reaction, text: str) -> Reaction:
    """No agreement was reached: the region goes on to a recommendation."""
    _require_region_staff(actor, reaction)
    text = _text(text, _("why no agreement was reached"))
    reaction = _locked(db, reaction, "no_agreement")
    return _step(db, actor, reaction, "no_agreement", "no_agreement", S.RECOMMENDATION_DRAFT, text)


def follow_up(db: Session, actor: User, reaction: Reaction, improved: bool, text: str) -> Reaction:
    """At the agreed date: results against the targets improved (closed) or not (on to a
    recommendation)."""
    _require_region_staff(actor, reaction)
    text = _text(text, _("the follow-up"))
    reaction = _locked(db, reaction, "follow_up")
    if clock.today() < reaction.follow_up_on:
        raise DomainError(
            _("The agreement is followed up on %(day)s.", day=format_date(reaction.follow_up_on))
        )
    if improved:
        return _step(db, actor, reaction, "follow_up", "followed_up_improved", S.CLOSED, text)
    return _step(
        db, actor, reaction, "follow_up", "followed_up_not_improved", S.RECOMMENDATION_DRAFT, text
    )


def write_recommendation(
    db: Session,
    actor: User,
    reaction: Reaction,
    text: str,
    part_ids: list[int],
    minimum_share: Decimal,
) -> Reaction:
    """The recommendation: the parts of the effort (target groups) the jobcentre should be
    ordered to let other actors handle, and the least share they must handle."""
    _require_region_staff(actor, reaction)
    reaction = _locked(db, reaction, "recommendation")
    text = _text(text, _("the recommendation"))
    parts = list(db.scalars(select(TargetGroup).where(TargetGroup.id.in_(part_ids))))
    if not parts or len(parts) != len(set(part_ids)):
        raise DomainError(_("Name the parts of the effort the order should cover."))
    if not Decimal(0) < minimum_share <= Decimal(100):
        raise DomainError(
            _("The least share for other actors lies above 0 and at most %(most)d %%.", most=100)
        )
    reaction.recommendation_text, reaction.parts, reaction.minimum_share = (
        text,
        parts,
        minimum_share,
    )
    reaction.integration_agreed_by_id = reaction.integration_agreed_at = None
    # Changed content is not what the council decided on: it decides anew.
    reaction.recommendation_decision_id = None
    reaction.updated_at = clock.now()
    audit.record(
        db,
        actor,
        "reaction.recommendation_written",
        reaction,
        {"parts": [p.id for p in parts], "minimum_share": minimum_share},
    )
    return reaction


def send_recommendation(db: Session, actor: User, reaction: Reaction) -> Reaction:
    """To the Ministry of Integration first where a part concerns integration, else to the
    Ministry of Employment; the council must have decided on the recommendation."""
    _require_region_staff(actor, reaction)
    reaction = _locked(db, reaction, "send_recommendation")
    if not reaction.recommendation_text or not reaction.parts:
        raise DomainError(_("Write the recommendation first."))
    if reaction.recommendation_decision_id is None:
        raise DomainError(
            _("The council must decide on the recommendation first: link its decision.")
        )
    to = S.AT_INTEGRATION_MINISTRY if reaction.concerns_integration else S.AT_MINISTRY
    _step(db, actor, reaction, "send_recommendation", "recommended", to)
    role = Role.INTEGRATION_MINISTRY if to == S.AT_INTEGRATION_MINISTRY else Role.MINISTRY
    notify(
        db,
        active_users(db, role),
        _(
            "%(region)s recommends ordering %(name)s to use other actors",
            region=reaction.region.name,
            name=reaction.jobcentre.name,
        ),
        link=_link(reaction),
    )
    return reaction


def integration_answer(
    db: Session, actor: User, reaction: Reaction, agreed: bool, text: str
) -> Reaction:
    """The Ministry of Integration agrees (on to the Ministry of Employment) or not (back to
    the region, to recommend without the integration parts or not at all)."""
    if actor.role != Role.INTEGRATION_MINISTRY:
        raise NotAllowed(_("Only the Ministry of Integration answers this."))
    text = _text(text, _("the answer"))
    reaction = _locked(db, reaction, "integration_answer")
    if agreed:
        reaction.integration_agreed_by_id, reaction.integration_agreed_at = actor.id, clock.now()
        _step(db, actor, reaction, "integration_answer", "integration_agreed", S.AT_MINISTRY, text)
        notify(
            db,
            active_users(db, Role.MINISTRY),
            _(
                "%(region)s recommends ordering %(name)s to use other actors",
                region=reaction.region.name,
                name=reaction.jobcentre.name,
            ),
            link=_link(reaction),
        )
    else:
        _step(
            db,
            actor,
            reaction,
            "integration_answer",
            "integration_refused",
            S.RECOMMENDATION_DRAFT,
            text,
        )
        reaction.recommendation_decision_id = None  # a changed recommendation: decided anew
    notify(
        db,
        active_users(db, Role.REGION_STAFF, reaction.region_id),
        _("The Ministry of Integration has answered on %(name)s", name=reaction.jobcentre.name),
        text,
        link=_link(reaction),
    )
    return reaction


def decide(
    db: Session,
    actor: User,
    reaction: Reaction,
    order: bool,
    text: str,
    ordered_from: date | None = None,
    ordered_to: date | None = None,
) -> Reaction:
    """The Ministry of Employment orders the jobcentre to use other actors in the named parts
    for a period, or does not."""
    if actor.role != Role.MINISTRY:
        raise NotAllowed(_("Only the Ministry of Employment decides on an order."))
    text = _text(text, _("the decision"))
    reaction = _locked(db, reaction, "decide")
    if reaction.concerns_integration and reaction.integration_agreed_at is None:
        raise DomainError(
            _("A part concerns integration: the Ministry of Integration must agree first.")
        )
    reaction.decided_by_id, reaction.decided_at, reaction.decision_text = (
        actor.id,
        clock.now(),
        text,
    )
    if order:
        if ordered_from is None or ordered_to is None or ordered_to < ordered_from:
            raise DomainError(_("Give the order's period: from a day to a later one."))
        if ordered_from < clock.today():
            raise DomainError(_("An order takes effect from today at the earliest."))
        reaction.ordered_from, reaction.ordered_to = ordered_from, ordered_to
        _step(db, actor, reaction, "decide", "ordered", S.ORDERED, text)
        subject = _("%(name)s is ordered to use other actors", name=reaction.jobcentre.name)
    else:
        _step(db, actor, reaction, "decide", "not_ordered", S.CLOSED, text)
        subject = _("The ministry does not order %(name)s", name=reaction.jobcentre.name)
    notify(
        db,
        active_users(db, Role.REGION_STAFF, reaction.region_id)
        + active_users(db, Role.JOBCENTRE_MANAGER, reaction.jobcentre_id),
        subject,
        text,
        link=_link(reaction),
    )
    return reaction


# --- what a page offers -------------------------------------------------------------------------


def states_of(by: str) -> tuple[ReactionState, ...]:
    """The states in which a case waits for a move of `by` (as MOVES says)."""
    return tuple(
        dict.fromkeys(state for move in MOVES.values() if move.by == by for state in move.source)
    )


def _takes(user: User, reaction: Reaction, by: str) -> bool:
    """Whether the user is among those who take a move of `by` on this case."""
    if by == REGION:
        return user.role == Role.REGION_STAFF and user.organisation_id == reaction.region_id
    if by == JOBCENTRE:
        return user.role in JOBCENTRE_ROLES and user.organisation_id == reaction.jobcentre_id
    if by == SIGNERS:  # each of the two signs once
        director = (
            user.role == Role.REGIONAL_DIRECTOR and user.organisation_id == reaction.region_id
        )
        manager = (
            user.role == Role.JOBCENTRE_MANAGER and user.organisation_id == reaction.jobcentre_id
        )
        return (director and reaction.director_signed_by_id is None) or (
            manager and reaction.manager_signed_by_id is None
        )
    if by == INTEGRATION_MINISTRY:
        return user.role == Role.INTEGRATION_MINISTRY
    return by == MINISTRY and user.role == Role.MINISTRY


def _due(step: str, reaction: Reaction) -> bool:
    """A move with a date is not offered before it: an order ends only after its last day,
    an agreement is followed up from its follow-up day."""
    if step == "end_order":
        return reaction.ordered_to < clock.today()
    if step == "follow_up":
        return reaction.follow_up_on <= clock.today()
    return True


def _not_yet_due():
    """SQL for the region's cases whose one move waits for its date (`_due`, in SQL)."""
    today = clock.today()
    return or_(
        and_(Reaction.state == S.ORDERED, Reaction.ordered_to >= today),
        and_(Reaction.state == S.AGREEMENT_IN_FORCE, Reaction.follow_up_on > today),
    )


def next_steps(user: User, reaction: Reaction) -> list[str]:
    """The moves the user may take on the case now (what its page offers), read from MOVES;
    the step functions check them again. A move with a date waits for it (`_due`)."""
    return [
        step
        for step, move in MOVES.items()
        if reaction.state in move.source
        and _takes(user, reaction, move.by)
        and _due(step, reaction)
    ]


def unused_decisions(db: Session, reaction: Reaction) -> list[CouncilDecision]:
    """The region's council decisions not yet spent on anything, newest first."""
    return uses.unused_decisions(db, reaction.region_id)


def open_case_of(db: Session, jobcentre: Organisation) -> Reaction | None:
    return db.scalar(
        select(Reaction).where(
            Reaction.jobcentre_id == jobcentre.id, Reaction.state.in_(OPEN_REACTION_STATES)
        )
    )


def cases_of(db: Session, user: User) -> list[Reaction]:
    """The cases the user may see, the most recently changed first."""
    return list(
        db.scalars(visible_cases(user).order_by(Reaction.updated_at.desc(), Reaction.id.desc()))
    )


def visible_cases(user: User):
    """Every case the user may see, as one statement (the rule of Reaction.is_visible_to)."""
    stmt = select(Reaction)
    if user.role in (Role.REGION_STAFF, Role.REGIONAL_DIRECTOR):
        return stmt.where(Reaction.region_id == user.organisation_id)
    if user.role in JOBCENTRE_ROLES:
        return stmt.where(Reaction.jobcentre_id == user.organisation_id)
    if user.role == Role.MINISTRY:
        return stmt.where(
            or_(Reaction.state.in_((S.AT_MINISTRY, S.ORDERED)), Reaction.decided_at.is_not(None))
        )
    if user.role == Role.INTEGRATION_MINISTRY:
        integration = Reaction.parts.any(TargetGroup.integration_effort.is_(True))
        return stmt.where(
            integration,
            or_(
                Reaction.state.in_((S.AT_INTEGRATION_MINISTRY, S.AT_MINISTRY, S.ORDERED)),
                Reaction.decided_at.is_not(None),
            ),
        )
    return stmt.where(false())


def end_order(db: Session, actor: User, reaction: Reaction, text: str) -> Reaction:
    """After the order's period the region closes the case (the jobcentre may then be followed
    up anew)."""
    _require_region_staff(actor, reaction)
    text = _text(text, _("how the order went"))
    reaction = _locked(db, reaction, "end_order")
    if clock.today() <= reaction.ordered_to:
        raise DomainError(_("The order runs until %(day)s.", day=format_date(reaction.ordered_to)))
    return _step(db, actor, reaction, "end_order", "order_ended", S.CLOSED, text)


# --- under an order: volumes and the share handled by other actors ------------------------------

#: A sanity bound on a quarter's volume of one part; a real one is far below it.
MAX_VOLUME = 1_000_000


def _quarters_of(start: date, end: date) -> list[str]:
    quarters, year, quarter = [], start.year, (start.month - 1) // 3 + 1
    while (year, quarter) <= (end.year, (end.month - 1) // 3 + 1):
        quarters.append(f"{year}-Q{quarter}")
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return quarters


def report_volumes(
    db: Session,
    actor: User,
    reaction: Reaction,
    part_id: int,
    period: str,
    handled_itself: int,
    handled_by_others: int,
) -> VolumeReport:
    """The ordered jobcentre reports a quarter of one part: what it handled itself and what
    other actors handled outside the platform. A quarter reported again is replaced (the
    audit trail keeps the earlier figures)."""
    if actor.role not in JOBCENTRE_ROLES or actor.organisation_id != reaction.jobcentre_id:
        raise NotAllowed(_("Only the ordered jobcentre reports its volumes."))
    reaction = _locked(db, reaction, "report")
    if part_id not in {part.id for part in reaction.parts}:
        raise DomainError(_("Report one of the parts the order covers."))
    period = results.parse_quarter(period)
    if period not in _quarters_of(reaction.ordered_from, reaction.ordered_to):
        raise DomainError(_("The quarter lies outside the order's period."))
    results.require_begun(period)
    if not (0 <= handled_itself <= MAX_VOLUME and 0 <= handled_by_others <= MAX_VOLUME):
        raise DomainError(_("A volume lies between 0 and %(most)d.", most=MAX_VOLUME))
    report = db.scalar(
        select(VolumeReport).where(
            VolumeReport.reaction_id == reaction.id,
            VolumeReport.target_group_id == part_id,
            VolumeReport.period == period,
        )
    )
    before = None if report is None else [report.handled_itself, report.handled_by_others]
    if report is None:
        report = VolumeReport(reaction_id=reaction.id, target_group_id=part_id, period=period)
        db.add(report)
    report.handled_itself, report.handled_by_others = handled_itself, handled_by_others
    report.reported_by_id, report.reported_at = actor.id, clock.now()
    db.flush()
    audit.record(
        db,
        actor,
        "reaction.volumes_reported",
        reaction,
        {
            "part": part_id,
            "quarter": period,
            "before": before,
            "after": [handled_itself, handled_by_others],
        },
    )
    return report


@dataclass(frozen=True)
class ShareRow:
    """One part in one quarter of an order: what the jobcentre handled itself, what other
    actors handled (reported, and its call-offs), and the share against the requirement."""

    period: str
    part: TargetGroup
    handled_itself: int | None  # None: not reported
    reported_others: int
    call_offs: int
    required: Decimal

    @property
    def others(self) -> int:
        return self.reported_others + self.call_offs

    @property
    def share(self) -> Decimal | None:
        whole = (self.handled_itself or 0) + self.others
        if self.handled_itself is None or whole == 0:
            return None
        return (Decimal(self.others) * 100 / whole).quantize(Decimal("0.01"))

    @property
    def meets(self) -> bool | None:
        return None if self.share is None else self.share >= self.required


def order_shares(db: Session, reaction: Reaction) -> list[ShareRow]:
    """Each part and quarter of the order so far, newest first: the call-offs (their
    quantities, orders not declined or cancelled) counted in one grouped query."""
    if reaction.ordered_from is None:
        return []
    last = min(reaction.ordered_to, clock.today())
    quarters = _quarters_of(reaction.ordered_from, last) if last >= reaction.ordered_from else []
    month = copenhagen_month(db, CallOff.placed_at)
    rows = db.execute(
        select(tender_target_groups.c.target_group_id, month, func.sum(CallOff.quantity))
        .join(Lot, CallOff.lot_id == Lot.id)
        .join(tender_target_groups, tender_target_groups.c.tender_id == Lot.tender_id)
        .where(
            CallOff.jobcentre_id == reaction.jobcentre_id,
            CallOff.state.not_in(RELEASED),
            CallOff.placed_at >= clock.start_of_day(results.quarter_start(quarters[0]))
            if quarters
            else false(),
            tender_target_groups.c.target_group_id.in_([p.id for p in reaction.parts]),
        )
        .group_by(tender_target_groups.c.target_group_id, month)
    ).all()
    call_offs: dict[tuple[int, str], int] = {}
    for group_id, placed_month, quantity in rows:
        year, number = placed_month.split("-")
        key = (group_id, f"{year}-Q{(int(number) - 1) // 3 + 1}")
        call_offs[key] = call_offs.get(key, 0) + int(quantity)
    reports = {
        (r.target_group_id, r.period): r
        for r in db.scalars(select(VolumeReport).where(VolumeReport.reaction_id == reaction.id))
    }
    return [
        ShareRow(
            period=quarter,
            part=part,
            handled_itself=reports[(part.id, quarter)].handled_itself
            if (part.id, quarter) in reports
            else None,
            reported_others=reports[(part.id, quarter)].handled_by_others
            if (part.id, quarter) in reports
            else 0,
            call_offs=call_offs.get((part.id, quarter), 0),
            required=reaction.minimum_share,
        )
        for quarter in reversed(quarters)
        for part in reaction.parts
    ]


def awaiting_cases(db: Session, user: User) -> int:
    """How many cases wait for the user's move (the start page's count): the region's staff
    steer theirs, the director and the jobcentre's leadership sign, the ministries decide."""
    stmt = visible_cases(user)
    if user.role == Role.REGION_STAFF:
        stmt = stmt.where(Reaction.state.in_(states_of(REGION)), ~_not_yet_due())
    elif user.role == Role.REGIONAL_DIRECTOR:
        stmt = stmt.where(
            Reaction.state.in_(states_of(SIGNERS)), Reaction.director_signed_by_id.is_(None)
        )
    elif user.role == Role.JOBCENTRE_MANAGER:
        stmt = stmt.where(
            Reaction.state.in_(states_of(SIGNERS)), Reaction.manager_signed_by_id.is_(None)
        )
    elif user.role == Role.MINISTRY:
        stmt = stmt.where(Reaction.state.in_(states_of(MINISTRY)))
    elif user.role == Role.INTEGRATION_MINISTRY:
        stmt = stmt.where(Reaction.state.in_(states_of(INTEGRATION_MINISTRY)))
    else:
        return 0
    return db.scalar(select(func.count()).select_from(stmt.subquery())) or 0
