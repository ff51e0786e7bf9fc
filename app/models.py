"""Every model, imported once so that the metadata is complete (for Alembic and the tests)."""

from app.audit.models import AuditChainHead, AuditEntry
from app.auth.models import User
from app.auth.throttle import LoginThrottle
from app.db import Base
from app.notifications.models import Notification, OutboxMessage
from app.organisations.models import Council, Municipality, Organisation

metadata = Base.metadata

__all__ = [
    "AuditChainHead",
    "AuditEntry",
    "Council",
    "LoginThrottle",
    "Municipality",
    "Notification",
    "Organisation",
    "OutboxMessage",
    "User",
    "metadata",
]
