"""Factories for tenders: valid content for a region, and tenders moved to a given state."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from app.clock import COPENHAGEN
from app.councils.models import AnnualContract, ContractNeed, CouncilDecision
from app.organisations.models import Council, Organisation, OrganisationKind
from app.targetgroups.models import TargetGroup
from app.tenders import services
from app.tenders.models import Scope
from app.tenders.services import CriterionInput, LotInput, TenderContent
from tests.conftest import NOW, user

REGION = {
    "NJ": "Beskæftigelsesregion Nordjylland",
    "MJ": "Beskæftigelsesregion Midtjylland",
    "SD": "Beskæftigelsesregion Syddanmark",
    "HS": "Beskæftigelsesregion Hovedstaden og Sjælland",
}
STAFF = {
    "NJ": "region.nordjylland@demo.dk",
    "MJ": "region.midtjylland@demo.dk",
    "SD": "region.syddanmark@demo.dk",
    "HS": "region.hovedstaden@demo.dk",
}


def region(db, code):
    return db.scalars(
        select(Organisation).where(
            Organisation.kind == OrganisationKind.REGION, Organisation.name == REGION[code]
        )
    ).one()


def staff(db, code):
    return user(db, STAFF[code])


def director(db, code):
    return user(db, STAFF[code].replace("region.", "direktoer."))


def need(db, code, year=2026):
    return db.scalars(
        select(ContractNeed)
        .join(AnnualContract)
        .join(Council)
        .where(Council.region_id == region(db, code).id, AnnualContract.year == year)
        .order_by(ContractNeed.id)
    ).first()


def decision(db, code, decided_on: date | None = None) -> CouncilDecision:
    """A new decision of the region's council, dated today unless told: a decision approves
    one thing only, so each tender needs its own."""
    council = db.scalars(select(Council).where(Council.region_id == region(db, code).id)).one()
    found = CouncilDecision(
        council=council,
        decided_on=decided_on or NOW.astimezone(COPENHAGEN).date(),
        concerns=f"Rammeudbud ({code})",
        text="Rådet tilslutter sig udbuddet.",
    )
    db.add(found)
    db.flush()
    return found


def group(db, name):
    return db.scalars(select(TargetGroup).where(TargetGroup.name == name)).one()


def content(db, code="NJ", **changes) -> TenderContent:
    base = TenderContent(
        title="Indsats for ledige akademikere",
        scope=Scope.REGIONAL,
        target_group_ids=[group(db, "Ledige akademikere").id],
        need_id=need(db, code).id,
        estimated_value=Decimal("10000000.00"),
        agreement_start=date(2027, 3, 1),
        agreement_end=date(2029, 2, 28),
        bid_deadline=NOW + timedelta(days=30),
        lots=[
            LotInput("Nord", Decimal("6000000.00"), 2),
            LotInput("Syd", Decimal("4000000.00"), 3),
        ],
        criteria=[
            CriterionInput("Pris", 40, is_price=True),
            CriterionInput("Kvalitet", 60),
        ],
        requirements=["Erfaring med målgruppen"],
    )
    return replace(base, **changes)


def new_tender(db, code="NJ", **changes):
    return services.create_tender(db, staff(db, code), content(db, code, **changes))


def submitted(db, code="NJ", **changes):
    tender = new_tender(db, code, **changes)
    services.link_council_decision(db, staff(db, code), tender, decision(db, code))
    services.involve_council(db, staff(db, code), tender)
    services.submit(db, staff(db, code), tender)
    return tender


def approved(db, code="NJ", **changes):
    tender = submitted(db, code, **changes)
    services.approve(db, user(db, "ministeriet@demo.dk"), tender)
    return tender


def published(db, code="NJ", **changes):
    tender = approved(db, code, **changes)
    services.publish(db, staff(db, code), tender)
    return tender
