"""Writing to the audit trail, inside the caller's transaction or in one of its own."""

from __future__ import annotations

import json
from typing import Any

from flask import g, has_request_context, request
from sqlalchemy.orm import Session

from app import clock
from app.audit import chain
from app.audit.models import AuditEntry
from app.db import db, write_intent


def _request_details() -> tuple[str | None, str | None]:
    if not has_request_context():
        return None, None
    return getattr(g, "request_id", None), request.remote_addr


def _unproxied(value: Any) -> Any:
    """current_user is a proxy; the audit trail wants the user behind it."""
    getter = getattr(value, "_get_current_object", None)
    return getter() if getter is not None else value


def _entry(actor: Any, action: str, obj: Any, changes: dict | None) -> AuditEntry:
    request_id, remote_addr = _request_details()
    actor, obj = _unproxied(actor), _unproxied(obj)
    if changes is not None:
        # What is stored is exactly what is hashed: plain JSON, no Decimals or dates.
        changes = json.loads(json.dumps(changes, default=str))
    return AuditEntry(
        occurred_at=clock.now(),
        actor_id=getattr(actor, "id", None),
        actor_organisation_id=getattr(actor, "organisation_id", None),
        action=action,
        object_type=type(obj).__tablename__ if obj is not None else None,
        object_id=getattr(obj, "id", None),
        changes=changes,
        request_id=request_id,
        remote_addr=remote_addr,
    )


def record(
    session: Session,
    actor: Any,
    action: str,
    obj: Any = None,
    changes: dict | None = None,
    sealed_by: Any = None,
    anonymous: bool = False,
) -> AuditEntry:
    """Append an entry in the caller's transaction: it stands or falls with the change.

    `sealed_by` (a tender) hides the entry from every page until that tender's deadline.
    """
    if obj is not None and getattr(obj, "id", None) is None:
        session.flush()
    entry = _entry(actor, action, obj, changes)
    if anonymous:
        entry.request_id = entry.remote_addr = None
    if sealed_by is not None:
        entry.sealed_by_tender_id = sealed_by.id
    return chain.append(session, entry)


def link_after_commit(session: Session) -> bool:
    """The transaction's audit entries are written unlinked and linked into the chain after
    its commit, in a short transaction of their own (`chain.link_after_commit`): for a write
    that must not queue behind every other audited write (placing an order)."""
    return chain.link_after_commit(session)


def record_security_event(
    actor: Any, action: str, obj: Any = None, changes: dict | None = None, sealed_by: Any = None
) -> None:
    """Append an entry in a transaction of its own, so that the request's rollback keeps it.

    The request is being refused, so its own transaction is rolled back first: on SQLite a
    second writer would otherwise wait for the first.
    """
    entry = _entry(actor, action, obj, changes)  # read the actor before the rollback expires it
    if sealed_by is not None:
        entry.sealed_by_tender_id = sealed_by.id
    db.session.rollback()
    with write_intent():
        session = db.new_session()
        try:
            chain.append(session, entry)
            session.commit()
        finally:
            session.close()


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """The values that changed, as {field: [old, new]}, for the `changes` column."""
    return {
        key: [_plain(before.get(key)), _plain(value)]
        for key, value in after.items()
        if before.get(key) != value
    }


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str | list):
        return value
    return str(value)
