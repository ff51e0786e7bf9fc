"""One row per change, decision or security event; rows are only ever appended, in a chain."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.db import Base, UTCDateTime

UNLINKED = "seq IS NULL"


class AuditEntry(Base):
    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_object", "object_type", "object_id"),
        # The entries written to be linked after their commit (chain.link_unlinked finds them).
        Index(
            "ix_audit_entries_unlinked",
            "id",
            sqlite_where=text(UNLINKED),
            postgresql_where=text(UNLINKED),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Position in the chain: appends are serialized, so the sequence has no gaps or forks.
    # None while the entry waits to be linked after its transaction's commit (chain.py).
    seq: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    actor_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    action: Mapped[str] = mapped_column(String(80), index=True)
    object_type: Mapped[str | None] = mapped_column(String(60))
    object_id: Mapped[int | None]
    changes: Mapped[dict | None] = mapped_column(JSON)
    request_id: Mapped[str | None] = mapped_column(String(64))
    remote_addr: Mapped[str | None] = mapped_column(String(64))
    # HMAC-SHA256 over the previous entry's chain_hash and this entry's fields (while unlinked:
    # over a tag and the entry's fields, so that no one without the key can add one to link).
    chain_hash: Mapped[str] = mapped_column(String(64))
    # An entry about a sealed bid is hidden from every page until this tender's deadline.
    sealed_by_tender_id: Mapped[int | None] = mapped_column(ForeignKey("tenders.id"), index=True)

    actor = relationship("User", lazy="raise_on_sql", viewonly=True)


class AuditChainHead(Base):
    """The single row that says where the chain ends; locking it serializes appends."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    last_hash: Mapped[str] = mapped_column(String(64), default="")
