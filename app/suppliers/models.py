"""A supplier: the company behind a supplier organisation, with its profile and its state."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.auth.roles import Role
from app.core.i18n import lazy_gettext as _l
from app.core.labels import LabelledEnum, labels
from app.db import Base, UTCDateTime, state_column
from app.files.models import StoredFile
from app.organisations.models import Organisation
from app.targetgroups.models import TargetGroup


class SupplierState(LabelledEnum):
    UNCONFIRMED = "unconfirmed"  # registered; the e-mail address is not confirmed yet
    ACTIVE = "active"
    SUSPENDED = "suspended"


labels(
    SupplierState,
    {
        SupplierState.UNCONFIRMED: _l("Awaiting e-mail confirmation"),
        SupplierState.ACTIVE: _l("Active"),
        SupplierState.SUSPENDED: _l("Suspended"),
    },
)


supplier_target_groups = Table(
    "supplier_target_groups",
    Base.metadata,
    Column("supplier_id", ForeignKey("suppliers.id", ondelete="CASCADE"), primary_key=True),
    Column("target_group_id", ForeignKey("target_groups.id"), primary_key=True),
)

supplier_regions = Table(
    "supplier_regions",
    Base.metadata,
    Column("supplier_id", ForeignKey("suppliers.id", ondelete="CASCADE"), primary_key=True),
    Column("region_id", ForeignKey("organisations.id"), primary_key=True),
)


class Supplier(Base):
    __tablename__ = "suppliers"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), unique=True)
    cvr: Mapped[str] = mapped_column(String(8), unique=True)
    address: Mapped[str] = mapped_column(Text)
    contact_person: Mapped[str] = mapped_column(String(200))
    state: Mapped[SupplierState] = mapped_column(
        state_column(SupplierState, "supplier_state", 20), default=SupplierState.UNCONFIRMED
    )
    suspension_reason: Mapped[str] = mapped_column(Text, default="")
    suspended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the supplier last declared that no exclusion grounds apply to it.
    exclusion_declared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    target_groups: Mapped[list[TargetGroup]] = relationship(
        secondary=supplier_target_groups, order_by="TargetGroup.name"
    )
    regions: Mapped[list[Organisation]] = relationship(
        secondary=supplier_regions, order_by="Organisation.name"
    )
    documents: Mapped[list[SupplierDocument]] = relationship(
        order_by="SupplierDocument.id", cascade="all, delete-orphan"
    )

    @property
    def name(self) -> str:
        return self.organisation.name

    @property
    def is_active(self) -> bool:
        return self.state == SupplierState.ACTIVE

    @property
    def is_suspended(self) -> bool:
        return self.state == SupplierState.SUSPENDED

    @property
    def may_bid(self) -> bool:
        return self.state == SupplierState.ACTIVE

    def is_visible_to(self, user) -> bool:
        if user.role in (Role.ADMIN, Role.REGION_STAFF):
            return True
        return user.role == Role.SUPPLIER and user.organisation_id == self.organisation_id


class SupplierDocument(Base):
    __tablename__ = "supplier_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"), index=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"))

    file: Mapped[StoredFile] = relationship(lazy="joined")
