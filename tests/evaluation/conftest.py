"""The evaluation's fixtures: a second member of the staff, and a tender scored and ready for
the award."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app import clock
from app.auth import services as users
from app.auth.roles import Role
from app.evaluation import services
from tests.bids.conftest import RIVAL, submit
from tests.conftest import user
from tests.tenders.conftest import published, region, staff


@pytest.fixture
def second_staff(db):
    return users.create_user(
        db,
        user(db, "admin@demo.dk"),
        email="anden@nordjylland.dk",
        name="Anden Medarbejder",
        role=Role.REGION_STAFF,
        organisation=region(db, "NJ"),
        password="a long enough password",
    )


@pytest.fixture
def scored(db):
    """Two bids on a one-lot tender (2 places), opened and scored, after the deadline."""
    tender = published(db)
    tender.lots[1:] = []
    submit(db, tender, price="20000")
    submit(db, tender, email=RIVAL, price="16000")
    after = tender.bid_deadline + timedelta(hours=1)
    with clock.frozen_at(after):
        services.open_bids(db, staff(db, "NJ"), tender)
        services.declare_no_conflict(db, staff(db, "NJ"), tender)
        criterion = next(c for c in tender.criteria if not c.is_price).id
        for opened, value in zip(services.opening_of(db, tender).bids, (10, 5), strict=True):
            services.score(db, staff(db, "NJ"), opened, criterion, value, "Begrundelse")
        yield tender
