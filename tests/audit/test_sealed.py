"""The audit trail asks the domain that seals entries which of them may be shown (issue 18)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from app.audit import sealed
from app.audit.models import AuditEntry


def test_without_a_registered_condition_no_sealed_entry_is_shown(monkeypatch):
    monkeypatch.setattr(sealed, "_shown_sealed", None)
    condition = str(sealed.shown_at(datetime(2026, 1, 1, tzinfo=UTC)))
    assert condition == "audit_entries.sealed_by_tender_id IS NULL"


def test_the_tenders_register_when_their_sealed_entries_may_be_shown(app, db):
    assert sealed._shown_sealed is not None
    stmt = select(AuditEntry.seq).where(sealed.shown_at(datetime(2026, 1, 1, tzinfo=UTC)))
    assert "tenders" in str(stmt)
