"""Reading the audit trail: the administrators' search."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, false, select
from sqlalchemy.orm import joinedload

from app.audit import sealed
from app.audit.models import AuditEntry
from app.auth.models import User
from app.web.pagination import MAX_ID, contains_pattern


@dataclass(frozen=True)
class EntrySearch:
    """What the trail is narrowed by; empty fields narrow nothing."""

    action: str | None = None  # a part of the action's name
    actor: str | None = None  # a part of the actor's e-mail
    object: str | None = None  # "type" or "type:id"
    start: datetime | None = None
    end: datetime | None = None


def search_entries(search: EntrySearch, now: datetime) -> Select:
    """The entries the search finds, newest first; those about sealed bids stay out of sight
    until their tender's deadline."""
    stmt = (
        select(AuditEntry)
        .options(joinedload(AuditEntry.actor))
        .where(sealed.shown_at(now))
        .order_by(AuditEntry.seq.desc())
    )
    if search.action:
        stmt = stmt.where(AuditEntry.action.like(contains_pattern(search.action), escape="\\"))
    if search.actor:
        stmt = stmt.join(User, AuditEntry.actor_id == User.id).where(
            User.email.like(contains_pattern(search.actor.lower()), escape="\\")
        )
    if search.object:
        object_type, _sep, object_id = search.object.partition(":")
        stmt = stmt.where(AuditEntry.object_type == object_type)
        if object_id.isdigit():
            # Beyond any id it matches nothing, and is never sent: it fits no integer column
            # (and Python refuses to read thousands of digits).
            fits = len(object_id) <= len(str(MAX_ID)) and int(object_id) <= MAX_ID
            stmt = stmt.where(AuditEntry.object_id == int(object_id) if fits else false())
    if search.start:
        stmt = stmt.where(AuditEntry.occurred_at >= search.start)
    if search.end:
        stmt = stmt.where(AuditEntry.occurred_at <= search.end)
    return stmt
