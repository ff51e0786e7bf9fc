"""The rules of the opening: after the deadline, by the owning region, once, on the record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import clock
from app.audit import services as audit
from app.auth.models import User
from app.auth.roles import Role
from app.auth.services import region_staff
from app.bids import sealing
from app.bids.models import Bid, BidState
from app.bids.services import fingerprint, read_after_deadline
from app.core.errors import DomainError, NotAllowed
from app.core.i18n import format_date
from app.core.i18n import gettext as _
from app.db import lock_row
from app.evaluation.models import (
    Agreement,
    Award,
    AwardedBid,
    AwardState,
    ConflictDeclaration,
    OpenedBid,
    Opening,
    QualityScore,
    Rejection,
    SealCheck,
)
from app.evaluation.scoring import Candidate, rank, winners
from app.evaluation.standstill import standstill_end
from app.notifications.services import notify
from app.suppliers.models import Supplier
from app.tenders.lifecycle import (
    TenderStep,
    guard,
    move,
    owning_region_staff,
    require_condition,
)
from app.tenders.models import Tender


def opening_of(db: Session, tender: Tender) -> Opening | None:
    return db.scalar(select(Opening).where(Opening.tender_id == tender.id))


def open_bids(db: Session, actor: User, tender: Tender) -> Opening:
    """Open every submitted bid at once; check each against the fingerprint it got at receipt."""
    guard(actor, tender, TenderStep.OPEN_BIDS)
    if opening_of(db, tender) is not None:
        raise DomainError(_("The bids of this tender are already opened."))
    opening = Opening(tender_id=tender.id, opened_by_id=actor.id, opened_at=clock.now())
    db.add(opening)
    bids = db.scalars(
        select(Bid).where(Bid.tender_id == tender.id, Bid.state == BidState.SUBMITTED)
    ).all()
    for bid in bids:
        version = bid.latest
        try:
            intact = fingerprint(read_after_deadline(bid, version)) == version.fingerprint
        except sealing.SealBroken:
            intact = False
        opening.bids.append(
            OpenedBid(
                bid_id=bid.id,
                version_id=version.id,
                received_at=version.received_at,
                fingerprint=version.fingerprint,
                check=SealCheck.INTACT if intact else SealCheck.FLAGGED,
            )
        )
    db.flush()
    audit.record(
        db,
        actor,
        "tender.bids_opened",
        tender,
        {
            "bids": [
                {
                    "bid_id": o.bid_id,
                    "received_at": o.received_at.isoformat(),
                    "fingerprint": o.fingerprint,
                    "check": o.check.value,
                }
                for o in opening.bids
            ]
        },
    )
    return opening


def decide_flagged(
    db: Session, actor: User, opened: OpenedBid, *, accept: bool, reason: str
) -> None:
    """A person decides what happens to a bid whose content does not match its fingerprint."""
    tender = db.get(Tender, opened.opening.tender_id)
    guard(actor, tender, TenderStep.EVALUATE)
    if not opened.check.awaits_decision:
        raise DomainError(_("Only a flagged bid awaits a decision."))
    if not reason.strip():
        raise DomainError(_("Give the reason for the decision."))
    _require_open_evaluation(db, tender)
    if accept:
        try:
            read_after_deadline(opened.bid, opened.version)
        except sealing.SealBroken:
            raise DomainError(
                _("The content cannot be read, so the bid cannot be evaluated: exclude it.")
            ) from None
    opened.check = SealCheck.ACCEPTED if accept else SealCheck.EXCLUDED
    opened.decided_by_id = actor.id
    opened.decision_reason = reason.strip()
    audit.record(
        db,
        actor,
        "tender.flagged_bid_decided",
        tender,
        {"bid_id": opened.bid_id, "accepted": accept, "reason": reason.strip()},
    )


# --- evaluation -------------------------------------------------------------------------------


def has_declared(db: Session, actor: User, tender: Tender) -> bool:
    return (
        db.scalar(
            select(ConflictDeclaration.id).where(
                ConflictDeclaration.tender_id == tender.id, ConflictDeclaration.user_id == actor.id
            )
        )
        is not None
    )


def declare_no_conflict(db: Session, actor: User, tender: Tender) -> None:
    guard(actor, tender, TenderStep.DECLARE)
    if has_declared(db, actor, tender):
        raise DomainError(_("You have already declared that you have no conflict of interest."))
    db.add(ConflictDeclaration(tender_id=tender.id, user_id=actor.id, declared_at=clock.now()))
    audit.record(db, actor, "evaluation.no_conflict_declared", tender)


def _require_evaluator(
    db: Session, actor: User, tender: Tender, step: TenderStep | None = None
) -> Opening:
    """Region staff of the owning region who declared no conflict, on an opened tender; for a
    step (not a reading of the bids), the life cycle's guard first: the tender must be in a
    state the step starts from (not cancelled, say)."""
    if step is None:
        owning_region_staff(actor, tender)
    else:
        guard(actor, tender, step)
    opening = opening_of(db, tender)
    if opening is None:
        raise DomainError(_("Open the bids before evaluating them."))
    if not has_declared(db, actor, tender):
        raise NotAllowed(_("Declare that you have no conflict of interest before seeing the bids."))
    return opening


def readable_bids(db: Session, actor: User, tender: Tender) -> list[tuple[OpenedBid, dict]]:
    """The opened bids with their content, for an evaluator who has declared."""
    _require_evaluator(db, actor, tender)
    return _opened_content(db, tender)


def evaluation_locked(award: Award | None) -> bool:
    """Once an award is proposed the evaluation is locked: the award rests on it."""
    return award is not None


def _require_open_evaluation(db: Session, tender: Tender) -> None:
    if evaluation_locked(award_of(db, tender)):
        raise DomainError(
            _("An award is proposed: the evaluation is locked and can no longer change.")
        )


def reject(db: Session, actor: User, opened: OpenedBid, reason: str) -> None:
    """A bid that fails a minimum requirement is rejected, with the reason."""
    tender = db.get(Tender, opened.opening.tender_id)
    _require_evaluator(db, actor, tender, TenderStep.EVALUATE)
    _require_open_evaluation(db, tender)
    if opened.rejection is not None:
        raise DomainError(_("The bid is already rejected."))
    if not reason.strip():
        raise DomainError(_("Give the reason for the rejection."))
    opened.rejection = Rejection(
        reason=reason.strip(), rejected_by_id=actor.id, rejected_at=clock.now()
    )
    db.flush()
    audit.record(
        db,
        actor,
        "evaluation.bid_rejected",
        tender,
        {"bid_id": opened.bid_id, "reason": reason.strip()},
    )


def score(
    db: Session, actor: User, opened: OpenedBid, criterion_id: int, value: int, justification: str
) -> QualityScore:
    """The committee's agreed score 0–10 for one quality criterion, with its justification."""
    tender = db.get(Tender, opened.opening.tender_id)
    _require_evaluator(db, actor, tender, TenderStep.EVALUATE)
    _require_open_evaluation(db, tender)
    criterion = next((c for c in tender.criteria if c.id == criterion_id and not c.is_price), None)
    if criterion is None:
        raise DomainError(_("Choose one of the tender's quality criteria."))
    if not opened.check.may_be_evaluated:
        raise DomainError(_("The bid does not match its fingerprint and awaits a decision."))
    if opened.rejection is not None:
        raise DomainError(_("A rejected bid is not scored."))
    if not 0 <= value <= 10:
        raise DomainError(
            _("%(criterion)s: a score is a whole number from 0 to 10.", criterion=criterion.name)
        )
    if not justification.strip():
        raise DomainError(
            _("%(criterion)s: write the justification for the score.", criterion=criterion.name)
        )
    existing = next((s for s in opened.scores if s.criterion_id == criterion_id), None)
    if existing is None:
        existing = QualityScore(opened_bid_id=opened.id, criterion_id=criterion_id)
        db.add(existing)
        opened.scores.append(existing)
    existing.score, existing.justification = value, justification.strip()
    existing.entered_by_id, existing.entered_at = actor.id, clock.now()
    db.flush()
    audit.record(
        db,
        actor,
        "evaluation.scored",
        tender,
        {"bid_id": opened.bid_id, "criterion": criterion.name, "score": value},
    )
    return existing


def ranking(db: Session, actor: User, tender: Tender) -> dict[int, list]:
    """Per lot, the ranked compliant bids with the working; bids not yet fully scored wait."""
    _require_evaluator(db, actor, tender)
    return _ranking(tender, _opened_content(db, tender))


def within_places(tender: Tender, ranked: dict[int, list]) -> dict[int, set[int]]:
    """Per lot, the ranked bids within the lot's places: those a proposed award takes."""
    return {
        lot.id: {r.bid_id for r in winners(ranked.get(lot.id, []), lot.suppliers_to_award)}
        for lot in tender.lots
    }


def _opened_content(db: Session, tender: Tender) -> list[tuple[OpenedBid, dict | None]]:
    """Every opened bid with its content (None when it does not decrypt); after the deadline."""
    opening = opening_of(db, tender)
    readable = []
    for opened in opening.bids if opening else []:
        try:
            content = read_after_deadline(opened.bid, opened.version)
        except sealing.SealBroken:
            content = None
        readable.append((opened, content))
    return readable


def _ranking(tender: Tender, readable: list[tuple[OpenedBid, dict | None]]) -> dict[int, list]:
    price = next(c for c in tender.criteria if c.is_price)
    quality = {c.id: c.weight for c in tender.criteria if not c.is_price}
    result = {}
    for lot in tender.lots:
        candidates, compliant_prices = [], []
        for opened, content in readable:
            if content is None or not opened.is_compliant:
                continue
            lot_price = content["lots"].get(str(lot.id))
            if lot_price is None:
                continue
            compliant_prices.append(Decimal(lot_price))
            scores = {s.criterion_id: s.score for s in opened.scores}
            if set(quality) - set(scores):
                continue  # not fully scored yet: waits, but its price counts as compliant
            candidates.append(
                Candidate(opened.bid_id, Decimal(lot_price), scores, opened.received_at)
            )
        lowest = min(compliant_prices) if compliant_prices else None
        result[lot.id] = rank(candidates, price.weight, quality, lowest=lowest)
    return result


# --- award, standstill, agreements --------------------------------------------------------------


def award_of(db: Session, tender: Tender) -> Award | None:
    """The tender's award that counts: an award annulled by the Complaints Board is kept for
    the record, but the evaluation is open again and a new award may be proposed."""
    return db.scalar(
        select(Award).where(Award.tender_id == tender.id, Award.state != AwardState.ANNULLED)
    )


def annulled_award_of(db: Session, tender: Tender) -> Award | None:
    """The latest award of the tender the Complaints Board annulled, if any."""
    return db.scalars(
        select(Award)
        .where(Award.tender_id == tender.id, Award.state == AwardState.ANNULLED)
        .order_by(Award.id.desc())
    ).first()


def propose_award(db: Session, actor: User, tender: Tender) -> Award:
    """Per lot, the lot's number of suppliers from the top of the ranking (all, when fewer);
    a colleague approves it (four eyes)."""
    opening = _require_evaluator(db, actor, tender, TenderStep.PROPOSE_AWARD)
    _no_award_proposed_yet(db, tender)
    _every_compliant_bid_scored(tender, opening)
    _every_flagged_bid_decided(opening)
    award = _award_from_the_ranking(db, actor, tender)
    db.add(award)
    db.flush()
    audit.record(
        db,
        actor,
        "award.proposed",
        tender,
        {"winners": [[w.lot_id, w.bid_id, w.rank] for w in award.winners]},
    )
    _ask_a_colleague_to_approve(db, actor, tender)
    return award


def _no_award_proposed_yet(db: Session, tender: Tender) -> None:
    if award_of(db, tender) is not None:
        raise DomainError(_("An award is already proposed for this tender."))


def _every_compliant_bid_scored(tender: Tender, opening: Opening) -> None:
    quality = {c.id for c in tender.criteria if not c.is_price}
    unscored = [
        o.bid.supplier.name
        for o in opening.bids
        if o.is_compliant and quality - {s.criterion_id for s in o.scores}
    ]
    if unscored:
        raise DomainError(
            _("Score every compliant bid first; missing: %(names)s.", names=", ".join(unscored))
        )


def _every_flagged_bid_decided(opening: Opening) -> None:
    if any(o.check.awaits_decision for o in opening.bids):
        raise DomainError(_("Decide on the flagged bids first."))


def _award_from_the_ranking(db: Session, actor: User, tender: Tender) -> Award:
    """The winners of each lot from the top of its ranking at their unit prices, with a note
    for each lot that had fewer compliant bids than places."""
    ranked = ranking(db, actor, tender)
    prices = {o.bid_id: content for o, content in readable_bids(db, actor, tender)}
    award = Award(
        tender_id=tender.id,
        state=AwardState.PROPOSED,
        proposed_by_id=actor.id,
        proposed_at=clock.now(),
    )
    notes = []
    for lot in tender.lots:
        results = ranked[lot.id]
        if len(results) < lot.suppliers_to_award:
            notes.append(
                _(
                    "Lot %(n)d: %(got)d compliant bid(s) for %(places)d places; all are awarded.",
                    n=lot.number,
                    got=len(results),
                    places=lot.suppliers_to_award,
                )
            )
        for result in winners(results, lot.suppliers_to_award):
            award.winners.append(
                AwardedBid(
                    lot_id=lot.id,
                    bid_id=result.bid_id,
                    rank=result.rank,
                    total=str(result.shown(result.total)),
                    quality_part=str(result.shown(result.quality_part)),
                    unit_price=Decimal(prices[result.bid_id]["lots"][str(lot.id)]),
                )
            )
    award.note = "\n".join(notes)
    return award


def _ask_a_colleague_to_approve(db: Session, actor: User, tender: Tender) -> None:
    notify(
        db,
        region_staff(db, tender.region_id, but=actor),
        _("The award of %(ref)s waits for your approval", ref=tender.reference),
        _("Proposed by %(name)s. Another member of the staff must approve it.", name=actor.name),
        f"/manage/tenders/{tender.id}/evaluation",
        email=False,
    )


def proposed_by(actor: User, award: Award) -> bool:
    """Four eyes: whoever proposed the award cannot also approve it."""
    return award.proposed_by_id == actor.id


def standstill_running(award: Award, today: date) -> bool:
    """The agreements can be concluded from the day after the standstill period ends."""
    return today <= award.standstill_ends_on


class AwardStep(StrEnum):
    """What the award's page offers the user next."""

    PROPOSE = "propose"
    APPROVE = "approve"
    AWAIT_SECOND_PERSON = "await_second_person"  # the proposer waits for a colleague
    CONCLUDE = "conclude"
    CONCLUDED = "concluded"


def next_award_step(actor: User, award: Award | None) -> AwardStep:
    if award is None:
        return AwardStep.PROPOSE
    if award.state == AwardState.PROPOSED:
        return AwardStep.AWAIT_SECOND_PERSON if proposed_by(actor, award) else AwardStep.APPROVE
    if award.state == AwardState.APPROVED:
        return AwardStep.CONCLUDE
    return AwardStep.CONCLUDED


def _users_of_suppliers(db: Session, supplier_ids) -> list[User]:
    """The active users of these suppliers (ids, or a select of ids)."""
    return list(
        db.scalars(
            select(User)
            .join(Supplier, Supplier.organisation_id == User.organisation_id)
            .where(Supplier.id.in_(supplier_ids), User.active)
        )
    )


def approve_award(db: Session, actor: User, tender: Tender) -> Award:
    """Four eyes: a second member of the region's staff approves; the letters go out today."""
    _require_evaluator(db, actor, tender, TenderStep.APPROVE_AWARD)
    award = award_of(db, tender)
    if award is None or award.state != AwardState.PROPOSED:
        raise DomainError(_("There is no proposed award to approve."))
    if proposed_by(actor, award):
        raise DomainError(
            _("The award must be approved by another person than the one who proposed it.")
        )
    award.state = AwardState.APPROVED
    award.approved_by_id, award.approved_at = actor.id, clock.now()
    award.letters_sent_on = clock.today()
    award.standstill_ends_on = standstill_end(award.letters_sent_on)
    audit.record(
        db,
        actor,
        "award.approved",
        tender,
        {"standstill_ends_on": award.standstill_ends_on.isoformat()},
    )
    bidders = _users_of_suppliers(
        db,
        select(Bid.supplier_id).where(Bid.tender_id == tender.id, Bid.state == BidState.SUBMITTED),
    )
    notify(
        db,
        bidders,
        _("Award decision on %(ref)s", ref=tender.reference),
        _(
            "Read your award letter. The standstill period ends %(day)s.",
            day=format_date(award.standstill_ends_on),
        ),
        "/bids",
    )
    return award


def conclude(db: Session, actor: User, tender: Tender) -> list[Agreement]:
    """After the standstill: one framework agreement per awarded supplier and lot."""
    _require_evaluator(db, actor, tender, TenderStep.CONCLUDE)
    award = award_of(db, tender)
    if award is not None:
        # Under the award's lock, which a complaint's registration takes too: a complaint
        # registered meanwhile is seen (the life cycle's condition asked again).
        award = lock_row(db, Award, award.id)
        require_condition(actor, tender, TenderStep.CONCLUDE)
    if award is None or award.state != AwardState.APPROVED:
        raise DomainError(_("Only an approved award can be concluded."))
    if standstill_running(award, clock.today()):
        raise DomainError(
            _(
                "The standstill period runs until %(day)s; the agreements can be concluded from "
                "the day after.",
                day=format_date(award.standstill_ends_on),
            )
        )
    agreements = []
    for winner in award.winners:
        lot = next(lot for lot in tender.lots if lot.id == winner.lot_id)
        agreement = Agreement(
            number=f"{tender.reference}-{lot.number}-{winner.rank}",
            tender_id=tender.id,
            lot_id=lot.id,
            supplier_id=winner.bid.supplier_id,
            bid_id=winner.bid_id,
            rank=winner.rank,
            unit_price=winner.unit_price,
            score=winner.total,
            quality_part=winner.quality_part,
            starts_on=max(tender.agreement_start, clock.today()),
            ends_on=tender.agreement_end,
            concluded_at=clock.now(),
            concluded_by_id=actor.id,
        )
        db.add(agreement)
        agreements.append(agreement)
    award.state = AwardState.CONCLUDED
    move(tender, TenderStep.CONCLUDE)
    db.flush()
    audit.record(
        db, actor, "award.concluded", tender, {"agreements": [a.number for a in agreements]}
    )
    awarded = _users_of_suppliers(db, [a.supplier_id for a in agreements])
    notify(
        db,
        awarded,
        _("Framework agreement concluded on %(ref)s", ref=tender.reference),
        _(
            "The agreement period runs %(start)s – %(end)s.",
            start=format_date(tender.agreement_start),
            end=format_date(tender.agreement_end),
        ),
        "/bids",
    )
    return agreements


@dataclass(frozen=True)
class Letter:
    """What one bidder is told: per lot its own result and the winners' scores."""

    award: Award
    lots: list[dict]


def letter_for(db: Session, actor: User, bid: Bid) -> Letter:
    """The award letter of a bid, for its own supplier, once the award is approved."""
    if actor.role != Role.SUPPLIER or actor.organisation_id != bid.supplier.organisation_id:
        raise NotAllowed(_("Only the bidding supplier reads its award letter."))
    tender = bid.tender
    award = award_of(db, tender)
    if award is None or award.state == AwardState.PROPOSED:
        raise DomainError(_("There is no award decision yet."))
    readable = _opened_content(db, tender)
    ranked = _ranking(tender, readable)
    opened_by_bid = {o.bid_id: o for o, _c in readable}
    criteria = [c for c in tender.criteria if not c.is_price]
    lots = []
    for lot in tender.lots:
        results = ranked[lot.id]
        own = next((r for r in results if r.bid_id == bid.id), None)
        winners = [w for w in award.winners if w.lot_id == lot.id]

        def own_price(lot_id: int) -> Decimal | None:
            content = next((c for o, c in readable if o.bid_id == bid.id), None)
            price = (content or {}).get("lots", {}).get(str(lot_id))
            return Decimal(price) if price is not None else None

        def scores_of(bid_id: int) -> dict[int, int]:
            return {s.criterion_id: s.score for s in opened_by_bid[bid_id].scores}

        lots.append(
            {
                "lot": lot,
                "own": own,
                "own_scores": scores_of(bid.id) if bid.id in opened_by_bid else {},
                "own_price": own_price(lot.id),
                "justifications": {
                    s.criterion_id: s.justification for s in opened_by_bid[bid.id].scores
                }
                if bid.id in opened_by_bid
                else {},
                "rejection": opened_by_bid[bid.id].rejection if bid.id in opened_by_bid else None,
                "awarded": any(w.bid_id == bid.id for w in winners),
                "winners": [
                    {
                        "winner": w,
                        "result": next((r for r in results if r.bid_id == w.bid_id), None),
                        "scores": scores_of(w.bid_id),
                    }
                    for w in winners
                ],
                "criteria": criteria,
            }
        )
    return Letter(award, lots)


def agreements_of(db: Session, tender: Tender) -> list[Agreement]:
    return list(
        db.scalars(
            select(Agreement)
            .where(Agreement.tender_id == tender.id)
            .order_by(Agreement.lot_id, Agreement.rank)
        )
    )
