"""Every model, imported once so that the metadata is complete (for Alembic and the tests)."""

from app.audit.models import AuditEntry
from app.auth.models import User
from app.db import Base
from app.organisations.models import Council, Municipality, Organisation

metadata = Base.metadata

__all__ = ["AuditEntry", "Council", "Municipality", "Organisation", "User", "metadata"]
