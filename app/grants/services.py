"""The rules of the grants: a region registers what the state grants it each year; jobcentres
(or the region) apply for projects; an allocation needs its own decision of the region's
council and never takes the allocated sum beyond the grant (checked with the grant's row
locked); a project reports its spend within its allocation; closing it releases what it did
not spend."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import BigInteger, case, false, func, select, type_coerce
from sqlalchemy.orm import Session

from app import clock
from app.audit import services as audit
from app.auth.models import User
from app.auth.roles import JOBCENTRE_ROLES, Role
from app.core.errors import DomainError, NotAllowed
from app.core.i18n import format_money
from app.core.i18n import gettext as _
from app.councils import uses
from app.councils.models import CouncilDecision
from app.db import lock_row
from app.grants.models import Grant, GrantKind, GrantProject, ProjectSpend, ProjectState
from app.organisations.models import Organisation

ZERO = Decimal("0.00")
P = ProjectState


#: Who applies for a grant's projects and reports their spend: the region's staff and the
#: jobcentres' people.
APPLICANTS = (Role.REGION_STAFF, *JOBCENTRE_ROLES)

#: A project's life: each step, the states it may be taken from, and the state it leads to.
#: The region's staff allocate, refuse and close; the applicant reports spend.
MOVES: dict[str, tuple[tuple[ProjectState, ...], ProjectState]] = {
    "allocate": ((P.APPLIED,), P.ALLOCATED),
    "refuse": ((P.APPLIED,), P.REFUSED),
    "spend": ((P.ALLOCATED,), P.ALLOCATED),
    "close": ((P.ALLOCATED,), P.CLOSED),
}
REGION_MOVES = ("allocate", "refuse", "close")
APPLICANT_MOVES = ("spend",)


def _is_region_staff_of(user: User, region_id: int) -> bool:
    return user.role == Role.REGION_STAFF and user.organisation_id == region_id


def _is_applicant_of(user: User, project: GrantProject) -> bool:
    return user.organisation_id == project.applicant_id and user.role in APPLICANTS


def next_steps(user: User, project: GrantProject) -> list[str]:
    """The steps the user may take on the project now (what its page offers; each step's
    function checks them again)."""
    mine = (REGION_MOVES if _is_region_staff_of(user, project.grant.region_id) else ()) + (
        APPLICANT_MOVES if _is_applicant_of(user, project) else ()
    )
    return [step for step in MOVES if step in mine and project.state in MOVES[step][0]]


def _guard(project: GrantProject, step: str) -> None:
    """The step is refused unless the project is in a state it may be taken from."""
    if project.state not in MOVES[step][0]:
        raise DomainError(
            _('This cannot be done while the project is "%(state)s".', state=project.state.label)
        )


def _region_staff(actor: User, region_id: int) -> None:
    if not _is_region_staff_of(actor, region_id):
        raise NotAllowed(_("Only the region's staff can do this."))


def may_register_grant(user: User) -> bool:
    """The region's staff register what the state grants their region."""
    return user.role == Role.REGION_STAFF


def register_grant(db: Session, actor: User, kind: GrantKind, year: int, amount: Decimal) -> Grant:
    """What the state grants the actor's region for one purpose in one year; once."""
    if not may_register_grant(actor):
        raise NotAllowed(_("Only the region's staff can do this."))
    lock_row(db, Organisation, actor.organisation_id)  # one registration at a time
    if amount <= ZERO:
        raise DomainError(_("The grant must be above 0 kr."))
    if not 2000 <= year <= 2100:
        raise DomainError(_("Give the grant's year."))
    if db.scalar(
        select(Grant.id).where(
            Grant.region_id == actor.organisation_id, Grant.kind == kind, Grant.year == year
        )
    ):
        raise DomainError(
            _("The grant %(kind)s for %(year)d is registered already.", kind=kind.label, year=year)
        )
    grant = Grant(
        region_id=actor.organisation_id,
        kind=kind,
        year=year,
        amount=amount,
        registered_by_id=actor.id,
        registered_at=clock.now(),
    )
    db.add(grant)
    db.flush()
    audit.record(
        db, actor, "grant.registered", grant, {"kind": kind.value, "year": year, "amount": amount}
    )
    return grant


@dataclass(frozen=True)
class ProjectInput:
    title: str
    purpose: str
    concerns: str  # the target group or the company concerned
    requested: Decimal
    starts_on: date
    ends_on: date


def may_apply(user: User, grant: Grant) -> bool:
    """A jobcentre of the grant's region, or the region's staff, may apply for its projects."""
    own_jobcentre = user.role in JOBCENTRE_ROLES and user.organisation.region_id == grant.region_id
    return own_jobcentre or _is_region_staff_of(user, grant.region_id)


def apply(db: Session, actor: User, grant: Grant, project: ProjectInput) -> GrantProject:
    """A jobcentre of the grant's region, or the region itself, applies for a project."""
    if not may_apply(actor, grant):
        raise NotAllowed(_("Only the region and its jobcentres apply for its grants."))
    for text, what in (
        (project.title, _("the title")),
        (project.purpose, _("the purpose")),
        (project.concerns, _("whom it concerns")),
    ):
        if not text.strip():
            raise DomainError(_("Write %(what)s.", what=what))
    if project.requested <= ZERO:
        raise DomainError(_("The amount applied for must be above 0 kr."))
    if project.ends_on < project.starts_on:
        raise DomainError(_("The project's period ends after it begins."))
    if project.starts_on.year != grant.year:
        raise DomainError(_("The project begins in the grant's year, %(year)d.", year=grant.year))
    now = clock.now()
    found = GrantProject(
        grant_id=grant.id,
        applicant_id=actor.organisation_id,
        state=P.APPLIED,
        title=project.title.strip(),
        purpose=project.purpose.strip(),
        concerns=project.concerns.strip(),
        requested=project.requested,
        starts_on=project.starts_on,
        ends_on=project.ends_on,
        applied_by_id=actor.id,
        applied_at=now,
    )
    db.add(found)
    db.flush()
    audit.record(
        db, actor, "grant.applied", found, {"grant": grant.id, "requested": project.requested}
    )
    return found


def _spent(db: Session, project_id: int) -> Decimal:
    return db.scalar(
        select(func.coalesce(func.sum(ProjectSpend.amount), ZERO)).where(
            ProjectSpend.project_id == project_id
        )
    )


@dataclass(frozen=True)
class GrantFigures:
    granted: Decimal
    allocated: Decimal  # to projects still running
    spent: Decimal  # by all its projects
    released: Decimal  # allocated to closed projects and not spent
    closed_spent: Decimal  # spent by closed projects

    @property
    def committed(self) -> Decimal:
        """What the grant can no longer give: running allocations and closed projects' spend."""
        return self.allocated + self.closed_spent

    @property
    def unallocated(self) -> Decimal:
        return self.granted - self.committed


def _spent_by_project():
    """What each project spent, as a subquery (project_id, spent)."""
    return (
        select(ProjectSpend.project_id, func.sum(ProjectSpend.amount).label("spent"))
        .group_by(ProjectSpend.project_id)
        .subquery()
    )


def figures(db: Session, grant: Grant) -> GrantFigures:
    """The grant's sums, in one grouped query."""
    spent_by_project = _spent_by_project()
    # Raw øre throughout (the money type would turn each sum into kroner on its own).
    spent = func.coalesce(type_coerce(spent_by_project.c.spent, BigInteger), 0)
    allocated = type_coerce(GrantProject.allocated, BigInteger)
    running = GrantProject.state == P.ALLOCATED
    closed = GrantProject.state == P.CLOSED
    row = db.execute(
        select(
            func.coalesce(func.sum(case((running, allocated), else_=0)), 0),
            func.coalesce(func.sum(spent), 0),
            func.coalesce(func.sum(case((closed, allocated - spent), else_=0)), 0),
            func.coalesce(func.sum(case((closed, spent), else_=0)), 0),
        )
        .select_from(GrantProject)
        .outerjoin(spent_by_project, spent_by_project.c.project_id == GrantProject.id)
        .where(GrantProject.grant_id == grant.id)
    ).one()
    allocated, all_spent, released, closed_spent = (
        (Decimal(value) / 100).quantize(ZERO) for value in row
    )
    return GrantFigures(grant.amount, allocated, all_spent, released, closed_spent)


def allocate(
    db: Session,
    actor: User,
    project: GrantProject,
    amount: Decimal,
    decision: CouncilDecision,
    text: str = "",
) -> GrantProject:
    """An allocation on the council's decision: the region's own council, not before the
    application, spent on nothing else; at most what was applied for, and never beyond what
    the grant has left (the grant's row locked, so two allocations cannot both take it)."""
    _region_staff(actor, project.grant.region_id)
    grant = lock_row(db, Grant, project.grant_id)
    project = lock_row(db, GrantProject, project.id)
    _guard(project, "allocate")
    uses.require_own_and_current(decision, grant.region_id, clock.local_date(project.applied_at))
    if uses.is_spent(db, decision.id):
        raise DomainError(_("This council decision is already used for something else."))
    if amount <= ZERO or amount > project.requested:
        raise DomainError(
            _(
                "Allocate above 0 kr. and at most the %(requested)s applied for.",
                requested=format_money(project.requested),
            )
        )
    left = figures(db, grant).unallocated
    if amount > left:
        raise DomainError(
            _(
                "%(amount)s is beyond the grant: %(left)s of %(granted)s is left.",
                amount=format_money(amount),
                left=format_money(left),
                granted=format_money(grant.amount),
            )
        )
    project.state, project.allocated, project.decision_id = (
        MOVES["allocate"][1],
        amount,
        decision.id,
    )
    project.decided_by_id, project.decided_at, project.decision_text = (
        actor.id,
        clock.now(),
        text.strip(),
    )
    audit.record(
        db, actor, "grant.allocated", project, {"amount": amount, "decision_id": decision.id}
    )
    return project


def refuse(db: Session, actor: User, project: GrantProject, text: str) -> GrantProject:
    _region_staff(actor, project.grant.region_id)
    if not text.strip():
        raise DomainError(_("Give a reason."))
    project = lock_row(db, GrantProject, project.id)
    _guard(project, "refuse")
    project.state, project.decided_by_id, project.decided_at = (
        MOVES["refuse"][1],
        actor.id,
        clock.now(),
    )
    project.decision_text = text.strip()
    audit.record(db, actor, "grant.refused", project, {"text": project.decision_text})
    return project


def report_spend(
    db: Session,
    actor: User,
    project: GrantProject,
    amount: Decimal,
    spent_on: date,
    description: str,
) -> ProjectSpend:
    """The applicant reports what the project spent, within its allocation and its period."""
    if not _is_applicant_of(actor, project):
        raise NotAllowed(_("Only the project's applicant reports its spend."))
    project = lock_row(db, GrantProject, project.id)
    _guard(project, "spend")
    if not description.strip():
        raise DomainError(_("Write what the money was spent on."))
    if amount <= ZERO:
        raise DomainError(_("The amount must be above 0 kr."))
    if not project.starts_on <= spent_on <= min(project.ends_on, clock.today()):
        raise DomainError(_("The spend must lie within the project's period, and not ahead."))
    spent = _spent(db, project.id)
    if spent + amount > project.allocated:
        raise DomainError(
            _(
                "%(amount)s is beyond the allocation: %(left)s of %(allocated)s is left.",
                amount=format_money(amount),
                left=format_money(project.allocated - spent),
                allocated=format_money(project.allocated),
            )
        )
    entry = ProjectSpend(
        project_id=project.id,
        amount=amount,
        spent_on=spent_on,
        description=description.strip(),
        reported_by_id=actor.id,
        reported_at=clock.now(),
    )
    db.add(entry)
    db.flush()
    audit.record(
        db, actor, "grant.spend_reported", project, {"amount": amount, "spent_on": spent_on}
    )
    return entry


def close(db: Session, actor: User, project: GrantProject, text: str) -> GrantProject:
    """The region closes a project: what it did not spend returns to the grant."""
    _region_staff(actor, project.grant.region_id)
    lock_row(db, Grant, project.grant_id)  # the grant's sums change
    project = lock_row(db, GrantProject, project.id)
    _guard(project, "close")
    project.state, project.closed_at = MOVES["close"][1], clock.now()
    released = project.allocated - _spent(db, project.id)
    audit.record(db, actor, "grant.closed", project, {"released": released, "text": text.strip()})
    return project


# --- what people see ----------------------------------------------------------------------------


def grants_of(db: Session, user: User) -> list[Grant]:
    """The grants the user sees, the newest year first."""
    return list(db.scalars(visible_grants(user).order_by(Grant.year.desc(), Grant.kind)))


def visible_grants(user: User):
    """The grants of the user's region (its staff and director, and its jobcentres)."""
    if user.role in (Role.REGION_STAFF, Role.REGIONAL_DIRECTOR):
        return select(Grant).where(Grant.region_id == user.organisation_id)
    if user.role in JOBCENTRE_ROLES:
        return select(Grant).where(Grant.region_id == user.organisation.region_id)
    return select(Grant).where(false())


@dataclass(frozen=True)
class ProjectRow:
    project: GrantProject
    spent: Decimal

    @property
    def unused(self) -> Decimal:
        return (self.project.allocated or ZERO) - self.spent


def project_rows(db: Session, grant: Grant, user: User) -> list[ProjectRow]:
    """The grant's projects the user may see, each with what it spent; one query."""
    spent = _spent_by_project()
    stmt = (
        select(GrantProject, type_coerce(func.coalesce(spent.c.spent, 0), BigInteger))
        .outerjoin(spent, spent.c.project_id == GrantProject.id)
        .where(GrantProject.grant_id == grant.id)
        .order_by(GrantProject.applied_at.desc(), GrantProject.id.desc())
    )
    if user.role not in (Role.REGION_STAFF, Role.REGIONAL_DIRECTOR):
        stmt = stmt.where(GrantProject.applicant_id == user.organisation_id)
    return [
        ProjectRow(project, (Decimal(ore) / 100).quantize(ZERO))
        for project, ore in db.execute(stmt)
    ]


def spend_of(db: Session, project: GrantProject) -> list[ProjectSpend]:
    return list(
        db.scalars(
            select(ProjectSpend)
            .where(ProjectSpend.project_id == project.id)
            .order_by(ProjectSpend.spent_on, ProjectSpend.id)
        )
    )
