"""A purchase made outside the platform, classified against the frameworks, and its import."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.roles import JOBCENTRE_ROLES, Role
from app.calloffs.models import CallOff
from app.core.i18n import lazy_gettext as _l
from app.core.labels import LabelledEnum, labels
from app.db import Base, Money, UTCDateTime, state_column
from app.exemptions.models import Exemption
from app.organisations.models import Organisation
from app.targetgroups.models import TargetGroup
from app.tenders.models import Lot


class Classification(LabelledEnum):
    NO_FRAMEWORK = "no_framework"  # no available lot covered the target group then
    EXEMPTED = "exempted"  # every lot that did was lifted by an approved exemption
    BREACH = "breach"  # an available lot covered it and no exemption applied


labels(
    Classification,
    {
        Classification.NO_FRAMEWORK: _l("No framework applied"),
        Classification.EXEMPTED: _l("Exempted"),
        Classification.BREACH: _l("Breach of the purchase obligation"),
    },
)


class FollowUp(LabelledEnum):
    OPEN = "open"  # not yet looked at by the region
    ACCEPTED = "accepted"  # the region accepts the reason given
    NEEDS_FOLLOW_UP = "needs_follow_up"


labels(
    FollowUp,
    {
        FollowUp.OPEN: _l("Awaits the region"),
        FollowUp.ACCEPTED: _l("Accepted by the region"),
        FollowUp.NEEDS_FOLLOW_UP: _l("Needs follow-up"),
    },
)


class Source(StrEnum):
    REGISTERED = "registered"
    IMPORTED = "imported"


#: The lots a breach should have used: kept, so that the breach explains itself later.
breached_lots = Table(
    "outside_purchase_lots",
    Base.metadata,
    Column("purchase_id", ForeignKey("outside_purchases.id", ondelete="CASCADE"), primary_key=True),
    Column("lot_id", ForeignKey("lots.id"), primary_key=True, index=True),
)


class PurchaseImport(Base):
    """One uploaded ledger file: who, when, what it held and what became of it."""

    __tablename__ = "purchase_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    jobcentre_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    filename: Mapped[str] = mapped_column(String(150))
    sha256: Mapped[str] = mapped_column(String(64))
    lines: Mapped[int]
    added: Mapped[int]
    already_known: Mapped[int]
    # Lines paying one of the jobcentre's call-offs: spend through a framework, not outside it
    # (each kept as a CallOffPayment with the order it paid).
    call_off_payments: Mapped[int] = mapped_column(default=0)
    imported_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime)

    jobcentre: Mapped[Organisation] = relationship(lazy="joined")
    imported_by = relationship("User", lazy="joined")

    def is_visible_to(self, user) -> bool:
        """The jobcentre and region staff of its region."""
        if user.role in JOBCENTRE_ROLES:
            return self.jobcentre_id == user.organisation_id
        if user.role in (Role.REGION_STAFF, Role.REGIONAL_DIRECTOR):
            return self.jobcentre.region_id == user.organisation_id
        return False


class OutsidePurchase(Base):
    __tablename__ = "outside_purchases"
    __table_args__ = (
        # Re-importing a line the jobcentre already has changes nothing.
        UniqueConstraint("jobcentre_id", "line_key"),
        Index("ix_outside_purchases_jobcentre_day", "jobcentre_id", "purchased_on"),
        Index("ix_outside_purchases_class", "classification", "follow_up"),
        # The list walks newest first by position (app.web.pagination.window).
        Index("ix_outside_purchases_day_id", "purchased_on", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    jobcentre_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    target_group_id: Mapped[int] = mapped_column(ForeignKey("target_groups.id"), index=True)
    supplier_name: Mapped[str] = mapped_column(String(200))
    supplier_cvr: Mapped[str] = mapped_column(String(8), index=True)
    amount: Mapped[Decimal] = mapped_column(Money)
    purchased_on: Mapped[date]
    description: Mapped[str] = mapped_column(Text, default="")
    voucher: Mapped[str] = mapped_column(String(40), default="")  # the ledger's voucher number
    classification: Mapped[Classification] = mapped_column(
        state_column(Classification, "purchase_classification", 20)
    )
    exemption_id: Mapped[int | None] = mapped_column(ForeignKey("exemptions.id"))
    breach_reason: Mapped[str] = mapped_column(Text, default="")
    follow_up: Mapped[FollowUp | None] = mapped_column(
        state_column(FollowUp, "breach_follow_up", 20)
    )
    follow_up_reason: Mapped[str] = mapped_column(Text, default="")
    followed_up_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    followed_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A framework supplier's CVR on a line that matches no call-off: someone should look.
    needs_review: Mapped[bool] = mapped_column(default=False)
    source: Mapped[Source] = mapped_column(state_column(Source, "purchase_source", 20))
    import_id: Mapped[int | None] = mapped_column(ForeignKey("purchase_imports.id"), index=True)
    line_key: Mapped[str | None] = mapped_column(String(64))
    registered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime)

    jobcentre: Mapped[Organisation] = relationship(lazy="joined")
    target_group: Mapped[TargetGroup] = relationship(lazy="joined")
    exemption: Mapped[Exemption | None] = relationship()
    lots: Mapped[list[Lot]] = relationship(secondary=breached_lots, order_by="Lot.id")
    registered_by = relationship("User", foreign_keys=[registered_by_id])

    @property
    def is_breach(self) -> bool:
        return self.classification == Classification.BREACH

    @property
    def lacks_breach_reason(self) -> bool:
        """A breach that came without its reason (an imported line): the jobcentre owes one."""
        return self.is_breach and not self.breach_reason

    def is_visible_to(self, user) -> bool:
        """The jobcentre itself, region staff of its region, and of a region whose framework
        the purchase breached."""
        if user.role in JOBCENTRE_ROLES:
            return self.jobcentre_id == user.organisation_id
        if user.role in (Role.REGION_STAFF, Role.REGIONAL_DIRECTOR):
            return self.jobcentre.region_id == user.organisation_id or any(
                lot.tender.region_id == user.organisation_id for lot in self.lots
            )
        return False


class CallOffPayment(Base):
    """A ledger line that paid one of the jobcentre's own call-offs, kept with the order it
    paid. It is spend through a framework, already counted by the order: no outside purchase,
    and in no figure of its own."""

    __tablename__ = "call_off_payments"
    __table_args__ = (
        # Re-importing the line changes nothing (the key is an outside purchase's, see line_key).
        UniqueConstraint("jobcentre_id", "line_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("purchase_imports.id"), index=True)
    jobcentre_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    call_off_id: Mapped[int] = mapped_column(ForeignKey("call_offs.id"), index=True)
    # The line as the ledger had it.
    paid_on: Mapped[date]
    target_group_id: Mapped[int] = mapped_column(ForeignKey("target_groups.id"))
    supplier_name: Mapped[str] = mapped_column(String(200))
    supplier_cvr: Mapped[str] = mapped_column(String(8))
    amount: Mapped[Decimal] = mapped_column(Money)
    description: Mapped[str] = mapped_column(Text, default="")
    voucher: Mapped[str] = mapped_column(String(40), default="")
    line_key: Mapped[str] = mapped_column(String(64))

    call_off: Mapped[CallOff] = relationship(lazy="joined")
    purchase_import: Mapped[PurchaseImport] = relationship()
