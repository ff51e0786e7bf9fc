"""The rules a tender's content must meet; a refusal changes nothing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.core.errors import DomainError, NotAllowed
from app.tenders import services
from app.tenders.models import Tender, TenderState
from app.tenders.services import CriterionInput, LotInput
from tests.conftest import user
from tests.tenders.conftest import NOW, content, group, need, new_tender, staff


def _count(db):
    return db.scalar(select(func.count()).select_from(Tender))


def _refused(db, message, code="NJ", **changes):
    before = _count(db)
    with pytest.raises(DomainError, match=message):
        new_tender(db, code, **changes)
    assert _count(db) == before


def test_a_valid_tender_is_created_as_a_draft_with_a_reference(db):
    tender = new_tender(db)
    assert tender.state == TenderState.DRAFT
    assert tender.reference.startswith("RU-2026-NJ-")
    assert tender.maximum_value == Decimal("10000000.00")
    assert [lot.number for lot in tender.lots] == [1, 2]
    second = new_tender(db)
    assert int(second.reference[-3:]) == int(tender.reference[-3:]) + 1


def test_weights_must_add_up_to_100(db):
    _refused(
        db,
        "add up to 99, not 100",
        criteria=[CriterionInput("Pris", 40, True), CriterionInput("Kvalitet", 59)],
    )


def test_exactly_one_price_criterion(db):
    _refused(db, "exactly one price criterion", criteria=[CriterionInput("Kvalitet", 100)])


def test_an_agreement_of_exactly_four_years_is_allowed(db):
    tender = new_tender(db, agreement_start=date(2027, 3, 1), agreement_end=date(2031, 2, 28))
    assert tender.agreement_end == date(2031, 2, 28)


def test_one_day_beyond_four_years_needs_a_reason(db):
    _refused(
        db, "at most 4 years", agreement_start=date(2027, 3, 1), agreement_end=date(2031, 3, 1)
    )
    tender = new_tender(
        db,
        agreement_start=date(2027, 3, 1),
        agreement_end=date(2031, 3, 1),
        long_period_reason="Indsatsen kræver lange forløb.",
    )
    assert tender.long_period_reason


def test_four_years_from_a_leap_day():
    assert services.four_years_after(date(2028, 2, 29)) == date(2032, 2, 28)
    assert services.four_years_after(date(2096, 2, 29)) == date(2100, 2, 27)  # no 29 Feb in 2100


def test_the_deadline_must_be_in_the_future_to_the_second(db):
    _refused(db, "must be in the future", bid_deadline=NOW)
    assert new_tender(db, bid_deadline=NOW + timedelta(seconds=1))


def test_the_maximum_may_not_be_below_the_estimate_to_the_ore(db):
    _refused(db, "below the estimated value", estimated_value=Decimal("10000000.01"))
    assert new_tender(db, estimated_value=Decimal("10000000.00"))


def test_fewer_than_two_suppliers_per_lot_needs_a_reason(db):
    lots = [LotInput("Eneste", Decimal("10000000"), 1)]
    _refused(db, "fewer than 2 suppliers", lots=lots)
    lots = [LotInput("Eneste", Decimal("10000000"), 1, fewer_suppliers_reason="Kun ét marked.")]
    assert new_tender(db, lots=lots)


def test_a_regional_tender_needs_a_need_of_its_own_council(db):
    _refused(db, "own council", need_id=need(db, "SD").id)


def test_a_tender_needs_a_target_group_and_a_lot(db):
    _refused(db, "at least one target group", target_group_ids=[])
    _refused(db, "at least one lot", lots=[])


def test_an_inactive_target_group_cannot_be_chosen(db):
    academics = group(db, "Ledige akademikere")
    academics.active = False
    _refused(db, "active target groups")


def test_only_region_staff_create_tenders(db):
    with pytest.raises(NotAllowed):
        services.create_tender(db, user(db, "ministeriet@demo.dk"), content(db))


def test_region_staff_of_another_region_cannot_edit(db):
    tender = new_tender(db)
    with pytest.raises(NotAllowed, match="Only region staff of Beskæftigelsesregion Nordjylland"):
        services.update_tender(db, staff(db, "SD"), tender, content(db, title="Overtaget"))
    assert tender.title == "Indsats for ledige akademikere"


def test_editing_replaces_lots_and_bumps_the_version(db):
    tender = new_tender(db)
    version = tender.content_version
    services.update_tender(
        db,
        staff(db, "NJ"),
        tender,
        content(db, lots=[LotInput("Hele regionen", Decimal("12000000"), 3)]),
    )
    assert [lot.title for lot in tender.lots] == ["Hele regionen"]
    assert tender.content_version == version + 1
