"""Reading tenders: what each user may list, what waits for whom, and the public search."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, and_, exists, false, func, or_, select
from sqlalchemy.orm import Session, selectinload

from app import clock
from app.auth.models import User
from app.auth.roles import Role
from app.core.i18n import lazy_gettext as _l
from app.organisations.models import Organisation, OrganisationKind
from app.targetgroups.models import TargetGroup
from app.tenders.models import (
    ApprovalKind,
    Scope,
    Tender,
    TenderApproval,
    TenderState,
    tender_target_groups,
)


def visible_tenders(user: User) -> Select:
    """The tenders a logged-in user may list (the same rule as Tender.is_visible_to)."""
    stmt = select(Tender)
    if user.role in (Role.ADMIN, Role.MINISTRY, Role.INTEGRATION_MINISTRY):
        return stmt
    if user.role == Role.REGION_STAFF:
        # Their own region's; the others' are on the public list.
        return stmt.where(Tender.region_id == user.organisation_id)
    if user.role == Role.REGIONAL_DIRECTOR:
        # And the national tenders that wait for the directors' agreement.
        return stmt.where(
            or_(
                Tender.region_id == user.organisation_id,
                and_(Tender.scope == Scope.NATIONAL, Tender.state == TenderState.COUNCIL_INVOLVED),
            )
        )
    return stmt.where(false())


def state_condition(state: TenderState, now: datetime):
    """SQL for a state as the clock sees it (bidding_closed is derived from the deadline)."""
    if state == TenderState.BIDDING_CLOSED:
        return and_(Tender.state == TenderState.PUBLISHED, Tender.bid_deadline <= now)
    if state == TenderState.PUBLISHED:
        return and_(Tender.state == TenderState.PUBLISHED, Tender.bid_deadline > now)
    return Tender.state == state


def _has_valid(kind: ApprovalKind, organisation_id=None):
    condition = and_(
        TenderApproval.tender_id == Tender.id,
        TenderApproval.kind == kind,
        TenderApproval.content_version == Tender.content_version,
    )
    if organisation_id is not None:
        condition = and_(condition, TenderApproval.organisation_id == organisation_id)
    return exists().where(condition)


def _agreed_by_all_directors():
    """A national tender that every region's director agreed to, in this version."""
    agreed = (
        select(func.count(func.distinct(TenderApproval.organisation_id)))
        .where(
            TenderApproval.tender_id == Tender.id,
            TenderApproval.kind == ApprovalKind.DIRECTOR,
            TenderApproval.content_version == Tender.content_version,
        )
        .scalar_subquery()
    )
    regions = (
        select(func.count())
        .select_from(Organisation)
        .where(Organisation.kind == OrganisationKind.REGION)
        .scalar_subquery()
    )
    return agreed == regions


def _concerns_integration():
    return exists().where(
        tender_target_groups.c.tender_id == Tender.id,
        tender_target_groups.c.target_group_id == TargetGroup.id,
        TargetGroup.integration_effort,
    )


@dataclass(frozen=True)
class Waiting:
    tender: Tender
    what: str


def waiting_for(db: Session, user: User) -> list[Waiting]:
    """The tenders on which the user's next step is due, with what the step is."""
    now = clock.now()
    rows: list[tuple[Select, object]] = []
    if user.role == Role.REGION_STAFF:
        own = Tender.region_id == user.organisation_id
        rows = [
            (
                select(Tender).where(own, Tender.state == TenderState.DRAFT),
                _l("Link the council's decision and mark the council involved"),
            ),
            (
                select(Tender).where(
                    own,
                    Tender.state == TenderState.COUNCIL_INVOLVED,
                    or_(Tender.scope == Scope.REGIONAL, _agreed_by_all_directors()),
                ),
                _l("Submit for the ministry's approval"),
            ),
            (select(Tender).where(own, Tender.state == TenderState.APPROVED), _l("Publish")),
        ]
    elif user.role == Role.REGIONAL_DIRECTOR:
        rows = [
            (
                select(Tender).where(
                    Tender.scope == Scope.NATIONAL,
                    Tender.state == TenderState.COUNCIL_INVOLVED,
                    ~_has_valid(ApprovalKind.DIRECTOR, user.organisation_id),
                ),
                _l("Agree to the national tender for your region"),
            ),
        ]
    elif user.role == Role.INTEGRATION_MINISTRY:
        rows = [
            (
                select(Tender).where(
                    Tender.state == TenderState.SUBMITTED,
                    _concerns_integration(),
                    ~_has_valid(ApprovalKind.INTEGRATION),
                ),
                _l("Agree, or return with reasons"),
            ),
        ]
    elif user.role == Role.MINISTRY:
        rows = [
            (
                select(Tender).where(
                    Tender.state == TenderState.SUBMITTED,
                    or_(~_concerns_integration(), _has_valid(ApprovalKind.INTEGRATION)),
                ),
                _l("Approve, or return with reasons"),
            ),
        ]
    waiting = []
    for stmt, what in rows:
        stmt = stmt.where(
            or_(Tender.state != TenderState.PUBLISHED, Tender.bid_deadline > now)
        ).order_by(Tender.bid_deadline, Tender.id)
        waiting.extend(Waiting(tender, str(what)) for tender in db.scalars(stmt))
    return waiting


def with_details(stmt: Select) -> Select:
    return stmt.options(selectinload(Tender.target_groups), selectinload(Tender.lots))
