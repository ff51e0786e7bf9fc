"""Demo data for the grants: both grants for every region this year, with projects applied
for, allocated with spend, refused and closed, each on its own council decision."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import clock
from app.auth import services as users
from app.councils import services as councils
from app.grants import services as grants
from app.grants.models import Grant, GrantKind
from app.organisations.models import Organisation

#: Each region's staff and the demo jobcentre that applies.
REGIONS = {
    "NJ": ("region.nordjylland@demo.dk", "jobcenter.aalborg@demo.dk"),
    "MJ": ("region.midtjylland@demo.dk", "jobcenter.aarhus@demo.dk"),
    "SD": ("region.syddanmark@demo.dk", "jobcenter.odense@demo.dk"),
    "HS": ("region.hovedstaden@demo.dk", "jobcenter.koebenhavn@demo.dk"),
}


def create_demo_grants(db: Session) -> None:
    """Idempotent: nothing once any grant exists."""
    if db.scalar(select(func.count()).select_from(Grant)):
        return
    today = clock.today()
    start = max(today - timedelta(days=20), today.replace(month=1, day=1))
    for code, (staff_email, applicant_email) in REGIONS.items():
        staff = users.find_by_email(db, staff_email)
        applicant = users.find_by_email(db, applicant_email)
        region = db.scalar(select(Organisation).where(Organisation.code == code))
        if staff is not None and applicant is not None and region is not None:
            _region_grants(db, region, staff, applicant, today, start)
    db.flush()


def _region_grants(db: Session, region, staff, applicant, today, start) -> None:
    def decision(concerns: str):
        return councils.add_decision(
            db, None, region.council, decided_on=today, concerns=concerns, text="Bevilget."
        )

    def project(grant, title: str, concerns: str, amount: str):
        purpose = "Et forløb, der hjælper de berørte videre."
        period = (start, start + timedelta(days=180))
        return grants.apply(
            db,
            applicant,
            grant,
            grants.ProjectInput(title, purpose, concerns, Decimal(amount), *period),
        )

    shortage = grants.register_grant(
        db, staff, GrantKind.LABOUR_SHORTAGE, today.year, Decimal("2500000")
    )
    layoff = grants.register_grant(db, staff, GrantKind.MASS_LAYOFF, today.year, Decimal("1500000"))
    running = project(shortage, "Svejsere til værfterne", "Ledige med metalbaggrund", "600000")
    grants.allocate(db, staff, running, Decimal("500000"), decision("Svejsere til værfterne"))
    grants.report_spend(db, applicant, running, Decimal("180000"), start, "Første hold")
    project(shortage, "Sosu-assistenter", "Ledige til ældreplejen", "400000")  # applied for
    refused = project(layoff, "Kaffe til alle", "Alle ledige", "50000")
    grants.refuse(db, staff, refused, "Ligger uden for puljens formål.")
    closed = project(layoff, "Lukning af slagteriet", "De afskedigede fra slagteriet", "300000")
    grants.allocate(db, staff, closed, Decimal("300000"), decision("Lukning af slagteriet"))
    grants.report_spend(db, applicant, closed, Decimal("240000"), start, "Omskoling")
    grants.close(db, staff, closed, "Forløbet er slut; resten frigives.")
