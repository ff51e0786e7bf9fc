"""A region's directory of specialist knowledge (published after its council decided), its
entries, and the jobcentres' requests with the region's answers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.councils import uses
from app.db import Base, UTCDateTime
from app.organisations.models import Organisation


class SpecialistDirectory(Base):
    """One publication of the region's directory on a council decision: the jobcentres see the
    entries added up to the latest publication."""

    __tablename__ = "specialist_directories"

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("council_decisions.id"), unique=True)
    published_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SpecialistEntry(Base):
    """Where jobcentres can reach knowledge of one area (a disability, a trade)."""

    __tablename__ = "specialist_entries"
    __table_args__ = (Index("ix_specialist_entries_region_area", "region_id", "area"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    area: Mapped[str] = mapped_column(String(200))
    provider: Mapped[str] = mapped_column(String(200))  # a supplier or a public body
    contact: Mapped[str] = mapped_column(String(300))
    conditions: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    region: Mapped[Organisation] = relationship()


class KnowledgeRequest(Base):
    """A jobcentre's request for help from an entry, and the region's answer."""

    __tablename__ = "knowledge_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("specialist_entries.id"), index=True)
    jobcentre_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    question: Mapped[str] = mapped_column(Text)
    asked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    entry: Mapped[SpecialistEntry] = relationship(lazy="joined")
    jobcentre: Mapped[Organisation] = relationship(lazy="joined")


# Where this domain spends council decisions (the councils' register asks it).
def _spent_decisions(except_tender_id: int | None):
    """The council decisions behind a publication of the directory (app.councils.uses asks)."""
    return select(SpecialistDirectory.decision_id)


uses.register_spender("knowledge", _spent_decisions)
