"""Factories for purchases outside the platform and exemptions, on the call-off factories'
frameworks and frozen clock."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from app.exemptions import services as exemptions
from app.exemptions.models import ExemptionReason
from app.exemptions.services import ExemptionInput
from app.purchases import services
from app.purchases.services import PurchaseInput
from app.targetgroups.models import TargetGroup
from tests.calloffs.conftest import ODENSE, TODAY, place  # noqa: F401
from tests.calloffs.conftest import framework as any_framework
from tests.conftest import user
from tests.tenders.conftest import STAFF

# No demo framework covers this group, so the tests' own frameworks are the only ones.
GROUP = "Personer med handicap"
OUTSIDE_CVR = "55000018"  # valid (modulus 11) and no platform supplier's


def group_id(db, name: str = GROUP) -> int:
    return db.scalars(select(TargetGroup.id).where(TargetGroup.name == name)).one()


def framework(db, code: str = "SD", **changes):
    """A framework for the tests' own target group (see GROUP)."""
    return any_framework(db, code, target_group=GROUP, **changes)


def purchase_input(db, **changes) -> PurchaseInput:
    values = {
        "target_group_id": group_id(db),
        "supplier_name": "Lokal Kursus ApS",
        "supplier_cvr": OUTSIDE_CVR,
        "amount": Decimal("12500.00"),
        "purchased_on": TODAY - timedelta(days=3),
        "description": "Kursus i jobsøgning",
    }
    return PurchaseInput(**{**values, **changes})


def register(db, email: str = ODENSE, **changes):
    return services.register_purchase(db, user(db, email), purchase_input(db, **changes))


def ask(db, lot=None, tender=None, email: str = ODENSE, **changes):
    values = {
        "tender_id": tender.id if tender is not None else None,
        "lot_id": lot.id if lot is not None else None,
        "reason": ExemptionReason.SPECIAL_NEEDS,
        "justification": "Borgerne har behov, som rammeaftalens leverandører ikke dækker.",
        "starts_on": TODAY - timedelta(days=10),
        "ends_on": TODAY + timedelta(days=90),
    }
    return exemptions.request_exemption(
        db, user(db, email), ExemptionInput(**{**values, **changes})
    )


def approved(db, lot=None, tender=None, **changes):
    exemption = ask(db, lot, tender, **changes)
    staff = user(db, STAFF[exemption.tender.region.code])
    return exemptions.approve(db, staff, exemption, "Særligt tilfælde; godkendt.")
