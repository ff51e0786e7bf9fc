"""Which audit entries may be shown now. An entry about a sealed bid is sealed by its tender
(`AuditEntry.sealed_by_tender_id`) and stays out of sight until the domain that sealed it says
it may be shown: the tenders domain registers that condition (at the end of its models module),
so the audit trail imports no domain."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import ColumnElement, false, or_

from app.audit.models import AuditEntry

#: Given a moment, a condition on AuditEntry true for the sealed entries that may be shown then.
ShownSealed = Callable[[datetime], ColumnElement[bool]]

_shown_sealed: ShownSealed | None = None


def register_shown_sealed(condition: ShownSealed) -> None:
    """Let the domain that seals entries say which of them may be shown at a moment."""
    global _shown_sealed
    _shown_sealed = condition


def shown_at(moment: datetime) -> ColumnElement[bool]:
    """A condition on AuditEntry: the entry is not sealed, or the sealer lets it be shown at the
    moment. Without a registered condition no sealed entry is shown."""
    sealed_shown = _shown_sealed(moment) if _shown_sealed is not None else false()
    return or_(AuditEntry.sealed_by_tender_id.is_(None), sealed_shown)
