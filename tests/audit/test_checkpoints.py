"""Checkpoints kept outside the database show when the chain's end was cut off."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import delete, select, update

from app.audit import chain
from app.audit import services as audit
from app.audit.models import AuditChainHead, AuditEntry
from app.core.errors import DomainError
from tests.databases import database_beside


def _cut_off(db, count: int) -> int:
    """What someone with the database but not the key does: delete the newest entries and
    point the head at the new last one. Returns the number of the new last entry."""
    head = db.get(AuditChainHead, chain.HEAD_ID)
    new_last_seq = head.last_seq - count
    db.execute(delete(AuditEntry).where(AuditEntry.seq > new_last_seq))
    new_last = db.scalars(select(AuditEntry).where(AuditEntry.seq == new_last_seq)).one()
    db.execute(update(AuditChainHead).values(last_seq=new_last_seq, last_hash=new_last.chain_hash))
    db.expire_all()
    return new_last_seq


def _forged(line: str, **parts: str) -> str:
    tag, version, seq, chain_hash, mac = line.split(":")
    values = {"seq": seq, "chain_hash": chain_hash, "mac": mac, **parts}
    return ":".join([tag, version, values["seq"], values["chain_hash"], values["mac"]])


def test_a_checkpoint_is_one_signed_line_naming_the_chains_end(db, admin):
    last = audit.record(db, admin, "test.last")
    point = chain.checkpoint(db)
    assert (point.seq, point.chain_hash) == (last.seq, last.chain_hash)
    line = point.line()
    assert line == f"audit-checkpoint:v1:{last.seq}:{last.chain_hash}:{point.mac}"
    assert len(point.mac) == 64 and point.mac != last.chain_hash
    assert chain.read_checkpoints(line) == [point]


def test_the_chain_holds_a_checkpoint_of_its_current_end(db):
    point = chain.checkpoint(db)
    verdict = chain.verify(db, [point])
    assert verdict.intact
    assert (verdict.checkpoints_held, verdict.furthest_checkpoint) == (1, point.seq)


def test_an_older_checkpoint_still_holds_as_the_chain_grows(db, admin):
    point = chain.checkpoint(db)
    for number in range(3):
        audit.record(db, admin, "test.later", changes={"n": number})
    assert chain.verify(db, [point]).intact


def test_cutting_off_the_last_50_entries_passes_plain_verify_but_not_the_checkpoint(db):
    point = chain.checkpoint(db)
    new_last = _cut_off(db, 50)
    # The gap the checkpoints close: everything plain verify checks is in the database.
    assert chain.verify(db).intact
    verdict = chain.verify(db, [point])
    assert not verdict.intact
    assert verdict.first_broken_seq == new_last + 1 and verdict.checked == new_last
    assert verdict.reason == (
        f"the chain ends at entry {new_last}, before the checkpoint at entry {point.seq}: "
        "its end was cut off"
    )


def test_new_entries_after_the_cut_do_not_hide_it(db, admin):
    """The platform writes on from the rewritten head: the chain reaches the checkpoint's
    number again, but with other entries."""
    point = chain.checkpoint(db)
    _cut_off(db, 50)
    for number in range(60):
        audit.record(db, admin, "test.after.the.cut", changes={"n": number})
    assert chain.verify(db).intact
    verdict = chain.verify(db, [point])
    assert verdict.first_broken_seq == point.seq
    assert verdict.reason == (
        "the entry no longer has the hash of the checkpoint: the chain was replaced"
    )


def test_every_checkpoint_in_a_log_is_checked_not_only_the_newest(db):
    """A checkpoint taken after the cut is genuine; the one before it still tells."""
    before = chain.checkpoint(db).line()
    _cut_off(db, 50)
    after = chain.checkpoint(db).line()
    log = (
        f"Nov 24 10:55:01 app1 rammeudbud-audit: {before}\n"
        "Nov 24 10:57:12 app1 CRON[812]: (rammeudbud) CMD (backup)\n"
        f"Nov 24 11:00:01 app1 rammeudbud-audit: {after}\n"
    )
    points = chain.read_checkpoints(log)
    assert [p.line() for p in points] == [before, after]
    assert not chain.verify(db, points).intact
    assert chain.verify(db, points[1:]).intact


@pytest.mark.parametrize("part", ["seq", "chain_hash", "mac"])
def test_an_altered_checkpoint_is_refused(db, part):
    point = chain.checkpoint(db)
    altered = {
        "seq": str(point.seq - 50),
        "chain_hash": "0" * 64,
        "mac": "f" * 64,
    }
    line = _forged(point.line(), **{part: altered[part]})
    seq = point.seq - 50 if part == "seq" else point.seq
    with pytest.raises(DomainError) as refused:
        chain.read_checkpoints(line)
    assert str(refused.value) == (
        f"The checkpoint at entry {seq} is not signed with this audit trail's key: "
        "it was altered or forged."
    )


def test_a_checkpoint_signed_with_another_key_is_refused(db):
    line = chain.checkpoint(db).line()
    chain.configure("another key")
    try:
        with pytest.raises(DomainError, match="not signed with this audit trail's key"):
            chain.read_checkpoints(line)
    finally:
        chain.configure("test-audit-key")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "No checkpoint was found; a checkpoint begins with audit-checkpoint:v1."),
        ("1234:abc", "No checkpoint was found"),
        ("audit-checkpoint:v1:12:abc:def", "audit-checkpoint:v1:12:abc:def is not a checkpoint."),
        ("audit-checkpoint:v2:1:" + "a" * 64 + ":" + "b" * 64, "is not a checkpoint"),
    ],
)
def test_what_is_no_checkpoint_is_refused_with_the_reason(db, text, message):
    with pytest.raises(DomainError, match=re.escape(message)):
        chain.read_checkpoints(text)


def test_no_checkpoint_is_given_when_the_chains_end_does_not_hold(db, admin):
    newest = audit.record(db, admin, "test.newest")
    db.execute(delete(AuditEntry).where(AuditEntry.id == newest.id))
    db.expire_all()
    with pytest.raises(DomainError) as refused:
        chain.checkpoint(db)
    assert str(refused.value) == (
        f"The chain's end does not hold at entry {newest.seq}, so no checkpoint is given. "
        "Run `flask audit verify` and report it to security."
    )


def test_no_checkpoint_is_given_when_an_entry_lies_beyond_the_head(db, admin):
    before = audit.record(db, admin, "test.before")
    audit.record(db, admin, "test.newest")
    db.execute(update(AuditChainHead).values(last_seq=before.seq, last_hash=before.chain_hash))
    db.expire_all()
    with pytest.raises(DomainError, match="The chain's end does not hold"):
        chain.checkpoint(db)


def test_no_checkpoint_is_given_when_the_last_entry_was_rewritten(db, admin):
    newest = audit.record(db, admin, "test.newest")
    db.execute(update(AuditEntry).where(AuditEntry.id == newest.id).values(action="test.other"))
    db.expire_all()
    with pytest.raises(DomainError, match="The chain's end does not hold"):
        chain.checkpoint(db)


def test_an_empty_trail_has_no_checkpoint(db):
    db.execute(delete(AuditEntry))
    db.execute(update(AuditChainHead).values(last_seq=0, last_hash=""))
    db.expire_all()
    with pytest.raises(DomainError, match="no entries yet"):
        chain.checkpoint(db)


def test_the_commands_print_a_checkpoint_and_verify_against_it(app, db, tmp_path):
    runner = app.test_cli_runner()
    printed = runner.invoke(args=["audit", "checkpoint"])
    assert printed.exit_code == 0
    line = printed.output.strip()
    point = chain.read_checkpoints(line)[0]
    held = runner.invoke(args=["audit", "verify", "--checkpoint", line])
    assert held.exit_code == 0
    assert f"It holds 1 checkpoint(s), the furthest at entry {point.seq}." in held.output

    new_last = _cut_off(db, 50)
    db.commit()
    plain = runner.invoke(args=["audit", "verify"])
    assert plain.exit_code == 0 and "intact" in plain.output
    against = runner.invoke(args=["audit", "verify", "--checkpoint", line])
    assert against.exit_code == 1
    assert f"BROKEN at entry {new_last + 1}" in against.output
    log = tmp_path / "checkpoints.log"
    log.write_text(f"Nov 24 10:55:01 app1 rammeudbud-audit: {line}\n")
    from_file = runner.invoke(args=["audit", "verify", "--checkpoints", str(log)])
    assert from_file.exit_code == 1 and f"BROKEN at entry {new_last + 1}" in from_file.output


def test_the_verify_command_refuses_an_altered_checkpoint(app, db):
    line = chain.checkpoint(db).line()
    db.commit()
    altered = _forged(line, seq="1")
    result = app.test_cli_runner().invoke(args=["audit", "verify", "--checkpoint", altered])
    assert result.exit_code == 1
    assert "The checkpoint is refused: Kontrolpunktet ved indførsel 1 er ikke underskrevet" in (
        result.output
    )


def test_the_checkpoint_command_refuses_a_broken_end(app, db, admin):
    newest = audit.record(db, admin, "test.newest")
    db.execute(delete(AuditEntry).where(AuditEntry.id == newest.id))
    db.commit()
    result = app.test_cli_runner().invoke(args=["audit", "checkpoint"])
    assert result.exit_code == 1 and "audit-checkpoint:" not in result.output


def _verify_page(client, pasted):
    response = client.get("/admin/audit/verify", query_string={"checkpoints": pasted})
    return response.status_code, response.get_data(as_text=True)


def test_an_admin_verifies_the_chain_against_a_pasted_checkpoint(admin_client, db):
    point = chain.checkpoint(db)
    status, html = _verify_page(admin_client, f"Nov 24 10:55:01 app1 rammeudbud: {point.line()}")
    assert status == 200
    assert (
        "Kæden er intakt og holder alle de givne kontrolpunkter, det seneste ved indførsel "
        f"{point.seq}." in html
    )
    new_last = _cut_off(db, 50)
    db.commit()
    assert "Kæden er intakt: alle indførsler" in _verify_page(admin_client, "")[1]
    status, html = _verify_page(admin_client, point.line())
    assert status == 200
    assert f"Kæden er brudt (kæden slutter ved indførsel {new_last}, før kontrolpunktet" in html


def test_the_page_refuses_an_altered_checkpoint_and_gives_no_verdict(admin_client, db):
    altered = _forged(chain.checkpoint(db).line(), seq="1")
    status, html = _verify_page(admin_client, altered)
    assert status == 422
    assert "Kontrolpunktet ved indførsel 1 er ikke underskrevet med revisionssporets nøgle" in html
    assert 'data-testid="verdict"' not in html
    assert altered in html  # what was pasted stays in the field


@pytest.mark.postgres_only
def test_checkpoints_taken_while_others_write_always_hold(app):
    """Head and tail are read in one statement: a writer committing in between never makes
    the chain's end look broken, and every checkpoint taken verifies afterwards."""
    import os
    import threading

    from sqlalchemy.orm import Session

    from app.core import migrations
    from app.db import make_engine

    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip("concurrency is tested on PostgreSQL")
    own_url = database_beside("checkpoints")
    migrations.upgrade(own_url)
    engine = make_engine(own_url)
    with Session(engine) as session:
        audit.record(session, None, "test.first")
        session.commit()
    errors, points = [], []
    writing = threading.Event()
    writing.set()

    def writer(number: int) -> None:
        try:
            for i in range(25):
                with Session(engine) as session:
                    audit.record(session, None, "test.concurrent", changes={"w": number, "i": i})
                    session.commit()
        except Exception as err:
            errors.append(err)

    def checkpointer() -> None:
        try:
            while writing.is_set():
                with Session(engine) as session:
                    points.append(chain.checkpoint(session))
        except Exception as err:
            errors.append(err)

    writers = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    taker = threading.Thread(target=checkpointer)
    taker.start()
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join()
    writing.clear()
    taker.join()
    with Session(engine) as session:
        verdict = chain.verify(session, points)
    engine.dispose()
    assert errors == []
    assert len(points) > 1
    assert verdict.intact and verdict.checked == 101
