"""A lot's use alert, sent once when its committed amount passes a share of its maximum; and
the summary figures the dashboards read, kept in the transaction of every change to an order."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, Money, UTCDateTime, state_column
from app.purchases.models import Classification

#: The shares of a lot's maximum (in percent) at which the owning region is told.
THRESHOLDS = (80, 100)


class LotAlert(Base):
    __tablename__ = "lot_alerts"
    __table_args__ = (
        UniqueConstraint("lot_id", "threshold"),  # once per threshold, whatever happens after
        CheckConstraint("threshold IN (80, 100)", name="known_threshold"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"))
    threshold: Mapped[int]
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)


class _Figures:
    """What a summary row keeps: the committed amount, the approved invoices, the orders."""

    committed: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    paid: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    orders: Mapped[int] = mapped_column(default=0)


class LotTotal(_Figures, Base):
    """A lot's running figures over all time; `orders` counts every order ever placed on it
    (and so numbers the next one)."""

    __tablename__ = "spend_lot_totals"

    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"), primary_key=True)


class JobcentreLotTotal(_Figures, Base):
    """A jobcentre's orders on one lot from one supplier, over all time."""

    __tablename__ = "spend_jobcentre_lot_totals"
    __table_args__ = (Index("ix_spend_jobcentre_lot_totals_supplier_id", "supplier_id"),)

    jobcentre_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"), primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"), primary_key=True)


class JobcentreMonth(_Figures, Base):
    """A jobcentre's orders placed in a Copenhagen month ('YYYY-MM')."""

    __tablename__ = "spend_jobcentre_months"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    jobcentre_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)


class GroupMonth(_Figures, Base):
    """A jobcentre's orders in a month under frameworks for one target group; an order of a
    framework for two groups counts under each."""

    __tablename__ = "spend_group_months"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    jobcentre_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    target_group_id: Mapped[int] = mapped_column(ForeignKey("target_groups.id"), primary_key=True)


class SupplierMonth(_Figures, Base):
    """A supplier's orders in a month from the jobcentres of one region."""

    __tablename__ = "spend_supplier_months"
    __table_args__ = (Index("ix_spend_supplier_months_supplier_id", "supplier_id"),)

    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"), primary_key=True)


class _Outside:
    """What a summary row of outside purchases keeps: their amount and number."""

    amount: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    purchases: Mapped[int] = mapped_column(default=0)


class OutsideMonth(_Outside, Base):
    """A jobcentre's outside purchases of one class dated in a month."""

    __tablename__ = "spend_outside_months"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    jobcentre_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    classification: Mapped[Classification] = mapped_column(
        state_column(Classification, "outside_month_classification", 20), primary_key=True
    )


class OutsideGroupMonth(_Outside, Base):
    """The outside purchases of one class for one target group by a region's jobcentres in a
    month."""

    __tablename__ = "spend_outside_group_months"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    target_group_id: Mapped[int] = mapped_column(ForeignKey("target_groups.id"), primary_key=True)
    classification: Mapped[Classification] = mapped_column(
        state_column(Classification, "outside_group_month_classification", 20), primary_key=True
    )
