"""Domain errors: what services raise when a rule says no."""

from __future__ import annotations


class DomainError(Exception):
    """A rule refused the action; the message is translated and safe to show the user.
    `field` names the input the refusal is about, where there is one (a form shows the message
    at that field: `Form.place_error`)."""

    def __init__(self, message: object, field: str | None = None) -> None:
        self.message = str(message)
        self.field = field
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


class NotAllowed(DomainError):
    """The actor's role or organisation may not do this."""


class NotFound(DomainError):
    """The object does not exist, or is not the actor's to see (the same answer for both)."""
