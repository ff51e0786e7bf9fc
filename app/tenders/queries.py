"""Reading tenders: what each user may list, what waits for whom, and the public search."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import Select, and_, case, exists, false, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from app import clock
from app.audit import sealed, words
from app.audit.models import AuditEntry
from app.auth.models import User
from app.auth.roles import Role
from app.clock import COPENHAGEN
from app.core.i18n import lazy_gettext as _l
from app.councils import uses
from app.councils.models import AnnualContract, ContractNeed, CouncilDecision
from app.evaluation.models import ENDED_AWARD_STATES, Award, AwardState, Opening
from app.organisations.models import Council, Organisation, OrganisationKind
from app.targetgroups.models import TargetGroup
from app.tenders.lifecycle import TenderStep, starts_from
from app.tenders.models import (
    ApprovalKind,
    Lot,
    Scope,
    Tender,
    TenderApproval,
    TenderQuestion,
    TenderState,
    tender_target_groups,
)
from app.web.pagination import any_contains, contains_pattern


def text_matches(text: str):
    """A condition: the text is in the tender's title, reference or description, or in the
    title of one of its lots."""
    return or_(
        any_contains(text, Tender.title, Tender.reference, Tender.description),
        Tender.lots.any(Lot.title.ilike(contains_pattern(text), escape="\\")),
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
        return stmt.where(or_(Tender.region_id == user.organisation_id, Tender.asks_the_directors))
    return stmt.where(false())


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


def _awaits_integration_agreement():
    """SQL for Tender.awaits_integration_agreement."""
    return and_(_concerns_integration(), ~_has_valid(ApprovalKind.INTEGRATION))


@dataclass(frozen=True)
class Waiting:
    tender: Tender
    what: str
    endpoint: str = "tenders.manage_detail"  # where the step is taken (takes tender_id)
    step: TenderStep | None = None


def _unanswered_question():
    return exists().where(
        TenderQuestion.tender_id == Tender.id, TenderQuestion.answered_at.is_(None)
    )


def _opened():
    return exists().where(Opening.tender_id == Tender.id)


def _award_in(state: AwardState, condition):
    """SQL: the tender has an award in the state, and the condition holds of it."""
    return exists().where(Award.tender_id == Tender.id, Award.state == state, condition)


def _live_award():
    return exists().where(Award.tender_id == Tender.id, Award.state.not_in(ENDED_AWARD_STATES))


def waiting_for(db: Session, user: User, tender_id: int | None = None) -> list[Waiting]:
    """The tenders on which the user's next step is due, with what the step is and the page
    it is taken on: the tenders in a state the step starts from (the life cycle's table),
    with the step's own rule as SQL. One query per kind of step; `tender_id`: one tender's."""
    now = clock.now()
    rows: list[tuple[TenderStep, object, object, str]] = []
    detail = "tenders.manage_detail"
    if user.role == Role.REGION_STAFF:
        own = Tender.region_id == user.organisation_id
        rows = [
            (
                TenderStep.LINK_DECISION,
                own,
                _l("Link the council's decision and mark the council involved"),
                detail,
            ),
            (
                TenderStep.SUBMIT,
                and_(own, or_(Tender.scope == Scope.REGIONAL, _agreed_by_all_directors())),
                _l("Submit for the ministry's approval"),
                detail,
            ),
            (TenderStep.PUBLISH, own, _l("Publish"), detail),
            (
                TenderStep.ANSWER,
                and_(own, _unanswered_question()),
                _l("Answer the suppliers' questions"),
                detail,
            ),
            (
                TenderStep.OPEN_BIDS,
                and_(own, ~_opened()),
                _l("The bid deadline has passed: open the bids"),
                "evaluation.opening",
            ),
            (
                TenderStep.PROPOSE_AWARD,
                and_(own, _opened(), ~_live_award()),
                _l("Evaluate the bids and propose the award"),
                "evaluation.evaluation",
            ),
            (
                TenderStep.APPROVE_AWARD,
                and_(own, _award_in(AwardState.PROPOSED, Award.proposed_by_id != user.id)),
                _l("Approve the proposed award, or send it back"),
                "evaluation.evaluation",
            ),
            (
                TenderStep.CONCLUDE,
                and_(
                    own,
                    _award_in(AwardState.APPROVED, Award.standstill_ends_on < clock.today()),
                ),
                _l("The standstill period is over: conclude the framework agreements"),
                "evaluation.evaluation",
            ),
        ]
    elif user.role == Role.REGIONAL_DIRECTOR:
        rows = [
            (
                TenderStep.AGREE_AS_DIRECTOR,
                and_(
                    Tender.asks_the_directors,
                    ~_has_valid(ApprovalKind.DIRECTOR, user.organisation_id),
                ),
                _l("Agree to the national tender for your region, or decline it"),
                detail,
            ),
        ]
    elif user.role == Role.INTEGRATION_MINISTRY:
        rows = [
            (
                TenderStep.AGREE_INTEGRATION,
                _awaits_integration_agreement(),
                _l("Agree, or return with reasons"),
                detail,
            ),
        ]
    elif user.role == Role.MINISTRY:
        rows = [
            (
                TenderStep.APPROVE,
                ~_awaits_integration_agreement(),
                _l("Approve, or return with reasons"),
                detail,
            ),
        ]
    waiting = []
    for step, rule, what, endpoint in rows:
        stmt = (
            select(Tender)
            .where(starts_from(step, now), rule)
            .order_by(Tender.bid_deadline, Tender.id)
        )
        if tender_id is not None:
            stmt = stmt.where(Tender.id == tender_id)
        waiting.extend(Waiting(tender, str(what), endpoint, step) for tender in db.scalars(stmt))
    return waiting


def linkable_decisions(db: Session, tender: Tender) -> list[CouncilDecision]:
    """The council decisions a draft may link, as the link's rules see them: not spent on
    anything else (the councils' register of uses), not dated in the future nor before this
    version of the tender, of a council not yet linked to this version; for a regional tender,
    its own region's council's only. Newest first."""
    spent = uses.spent_decisions(except_tender_id=tender.id).subquery()
    linked_councils = [a.organisation_id for a in tender.valid_approvals(ApprovalKind.COUNCIL)]
    stmt = (
        select(CouncilDecision)
        .join(Council)
        .where(
            CouncilDecision.id.not_in(select(spent.c[0])),
            CouncilDecision.decided_on <= clock.today(),
        )
        .order_by(CouncilDecision.decided_on.desc(), CouncilDecision.id.desc())
    )
    if tender.content_changed_at is not None:
        stmt = stmt.where(CouncilDecision.decided_on >= clock.local_date(tender.content_changed_at))
    if linked_councils:
        stmt = stmt.where(Council.region_id.not_in(linked_councils))
    if tender.scope == Scope.REGIONAL:
        stmt = stmt.where(Council.region_id == tender.region_id)
    return list(db.scalars(stmt))


def council_decisions(db: Session) -> list[CouncilDecision]:
    return list(db.scalars(select(CouncilDecision)))


def with_details(stmt: Select) -> Select:
    return stmt.options(selectinload(Tender.target_groups), selectinload(Tender.lots))


# --- the public search, and the lists a tender's forms choose from ------------------------------


@dataclass(frozen=True)
class PublicSearch:
    """The public list's filters, as typed (empty: no filter)."""

    text: str = ""
    region_id: int | None = None
    target_group_id: int | None = None
    scope: str = ""
    status: str = ""  # open, closed, cancelled or active
    deadline_from: date | None = None
    deadline_to: date | None = None


#: The public list's status filter: each value a state as the clock sees it.
PUBLIC_STATUSES = {
    "open": TenderState.PUBLISHED,
    "closed": TenderState.BIDDING_CLOSED,
    "cancelled": TenderState.CANCELLED,
    "active": TenderState.ACTIVE,
}


def public_search(search: PublicSearch, now: datetime) -> Select:
    """The published tenders (open, closed, cancelled after publication, active) matching the
    filters, latest deadline first; a filter with an unknown value is left out."""
    # The list shows each tender's target groups, not its lots.
    stmt = select(Tender).where(Tender.published_at.is_not(None))
    stmt = stmt.options(selectinload(Tender.target_groups))
    if search.text:
        stmt = stmt.where(text_matches(search.text))
    if search.region_id:
        stmt = stmt.where(Tender.region_id == search.region_id)
    if search.target_group_id:
        stmt = stmt.where(Tender.target_groups.any(TargetGroup.id == search.target_group_id))
    if search.scope in Scope.__members__.values():
        stmt = stmt.where(Tender.scope == Scope(search.scope))
    if search.status in PUBLIC_STATUSES:
        stmt = stmt.where(Tender.in_states_at((PUBLIC_STATUSES[search.status],), now))
    if search.deadline_from:
        start = datetime.combine(search.deadline_from, time.min, COPENHAGEN)
        stmt = stmt.where(Tender.bid_deadline >= start)
    if search.deadline_to:
        end = datetime.combine(search.deadline_to, time.max, COPENHAGEN)
        stmt = stmt.where(Tender.bid_deadline <= end)
    return stmt.order_by(Tender.bid_deadline.desc(), Tender.id.desc())


def contract_needs(db: Session, first_region_id: int | None = None):
    """Every council's needs in the annual contracts (id, description, year, council's name),
    those of the given region's council first, then by council, newest year first."""
    own_first = case((Council.region_id == first_region_id, 0), else_=1)
    return db.execute(
        select(ContractNeed.id, ContractNeed.description, AnnualContract.year, Council.name)
        .join(AnnualContract, ContractNeed.contract_id == AnnualContract.id)
        .join(Council, AnnualContract.council_id == Council.id)
        .order_by(own_first, Council.name, AnnualContract.year.desc(), ContractNeed.id)
    ).all()


# --- a tender's history, from the audit trail -------------------------------------------------


@dataclass(frozen=True)
class HistoryLine:
    entry: AuditEntry
    what: str
    reason: str


def may_read_history(user: User, tender: Tender) -> bool:
    """The owning (leading) region's staff and director read who did what on its tender."""
    return (
        user.role in (Role.REGION_STAFF, Role.REGIONAL_DIRECTOR)
        and user.organisation_id == tender.region_id
    )


def history(db: Session, tender: Tender) -> list[HistoryLine]:
    """Everything the audit trail holds about the tender, oldest first; what is about sealed
    bids stays out until the deadline."""
    entries = db.scalars(
        select(AuditEntry)
        .options(joinedload(AuditEntry.actor))
        .where(
            AuditEntry.object_type == Tender.__tablename__,
            AuditEntry.object_id == tender.id,
            sealed.shown_at(clock.now()),
        )
        .order_by(AuditEntry.id)  # the order written (an entry may wait to be linked)
    )
    return [
        HistoryLine(
            entry,
            words.action_text(entry.action),
            str((entry.changes or {}).get("reason") or ""),
        )
        for entry in entries
    ]
