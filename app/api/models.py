"""API tokens: a secret an organisation's system presents, bound to that organisation."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.auth.models import User
from app.core.i18n import lazy_gettext as _l
from app.core.labels import LabelledEnum, labels
from app.db import Base, UTCDateTime
from app.organisations.models import Organisation


class ApiScope(LabelledEnum):
    READ = "read"
    ORDER = "order"
    PURCHASES = "purchases"


SCOPE_LABELS = labels(
    ApiScope,
    {
        ApiScope.READ: _l("Read tenders, agreements, orders, spend and the inbox"),
        ApiScope.ORDER: _l("Place, cancel and follow call-offs"),
        ApiScope.PURCHASES: _l("Register outside purchases and upload ledger files"),
    },
)


class ApiToken(Base):
    """Only the SHA-256 of the secret is kept; the secret is shown once, when it is issued.

    Requests act as the token's own user (`user`): a member of the organisation with the usual
    role of its kind, so every service applies the same rules as to a person, and the audit
    trail names the token.
    """

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    # The first characters of the secret, shown so that people can tell their tokens apart.
    prefix: Mapped[str] = mapped_column(String(16))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scope_list: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    organisation: Mapped[Organisation] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])

    @property
    def scopes(self) -> frozenset[ApiScope]:
        return frozenset(ApiScope(s) for s in self.scope_list.split() if s)

    @scopes.setter
    def scopes(self, scopes) -> None:
        self.scope_list = " ".join(sorted(ApiScope(s).value for s in scopes))

    def is_usable_at(self, moment: datetime) -> bool:
        """Not revoked, not expired (at the second of expiry it no longer opens anything)."""
        return self.revoked_at is None and moment < self.expires_at

    @property
    def usable(self) -> bool:
        return self.is_usable_at(clock.now())

    @property
    def may_be_revoked(self) -> bool:
        return self.revoked_at is None

    def __str__(self) -> str:
        return self.name
