"""Signed, expiring tokens for links sent by e-mail (confirm an address, accept an invitation)."""

from __future__ import annotations

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from app import clock
from app.core.errors import DomainError
from app.core.i18n import gettext as _

THREE_DAYS = 3 * 24 * 3600

_secret: str | None = None


def configure(secret: str) -> None:
    global _secret
    _secret = secret


class _ClockSigner(TimestampSigner):
    """Stamps and ages links by the one clock, so a link expires when the platform says so."""

    def get_timestamp(self) -> int:
        return int(clock.now().timestamp())


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    if not _secret:
        raise RuntimeError("tokens are not configured (create_app sets the secret)")
    return URLSafeTimedSerializer(_secret, salt=f"rammeudbud-{purpose}", signer=_ClockSigner)


def make(purpose: str, user_id: int, email: str) -> str:
    return _serializer(purpose).dumps({"u": user_id, "e": email})


def read(purpose: str, token: str, max_age: int = THREE_DAYS) -> tuple[int, str]:
    """The user id and e-mail the token was made for; a clear error if it is bad or old."""
    try:
        data = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired:
        raise DomainError(_("The link has expired. Ask for a new one.")) from None
    except BadSignature:
        raise DomainError(_("The link is not valid.")) from None
    return int(data["u"]), str(data["e"])


def make_stamped(purpose: str, user_id: int, email: str, stamp: str) -> str:
    """A token that also carries a stamp of the user's present state (e.g. of the password):
    once that state changes, the token is spent (a single-use link)."""
    return _serializer(purpose).dumps({"u": user_id, "e": email, "s": stamp})


def read_stamped(purpose: str, token: str, max_age: int) -> tuple[int, str, str]:
    """The user id, e-mail and stamp `make_stamped` signed; a clear error if bad or old."""
    user_id, email = read(purpose, token, max_age)
    data = _serializer(purpose).loads(token, max_age=max_age)
    return user_id, email, str(data.get("s", ""))


def sign(purpose: str, value: str) -> str:
    """Any short value signed and stamped by the one clock (e.g. a SAML request id in a cookie)."""
    return _serializer(purpose).dumps(value)


def unsign(purpose: str, token: str, max_age: int) -> str | None:
    """The value `sign` signed, or None when the token is altered or older than max_age."""
    try:
        return str(_serializer(purpose).loads(token, max_age=max_age))
    except BadSignature:  # SignatureExpired is one
        return None
