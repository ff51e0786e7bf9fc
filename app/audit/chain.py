"""The HMAC chain over the audit trail: who can write to the database alone cannot rewrite it.

What the database alone holds, a writer to it can also cut short: deleting the newest entries
and pointing the head at the new last one leaves a chain that verifies. Checkpoints close that
gap: signed with the key, they are shipped off the machine to a write-once log, and verifying
against them fails once the chain no longer reaches that far or has another entry there.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy import event, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, SessionTransaction

from app.audit.models import AuditChainHead, AuditEntry
from app.core.errors import DomainError
from app.core.i18n import gettext as _

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


#: Where a session keeps the head its transaction holds locked (in `Session.info`).
_HELD = "audit_chain_head_held"
#: Set in `Session.info` on a transaction whose entries are linked after its commit, and
#: whether it wrote any.
_LATER, _WRITTEN = "audit_links_after_commit", "audit_unlinked_written"
#: Marks the sessions that link (they look again themselves).
_LINKER = "audit_linker"

log = logging.getLogger(__name__)


def lock_head(db: Session) -> AuditChainHead:
    """The chain's head, locked until the transaction ends. Every writing transaction takes it
    (at its first audit entry) unless it links its entries after its commit; one that also
    changes shared rows (the summary figures) takes it before them, so that two transactions
    never hold one each and wait for the other.

    Taken once per transaction: once held, the head in the session is current (no one else may
    change it), so a second call sends no statement."""
    held = db.info.get(_HELD)
    if held is not None and held in db:  # (not if someone expunged it from the session)
        return held
    head = db.execute(
        select(AuditChainHead).where(AuditChainHead.id == HEAD_ID).with_for_update()
    ).scalar_one()
    db.info[_HELD] = head  # kept, too: the session's identity map holds its objects weakly
    return head


def link_after_commit(db: Session) -> bool:
    """From now on in this transaction, audit entries are written unlinked and linked after
    its commit, and the head is never locked in it (nor before the summary rows): a write that
    shares no row with others then waits for no one. On PostgreSQL; SQLite serializes its
    writers anyway. Not when the transaction holds the head already (it links as it goes).
    Returns whether the entries will be linked after the commit."""
    if db.info.get(_HELD) is not None or db.get_bind().dialect.name != "postgresql":
        return False
    db.info[_LATER] = True
    return True


def links_after_commit(db: Session) -> bool:
    """Whether the transaction's entries are linked after its commit (it takes no head)."""
    return bool(db.info.get(_LATER))


@event.listens_for(Session, "after_transaction_end")
def _released(session: Session, transaction: SessionTransaction) -> None:
    """A transaction's end (a savepoint's too: its rollback releases a lock taken in it) ends
    what the session knows of the lock; the next lock_head asks the database again. A flush's
    own inner transaction is neither and changes nothing."""
    if transaction.parent is None or transaction.nested:
        session.info.pop(_HELD, None)
    if transaction.parent is None:
        session.info.pop(_LATER, None)
        session.info.pop(_WRITTEN, None)


def unlinked_mac(entry: AuditEntry) -> str:
    """An unlinked entry's hash: HMAC over a tag and its fields (its seq empty). The linker
    links only entries that match it, so none can be added without the key; a link's message
    begins with a hash or "|", never with the tag."""
    return hmac.new(_require_key(), b"unlinked|" + canonical(entry), hashlib.sha256).hexdigest()


def append(db: Session, entry: AuditEntry) -> AuditEntry:
    """Give the entry its place in the chain, holding the head's lock until the transaction ends;
    or, in a transaction that links after its commit, write it unlinked (see link_unlinked)."""
    if db.info.get(_LATER):
        entry.seq = None
        entry.chain_hash = unlinked_mac(entry)
        db.add(entry)
        db.flush()
        db.info[_WRITTEN] = True
        return entry
    head = lock_head(db)
    entry.seq = head.last_seq + 1
    entry.chain_hash = link(head.last_hash, entry)
    head.last_seq, head.last_hash = entry.seq, entry.chain_hash
    db.add(entry)
    db.flush()
    return entry


def link_unlinked(db: Session) -> int:
    """Link every committed unlinked entry, in the order they were written, under the head's
    lock: a short transaction of its own (the caller commits). An entry whose hash does not
    match (altered or added without the key) is left unlinked, for verify to report. Returns
    how many were linked."""
    head = lock_head(db)
    waiting = db.scalars(
        select(AuditEntry).where(AuditEntry.seq.is_(None)).order_by(AuditEntry.id)
    ).all()
    linked = 0
    for entry in waiting:
        if not hmac.compare_digest(entry.chain_hash, unlinked_mac(entry)):
            continue
        entry.seq = head.last_seq + 1
        entry.chain_hash = link(head.last_hash, entry)
        head.last_seq, head.last_hash = entry.seq, entry.chain_hash
        linked += 1
    db.flush()
    return linked


def _link_waiting(bind) -> None:
    """Link what waits, in transactions of their own, for as long as something waits and the
    head is free. When another holds the head, leave it: every transaction that held the head
    looks again after it ends (so an entry committed while it held the head is not left)."""
    for _attempt in range(100):
        with Session(bind=bind, info={_LINKER: True}) as linking:
            if not unlinked_count(linking):  # a plain read: no lock, no commit to flush
                return
            held = linking.execute(
                select(AuditChainHead)
                .where(AuditChainHead.id == HEAD_ID)
                .with_for_update(skip_locked=True)
            ).scalar_one_or_none()
            if held is None:
                return
            linking.info[_HELD] = held
            linked = link_unlinked(linking)
            linking.commit()
            if not linked:  # only entries that do not hold wait: verify reports them
                return


def _after_the_end(session: Session) -> None:
    """After a transaction that wrote unlinked entries or held the head: link what waits. Should
    it fail, what was committed stands and its entries wait for the next linker (or
    `flask audit verify`, which links first)."""
    wrote, held = session.info.pop(_WRITTEN, None), session.info.get(_HELD) is not None
    if session.info.get(_LINKER) or not (wrote or held):
        return
    if session.get_bind().dialect.name != "postgresql":
        return
    try:
        _link_waiting(session.get_bind())
    except SQLAlchemyError:
        log.exception("linking the audit entries written unlinked failed; they wait")


@event.listens_for(Session, "after_commit")
def _link_after_commit(session: Session) -> None:
    _after_the_end(session)


@event.listens_for(Session, "after_rollback")
def _link_after_rollback(session: Session) -> None:
    # A holder of the head that rolled back leaves what others wrote meanwhile, too.
    _after_the_end(session)


@dataclass(frozen=True)
class Verdict:
    checked: int
    first_broken_seq: int | None
    reason: str = ""
    #: The checkpoints the chain was found to hold, and the furthest of them.
    checkpoints_held: int = 0
    furthest_checkpoint: int | None = None
    #: Entries written to be linked after their commit and not linked yet (their hashes hold).
    unlinked: int = 0

    @property
    def intact(self) -> bool:
        return self.first_broken_seq is None


def _entries(db: Session) -> Iterator[AuditEntry]:
    stmt = (
        select(AuditEntry)
        .where(AuditEntry.seq.is_not(None))
        .order_by(AuditEntry.seq)
        .execution_options(yield_per=1000)
    )
    yield from db.scalars(stmt)


def unlinked_count(db: Session) -> int:
    """How many entries wait to be linked."""
    return db.scalar(select(func.count()).where(AuditEntry.seq.is_(None)))


def _unlinked(db: Session) -> list[AuditEntry]:
    return list(
        db.scalars(select(AuditEntry).where(AuditEntry.seq.is_(None)).order_by(AuditEntry.id))
    )


def verify(db: Session, checkpoints: Iterable[Checkpoint] = ()) -> Verdict:
    """Walk the chain from the start; report the first entry whose link does not hold, or,
    given checkpoints, the first that the chain no longer holds (an entry there with another
    hash, or too few entries); then the entries waiting to be linked, whose own hashes must
    hold."""
    wanted: dict[int, set[str]] = {}
    for point in checkpoints:
        wanted.setdefault(point.seq, set()).add(point.chain_hash)
    previous_hash, expected_seq, checked = "", 1, 0
    for entry in _entries(db):
        if entry.seq != expected_seq:
            return Verdict(checked, expected_seq, _("an entry is missing"))
        if not hmac.compare_digest(entry.chain_hash, link(previous_hash, entry)):
            return Verdict(checked, entry.seq, _("an entry does not match its hash"))
        if any(expected != entry.chain_hash for expected in wanted.get(entry.seq, ())):
            return Verdict(
                checked,
                entry.seq,
                _("the entry no longer has the hash of the checkpoint: the chain was replaced"),
            )
        previous_hash, expected_seq, checked = entry.chain_hash, expected_seq + 1, checked + 1
    head = db.get(AuditChainHead, HEAD_ID)
    if head is None or head.last_seq != checked or head.last_hash != previous_hash:
        return Verdict(checked, checked + 1, _("the chain's end was cut off or rewritten"))
    furthest = max(wanted, default=None)
    if furthest is not None and furthest > checked:
        return Verdict(
            checked,
            checked + 1,
            _(
                "the chain ends at entry %(last)d, before the checkpoint at entry %(seq)d: "
                "its end was cut off",
                last=checked,
                seq=furthest,
            ),
        )
    waiting = _unlinked(db)
    if any(not hmac.compare_digest(e.chain_hash, unlinked_mac(e)) for e in waiting):
        return Verdict(
            checked, checked + 1, _("an entry waiting to be linked does not match its hash")
        )
    held = sum(len(hashes) for hashes in wanted.values())
    return Verdict(
        checked, None, checkpoints_held=held, furthest_checkpoint=furthest, unlinked=len(waiting)
    )


CHECKPOINT_TAG = "audit-checkpoint:v1"
_CHECKPOINT = re.compile(r"audit-checkpoint:v1:([1-9][0-9]{0,18}):([0-9a-f]{64}):([0-9a-f]{64})")
_ANYTHING_TAGGED = re.compile(r"audit-checkpoint:[\w:]*")


@dataclass(frozen=True)
class Checkpoint:
    """Where the chain ended at one moment: an entry's number and chain hash."""

    seq: int
    chain_hash: str

    @property
    def mac(self) -> str:
        """HMAC over the tag, the number and the hash with the audit key (a link's message
        never starts with the tag, so a checkpoint's MAC is never a link's)."""
        message = f"{CHECKPOINT_TAG}:{self.seq}:{self.chain_hash}".encode()
        return hmac.new(_require_key(), message, hashlib.sha256).hexdigest()

    def line(self) -> str:
        return f"{CHECKPOINT_TAG}:{self.seq}:{self.chain_hash}:{self.mac}"


def checkpoint(db: Session) -> Checkpoint:
    """A checkpoint of the chain's end: the head's entry, found where the head says, linked to
    the one before it and with none after it. Head and entries are read in one statement (one
    snapshot, while writers go on: the head is not locked)."""
    rows = db.execute(
        select(AuditChainHead, AuditEntry)
        .join(AuditEntry, AuditEntry.seq >= AuditChainHead.last_seq - 1)
        .where(AuditChainHead.id == HEAD_ID)
        .order_by(AuditEntry.seq.desc())
        .limit(3)  # the head's entry, the one before, and any beyond the head
    ).all()
    head = rows[0][0] if rows else db.get(AuditChainHead, HEAD_ID)
    if head is None or (head.last_seq == 0 and not rows):
        raise DomainError(_("The audit trail has no entries yet; there is nothing to checkpoint."))
    tail = {entry.seq: entry for _head, entry in rows}
    last, previous = tail.get(head.last_seq), tail.get(head.last_seq - 1)
    previous_hash = previous.chain_hash if previous is not None else ""
    holds = (
        last is not None
        and max(tail) == head.last_seq  # nothing beyond the head
        and last.chain_hash == head.last_hash
        and (previous is not None or head.last_seq == 1)
        and hmac.compare_digest(last.chain_hash, link(previous_hash, last))
    )
    if not holds:
        raise DomainError(
            _(
                "The chain's end does not hold at entry %(seq)d, so no checkpoint is given. "
                "Run `flask audit verify` and report it to security.",
                seq=head.last_seq,
            )
        )
    return Checkpoint(last.seq, last.chain_hash)


def read_checkpoints(text: str) -> list[Checkpoint]:
    """Every checkpoint in the text (one line, or a log with other lines between them).
    Refused when there is none, or one is malformed or not signed with this trail's key."""
    found = []
    for token in _ANYTHING_TAGGED.findall(text):
        match = _CHECKPOINT.fullmatch(token)
        if match is None:
            raise DomainError(_("%(text)s is not a checkpoint.", text=token[:200]))
        seq, chain_hash, mac = match.groups()
        point = Checkpoint(int(seq), chain_hash)
        if not hmac.compare_digest(mac, point.mac):
            raise DomainError(
                _(
                    "The checkpoint at entry %(seq)d is not signed with this audit trail's key: "
                    "it was altered or forged.",
                    seq=point.seq,
                )
            )
        found.append(point)
    if not found:
        raise DomainError(
            _("No checkpoint was found; a checkpoint begins with %(tag)s.", tag=CHECKPOINT_TAG)
        )
    return found
