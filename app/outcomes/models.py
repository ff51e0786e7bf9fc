"""Outcomes of call-off orders, recorded pseudonymously by the ordering jobcentre (how many
started, completed, and were in work or education 13 and 26 weeks after the course ended),
the files they came in, and each region's threshold of persons below which no effect is shown."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, UTCDateTime

#: Below this many persons, an effect is not shown (no person can be recognised, and chance
#: does not rank the suppliers); a region may set its own.
DEFAULT_THRESHOLD = 20


class OutcomeImport(Base):
    """One imported file of outcomes, kept with who imported it."""

    __tablename__ = "outcome_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    jobcentre_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    lines: Mapped[int]
    imported_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Outcome(Base):
    """An order's outcome: counts of persons, never who they are. The 13- and 26-week figures
    stay empty until that many weeks have passed since the course ended."""

    __tablename__ = "course_outcomes"
    __table_args__ = (
        CheckConstraint("completed <= started", name="completed_within_started"),
        CheckConstraint("in_work_13 IS NULL OR in_work_13 <= started", name="work_13_within"),
        CheckConstraint("in_work_26 IS NULL OR in_work_26 <= started", name="work_26_within"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_off_id: Mapped[int] = mapped_column(ForeignKey("call_offs.id"), unique=True)
    ended_on: Mapped[date]
    started: Mapped[int]
    completed: Mapped[int]
    in_work_13: Mapped[int | None]
    in_work_26: Mapped[int | None]
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("outcome_imports.id"))

    call_off = relationship("CallOff", lazy="joined")


class OutcomeThreshold(Base):
    """A region's threshold: effects resting on fewer persons are not shown."""

    __tablename__ = "outcome_thresholds"

    region_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    persons: Mapped[int]
    set_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime)
