"""Jobcentre results: indicators per jobcentre and quarter imported by the regions, and each
region's thresholds for weak and good results."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, Hundredths, UTCDateTime, state_column
from app.i18n import lazy_gettext as _l
from app.organisations.models import Organisation
from app.targetgroups.models import TargetGroup


class Indicator(StrEnum):
    IN_WORK = "in_work"  # the share in work three months after an effort, in percent
    WEEKS_UNEMPLOYED = "weeks_unemployed"  # the average length of unemployment, in weeks

    @property
    def label(self) -> str:
        return str(INDICATOR_LABELS[self])

    @property
    def unit(self) -> str:
        return str(INDICATOR_UNITS[self])

    @property
    def higher_is_better(self) -> bool:
        return self == Indicator.IN_WORK


INDICATOR_LABELS = {
    Indicator.IN_WORK: _l("Share in work after an effort"),
    Indicator.WEEKS_UNEMPLOYED: _l("Average length of unemployment"),
}
INDICATOR_UNITS = {Indicator.IN_WORK: _l("%"), Indicator.WEEKS_UNEMPLOYED: _l("weeks")}


class Standing(StrEnum):
    """A jobcentre's latest result against its region's thresholds."""

    WEAK = "weak"
    USUAL = "usual"
    GOOD = "good"

    @property
    def label(self) -> str:
        return str(STANDING_LABELS[self])


STANDING_LABELS = {
    Standing.WEAK: _l("Weak: closer follow-up"),
    Standing.USUAL: _l("Usual follow-up"),
    Standing.GOOD: _l("Good: lighter follow-up"),
}


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
