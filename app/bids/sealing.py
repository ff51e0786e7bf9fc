"""Encryption of bid content at rest, with a key kept outside the database.

Fernet (AES-128-CBC with HMAC-SHA256, from `cryptography`) both hides and authenticates: a
ciphertext changed in the database does not decrypt. Unsealing asks who reads and when: the
bidding supplier always, anyone else only once the tender's deadline has passed.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken

from app.core.errors import DomainError
from app.core.i18n import gettext as _

_fernet: Fernet | None = None


class SealBroken(DomainError):
    """The stored ciphertext no longer matches what was sealed."""


def configure(key: str) -> None:
    global _fernet
    _fernet = Fernet(key.encode() if isinstance(key, str) else key)


def _box() -> Fernet:
    if _fernet is None:
        raise RuntimeError("bid sealing is not configured (create_app sets the key)")
    return _fernet


def seal(plain: bytes) -> bytes:
    return _box().encrypt(plain)


def unseal(sealed: bytes) -> bytes:
    """Decrypt; the callers (services) decide first whether the reader may read."""
    try:
        return _box().decrypt(sealed)
    except InvalidToken:
        raise SealBroken(
            _("The sealed content does not decrypt: it was altered or the key is wrong.")
        ) from None


def new_key() -> str:
    return Fernet.generate_key().decode()
