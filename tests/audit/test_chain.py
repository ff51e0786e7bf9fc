"""The audit trail is an HMAC chain that detects rewriting, deletion and forks."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text, update

from app.audit import chain
from app.audit import services as audit
from app.audit.models import AuditChainHead, AuditEntry
from app.auth.models import User
from app.organisations.models import Organisation
from app.tenders.models import Tender
from tests.databases import database_beside


def _tail(db, n=3):
    return db.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(n)).all()[::-1]


def test_the_demo_trail_is_intact(db):
    verdict = chain.verify(db)
    assert verdict.intact and verdict.checked > 100


def test_entries_are_numbered_without_gaps_and_linked(db, admin):
    first = audit.record(db, admin, "test.one", admin, {"a": 1})
    second = audit.record(db, admin, "test.two")
    assert second.seq == first.seq + 1
    assert second.chain_hash == chain.link(first.chain_hash, second)
    assert chain.verify(db).intact


def test_altering_an_entry_is_reported_at_that_entry(db, admin):
    target = audit.record(db, admin, "user.updated", admin, {"role": ["a", "b"]})
    audit.record(db, admin, "test.after")
    db.execute(
        update(AuditEntry).where(AuditEntry.id == target.id).values(changes={"role": ["a", "c"]})
    )
    db.expire_all()
    verdict = chain.verify(db)
    assert verdict.first_broken_seq == target.seq
    assert not verdict.intact


def _another(db, model, current):
    return db.scalars(select(model.id).where(model.id != current).order_by(model.id)).first()


#: For every field the chain protects, another value for it (from the entry and the database).
ALTERATIONS = {
    "seq": lambda db, e: e.seq + 1_000_000,
    "occurred_at": lambda db, e: e.occurred_at + timedelta(seconds=1),
    "actor_id": lambda db, e: _another(db, User, e.actor_id),
    "actor_organisation_id": lambda db, e: _another(db, Organisation, e.actor_organisation_id),
    "action": lambda db, e: "user.viewed",
    "object_type": lambda db, e: "organisations",
    "object_id": lambda db, e: e.object_id + 1,
    "changes": lambda db, e: {"role": ["a", "c"]},
    "request_id": lambda db, e: "another-request",
    "remote_addr": lambda db, e: "192.0.2.9",
    "sealed_by_tender_id": lambda db, e: _another(db, Tender, e.sealed_by_tender_id),
}


def test_the_alterations_below_cover_every_field_the_chain_protects():
    assert sorted(ALTERATIONS) == sorted(chain.CHAINED + chain.CHAINED_WHEN_SET)


def test_every_column_of_an_entry_is_chained_but_its_id_and_its_hash():
    """A column added to the trail must be chained too, or be named here as not chained."""
    columns = {column.name for column in AuditEntry.__table__.columns}
    assert columns - {"id", "chain_hash"} == set(chain.CHAINED + chain.CHAINED_WHEN_SET)


def test_the_serialization_of_an_entry_does_not_change():
    """Entries already written keep their hashes only while canonical() stays the same."""
    entry = AuditEntry(
        seq=7,
        occurred_at=datetime(2026, 11, 24, 10, 0, tzinfo=UTC),
        actor_id=3,
        actor_organisation_id=4,
        action="user.updated",
        object_type="users",
        object_id=3,
        changes={"role": ["a", "b"]},
        request_id="r-1",
        remote_addr="10.0.0.1",
    )
    plain = '[7,"2026-11-24T10:00:00+00:00",3,4,"user.updated","users",3,{"role":["a","b"]},'
    assert chain.canonical(entry) == (plain + '"r-1","10.0.0.1"]').encode()
    entry.sealed_by_tender_id = 9
    assert (
        chain.canonical(entry) == (plain + '"r-1","10.0.0.1",{"sealed_by_tender_id":9}]').encode()
    )


def _sealed_entry(db, admin) -> AuditEntry:
    """An entry about an object, with changes, sealed by a tender."""
    sealing = db.scalars(select(Tender).order_by(Tender.id)).first()
    return audit.record(db, admin, "user.updated", admin, {"role": ["a", "b"]}, sealing)


@pytest.mark.parametrize("field", sorted(ALTERATIONS))
def test_each_chained_field_is_part_of_what_is_hashed(db, admin, field):
    entry = _sealed_entry(db, admin)
    value = ALTERATIONS[field](db, entry)
    db.expunge(entry)  # altered in memory only
    before = chain.canonical(entry)
    setattr(entry, field, value)
    assert chain.canonical(entry) != before


@pytest.mark.parametrize("field", sorted(ALTERATIONS))
def test_altering_any_chained_field_alone_is_reported_at_that_entry(db, admin, field):
    """(The sequence number is guarded twice: a changed one is also out of order.)"""
    target = _sealed_entry(db, admin)
    audit.record(db, admin, "test.after")
    assert chain.verify(db).intact
    seq, value = target.seq, ALTERATIONS[field](db, target)
    assert value is not None and value != getattr(target, field)
    db.execute(update(AuditEntry).where(AuditEntry.id == target.id).values({field: value}))
    db.expire_all()
    verdict = chain.verify(db)
    assert not verdict.intact and verdict.first_broken_seq == seq


def test_recomputing_plain_hashes_after_an_alteration_does_not_hide_it(db, admin):
    """Someone with database access but not the key rewrites an entry and 'repairs' the chain."""
    target = audit.record(db, admin, "user.updated", admin, {"role": ["a", "b"]})
    audit.record(db, admin, "test.after.one")
    audit.record(db, admin, "test.after.two")
    db.execute(update(AuditEntry).where(AuditEntry.id == target.id).values(action="user.viewed"))
    db.expire_all()
    previous = db.scalars(select(AuditEntry).where(AuditEntry.seq == target.seq - 1)).one()
    last_hash = previous.chain_hash
    for entry in db.scalars(
        select(AuditEntry).where(AuditEntry.seq >= target.seq).order_by(AuditEntry.seq)
    ):
        plain = hashlib.sha256(last_hash.encode() + b"|" + chain.canonical(entry)).hexdigest()
        db.execute(update(AuditEntry).where(AuditEntry.id == entry.id).values(chain_hash=plain))
        last_hash = plain
    db.execute(update(AuditChainHead).values(last_hash=last_hash))
    db.expire_all()
    assert chain.verify(db).first_broken_seq == target.seq


def test_deleting_the_newest_entry_is_detected(db, admin):
    audit.record(db, admin, "test.one")
    newest = audit.record(db, admin, "test.two")
    db.execute(text("DELETE FROM audit_entries WHERE id = :id"), {"id": newest.id})
    db.expire_all()
    verdict = chain.verify(db)
    assert not verdict.intact and "cut off" in verdict.reason


def test_deleting_an_entry_in_the_middle_is_detected(db, admin):
    middle = audit.record(db, admin, "test.one")
    audit.record(db, admin, "test.two")
    middle_id, middle_seq = middle.id, middle.seq
    db.execute(text("DELETE FROM audit_entries WHERE id = :id"), {"id": middle_id})
    db.expire_all()
    verdict = chain.verify(db)
    assert verdict.first_broken_seq == middle_seq and "missing" in verdict.reason


def test_values_that_are_not_json_are_stored_as_hashed(db, admin):
    from decimal import Decimal

    entry = audit.record(db, admin, "test.money", admin, {"amount": Decimal("12.50")})
    db.expire_all()
    stored = db.get(AuditEntry, entry.id)
    assert stored.changes == {"amount": "12.50"}
    assert chain.verify(db).intact


def test_an_entry_about_a_sealed_bid_can_be_recorded_without_its_content(db, admin):
    entry = audit.record(db, None, "bid.received")
    assert entry.changes is None and entry.actor_id is None
    assert chain.verify(db).intact


def test_the_verify_command_reports_the_first_broken_entry(app, db, admin):
    target = audit.record(db, admin, "test.one")
    db.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "intact" in result.output
    db.execute(update(AuditEntry).where(AuditEntry.id == target.id).values(action="x"))
    db.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"BROKEN at entry {target.seq}" in result.output


def test_an_admin_browses_filters_and_verifies_the_trail(admin_client):
    html = admin_client.get("/admin/audit/?action=login").get_data(as_text=True)
    assert 'data-action="login.succeeded"' in html and 'data-action="user.created"' not in html
    assert "<td>Loggede ind</td>" in html  # the action in words, not its code
    html = admin_client.get("/admin/audit/?actor=admin@demo.dk&from=2000-01-01").get_data(
        as_text=True
    )
    assert 'data-action="login.succeeded"' in html
    html = admin_client.get("/admin/audit/verify").get_data(as_text=True)
    assert "Kæden er intakt" in html


def test_a_bad_filter_is_ignored_not_a_crash(admin_client):
    response = admin_client.get("/admin/audit/?from=not-a-date&object=users:abc")
    assert response.status_code == 200


@pytest.mark.postgres_only
def test_concurrent_appends_never_fork_the_chain(app):
    """Many writers at once on PostgreSQL: every entry gets its own place, the chain holds."""
    import os
    import threading

    from sqlalchemy.orm import Session

    from app.core import migrations
    from app.db import make_engine

    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip("concurrency is tested on PostgreSQL")
    own_url = database_beside("concurrency")
    migrations.upgrade(own_url)
    engine = make_engine(own_url)
    errors = []
    barrier = threading.Barrier(8)

    def writer(number: int) -> None:
        try:
            barrier.wait()
            for i in range(10):
                with Session(engine) as session:
                    audit.record(session, None, "test.concurrent", changes={"w": number, "i": i})
                    session.commit()
        except Exception as err:
            errors.append(err)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with Session(engine) as session:
        verdict = chain.verify(session)
        seqs = session.scalars(select(AuditEntry.seq).order_by(AuditEntry.seq)).all()
    engine.dispose()
    assert errors == []
    assert verdict.intact and verdict.checked == 80
    assert seqs == list(range(1, 81))


def test_filters_match_literally_and_bad_dates_are_reported(admin_client):
    html = admin_client.get("/admin/audit/?action=%25").get_data(as_text=True)
    assert "Ingen indførsler matcher søgningen" in html
    html = admin_client.get("/admin/audit/?action=login_").get_data(as_text=True)
    assert "Ingen indførsler matcher søgningen" in html  # "_" is no wildcard: no "login_"
    html = admin_client.get("/admin/audit/?from=garbage").get_data(as_text=True)
    assert "garbage er ikke en dato" in html


def test_an_object_number_beyond_any_id_finds_nothing(admin_client):
    digits = "9" * 400
    response = admin_client.get(f"/admin/audit/?object_type=users&object_id={digits}")
    assert response.status_code == 200
    assert "Ingen indførsler matcher søgningen" in response.get_data(as_text=True)
    response = admin_client.get(f"/admin/audit/?object=users:{digits}")
    assert "Ingen indførsler matcher søgningen" in response.get_data(as_text=True)
