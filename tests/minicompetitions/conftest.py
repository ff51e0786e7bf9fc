"""Factories for mini-competitions: a lot of mini-competitions (three suppliers at 1000, 1200
and 900 kr.) with a price and a quality criterion, and competitions on it, under the tender
factories' frozen clock."""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal

from app import clock
from app.minicompetitions import services
from app.minicompetitions.services import NeedInput, ResponseInput
from app.tenders.models import AwardCriterion, CallOffRule, Lot
from tests.calloffs.conftest import ODENSE, SUPPLIER_USERS, TODAY, framework, supplier_of
from tests.conftest import NOW, user

__all__ = ["NOW", "ODENSE", "SUPPLIER_USERS", "TODAY", "supplier_of"]

DAYS = 10  # the lot's shortest response deadline
_cases = itertools.count(1)


def competition_lot(db, rule: CallOffRule = CallOffRule.MINI_COMPETITION, **changes) -> Lot:
    lot = framework(db, rule=rule, **changes)
    lot.competition_days = DAYS
    lot.tender.criteria.extend(
        [
            AwardCriterion(position=1, name="Pris", weight=60, is_price=True),
            AwardCriterion(position=2, name="Kvalitet", weight=40),
        ]
    )
    db.flush()
    return lot


def criteria(lot: Lot):
    price = next(c for c in lot.tender.criteria if c.is_price)
    quality = next(c for c in lot.tender.criteria if not c.is_price)
    return price, quality


def need(lot: Lot, **changes) -> NeedInput:
    price, quality = criteria(lot)
    deadline = NOW + timedelta(days=DAYS)
    values = {
        "description": "Et forløb for ledige akademikere",
        "quantity": 2,
        "starts_on": clock.local_date(deadline) + timedelta(days=1),
        "case_reference": f"MK-SAG-{next(_cases):04d}",
        "response_deadline": deadline,
        "weights": {price.id: 50, quality.id: 50},
    }
    return NeedInput(**{**values, **changes})


def started(db, lot: Lot | None = None, email: str = ODENSE, **changes):
    lot = lot or competition_lot(db)
    return services.start(db, user(db, email), lot, need(lot, **changes))


def respond(db, competition, email: str, price: str, answer: str = "Vi leverer godt."):
    _price, quality = criteria(competition.lot)
    return services.submit_response(
        db, user(db, email), competition, ResponseInput(Decimal(price), {quality.id: answer})
    )


def after_deadline(competition):
    return clock.frozen_at(competition.response_deadline)
