"""Two transactions spending one council decision at once on PostgreSQL: a grant's allocation
and a publication of the specialist-knowledge directory, which share no other lock. The
decision's row lock (in uses.is_spent) lets exactly one spend it; without it, both do."""

from __future__ import annotations

import contextlib
import threading
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import clock
from app import db as app_db
from app.auth.models import User
from app.auth.roles import Role
from app.core.errors import DomainError
from app.councils import uses
from app.councils.models import CouncilDecision
from app.db import set_write_intent
from app.grants import services as grants
from app.grants.models import GrantKind, GrantProject
from app.knowledge import services as knowledge
from app.knowledge.models import SpecialistDirectory
from app.organisations.models import Council, Organisation, OrganisationKind
from tests.calloffs.test_concurrency import _postgres, engine  # noqa: F401 - the race database

#: How long the first to check waits for the other to check too (it never comes with the lock).
MEET = 2.0


def _setting(race_engine):
    """A region with its council, a grant with a project applied for, a directory entry not
    yet published, and one decision of the council that could approve either."""
    tag = uuid.uuid4().hex[:8]
    today = clock.today()
    with Session(race_engine) as session:
        region = Organisation(kind=OrganisationKind.REGION, name=f"Region {tag}", code=tag[:4])
        session.add(region)
        session.flush()
        council = Council(region_id=region.id, name=f"Rådet {tag}")
        jobcentre = Organisation(
            kind=OrganisationKind.JOBCENTRE, name=f"Jobcenter {tag}", region_id=region.id
        )
        session.add_all([council, jobcentre])
        session.flush()
        staff = User(
            email=f"staff-{tag}@test.dk",
            name="Staff",
            role=Role.REGION_STAFF,
            organisation_id=region.id,
            password_hash="-",
        )
        applicant = User(
            email=f"job-{tag}@test.dk",
            name="Jobcenter",
            role=Role.JOBCENTRE_STAFF,
            organisation_id=jobcentre.id,
            password_hash="-",
        )
        session.add_all([staff, applicant])
        session.flush()
        grant = grants.register_grant(
            session, staff, GrantKind.LABOUR_SHORTAGE, today.year, Decimal("100000.00")
        )
        project = grants.apply(
            session,
            applicant,
            grant,
            grants.ProjectInput(
                "Flaskehals",
                "Uddannelse",
                "Svejsere",
                Decimal("50000.00"),
                today,
                today + timedelta(days=60),
            ),
        )
        knowledge.add_entry(
            session, staff, knowledge.EntryInput("Autisme", "Videnscenter", "tlf. 70 00 00 00")
        )
        decision = CouncilDecision(
            council_id=council.id, decided_on=today, concerns="Bevilling", text="Ja."
        )
        session.add(decision)
        session.commit()
        return staff.id, project.id, decision.id


def _race(race_engine, monkeypatch):
    """Allocate and publish at once on the same decision; each waits after its check for the
    other to have checked too (with the lock, the other is still waiting for the row)."""
    staff_id, project_id, decision_id = _setting(race_engine)
    checked = threading.Barrier(2)
    check = uses.is_spent

    def check_then_meet(db, *args, **kwargs):
        spent = check(db, *args, **kwargs)
        with contextlib.suppress(threading.BrokenBarrierError):
            checked.wait(timeout=MEET)
        return spent

    monkeypatch.setattr(uses, "is_spent", check_then_meet)
    start = threading.Barrier(2)
    passed, refused, errors = [], [], []

    def spend(what: str) -> None:
        with Session(race_engine) as session:
            try:
                set_write_intent(False)
                actor = session.get(User, staff_id)
                decision = session.get(CouncilDecision, decision_id)
                project = session.get(GrantProject, project_id)
                session.commit()
                set_write_intent(True)
                start.wait(timeout=30)
                if what == "allocation":
                    grants.allocate(session, actor, project, Decimal("50000.00"), decision)
                else:
                    knowledge.publish(session, actor, decision)
                session.commit()
                passed.append(what)
            except DomainError as err:
                session.rollback()
                refused.append(str(err))
            except BaseException as err:
                errors.append(err)

    threads = [threading.Thread(target=spend, args=(w,)) for w in ("allocation", "publication")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    with Session(race_engine) as session:
        spent = session.scalar(
            select(func.count())
            .select_from(GrantProject)
            .where(GrantProject.decision_id == decision_id)
        ) + session.scalar(
            select(func.count())
            .select_from(SpecialistDirectory)
            .where(SpecialistDirectory.decision_id == decision_id)
        )
    return passed, refused, errors, spent


@pytest.mark.postgres_only
def test_two_uses_of_one_council_decision_at_once_spend_it_once(engine, monkeypatch):  # noqa: F811
    if not _postgres():
        pytest.skip("SQLite serializes every writer")
    passed, refused, errors, spent = _race(engine, monkeypatch)
    assert errors == []
    assert len(passed) == 1 and spent == 1
    assert refused == ["This council decision is already used for something else."]


@pytest.mark.postgres_only
def test_without_the_decisions_lock_both_spend_it(engine, monkeypatch):  # noqa: F811
    """The lock is what the test above measures: without it both find the decision unspent."""
    if not _postgres():
        pytest.skip("the row lock is PostgreSQL's; SQLite serializes every writer")
    lock_row = app_db.lock_row

    def all_but_decisions(session, model, object_id):
        if model is CouncilDecision:
            return session.get(model, object_id)
        return lock_row(session, model, object_id)

    monkeypatch.setattr(app_db, "lock_row", all_but_decisions)
    passed, refused, errors, spent = _race(engine, monkeypatch)
    assert errors == [] and refused == []
    assert sorted(passed) == ["allocation", "publication"] and spent == 2
