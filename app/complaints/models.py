"""A complaint to the Complaints Board for Public Procurement against an award, and what the
board decided on it: suspensive effect, then the final ruling."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.roles import Role
from app.core.i18n import lazy_gettext as _l
from app.core.labels import LabelledEnum, labels
from app.db import Base, UTCDateTime, state_column
from app.evaluation.models import Award
from app.files.models import StoredFile
from app.tenders.models import Tender


class ComplaintState(LabelledEnum):
    RECEIVED = "received"  # the board has not yet decided on suspensive effect
    SUSPENSION_GRANTED = "suspension_granted"  # held until the final ruling
    SUSPENSION_REFUSED = "suspension_refused"
    UPHELD = "upheld"  # final ruling: the award stands
    ANNULLED = "annulled"  # final ruling: the award is annulled, the evaluation reopens
    INEFFECTIVE = "ineffective"  # final ruling: the agreements are declared ineffective

    @property
    def holds_conclusion(self) -> bool:
        """A complaint received within the standstill period in this state holds the
        conclusion of the agreements (until the decision on suspensive effect, and when it is
        granted, until the ruling)."""
        return self in (ComplaintState.RECEIVED, ComplaintState.SUSPENSION_GRANTED)

    @property
    def is_ruled(self) -> bool:
        return self in RULINGS


#: The board's final rulings.
RULINGS = (ComplaintState.UPHELD, ComplaintState.ANNULLED, ComplaintState.INEFFECTIVE)
#: The states in which a complaint received within the standstill holds the conclusion.
HOLDING = tuple(state for state in ComplaintState if state.holds_conclusion)

labels(
    ComplaintState,
    {
        ComplaintState.RECEIVED: _l("Received; awaits the board's decision on suspensive effect"),
        ComplaintState.SUSPENSION_GRANTED: _l("Suspensive effect granted; awaits the ruling"),
        ComplaintState.SUSPENSION_REFUSED: _l("Suspensive effect not granted; awaits the ruling"),
        ComplaintState.UPHELD: _l("Ruling: the award is upheld"),
        ComplaintState.ANNULLED: _l("Ruling: the award is annulled"),
        ComplaintState.INEFFECTIVE: _l("Ruling: the agreements are declared ineffective"),
    },
)


class Complaint(Base):
    __tablename__ = "complaints"
    __table_args__ = (UniqueConstraint("tender_id", "case_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id"), index=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("awards.id"), index=True)
    complainant: Mapped[str] = mapped_column(String(200))
    received_on: Mapped[date]
    case_number: Mapped[str] = mapped_column(String(40))  # the board's
    note: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[ComplaintState] = mapped_column(
        state_column(ComplaintState, "complaint_state", 20), default=ComplaintState.RECEIVED
    )
    suspension_decided_on: Mapped[date | None]
    ruled_on: Mapped[date | None]
    registered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime)

    tender: Mapped[Tender] = relationship(lazy="joined")
    award: Mapped[Award] = relationship(lazy="joined")
    registered_by = relationship("User")
    documents: Mapped[list[ComplaintDocument]] = relationship(
        order_by="ComplaintDocument.id", cascade="all, delete-orphan"
    )

    @property
    def received_in_standstill(self) -> bool:
        """Received by the last day of the award's standstill period (inclusive)."""
        ends = self.award.standstill_ends_on
        return ends is not None and self.received_on <= ends

    @property
    def holds_conclusion(self) -> bool:
        return self.received_in_standstill and self.state.holds_conclusion

    def is_visible_to(self, user) -> bool:
        """Region staff of the tender's (owning) region."""
        return user.role == Role.REGION_STAFF and user.organisation_id == self.tender.region_id


class ComplaintDocument(Base):
    """A document of the case: the complaint, the board's decisions, the parties' letters."""

    __tablename__ = "complaint_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"))

    file: Mapped[StoredFile] = relationship(lazy="joined")
