"""Jobcentre results: indicators per jobcentre and quarter imported by the regions, each region's
thresholds for weak and good results, and the region's reaction to weak results."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.roles import JOBCENTRE_ROLES, Role
from app.core.i18n import lazy_gettext as _l
from app.core.labels import LabelledEnum, labels
from app.councils import uses
from app.councils.models import CouncilDecision
from app.db import Base, Hundredths, Money, UTCDateTime, state_column
from app.organisations.models import Organisation
from app.targetgroups.models import TargetGroup


class Indicator(LabelledEnum):
    IN_WORK = "in_work"  # the share in work three months after an effort, in percent
    WEEKS_UNEMPLOYED = "weeks_unemployed"  # the average length of unemployment, in weeks

    @property
    def unit(self) -> str:
        return str(INDICATOR_UNITS[self])

    @property
    def higher_is_better(self) -> bool:
        return self == Indicator.IN_WORK


INDICATOR_LABELS = labels(
    Indicator,
    {
        Indicator.IN_WORK: _l("Share in work after an effort"),
        Indicator.WEEKS_UNEMPLOYED: _l("Average length of unemployment"),
    },
)
INDICATOR_UNITS = {Indicator.IN_WORK: _l("%"), Indicator.WEEKS_UNEMPLOYED: _l("weeks")}


class Standing(LabelledEnum):
    """A jobcentre's latest result against its region's thresholds."""

    WEAK = "weak"
    USUAL = "usual"
    GOOD = "good"


STANDING_LABELS = labels(
    Standing,
    {
        Standing.WEAK: _l("Weak: closer follow-up"),
        Standing.USUAL: _l("Usual follow-up"),
        Standing.GOOD: _l("Good: lighter follow-up"),
    },
)


class ResultImport(Base):
    """One imported file of results, kept with who imported it and what it held."""

    __tablename__ = "result_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    lines: Mapped[int]
    added: Mapped[int]
    replaced: Mapped[int]
    imported_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime)

    imported_by = relationship("User")


class Result(Base):
    """One indicator's value for a jobcentre in a quarter, for all its unemployed or for one
    target group; `cluster` names the group of comparable jobcentres it belongs to that quarter
    (as the national statistics publish it)."""

    __tablename__ = "results"
    __table_args__ = (
        # One value per jobcentre, quarter, indicator and target group (0: all of them).
        UniqueConstraint("jobcentre_id", "period", "indicator", "target_group_key"),
        CheckConstraint("value >= 0", name="value_not_negative"),
        Index("ix_results_period_indicator", "period", "indicator"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    jobcentre_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    period: Mapped[str] = mapped_column(String(7))  # a quarter: 2026-Q3
    indicator: Mapped[Indicator] = mapped_column(state_column(Indicator, "result_indicator", 20))
    target_group_id: Mapped[int | None] = mapped_column(ForeignKey("target_groups.id"))
    # The target group's id, or 0 for all: a unique key that NULL would not make unique.
    target_group_key: Mapped[int] = mapped_column(default=0)
    value: Mapped[Decimal] = mapped_column(Hundredths)
    cluster: Mapped[str] = mapped_column(String(60), default="")
    import_id: Mapped[int] = mapped_column(ForeignKey("result_imports.id"), index=True)

    jobcentre: Mapped[Organisation] = relationship(lazy="joined")
    target_group: Mapped[TargetGroup | None] = relationship()


class Threshold(Base):
    """A region's limits for one indicator: a result worse than `weak` is weak, one at `good`
    or better is good (for the share in work higher is better, for weeks lower)."""

    __tablename__ = "result_thresholds"
    __table_args__ = (UniqueConstraint("region_id", "indicator"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    indicator: Mapped[Indicator] = mapped_column(state_column(Indicator, "threshold_indicator", 20))
    weak: Mapped[Decimal] = mapped_column(Hundredths)
    good: Mapped[Decimal] = mapped_column(Hundredths)
    set_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime)

    def standing(self, value: Decimal) -> Standing:
        # Weeks are compared as their negatives, so that higher is better for both.
        sign = 1 if self.indicator.higher_is_better else -1
        if sign * value < sign * self.weak:
            return Standing.WEAK
        return Standing.GOOD if sign * value >= sign * self.good else Standing.USUAL


class ReactionState(LabelledEnum):
    ASSESSMENT = "assessment"  # opened for a jobcentre with weak results; the region assesses
    FOLLOWING_CLOSELY = "following_closely"  # the jobcentre has taken the initiatives needed
    AGREEMENT_DRAFT = "agreement_draft"  # an improvement agreement is being written
    AWAITING_SIGNATURES = "awaiting_signatures"  # the director and the jobcentre's leadership
    AGREEMENT_IN_FORCE = "agreement_in_force"  # signed by both; followed up at its date
    RECOMMENDATION_DRAFT = "recommendation_draft"  # no agreement, or no improvement
    AT_INTEGRATION_MINISTRY = "at_integration_ministry"  # a part concerns integration
    AT_MINISTRY = "at_ministry"  # the Ministry of Employment decides
    ORDERED = "ordered"  # the jobcentre is ordered to use other actors in the named parts
    CLOSED = "closed"


REACTION_STATE_LABELS = labels(
    ReactionState,
    {
        ReactionState.ASSESSMENT: _l("Being assessed"),
        ReactionState.FOLLOWING_CLOSELY: _l("Followed closely"),
        ReactionState.AGREEMENT_DRAFT: _l("Improvement agreement being written"),
        ReactionState.AWAITING_SIGNATURES: _l("Improvement agreement awaits signatures"),
        ReactionState.AGREEMENT_IN_FORCE: _l("Improvement agreement in force"),
        ReactionState.RECOMMENDATION_DRAFT: _l("Recommendation being written"),
        ReactionState.AT_INTEGRATION_MINISTRY: _l("At the Ministry of Integration"),
        ReactionState.AT_MINISTRY: _l("At the Ministry of Employment"),
        ReactionState.ORDERED: _l("Ordered to use other actors"),
        ReactionState.CLOSED: _l("Closed"),
    },
)

#: The states of a case still open: one per jobcentre at a time.
OPEN_REACTION_STATES = tuple(s for s in ReactionState if s != ReactionState.CLOSED)

reaction_parts = Table(
    "reaction_parts",
    Base.metadata,
    Column("reaction_id", ForeignKey("reactions.id"), primary_key=True),
    Column("target_group_id", ForeignKey("target_groups.id"), primary_key=True),
)


class Reaction(Base):
    """The region's reaction to a jobcentre's weak results, from assessment to an order."""

    __tablename__ = "reactions"
    __table_args__ = (
        CheckConstraint(
            "minimum_share IS NULL OR (minimum_share > 0 AND minimum_share <= 10000)",
            name="minimum_share_a_percentage",
        ),
        CheckConstraint(
            "consultancy_amount IS NULL OR consultancy_amount > 0", name="consultancy_positive"
        ),
        Index("ix_reactions_jobcentre_state", "jobcentre_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    jobcentre_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    region_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    state: Mapped[ReactionState] = mapped_column(
        state_column(ReactionState, "reaction_state", 30), default=ReactionState.ASSESSMENT
    )
    reason: Mapped[str] = mapped_column(Text)  # why the case was opened
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    assessment: Mapped[str] = mapped_column(Text, default="")
    next_review_on: Mapped[date | None]
    # The improvement agreement: how and by when the effort improves, with measurable targets.
    agreement_text: Mapped[str] = mapped_column(Text, default="")
    improve_by: Mapped[date | None]
    follow_up_on: Mapped[date | None]
    target_in_work: Mapped[Decimal | None] = mapped_column(Hundredths)
    target_weeks: Mapped[Decimal | None] = mapped_column(Hundredths)
    consultancy_amount: Mapped[Decimal | None] = mapped_column(Money)
    consultancy_provider: Mapped[str] = mapped_column(String(200), default="")
    consultancy_from: Mapped[date | None]
    consultancy_to: Mapped[date | None]
    agreement_decision_id: Mapped[int | None] = mapped_column(
        ForeignKey("council_decisions.id"), unique=True
    )
    director_signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    director_signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    manager_signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    manager_signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The recommendation to the ministry: the parts of the effort, the share for other actors.
    recommendation_text: Mapped[str] = mapped_column(Text, default="")
    minimum_share: Mapped[Decimal | None] = mapped_column(Hundredths)  # percent
    recommendation_decision_id: Mapped[int | None] = mapped_column(
        ForeignKey("council_decisions.id"), unique=True
    )
    integration_agreed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    integration_agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The ministry's decision.
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_text: Mapped[str] = mapped_column(Text, default="")
    ordered_from: Mapped[date | None]
    ordered_to: Mapped[date | None]
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    jobcentre: Mapped[Organisation] = relationship(foreign_keys=[jobcentre_id], lazy="joined")
    region: Mapped[Organisation] = relationship(foreign_keys=[region_id])
    parts: Mapped[list[TargetGroup]] = relationship(
        secondary=reaction_parts, order_by="TargetGroup.name"
    )
    agreement_decision: Mapped[CouncilDecision | None] = relationship(
        foreign_keys=[agreement_decision_id]
    )
    recommendation_decision: Mapped[CouncilDecision | None] = relationship(
        foreign_keys=[recommendation_decision_id]
    )
    events: Mapped[list[ReactionEvent]] = relationship(
        back_populates="reaction", order_by="ReactionEvent.id", cascade="all, delete-orphan"
    )
    # Who signed the improvement agreement: its document names them.
    director_signed_by = relationship("User", foreign_keys=[director_signed_by_id], viewonly=True)
    manager_signed_by = relationship("User", foreign_keys=[manager_signed_by_id], viewonly=True)
    # Who decided for the ministry: the order's letter names them.
    decided_by = relationship("User", foreign_keys=[decided_by_id], viewonly=True)

    @property
    def is_ordered(self) -> bool:
        """The ministry ordered the jobcentre to use other actors (the case may be closed since)."""
        return self.ordered_from is not None

    @property
    def concerns_integration(self) -> bool:
        return any(part.integration_effort for part in self.parts)

    def is_visible_to(self, user) -> bool:
        """The region's staff and director, the jobcentre, and the ministries once the case
        has come to them."""
        if user.role in (Role.REGION_STAFF, Role.REGIONAL_DIRECTOR):
            return user.organisation_id == self.region_id
        if user.role in JOBCENTRE_ROLES:
            return user.organisation_id == self.jobcentre_id
        reached = self.decided_at is not None or self.state in (
            ReactionState.AT_INTEGRATION_MINISTRY,
            ReactionState.AT_MINISTRY,
            ReactionState.ORDERED,
        )
        if user.role == Role.MINISTRY:  # its queue begins once the integration ministry agreed
            return reached and self.state != ReactionState.AT_INTEGRATION_MINISTRY
        if user.role == Role.INTEGRATION_MINISTRY:  # only what touches the integration effort
            return reached and self.concerns_integration
        return False


class ReactionEvent(Base):
    """One step of a case, by whom and when, with what was written."""

    __tablename__ = "reaction_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    reaction_id: Mapped[int] = mapped_column(ForeignKey("reactions.id"), index=True)
    step: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    text: Mapped[str] = mapped_column(Text, default="")

    reaction: Mapped[Reaction] = relationship(back_populates="events")
    actor = relationship("User", lazy="joined")


class VolumeReport(Base):
    """Under an order: how much of one part of the effort the jobcentre handled itself in a
    quarter, and how much through other actors outside the platform (its call-offs on the
    platform count by themselves)."""

    __tablename__ = "volume_reports"
    __table_args__ = (
        UniqueConstraint("reaction_id", "target_group_id", "period"),
        CheckConstraint("handled_itself >= 0 AND handled_by_others >= 0", name="not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reaction_id: Mapped[int] = mapped_column(ForeignKey("reactions.id"))
    target_group_id: Mapped[int] = mapped_column(ForeignKey("target_groups.id"))
    period: Mapped[str] = mapped_column(String(7))  # a quarter: 2026-Q3
    handled_itself: Mapped[int]
    handled_by_others: Mapped[int]  # outside the platform; call-offs are counted apart
    reported_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime)

    target_group: Mapped[TargetGroup] = relationship(lazy="joined")


class ReactionDecision(Base):
    """Every council decision ever linked to a decision to react: one use each, kept even when
    the content it approved changes or a ministry sends the case back."""

    __tablename__ = "reaction_decisions"

    decision_id: Mapped[int] = mapped_column(ForeignKey("council_decisions.id"), primary_key=True)
    reaction_id: Mapped[int] = mapped_column(ForeignKey("reactions.id"), index=True)
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime)


# Where this domain spends council decisions (the councils' register asks it).
def _spent_decisions(except_tender_id: int | None):
    """The council decisions linked to a decision to react (app.councils.uses asks)."""
    return select(ReactionDecision.decision_id)


uses.register_spender("followup", _spent_decisions)
