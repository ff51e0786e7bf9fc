"""The rules of an agreement's life after its conclusion: the region suspends a supplier in one
agreement (breach of contract, or a ground for exclusion found later), lifts the suspension, or
terminates the agreement; each with a reason and a decision letter, told to the supplier and to
the jobcentres the framework covers. Running orders go on; new orders wait (calloffs asks
`Agreement.state`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from app import clock
from app.agreements.models import (
    AgreementEvent,
    AgreementPrice,
    AgreementStep,
    Ground,
    PriceRegulation,
    TenderExtension,
)
from app.audit import services as audit
from app.auth.models import User
from app.auth.roles import JOBCENTRE_ROLES, Role
from app.calloffs.cpr import refuse_cpr
from app.core.errors import DomainError, NotAllowed
from app.core.i18n import format_date, format_points
from app.core.i18n import gettext as _
from app.councils.models import CouncilDecision
from app.councils.uses import is_spent, require_own_and_current
from app.db import lock_row
from app.evaluation.models import Agreement, AgreementState
from app.notifications.services import notify
from app.organisations.models import Organisation, OrganisationKind
from app.suppliers.services import supplier_users
from app.tenders.models import Scope, Tender, TenderState
from app.tenders.services import extended_end

MAX_REASON = 4000


@dataclass(frozen=True)
class Move:
    starts_from: tuple[AgreementState, ...]
    leads_to: AgreementState
    needs_ground: bool


#: Each decision: the states it may be taken from, the state it leads to, whether it names a
#: ground. Only the region that owns the tender takes them.
MOVES: dict[AgreementStep, Move] = {
    AgreementStep.SUSPEND: Move((AgreementState.ACTIVE,), AgreementState.SUSPENDED, True),
    AgreementStep.LIFT: Move((AgreementState.SUSPENDED,), AgreementState.ACTIVE, False),
    AgreementStep.TERMINATE: Move(
        (AgreementState.ACTIVE, AgreementState.SUSPENDED), AgreementState.TERMINATED, True
    ),
}


def manages(user: User, agreement: Agreement) -> bool:
    """The staff of the region that owns the tender decide on its agreements."""
    return user.role == Role.REGION_STAFF and agreement.lot.tender.region_id == user.organisation_id


def may_see(user: User, agreement: Agreement) -> bool:
    """Who sees an agreement's page and history: the owning region's staff and director, the
    ministries and the administrator, the supplier itself, and the jobcentres it covers."""
    tender = agreement.lot.tender
    if user.role in (Role.ADMIN, Role.MINISTRY, Role.INTEGRATION_MINISTRY):
        return True
    if user.role in (Role.REGION_STAFF, Role.REGIONAL_DIRECTOR):
        return tender.region_id == user.organisation_id
    if user.role == Role.SUPPLIER:
        return agreement.supplier.organisation_id == user.organisation_id
    if user.role in JOBCENTRE_ROLES:
        return tender.scope == Scope.NATIONAL or tender.region_id == user.organisation.region_id
    return False


def next_steps(user: User, agreement: Agreement) -> list[AgreementStep]:
    """The decisions the user may take on the agreement now (what its page offers)."""
    if not manages(user, agreement):
        return []
    return [step for step, move in MOVES.items() if agreement.state in move.starts_from]


def history(agreement: Agreement) -> Select:
    """The decisions on the agreement, oldest first."""
    return (
        select(AgreementEvent)
        .where(AgreementEvent.agreement_id == agreement.id)
        .order_by(AgreementEvent.occurred_at, AgreementEvent.id)
    )


def agreements_of(tender: Tender) -> Select:
    """The tender's agreements, by lot and rank, for its page."""
    return (
        select(Agreement)
        .where(Agreement.tender_id == tender.id)
        .order_by(Agreement.lot_id, Agreement.rank)
    )


def _not_now(agreement: Agreement) -> str:
    return _(
        'This cannot be done when the agreement has the status "%(state)s".',
        state=agreement.state.label,
    )


def _checked_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for the decision; the supplier is told it."))
    if len(reason) > MAX_REASON:
        raise DomainError(_("The reason is at most %(n)d characters long.", n=MAX_REASON))
    refuse_cpr(reason, _("The reason"), "reason")
    return reason


def _reference(db: Session, agreement: Agreement) -> str:
    """AF-<agreement>-<n>: the decision's place in the agreement's history, under its lock."""
    count = db.scalar(select(func.count()).where(AgreementEvent.agreement_id == agreement.id))
    return f"AF-{agreement.number}-{(count or 0) + 1}"


def _covered_jobcentres_users(db: Session, tender: Tender) -> list[User]:
    stmt = (
        select(User)
        .join(Organisation, User.organisation_id == Organisation.id)
        .where(Organisation.kind == OrganisationKind.JOBCENTRE, User.active)
    )
    if tender.scope != Scope.NATIONAL:
        stmt = stmt.where(Organisation.region_id == tender.region_id)
    return list(db.scalars(stmt))


def _tell_everyone(db: Session, tender: Tender, supplier_ids, subject: str, body: str, link: str):
    """The suppliers concerned and every jobcentre the framework covers."""
    notify(db, supplier_users(db, *supplier_ids), subject, body, link=link)
    notify(db, _covered_jobcentres_users(db, tender), subject, body, link=link)


SUBJECTS = {
    AgreementStep.SUSPEND: lambda a: _(
        "%(supplier)s is suspended in framework agreement %(number)s",
        supplier=a.supplier.name,
        number=a.number,
    ),
    AgreementStep.LIFT: lambda a: _(
        "The suspension of %(supplier)s in framework agreement %(number)s is lifted",
        supplier=a.supplier.name,
        number=a.number,
    ),
    AgreementStep.TERMINATE: lambda a: _(
        "Framework agreement %(number)s with %(supplier)s is terminated",
        supplier=a.supplier.name,
        number=a.number,
    ),
}

CONSEQUENCES = {
    AgreementStep.SUSPEND: lambda: _(
        "No new orders can be placed with the supplier under this agreement until the "
        "suspension is lifted; orders already placed go on. Under a cascade the next supplier "
        "in line takes the orders."
    ),
    AgreementStep.LIFT: lambda: _("The supplier can take new orders under the agreement again."),
    AgreementStep.TERMINATE: lambda: _(
        "The agreement takes no new orders from today; orders already placed go on."
    ),
}


def _tell(db: Session, agreement: Agreement, event: AgreementEvent) -> None:
    subject = SUBJECTS[event.step](agreement)
    body = f"{CONSEQUENCES[event.step]()}\n\n{_('Reason')}: {event.reason}"
    link = f"/agreements/{agreement.id}"
    _tell_everyone(db, agreement.lot.tender, [agreement.supplier_id], subject, body, link)


def decide(
    db: Session,
    actor: User,
    agreement: Agreement,
    step: AgreementStep,
    reason: str,
    ground: Ground | None = None,
) -> AgreementEvent:
    """Take one decision on the agreement, under its lock: checked, recorded in its history
    with a letter's reference, audited, and told."""
    if not manages(actor, agreement):
        raise NotAllowed(_("Only the staff of the region that owns the framework decide this."))
    move = MOVES[step]
    if move.needs_ground and ground is None:
        raise DomainError(_("Choose the ground for the decision."))
    reason = _checked_reason(reason)
    agreement = lock_row(db, Agreement, agreement.id)
    if agreement.state not in move.starts_from:
        raise DomainError(_not_now(agreement))
    before = agreement.state
    agreement.state = move.leads_to
    event = AgreementEvent(
        agreement_id=agreement.id,
        step=step,
        ground=ground if move.needs_ground else None,
        reason=reason,
        reference=_reference(db, agreement),
        actor_id=actor.id,
    )
    db.add(event)
    db.flush()
    audit.record(
        db,
        actor,
        f"agreement.{step.value}",
        agreement,
        {
            "state": [before.value, agreement.state.value],
            "ground": ground.value if ground else None,
            "reference": event.reference,
        },
    )
    _tell(db, agreement, event)
    return event


def suspend(db: Session, actor: User, agreement: Agreement, ground: Ground, reason: str):
    return decide(db, actor, agreement, AgreementStep.SUSPEND, reason, ground)


def lift(db: Session, actor: User, agreement: Agreement, reason: str):
    return decide(db, actor, agreement, AgreementStep.LIFT, reason)


def terminate(db: Session, actor: User, agreement: Agreement, ground: Ground, reason: str):
    return decide(db, actor, agreement, AgreementStep.TERMINATE, reason, ground)


# --- options to extend the agreement period -------------------------------------------------


def extensions_of(tender: Tender) -> Select:
    """The options exercised on the tender, in order."""
    return (
        select(TenderExtension)
        .where(TenderExtension.tender_id == tender.id)
        .order_by(TenderExtension.number)
    )


def may_extend(user: User, tender: Tender) -> bool:
    """Whether the tender's page offers its region staff the next option now."""
    return (
        user.role == Role.REGION_STAFF
        and tender.region_id == user.organisation_id
        and tender.state == TenderState.ACTIVE
        and tender.extension_options_left > 0
        and clock.today() <= tender.agreement_end
    )


def next_end(tender: Tender) -> date:
    return extended_end(tender.agreement_end, tender.extension_months)


def _checked_decision(db: Session, tender: Tender, decision: CouncilDecision | None) -> None:
    if not tender.extension_needs_council:
        if decision is not None:
            raise DomainError(_("This tender's extensions need no council decision."))
        return
    if decision is None:
        raise DomainError(_("The tender says each extension needs a council decision; choose it."))
    require_own_and_current(decision, tender.region_id, tender.agreement_start)
    if is_spent(db, decision.id):
        raise DomainError(_("This council decision is already used for something else."))


def extend(
    db: Session, actor: User, tender: Tender, decision: CouncilDecision | None = None
) -> TenderExtension:
    """Exercise the tender's next option: every agreement of it that is not terminated runs
    `extension_months` longer; before expiry, within the options, with a council decision
    where the tender asks for one. Told to the suppliers and the jobcentres."""
    if not (actor.role == Role.REGION_STAFF and tender.region_id == actor.organisation_id):
        raise NotAllowed(_("Only the staff of the region that owns the framework decide this."))
    tender = lock_row(db, Tender, tender.id)
    if tender.state != TenderState.ACTIVE:
        raise DomainError(_("Only an active framework's agreements can be extended."))
    if tender.extension_options_left <= 0:
        raise DomainError(
            _("The tender has no option to extend left.")
            if tender.extension_options
            else _("The tender states no option to extend the agreements.")
        )
    if clock.today() > tender.agreement_end:
        raise DomainError(
            _(
                "The agreements ended on %(day)s; an option is exercised before they expire.",
                day=format_date(tender.agreement_end),
            )
        )
    _checked_decision(db, tender, decision)
    old_end, new_end = tender.agreement_end, next_end(tender)
    tender.agreement_end = new_end
    tender.extensions_used += 1
    extended = db.scalars(
        select(Agreement).where(
            Agreement.tender_id == tender.id,
            Agreement.state != AgreementState.TERMINATED,
            Agreement.ends_on == old_end,
        )
    ).all()
    for agreement in extended:
        agreement.ends_on = new_end
    extension = TenderExtension(
        tender_id=tender.id,
        number=tender.extensions_used,
        old_end=old_end,
        new_end=new_end,
        decision_id=decision.id if decision else None,
        actor_id=actor.id,
    )
    db.add(extension)
    db.flush()
    audit.record(
        db,
        actor,
        "tender.extended",
        tender,
        {
            "agreement_end": [old_end.isoformat(), new_end.isoformat()],
            "option": extension.number,
            "decision_id": extension.decision_id,
            "agreements": len(extended),
        },
    )
    _tell_of_extension(db, tender, extended, new_end)
    return extension


def _tell_of_extension(db: Session, tender: Tender, agreements, new_end: date) -> None:
    subject = _(
        "The framework agreements of %(reference)s are extended until %(day)s",
        reference=tender.reference,
        day=format_date(new_end),
    )
    body = _("%(title)s: the region has exercised an option to extend.", title=tender.title)
    supplier_ids = {a.supplier_id for a in agreements}
    _tell_everyone(db, tender, supplier_ids, subject, body, f"/tenders/{tender.id}")


# --- price regulation ------------------------------------------------------------------------

#: A framework's prices are regulated at most once in this long.
REGULATION_INTERVAL = relativedelta(years=1)
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Regulation:
    """What a regulation would do: the change it applies (capped) and each agreement's price."""

    change: Decimal  # percent
    capped: bool
    prices: list[tuple[Agreement, Decimal, Decimal]]  # agreement, old price, new price


def regulations_of(tender: Tender) -> Select:
    return (
        select(PriceRegulation)
        .where(PriceRegulation.tender_id == tender.id)
        .order_by(PriceRegulation.applies_from, PriceRegulation.id)
    )


def may_regulate(user: User, tender: Tender) -> bool:
    return (
        user.role == Role.REGION_STAFF
        and tender.region_id == user.organisation_id
        and tender.state == TenderState.ACTIVE
        and tender.regulates_prices
    )


def _earliest_day(db: Session, tender: Tender) -> date:
    """A year after the agreements started, or after the last regulation applied."""
    last = db.scalar(
        select(func.max(PriceRegulation.applies_from)).where(PriceRegulation.tender_id == tender.id)
    )
    return (last or tender.agreement_start) + REGULATION_INTERVAL


def preview_regulation(
    db: Session,
    actor: User,
    tender: Tender,
    index_before: Decimal,
    index_after: Decimal,
    applies_from: date,
) -> Regulation:
    """Check a regulation and say what it would do, changing nothing."""
    if not (actor.role == Role.REGION_STAFF and tender.region_id == actor.organisation_id):
        raise NotAllowed(_("Only the staff of the region that owns the framework decide this."))
    if tender.state != TenderState.ACTIVE:
        raise DomainError(_("Only an active framework's prices are regulated."))
    if not tender.regulates_prices:
        raise DomainError(_("The tender does not allow its prices to be regulated."))
    if index_before <= 0 or index_after <= 0:
        raise DomainError(_("The index values must be above 0."))
    if applies_from < clock.today():
        raise DomainError(_("A regulation applies from today or a later day, never before."))
    if applies_from > tender.agreement_end:
        raise DomainError(_("The agreements end before that day."))
    earliest = _earliest_day(db, tender)
    if applies_from < earliest:
        raise DomainError(
            _(
                "Prices are regulated once a year: the next regulation applies from %(day)s "
                "at the earliest.",
                day=format_date(earliest),
            )
        )
    change = ((index_after / index_before - 1) * HUNDRED).quantize(Decimal("0.01"), ROUND_HALF_UP)
    capped = change > tender.price_cap
    if capped:
        change = tender.price_cap
    agreements = db.scalars(
        select(Agreement)
        .where(Agreement.tender_id == tender.id, Agreement.state != AgreementState.TERMINATED)
        .order_by(Agreement.lot_id, Agreement.rank)
    ).all()
    prices = []
    for agreement in agreements:
        old = agreement.price_on(applies_from)
        new = (old * (HUNDRED + change) / HUNDRED).quantize(Decimal("0.01"), ROUND_HALF_UP)
        prices.append((agreement, old, new))
    return Regulation(change=change, capped=capped, prices=prices)


def regulate_prices(
    db: Session,
    actor: User,
    tender: Tender,
    index_before: Decimal,
    index_after: Decimal,
    applies_from: date,
) -> PriceRegulation:
    """Record the regulation and each agreement's new price from the day (orders placed before
    keep their price: an order stores the price it was placed at). Under the tender's lock."""
    tender = lock_row(db, Tender, tender.id)
    found = preview_regulation(db, actor, tender, index_before, index_after, applies_from)
    regulation = PriceRegulation(
        tender_id=tender.id,
        index_before=index_before,
        index_after=index_after,
        change=found.change,
        applies_from=applies_from,
        actor_id=actor.id,
    )
    db.add(regulation)
    db.flush()
    for agreement, old, new in found.prices:
        db.add(
            AgreementPrice(
                agreement_id=agreement.id,
                regulation_id=regulation.id,
                old_price=old,
                new_price=new,
                applies_from=applies_from,
            )
        )
    db.flush()
    for agreement, _old, _new in found.prices:
        db.expire(agreement, ["prices"])
    audit.record(
        db,
        actor,
        "tender.prices_regulated",
        tender,
        {
            "index": [str(index_before), str(index_after)],
            "change": str(found.change),
            "capped": found.capped,
            "applies_from": applies_from.isoformat(),
            "agreements": len(found.prices),
        },
    )
    subject = _(
        "The prices of %(reference)s are regulated by %(change)s %% from %(day)s",
        reference=tender.reference,
        change=format_points(found.change),
        day=format_date(applies_from),
    )
    supplier_ids = {a.supplier_id for a, _o, _n in found.prices}
    body = _("Orders placed before that day keep their price.")
    _tell_everyone(db, tender, supplier_ids, subject, body, f"/tenders/{tender.id}")
    return regulation
