"""The rules of a mini-competition (a call-off with reopened competition, Directive 2014/24/EU
art. 33(5)).

A jobcentre in the framework's scope starts one on a lot whose rule reopens competition (or its
region, for several of its jobcentres at once, each with its quantity): the need, a response
deadline at least the lot's number of days away, and weights within the framework's own award
criteria. Every supplier of the lot able to deliver is invited in writing;
a suspended or terminated one is not. The responses are sealed exactly like bids
(`app.bids.sealing`: encrypted at rest, exact receipt time and fingerprint, replaced or withdrawn
until the deadline) and opened after it. The jobcentre scores them with the framework's
arithmetic (`app.evaluation.scoring`: ranking and ties as DESIGN.md); a price above the
supplier's agreement price on the start date does not count. The winner's response becomes a
call-off order through `app.calloffs.services.place_competed_order`, under the lot's lock like any
order (a region's competition: one order per jobcentre, all or none); the others are told the
result and the winner's relative advantages.

Lock order: the competition's row, then the lot's (in the call-offs service), then the audit
chain's head.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from app import clock
from app.audit import services as audit
from app.auth.models import User
from app.auth.roles import JOBCENTRE_ROLES, Role
from app.auth.services import active_users
from app.bids import sealing
from app.bids.services import canonical, fingerprint
from app.calloffs import services as calloffs
from app.calloffs.cpr import refuse_cpr
from app.calloffs.models import CallOff
from app.core.errors import DomainError, NotAllowed, NotFound
from app.core.i18n import format_date, format_datetime, format_money
from app.core.i18n import gettext as _
from app.db import lock_row
from app.evaluation import scoring
from app.evaluation.models import AgreementState
from app.minicompetitions.models import (
    CompetitionResponse,
    CompetitionShare,
    CompetitionState,
    CompetitionStep,
    CompetitionWeight,
    Invitation,
    MiniCompetition,
    ResponseScore,
    ResponseState,
    ResponseVersion,
)
from app.notifications.services import notify
from app.organisations.models import Organisation, OrganisationKind
from app.suppliers.models import Supplier, SupplierState
from app.suppliers.services import supplier_of
from app.tenders.models import CallOffRule, Lot, Scope, Tender, TenderState

MAX_QUANTITY = calloffs.MAX_QUANTITY
TOTAL_WEIGHT = 100
ONE_ORE = Decimal("0.01")

# --- the competition's life --------------------------------------------------------------------

#: Each step: the states it may start from (as the clock sees them), the state it leads to
#: (None: the state stays), and who takes it.
MOVES: dict[CompetitionStep, tuple[tuple[CompetitionState, ...], CompetitionState | None]] = {
    CompetitionStep.RESPOND: ((CompetitionState.OPEN,), None),
    CompetitionStep.SCORE: ((CompetitionState.CLOSED,), None),
    CompetitionStep.AWARD: ((CompetitionState.CLOSED,), CompetitionState.AWARDED),
    CompetitionStep.CANCEL: (
        (CompetitionState.OPEN, CompetitionState.CLOSED),
        CompetitionState.CANCELLED,
    ),
}
SUPPLIER_STEPS = (CompetitionStep.RESPOND,)
ORGANISER_STEPS = (CompetitionStep.SCORE, CompetitionStep.AWARD, CompetitionStep.CANCEL)


def is_organiser_of(user: User, competition: MiniCompetition) -> bool:
    """The jobcentre that started it for itself, or the region's staff when the region ran it
    for several of its jobcentres: they evaluate, award and cancel."""
    if competition.for_several:
        return user.role == Role.REGION_STAFF and user.organisation_id == competition.region_id
    return user.role in JOBCENTRE_ROLES and user.organisation_id == competition.jobcentre_id


def invitation_for(user: User, competition: MiniCompetition) -> Invitation | None:
    if user.role != Role.SUPPLIER:
        return None
    return next(
        (i for i in competition.invitations if i.supplier.organisation_id == user.organisation_id),
        None,
    )


def next_steps(user: User, competition: MiniCompetition) -> list[CompetitionStep]:
    """The steps the user may take on the competition now (what its page offers)."""
    if is_organiser_of(user, competition):
        mine = ORGANISER_STEPS
    elif invitation_for(user, competition) is not None:
        mine = SUPPLIER_STEPS
    else:
        return []
    state = competition.current_state
    return [step for step in mine if state in MOVES[step][0]]


def not_now(competition: MiniCompetition, step: CompetitionStep) -> str:
    """Why a step is refused in the competition's present state."""
    if step == CompetitionStep.RESPOND and competition.current_state == CompetitionState.CLOSED:
        return _(
            "The response deadline (%(when)s) has passed: nothing can be submitted, replaced or "
            "withdrawn.",
            when=format_datetime(competition.response_deadline),
        )
    if competition.current_state == CompetitionState.OPEN:
        return _(
            "The responses are sealed until the deadline (%(when)s).",
            when=format_datetime(competition.response_deadline),
        )
    return _(
        'This cannot be done when the mini-competition has the status "%(state)s".',
        state=competition.current_state.label,
    )


def guard(competition: MiniCompetition, step: CompetitionStep) -> None:
    """The step may start from the competition's state as the clock sees it, to the second."""
    if competition.current_state not in MOVES[step][0]:
        raise DomainError(not_now(competition, step))


def _move(competition: MiniCompetition, step: CompetitionStep) -> None:
    to = MOVES[step][1]
    if to is not None:
        competition.state = to


def _require_organiser(actor: User, competition: MiniCompetition) -> None:
    if not is_organiser_of(actor, competition):
        raise NotAllowed(
            _("Only the jobcentre or region that started the mini-competition can do this.")
        )


def _link(competition: MiniCompetition) -> str:
    return f"/mini-competitions/{competition.id}"


def _supplier_users(db: Session, supplier: Supplier) -> list[User]:
    return active_users(db, organisation_id=supplier.organisation_id)


# --- starting one ------------------------------------------------------------------------------


@dataclass(frozen=True)
class NeedInput:
    description: str
    quantity: int
    starts_on: date
    case_reference: str
    response_deadline: datetime
    weights: dict[int, int]  # award criterion id → weight (percent)


def _jobcentre_of(actor: User):
    if actor.role not in JOBCENTRE_ROLES:
        raise NotAllowed(_("Only jobcentre staff start mini-competitions."))
    return actor.organisation


def _require_competition_rule(lot: Lot) -> None:
    if not lot.offers_competition:
        raise DomainError(
            _(
                'This lot is called off by "%(rule)s", not by mini-competition: order directly.',
                rule=lot.call_off_rule.label,
            )
        )


def _check_need_text(need: NeedInput) -> None:
    if not need.description.strip():
        raise DomainError(_("Describe the need."))
    if not need.case_reference.strip():
        raise DomainError(_("Give the case reference."))
    refuse_cpr(need.case_reference, _("The case reference"))
    refuse_cpr(need.description, _("The description"))


def _require_quantity_in_bounds(need: NeedInput) -> None:
    if not 1 <= need.quantity <= MAX_QUANTITY:
        raise DomainError(_("The quantity must be between 1 and %(max)d.", max=MAX_QUANTITY))


def earliest_deadline(lot: Lot, now: datetime) -> datetime:
    """The earliest response deadline the lot allows for a competition started now."""
    return now + timedelta(days=lot.competition_days)


def _require_deadline_long_enough(lot: Lot, deadline: datetime) -> None:
    """The suppliers get at least the lot's number of days, to the second."""
    earliest = earliest_deadline(lot, clock.now())
    if deadline < earliest:
        raise DomainError(
            _(
                "The suppliers must have at least %(days)d days to respond: the deadline can be "
                "%(earliest)s at the earliest.",
                days=lot.competition_days,
                earliest=format_datetime(earliest),
            )
        )


def _require_start_after_deadline(need: NeedInput) -> None:
    deadline_day = clock.local_date(need.response_deadline)
    if need.starts_on < deadline_day:
        raise DomainError(
            _(
                "The start date cannot be before the response deadline (%(day)s).",
                day=format_date(deadline_day),
            )
        )


def _check_weights(lot: Lot, weights: dict[int, int]) -> None:
    """Weights within the framework's own award criteria: only its criteria, each 0–100, the
    price weighed above 0, in all 100."""
    criteria = {c.id: c for c in lot.tender.criteria}
    if set(weights) - set(criteria):
        raise DomainError(_("Weigh only the framework's own award criteria."))
    if any(not 0 <= w <= TOTAL_WEIGHT for w in weights.values()):
        raise DomainError(_("Each weight lies between 0 and 100."))
    price = next(c for c in criteria.values() if c.is_price)
    if weights.get(price.id, 0) <= 0:
        raise DomainError(_("The price must weigh more than 0."))
    total = sum(weights.values())
    if total != TOTAL_WEIGHT:
        raise DomainError(_("The weights add up to %(total)d, not 100.", total=total))


def able_to_deliver(offer: calloffs.LotOffer, starts_on: date) -> list:
    """The lot's agreements that can take an order today and still run on the start date:
    a supplier suspended or terminated in its agreement (or suspended as a supplier) is not
    among them."""
    today = clock.today()
    return [a for a in offer.agreements if offer.orderable(a, today) and a.runs_on(starts_on)]


def _refuse_beyond_what_is_left(offer: calloffs.LotOffer, need: NeedInput, invited: list) -> None:
    """Not even the lowest agreement price (on the start date) would fit within what the lot
    has left: no response could be won."""
    cheapest = min(a.price_on(need.starts_on) for a in invited)
    quantity = need.quantity
    if cheapest * quantity > offer.left:
        raise DomainError(
            _(
                "No response could be won: %(quantity)d at the lowest agreement price of "
                "%(price)s is above the %(left)s the lot has left.",
                quantity=quantity,
                price=format_money(cheapest),
                left=format_money(offer.left),
            )
        )


def _next_number(db: Session, lot: Lot) -> str:
    """MK-<tender>-<lot>-<n>: counted per lot, under the lot's lock."""
    taken = db.scalar(select(func.count()).where(MiniCompetition.lot_id == lot.id)) or 0
    return f"MK-{lot.tender.reference}-{lot.number}-{taken + 1:03d}"


def start(db: Session, actor: User, lot: Lot, need: NeedInput) -> MiniCompetition:
    """A jobcentre starts a mini-competition on a lot; every supplier able to deliver is
    invited in writing."""
    jobcentre = _jobcentre_of(actor)
    offer = calloffs.offer_for(db, jobcentre, lot)  # an active framework that covers it
    _require_competition_rule(lot)
    _check_need_text(need)
    _require_quantity_in_bounds(need)
    return _open(db, actor, offer, need, jobcentre_id=jobcentre.id)


@dataclass(frozen=True)
class ShareInput:
    """A jobcentre's part of the need a region puts to competition."""

    jobcentre_id: int
    quantity: int
    case_reference: str = ""  # the competition's own when empty


def _region_of(actor: User) -> Organisation:
    if actor.role != Role.REGION_STAFF:
        raise NotAllowed(_("Only region staff start a mini-competition for several jobcentres."))
    return actor.organisation


def _participants(
    db: Session, region: Organisation, lot: Lot, need: NeedInput, shares: list[ShareInput]
) -> list[CompetitionShare]:
    """At least two of the region's own jobcentres, each once, each covered by the framework,
    each with a quantity in bounds and a case reference without a CPR number."""
    ids = [s.jobcentre_id for s in shares]
    if len(set(ids)) != len(ids):
        raise DomainError(_("Each jobcentre takes part once."))
    if len(ids) < 2:
        raise DomainError(
            _(
                "Choose at least two of the region's jobcentres: a single jobcentre starts its "
                "own mini-competition."
            )
        )
    found = {o.id: o for o in db.scalars(select(Organisation).where(Organisation.id.in_(ids)))}
    rows = []
    for share in shares:
        jobcentre = found.get(share.jobcentre_id)
        if jobcentre is None or jobcentre.kind != OrganisationKind.JOBCENTRE:
            raise NotFound(_("The jobcentre was not found."))
        if jobcentre.region_id != region.id:
            raise NotAllowed(
                _("%(name)s is not one of the region's jobcentres.", name=jobcentre.name)
            )
        if not calloffs.covers(lot.tender, jobcentre):
            raise NotAllowed(_("This framework does not cover %(name)s.", name=jobcentre.name))
        if not 1 <= share.quantity <= MAX_QUANTITY:
            raise DomainError(
                _(
                    "The quantity for %(name)s must be between 1 and %(max)d.",
                    name=jobcentre.name,
                    max=MAX_QUANTITY,
                )
            )
        case = share.case_reference.strip() or need.case_reference.strip()
        refuse_cpr(case, _("The case reference"))
        rows.append(
            CompetitionShare(
                jobcentre_id=jobcentre.id,
                quantity=share.quantity,
                case_reference=case,
                jobcentre=jobcentre,
            )
        )
    return rows


def start_for_jobcentres(
    db: Session, actor: User, lot: Lot, need: NeedInput, shares: list[ShareInput]
) -> MiniCompetition:
    """The region starts one mini-competition on a lot for several of its jobcentres, each
    with its own quantity; the winner gets an order per jobcentre, in the jobcentre's name.
    The need's quantity is the shares' sum."""
    region = _region_of(actor)
    if lot.tender.state != TenderState.ACTIVE:
        raise DomainError(_("This lot is not part of an active framework."))
    _require_competition_rule(lot)
    _check_need_text(need)
    rows = _participants(db, region, lot, need, shares)
    offer = calloffs.offer_for(db, rows[0].jobcentre, lot)
    need = replace(need, quantity=sum(r.quantity for r in rows))
    competition = _open(db, actor, offer, need, region_id=region.id, shares=rows)
    for share in competition.shares:
        _tell_the_jobcentre(db, competition, share)
    return competition


def _tell_the_jobcentre(db: Session, competition: MiniCompetition, share: CompetitionShare):
    notify(
        db,
        active_users(db, organisation_id=share.jobcentre_id),
        _(
            "%(region)s started mini-competition %(number)s for your jobcentre",
            region=competition.region.name,
            number=competition.number,
        ),
        _(
            "%(region)s puts %(quantity)d for your jobcentre (case %(case)s) to competition on "
            "lot %(n)d (%(lot)s), %(all)d in all for %(count)d jobcentres. The suppliers respond "
            "by %(when)s (Danish time); the winner's order is placed in your jobcentre's name.",
            region=competition.region.name,
            quantity=share.quantity,
            case=share.case_reference,
            n=competition.lot.number,
            lot=competition.lot.title,
            all=competition.quantity,
            count=len(competition.shares),
            when=format_datetime(competition.response_deadline),
        ),
        link=_link(competition),
    )


def _open(
    db: Session,
    actor: User,
    offer: calloffs.LotOffer,
    need: NeedInput,
    shares: list[CompetitionShare] = (),
    **organiser: int,
) -> MiniCompetition:
    """The checks every competition passes, then the competition itself, its audit entry and
    the invitations (`organiser`: its jobcentre_id or its region_id)."""
    lot = offer.lot
    _require_deadline_long_enough(lot, need.response_deadline)
    _require_start_after_deadline(need)
    _check_weights(lot, need.weights)
    invited = able_to_deliver(offer, need.starts_on)
    if not invited:
        raise DomainError(_("No supplier on this lot can deliver from the start date."))
    _refuse_beyond_what_is_left(offer, need, invited)
    lock_row(db, Lot, lot.id)  # the number is counted per lot
    competition = MiniCompetition(
        number=_next_number(db, lot),
        lot_id=lot.id,
        **organiser,
        state=CompetitionState.OPEN,
        description=need.description.strip(),
        quantity=need.quantity,
        starts_on=need.starts_on,
        case_reference=need.case_reference.strip(),
        response_deadline=need.response_deadline,
        started_by_id=actor.id,
        started_at=clock.now(),
        shares=list(shares),
    )
    by_id = {c.id: c for c in lot.tender.criteria}
    competition.weights = [
        CompetitionWeight(criterion_id=cid, position=by_id[cid].position, weight=weight)
        for cid, weight in sorted(need.weights.items(), key=lambda kv: by_id[kv[0]].position)
    ]
    competition.invitations = [
        Invitation(
            agreement_id=a.id,
            supplier_id=a.supplier_id,
            price_cap=a.price_on(need.starts_on),
            agreement=a,
            supplier=a.supplier,
        )
        for a in invited
    ]
    db.add(competition)
    db.flush()
    audit.record(
        db,
        actor,
        "minicompetition.started",
        competition,
        {
            "number": competition.number,
            "lot": lot.id,
            "quantity": competition.quantity,
            "deadline": competition.response_deadline.isoformat(),
            "weights": {str(w.criterion_id): w.weight for w in competition.weights},
            "invited": [a.supplier_id for a in invited],
            **(
                {"shares": {str(s.jobcentre_id): s.quantity for s in competition.shares}}
                if competition.shares
                else {}
            ),
        },
    )
    for invitation in competition.invitations:
        _invite(db, competition, invitation)
    return competition


def _invite(db: Session, competition: MiniCompetition, invitation: Invitation) -> None:
    lot = competition.lot
    notify(
        db,
        _supplier_users(db, invitation.supplier),
        _(
            "Invitation to mini-competition %(number)s from %(jobcentre)s",
            number=competition.number,
            jobcentre=competition.organiser.name,
        ),
        _(
            "%(jobcentre)s invites the suppliers of lot %(n)d (%(lot)s) to respond: %(quantity)d "
            "from %(start)s, at most %(cap)s each (your agreement price). Respond by %(when)s "
            "(Danish time).",
            jobcentre=competition.organiser.name,
            n=lot.number,
            lot=lot.title,
            quantity=competition.quantity,
            start=format_date(competition.starts_on),
            cap=format_money(invitation.price_cap),
            when=format_datetime(competition.response_deadline),
        ),
        link=_link(competition),
    )


# --- responding (sealed like a bid) -------------------------------------------------------------


@dataclass(frozen=True)
class ResponseInput:
    unit_price: Decimal
    answers: dict[int, str]  # quality criterion id → how the supplier meets it


def _responding_supplier(db: Session, actor: User, competition: MiniCompetition) -> Invitation:
    if actor.role != Role.SUPPLIER:
        raise NotAllowed(_("Only the invited suppliers respond."))
    supplier = supplier_of(db, actor.organisation_id)
    invitation = invitation_for(actor, competition)
    if supplier is None or invitation is None:
        raise NotFound(_("The mini-competition was not found."))
    if supplier.state != SupplierState.ACTIVE:
        raise DomainError(_("Your company is suspended and cannot respond."))
    return invitation


def weighted_quality(competition: MiniCompetition) -> list:
    """The quality criteria this competition weighs above 0, in the framework's order."""
    return [w.criterion for w in competition.weights if not w.criterion.is_price and w.weight > 0]


def _require_price_within_agreement(price: Decimal, cap: Decimal) -> None:
    """The price may not exceed the supplier's agreement price on the start date."""
    if price > cap:
        raise DomainError(
            _(
                "The unit price of %(price)s is above your agreement price of %(cap)s on the "
                "start date.",
                price=format_money(price),
                cap=format_money(cap),
            )
        )


def _payload(competition: MiniCompetition, invitation: Invitation, content: ResponseInput):
    price = content.unit_price
    if price is None or price <= 0:
        raise DomainError(_("A unit price must be more than 0 kr."))
    if price != price.quantize(ONE_ORE):
        raise DomainError(_("An amount has at most two decimals (whole øre)."))
    _require_price_within_agreement(price, invitation.price_cap)
    quality = weighted_quality(competition)
    answers = {str(c.id): (content.answers.get(c.id) or "").strip() for c in quality}
    missing = [c.name for c in quality if not answers[str(c.id)]]
    if missing:
        raise DomainError(
            _("Answer every weighted criterion; missing: %(names)s.", names=", ".join(missing))
        )
    return {"price": str(price), "answers": answers}


def _response_of(db: Session, competition: MiniCompetition, supplier_id: int):
    return db.scalar(
        select(CompetitionResponse).where(
            CompetitionResponse.competition_id == competition.id,
            CompetitionResponse.supplier_id == supplier_id,
        )
    )


def own_response(db: Session, actor: User, competition: MiniCompetition):
    invitation = invitation_for(actor, competition)
    return _response_of(db, competition, invitation.supplier_id) if invitation else None


def submit_response(
    db: Session, actor: User, competition: MiniCompetition, content: ResponseInput
) -> ResponseVersion:
    """Submit (or replace) the response until the deadline, to the second: the server's time
    of receipt and the fingerprint are final; the content is sealed at rest. No audit entry
    names it before the deadline (the opening records every response received)."""
    invitation = _responding_supplier(db, actor, competition)
    guard(competition, CompetitionStep.RESPOND)
    payload = _payload(competition, invitation, content)
    response = _response_of(db, competition, invitation.supplier_id)
    if response is None:
        response = CompetitionResponse(
            competition_id=competition.id, supplier_id=invitation.supplier_id
        )
        db.add(response)
        db.flush()
    version = ResponseVersion(
        number=len(response.versions) + 1,
        received_at=clock.now(),
        fingerprint=fingerprint(payload),
        sealed_content=sealing.seal(canonical(payload)),
        submitted_by_id=actor.id,
    )
    response.versions.append(version)
    response.state = ResponseState.SUBMITTED
    response.withdrawn_at = None
    db.flush()
    notify(
        db,
        _supplier_users(db, invitation.supplier),
        _(
            "Receipt: your response to mini-competition %(number)s was received",
            number=competition.number,
        ),
        _(
            "Received %(when)s (Danish time). Fingerprint (SHA-256): %(fp)s",
            when=format_datetime(version.received_at),
            fp=version.fingerprint,
        ),
        _link(competition),
    )
    return version


def withdraw_response(db: Session, actor: User, competition: MiniCompetition) -> None:
    invitation = _responding_supplier(db, actor, competition)
    guard(competition, CompetitionStep.RESPOND)
    response = _response_of(db, competition, invitation.supplier_id)
    if response is None or response.is_withdrawn:
        raise DomainError(_("Only a submitted response can be withdrawn."))
    response.state = ResponseState.WITHDRAWN
    response.withdrawn_at = clock.now()


def read_for_supplier(actor: User, response: CompetitionResponse) -> dict:
    """The responding supplier reads its own response at any time; nobody else through here."""
    if not response.is_visible_to(actor):
        raise NotFound(_("The response was not found."))
    return json.loads(sealing.unseal(response.latest.sealed_content))


def read_after_deadline(competition: MiniCompetition, response: CompetitionResponse) -> dict:
    """For the evaluation: only once the response deadline has passed."""
    if competition.responses_sealed:
        raise NotAllowed(_("The responses are sealed until the deadline."))
    return json.loads(sealing.unseal(response.latest.sealed_content))


# --- opening, scoring and the award -------------------------------------------------------------


@dataclass(frozen=True)
class OpenedResponse:
    response: CompetitionResponse
    invitation: Invitation
    price: Decimal
    answers: dict[int, str]
    excluded: str  # why it does not count; "" when it does

    @property
    def counts(self) -> bool:
        return not self.excluded


def _exclusion(invitation: Invitation, price: Decimal, starts_on: date) -> str:
    """Why an opened response does not count, or ""."""
    agreement = invitation.agreement
    if price > agreement.price_on(starts_on):
        return _("The price is above the agreement price on the start date.")
    if agreement.state != AgreementState.ACTIVE or agreement.supplier.state != SupplierState.ACTIVE:
        return _("The supplier's agreement takes no orders now.")
    return ""


def opened_responses(
    db: Session, actor: User, competition: MiniCompetition
) -> list[OpenedResponse]:
    """The submitted responses, opened: only for the organiser, only after the deadline."""
    _require_organiser(actor, competition)
    if competition.responses_sealed:
        raise NotAllowed(_("The responses are sealed until the deadline."))
    invitations = {i.supplier_id: i for i in competition.invitations}
    responses = db.scalars(
        select(CompetitionResponse)
        .where(
            CompetitionResponse.competition_id == competition.id,
            CompetitionResponse.state == ResponseState.SUBMITTED,
        )
        .order_by(CompetitionResponse.id)
        .options(
            selectinload(CompetitionResponse.versions).undefer(ResponseVersion.sealed_content),
            selectinload(CompetitionResponse.scores),
        )
    ).all()
    opened = []
    for response in responses:
        content = read_after_deadline(competition, response)
        invitation = invitations[response.supplier_id]
        price = Decimal(content["price"])
        opened.append(
            OpenedResponse(
                response=response,
                invitation=invitation,
                price=price,
                answers={int(k): v for k, v in content["answers"].items()},
                excluded=_exclusion(invitation, price, competition.starts_on),
            )
        )
    return opened


def _record_opening(db: Session, actor: User, competition: MiniCompetition, opened) -> None:
    """The first time after the deadline: what was received, when, with which fingerprint."""
    if competition.opened_at is not None:
        return
    competition.opened_at = clock.now()
    audit.record(
        db,
        actor,
        "minicompetition.opened",
        competition,
        {
            "responses": [
                {
                    "supplier": o.response.supplier_id,
                    "versions": len(o.response.versions),
                    "received_at": o.response.latest.received_at.isoformat(),
                    "fingerprint": o.response.latest.fingerprint,
                }
                for o in opened
            ]
        },
    )


def score(
    db: Session, actor: User, competition: MiniCompetition, scores: dict[int, dict[int, int]]
) -> list[OpenedResponse]:
    """The organiser's scores 0–10 (response id → criterion id → score) for every counting
    response on every weighted quality criterion; the responses are ranked at once."""
    _require_organiser(actor, competition)
    guard(competition, CompetitionStep.SCORE)
    opened = opened_responses(db, actor, competition)
    _record_opening(db, actor, competition, opened)
    quality = weighted_quality(competition)
    for o in (o for o in opened if o.counts):
        given = scores.get(o.response.id, {})
        for criterion in quality:
            value = given.get(criterion.id)
            if value is None or not 0 <= value <= scoring.MAX_QUALITY_SCORE:
                raise DomainError(
                    _(
                        "Score %(name)s on %(criterion)s from 0 to 10.",
                        name=o.response.supplier.name,
                        criterion=criterion.name,
                    )
                )
            existing = next((s for s in o.response.scores if s.criterion_id == criterion.id), None)
            if existing is None:
                o.response.scores.append(ResponseScore(criterion_id=criterion.id, score=value))
            else:
                existing.score = value
    _rank(competition, opened)
    db.flush()
    audit.record(
        db,
        actor,
        "minicompetition.scored",
        competition,
        {  # [response, criterion, score] each
            "scores": [
                [o.response.id, s.criterion_id, s.score] for o in opened for s in o.response.scores
            ]
        },
    )
    return opened


def _rank(competition: MiniCompetition, opened: list[OpenedResponse]) -> None:
    price_weight = next(w.weight for w in competition.weights if w.criterion.is_price)
    quality_weights = {c.id: competition.weight_of(c.id) for c in weighted_quality(competition)}
    counting = [o for o in opened if o.counts]
    candidates = [
        scoring.Candidate(
            bid_id=o.response.id,
            price=o.price,
            quality_scores={s.criterion_id: s.score for s in o.response.scores},
            received_at=o.response.latest.received_at,
        )
        for o in counting
    ]
    results = {r.bid_id: r for r in scoring.rank(candidates, price_weight, quality_weights)}
    for o in opened:
        result = results.get(o.response.id)
        o.response.rank = result.rank if result else None
        o.response.score = str(result.shown(result.total)) if result else ""
        o.response.price_part = str(result.shown(result.price_part)) if result else ""
        o.response.quality_part = str(result.shown(result.quality_part)) if result else ""


def ranked(opened: list[OpenedResponse]) -> list[OpenedResponse]:
    """The counting responses that are ranked, best first."""
    return sorted(
        (o for o in opened if o.counts and o.response.rank), key=lambda o: o.response.rank
    )


def award(db: Session, actor: User, competition: MiniCompetition) -> list[CallOff]:
    """The best-ranked response becomes a call-off order at its price (a region's competition:
    an order per jobcentre's share, all or none), counted against the lot's maximum under the
    lot's lock (the call-offs service); the others hear the result."""
    _require_organiser(actor, competition)
    competition = lock_row(db, MiniCompetition, competition.id)
    guard(competition, CompetitionStep.AWARD)
    if competition.opened_at is None:
        raise DomainError(_("Score the responses before the award."))
    opened = opened_responses(db, actor, competition)
    counting = sorted((o for o in opened if o.counts), key=lambda o: o.response.rank or 0)
    if not counting:
        raise DomainError(_("No response can be awarded: cancel the mini-competition."))
    if any(o.response.rank is None for o in counting):
        raise DomainError(_("Score the responses before the award."))
    winner = counting[0]
    agreement = winner.invitation.agreement
    _require_price_within_agreement(winner.price, agreement.price_on(competition.starts_on))
    orders = _place_orders(db, actor, competition, winner)
    _move(competition, CompetitionStep.AWARD)
    competition.decided_by_id = actor.id
    competition.decided_at = clock.now()
    winner.response.won = True
    audit.record(
        db,
        actor,
        "minicompetition.awarded",
        competition,
        {
            "winner": winner.response.supplier_id,
            "orders": [o.number for o in orders],
            "price": winner.price,
        },
    )
    _tell_the_result(db, competition, winner, opened)
    return orders


def _order_input(competition: MiniCompetition, quantity: int, case_reference: str):
    return calloffs.OrderInput(
        case_reference=case_reference,
        quantity=quantity,
        starts_on=competition.starts_on,
        note=competition.description[:2000],
        choice_reason=_("Won mini-competition %(number)s", number=competition.number),
    )


def _place_orders(
    db: Session, actor: User, competition: MiniCompetition, winner: OpenedResponse
) -> list[CallOff]:
    """One order for a jobcentre's own competition; for a region's, one per share in the
    jobcentre's name, refused as a whole when together they pass what the lot has left."""
    agreement = winner.invitation.agreement
    if not competition.for_several:
        order = calloffs.place_competed_order(
            db,
            actor,
            agreement,
            _order_input(competition, competition.quantity, competition.case_reference),
            winner.price,
        )
        competition.call_off_id = order.id
        return [order]
    _refuse_all_beyond_what_is_left(db, competition, winner.price)
    orders = []
    for share in competition.shares:
        order = calloffs.place_competed_order(
            db,
            actor,
            agreement,
            _order_input(competition, share.quantity, share.case_reference),
            winner.price,
            jobcentre=share.jobcentre,
        )
        share.call_off_id = order.id
        orders.append(order)
        _tell_the_jobcentre_its_order(db, competition, order)
    return orders


def _refuse_all_beyond_what_is_left(db: Session, competition, price: Decimal) -> None:
    """Under the lot's lock (taken after the competition's): the shares' orders together."""
    lot = lock_row(db, Lot, competition.lot_id)
    left = max(Decimal("0.00"), lot.maximum_value - calloffs.committed_amount(db, lot.id))
    total = price * competition.quantity
    if total > left:
        raise DomainError(
            _(
                "The orders for the jobcentres, %(quantity)d at %(price)s, in all %(total)s, "
                "are above the %(left)s the lot has left: none is placed.",
                quantity=competition.quantity,
                price=format_money(price),
                total=format_money(total),
                left=format_money(left),
            )
        )


def _tell_the_jobcentre_its_order(db: Session, competition, order: CallOff) -> None:
    notify(
        db,
        active_users(db, organisation_id=order.jobcentre_id),
        _(
            "Order %(order)s placed for you after mini-competition %(number)s",
            order=order.number,
            number=competition.number,
        ),
        _(
            "%(region)s awarded mini-competition %(number)s to %(supplier)s and placed order "
            "%(order)s in your jobcentre's name: %(quantity)d at %(price)s each.",
            region=competition.region.name,
            number=competition.number,
            supplier=order.supplier.name,
            order=order.number,
            quantity=order.quantity,
            price=format_money(order.unit_price),
        ),
        link=f"/orders/{order.id}",
    )


def _tell_the_result(db: Session, competition, winner: OpenedResponse, opened) -> None:
    """Every other invited supplier hears who won and the winner's relative advantages (its
    price and its parts of the score beside their own)."""
    responded = {o.response.supplier_id: o for o in opened}
    for invitation in competition.invitations:
        if invitation.supplier_id == winner.response.supplier_id:
            continue
        own = responded.get(invitation.supplier_id)
        if own is None:
            yours = _("You did not respond.")
        elif not own.counts:
            yours = _("Your response did not count: %(why)s", why=own.excluded)
        else:
            yours = _(
                "Your response: rank %(rank)d, score %(score)s (price %(price)s, price part "
                "%(pp)s, quality part %(qp)s).",
                rank=own.response.rank,
                score=own.response.score,
                price=format_money(own.price),
                pp=own.response.price_part,
                qp=own.response.quality_part,
            )
        notify(
            db,
            _supplier_users(db, invitation.supplier),
            _("Result of mini-competition %(number)s", number=competition.number),
            _(
                "%(winner)s won with score %(score)s: price %(price)s (price part %(pp)s), "
                "quality part %(qp)s. %(yours)s",
                winner=winner.response.supplier.name,
                score=winner.response.score,
                price=format_money(winner.price),
                pp=winner.response.price_part,
                qp=winner.response.quality_part,
                yours=yours,
            ),
            _link(competition),
        )


def cancel(db: Session, actor: User, competition: MiniCompetition, reason: str) -> None:
    """The organiser cancels before the award, with a reason the invited suppliers (and the
    jobcentres of a region's competition) hear."""
    _require_organiser(actor, competition)
    competition = lock_row(db, MiniCompetition, competition.id)
    guard(competition, CompetitionStep.CANCEL)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give a reason."))
    refuse_cpr(reason, _("The reason"))
    _move(competition, CompetitionStep.CANCEL)
    competition.closed_reason = reason
    competition.decided_by_id = actor.id
    competition.decided_at = clock.now()
    audit.record(db, actor, "minicompetition.cancelled", competition, {"reason": reason})
    told = [_supplier_users(db, i.supplier) for i in competition.invitations]
    told += [active_users(db, organisation_id=s.jobcentre_id) for s in competition.shares]
    for people in told:
        notify(
            db,
            people,
            _("Mini-competition %(number)s is cancelled", number=competition.number),
            reason,
            _link(competition),
        )


# --- lists and the start page's queue ---------------------------------------------------------


def awaiting_response(db: Session, user: User) -> int:
    """How many open competitions the supplier is invited to without a submitted response;
    one count."""
    if user.role != Role.SUPPLIER:
        return 0
    responded = exists().where(
        CompetitionResponse.competition_id == Invitation.competition_id,
        CompetitionResponse.supplier_id == Invitation.supplier_id,
        CompetitionResponse.state == ResponseState.SUBMITTED,
    )
    stmt = (
        select(func.count())
        .select_from(Invitation)
        .join(MiniCompetition, Invitation.competition_id == MiniCompetition.id)
        .join(Supplier, Invitation.supplier_id == Supplier.id)
        .where(
            Supplier.organisation_id == user.organisation_id,
            MiniCompetition.state == CompetitionState.OPEN,
            MiniCompetition.response_deadline > clock.now(),
            ~responded,
        )
    )
    return db.scalar(stmt) or 0


def awaiting_evaluation(db: Session, user: User) -> int:
    """How many of the organiser's competitions are past their deadline and neither awarded
    nor cancelled; one count."""
    if user.role in JOBCENTRE_ROLES:
        mine = MiniCompetition.jobcentre_id == user.organisation_id
    elif user.role == Role.REGION_STAFF:
        mine = MiniCompetition.region_id == user.organisation_id
    else:
        return 0
    stmt = select(func.count()).where(
        mine,
        MiniCompetition.state == CompetitionState.OPEN,
        MiniCompetition.response_deadline <= clock.now(),
    )
    return db.scalar(stmt) or 0


def competitions_for(db: Session, user: User) -> list[MiniCompetition]:
    """The competitions the user's organisation started, has a share in or was invited to; for
    a region also those on its frameworks or started by its jobcentres; newest first."""
    stmt = (
        select(MiniCompetition)
        .order_by(MiniCompetition.started_at.desc())
        .options(joinedload(MiniCompetition.lot).joinedload(Lot.tender))
    )
    org = user.organisation_id
    if user.role in JOBCENTRE_ROLES:
        shared = select(CompetitionShare.competition_id).where(CompetitionShare.jobcentre_id == org)
        stmt = stmt.where(or_(MiniCompetition.jobcentre_id == org, MiniCompetition.id.in_(shared)))
    elif user.role in (Role.REGION_STAFF, Role.REGIONAL_DIRECTOR):
        own_lots = select(Lot.id).join(Tender, Lot.tender_id == Tender.id)
        own_jobcentres = select(Organisation.id).where(Organisation.region_id == org)
        stmt = stmt.where(
            or_(
                MiniCompetition.region_id == org,
                MiniCompetition.lot_id.in_(own_lots.where(Tender.region_id == org)),
                MiniCompetition.jobcentre_id.in_(own_jobcentres),
            )
        )
    elif user.role == Role.SUPPLIER:
        stmt = stmt.where(
            MiniCompetition.id.in_(
                select(Invitation.competition_id)
                .join(Supplier, Invitation.supplier_id == Supplier.id)
                .where(Supplier.organisation_id == user.organisation_id)
            )
        )
    else:
        return []
    return list(db.scalars(stmt).unique())


def lots_for_region(db: Session, region: Organisation) -> list[Lot]:
    """The lots a region can put to competition for its jobcentres: of an active framework of
    its own or a national one, called off by mini-competition."""
    return list(
        db.scalars(
            select(Lot)
            .join(Tender, Lot.tender_id == Tender.id)
            .where(
                Tender.state == TenderState.ACTIVE,
                or_(Tender.scope == Scope.NATIONAL, Tender.region_id == region.id),
                Lot.call_off_rule.in_([r for r in CallOffRule if r.reopens_competition]),
            )
            .order_by(Tender.reference, Lot.number)
            .options(joinedload(Lot.tender))
        )
    )


def jobcentres_for(db: Session, region: Organisation, lot: Lot) -> list[Organisation]:
    """The region's active jobcentres the lot's framework covers, by name."""
    jobcentres = db.scalars(
        select(Organisation)
        .where(Organisation.region_id == region.id, Organisation.active.is_(True))
        .order_by(Organisation.name)
    )
    return [j for j in jobcentres if calloffs.covers(lot.tender, j)]
