"""Failed logins slow down, per account and per address, with the state kept in the database.

A rival who knows someone's e-mail can make that account wait, but never lock it: the wait is
capped (ACCOUNT_MAX_DELAY) and a successful login clears it. An address that guesses at many
accounts is slowed harder (ADDRESS_MAX_DELAY). Because the state is in the database, it holds
across several app servers.

E-mails that anyone may ask for without logging in (a password reset link, the confirmation link
again) are throttled the same way under their own scopes (`MAIL`): every request counts, so
nobody can fill a stranger's mailbox or probe the platform with them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from app import clock
from app.db import Base, UTCDateTime


class LoginThrottle(Base):
    __tablename__ = "login_throttles"
    __table_args__ = (UniqueConstraint("scope", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(10))  # "account" or "address"
    key: Mapped[str] = mapped_column(String(254))
    failures: Mapped[int] = mapped_column(default=0)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime)
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


@dataclass(frozen=True)
class Policy:
    free_failures: int
    base_delay: int  # seconds after the first failure beyond the free ones; doubles after each
    max_delay: int
    forget_after: timedelta = timedelta(hours=1)


ACCOUNT = Policy(free_failures=5, base_delay=2, max_delay=60)
ADDRESS = Policy(free_failures=20, base_delay=2, max_delay=300)
#: Requests for an e-mail link: three to an address come at once, then a minute's wait that
#: doubles up to an hour; an address of the network may ask for ten addresses before it waits.
MAIL_ACCOUNT = Policy(free_failures=3, base_delay=60, max_delay=3600)
MAIL_ADDRESS = Policy(free_failures=10, base_delay=2, max_delay=300)

LOGIN = "login"
MAIL = "mail"
_PREFIX = {LOGIN: "", MAIL: "m:"}
_POLICIES = {
    "account": ACCOUNT,
    "address": ADDRESS,
    "m:account": MAIL_ACCOUNT,
    "m:address": MAIL_ADDRESS,
}


def _policy(scope: str) -> Policy:
    return _POLICIES[scope]


def _keys(email: str, address: str | None, kind: str = LOGIN) -> list[tuple[str, str]]:
    prefix = _PREFIX[kind]
    keys = [(f"{prefix}account", email.strip().lower()[:254])]
    if address:
        keys.append((f"{prefix}address", address[:254]))
    return keys


def _rows(db: Session, keys: list[tuple[str, str]], lock: bool = False) -> dict:
    stmt = select(LoginThrottle).where(
        LoginThrottle.scope.in_([s for s, _ in keys]), LoginThrottle.key.in_([k for _, k in keys])
    )
    if lock:
        stmt = stmt.with_for_update()
    return {(row.scope, row.key): row for row in db.scalars(stmt)}


def seconds_to_wait(db: Session, email: str, address: str | None, kind: str = LOGIN) -> int:
    """How long this e-mail or address must still wait before the next attempt (0: none)."""
    now = clock.now()
    waits = [
        math.ceil((row.blocked_until - now).total_seconds())
        for row in _rows(db, _keys(email, address, kind)).values()
        if row.blocked_until and row.blocked_until > now
    ]
    return max(waits, default=0)


def record_failure(db: Session, email: str, address: str | None, kind: str = LOGIN) -> None:
    """A failed login (LOGIN), or a request for an e-mail link (MAIL): each one counts."""
    now = clock.now()
    keys = _keys(email, address, kind)
    rows = _rows(db, keys, lock=True)
    for scope, key in keys:
        policy = _policy(scope)
        row = rows.get((scope, key))
        if row is None:
            row = LoginThrottle(scope=scope, key=key, failures=0, last_failure_at=now)
            db.add(row)
        elif now - row.last_failure_at > policy.forget_after:
            row.failures = 0  # an old streak of failures is forgotten
        row.failures += 1
        row.last_failure_at = now
        beyond = row.failures - policy.free_failures
        if beyond > 0:
            delay = min(policy.base_delay * 2 ** (beyond - 1), policy.max_delay)
            row.blocked_until = now + timedelta(seconds=delay)


def record_success(db: Session, email: str) -> None:
    """The right password clears the account's streak (not the address's: it may be shared)."""
    for row in _rows(db, _keys(email, None)).values():
        db.delete(row)
