"""A call-off order under a framework agreement, and what happened to it step by step."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.roles import JOBCENTRE_ROLES, Role
from app.core.i18n import lazy_gettext as _l
from app.core.labels import LabelledEnum, labels
from app.db import Base, Money, UTCDateTime, state_column
from app.evaluation.models import Agreement
from app.organisations.models import Organisation
from app.suppliers.models import Supplier
from app.tenders.models import Lot, Scope


class CallOffState(LabelledEnum):
    PLACED = "placed"  # the jobcentre has ordered; the supplier has not answered
    ACCEPTED = "accepted"
    DECLINED = "declined"  # by the supplier, with a reason
    DELIVERED = "delivered"
    INVOICED = "invoiced"  # the supplier's invoice awaits the jobcentre's approval
    PAID = "paid"  # the jobcentre approved the invoice
    CANCELLED = "cancelled"  # by the jobcentre, before delivery

    @property
    def counts_against_maximum(self) -> bool:
        return self not in RELEASED


STATE_LABELS = labels(
    CallOffState,
    {
        CallOffState.PLACED: _l("Placed, awaits the supplier"),
        CallOffState.ACCEPTED: _l("Accepted by the supplier"),
        CallOffState.DECLINED: _l("Declined by the supplier"),
        CallOffState.DELIVERED: _l("Delivered"),
        CallOffState.INVOICED: _l("Invoiced, awaits approval"),
        CallOffState.PAID: _l("Invoice approved"),
        CallOffState.CANCELLED: _l("Cancelled by the jobcentre"),
    },
)

#: Orders in these states no longer take up any of the lot's maximum.
RELEASED = (CallOffState.DECLINED, CallOffState.CANCELLED)


class CallOff(Base):
    __tablename__ = "call_offs"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("total = quantity * unit_price", name="total_is_quantity_times_price"),
        CheckConstraint("invoice_amount IS NULL OR invoice_amount > 0", name="invoice_positive"),
        # The committed amount of a lot is summed over its orders by state.
        Index("ix_call_offs_lot_state", "lot_id", "state"),
        Index("ix_call_offs_jobcentre_placed", "jobcentre_id", "placed_at"),
        Index("ix_call_offs_supplier_placed", "supplier_id", "placed_at"),
        # The order lists walk newest first by position (app.web.pagination.window).
        Index("ix_call_offs_placed_id", "placed_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"), index=True)
    # Copied from the agreement, so that a lot's and a supplier's orders are found by index.
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"))
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"))
    jobcentre_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    state: Mapped[CallOffState] = mapped_column(
        state_column(CallOffState, "call_off_state", 20), default=CallOffState.PLACED
    )
    # Pseudonymous: the jobcentre's own reference to the case, never a CPR number.
    case_reference: Mapped[str] = mapped_column(String(40))
    quantity: Mapped[int]
    unit_price: Mapped[Decimal] = mapped_column(Money)
    total: Mapped[Decimal] = mapped_column(Money)
    starts_on: Mapped[date]
    note: Mapped[str] = mapped_column(Text, default="")
    # Why a lower-ranked supplier was chosen under a cascade (or, freely, why this one).
    choice_reason: Mapped[str] = mapped_column(Text, default="")
    placed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    placed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The current invoice; a rejected one is kept in the order's events.
    invoice_amount: Mapped[Decimal | None] = mapped_column(Money)
    invoice_reference: Mapped[str] = mapped_column(String(60), default="")
    invoice_reason: Mapped[str] = mapped_column(Text, default="")
    invoiced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_reason: Mapped[str] = mapped_column(Text, default="")  # declined or cancelled: why
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    agreement: Mapped[Agreement] = relationship(lazy="joined")
    lot: Mapped[Lot] = relationship(lazy="joined")
    supplier: Mapped[Supplier] = relationship(lazy="joined")
    jobcentre: Mapped[Organisation] = relationship(lazy="joined")
    placed_by = relationship("User", foreign_keys=[placed_by_id])
    events: Mapped[list[CallOffEvent]] = relationship(
        back_populates="call_off", order_by="CallOffEvent.id", cascade="all, delete-orphan"
    )

    @property
    def committed_amount(self) -> Decimal:
        """What the order takes up of the lot's maximum (the invoice when it is higher)."""
        if not self.state.counts_against_maximum:
            return Decimal("0.00")
        return max(self.total, self.invoice_amount or Decimal("0.00"))

    def is_visible_to(self, user) -> bool:
        """The ordering jobcentre, the supplier, and the regions that answer for the order."""
        if user.role in JOBCENTRE_ROLES:
            return self.jobcentre_id == user.organisation_id
        if user.role == Role.SUPPLIER:
            return self.supplier.organisation_id == user.organisation_id
        if user.role in (Role.REGION_STAFF, Role.REGIONAL_DIRECTOR):
            tender = self.lot.tender
            return tender.region_id == user.organisation_id or (
                tender.scope == Scope.NATIONAL and self.jobcentre.region_id == user.organisation_id
            )
        return False


class CallOffStep(LabelledEnum):
    """What an event in an order's life was: each move, and a rejected invoice."""

    PLACED = "placed"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    DELIVERED = "delivered"
    INVOICED = "invoiced"
    INVOICE_REJECTED = "invoice_rejected"
    PAID = "paid"
    CANCELLED = "cancelled"


STEP_LABELS = labels(
    CallOffStep,
    {
        CallOffStep.PLACED: _l("Order placed"),
        CallOffStep.ACCEPTED: _l("Accepted"),
        CallOffStep.DECLINED: _l("Declined"),
        CallOffStep.DELIVERED: _l("Delivered"),
        CallOffStep.INVOICED: _l("Invoiced"),
        CallOffStep.INVOICE_REJECTED: _l("Invoice rejected"),
        CallOffStep.PAID: _l("Invoice approved"),
        CallOffStep.CANCELLED: _l("Cancelled"),
    },
)


class CallOffEvent(Base):
    """One step in an order's life: what, who, when, and why (with an invoice's amount)."""

    __tablename__ = "call_off_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_off_id: Mapped[int] = mapped_column(ForeignKey("call_offs.id"), index=True)
    step: Mapped[CallOffStep] = mapped_column(state_column(CallOffStep, "call_off_step", 20))
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # An invoice's amount, also when it was later rejected.
    amount: Mapped[Decimal | None] = mapped_column(Money)
    text: Mapped[str] = mapped_column(Text, default="")

    call_off: Mapped[CallOff] = relationship(back_populates="events")
    actor = relationship("User", lazy="joined")
