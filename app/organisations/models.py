"""Organisations, the councils of the regions, and the municipalities the jobcentres serve."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.roles import Role
from app.db import Base, state_column
from app.organisations.kinds import OrganisationKind


class Organisation(Base):
    __tablename__ = "organisations"
    __table_args__ = (
        # A jobcentre belongs to exactly one region; nothing else belongs to a region.
        CheckConstraint(
            "(kind = 'jobcentre') = (region_id IS NOT NULL)", name="jobcentre_has_region"
        ),
        UniqueConstraint("kind", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[OrganisationKind] = mapped_column(
        state_column(OrganisationKind, "organisation_kind"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    email: Mapped[str | None] = mapped_column(String(254))
    # A region's short code, used in tender references (RU-2026-NJ-001).
    code: Mapped[str | None] = mapped_column(String(4), unique=True)
    # The CVR number its staff sign in through NemLog-in with (public organisations).
    cvr: Mapped[str | None] = mapped_column(String(8), unique=True)
    active: Mapped[bool] = mapped_column(default=True)

    region: Mapped[Organisation | None] = relationship(
        remote_side=[id], back_populates="jobcentres"
    )
    jobcentres: Mapped[list[Organisation]] = relationship(
        back_populates="region", order_by="Organisation.name"
    )
    council: Mapped[Council | None] = relationship(
        back_populates="region", uselist=False, foreign_keys="Council.region_id"
    )
    municipalities: Mapped[list[Municipality]] = relationship(
        back_populates="jobcentre",
        foreign_keys="Municipality.jobcentre_id",
        order_by="Municipality.name",
    )

    def __str__(self) -> str:
        return self.name

    def is_visible_to(self, user) -> bool:
        """Nationals see every organisation; the others their own and what belongs to it."""
        if user.role in (Role.ADMIN, Role.MINISTRY, Role.INTEGRATION_MINISTRY):
            return True
        own = user.organisation
        if self.id == own.id:
            return True
        if own.kind == OrganisationKind.REGION:
            return self.region_id == own.id  # its jobcentres
        if own.kind == OrganisationKind.JOBCENTRE:
            return self.id == own.region_id  # its region
        return False


class Council(Base):
    """The regional employment council of a region; the regional director heads its secretariat."""

    __tablename__ = "councils"

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), unique=True)
    name: Mapped[str] = mapped_column(String(200))

    region: Mapped[Organisation] = relationship(back_populates="council")

    def is_visible_to(self, user) -> bool:
        """A region's people see their own council's register; the nationals see all four."""
        if user.role in (Role.ADMIN, Role.MINISTRY, Role.INTEGRATION_MINISTRY):
            return True
        return user.role in (Role.REGION_STAFF, Role.REGIONAL_DIRECTOR) and (
            user.organisation_id == self.region_id
        )


class Municipality(Base):
    """One of the 98 municipalities; its jobcentre and the employment region that covers it."""

    __tablename__ = "municipalities"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    administrative_region: Mapped[str] = mapped_column(String(100))
    employment_region_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    jobcentre_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    # The municipality's CVR number: its jobcentre's staff sign in through NemLog-in with it.
    cvr: Mapped[str | None] = mapped_column(String(8), unique=True)

    employment_region: Mapped[Organisation] = relationship(foreign_keys=[employment_region_id])
    jobcentre: Mapped[Organisation | None] = relationship(
        back_populates="municipalities", foreign_keys=[jobcentre_id]
    )
