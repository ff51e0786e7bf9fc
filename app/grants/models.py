"""A region's yearly state grants (against labour shortages; for an active effort at major
closures and lay-offs), the projects they finance, and what each project spends."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.roles import JOBCENTRE_ROLES, Role
from app.core.i18n import lazy_gettext as _l
from app.core.labels import LabelledEnum, labels
from app.councils import uses
from app.councils.models import CouncilDecision
from app.db import Base, Money, UTCDateTime, state_column
from app.organisations.models import Organisation


class GrantKind(LabelledEnum):
    LABOUR_SHORTAGE = "labour_shortage"  # flaskehalse
    MASS_LAYOFF = "mass_layoff"  # større virksomhedslukninger og afskedigelser


GRANT_KIND_LABELS = labels(
    GrantKind,
    {
        GrantKind.LABOUR_SHORTAGE: _l("Against labour shortages"),
        GrantKind.MASS_LAYOFF: _l("Major closures and lay-offs"),
    },
)


class Grant(Base):
    """What the state grants a region for one purpose in one year."""

    __tablename__ = "grants"
    __table_args__ = (
        UniqueConstraint("region_id", "kind", "year"),
        CheckConstraint("amount > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    kind: Mapped[GrantKind] = mapped_column(state_column(GrantKind, "grant_kind", 20))
    year: Mapped[int]
    amount: Mapped[Decimal] = mapped_column(Money)
    registered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime)

    region: Mapped[Organisation] = relationship()

    def is_visible_to(self, user) -> bool:
        """The region's staff and director, and the region's jobcentres (who apply)."""
        if user.role in (Role.REGION_STAFF, Role.REGIONAL_DIRECTOR):
            return user.organisation_id == self.region_id
        if user.role in JOBCENTRE_ROLES:
            return user.organisation.region_id == self.region_id
        return False


class ProjectState(LabelledEnum):
    APPLIED = "applied"
    ALLOCATED = "allocated"  # on a council decision, within the grant
    REFUSED = "refused"
    CLOSED = "closed"  # what it did not spend is released to the grant


PROJECT_STATE_LABELS = labels(
    ProjectState,
    {
        ProjectState.APPLIED: _l("Applied for"),
        ProjectState.ALLOCATED: _l("Allocated"),
        ProjectState.REFUSED: _l("Refused"),
        ProjectState.CLOSED: _l("Closed"),
    },
)


class GrantProject(Base):
    """A project applied for under a grant by a jobcentre of the region or the region itself."""

    __tablename__ = "grant_projects"
    __table_args__ = (
        CheckConstraint("requested > 0", name="requested_positive"),
        CheckConstraint("allocated IS NULL OR allocated > 0", name="allocated_positive"),
        CheckConstraint("ends_on >= starts_on", name="period_in_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("grants.id"), index=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    state: Mapped[ProjectState] = mapped_column(
        state_column(ProjectState, "grant_project_state", 20), default=ProjectState.APPLIED
    )
    title: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(Text)
    concerns: Mapped[str] = mapped_column(String(300))  # the target group or the company
    requested: Mapped[Decimal] = mapped_column(Money)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    applied_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime)
    allocated: Mapped[Decimal | None] = mapped_column(Money)
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("council_decisions.id"), unique=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_text: Mapped[str] = mapped_column(Text, default="")
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    grant: Mapped[Grant] = relationship(lazy="joined")
    applicant: Mapped[Organisation] = relationship(lazy="joined")
    decision: Mapped[CouncilDecision | None] = relationship()

    def is_visible_to(self, user) -> bool:
        """The grant's region, and the organisation that applied."""
        if user.role in (Role.REGION_STAFF, Role.REGIONAL_DIRECTOR):
            return user.organisation_id == self.grant.region_id
        return user.organisation_id == self.applicant_id


class ProjectSpend(Base):
    """An amount a project spent, as its applicant reported it."""

    __tablename__ = "grant_project_spend"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("grant_projects.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money)
    spent_on: Mapped[date]
    description: Mapped[str] = mapped_column(String(300))
    reported_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime)


# Where this domain spends council decisions (the councils' register asks it).
def _spent_decisions(except_tender_id: int | None):
    """The council decisions that allocated a grant to a project (app.councils.uses asks)."""
    return select(GrantProject.decision_id).where(GrantProject.decision_id.is_not(None))


uses.register_spender("grants", _spent_decisions)
