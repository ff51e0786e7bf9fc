"""Placing an order and the audit chain's head (issue 22): on PostgreSQL an order's audit entry
is written unlinked, with a hash of its own, and linked into the chain after the commit, so an
order waits for no one holding the head; where the head is taken (SQLite, or a transaction
that holds it already) it is taken once, after all the order's other work. An unlinked entry
altered, or added without the key, is neither linked nor passed by verify."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import event, func, select, text, update
from sqlalchemy.orm import Session

from app.audit import chain
from app.audit import services as audit
from app.audit.models import AuditEntry
from app.auth.models import User
from app.calloffs import services
from app.calloffs.models import CallOff
from app.core import migrations
from app.db import make_engine
from app.evaluation.models import Agreement
from app.spend import totals
from tests.calloffs.conftest import framework, place
from tests.calloffs.test_concurrency import _nearly_full_lot, _order, _postgres
from tests.databases import database_beside


@pytest.fixture(scope="module")
def engine(app, tmp_path_factory):  # the app configures the audit chain's key
    """A database of the tests' own, with a connection for each client."""
    own_url = database_beside("calloff_head", tmp_path_factory.mktemp("head"))
    migrations.upgrade(own_url)
    engine = make_engine(own_url, pool_size=20)
    yield engine
    engine.dispose()


def _statements_of(db, act) -> list[str]:
    engine = db.get_bind().engine
    seen: list[str] = []

    def keep(_conn, _cursor, statement, *_rest):
        seen.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", keep)
    try:
        act()
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    return seen


def _reads_head(statement: str) -> bool:
    return statement.startswith("SELECT") and "FROM audit_chain_head" in statement


def test_placing_an_order_takes_the_chain_head_at_most_once_and_last(db):
    lot = framework(db)
    placed = []
    seen = _statements_of(db, lambda: placed.append(place(db, lot)))
    heads = [i for i, statement in enumerate(seen) if _reads_head(statement)]
    entry = db.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "calloff.placed", AuditEntry.object_id == placed[0].id
        )
    ).one()
    if chain.links_after_commit(db):  # PostgreSQL: linked after the commit, no head taken
        assert heads == [] and entry.seq is None
        assert chain.verify(db).intact and chain.verify(db).unlinked == 1
        return
    assert len(heads) == 1  # once, though both the summary rows and the audit entry need it
    after = seen[heads[0] + 1 :]
    assert after and all(
        s.startswith(("INSERT INTO spend_", "INSERT INTO audit_entries", "UPDATE audit_chain_head"))
        for s in after
    ), after  # nothing but the summary rows and the audit entry once the head is held
    assert entry.seq is not None and chain.verify(db).intact


def test_a_transaction_that_holds_the_head_links_its_order_at_once(db, admin):
    audit.record(db, admin, "test.before")  # takes the head
    assert not audit.link_after_commit(db)
    order = place(db, framework(db))
    entry = db.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "calloff.placed", AuditEntry.object_id == order.id
        )
    ).one()
    assert entry.seq is not None and chain.verify(db).intact


def _waiting_entry(db, admin) -> AuditEntry:
    if not audit.link_after_commit(db):
        pytest.skip("entries are linked after the commit on PostgreSQL only")
    entry = audit.record(db, admin, "test.waiting", admin, {"a": 1})
    assert entry.seq is None and entry.chain_hash == chain.unlinked_mac(entry)
    return entry


@pytest.mark.postgres_only
def test_an_unlinked_entry_altered_while_it_waits_is_not_linked_and_is_reported(db, admin):
    entry = _waiting_entry(db, admin)
    verdict = chain.verify(db)
    assert verdict.intact and verdict.unlinked == 1
    db.execute(update(AuditEntry).where(AuditEntry.id == entry.id).values(changes={"a": 2}))
    db.expire_all()
    verdict = chain.verify(db)
    assert not verdict.intact
    assert verdict.reason == "an entry waiting to be linked does not match its hash"
    assert chain.link_unlinked(db) == 0
    assert db.scalar(select(AuditEntry.seq).where(AuditEntry.id == entry.id)) is None


@pytest.mark.postgres_only
def test_an_unlinked_entry_added_without_the_key_is_not_linked_and_is_reported(db, admin):
    _waiting_entry(db, admin)
    forged = AuditEntry(
        occurred_at=datetime(2026, 12, 1, tzinfo=UTC),
        action="user.role_changed",
        object_type="users",
        object_id=admin.id,
        changes={"role": ["jobcentre_staff", "admin"]},
        chain_hash="0" * 64,
    )
    db.add(forged)
    db.flush()
    assert not chain.verify(db).intact
    assert chain.link_unlinked(db) == 1  # the genuine one, not the forgery
    assert db.scalar(select(AuditEntry.seq).where(AuditEntry.id == forged.id)) is None
    verdict = chain.verify(db)
    assert not verdict.intact and "waiting to be linked" in verdict.reason


@pytest.mark.postgres_only
def test_an_order_waits_for_no_one_holding_the_chain_head(engine):
    """While another transaction holds the head, an order is placed and committed (a lock
    wait would end it after 2 s); its entry waits, and is linked when the holder ends."""
    if not _postgres():
        pytest.skip("entries are linked after the commit on PostgreSQL only")
    race = _nearly_full_lot(engine, already=1)
    with Session(engine) as holder:
        chain.lock_head(holder)
        with Session(engine) as placing:
            placing.execute(text("SET LOCAL lock_timeout = '2s'"))
            actor = placing.get(User, race.jobcentre_user_id)
            agreement = placing.get(Agreement, race.agreement_id)
            order = services.place_order(placing, actor, agreement, _order(race, 1))
            placing.commit()
            order_id = order.id
        with Session(engine) as looking:
            waiting = looking.scalars(
                select(AuditEntry).where(
                    AuditEntry.action == "calloff.placed", AuditEntry.object_id == order_id
                )
            ).one()
            assert waiting.seq is None  # the linker found the head taken and left it
        holder.commit()  # the holder looks again after its end, and links what waits
    with Session(engine) as session:
        linked = session.scalar(
            select(AuditEntry.seq).where(
                AuditEntry.action == "calloff.placed", AuditEntry.object_id == order_id
            )
        )
        verdict = chain.verify(session)
    assert linked is not None and verdict.intact and verdict.unlinked == 0


@pytest.mark.postgres_only
def test_orders_at_once_on_many_lots_leave_one_unbroken_chain_and_exact_figures(engine):
    """Eight clients placing orders on lots of their own at once: every entry is linked, each
    in its own place, and the summary figures equal the orders."""
    if not _postgres():
        pytest.skip("entries are linked after the commit on PostgreSQL only")
    races = [_nearly_full_lot(engine, already=1) for _ in range(8)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(races))

    def client(race) -> None:
        try:
            with Session(engine) as session:
                actor = session.get(User, race.jobcentre_user_id)
                agreement = session.get(Agreement, race.agreement_id)
                session.commit()
                barrier.wait(timeout=30)
                for _ in range(5):
                    services.place_order(session, actor, agreement, _order(race, 1))
                    session.commit()
        except BaseException as err:  # a failure of the test
            errors.append(err)

    threads = [threading.Thread(target=client, args=(race,)) for race in races]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    with Session(engine) as session:
        verdict = chain.verify(session)
        seqs = session.scalars(
            select(AuditEntry.seq).where(AuditEntry.seq.is_not(None)).order_by(AuditEntry.seq)
        ).all()
        placed = session.scalar(
            select(func.count()).where(CallOff.lot_id.in_([race.lot_id for race in races]))
        )
        assert totals.differences(session) == []
    assert errors == []
    assert placed == 8 * 6
    assert verdict.intact and verdict.unlinked == 0
    assert seqs == list(range(1, len(seqs) + 1))
