"""Framework agreements that live, in the demo: Syddanmark's framework has a supplier suspended
for breach, its option to extend exercised, and its prices regulated from a year after start."""

from __future__ import annotations

from decimal import Decimal

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import clock
from app.agreements import services
from app.agreements.models import AgreementEvent, Ground
from app.auth.services import find_by_email
from app.evaluation.models import Agreement
from app.organisations.models import Organisation
from app.tenders.models import Scope, Tender, TenderState

REGION = "Beskæftigelsesregion Syddanmark"
STAFF = "region.syddanmark@demo.dk"
BREACH = (
    "Forløbene er ikke leveret som aftalt i tre måneder, og rapporteringen til jobcentrene er "
    "udeblevet. Leverandøren har fået en frist til at rette op."
)


def create_demo_agreement_life(db: Session) -> None:
    """Idempotent: does nothing once any agreement has a decision, or without the framework."""
    if db.scalar(select(func.count()).select_from(AgreementEvent)):
        return
    staff = find_by_email(db, STAFF)
    tender = db.scalar(
        select(Tender)
        .join(Organisation, Tender.region_id == Organisation.id)
        .where(
            Organisation.name == REGION,
            Tender.scope == Scope.REGIONAL,
            Tender.state == TenderState.ACTIVE,
        )
        .order_by(Tender.id)
    )
    if staff is None or tender is None or len(tender.lots) < 2:
        return
    last_of_south = db.scalar(
        select(Agreement)
        .where(Agreement.lot_id == tender.lots[1].id)
        .order_by(Agreement.rank.desc())
    )
    if last_of_south is not None:
        services.suspend(db, staff, last_of_south, Ground.BREACH, BREACH)
    if services.may_extend(staff, tender):
        services.extend(db, staff, tender)
    if tender.regulates_prices:
        day = max(clock.today(), tender.agreement_start + relativedelta(years=1))
        if day <= tender.agreement_end:
            services.regulate_prices(db, staff, tender, Decimal("112.40"), Decimal("115.77"), day)
