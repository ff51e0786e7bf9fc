"""The rules of exemptions: who may ask, for what and for which period; the owning region
decides, with reasons; an approval reclassifies the jobcentre's purchases in its period."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy import Select, false, func, or_, select, true
from sqlalchemy.orm import Session, aliased, selectinload

from app import clock
from app.audit import services as audit
from app.auth.models import User
from app.auth.roles import JOBCENTRE_ROLES, Role
from app.auth.services import region_staff
from app.calloffs.cpr import refuse_cpr
from app.calloffs.services import covers
from app.core.errors import DomainError, NotAllowed
from app.core.i18n import format_date
from app.core.i18n import gettext as _
from app.core.i18n import lazy_gettext as _l
from app.db import lock_row
from app.exemptions.models import Exemption, ExemptionReason, ExemptionState
from app.notifications.services import notify
from app.organisations.models import Organisation
from app.purchases.services import reclassify
from app.tenders.models import Lot, Tender, TenderState

OPEN_OR_GRANTED = (ExemptionState.REQUESTED, ExemptionState.APPROVED)


# --- the moves of a request: who takes each step, from which state, to which -------------------


class ExemptionStep(StrEnum):
    APPROVE = "approve"
    REFUSE = "refuse"
    WITHDRAW = "withdraw"  # the jobcentre takes its request back before the region decides


def _owning_region_staff(actor: User, exemption: Exemption) -> None:
    if actor.role != Role.REGION_STAFF or actor.organisation_id != exemption.tender.region_id:
        raise NotAllowed(
            _(
                "Only region staff of %(region)s can decide on this exemption.",
                region=exemption.tender.region.name,
            )
        )


def _the_asking_jobcentre(actor: User, exemption: Exemption) -> None:
    if actor.role not in JOBCENTRE_ROLES or actor.organisation_id != exemption.jobcentre_id:
        raise NotAllowed(_("Only the jobcentre that asked can withdraw the request."))


@dataclass(frozen=True)
class Move:
    who: Callable[[User, Exemption], None]
    start: tuple[ExemptionState, ...]
    to: ExemptionState
    refusal: str  # why not, in any other state (a lazy translatable string)


MOVES: dict[ExemptionStep, Move] = {
    ExemptionStep.APPROVE: Move(
        _owning_region_staff,
        (ExemptionState.REQUESTED,),
        ExemptionState.APPROVED,
        _l("The exemption is already decided."),
    ),
    ExemptionStep.REFUSE: Move(
        _owning_region_staff,
        (ExemptionState.REQUESTED,),
        ExemptionState.REFUSED,
        _l("The exemption is already decided."),
    ),
    ExemptionStep.WITHDRAW: Move(
        _the_asking_jobcentre,
        (ExemptionState.REQUESTED,),
        ExemptionState.WITHDRAWN,
        _l("The region has decided, or the request is withdrawn: it can no longer be withdrawn."),
    ),
}


def guard(actor: User, exemption: Exemption, step: ExemptionStep) -> None:
    """Refuse the step unless the actor may take it and the request is in a state it starts
    from; the step's own rules come after this."""
    found = MOVES[step]
    found.who(actor, exemption)
    if exemption.state not in found.start:
        raise DomainError(str(found.refusal))


def allows(user: User, exemption: Exemption, step: ExemptionStep) -> bool:
    try:
        guard(user, exemption, step)
    except DomainError:
        return False
    return True


def next_steps(user: User, exemption: Exemption) -> list[ExemptionStep]:
    """The steps the user may take on the request now, as the table sees them."""
    return [step for step in MOVES if allows(user, exemption, step)]


@dataclass(frozen=True)
class ExemptionInput:
    tender_id: int | None  # the whole tender; or None, and a lot
    lot_id: int | None
    reason: ExemptionReason
    justification: str
    starts_on: date
    ends_on: date


def exemptable_tenders(db: Session, jobcentre: Organisation) -> list[Tender]:
    """The active tenders a jobcentre may ask to be exempted from (those that cover it)."""
    tenders = db.scalars(
        select(Tender)
        .where(Tender.state == TenderState.ACTIVE)
        .order_by(Tender.reference)
        .options(selectinload(Tender.lots))
    ).all()
    return [tender for tender in tenders if covers(tender, jobcentre)]


def _link(exemption: Exemption) -> str:
    """The exemption's page, as a path (the outbox puts the site's address in front)."""
    return f"/exemptions/{exemption.id}"


def may_ask(user: User) -> bool:
    """Jobcentre staff ask for exemptions (for their own jobcentre)."""
    return user.role in JOBCENTRE_ROLES


def _jobcentre_of(actor: User) -> Organisation:
    if not may_ask(actor):
        raise NotAllowed(_("Only jobcentre staff can ask for an exemption."))
    return actor.organisation


def _covering_framework(
    db: Session, jobcentre: Organisation, data: ExemptionInput
) -> tuple[Lot | None, Tender]:
    """The lot (or None for the whole tender) and its tender: an active one covering the
    jobcentre."""
    lot = db.get(Lot, data.lot_id) if data.lot_id is not None else None
    tender = lot.tender if lot is not None else db.get(Tender, data.tender_id or 0)
    if tender is None or tender.state != TenderState.ACTIVE or not covers(tender, jobcentre):
        raise DomainError(_("Choose an active framework that covers the jobcentre."))
    return lot, tender


def _required_justification(data: ExemptionInput) -> str:
    justification = data.justification.strip()
    if not justification:
        raise DomainError(_("Explain why the jobcentre should be exempted."))
    refuse_cpr(justification, _("The justification"), "justification")
    return justification


def _require_period_within_agreement(tender: Tender, data: ExemptionInput) -> None:
    if data.starts_on > data.ends_on:
        raise DomainError(_("The period must end on or after the day it starts."))
    if data.starts_on < tender.agreement_start or data.ends_on > tender.agreement_end:
        raise DomainError(
            _(
                "The period must lie within the framework's agreement period, %(start)s to "
                "%(end)s.",
                start=format_date(tender.agreement_start),
                end=format_date(tender.agreement_end),
            )
        )


def _refuse_overlapping(
    db: Session, jobcentre: Organisation, tender: Tender, data: ExemptionInput
) -> None:
    """One open or granted exemption at a time for the same framework and days; checked with
    the jobcentre's row locked."""
    overlapping = db.scalar(
        select(Exemption.id).where(
            Exemption.jobcentre_id == jobcentre.id,
            Exemption.tender_id == tender.id,
            Exemption.state.in_(OPEN_OR_GRANTED),
            # A whole-tender exemption overlaps every lot of the tender, and each lot the whole.
            true()
            if data.lot_id is None
            else or_(Exemption.lot_id.is_(None), Exemption.lot_id == data.lot_id),
            Exemption.starts_on <= data.ends_on,
            Exemption.ends_on >= data.starts_on,
        )
    )
    if overlapping is not None:
        raise DomainError(
            _("The jobcentre has already asked for, or has, an exemption that overlaps.")
        )


def _new_request(
    db: Session,
    actor: User,
    jobcentre: Organisation,
    tender: Tender,
    data: ExemptionInput,
    justification: str,
) -> Exemption:
    exemption = Exemption(
        jobcentre_id=jobcentre.id,
        tender_id=tender.id,
        lot_id=data.lot_id,
        reason=data.reason,
        justification=justification,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        state=ExemptionState.REQUESTED,
        requested_by_id=actor.id,
        requested_at=clock.now(),
    )
    db.add(exemption)
    db.flush()
    return exemption


def _record_requested(
    db: Session, actor: User, exemption: Exemption, tender: Tender, lot: Lot | None
) -> None:
    audit.record(
        db,
        actor,
        "exemption.requested",
        exemption,
        {
            "tender": tender.reference,
            "lot": lot.number if lot else None,
            "period": [exemption.starts_on, exemption.ends_on],
            "reason": exemption.reason.value,
        },
    )


def _tell_region(db: Session, exemption: Exemption, tender: Tender, jobcentre: Organisation):
    notify(
        db,
        region_staff(db, tender.region_id),
        _(
            "%(jobcentre)s asks to be exempted from %(ref)s",
            jobcentre=jobcentre.name,
            ref=tender.reference,
        ),
        link=_link(exemption),
    )


def request_exemption(db: Session, actor: User, data: ExemptionInput) -> Exemption:
    """A jobcentre asks to be exempted from a lot or a whole tender for a period."""
    jobcentre = _jobcentre_of(actor)
    lot, tender = _covering_framework(db, jobcentre, data)
    justification = _required_justification(data)
    # Two requests at once must not both pass the overlap check: one waits for the other.
    lock_row(db, Organisation, jobcentre.id)
    _require_period_within_agreement(tender, data)
    _refuse_overlapping(db, jobcentre, tender, data)
    exemption = _new_request(db, actor, jobcentre, tender, data, justification)
    _record_requested(db, actor, exemption, tender, lot)
    _tell_region(db, exemption, tender, jobcentre)
    return exemption


def _decide(
    db: Session, actor: User, exemption: Exemption, step: ExemptionStep, reason: str
) -> Exemption:
    exemption = lock_row(db, Exemption, exemption.id)  # two deciders at once: one decides
    guard(actor, exemption, step)
    state = MOVES[step].to
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reasons for the decision."))
    refuse_cpr(reason, _("The reasons"), "reason")
    exemption.state = state
    exemption.decided_by_id = actor.id
    exemption.decided_at = clock.now()
    exemption.decision_reason = reason
    audit.record(db, actor, f"exemption.{state.value}", exemption, {"reasons": reason})
    notify(
        db,
        [exemption.requested_by],
        _(
            "Your request for exemption from %(ref)s is %(state)s",
            ref=exemption.tender.reference,
            state=state.label.lower(),
        ),
        _("The region's reasons: %(reasons)s", reasons=reason),
        link=_link(exemption),
    )
    return exemption


def approve(db: Session, actor: User, exemption: Exemption, reason: str) -> Exemption:
    """The region approves; the jobcentre's purchases in the period are classified anew."""
    exemption = _decide(db, actor, exemption, ExemptionStep.APPROVE, reason)
    db.flush()
    reclassify(db, actor, exemption.jobcentre_id, exemption.starts_on, exemption.ends_on)
    return exemption


def refuse(db: Session, actor: User, exemption: Exemption, reason: str) -> Exemption:
    return _decide(db, actor, exemption, ExemptionStep.REFUSE, reason)


def withdraw(db: Session, actor: User, exemption: Exemption) -> Exemption:
    """The jobcentre takes back a request the region has not decided yet; the region hears."""
    exemption = lock_row(db, Exemption, exemption.id)  # a withdrawal and a decision: one wins
    guard(actor, exemption, ExemptionStep.WITHDRAW)
    exemption.state = MOVES[ExemptionStep.WITHDRAW].to
    exemption.withdrawn_at = clock.now()
    audit.record(db, actor, "exemption.withdrawn", exemption)
    notify(
        db,
        region_staff(db, exemption.tender.region_id),
        _(
            "%(jobcentre)s withdrew its request for exemption from %(ref)s",
            jobcentre=exemption.jobcentre.name,
            ref=exemption.tender.reference,
        ),
        link=_link(exemption),
    )
    return exemption


def visible_exemptions(user: User) -> Select:
    """The exemptions the user may see, as one statement (the rule of is_visible_to)."""
    stmt = select(Exemption)
    if user.role in JOBCENTRE_ROLES:
        return stmt.where(Exemption.jobcentre_id == user.organisation_id)
    if user.role in (Role.REGION_STAFF, Role.REGIONAL_DIRECTOR):
        jobcentre = aliased(Organisation)
        return (
            stmt.join(Tender, Exemption.tender_id == Tender.id)
            .join(jobcentre, Exemption.jobcentre_id == jobcentre.id)
            .where(
                or_(
                    Tender.region_id == user.organisation_id,
                    jobcentre.region_id == user.organisation_id,
                )
            )
        )
    return stmt.where(false())


def exemptions_listed(user: User, state: str | None) -> Select:
    """The exemptions the user may see, in one state when `state` names one, newest first."""
    stmt = visible_exemptions(user)
    if state in {s.value for s in ExemptionState}:
        stmt = stmt.where(Exemption.state == ExemptionState(state))
    return stmt.order_by(Exemption.requested_at.desc(), Exemption.id.desc())


def may_decide(user: User, exemption: Exemption) -> bool:
    return allows(user, exemption, ExemptionStep.APPROVE)


def may_withdraw(user: User, exemption: Exemption) -> bool:
    return allows(user, exemption, ExemptionStep.WITHDRAW)


def awaiting_decision(db: Session, user: User) -> int:
    """How many requests wait for the user's region to decide (0 for anyone else)."""
    if user.role != Role.REGION_STAFF:
        return 0
    return (
        db.scalar(
            select(func.count())
            .select_from(Exemption)
            .join(Tender, Exemption.tender_id == Tender.id)
            .where(
                Tender.region_id == user.organisation_id,
                Exemption.state == ExemptionState.REQUESTED,
            )
        )
        or 0
    )
