"""Demo mini-competitions on Syddanmark's lot of mini-competitions, relative to the clock: one
open for responses (one supplier has responded, sealed), one evaluated and won, which became an
order, and one the region started for two of its jobcentres, open for responses."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import clock
from app.auth import services as users
from app.auth.models import User
from app.auth.services import active_users
from app.minicompetitions import services
from app.minicompetitions.models import MiniCompetition
from app.minicompetitions.services import NeedInput, ResponseInput, ShareInput
from app.organisations.models import Organisation, OrganisationKind
from app.tenders.models import CallOffRule, Lot, Scope, Tender, TenderState

JOBCENTRE = "leder.esbjerg@demo.dk"  # Jobcenter Esbjerg (Syddanmark)
REGION = "Beskæftigelsesregion Syddanmark"
REGION_STAFF = "region.syddanmark@demo.dk"
#: The jobcentres the region's competition is for, and each one's quantity.
SHARES = {"Jobcenter Esbjerg": 3, "Jobcenter Vejle": 2}


def _lot(db: Session) -> Lot | None:
    return db.scalar(
        select(Lot)
        .join(Tender, Lot.tender_id == Tender.id)
        .join(Organisation, Tender.region_id == Organisation.id)
        .where(
            Organisation.name == REGION,
            Tender.scope == Scope.REGIONAL,
            Tender.state == TenderState.ACTIVE,
            Lot.call_off_rule == CallOffRule.MINI_COMPETITION,
        )
        .order_by(Lot.id)
    )


def _supplier_user(db: Session, invitation) -> User:
    return active_users(db, organisation_id=invitation.supplier.organisation_id)[0]


def _need(lot: Lot, started: datetime, case: str, description: str) -> NeedInput:
    deadline = started + timedelta(days=lot.competition_days)
    weights = {c.id: c.weight for c in lot.tender.criteria}
    return NeedInput(
        description=description,
        quantity=2,
        starts_on=clock.local_date(deadline) + timedelta(days=7),
        case_reference=case,
        response_deadline=deadline,
        weights=weights,
    )


def _respond(db: Session, competition: MiniCompetition, invitation, discount: str) -> None:
    answers = {
        c.id: "Forløbet tilrettelægges individuelt med ugentlig opfølgning."
        for c in services.weighted_quality(competition)
    }
    price = invitation.price_cap - Decimal(discount)
    services.submit_response(
        db, _supplier_user(db, invitation), competition, ResponseInput(price, answers)
    )


def create_demo_minicompetitions(db: Session) -> None:
    """Idempotent: does nothing when mini-competitions exist or the lot is missing."""
    if db.scalar(select(func.count()).select_from(MiniCompetition)):
        return
    lot = _lot(db)
    jobcentre = users.find_by_email(db, JOBCENTRE)
    if lot is None or jobcentre is None:
        return
    now = clock.now()
    # Evaluated and won: started 60 days ago, awarded an hour after its deadline, so that its
    # order lies in an earlier month than today's, as the other demo orders of the past do.
    started = now - timedelta(days=60)
    with clock.frozen_at(started):
        won = services.start(
            db,
            jobcentre,
            lot,
            _need(lot, started, "ES-MK-1", "Et forløb for to ledige akademikere med it-baggrund."),
        )
    with clock.frozen_at(started + timedelta(days=2)):
        for invitation, discount in zip(won.invitations[:2], ("500.00", "1500.00"), strict=False):
            _respond(db, won, invitation, discount)
    with clock.frozen_at(won.response_deadline + timedelta(hours=1)):
        opened = services.opened_responses(db, jobcentre, won)
        quality = services.weighted_quality(won)
        scores = {o.response.id: {c.id: 8 - n for c in quality} for n, o in enumerate(opened)}
        services.score(db, jobcentre, won, scores)
        services.award(db, jobcentre, won)
    # Open for responses: started yesterday; one supplier has responded so far.
    started = now - timedelta(days=1)
    with clock.frozen_at(started):
        open_ = services.start(
            db,
            jobcentre,
            lot,
            _need(lot, started, "ES-MK-2", "Et forløb for to ledige akademikere i Ribe."),
        )
    with clock.frozen_at(started + timedelta(hours=3)):
        _respond(db, open_, open_.invitations[0], "250.00")
    _region_for_two(db, lot, now)


def _region_for_two(db: Session, lot: Lot, now: datetime) -> None:
    """Started by the region two days ago for Esbjerg and Vejle; nobody has responded yet."""
    staff = users.find_by_email(db, REGION_STAFF)
    jobcentres = {
        o.name: o
        for o in db.scalars(
            select(Organisation).where(
                Organisation.kind == OrganisationKind.JOBCENTRE, Organisation.name.in_(SHARES)
            )
        )
    }
    if staff is None or len(jobcentres) != len(SHARES):
        return
    started = now - timedelta(days=2)
    shares = [ShareInput(jobcentres[name].id, n, "") for name, n in SHARES.items()]
    with clock.frozen_at(started):
        services.start_for_jobcentres(
            db,
            staff,
            lot,
            _need(
                lot, started, "SD-MK-1", "Fælles forløb for ledige akademikere i Sydvestjylland."
            ),
            shares,
        )
