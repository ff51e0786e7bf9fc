"""What the OCDS releases are built from, loaded for a page of processes in a fixed number of
queries (whatever the page's size): the tenders with everything public about them, and the
call-offs with their events.

The one rule about sealed bids is applied here, once: for a tender whose bids are still sealed
(`Tender.bids_sealed`, the model's own deadline rule) nothing about bids or bidders is loaded
at all, so no release can say anything about them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.audit.models import AuditEntry
from app.bids.models import Bid, BidState
from app.calloffs.models import CallOff, CallOffEvent
from app.evaluation.models import Agreement, Award, AwardedBid, AwardState
from app.tenders.models import Amendment, Lot, Tender, TenderState


@dataclass
class Framework:
    """A published tender and what is public about it: its award and agreements, the number of
    bids, when it was cancelled. The bid-related parts stay empty while its bids are sealed."""

    tender: Tender
    award: Award | None = None
    agreements: list[Agreement] = field(default_factory=list)
    number_of_bids: int | None = None
    cancelled_at: datetime | None = None


def published_tenders() -> Select:
    """Every tender the public sees (published once, cancelled later included)."""
    return select(Tender).where(Tender.published_at.is_not(None))


def published_calloffs() -> Select:
    """Every call-off: each is placed under a concluded agreement of a published tender."""
    return select(CallOff)


def frameworks(db: Session, tenders: list[Tender]) -> list[Framework]:
    """The tenders (already loaded, published) with what their releases need: five queries
    for the tenders' parts, and three more for the unsealed ones' bids, award and agreements."""
    if not tenders:
        return []
    ids = [t.id for t in tenders]
    # Load the collections for all of them at once (the rows are the ones already loaded).
    db.scalars(
        select(Tender)
        .where(Tender.id.in_(ids))
        .options(
            selectinload(Tender.lots),
            selectinload(Tender.criteria),
            selectinload(Tender.requirements),
            selectinload(Tender.documents),
            selectinload(Tender.amendments).lazyload(Amendment.document),
        )
    ).all()
    bundles = {t.id: Framework(t) for t in tenders}
    cancelled = [t.id for t in tenders if t.state == TenderState.CANCELLED]
    if cancelled:
        rows = db.execute(
            select(AuditEntry.object_id, func.min(AuditEntry.occurred_at))
            .where(
                AuditEntry.action == "tender.cancelled",
                AuditEntry.object_type == Tender.__tablename__,
                AuditEntry.object_id.in_(cancelled),
            )
            .group_by(AuditEntry.object_id)
        ).all()
        for tender_id, moment in rows:
            bundles[tender_id].cancelled_at = moment
    _add_what_the_deadline_unseals(db, [t for t in tenders if not t.bids_sealed], bundles)
    return [bundles[t.id] for t in tenders]


def _add_what_the_deadline_unseals(
    db: Session, unsealed: list[Tender], bundles: dict[int, Framework]
) -> None:
    """Bids, award and agreements, only for tenders whose deadline has passed."""
    if not unsealed:
        return
    ids = [t.id for t in unsealed]
    counts = db.execute(
        select(Bid.tender_id, func.count(Bid.id))
        .where(Bid.tender_id.in_(ids), Bid.state == BidState.SUBMITTED)
        .group_by(Bid.tender_id)
    ).all()
    for tender_id, count in counts:
        bundles[tender_id].number_of_bids = count
    # The award is public from its conclusion on, as the public tender page's award notice.
    awards = db.scalars(
        select(Award)
        .where(Award.tender_id.in_(ids), Award.state == AwardState.CONCLUDED)
        .options(selectinload(Award.winners).joinedload(AwardedBid.bid).lazyload(Bid.tender))
    ).all()
    for award in awards:
        bundles[award.tender_id].award = award
    agreements = db.scalars(
        select(Agreement)
        .where(Agreement.tender_id.in_(ids))
        .order_by(Agreement.lot_id, Agreement.rank)
    ).all()
    for agreement in agreements:
        if bundles[agreement.tender_id].award is not None:
            bundles[agreement.tender_id].agreements.append(agreement)


def calloffs(db: Session, orders: list[CallOff]) -> list[CallOff]:
    """The call-offs (already loaded) with their events and their framework's tender, in two
    queries."""
    if not orders:
        return []
    db.scalars(
        select(CallOff)
        .where(CallOff.id.in_([o.id for o in orders]))
        .options(
            joinedload(CallOff.lot).joinedload(Lot.tender),
            selectinload(CallOff.events).lazyload(CallOffEvent.actor),
        )
    ).unique().all()
    return orders
