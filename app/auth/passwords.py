"""Password hashing with Argon2id; cheap parameters only when the test suite asks for them."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_PASSWORD_LENGTH = 12

_STRONG = PasswordHasher()  # argon2-cffi's defaults follow RFC 9106's recommendation
_FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)

# Compared against when the e-mail is unknown, so both answers take the same time.
_DUMMY_HASH = _STRONG.hash("not a real password, only here to spend time")


_fast = False


def use_fast_hashing(fast: bool) -> None:
    """Only the test suite turns this on (PASSWORD_HASH_FAST); it never is by default."""
    global _fast
    _fast = fast


def _hasher() -> PasswordHasher:
    return _FAST if _fast else _STRONG


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher().verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False
