"""What NemLog-in sign-in keeps: the assertions already used, and the people it vouched for who
wait for a user of their own (a supplier's new colleague, public staff without a role yet)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.auth.models import User
from app.core.i18n import lazy_gettext as _l
from app.core.labels import LabelledEnum, labels
from app.db import Base, UTCDateTime, state_column
from app.organisations.models import Organisation


class SeenAssertion(Base):
    """An assertion id the platform accepted once; the same id again is a replay.

    Kept until the assertion itself expires: after that, python3-saml refuses it anyway."""

    __tablename__ = "nemlogin_seen_assertions"

    assertion_id: Mapped[str] = mapped_column(String(256), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class ApplicantKind(LabelledEnum):
    COLLEAGUE = "colleague"  # joins a registered supplier; its users confirm
    ROLE = "role"  # public staff matched to an organisation; an administrator grants a role
    REGISTRATION = "registration"  # a CVR no supplier has: may register the company


labels(
    ApplicantKind,
    {
        ApplicantKind.COLLEAGUE: _l("Waiting for the supplier's users to confirm"),
        ApplicantKind.ROLE: _l("Waiting for a role"),
        ApplicantKind.REGISTRATION: _l("May register the company"),
    },
)


class ApplicantState(StrEnum):
    WAITING = "waiting"
    ADMITTED = "admitted"
    REFUSED = "refused"


class Applicant(Base):
    """A person NemLog-in signed in who has no user yet: no role, so no access to anything.

    The values are the assertion's, kept here on the server: a page never sends them back."""

    __tablename__ = "nemlogin_applicants"

    id: Mapped[int] = mapped_column(primary_key=True)
    nemlogin_uuid: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[ApplicantKind] = mapped_column(state_column(ApplicantKind, "applicant_kind", 20))
    state: Mapped[ApplicantState] = mapped_column(
        state_column(ApplicantState, "applicant_state", 20), default=ApplicantState.WAITING
    )
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    cvr: Mapped[str] = mapped_column(String(8))
    org_name: Mapped[str] = mapped_column(String(200))
    # The organisation the CVR matched (none for a registration).
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    organisation: Mapped[Organisation | None] = relationship()
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])

    def __str__(self) -> str:
        return self.name
