"""The grants' rules: registered once per region, purpose and year; applied for by the region's
jobcentres; allocated only on the council's own decision and never beyond the grant (to the
øre); spend reported within the allocation; closing releases what was not spent."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.core.errors import DomainError, NotAllowed
from app.councils.models import CouncilDecision
from app.grants import services
from app.grants.models import GrantKind, ProjectState
from app.grants.services import ProjectInput
from app.organisations.models import Organisation
from tests.conftest import user
from tests.tenders.conftest import NOW

TODAY = NOW.date()
SD_STAFF = "region.syddanmark@demo.dk"
ODENSE = "jobcenter.odense@demo.dk"


#: Last year's grants: the demo data holds this year's for every region.
YEAR = TODAY.year - 1
SPENT_ON = date(YEAR, 7, 1)


def grant(db, amount: str = "100000.00", year: int = YEAR, kind=GrantKind.MASS_LAYOFF):
    return services.register_grant(db, user(db, SD_STAFF), kind, year, Decimal(amount))


def project_input(**changes) -> ProjectInput:
    values = {
        "title": "Omstilling efter lukning",
        "purpose": "Hurtig hjælp til de afskedigede.",
        "concerns": "Fynsk Maskinfabrik A/S",
        "requested": Decimal("60000.00"),
        "starts_on": date(YEAR, 6, 1),
        "ends_on": date(YEAR, 12, 31),
    }
    return ProjectInput(**{**values, **changes})


def decision(db, code: str = "SD", decided_on: date = TODAY) -> CouncilDecision:
    region = db.scalar(select(Organisation).where(Organisation.code == code))
    found = CouncilDecision(
        council_id=region.council.id, decided_on=decided_on, concerns="Bevilling", text="Ja."
    )
    db.add(found)
    db.flush()
    return found


def test_a_grant_is_registered_once_per_region_purpose_and_year(db):
    grant(db)
    with pytest.raises(DomainError, match="registered already"):
        grant(db)
    grant(db, kind=GrantKind.LABOUR_SHORTAGE)
    with pytest.raises(NotAllowed):
        services.register_grant(db, user(db, ODENSE), GrantKind.MASS_LAYOFF, 2027, Decimal("1"))


def test_the_regions_jobcentres_apply_within_the_grants_year(db):
    found = grant(db)
    with pytest.raises(NotAllowed):
        services.apply(db, user(db, "jobcenter.aalborg@demo.dk"), found, project_input())
    with pytest.raises(DomainError, match="grant's year"):
        services.apply(
            db,
            user(db, ODENSE),
            found,
            project_input(starts_on=date(TODAY.year + 1, 1, 2), ends_on=date(TODAY.year + 1, 2, 1)),
        )
    with pytest.raises(DomainError, match="Write the title"):
        services.apply(db, user(db, ODENSE), found, project_input(title=" "))
    project = services.apply(db, user(db, ODENSE), found, project_input())
    assert project.state == ProjectState.APPLIED


def test_an_allocation_needs_the_councils_own_fresh_decision_used_for_nothing_else(db):
    found = grant(db)
    staff = user(db, SD_STAFF)
    project = services.apply(db, user(db, ODENSE), found, project_input())
    amount = Decimal("50000.00")
    with pytest.raises(DomainError, match="region's own council"):
        services.allocate(db, staff, project, amount, decision(db, "NJ"))
    with pytest.raises(DomainError, match="in the future"):
        services.allocate(db, staff, project, amount, decision(db, decided_on=TODAY + timedelta(1)))
    with pytest.raises(DomainError, match="older than what it approves"):
        services.allocate(db, staff, project, amount, decision(db, decided_on=TODAY - timedelta(1)))
    with pytest.raises(DomainError, match=re.escape("at most the 60.000,00 kr. applied for")):
        services.allocate(db, staff, project, Decimal("60000.01"), decision(db))
    used = decision(db)
    services.allocate(db, staff, project, amount, used)
    other = services.apply(db, user(db, ODENSE), found, project_input(requested=Decimal("1000")))
    with pytest.raises(DomainError, match="already used"):
        services.allocate(db, staff, other, Decimal("1000"), used)
    with pytest.raises(NotAllowed):
        services.allocate(db, user(db, ODENSE), other, Decimal("1000"), decision(db))


def test_the_sum_allocated_never_passes_the_grant_to_the_ore(db):
    found = grant(db, "100000.00")
    staff, odense = user(db, SD_STAFF), user(db, ODENSE)
    first = services.apply(db, odense, found, project_input())
    services.allocate(db, staff, first, Decimal("60000.00"), decision(db))
    second = services.apply(db, odense, found, project_input(requested=Decimal("50000.00")))
    with pytest.raises(DomainError, match=re.escape("40.000,00 kr. of 100.000,00 kr. is left")):
        services.allocate(db, staff, second, Decimal("40000.01"), decision(db))
    services.allocate(db, staff, second, Decimal("40000.00"), decision(db))
    assert services.figures(db, found).unallocated == Decimal("0.00")


def test_spend_stays_within_the_allocation_and_closing_releases_the_rest(db):
    found = grant(db, "100000.00")
    staff, odense = user(db, SD_STAFF), user(db, ODENSE)
    project = services.apply(db, odense, found, project_input())
    services.allocate(db, staff, project, Decimal("60000.00"), decision(db))
    with pytest.raises(NotAllowed):
        services.report_spend(
            db, user(db, "jobcenter.aalborg@demo.dk"), project, Decimal("1"), SPENT_ON, "X"
        )
    with pytest.raises(DomainError, match="within the project's period"):
        services.report_spend(db, odense, project, Decimal("1"), date(YEAR, 5, 31), "Kursus")
    services.report_spend(db, odense, project, Decimal("25000.00"), SPENT_ON, "Kursus")
    with pytest.raises(DomainError, match=re.escape("35.000,00 kr. of 60.000,00 kr. is left")):
        services.report_spend(db, odense, project, Decimal("35000.01"), SPENT_ON, "Mere")
    before = services.figures(db, found)
    assert (before.allocated, before.spent, before.unallocated) == (
        Decimal("60000.00"),
        Decimal("25000.00"),
        Decimal("40000.00"),
    )
    services.close(db, staff, project, "Projektet er slut.")
    after = services.figures(db, found)
    assert (after.allocated, after.released, after.unallocated) == (
        Decimal("0.00"),
        Decimal("35000.00"),
        Decimal("75000.00"),
    )
    with pytest.raises(DomainError, match="cannot be done while the project"):
        services.report_spend(db, odense, project, Decimal("1"), SPENT_ON, "Efter lukning")


def test_a_refusal_needs_a_reason_and_ends_the_application(db):
    found = grant(db)
    staff = user(db, SD_STAFF)
    project = services.apply(db, user(db, ODENSE), found, project_input())
    with pytest.raises(DomainError, match="Give a reason"):
        services.refuse(db, staff, project, "")
    services.refuse(db, staff, project, "Uden for formålet.")
    with pytest.raises(DomainError, match="cannot be done while the project"):
        services.allocate(db, staff, project, Decimal("1"), decision(db))


def test_the_projects_next_steps_follow_its_state_and_who_asks(db):
    """The page offers what the table of moves says: the region's staff allocate or refuse an
    application and close an allocated project; the applicant reports spend; no one else acts."""
    found = grant(db)
    staff, odense = user(db, SD_STAFF), user(db, ODENSE)
    director, other_region = (
        user(db, "direktoer.syddanmark@demo.dk"),
        user(db, "region.nordjylland@demo.dk"),
    )
    project = services.apply(db, odense, found, project_input())
    assert services.next_steps(staff, project) == ["allocate", "refuse"]
    assert services.next_steps(odense, project) == []
    assert services.next_steps(director, project) == []
    assert services.next_steps(other_region, project) == []
    services.allocate(db, staff, project, Decimal("60000.00"), decision(db))
    assert services.next_steps(staff, project) == ["close"]
    assert services.next_steps(odense, project) == ["spend"]
    assert services.next_steps(director, project) == []
    services.close(db, staff, project, "Slut.")
    assert services.next_steps(staff, project) == []
    assert services.next_steps(odense, project) == []


def test_the_regions_own_project_offers_its_staff_both_the_regions_and_the_applicants_steps(db):
    found = grant(db)
    staff = user(db, SD_STAFF)
    project = services.apply(db, staff, found, project_input())
    services.allocate(db, staff, project, Decimal("60000.00"), decision(db))
    assert services.next_steps(staff, project) == ["spend", "close"]


def test_who_may_apply_and_register_grants(db):
    found = grant(db)
    assert services.may_apply(user(db, SD_STAFF), found)
    assert services.may_apply(user(db, ODENSE), found)
    assert not services.may_apply(user(db, "direktoer.syddanmark@demo.dk"), found)
    assert not services.may_apply(user(db, "jobcenter.aalborg@demo.dk"), found)
    assert services.may_register_grant(user(db, SD_STAFF))
    assert not services.may_register_grant(user(db, ODENSE))
