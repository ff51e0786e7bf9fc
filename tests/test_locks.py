"""A row locked to serialize a check (app.db.lock_row) does not hold up the rows that refer to
it: on PostgreSQL the lock is FOR NO KEY UPDATE. An audit entry of the organisation's user,
written by a transaction that holds the audit chain's head, neither waits for the locker nor
deadlocks with it when the locker then wants the head (as a directory publication and a grant's
allocation in the same region did, each locking a row and then writing its audit entry)."""

from __future__ import annotations

import threading
import uuid

import pytest
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.auth.models import User
from app.auth.roles import Role
from app.db import lock_row, set_write_intent
from app.organisations.models import Organisation, OrganisationKind
from tests.calloffs.test_concurrency import _postgres, engine  # noqa: F401 - the race database


@pytest.mark.postgres_only
def test_a_locked_organisation_does_not_hold_up_an_audit_entry_of_its_user(engine):  # noqa: F811
    if not _postgres():
        pytest.skip("the row lock is PostgreSQL's; SQLite serializes every writer")
    tag = uuid.uuid4().hex[:8]
    with Session(engine) as session:
        region = Organisation(kind=OrganisationKind.REGION, name=f"Region {tag}", code=tag[:4])
        session.add(region)
        session.flush()
        staff = User(
            email=f"staff-{tag}@test.dk",
            name="Staff",
            role=Role.REGION_STAFF,
            organisation_id=region.id,
            password_hash="-",
        )
        session.add(staff)
        session.commit()
        region_id, staff_id = region.id, staff.id
    locked, written = threading.Event(), threading.Event()
    finished, errors = [], []

    def locker() -> None:
        with Session(engine) as session:
            try:
                set_write_intent(True)
                lock_row(session, Organisation, region_id)
                locked.set()
                written.wait(timeout=3)  # the writer writes meanwhile (or is stuck behind us)
                audit.record(session, None, "test.locker")  # now the chain's head
                session.commit()
                finished.append("locker")
            except BaseException as err:
                errors.append(err)

    def writer() -> None:
        with Session(engine) as session:
            try:
                set_write_intent(True)
                locked.wait(timeout=30)
                # The chain's head first, then an entry that refers to the locked organisation.
                audit.record(session, session.get(User, staff_id), "test.writer")
                session.commit()
                finished.append("writer")
            except BaseException as err:
                errors.append(err)
            finally:
                written.set()

    threads = [threading.Thread(target=locker), threading.Thread(target=writer)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert finished == ["writer", "locker"]
