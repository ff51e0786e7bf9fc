"""Classifying purchases outside the platform: no framework, exempted or breach, at the
boundaries of frameworks and exemptions; a breach needs its reason and tells the region."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.core.errors import DomainError, NotAllowed
from app.exemptions import services as exemptions
from app.notifications.models import Notification
from app.purchases import services
from app.purchases.models import Classification, FollowUp, OutsidePurchase
from app.tenders.models import Scope
from tests.calloffs.conftest import AALBORG, ODENSE, TODAY, place
from tests.conftest import user
from tests.purchases.conftest import approved, ask, framework, group_id, register


def stored(db) -> int:
    return db.scalar(select(func.count()).select_from(OutsidePurchase))


def test_without_a_framework_for_the_group_no_framework_applied(db):
    framework(db)  # for its own target group only
    purchase = register(db, target_group_id=group_id(db, "Flygtninge og indvandrere"))
    assert purchase.classification == Classification.NO_FRAMEWORK
    assert purchase.follow_up is None


def test_a_covered_group_without_a_reason_is_stopped_with_the_frameworks_to_use(db):
    lot = framework(db)
    before = stored(db)
    with pytest.raises(services.BreachNeedsReason) as refused:
        register(db)
    assert lot in refused.value.lots
    assert stored(db) == before


def test_a_breach_with_a_reason_is_stored_and_the_owning_region_told(db):
    lot = framework(db, "HS", scope=Scope.NATIONAL)
    purchase = register(db, breach_reason="Borgeren skulle starte i morgen")
    assert purchase.classification == Classification.BREACH
    assert lot in purchase.lots and purchase.follow_up == FollowUp.OPEN
    told = db.scalars(
        select(Notification.user_id).where(Notification.subject.contains("Jobcenter Odense"))
    ).all()
    assert user(db, "region.hovedstaden@demo.dk").id in told


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (-21, Classification.NO_FRAMEWORK),  # the day before the agreements start
        (-20, Classification.BREACH),  # their first day
        (-10, Classification.BREACH),  # their last day
        (-9, Classification.NO_FRAMEWORK),  # the day after
    ],
)
def test_the_framework_period_counts_to_the_day(db, day, expected):
    framework(db, starts_on=TODAY - timedelta(days=20), ends_on=TODAY - timedelta(days=10))
    purchase = register(db, purchased_on=TODAY + timedelta(days=day), breach_reason="Akut")
    assert purchase.classification == expected


def test_an_exhausted_lot_is_no_longer_available_from_the_day_it_ran_out(db):
    lot = framework(db, maximum="1000.00", prices=("1000.00",))
    place(db, lot, quantity=1)  # today: the lot is full from now on
    assert register(db, purchased_on=TODAY).classification == Classification.NO_FRAMEWORK
    earlier = register(db, purchased_on=TODAY - timedelta(days=1), breach_reason="Akut")
    assert earlier.classification == Classification.BREACH  # it still had room that day


def test_a_regional_framework_binds_only_its_own_region(db):
    framework(db, "SD")
    assert register(db, email=AALBORG).classification == Classification.NO_FRAMEWORK


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (-11, Classification.BREACH),  # the day before the exemption
        (-10, Classification.EXEMPTED),  # its first day
        (0, Classification.EXEMPTED),
    ],
)
def test_an_approved_exemption_lifts_the_duty_in_its_period_only(db, day, expected):
    lot = framework(db)
    approved(db, lot=lot, starts_on=TODAY - timedelta(days=10), ends_on=TODAY)
    purchase = register(db, purchased_on=TODAY + timedelta(days=day), breach_reason="Akut")
    assert purchase.classification == expected


def test_an_exemption_ending_yesterday_does_not_cover_today(db):
    lot = framework(db)
    approved(db, lot=lot, starts_on=TODAY - timedelta(days=10), ends_on=TODAY - timedelta(days=1))
    assert register(db, purchased_on=TODAY, breach_reason="Akut").classification == (
        Classification.BREACH
    )


def test_a_requested_or_refused_exemption_lifts_nothing(db):
    lot = framework(db)
    asked = ask(db, lot=lot)
    assert register(db, breach_reason="Akut").classification == Classification.BREACH
    exemptions.refuse(db, user(db, "region.syddanmark@demo.dk"), asked, "Ikke et særligt tilfælde")
    again = register(db, voucher="B2", breach_reason="Akut")
    assert again.classification == Classification.BREACH


def test_a_whole_tender_exemption_covers_every_lot_and_a_lot_exemption_only_its_lot(db):
    first = framework(db)
    second = framework(db)
    approved(db, lot=first)
    purchase = register(db, breach_reason="Akut")
    assert purchase.classification == Classification.BREACH and purchase.lots == [second]
    approved(db, tender=second.tender)
    assert register(db, voucher="B2").classification == Classification.EXEMPTED


def test_approving_an_exemption_reclassifies_the_breaches_in_its_period(db):
    lot = framework(db)
    inside = register(db, purchased_on=TODAY - timedelta(days=2), breach_reason="Akut")
    outside = register(db, purchased_on=TODAY - timedelta(days=20), breach_reason="Akut")
    exemption = approved(db, lot=lot, starts_on=TODAY - timedelta(days=5), ends_on=TODAY)
    assert inside.classification == Classification.EXEMPTED
    assert inside.exemption_id == exemption.id and inside.breach_reason == "Akut"
    assert outside.classification == Classification.BREACH


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"supplier_cvr": "12345678"}, "CVR number must be 8 digits and valid"),
        ({"amount": Decimal("0.00")}, "amount must be above 0"),
        ({"purchased_on": TODAY + timedelta(days=1)}, "cannot be in the future"),
        ({"supplier_name": "  "}, "Give the supplier's name"),
        ({"description": "Forløb for 010190-1234"}, "The description looks like it contains"),
        ({"target_group_id": 0}, "Choose a target group"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(db, changes, message):
    before = stored(db)
    with pytest.raises(DomainError, match=message):
        register(db, **changes)
    assert stored(db) == before


def test_only_jobcentre_staff_register_purchases(db):
    with pytest.raises(NotAllowed):
        register(db, email="region.syddanmark@demo.dk")


def test_a_framework_suppliers_cvr_without_a_matching_call_off_is_flagged(db):
    lot = framework(db, prices=("1000.00",))
    supplier_cvr = "10000009"  # Akademikerhuset, rank 1 on the framework
    flagged = register(db, supplier_cvr=supplier_cvr, amount=Decimal("3000.00"), breach_reason="X")
    assert flagged.needs_review
    place(db, lot, quantity=2)  # a call-off of 2.000,00 kr., placed today
    matched = register(
        db,
        supplier_cvr=supplier_cvr,
        amount=Decimal("2000.00"),
        purchased_on=TODAY,  # a payment matches only orders placed by its day
        breach_reason="X",
    )
    assert not matched.needs_review
    assert not register(db, breach_reason="X").needs_review  # no framework supplier


def test_the_region_of_the_jobcentre_follows_up_a_breach_with_a_reason(db):
    framework(db)
    breach = register(db, breach_reason="Akut")
    with pytest.raises(NotAllowed):
        services.follow_up_breach(
            db, user(db, "region.nordjylland@demo.dk"), breach, FollowUp.ACCEPTED, "OK"
        )
    with pytest.raises(DomainError, match="Give a reason"):
        services.follow_up_breach(
            db, user(db, "region.syddanmark@demo.dk"), breach, FollowUp.ACCEPTED, ""
        )
    services.follow_up_breach(
        db, user(db, "region.syddanmark@demo.dk"), breach, FollowUp.ACCEPTED, "Rimelig grund"
    )
    assert breach.follow_up == FollowUp.ACCEPTED


def test_a_purchase_that_is_no_breach_is_not_followed_up(db):
    purchase = register(db)
    with pytest.raises(DomainError, match="Only a breach is followed up"):
        services.follow_up_breach(
            db, user(db, "region.syddanmark@demo.dk"), purchase, FollowUp.ACCEPTED, "OK"
        )


def test_breaches_are_summed_per_jobcentre(db):
    framework(db, "HS", scope=Scope.NATIONAL)
    register(db, breach_reason="Akut", amount=Decimal("100.00"))
    register(db, breach_reason="Akut", amount=Decimal("250.50"))
    register(db, email=AALBORG, breach_reason="Akut", amount=Decimal("10.00"))
    rows = {
        r.jobcentre: r
        for r in services.breaches_by_jobcentre(db, user(db, "region.syddanmark@demo.dk"))
    }
    assert rows["Jobcenter Odense"].open >= 2
    assert rows["Jobcenter Odense"].amount >= Decimal("350.50")
    assert "Jobcenter Aalborg" not in rows  # neither Syddanmark's jobcentre nor its framework
    national = {
        r.jobcentre
        for r in services.breaches_by_jobcentre(db, user(db, "region.hovedstaden@demo.dk"))
    }
    assert {"Jobcenter Odense", "Jobcenter Aalborg"} <= national  # the framework's region


def test_odense_in_syddanmark(db):
    assert user(db, ODENSE).organisation.region.code == "SD"
