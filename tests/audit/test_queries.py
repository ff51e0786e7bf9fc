"""The administrators' search of the audit trail."""

from __future__ import annotations

from datetime import timedelta

from app import clock
from app.audit import services as audit
from app.audit.queries import EntrySearch, search_entries
from tests.conftest import user


def test_the_search_narrows_by_action_actor_object_and_period(db):
    actor = user(db, "jobcenter.odense@demo.dk")
    entry = audit.record(db, actor, "test.searched", actor, {})
    db.flush()
    now = clock.now()

    def found(**search):
        return db.scalars(search_entries(EntrySearch(**search), now)).all()

    assert entry in found(action="searched")
    assert entry in found(actor="JOBCENTER.ODENSE")
    assert entry in found(action="searched", object=f"{entry.object_type}:{actor.id}")
    assert entry not in found(action="searched", object=f"{entry.object_type}:{actor.id + 9999}")
    assert entry not in found(action="searched", actor="someone.else@")
    assert entry not in found(action="searched", start=now + timedelta(days=1))
    assert entry in found(action="searched", start=now - timedelta(days=1), end=now)
