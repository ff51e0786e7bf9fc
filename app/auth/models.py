"""Users of the platform; each belongs to one organisation and has one role."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.auth.roles import Role
from app.db import Base, UTCDateTime, state_column
from app.organisations.models import Organisation, OrganisationKind


class User(UserMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(state_column(Role, "user_role"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    # Changes on logout, deactivation and password change, so an old session cookie stops working.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when the user proved the address (a link by e-mail) or an administrator vouched for it.
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The persistent professional UUID NemLog-in knows the person by (never a CPR number).
    nemlogin_uuid: Mapped[str | None] = mapped_column(String(100), unique=True)
    # An API token's own user (app.api): it never logs in and gets no e-mail.
    api_client: Mapped[bool] = mapped_column(default=False, server_default=false())

    organisation: Mapped[Organisation] = relationship(lazy="joined")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles

    @property
    def is_supplier_account(self) -> bool:
        """A supplier's own user: the supplier manages it (registration and invitations); an
        administrator may only deactivate it (the rule of auth.services' supplier accounts)."""
        return self.role == Role.SUPPLIER or self.organisation.kind == OrganisationKind.SUPPLIER

    def may_be_deactivated_by(self, actor: User) -> bool:
        """An active user, and not the actor itself (no one deactivates themselves)."""
        return self.active and self.id != actor.id

    def __str__(self) -> str:
        return self.name
