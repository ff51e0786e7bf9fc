"""Council meetings with their documents, decisions, and annual contracts with their needs."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.core.i18n import format_date
from app.db import Base, UTCDateTime
from app.files.models import StoredFile
from app.organisations.models import Council


class CouncilMeeting(Base):
    __tablename__ = "council_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    held_on: Mapped[date]
    title: Mapped[str] = mapped_column(String(200))
    agenda: Mapped[str] = mapped_column(Text, default="")  # one agenda item per line
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    council: Mapped[Council] = relationship()
    documents: Mapped[list[MeetingDocument]] = relationship(
        order_by="MeetingDocument.id", cascade="all, delete-orphan"
    )
    decisions: Mapped[list[CouncilDecision]] = relationship(
        back_populates="meeting", order_by="CouncilDecision.id"
    )

    @property
    def agenda_items(self) -> list[str]:
        return [line.strip() for line in self.agenda.splitlines() if line.strip()]


class MeetingDocument(Base):
    __tablename__ = "meeting_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("council_meetings.id"), index=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"))

    file: Mapped[StoredFile] = relationship(lazy="joined")


class CouncilDecision(Base):
    __tablename__ = "council_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("council_meetings.id"), index=True)
    decided_on: Mapped[date]
    concerns: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    council: Mapped[Council] = relationship(lazy="joined")
    meeting: Mapped[CouncilMeeting | None] = relationship(back_populates="decisions")

    def __str__(self) -> str:
        return f"{format_date(self.decided_on)}: {self.concerns}"


class AnnualContract(Base):
    """The minister–council contract of one council and year, naming the needs for tenders."""

    __tablename__ = "annual_contracts"
    __table_args__ = (UniqueConstraint("council_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    year: Mapped[int]
    summary: Mapped[str] = mapped_column(Text, default="")

    council: Mapped[Council] = relationship(lazy="joined")
    needs: Mapped[list[ContractNeed]] = relationship(
        back_populates="contract", order_by="ContractNeed.id", cascade="all, delete-orphan"
    )


class ContractNeed(Base):
    __tablename__ = "contract_needs"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("annual_contracts.id"), index=True)
    description: Mapped[str] = mapped_column(Text)

    contract: Mapped[AnnualContract] = relationship(back_populates="needs", lazy="joined")

    def __str__(self) -> str:
        return f"{self.contract.council.name} {self.contract.year}: {self.description}"
