"""The call-off rule is stated per lot in the tender's content: checked, kept, and bound to the
approvals like the rest of the content."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from app.core.errors import DomainError
from app.tenders import services
from app.tenders.models import CallOffRule
from app.tenders.services import LotInput
from tests.tenders.conftest import content, decision, new_tender, staff


def _lots(rule: CallOffRule, **changes) -> list[LotInput]:
    return [
        LotInput("Nord", Decimal("6000000.00"), 2),
        LotInput("Syd", Decimal("4000000.00"), 3, call_off_rule=rule, **changes),
    ]


def test_each_lot_keeps_its_own_rule_and_its_days(db):
    tender = new_tender(db, lots=_lots(CallOffRule.MINI_COMPETITION, competition_days=15))
    assert [lot.call_off_rule for lot in tender.lots] == [
        CallOffRule.FREE_CHOICE,
        CallOffRule.MINI_COMPETITION,
    ]
    assert tender.lots[1].competition_days == 15
    assert tender.call_off_rule is None  # the lots differ: no rule for the whole tender


def test_a_cascade_up_to_an_amount_names_the_amount(db):
    with pytest.raises(DomainError, match="Lot 2 calls off by cascade up to an amount"):
        new_tender(db, lots=_lots(CallOffRule.CASCADE_THEN_COMPETITION))
    with pytest.raises(DomainError, match="give the amount, above 0 kr"):
        new_tender(
            db, lots=_lots(CallOffRule.CASCADE_THEN_COMPETITION, cascade_limit=Decimal("0.00"))
        )
    tender = new_tender(
        db, lots=_lots(CallOffRule.CASCADE_THEN_COMPETITION, cascade_limit=Decimal("0.01"))
    )
    assert tender.lots[1].cascade_limit == Decimal("0.01")


def test_a_cascade_limit_is_kept_only_for_a_cascade_up_to_an_amount(db):
    tender = new_tender(db, lots=_lots(CallOffRule.CASCADE, cascade_limit=Decimal("5000.00")))
    assert tender.lots[1].cascade_limit is None


def test_a_lot_of_mini_competitions_gives_at_least_a_day(db):
    with pytest.raises(DomainError, match="Lot 2 holds mini-competitions: give the suppliers"):
        new_tender(db, lots=_lots(CallOffRule.MINI_COMPETITION, competition_days=0))
    assert new_tender(db, lots=_lots(CallOffRule.MINI_COMPETITION, competition_days=1))


def test_changing_a_lots_rule_voids_the_approvals_given_to_the_old_content(db):
    tender = new_tender(db)
    services.link_council_decision(db, staff(db, "NJ"), tender, decision(db, "NJ"))
    assert tender.current_approvals
    version = tender.content_version
    changed = replace(content(db), lots=_lots(CallOffRule.MINI_COMPETITION))
    services.update_tender(db, staff(db, "NJ"), tender, changed)
    assert tender.content_version == version + 1
    assert tender.current_approvals == []
