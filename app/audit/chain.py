"""The HMAC chain over the audit trail: who can write to the database alone cannot rewrite it."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.models import AuditChainHead, AuditEntry
from app.i18n import gettext as _

HEAD_ID = 1

_key: bytes | None = None


def configure(key: str) -> None:
    """Set the HMAC key; it comes from the environment, never from the database."""
    global _key
    if not key:
        raise ValueError("the audit key must not be empty")
    _key = key.encode()


def _require_key() -> bytes:
    if _key is None:
        raise RuntimeError("the audit chain key is not configured (create_app sets it)")
    return _key


#: The entry's fields the chain protects, in the order they are serialized.
CHAINED = (
    "seq",
    "occurred_at",
    "actor_id",
    "actor_organisation_id",
    "action",
    "object_type",
    "object_id",
    "changes",
    "request_id",
    "remote_addr",
)
#: Added later, and serialized only when set: entries without it keep the hash they were given.
CHAINED_WHEN_SET = ("sealed_by_tender_id",)


def canonical(entry: AuditEntry) -> bytes:
    """The fields the chain protects, in one unambiguous serialization."""
    fields: list = [getattr(entry, name) for name in CHAINED]
    fields[CHAINED.index("occurred_at")] = entry.occurred_at.isoformat()
    for name in CHAINED_WHEN_SET:
        if getattr(entry, name, None) is not None:
            fields.append({name: getattr(entry, name)})
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), default=str).encode()


def link(previous_hash: str, entry: AuditEntry) -> str:
    return hmac.new(
        _require_key(), previous_hash.encode() + b"|" + canonical(entry), hashlib.sha256
    ).hexdigest()


def lock_head(db: Session) -> AuditChainHead:
    """The chain's head, locked until the transaction ends. Every writing transaction takes it
    (at its first audit entry); one that also changes shared rows (the summary figures) takes
    it before them, so that two transactions never hold one each and wait for the other."""
    return db.execute(
        select(AuditChainHead).where(AuditChainHead.id == HEAD_ID).with_for_update()
    ).scalar_one()


def append(db: Session, entry: AuditEntry) -> AuditEntry:
    """Give the entry its place in the chain, holding the head's lock until the transaction ends."""
    head = lock_head(db)
    entry.seq = head.last_seq + 1
    entry.chain_hash = link(head.last_hash, entry)
    head.last_seq, head.last_hash = entry.seq, entry.chain_hash
    db.add(entry)
    db.flush()
    return entry


@dataclass(frozen=True)
class Verdict:
    checked: int
    first_broken_seq: int | None
    reason: str = ""

    @property
    def intact(self) -> bool:
        return self.first_broken_seq is None


def _entries(db: Session) -> Iterator[AuditEntry]:
    stmt = select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=1000)
    yield from db.scalars(stmt)


def verify(db: Session) -> Verdict:
    """Walk the chain from the start; report the first entry whose link does not hold."""
    previous_hash, expected_seq, checked = "", 1, 0
    for entry in _entries(db):
        if entry.seq != expected_seq:
            return Verdict(checked, expected_seq, _("an entry is missing"))
        if not hmac.compare_digest(entry.chain_hash, link(previous_hash, entry)):
            return Verdict(checked, entry.seq, _("an entry does not match its hash"))
        previous_hash, expected_seq, checked = entry.chain_hash, expected_seq + 1, checked + 1
    head = db.get(AuditChainHead, HEAD_ID)
    if head is None or head.last_seq != checked or head.last_hash != previous_hash:
        return Verdict(checked, checked + 1, _("the chain's end was cut off or rewritten"))
    return Verdict(checked, None)
