"""Exemptions: what a jobcentre may ask for, and the owning region's decision with reasons."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.errors import DomainError, NotAllowed
from app.exemptions import services
from app.exemptions.models import ExemptionState
from app.notifications.models import Notification
from app.tenders.models import Scope, TenderState
from tests.calloffs.conftest import AALBORG, TODAY
from tests.conftest import user
from tests.purchases.conftest import ask, framework

SD_STAFF = "region.syddanmark@demo.dk"


def test_a_jobcentre_asks_and_the_owning_region_hears(db):
    lot = framework(db)
    exemption = ask(db, lot=lot)
    assert exemption.state == ExemptionState.REQUESTED and exemption.tender_id == lot.tender_id
    told = db.scalars(select(Notification.user_id).where(Notification.subject.contains("exempted")))
    assert user(db, SD_STAFF).id in set(told)
    assert db.scalar(select(AuditEntry).where(AuditEntry.action == "exemption.requested"))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"ends_on": TODAY - timedelta(days=11)}, "must end on or after the day it starts"),
        ({"starts_on": TODAY - timedelta(days=31)}, "within the framework's agreement period"),
        ({"ends_on": TODAY + timedelta(days=701)}, "within the framework's agreement period"),
        ({"justification": " "}, "Explain why"),
        ({"justification": "Borger 010190-1234"}, "looks like it contains a CPR number"),
    ],
)
def test_a_request_that_breaks_a_rule_is_refused(db, changes, message):
    lot = framework(db)
    with pytest.raises(DomainError, match=message):
        ask(db, lot=lot, **changes)


def test_a_framework_that_does_not_cover_the_jobcentre_or_is_not_active_is_refused(db):
    with pytest.raises(DomainError, match="active framework that covers the jobcentre"):
        ask(db, lot=framework(db, "SD"), email=AALBORG)
    with pytest.raises(DomainError, match="active framework that covers the jobcentre"):
        ask(db, lot=framework(db, state=TenderState.CANCELLED))


def test_an_overlapping_request_is_refused_also_against_the_whole_framework(db):
    lot = framework(db)
    ask(db, lot=lot)
    with pytest.raises(DomainError, match="overlaps"):
        ask(db, lot=lot, starts_on=TODAY, ends_on=TODAY)
    with pytest.raises(DomainError, match="overlaps"):
        ask(db, tender=lot.tender, starts_on=TODAY, ends_on=TODAY)
    ask(db, lot=lot, starts_on=TODAY + timedelta(days=91), ends_on=TODAY + timedelta(days=100))


def test_only_region_staff_of_the_owning_region_decide(db):
    exemption = ask(db, lot=framework(db, "HS", scope=Scope.NATIONAL))
    for email in (SD_STAFF, "jobcenter.odense@demo.dk", "direktoer.hovedstaden@demo.dk"):
        with pytest.raises(NotAllowed):
            services.approve(db, user(db, email), exemption, "OK")
    services.approve(db, user(db, "region.hovedstaden@demo.dk"), exemption, "Særligt tilfælde")
    assert exemption.state == ExemptionState.APPROVED


def test_a_decision_needs_reasons_and_is_taken_once(db):
    exemption = ask(db, lot=framework(db))
    with pytest.raises(DomainError, match="Give the reasons"):
        services.refuse(db, user(db, SD_STAFF), exemption, "")
    services.refuse(db, user(db, SD_STAFF), exemption, "Rammeaftalen dækker behovet")
    assert exemption.state == ExemptionState.REFUSED
    with pytest.raises(DomainError, match="already decided"):
        services.approve(db, user(db, SD_STAFF), exemption, "Alligevel")
    told = db.scalars(
        select(Notification.user_id).where(Notification.subject.contains("is refused"))
    ).all()
    assert exemption.requested_by_id in told
