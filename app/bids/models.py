"""A supplier's bid on a tender: a sealed draft, and every submitted version, sealed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from app import clock
from app.core.i18n import lazy_gettext as _l
from app.core.labels import LabelledEnum, labels
from app.db import Base, UTCDateTime, state_column
from app.suppliers.models import Supplier
from app.tenders.models import Tender


class BidState(LabelledEnum):
    DRAFT = "draft"  # saved, never submitted
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"


labels(
    BidState,
    {
        BidState.DRAFT: _l("Draft (not submitted)"),
        BidState.SUBMITTED: _l("Submitted"),
        BidState.WITHDRAWN: _l("Withdrawn"),
    },
)


class Bid(Base):
    __tablename__ = "bids"
    __table_args__ = (UniqueConstraint("tender_id", "supplier_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id"), index=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"), index=True)
    state: Mapped[BidState] = mapped_column(
        state_column(BidState, "bid_state", 20), default=BidState.DRAFT
    )
    # The unsubmitted draft, sealed like everything else about the bid.
    sealed_draft: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    tender: Mapped[Tender] = relationship(lazy="joined")
    supplier: Mapped[Supplier] = relationship(lazy="joined")
    versions: Mapped[list[BidVersion]] = relationship(
        back_populates="bid", order_by="BidVersion.number", cascade="all, delete-orphan"
    )

    @property
    def is_withdrawn(self) -> bool:
        return self.state == BidState.WITHDRAWN

    @property
    def is_withdrawable(self) -> bool:
        """Only a submitted bid can be withdrawn (and only while bidding is open)."""
        return self.state == BidState.SUBMITTED

    @property
    def latest(self) -> BidVersion | None:
        return self.versions[-1] if self.versions else None

    @property
    def sealing_tender(self) -> Tender:
        """The tender whose deadline unseals this bid (and every audit entry about it)."""
        return self.tender

    def is_visible_to(self, user) -> bool:
        """Only the bidding supplier's users: the opening (a later issue) opens it to others."""
        return (
            user.role.value == "supplier" and user.organisation_id == self.supplier.organisation_id
        )


class BidVersion(Base):
    """One submission: received at an exact server time, fingerprinted, sealed."""

    __tablename__ = "bid_versions"
    __table_args__ = (UniqueConstraint("bid_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bid_id: Mapped[int] = mapped_column(ForeignKey("bids.id"), index=True)
    number: Mapped[int]
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # SHA-256 of the canonical content (attachments included, by their own SHA-256).
    fingerprint: Mapped[str] = mapped_column(String(64))
    sealed_content: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    bid: Mapped[Bid] = relationship(back_populates="versions")
