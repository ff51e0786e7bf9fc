"""A mini-competition: a call-off with reopened competition among a lot's suppliers
(Directive 2014/24/EU art. 33(5)). A jobcentre (or the region, for several of its jobcentres)
states the need and the weights within the framework's award criteria; the suppliers' responses
are sealed like bids until the deadline; the best response becomes a call-off order (one per
jobcentre when the region ran it)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from app import clock
from app.auth.roles import JOBCENTRE_ROLES, Role
from app.calloffs.models import CallOff
from app.core.i18n import lazy_gettext as _l
from app.core.labels import LabelledEnum, labels
from app.db import Base, Money, UTCDateTime, state_column
from app.evaluation.models import Agreement
from app.organisations.models import Organisation
from app.suppliers.models import Supplier
from app.tenders.models import AwardCriterion, Lot


class CompetitionState(LabelledEnum):
    OPEN = "open"  # the suppliers respond until the deadline
    CLOSED = "closed"  # derived from the clock at the deadline; never stored
    AWARDED = "awarded"  # the best response became a call-off order
    CANCELLED = "cancelled"


labels(
    CompetitionState,
    {
        CompetitionState.OPEN: _l("Open for responses"),
        CompetitionState.CLOSED: _l("Deadline passed, to be evaluated"),
        CompetitionState.AWARDED: _l("Awarded, became an order"),
        CompetitionState.CANCELLED: _l("Cancelled"),
    },
)


class CompetitionStep(LabelledEnum):
    RESPOND = "respond"  # a supplier submits, replaces or withdraws its response
    SCORE = "score"  # the jobcentre scores the opened responses
    AWARD = "award"
    CANCEL = "cancel"


labels(
    CompetitionStep,
    {
        CompetitionStep.RESPOND: _l("Respond"),
        CompetitionStep.SCORE: _l("Score the responses"),
        CompetitionStep.AWARD: _l("Award"),
        CompetitionStep.CANCEL: _l("Cancel the mini-competition"),
    },
)


class ResponseState(LabelledEnum):
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"


labels(
    ResponseState,
    {ResponseState.SUBMITTED: _l("Submitted"), ResponseState.WITHDRAWN: _l("Withdrawn")},
)


class MiniCompetition(Base):
    __tablename__ = "mini_competitions"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="competition_quantity_positive"),
        # Started either by one jobcentre for itself or by a region for several of its own.
        CheckConstraint(
            "(jobcentre_id IS NULL) <> (region_id IS NULL)", name="competition_one_organiser"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"), index=True)
    jobcentre_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    state: Mapped[CompetitionState] = mapped_column(
        state_column(CompetitionState, "competition_state", 20), default=CompetitionState.OPEN
    )
    description: Mapped[str] = mapped_column(Text)
    quantity: Mapped[int]
    starts_on: Mapped[date]
    case_reference: Mapped[str] = mapped_column(String(60))
    response_deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    started_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    # When the responses were opened (at the first scoring, after the deadline).
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_reason: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    call_off_id: Mapped[int | None] = mapped_column(ForeignKey("call_offs.id"))

    lot: Mapped[Lot] = relationship(lazy="joined")
    jobcentre: Mapped[Organisation | None] = relationship(
        foreign_keys=[jobcentre_id], lazy="joined"
    )
    region: Mapped[Organisation | None] = relationship(foreign_keys=[region_id], lazy="joined")
    call_off: Mapped[CallOff | None] = relationship()
    shares: Mapped[list[CompetitionShare]] = relationship(
        order_by="CompetitionShare.id", cascade="all, delete-orphan"
    )
    weights: Mapped[list[CompetitionWeight]] = relationship(
        order_by="CompetitionWeight.position", cascade="all, delete-orphan"
    )
    invitations: Mapped[list[Invitation]] = relationship(
        order_by="Invitation.id", cascade="all, delete-orphan"
    )

    @property
    def organiser(self) -> Organisation:
        """The jobcentre or the region that started it and evaluates it."""
        return self.jobcentre or self.region

    @property
    def for_several(self) -> bool:
        """Run by the region for several of its jobcentres (an order for each)."""
        return self.region_id is not None

    @property
    def orders(self) -> list[CallOff]:
        """The orders the award placed: one, or one per jobcentre's share."""
        if self.for_several:
            return [s.call_off for s in self.shares if s.call_off is not None]
        return [self.call_off] if self.call_off is not None else []

    def share_of(self, jobcentre_id: int) -> CompetitionShare | None:
        return next((s for s in self.shares if s.jobcentre_id == jobcentre_id), None)

    def deadline_passed_at(self, moment: datetime) -> bool:
        """The response deadline rule, like the bids': passed from its very second on."""
        return moment >= self.response_deadline

    @property
    def deadline_passed(self) -> bool:
        return self.deadline_passed_at(clock.now())

    @property
    def responses_sealed(self) -> bool:
        """Before the deadline nobody but the responding supplier sees a response, or that it
        exists."""
        return not self.deadline_passed

    @property
    def current_state(self) -> CompetitionState:
        if self.state == CompetitionState.OPEN and self.deadline_passed:
            return CompetitionState.CLOSED
        return self.state

    @property
    def accepts_responses(self) -> bool:
        return self.current_state == CompetitionState.OPEN

    def weight_of(self, criterion_id: int) -> int:
        return next((w.weight for w in self.weights if w.criterion_id == criterion_id), 0)

    def is_invited(self, supplier_id: int) -> bool:
        return any(i.supplier_id == supplier_id for i in self.invitations)

    def is_visible_to(self, user) -> bool:
        """The jobcentre that started it or has a share in it, the invited suppliers, the
        region that started it, and the region that owns the framework (a national one: also
        the jobcentre's region)."""
        if user.role in JOBCENTRE_ROLES:
            return user.organisation_id == self.jobcentre_id or (
                self.share_of(user.organisation_id) is not None
            )
        if user.role == Role.SUPPLIER:
            return any(i.supplier.organisation_id == user.organisation_id for i in self.invitations)
        if user.role in (Role.REGION_STAFF, Role.REGIONAL_DIRECTOR):
            return user.organisation_id in (self.lot.tender.region_id, self.organiser_region_id)
        return user.role == Role.ADMIN

    @property
    def organiser_region_id(self) -> int | None:
        return self.region_id if self.for_several else self.jobcentre.region_id


class CompetitionShare(Base):
    """One jobcentre's part of a need the region puts to competition for several of its
    jobcentres: the winner gets an order per share, in the jobcentre's name."""

    __tablename__ = "competition_shares"
    __table_args__ = (
        UniqueConstraint("competition_id", "jobcentre_id"),
        CheckConstraint("quantity > 0", name="competition_share_quantity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("mini_competitions.id"), index=True)
    jobcentre_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    quantity: Mapped[int]
    case_reference: Mapped[str] = mapped_column(String(60))
    call_off_id: Mapped[int | None] = mapped_column(ForeignKey("call_offs.id"))

    jobcentre: Mapped[Organisation] = relationship(lazy="joined")
    call_off: Mapped[CallOff | None] = relationship()


class CompetitionWeight(Base):
    """The weight the jobcentre gives one of the framework's award criteria."""

    __tablename__ = "competition_weights"
    __table_args__ = (UniqueConstraint("competition_id", "criterion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("mini_competitions.id"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("award_criteria.id"))
    position: Mapped[int]
    weight: Mapped[int]

    criterion: Mapped[AwardCriterion] = relationship(lazy="joined")


class Invitation(Base):
    """A supplier of the lot invited in writing, under its agreement."""

    __tablename__ = "competition_invitations"
    __table_args__ = (UniqueConstraint("competition_id", "supplier_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("mini_competitions.id"), index=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"))
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"), index=True)
    # The agreement's unit price on the competition's start date: the most a response may ask.
    price_cap: Mapped[Decimal] = mapped_column(Money)

    agreement: Mapped[Agreement] = relationship(lazy="joined")
    supplier: Mapped[Supplier] = relationship(lazy="joined")


class CompetitionResponse(Base):
    """A supplier's response, sealed exactly like a bid: every version received at an exact
    time, fingerprinted, encrypted at rest."""

    __tablename__ = "competition_responses"
    __table_args__ = (UniqueConstraint("competition_id", "supplier_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("mini_competitions.id"), index=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"), index=True)
    state: Mapped[ResponseState] = mapped_column(
        state_column(ResponseState, "response_state", 20), default=ResponseState.SUBMITTED
    )
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set at the evaluation, after the deadline: the rank and the score as shown.
    rank: Mapped[int | None]
    score: Mapped[str] = mapped_column(String(20), default="")
    price_part: Mapped[str] = mapped_column(String(20), default="")
    quality_part: Mapped[str] = mapped_column(String(20), default="")
    won: Mapped[bool] = mapped_column(default=False)

    competition: Mapped[MiniCompetition] = relationship(lazy="joined")
    supplier: Mapped[Supplier] = relationship(lazy="joined")
    versions: Mapped[list[ResponseVersion]] = relationship(
        order_by="ResponseVersion.number", cascade="all, delete-orphan"
    )
    scores: Mapped[list[ResponseScore]] = relationship(cascade="all, delete-orphan")

    @property
    def latest(self) -> ResponseVersion | None:
        return self.versions[-1] if self.versions else None

    @property
    def is_withdrawn(self) -> bool:
        return self.state == ResponseState.WITHDRAWN

    def score_for(self, criterion_id: int) -> int | None:
        return next((s.score for s in self.scores if s.criterion_id == criterion_id), None)

    def is_visible_to(self, user) -> bool:
        """Only the responding supplier's users (the evaluation opens it after the deadline)."""
        return user.role == Role.SUPPLIER and user.organisation_id == self.supplier.organisation_id


class ResponseVersion(Base):
    __tablename__ = "competition_response_versions"
    __table_args__ = (UniqueConstraint("response_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("competition_responses.id"), index=True)
    number: Mapped[int]
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    fingerprint: Mapped[str] = mapped_column(String(64))
    sealed_content: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))


class ResponseScore(Base):
    """The jobcentre's score 0–10 of one opened response on one quality criterion."""

    __tablename__ = "competition_response_scores"
    __table_args__ = (
        UniqueConstraint("response_id", "criterion_id"),
        CheckConstraint("score >= 0 AND score <= 10", name="response_score_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("competition_responses.id"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("award_criteria.id"))
    score: Mapped[int]
