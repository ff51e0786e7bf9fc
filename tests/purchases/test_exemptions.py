"""Exemptions: what a jobcentre may ask for, and the owning region's decision with reasons."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.core.errors import DomainError, NotAllowed
from app.evaluation.models import Agreement
from app.exemptions import services
from app.exemptions.models import ExemptionState
from app.notifications.models import Notification
from app.purchases.models import Classification
from app.tenders.models import Lot, Scope, TenderState
from tests.calloffs.conftest import AALBORG, TODAY, agreement
from tests.conftest import user
from tests.purchases.conftest import approved, ask, framework, register

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


def test_an_exemption_is_decided_once_approved_or_refused_and_approved_only_when_approved(db):
    asked = ask(db, lot=framework(db))
    assert (asked.is_decided, asked.is_approved) == (False, False)
    services.refuse(db, user(db, SD_STAFF), asked, "Rammeaftalen dækker behovet")
    assert (asked.is_decided, asked.is_approved) == (True, False)
    granted = approved(db, tender=framework(db).tender)
    assert (granted.is_decided, granted.is_approved) == (True, True)


def test_only_jobcentre_staff_may_ask_for_an_exemption(db):
    assert services.may_ask(user(db, "jobcenter.odense@demo.dk"))
    assert not services.may_ask(user(db, SD_STAFF))


# --- approved or only requested -----------------------------------------------------------------


def _second_lot(db, lot, *, running: bool) -> Lot:
    """Lot 2 of the lot's tender: with an agreement running as lot 1's does, or with none (so
    it is available to nobody)."""
    second = Lot(number=2, title="Forløb 2", maximum_value=Decimal("100000.00"))
    lot.tender.lots.append(second)
    db.flush()
    if running:
        first = agreement(db, lot)
        db.add(
            Agreement(
                number=f"{lot.tender.reference}-2-1",
                tender_id=lot.tender_id,
                lot_id=second.id,
                supplier_id=first.supplier_id,
                bid_id=first.bid_id,
                rank=1,
                unit_price=first.unit_price,
                starts_on=first.starts_on,
                ends_on=first.ends_on,
                concluded_at=first.concluded_at,
                concluded_by_id=first.concluded_by_id,
            )
        )
        db.flush()
    return second


@pytest.mark.parametrize("whole", [False, True])
def test_a_request_overlapping_an_approved_exemption_is_refused(db, whole):
    lot = framework(db)
    approved(db, lot=lot)  # no longer waiting: approved
    with pytest.raises(DomainError, match="overlaps"):
        if whole:
            ask(db, tender=lot.tender, starts_on=TODAY, ends_on=TODAY)
        else:
            ask(db, lot=lot, starts_on=TODAY, ends_on=TODAY)


def test_a_requested_exemption_next_to_an_approved_one_lifts_nothing(db):
    """Lot 1 exempted, lot 2 only asked for: a purchase is still a breach, of lot 2."""
    first = framework(db)
    second = _second_lot(db, first, running=True)
    approved(db, lot=first)
    ask(db, lot=second)
    purchase = register(db, breach_reason="Akut")
    assert purchase.classification == Classification.BREACH and purchase.lots == [second]


def test_approving_one_lot_keeps_a_breach_of_a_lot_only_asked_for(db):
    """The breach passed by both lots; approving lot 1's exemption, with lot 2's only asked
    for, leaves it a breach."""
    first = framework(db)
    second = _second_lot(db, first, running=True)
    breach = register(db, breach_reason="Akut")
    assert breach.lots == [first, second]
    ask(db, lot=second)
    approved(db, lot=first)
    assert breach.classification == Classification.BREACH


def test_an_exempted_purchase_names_the_exemption_that_lifted_its_lot(db):
    """Two approved exemptions from one tender: the one for lot 2, which no agreement serves,
    lifted nothing; the purchase is exempted by lot 1's."""
    first = framework(db)
    second = _second_lot(db, first, running=False)
    approved(db, lot=second)
    lifting = approved(db, lot=first)
    purchase = register(db)
    assert purchase.classification == Classification.EXEMPTED
    assert purchase.exemption_id == lifting.id


@pytest.mark.parametrize("decided", ["requested", "refused", "approved"])
def test_only_an_approved_exemption_covers_its_lot_in_its_period(db, decided):
    lot = framework(db)
    exemption = ask(db, lot=lot)
    if decided == "refused":
        services.refuse(db, user(db, SD_STAFF), exemption, "Ikke et særligt tilfælde")
    elif decided == "approved":
        services.approve(db, user(db, SD_STAFF), exemption, "Særligt tilfælde")
    assert exemption.covers(lot, TODAY) is (decided == "approved")
