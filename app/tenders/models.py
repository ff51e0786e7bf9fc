"""A tender with its lots, criteria, requirements, documents, approvals and amendments."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    false,
    or_,
    select,
)
from sqlalchemy.ext.hybrid import hybrid_method, hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.audit import sealed
from app.audit.models import AuditEntry
from app.auth.roles import Role
from app.core.i18n import lazy_gettext as _l
from app.core.labels import LabelledEnum, labels
from app.councils import uses
from app.councils.models import ContractNeed, CouncilDecision
from app.db import Base, Hundredths, Money, UTCDateTime, state_column
from app.files.models import StoredFile
from app.organisations.models import Organisation
from app.targetgroups.models import TargetGroup


class TenderState(LabelledEnum):
    DRAFT = "draft"
    COUNCIL_INVOLVED = "council_involved"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    PUBLISHED = "published"
    BIDDING_CLOSED = "bidding_closed"  # derived from the clock at the deadline; never stored
    ACTIVE = "active"  # the framework agreements are concluded
    CANCELLED = "cancelled"


STATE_LABELS = labels(
    TenderState,
    {
        TenderState.DRAFT: _l("Draft"),
        TenderState.COUNCIL_INVOLVED: _l("Council involved"),
        TenderState.SUBMITTED: _l("Submitted for approval"),
        TenderState.APPROVED: _l("Approved"),
        TenderState.PUBLISHED: _l("Published, open for bids"),
        TenderState.BIDDING_CLOSED: _l("Bidding closed"),
        TenderState.ACTIVE: _l("Active framework"),
        TenderState.CANCELLED: _l("Cancelled"),
    },
)


class Scope(LabelledEnum):
    REGIONAL = "regional"
    NATIONAL = "national"


labels(Scope, {Scope.REGIONAL: _l("Regional"), Scope.NATIONAL: _l("National")})


class CallOffRule(LabelledEnum):
    """How a lot's call-offs happen, stated in the tender per lot."""

    FREE_CHOICE = "free_choice"
    CASCADE = "cascade"
    MINI_COMPETITION = (
        "mini_competition"  # every call-off reopens competition (app.minicompetitions)
    )
    CASCADE_THEN_COMPETITION = "cascade_competition"  # cascade up to an amount, competition above

    @property
    def cascades(self) -> bool:
        return self in (CallOffRule.CASCADE, CallOffRule.CASCADE_THEN_COMPETITION)

    @property
    def reopens_competition(self) -> bool:
        return self in (CallOffRule.MINI_COMPETITION, CallOffRule.CASCADE_THEN_COMPETITION)


labels(
    CallOffRule,
    {
        CallOffRule.FREE_CHOICE: _l("Free choice among the awarded suppliers"),
        CallOffRule.CASCADE: _l("Ranked cascade"),
        CallOffRule.MINI_COMPETITION: _l("Mini-competition among the awarded suppliers"),
        CallOffRule.CASCADE_THEN_COMPETITION: _l(
            "Ranked cascade up to an amount, mini-competition above it"
        ),
    },
)

#: The shortest response deadline a lot may set for its mini-competitions, in days.
MIN_COMPETITION_DAYS = 1
DEFAULT_COMPETITION_DAYS = 10


class ApprovalKind(StrEnum):
    COUNCIL = "council"  # a council decision linked to the tender
    DIRECTOR = "director"  # a regional director's agreement to a national tender
    INTEGRATION = "integration"  # the integration ministry's agreement
    MINISTRY = "ministry"  # the ministry's approval


class AmendmentKind(LabelledEnum):
    CLARIFICATION = "clarification"
    DOCUMENT = "document"
    DEADLINE = "deadline"


labels(
    AmendmentKind,
    {
        AmendmentKind.CLARIFICATION: _l("Clarification"),
        AmendmentKind.DOCUMENT: _l("Extra document"),
        AmendmentKind.DEADLINE: _l("Longer deadline"),
    },
)


tender_target_groups = Table(
    "tender_target_groups",
    Base.metadata,
    Column("tender_id", ForeignKey("tenders.id", ondelete="CASCADE"), primary_key=True),
    Column("target_group_id", ForeignKey("target_groups.id"), primary_key=True, index=True),
)


class Tender(Base):
    __tablename__ = "tenders"
    __table_args__ = (Index("ix_tenders_state_deadline", "state", "bid_deadline"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(30), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    region_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    scope: Mapped[Scope] = mapped_column(state_column(Scope, "tender_scope", 10))
    state: Mapped[TenderState] = mapped_column(
        state_column(TenderState, "tender_state"), default=TenderState.DRAFT
    )
    need_id: Mapped[int | None] = mapped_column(ForeignKey("contract_needs.id"))
    estimated_value: Mapped[Decimal] = mapped_column(Money)
    agreement_start: Mapped[date]
    agreement_end: Mapped[date]
    long_period_reason: Mapped[str] = mapped_column(Text, default="")
    # Options to extend the agreement period, each by `extension_months`, within the 4-year
    # rule; exercised by the region before expiry (app.agreements), with a council decision
    # each time where `extension_needs_council`.
    extension_options: Mapped[int] = mapped_column(default=0, server_default="0")
    extension_months: Mapped[int] = mapped_column(default=0, server_default="0")
    extension_needs_council: Mapped[bool] = mapped_column(default=False, server_default=false())
    extensions_used: Mapped[int] = mapped_column(default=0, server_default="0")
    # Price regulation once a year by a named index, the yearly rise capped at `price_cap`
    # percent (app.agreements); no index named, no regulation.
    price_index: Mapped[str] = mapped_column(String(200), default="")
    price_cap: Mapped[Decimal | None] = mapped_column(Hundredths)
    bid_deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    # Grows with every change of content; approvals refer to the version they saw.
    content_version: Mapped[int] = mapped_column(default=1)
    # When the current content version began: a council decision must not be older (after edits).
    content_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    return_reason: Mapped[str] = mapped_column(Text, default="")
    returned_by_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    region: Mapped[Organisation] = relationship(lazy="joined", foreign_keys=[region_id])
    returned_by: Mapped[Organisation | None] = relationship(foreign_keys=[returned_by_id])
    need: Mapped[ContractNeed | None] = relationship()
    target_groups: Mapped[list[TargetGroup]] = relationship(
        secondary=tender_target_groups, order_by="TargetGroup.name"
    )
    lots: Mapped[list[Lot]] = relationship(
        back_populates="tender", order_by="Lot.number", cascade="all, delete-orphan"
    )
    criteria: Mapped[list[AwardCriterion]] = relationship(
        order_by="AwardCriterion.position", cascade="all, delete-orphan"
    )
    requirements: Mapped[list[MinimumRequirement]] = relationship(
        order_by="MinimumRequirement.position", cascade="all, delete-orphan"
    )
    documents: Mapped[list[TenderDocument]] = relationship(
        order_by="TenderDocument.id", cascade="all, delete-orphan"
    )
    approvals: Mapped[list[TenderApproval]] = relationship(
        order_by="TenderApproval.id", cascade="all, delete-orphan"
    )
    amendments: Mapped[list[Amendment]] = relationship(
        order_by="Amendment.id", cascade="all, delete-orphan"
    )
    questions: Mapped[list[TenderQuestion]] = relationship(
        order_by="TenderQuestion.id", cascade="all, delete-orphan"
    )

    @hybrid_method
    def deadline_passed_at(self, moment: datetime) -> bool:
        """The bid deadline rule, in its one place: the deadline has passed from its very second
        on (a bid received at the deadline is late). Until then the bids are sealed; after it
        nothing is submitted, replaced or withdrawn. On a tender a bool; on the class the same
        rule as SQL (`Tender.deadline_passed_at(now)` in a query)."""
        return moment >= self.bid_deadline

    @property
    def deadline_passed(self) -> bool:
        """The bid deadline has passed by the clock now."""
        return self.deadline_passed_at(clock.now())

    @property
    def bids_sealed(self) -> bool:
        """Before the deadline nobody but the bidder sees a bid, or that it exists."""
        return not self.deadline_passed

    @property
    def accepts_bids(self) -> bool:
        """Published and before the deadline: bids, questions and withdrawals are possible."""
        return self.state == TenderState.PUBLISHED and not self.deadline_passed

    def state_at(self, moment: datetime) -> TenderState:
        """The state as the clock sees it: a published tender closes at its deadline."""
        if self.state == TenderState.PUBLISHED and self.deadline_passed_at(moment):
            return TenderState.BIDDING_CLOSED
        return self.state

    @hybrid_method
    def in_states_at(self, states, moment: datetime) -> bool:
        """Whether the state as the clock sees it (`state_at`) is one of these; on the class
        the same as SQL (on the stored state and the deadline, so the index serves it)."""
        return self.state_at(moment) in states

    @in_states_at.expression
    def in_states_at(cls, states, moment: datetime):
        stored = [s for s in states if s not in (TenderState.PUBLISHED, TenderState.BIDDING_CLOSED)]
        conditions = [cls.state.in_(stored)] if stored else []
        open_, closed = TenderState.PUBLISHED in states, TenderState.BIDDING_CLOSED in states
        if open_ or closed:
            published = cls.state == TenderState.PUBLISHED
            if not closed:
                published = and_(published, ~cls.deadline_passed_at(moment))
            elif not open_:
                published = and_(published, cls.deadline_passed_at(moment))
            conditions.append(published)
        return or_(*conditions) if conditions else false()

    @property
    def call_off_rule(self) -> CallOffRule | None:
        """The call-off rule every lot states, or None when the lots differ (each lot states
        its own: `Lot.call_off_rule`)."""
        rules = {lot.call_off_rule for lot in self.lots}
        return rules.pop() if len(rules) == 1 else None

    @property
    def regulates_prices(self) -> bool:
        return bool(self.price_index)

    @property
    def extension_options_left(self) -> int:
        return max(0, self.extension_options - self.extensions_used)

    @property
    def is_public(self) -> bool:
        """Published once: open, closed, or cancelled after publication (with its reason)."""
        return self.published_at is not None

    @property
    def current_state(self) -> TenderState:
        return self.state_at(clock.now())

    @property
    def open_return_reason(self) -> str:
        """The ministry's reasons for returning the tender, shown while it is a draft again."""
        return self.return_reason if self.state == TenderState.DRAFT else ""

    @property
    def maximum_value(self) -> Decimal:
        return sum((lot.maximum_value for lot in self.lots), Decimal("0.00"))

    @property
    def concerns_integration(self) -> bool:
        return any(group.integration_effort for group in self.target_groups)

    @property
    def current_approvals(self) -> list[TenderApproval]:
        """The approvals given to the current content version: the only ones that count (a
        change of content voids the others)."""
        return [a for a in self.approvals if a.content_version == self.content_version]

    @property
    def void_approvals(self) -> list[TenderApproval]:
        """The approvals given to earlier versions, which no longer count."""
        current = self.current_approvals
        return [a for a in self.approvals if a not in current]

    def valid_approvals(self, kind: ApprovalKind) -> list[TenderApproval]:
        """Approvals of this kind given to the current content; older ones are void."""
        return [a for a in self.current_approvals if a.kind == kind]

    def is_visible_to(self, user) -> bool:
        """Who sees the tender's work pages (/manage/tenders/...), with what the public does not
        see: the approvals and council decisions, drafts, the suppliers' unanswered questions.
        The ministries and the administrator; the staff and director of the owning region (the
        lead region of a national tender); and the other regions' directors while their
        agreement to a national tender is asked (council involved). Everyone else sees the
        public page once the tender is published (`is_public`), and nothing before."""
        if user.role in (Role.ADMIN, Role.MINISTRY, Role.INTEGRATION_MINISTRY):
            return True
        if user.role in (Role.REGION_STAFF, Role.REGIONAL_DIRECTOR):
            return self.region_id == user.organisation_id or (
                user.role == Role.REGIONAL_DIRECTOR and self.asks_the_directors
            )
        return False

    @property
    def awaits_integration_agreement(self) -> bool:
        """It concerns the integration effort and the Ministry of Integration has not agreed to
        this version: the Ministry of Employment cannot approve it yet."""
        return self.concerns_integration and not self.valid_approvals(ApprovalKind.INTEGRATION)

    @property
    def needs_the_directors(self) -> bool:
        """A national tender needs the four regional directors' agreement to be submitted."""
        return self.scope == Scope.NATIONAL

    @property
    def is_cancelled(self) -> bool:
        return self.state == TenderState.CANCELLED

    @hybrid_property
    def asks_the_directors(self) -> bool:
        """A national tender waiting for the four regional directors' agreement (on the class
        the same as SQL, for the lists)."""
        return self.needs_the_directors and self.state == TenderState.COUNCIL_INVOLVED

    @asks_the_directors.expression
    def asks_the_directors(cls):
        return and_(cls.scope == Scope.NATIONAL, cls.state == TenderState.COUNCIL_INVOLVED)


class Lot(Base):
    __tablename__ = "lots"
    __table_args__ = (UniqueConstraint("tender_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id"), index=True)
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    maximum_value: Mapped[Decimal] = mapped_column(Money)
    suppliers_to_award: Mapped[int] = mapped_column(default=2)
    fewer_suppliers_reason: Mapped[str] = mapped_column(Text, default="")
    # How call-offs happen on this lot (part of the tender's content, so bound to approvals).
    call_off_rule: Mapped[CallOffRule] = mapped_column(
        state_column(CallOffRule, "lot_call_off_rule", 20),
        default=CallOffRule.FREE_CHOICE,
        server_default=CallOffRule.FREE_CHOICE.value,
    )
    # Under CASCADE_THEN_COMPETITION: an order whose total is above this goes to competition.
    cascade_limit: Mapped[Decimal | None] = mapped_column(Money)
    # A mini-competition's response deadline is at least this many days after its start.
    competition_days: Mapped[int] = mapped_column(
        default=DEFAULT_COMPETITION_DAYS, server_default=str(DEFAULT_COMPETITION_DAYS)
    )

    tender: Mapped[Tender] = relationship(back_populates="lots")

    def needs_competition(self, amount: Decimal) -> bool:
        """Whether an order of this total must be called off by a mini-competition: always
        under MINI_COMPETITION, above the cascade limit under CASCADE_THEN_COMPETITION."""
        if self.call_off_rule == CallOffRule.MINI_COMPETITION:
            return True
        if self.call_off_rule == CallOffRule.CASCADE_THEN_COMPETITION:
            return self.cascade_limit is not None and amount > self.cascade_limit
        return False

    @property
    def offers_competition(self) -> bool:
        """Whether jobcentres can start a mini-competition on this lot."""
        return self.call_off_rule.reopens_competition


class AwardCriterion(Base):
    __tablename__ = "award_criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id"), index=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(200))
    weight: Mapped[int]
    is_price: Mapped[bool] = mapped_column(default=False)


class MinimumRequirement(Base):
    __tablename__ = "minimum_requirements"

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id"), index=True)
    position: Mapped[int]
    text: Mapped[str] = mapped_column(Text)


class TenderDocument(Base):
    __tablename__ = "tender_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id"), index=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"))

    file: Mapped[StoredFile] = relationship(lazy="joined")


class TenderApproval(Base):
    """A council decision, director's agreement, integration agreement or ministry approval,
    bound to the content version it was given to."""

    __tablename__ = "tender_approvals"

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id"), index=True)
    kind: Mapped[ApprovalKind] = mapped_column(state_column(ApprovalKind, "approval_kind", 20))
    content_version: Mapped[int]
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("council_decisions.id"), index=True)
    given_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    decision: Mapped[CouncilDecision | None] = relationship(lazy="joined")


class Amendment(Base):
    """What changed after publication: a clarification, an extra document or a later deadline."""

    __tablename__ = "tender_amendments"

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id"), index=True)
    kind: Mapped[AmendmentKind] = mapped_column(state_column(AmendmentKind, "amendment_kind", 20))
    text: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    old_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    new_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("tender_documents.id"))
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    made_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    document: Mapped[TenderDocument | None] = relationship(lazy="joined")


class TenderQuestion(Base):
    """A supplier's clarification question; the answer is published without the asker's name."""

    __tablename__ = "tender_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id"), index=True)
    # Kept for the record only; no page shows who asked.
    asked_by_supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"))
    text: Mapped[str] = mapped_column(Text)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class TenderFollower(Base):
    """A supplier that follows a tender hears of answers and amendments."""

    __tablename__ = "tender_followers"
    __table_args__ = (UniqueConstraint("tender_id", "supplier_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id"), index=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"), index=True)


# Registrations with the core and with the councils' register (below the models they name).


def _spent_decisions(except_tender_id: int | None):
    """The council decisions the tenders' approvals used; a tender's own left out on asking."""
    on_tenders = select(TenderApproval.decision_id).where(TenderApproval.decision_id.is_not(None))
    if except_tender_id is not None:
        on_tenders = on_tenders.where(TenderApproval.tender_id != except_tender_id)
    return on_tenders


def _shown_sealed(moment: datetime):
    """Audit entries sealed by a tender may be shown once its bid deadline has passed."""
    return AuditEntry.sealed_by_tender_id.in_(
        select(Tender.id).where(Tender.deadline_passed_at(moment))
    )


uses.register_spender("tenders", _spent_decisions)
sealed.register_shown_sealed(_shown_sealed)
