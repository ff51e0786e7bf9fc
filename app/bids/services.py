"""The rules of a bid: only while bidding is open, complete and compliant, sealed, receipted.

Content is a dict {lots: {lot_id: "price"}, requirements: {req_id: bool}, answers: {criterion_id:
text}, attachments: [{name, content_type, sha256, data (base64)}]}, serialized canonically; the
fingerprint is the SHA-256 of that serialization. Nothing of it is stored unsealed.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import clock
from app.audit import services as audit
from app.auth.models import User
from app.auth.roles import Role
from app.auth.services import active_users
from app.bids import sealing
from app.bids.models import Bid, BidState, BidVersion
from app.core.errors import DomainError, NotAllowed, NotFound
from app.core.i18n import format_datetime
from app.core.i18n import gettext as _
from app.core.i18n import lazy_gettext as _l
from app.core.labels import LabelledEnum, labels
from app.evaluation.models import Agreement, Award, AwardedBid, AwardState
from app.files.services import check_upload
from app.notifications.services import notify
from app.suppliers.models import Supplier, SupplierState
from app.suppliers.services import supplier_of
from app.tenders.models import Tender, TenderState
from app.tenders.questions import follow
from app.web.fields import parse_kroner


@dataclass
class Attachment:
    name: str
    data: bytes


@dataclass
class BidContent:
    prices: dict[int, Decimal | None]  # lot id → unit price; None or absent: no bid on that lot
    requirements: dict[int, bool]
    answers: dict[int, str]
    attachments: list[Attachment] = field(default_factory=list)


def _supplier_for(db: Session, actor: User) -> Supplier:
    if actor.role != Role.SUPPLIER:
        raise NotAllowed(_("Only suppliers bid."))
    supplier = supplier_of(db, actor.organisation_id)
    if supplier is None:
        raise NotAllowed(_("Your company has no supplier profile."))
    if supplier.state == SupplierState.SUSPENDED:
        raise DomainError(_("Your company is suspended and cannot bid."))
    if supplier.state != SupplierState.ACTIVE:
        raise DomainError(_("Confirm your e-mail address before bidding."))
    return supplier


def require_open(tender: Tender) -> None:
    """Bidding is open from publication until the deadline, to the second (the rule is
    Tender.accepts_bids); the reason given says which of the two it is not."""
    if tender.accepts_bids:
        return
    if tender.current_state != TenderState.BIDDING_CLOSED:
        raise DomainError(_("The tender is not open for bids."))
    raise DomainError(
        _(
            "The bid deadline (%(when)s) has passed: nothing can be submitted, replaced or "
            "withdrawn.",
            when=format_datetime(tender.bid_deadline),
        )
    )


def _payload(tender: Tender, content: BidContent, complete: bool) -> dict:
    lot_ids = {lot.id for lot in tender.lots}
    prices = {}
    for lot_id, price in content.prices.items():
        if lot_id not in lot_ids:
            raise DomainError(_("The bid names a lot that is not in the tender."))
        if price is None:
            continue
        if price <= 0:
            raise DomainError(_("A unit price must be more than 0 kr."))
        if price != price.quantize(Decimal("0.01")):
            raise DomainError(_("An amount has at most two decimals (whole øre)."))
        prices[str(lot_id)] = str(price)
    attachments = []
    for attachment in content.attachments:
        name, file_type = check_upload(attachment.name, attachment.data)
        attachments.append(
            {
                "name": name,
                "content_type": file_type.content_type,
                "sha256": hashlib.sha256(attachment.data).hexdigest(),
                "data": base64.b64encode(attachment.data).decode(),
            }
        )
    requirements = {str(r.id): bool(content.requirements.get(r.id)) for r in tender.requirements}
    quality = [c for c in tender.criteria if not c.is_price]
    answers = {str(c.id): (content.answers.get(c.id) or "").strip() for c in quality}
    if complete:
        if not prices:
            raise DomainError(_("Give a unit price for at least one lot."))
        unmet = [r.position for r in tender.requirements if not requirements[str(r.id)]]
        if unmet:
            raise DomainError(
                _(
                    "A bid must meet every minimum requirement; not met: no. %(numbers)s.",
                    numbers=", ".join(str(n) for n in unmet),
                )
            )
        unanswered = [c.name for c in quality if not answers[str(c.id)]]
        if unanswered:
            raise DomainError(
                _(
                    "Answer every quality criterion; missing: %(names)s.",
                    names=", ".join(unanswered),
                )
            )
    return {
        "lots": prices,
        "requirements": requirements,
        "answers": answers,
        "attachments": attachments,
    }


def drafts_due(db: Session, actor: User) -> int:
    """How many of the supplier's drafts are not yet submitted while their tender still takes
    bids (the start page's queue); one count."""
    if actor.role != Role.SUPPLIER:
        return 0
    stmt = (
        select(func.count())
        .select_from(Bid)
        .join(Tender, Bid.tender_id == Tender.id)
        .join(Supplier, Bid.supplier_id == Supplier.id)
        .where(
            Supplier.organisation_id == actor.organisation_id,
            Bid.state == BidState.DRAFT,
            Tender.state == TenderState.PUBLISHED,
            Tender.bid_deadline > clock.now(),
        )
    )
    return db.scalar(stmt) or 0


def canonical(payload: dict) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def fingerprint(payload: dict) -> str:
    return hashlib.sha256(canonical(payload)).hexdigest()


def _bid_of(db: Session, tender: Tender, supplier: Supplier) -> Bid | None:
    return db.scalar(select(Bid).where(Bid.tender_id == tender.id, Bid.supplier_id == supplier.id))


def own_bid(db: Session, actor: User, tender: Tender) -> Bid | None:
    """The actor's company's bid on the tender, if any (only a supplier has one)."""
    if actor.role != Role.SUPPLIER:
        return None
    supplier = supplier_of(db, actor.organisation_id)
    return _bid_of(db, tender, supplier) if supplier else None


def _record(db: Session, actor: User, action: str, bid: Bid, changes: dict | None = None) -> None:
    """Audit entries about a bid are sealed by their tender: hidden until its deadline."""
    audit.record(db, actor, action, bid, changes, sealed_by=bid.tender)


def _bidding(
    db: Session, actor: User, tender: Tender, content: BidContent, complete: bool
) -> tuple[Supplier, dict, Bid | None]:
    """The bidding supplier, the checked content and its bid so far, while bidding is open."""
    supplier = _supplier_for(db, actor)
    require_open(tender)
    payload = _payload(tender, content, complete=complete)
    return supplier, payload, _bid_of(db, tender, supplier)


def save_draft(db: Session, actor: User, tender: Tender, content: BidContent) -> Bid:
    supplier, payload, bid = _bidding(db, actor, tender, content, complete=False)
    if bid is None:
        bid = Bid(tender=tender, supplier=supplier, state=BidState.DRAFT)
        db.add(bid)
    bid.sealed_draft = sealing.seal(canonical(payload))
    db.flush()
    follow(db, supplier, tender)  # a bidder hears of answers, amendments and cancellation
    _record(db, actor, "bid.draft_saved", bid)
    return bid


def submit(db: Session, actor: User, tender: Tender, content: BidContent) -> BidVersion:
    """Submit (or replace) the bid: the server's time of receipt and the fingerprint are final."""
    supplier, payload, bid = _bidding(db, actor, tender, content, complete=True)
    if bid is None:
        bid = Bid(tender=tender, supplier=supplier)
        db.add(bid)
        db.flush()
    version = BidVersion(
        number=len(bid.versions) + 1,
        received_at=clock.now(),
        fingerprint=fingerprint(payload),
        sealed_content=sealing.seal(canonical(payload)),
        submitted_by_id=actor.id,
    )
    bid.versions.append(version)
    bid.state = BidState.SUBMITTED
    bid.sealed_draft = None
    bid.withdrawn_at = None
    db.flush()
    follow(db, supplier, tender)
    _record(
        db,
        actor,
        "bid.submitted",
        bid,
        {"version": version.number, "fingerprint": version.fingerprint},
    )
    colleagues = active_users(db, organisation_id=supplier.organisation_id)
    notify(
        db,
        colleagues,
        _("Receipt: your bid on %(ref)s was received", ref=tender.reference),
        _(
            "Received %(when)s (Danish time). Fingerprint (SHA-256): %(fp)s",
            when=format_datetime(version.received_at),
            fp=version.fingerprint,
        ),
        f"/bids/{bid.id}",
    )
    return version


def withdraw(db: Session, actor: User, bid: Bid) -> None:
    supplier = _supplier_for(db, actor)
    if bid.supplier_id != supplier.id:
        raise NotFound(_("The bid was not found."))
    require_open(bid.tender)
    if not bid.is_withdrawable:
        raise DomainError(_("Only a submitted bid can be withdrawn."))
    bid.state = BidState.WITHDRAWN
    bid.withdrawn_at = clock.now()
    _record(db, actor, "bid.withdrawn", bid)


def bids_and_agreements(db: Session, actor: User) -> tuple[list[Bid], list[Agreement]]:
    """The supplier's own bids (newest first) and the framework agreements it won."""
    supplier = supplier_of(db, actor.organisation_id)
    if supplier is None:
        return [], []
    bids = db.scalars(
        select(Bid).where(Bid.supplier_id == supplier.id).order_by(Bid.created_at.desc())
    ).all()
    agreements = db.scalars(
        select(Agreement).where(Agreement.supplier_id == supplier.id).order_by(Agreement.id)
    ).all()
    return list(bids), list(agreements)


class BidOutcome(LabelledEnum):
    """What became of a submitted bid, once there is something to say."""

    AWARDED = "awarded"  # among the winners of a decided award (one lot or more)
    NOT_AWARDED = "not_awarded"  # the award is decided, without this bid
    CANCELLED = "cancelled"  # the tender was cancelled

    @property
    def has_letter(self) -> bool:
        """The award letter tells the bidder its result."""
        return self in (BidOutcome.AWARDED, BidOutcome.NOT_AWARDED)


labels(
    BidOutcome,
    {
        BidOutcome.AWARDED: _l("Awarded"),
        BidOutcome.NOT_AWARDED: _l("Not awarded"),
        BidOutcome.CANCELLED: _l("The tender was cancelled"),
    },
)

#: An award the bidders have been told of (the letters are out).
DECIDED_AWARD = (AwardState.APPROVED, AwardState.CONCLUDED)


def outcomes(db: Session, bids: list[Bid]) -> dict[int, BidOutcome]:
    """Per submitted bid, what became of it: awarded or not once the award is decided (the
    letters are out), or its tender cancelled. A bid without an outcome is left out."""
    submitted = [b for b in bids if b.state == BidState.SUBMITTED]
    if not submitted:
        return {}
    decided_tenders = set(
        db.scalars(
            select(Award.tender_id).where(
                Award.tender_id.in_({b.tender_id for b in submitted}),
                Award.state.in_(DECIDED_AWARD),
            )
        )
    )
    winners = set(
        db.scalars(
            select(AwardedBid.bid_id)
            .join(Award, AwardedBid.award_id == Award.id)
            .where(AwardedBid.bid_id.in_([b.id for b in submitted]), Award.state.in_(DECIDED_AWARD))
        )
    )
    found = {}
    for bid in submitted:
        if bid.id in winners:
            found[bid.id] = BidOutcome.AWARDED
        elif bid.tender_id in decided_tenders:
            found[bid.id] = BidOutcome.NOT_AWARDED
        elif bid.tender.state == TenderState.CANCELLED:
            found[bid.id] = BidOutcome.CANCELLED
    return found


@dataclass(frozen=True)
class ReceivedBids:
    """What the owning region sees of the bids: nothing while they are sealed (not even a
    count); after the deadline who bid, when, and the fingerprint (the content waits for the
    opening)."""

    sealed: bool
    bids: list[Bid]


def received_bids(db: Session, tender: Tender) -> ReceivedBids:
    if tender.bids_sealed:
        return ReceivedBids(sealed=True, bids=[])
    bids = db.scalars(
        select(Bid).where(Bid.tender_id == tender.id, Bid.state != BidState.DRAFT).order_by(Bid.id)
    ).all()
    return ReceivedBids(sealed=False, bids=list(bids))


def read_for_supplier(actor: User, bid: Bid, version: BidVersion | None = None) -> dict:
    """The bidding supplier reads its own bid at any time; nobody else through this door."""
    if actor.role != Role.SUPPLIER or actor.organisation_id != bid.supplier.organisation_id:
        raise NotFound(_("The bid was not found."))
    if version is None and bid.sealed_draft is not None:
        return json.loads(sealing.unseal(bid.sealed_draft))
    version = version or bid.latest
    if version is None:
        return {"lots": {}, "requirements": {}, "answers": {}, "attachments": []}
    return json.loads(sealing.unseal(version.sealed_content))


def read_after_deadline(bid: Bid, version: BidVersion) -> dict:
    """For the opening (issue 6): only once the tender's deadline has passed."""
    if bid.tender.bids_sealed:
        raise NotAllowed(_("Bids are sealed until the deadline."))
    return json.loads(sealing.unseal(version.sealed_content))


def parse_price(text: str | None) -> Decimal | None:
    """A unit price typed by a person (1.234,50 or 1234.50); None when left empty."""
    if text is None or not text.strip():
        return None
    try:
        return parse_kroner(text)
    except ValueError:
        raise DomainError(_("Write the amount like 1.234.567,89.")) from None
