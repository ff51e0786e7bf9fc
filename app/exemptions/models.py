"""An exemption from a lot or a whole tender, asked for by a jobcentre and decided by the region."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.roles import JOBCENTRE_ROLES, Role
from app.core.i18n import lazy_gettext as _l
from app.core.labels import LabelledEnum, labels
from app.db import Base, UTCDateTime, state_column
from app.organisations.models import Organisation
from app.tenders.models import Lot, Tender


class ExemptionState(LabelledEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"  # the jobcentre withdrew the request before the region decided


#: The region's decisions (each with a decision letter).
DECIDED_STATES = (ExemptionState.APPROVED, ExemptionState.REFUSED)


labels(
    ExemptionState,
    {
        ExemptionState.REQUESTED: _l("Requested, awaits the region"),
        ExemptionState.APPROVED: _l("Approved"),
        ExemptionState.REFUSED: _l("Refused"),
        ExemptionState.WITHDRAWN: _l("Withdrawn by the jobcentre"),
    },
)


class ExemptionReason(LabelledEnum):
    SPECIAL_NEEDS = "special_needs"
    CONTINUITY = "continuity"
    NO_CAPACITY = "no_capacity"
    LOCAL_OFFER = "local_offer"
    OTHER = "other"


labels(
    ExemptionReason,
    {
        ExemptionReason.SPECIAL_NEEDS: _l("The persons' special needs"),
        ExemptionReason.CONTINUITY: _l("Continuity of an effort already begun"),
        ExemptionReason.NO_CAPACITY: _l("The framework's suppliers cannot deliver"),
        ExemptionReason.LOCAL_OFFER: _l("A local offer the framework does not have"),
        ExemptionReason.OTHER: _l("Other special case"),
    },
)


class Exemption(Base):
    __tablename__ = "exemptions"
    __table_args__ = (
        CheckConstraint("starts_on <= ends_on", name="period_in_order"),
        Index("ix_exemptions_jobcentre_tender", "jobcentre_id", "tender_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    jobcentre_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id"), index=True)
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lots.id"))  # None: the whole tender
    reason: Mapped[ExemptionReason] = mapped_column(
        state_column(ExemptionReason, "exemption_reason", 20)
    )
    justification: Mapped[str] = mapped_column(Text)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    state: Mapped[ExemptionState] = mapped_column(
        state_column(ExemptionState, "exemption_state", 20), default=ExemptionState.REQUESTED
    )
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    jobcentre: Mapped[Organisation] = relationship(lazy="joined")
    tender: Mapped[Tender] = relationship(lazy="joined")
    lot: Mapped[Lot | None] = relationship(lazy="joined")
    requested_by = relationship("User", foreign_keys=[requested_by_id], lazy="joined")
    decided_by = relationship("User", foreign_keys=[decided_by_id])

    @property
    def reference(self) -> str:
        """The decision letter's reference: the framework's, the letter kind and the number."""
        return f"{self.tender.reference}/F/{self.id}"

    @property
    def is_decided(self) -> bool:
        """The region has decided (approved or refused): there is a decision letter."""
        return self.state in DECIDED_STATES

    @property
    def is_approved(self) -> bool:
        return self.state == ExemptionState.APPROVED

    def covers(self, lot: Lot, day: date) -> bool:
        """Whether this exemption, approved, lifts the duty for the lot on that day."""
        return (
            self.is_approved
            and self.tender_id == lot.tender_id
            and self.lot_id in (None, lot.id)
            and self.starts_on <= day <= self.ends_on
        )

    def is_visible_to(self, user) -> bool:
        """The jobcentre that asked, and region staff of the tender's region or the
        jobcentre's region."""
        if user.role in JOBCENTRE_ROLES:
            return self.jobcentre_id == user.organisation_id
        if user.role in (Role.REGION_STAFF, Role.REGIONAL_DIRECTOR):
            return user.organisation_id in (self.tender.region_id, self.jobcentre.region_id)
        return False
