"""The rules of the councils' register: each region's staff keep their own council's records."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import clock
from app.audit import services as audit
from app.auth.models import User
from app.auth.roles import Role
from app.core.errors import DomainError, NotAllowed
from app.core.i18n import gettext as _
from app.councils.models import (
    AnnualContract,
    ContractNeed,
    CouncilDecision,
    CouncilMeeting,
    MeetingDocument,
)
from app.files.services import store_upload
from app.organisations.models import Council

FIRST_YEAR, LAST_YEAR = 2000, 2100


def is_keeper(user: User, council: Council) -> bool:
    """Region staff of the council's own region keep its register."""
    return user.role == Role.REGION_STAFF and user.organisation_id == council.region_id


def require_keeper(actor: User | None, council: Council) -> None:
    """Region staff of the council's own region (None: the system, for demo data)."""
    if actor is None:
        return
    if not is_keeper(actor, council):
        raise NotAllowed(
            _(
                "Only region staff of %(region)s keep this council's register.",
                region=council.region.name,
            )
        )


def add_meeting(
    db: Session, actor: User | None, council: Council, *, held_on: date, title: str, agenda: str
) -> CouncilMeeting:
    require_keeper(actor, council)
    if not title.strip():
        raise DomainError(_("The meeting needs a title."))
    meeting = CouncilMeeting(
        council=council, held_on=held_on, title=title.strip(), agenda=agenda.strip()
    )
    db.add(meeting)
    db.flush()
    audit.record(
        db,
        actor,
        "council.meeting_added",
        meeting,
        {"held_on": held_on.isoformat(), "title": title.strip()},
    )
    return meeting


def add_meeting_document(
    db: Session, actor: User, meeting: CouncilMeeting, filename: str, data: bytes
) -> MeetingDocument:
    require_keeper(actor, meeting.council)
    stored = store_upload(db, actor, filename, data)
    document = MeetingDocument(file=stored)
    meeting.documents.append(document)
    db.flush()
    audit.record(
        db,
        actor,
        "council.document_added",
        meeting,
        {"document": stored.filename, "sha256": stored.sha256},
    )
    return document


def add_decision(
    db: Session,
    actor: User | None,
    council: Council,
    *,
    decided_on: date | None,
    concerns: str,
    text: str,
    meeting: CouncilMeeting | None = None,
) -> CouncilDecision:
    require_keeper(actor, council)
    if not concerns.strip() or not text.strip():
        raise DomainError(_("A decision needs what it concerns and its text."))
    if meeting is not None:
        if meeting.council_id != council.id:
            raise DomainError(_("The meeting belongs to another council."))
        decided_on = decided_on or meeting.held_on
        if meeting.held_on != decided_on:
            raise DomainError(_("A decision made at a meeting has the meeting's date."))
    if decided_on is None:
        raise DomainError(_("Give the date of the decision."))
    if decided_on > clock.today():
        raise DomainError(_("A council decision cannot be dated in the future."))
    decision = CouncilDecision(
        council=council,
        decided_on=decided_on,
        concerns=concerns.strip(),
        text=text.strip(),
        meeting=meeting,
    )
    db.add(decision)
    db.flush()
    audit.record(
        db,
        actor,
        "council.decision_added",
        decision,
        {"decided_on": decided_on.isoformat(), "concerns": concerns.strip()},
    )
    return decision


def add_contract(
    db: Session,
    actor: User | None,
    council: Council,
    *,
    year: int,
    summary: str,
    needs: list[str],
) -> AnnualContract:
    require_keeper(actor, council)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise DomainError(_("The year must be between %(a)d and %(b)d.", a=FIRST_YEAR, b=LAST_YEAR))
    exists = db.scalar(
        select(func.count()).where(
            AnnualContract.council_id == council.id, AnnualContract.year == year
        )
    )
    if exists:
        raise DomainError(_("The council already has an annual contract for %(year)d.", year=year))
    needs = list(dict.fromkeys(need.strip() for need in needs if need.strip()))  # no twins
    if not needs:
        raise DomainError(_("Name at least one need in the annual contract."))
    contract = AnnualContract(
        council=council,
        year=year,
        summary=summary.strip(),
        needs=[ContractNeed(description=need) for need in needs],
    )
    db.add(contract)
    db.flush()
    audit.record(db, actor, "council.contract_added", contract, {"year": year, "needs": needs})
    return contract
