"""The rules of the opening: after the deadline, by the owning region, once, on the record."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import clock
from app.audit import services as audit
from app.auth.models import User
from app.auth.roles import Role
from app.bids import sealing
from app.bids.models import Bid, BidState
from app.bids.services import fingerprint, read_after_deadline
from app.errors import DomainError, NotAllowed
from app.evaluation.models import OpenedBid, Opening, SealCheck
from app.i18n import gettext as _
from app.tenders.models import Tender, TenderState


def _require_region_staff(actor: User, tender: Tender) -> None:
    if actor.role != Role.REGION_STAFF or actor.organisation_id != tender.region_id:
        raise NotAllowed(
            _("Only region staff of %(region)s can do this.", region=tender.region.name)
        )


def opening_of(db: Session, tender: Tender) -> Opening | None:
    return db.scalar(select(Opening).where(Opening.tender_id == tender.id))


def open_bids(db: Session, actor: User, tender: Tender) -> Opening:
    """Open every submitted bid at once; check each against the fingerprint it got at receipt."""
    _require_region_staff(actor, tender)
    if tender.state != TenderState.PUBLISHED:
        raise DomainError(_("Only a published tender's bids can be opened."))
    if clock.now() < tender.bid_deadline:
        raise DomainError(_("The bids can only be opened after the deadline."))
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
    _require_region_staff(actor, tender)
    if opened.check != SealCheck.FLAGGED:
        raise DomainError(_("Only a flagged bid awaits a decision."))
    if not reason.strip():
        raise DomainError(_("Give the reason for the decision."))
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
