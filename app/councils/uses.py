"""Where a council decision is spent: a tender, a decision to react towards a jobcentre, a
grant's allocation or a publication of the specialist-knowledge directory each takes a decision
no one has used. A tender's own decision may serve the tender again (a version changed on the
day the council decided)."""

from __future__ import annotations

from sqlalchemy import select, union
from sqlalchemy.orm import Session


def spent_decisions(except_tender_id: int | None = None):
    """The ids of every council decision already spent, as one statement; a tender's own
    decisions are left out when it asks (`except_tender_id`)."""
    from app.followup.models import ReactionDecision
    from app.grants.models import GrantProject
    from app.knowledge.models import SpecialistDirectory
    from app.tenders.models import TenderApproval

    on_tenders = select(TenderApproval.decision_id).where(TenderApproval.decision_id.is_not(None))
    if except_tender_id is not None:
        on_tenders = on_tenders.where(TenderApproval.tender_id != except_tender_id)
    return union(
        select(ReactionDecision.decision_id),
        select(SpecialistDirectory.decision_id),
        on_tenders,
        select(GrantProject.decision_id).where(GrantProject.decision_id.is_not(None)),
    )


def is_spent(db: Session, decision_id: int, except_tender_id: int | None = None) -> bool:
    """Whether the decision is spent (on anything but the tender `except_tender_id`); its row is
    locked first, so that two transactions cannot both find it unspent and spend it."""
    from app.councils.models import CouncilDecision
    from app.db import lock_row

    lock_row(db, CouncilDecision, decision_id)
    found = spent_decisions(except_tender_id).subquery()
    return db.scalar(select(found.c[0]).where(found.c[0] == decision_id).limit(1)) is not None


def unused_decisions(db: Session, region_id: int):
    """The region's council decisions not yet spent on anything, newest first."""
    from app.councils.models import CouncilDecision
    from app.organisations.models import Council

    spent = spent_decisions().subquery()
    return list(
        db.scalars(
            select(CouncilDecision)
            .join(Council, CouncilDecision.council_id == Council.id)
            .where(Council.region_id == region_id, CouncilDecision.id.not_in(select(spent.c[0])))
            .order_by(CouncilDecision.decided_on.desc(), CouncilDecision.id.desc())
        )
    )


def require_own_and_current(decision, region_id: int, not_before) -> None:
    """A decision fit to approve something new: the region's own council's, not dated in the
    future, and not older than what it approves (`not_before`, a day)."""
    from app import clock
    from app.core.errors import DomainError
    from app.core.i18n import gettext as _

    if decision.council.region_id != region_id:
        raise DomainError(_("The decision must be the region's own council's."))
    if decision.decided_on > clock.today():
        raise DomainError(_("A council decision cannot be dated in the future."))
    if decision.decided_on < not_before:
        raise DomainError(
            _("The decision is older than what it approves; the council must decide on it.")
        )
