"""The rules of the specialist-knowledge directory: the region keeps its entries and publishes
them on council decisions of its own (each spent on nothing else); the region's jobcentres see
what was published, search it and ask for help; the region answers, once; everything kept."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, false, func, select
from sqlalchemy.orm import Session

from app import clock
from app.audit import services as audit
from app.auth.models import User
from app.auth.roles import JOBCENTRE_ROLES, Role
from app.calloffs.cpr import refuse_cpr
from app.core.errors import DomainError, NotAllowed
from app.core.i18n import gettext as _
from app.councils import uses
from app.councils.models import CouncilDecision
from app.db import lock_row
from app.knowledge.models import KnowledgeRequest, SpecialistDirectory, SpecialistEntry
from app.notifications.services import notify
from app.organisations.models import Organisation
from app.web.pagination import any_contains


def _region_staff(actor: User, region_id: int | None = None) -> int:
    if actor.role != Role.REGION_STAFF or (
        region_id is not None and actor.organisation_id != region_id
    ):
        raise NotAllowed(_("Only the region's staff can do this."))
    return actor.organisation_id


@dataclass(frozen=True)
class EntryInput:
    area: str
    provider: str
    contact: str
    conditions: str = ""


def add_entry(db: Session, actor: User, entry: EntryInput) -> SpecialistEntry:
    region_id = _region_staff(actor)
    for text, what in (
        (entry.area, _("the area")),
        (entry.provider, _("the provider")),
        (entry.contact, _("how to reach it")),
    ):
        if not text.strip():
            raise DomainError(_("Write %(what)s.", what=what))
    found = SpecialistEntry(
        region_id=region_id,
        area=entry.area.strip(),
        provider=entry.provider.strip(),
        contact=entry.contact.strip(),
        conditions=entry.conditions.strip(),
        created_by_id=actor.id,
        created_at=clock.now(),
    )
    db.add(found)
    db.flush()
    audit.record(db, actor, "knowledge.entry_added", found, {"area": found.area})
    return found


def directory_of(db: Session, region_id: int) -> SpecialistDirectory | None:
    """The region's latest publication of its directory, if any."""
    return db.scalar(
        select(SpecialistDirectory)
        .where(SpecialistDirectory.region_id == region_id)
        .order_by(SpecialistDirectory.published_at.desc(), SpecialistDirectory.id.desc())
        .limit(1)
    )


def unpublished(db: Session, region_id: int) -> list[SpecialistEntry]:
    """The entries added since the latest publication: the council has not decided on them."""
    latest = directory_of(db, region_id)
    stmt = select(SpecialistEntry).where(SpecialistEntry.region_id == region_id)
    if latest is not None:
        stmt = stmt.where(SpecialistEntry.created_at > latest.published_at)
    return list(db.scalars(stmt.order_by(SpecialistEntry.created_at)))


def publish(db: Session, actor: User, decision: CouncilDecision) -> SpecialistDirectory:
    """The entries added since the last publication are published on a decision of the
    region's own council, one not older than they are and spent on nothing else."""
    region_id = _region_staff(actor)
    lock_row(db, Organisation, region_id)  # one publication at a time
    new = unpublished(db, region_id)
    if not new:
        raise DomainError(_("There is nothing new to publish: add entries first."))
    uses.require_own_and_current(decision, region_id, clock.local_date(new[-1].created_at))
    if uses.is_spent(db, decision.id):
        raise DomainError(_("This council decision is already used for something else."))
    found = SpecialistDirectory(
        region_id=region_id,
        decision_id=decision.id,
        published_by_id=actor.id,
        published_at=clock.now(),
    )
    db.add(found)
    db.flush()
    audit.record(db, actor, "knowledge.published", found, {"decision_id": decision.id})
    return found


def visible_entries(db: Session, user: User, text: str = "") -> Select:
    """The region's own staff and director see its entries; its jobcentres once the directory
    is published; a search narrows by area, provider and conditions."""
    if user.role in (Role.REGION_STAFF, Role.REGIONAL_DIRECTOR):
        stmt = select(SpecialistEntry).where(SpecialistEntry.region_id == user.organisation_id)
    elif user.role in JOBCENTRE_ROLES and (latest := directory_of(db, user.organisation.region_id)):
        # Only what the council decided on: the entries up to the latest publication.
        stmt = select(SpecialistEntry).where(
            SpecialistEntry.region_id == user.organisation.region_id,
            SpecialistEntry.created_at <= latest.published_at,
        )
    else:
        return select(SpecialistEntry).where(false())
    if text.strip():
        stmt = stmt.where(
            any_contains(
                text, SpecialistEntry.area, SpecialistEntry.provider, SpecialistEntry.conditions
            )
        )
    return stmt.order_by(SpecialistEntry.area, SpecialistEntry.id)


def may_see(db: Session, user: User, entry: SpecialistEntry) -> bool:
    return db.scalar(visible_entries(db, user).where(SpecialistEntry.id == entry.id)) is not None


def ask(db: Session, actor: User, entry: SpecialistEntry, question: str) -> KnowledgeRequest:
    """A jobcentre of the region asks for help from a published entry; the region is told."""
    if actor.role not in JOBCENTRE_ROLES or not may_see(db, actor, entry):
        raise NotAllowed(_("Only the region's jobcentres ask, once the directory is published."))
    question = question.strip()
    if not question:
        raise DomainError(_("Write what the jobcentre needs."))
    refuse_cpr(question, _("The question"), "question")
    found = KnowledgeRequest(
        entry_id=entry.id,
        jobcentre_id=actor.organisation_id,
        question=question,
        asked_by_id=actor.id,
        asked_at=clock.now(),
    )
    db.add(found)
    db.flush()
    audit.record(db, actor, "knowledge.asked", found, {"entry": entry.id})
    staff = db.scalars(
        select(User).where(
            User.role == Role.REGION_STAFF,
            User.organisation_id == entry.region_id,
            User.active,
        )
    )
    notify(
        db,
        list(staff),
        _(
            "%(name)s asks for specialist knowledge: %(area)s",
            name=actor.organisation.name,
            area=entry.area,
        ),
        question,
        link=f"/knowledge/entries/{entry.id}",
    )
    return found


def answer(db: Session, actor: User, request: KnowledgeRequest, text: str) -> KnowledgeRequest:
    """The region answers a request, once; the asker is told."""
    _region_staff(actor, request.entry.region_id)
    request = lock_row(db, KnowledgeRequest, request.id)
    if request.answered_at is not None:
        raise DomainError(_("The request is answered already."))
    text = text.strip()
    if not text:
        raise DomainError(_("Write the answer."))
    refuse_cpr(text, _("The answer"), "answer")
    request.answer, request.answered_by_id, request.answered_at = text, actor.id, clock.now()
    audit.record(db, actor, "knowledge.answered", request, {"entry": request.entry_id})
    asker = db.get(User, request.asked_by_id)
    notify(
        db,
        [asker] if asker and asker.active else [],
        _("The region has answered about %(area)s", area=request.entry.area),
        text,
        link=f"/knowledge/entries/{request.entry_id}",
    )
    return request


@dataclass(frozen=True)
class Unanswered:
    entry_id: int
    area: str
    count: int


def unanswered(db: Session, user: User) -> list[Unanswered]:
    """Per entry, how many jobcentres' requests wait for the user's region to answer (none
    for anyone but region staff); one grouped query."""
    if user.role != Role.REGION_STAFF:
        return []
    rows = db.execute(
        select(SpecialistEntry.id, SpecialistEntry.area, func.count(KnowledgeRequest.id))
        .join(KnowledgeRequest, KnowledgeRequest.entry_id == SpecialistEntry.id)
        .where(
            SpecialistEntry.region_id == user.organisation_id,
            KnowledgeRequest.answered_at.is_(None),
        )
        .group_by(SpecialistEntry.id, SpecialistEntry.area)
        .order_by(SpecialistEntry.area, SpecialistEntry.id)
    )
    return [Unanswered(*row) for row in rows]


def requests_for(db: Session, user: User, entry: SpecialistEntry) -> list[KnowledgeRequest]:
    """The entry's requests: all of them for the region, the jobcentre's own for a jobcentre."""
    stmt = select(KnowledgeRequest).where(KnowledgeRequest.entry_id == entry.id)
    if user.role in JOBCENTRE_ROLES:
        stmt = stmt.where(KnowledgeRequest.jobcentre_id == user.organisation_id)
    return list(db.scalars(stmt.order_by(KnowledgeRequest.asked_at.desc())))
