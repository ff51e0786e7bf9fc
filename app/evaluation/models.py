"""The opening of a tender's bids: who opened, when, and what each bid was found to be."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    and_,
    or_,
    text,
)
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.bids.models import Bid, BidVersion
from app.core.i18n import lazy_gettext as _l
from app.core.labels import LabelledEnum, labels
from app.db import Base, Money, UTCDateTime, state_column


class Opening(Base):
    __tablename__ = "openings"

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id"), unique=True)
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)

    opened_by = relationship("User", lazy="joined")
    bids: Mapped[list[OpenedBid]] = relationship(
        back_populates="opening", order_by="OpenedBid.id", cascade="all, delete-orphan"
    )


class SealCheck(LabelledEnum):
    INTACT = "intact"  # the content matches the fingerprint given at receipt
    FLAGGED = "flagged"  # it does not (or does not decrypt): a person must decide
    ACCEPTED = "accepted"  # flagged, and a person decided it may be evaluated
    EXCLUDED = "excluded"  # flagged, and a person decided it may not

    @property
    def awaits_decision(self) -> bool:
        """A person must decide whether the bid may be evaluated."""
        return self is SealCheck.FLAGGED

    @property
    def may_be_evaluated(self) -> bool:
        return self in (SealCheck.INTACT, SealCheck.ACCEPTED)


labels(
    SealCheck,
    {
        SealCheck.INTACT: _l("Intact"),
        SealCheck.FLAGGED: _l("Does not match its fingerprint – awaits a decision"),
        SealCheck.ACCEPTED: _l("Did not match; accepted for evaluation"),
        SealCheck.EXCLUDED: _l("Did not match; excluded"),
    },
)


class OpenedBid(Base):
    __tablename__ = "opened_bids"

    id: Mapped[int] = mapped_column(primary_key=True)
    opening_id: Mapped[int] = mapped_column(ForeignKey("openings.id"), index=True)
    bid_id: Mapped[int] = mapped_column(ForeignKey("bids.id"))
    version_id: Mapped[int] = mapped_column(ForeignKey("bid_versions.id"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    fingerprint: Mapped[str] = mapped_column(String(64))
    check: Mapped[SealCheck] = mapped_column(state_column(SealCheck, "seal_check", 20))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision_reason: Mapped[str] = mapped_column(Text, default="")

    opening: Mapped[Opening] = relationship(back_populates="bids")
    bid: Mapped[Bid] = relationship(lazy="joined")
    version: Mapped[BidVersion] = relationship()
    rejection: Mapped[Rejection | None] = relationship(uselist=False)
    scores: Mapped[list[QualityScore]] = relationship(order_by="QualityScore.criterion_id")

    @property
    def is_compliant(self) -> bool:
        """Neither rejected nor awaiting a decision on its fingerprint: it is scored and ranked."""
        return self.rejection is None and self.check.may_be_evaluated


class ConflictDeclaration(Base):
    """An evaluator's declaration of no conflict of interest, given before seeing any bid."""

    __tablename__ = "conflict_declarations"
    __table_args__ = (UniqueConstraint("tender_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime)

    user = relationship("User", lazy="joined")


class Rejection(Base):
    """A bid rejected for failing a minimum requirement, with the reason."""

    __tablename__ = "bid_rejections"

    id: Mapped[int] = mapped_column(primary_key=True)
    opened_bid_id: Mapped[int] = mapped_column(ForeignKey("opened_bids.id"), unique=True)
    reason: Mapped[str] = mapped_column(Text)
    rejected_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    rejected_at: Mapped[datetime] = mapped_column(UTCDateTime)


class QualityScore(Base):
    """The committee's one agreed score 0–10 for a bid on one quality criterion, justified."""

    __tablename__ = "quality_scores"
    __table_args__ = (
        UniqueConstraint("opened_bid_id", "criterion_id"),
        CheckConstraint("score >= 0 AND score <= 10", name="score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    opened_bid_id: Mapped[int] = mapped_column(ForeignKey("opened_bids.id"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("award_criteria.id"))
    score: Mapped[int]
    justification: Mapped[str] = mapped_column(Text)
    entered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AwardState(LabelledEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"  # the award letters are out; the standstill runs
    CONCLUDED = "concluded"  # the framework agreements are concluded
    ANNULLED = "annulled"  # the Complaints Board annulled it: the evaluation is open again
    SENT_BACK = "sent_back"  # the second person sent the proposal back: the evaluation reopens
    WITHDRAWN = "withdrawn"  # the proposer withdrew it before approval: the evaluation reopens


#: An award that no longer counts: kept for the record; the evaluation is open again.
ENDED_AWARD_STATES = (AwardState.ANNULLED, AwardState.SENT_BACK, AwardState.WITHDRAWN)


labels(
    AwardState,
    {
        AwardState.PROPOSED: _l("Proposed, awaits approval by a second person"),
        AwardState.APPROVED: _l("Approved; standstill period"),
        AwardState.CONCLUDED: _l("Framework agreements concluded"),
        AwardState.ANNULLED: _l("Annulled by the Complaints Board for Public Procurement"),
        AwardState.SENT_BACK: _l("Sent back by the second person"),
        AwardState.WITHDRAWN: _l("Withdrawn by the proposer"),
    },
)


#: The one award of a tender that counts: an ended award (annulled, sent back, withdrawn) is
#: kept, and a new one may follow it.
LIVE_AWARD = "state NOT IN ('annulled', 'sent_back', 'withdrawn')"


class Award(Base):
    __tablename__ = "awards"
    __table_args__ = (
        Index(
            "uq_awards_tender_id_live",
            "tender_id",
            unique=True,
            sqlite_where=text(LIVE_AWARD),
            postgresql_where=text(LIVE_AWARD),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id"), index=True)
    state: Mapped[AwardState] = mapped_column(state_column(AwardState, "award_state", 20))
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    letters_sent_on: Mapped[date | None]
    standstill_ends_on: Mapped[date | None]
    note: Mapped[str] = mapped_column(Text, default="")
    # Who sent it back (with the reason) or withdrew it, and when.
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[str] = mapped_column(Text, default="")

    winners: Mapped[list[AwardedBid]] = relationship(
        order_by="(AwardedBid.lot_id, AwardedBid.rank)", cascade="all, delete-orphan"
    )
    # The four eyes, named in the evaluation report and the award letters; and who ended a
    # proposal (sent back or withdrawn).
    proposed_by = relationship("User", foreign_keys=[proposed_by_id], viewonly=True)
    approved_by = relationship("User", foreign_keys=[approved_by_id], viewonly=True)
    ended_by = relationship("User", foreign_keys=[ended_by_id], viewonly=True)

    @property
    def is_concluded(self) -> bool:
        """The framework agreements are concluded."""
        return self.state == AwardState.CONCLUDED


class AwardedBid(Base):
    __tablename__ = "awarded_bids"

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("awards.id"), index=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"))
    bid_id: Mapped[int] = mapped_column(ForeignKey("bids.id"))
    rank: Mapped[int]
    total: Mapped[str] = mapped_column(String(20))  # the score as shown, e.g. "83.10"
    quality_part: Mapped[str] = mapped_column(String(20), default="")  # its quality points
    unit_price: Mapped[Decimal] = mapped_column(Money)

    bid: Mapped[Bid] = relationship(lazy="joined")


class AgreementState(LabelledEnum):
    """A framework agreement's life with its supplier (the tender's period aside)."""

    ACTIVE = "active"
    SUSPENDED = "suspended"  # no new orders until lifted; running orders go on
    TERMINATED = "terminated"  # for good: no new orders; running orders go on

    @property
    def takes_orders(self) -> bool:
        return self is AgreementState.ACTIVE


AGREEMENT_STATE_LABELS = labels(
    AgreementState,
    {
        AgreementState.ACTIVE: _l("Active"),
        AgreementState.SUSPENDED: _l("Suspended"),
        AgreementState.TERMINATED: _l("Terminated"),
    },
)


class Agreement(Base):
    """A framework agreement: one awarded supplier on one lot, at its bid's unit price."""

    __tablename__ = "agreements"
    __table_args__ = (UniqueConstraint("lot_id", "supplier_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id"), index=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"), index=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"), index=True)
    bid_id: Mapped[int] = mapped_column(ForeignKey("bids.id"))
    rank: Mapped[int]
    unit_price: Mapped[Decimal] = mapped_column(Money)
    # The award's score and its quality part, as shown (e.g. "83.10"), for choosing a supplier.
    score: Mapped[str] = mapped_column(String(20), default="")
    quality_part: Mapped[str] = mapped_column(String(20), default="")
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    concluded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    concluded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    state: Mapped[AgreementState] = mapped_column(
        state_column(AgreementState, "agreement_state", 20),
        default=AgreementState.ACTIVE,
        server_default=AgreementState.ACTIVE.value,
    )
    # The Complaints Board declared the agreement ineffective: it takes no orders from this day.
    ineffective_on: Mapped[date | None]

    supplier = relationship("Supplier", lazy="joined")
    lot = relationship("Lot", lazy="joined")
    # Regulated prices, oldest first (app.agreements); loaded with the agreements, one
    # statement for all of them.
    prices = relationship(
        "AgreementPrice", order_by="AgreementPrice.applies_from", lazy="selectin", viewonly=True
    )

    def price_on(self, day: date) -> Decimal:
        """The unit price in force on the day: the bid's, or the latest regulated one."""
        price = self.unit_price
        for regulated in self.prices:
            if regulated.applies_from <= day:
                price = regulated.new_price
        return price

    @property
    def current_price(self) -> Decimal:
        return self.price_on(clock.today())

    @hybrid_method
    def runs_on(self, day: date) -> bool:
        """The agreement can take an order on the day: inside its period, and not declared
        ineffective by then (a bool on an agreement, SQL in a query)."""
        return self.starts_on <= day <= self.ends_on and (
            self.ineffective_on is None or day < self.ineffective_on
        )

    @runs_on.expression
    def runs_on(cls, day: date):
        return and_(
            cls.starts_on <= day,
            cls.ends_on >= day,
            or_(cls.ineffective_on.is_(None), cls.ineffective_on > day),
        )

    def is_ineffective_on(self, day: date) -> bool:
        return self.ineffective_on is not None and day >= self.ineffective_on
