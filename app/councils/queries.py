"""Reading the councils' register: the councils, and each council's meetings, decisions and
annual contracts, newest first."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.auth.models import User
from app.auth.roles import Role
from app.councils.models import AnnualContract, CouncilDecision, CouncilMeeting
from app.organisations.models import Council
from app.tenders.models import Tender, TenderApproval


def own_council(user: User) -> Council | None:
    """The council of the user's region, for the region's staff and director; None for others."""
    if user.role in (Role.REGION_STAFF, Role.REGIONAL_DIRECTOR):
        return user.organisation.council
    return None


def councils(db: Session) -> list[Council]:
    """Every council by name."""
    return list(db.scalars(select(Council).order_by(Council.name)))


def meetings_of(db: Session, council: Council, with_records: bool = False) -> list[CouncilMeeting]:
    """The council's meetings, latest first; `with_records` loads their decisions and
    documents too."""
    stmt = (
        select(CouncilMeeting)
        .where(CouncilMeeting.council_id == council.id)
        .order_by(CouncilMeeting.held_on.desc())
    )
    if with_records:
        stmt = stmt.options(
            selectinload(CouncilMeeting.decisions), selectinload(CouncilMeeting.documents)
        )
    return list(db.scalars(stmt))


def decisions_of(db: Session, council: Council) -> list[CouncilDecision]:
    """The council's decisions, latest first."""
    return list(
        db.scalars(
            select(CouncilDecision)
            .where(CouncilDecision.council_id == council.id)
            .order_by(CouncilDecision.decided_on.desc(), CouncilDecision.id.desc())
        )
    )


def contracts_of(db: Session, council: Council) -> list[AnnualContract]:
    """The council's annual contracts, latest year first, each with its needs."""
    return list(
        db.scalars(
            select(AnnualContract)
            .where(AnnualContract.council_id == council.id)
            .options(selectinload(AnnualContract.needs))
            .order_by(AnnualContract.year.desc())
        )
    )


def tenders_approved_with(db: Session, decision: CouncilDecision) -> list[Tender]:
    """The tenders whose approval trail cites the decision, by reference."""
    return list(
        db.scalars(
            select(Tender)
            .join(TenderApproval, TenderApproval.tender_id == Tender.id)
            .where(TenderApproval.decision_id == decision.id)
            .distinct()
            .order_by(Tender.reference)
        )
    )
