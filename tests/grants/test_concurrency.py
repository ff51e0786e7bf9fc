"""Two allocations at once on PostgreSQL, each fitting the grant alone but not together: the
grant's row lock lets exactly one through and the grant is never passed."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import clock
from app.auth.models import User
from app.auth.roles import Role
from app.core.errors import DomainError
from app.councils.models import CouncilDecision
from app.db import set_write_intent
from app.grants import services
from app.grants.models import GrantKind, GrantProject, ProjectState
from app.organisations.models import Council, Organisation, OrganisationKind
from tests.calloffs.test_concurrency import _postgres, engine  # noqa: F401 - the race database


def _setting(race_engine):
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
        grant = services.register_grant(
            session, staff, GrantKind.LABOUR_SHORTAGE, today.year, Decimal("100000.00")
        )
        projects, decisions = [], []
        for _ in range(2):
            projects.append(
                services.apply(
                    session,
                    applicant,
                    grant,
                    services.ProjectInput(
                        "Flaskehals",
                        "Uddannelse",
                        "Svejsere",
                        Decimal("70000.00"),
                        today,
                        today + timedelta(days=60),
                    ),
                )
            )
            decisions.append(
                CouncilDecision(
                    council_id=council.id, decided_on=today, concerns="Bevilling", text="Ja."
                )
            )
        session.add_all(decisions)
        session.commit()
        return grant.id, staff.id, [p.id for p in projects], [d.id for d in decisions]


def test_two_allocations_at_once_never_pass_the_grant(engine):  # noqa: F811
    if not _postgres():
        pytest.skip("SQLite serializes every writer")
    grant_id, staff_id, project_ids, decision_ids = _setting(engine)
    barrier = threading.Barrier(2)
    passed, refused, errors = [], [], []

    def allocate(index: int) -> None:
        with Session(engine) as session:
            try:
                set_write_intent(False)
                actor = session.get(User, staff_id)
                session.commit()
                set_write_intent(True)
                barrier.wait(timeout=30)
                services.allocate(
                    session,
                    actor,
                    session.get(GrantProject, project_ids[index]),
                    Decimal("70000.00"),
                    session.get(CouncilDecision, decision_ids[index]),
                )
                session.commit()
                passed.append(index)
            except DomainError as err:
                session.rollback()
                refused.append(str(err))
            except BaseException as err:
                errors.append(err)

    threads = [threading.Thread(target=allocate, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(passed) == 1 and len(refused) == 1
    assert "is beyond the grant" in refused[0]
    with Session(engine) as session:
        allocated = session.scalars(
            select(GrantProject.allocated).where(
                GrantProject.grant_id == grant_id, GrantProject.state == ProjectState.ALLOCATED
            )
        ).all()
    assert sum(allocated) == Decimal("70000.00")
