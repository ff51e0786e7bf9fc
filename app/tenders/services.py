"""The rules of a framework tender: its content, the approval gates, publication, amendments.

Every transition is one function: it checks the actor's role and region, the state, and the
rule; changes the tender; writes the audit entry; tells whoever must act next. Approvals are
bound to the content version they were given to, so any change of content voids them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import clock
from app.audit import services as audit
from app.auth.models import User
from app.auth.roles import Role
from app.auth.services import region_staff
from app.core.errors import DomainError, NotAllowed
from app.core.i18n import gettext as _
from app.core.i18n import kroner_text
from app.councils import uses
from app.councils.models import ContractNeed, CouncilDecision
from app.files.services import store_upload
from app.notifications.services import notify
from app.organisations.models import Organisation, OrganisationKind
from app.targetgroups.models import TargetGroup
from app.tenders.models import (
    Amendment,
    AmendmentKind,
    ApprovalKind,
    AwardCriterion,
    CallOffRule,
    Lot,
    MinimumRequirement,
    Scope,
    Tender,
    TenderApproval,
    TenderDocument,
    TenderState,
)

MAX_AGREEMENT_YEARS = 4
MIN_SUPPLIERS_PER_LOT = 2
TOTAL_WEIGHT = 100
EDITABLE_STATES = (TenderState.DRAFT, TenderState.COUNCIL_INVOLVED, TenderState.APPROVED)
CANCELLABLE_STATES = (
    TenderState.DRAFT,
    TenderState.COUNCIL_INVOLVED,
    TenderState.SUBMITTED,
    TenderState.APPROVED,
    TenderState.PUBLISHED,
    TenderState.BIDDING_CLOSED,
)


@dataclass
class LotInput:
    title: str
    maximum_value: Decimal
    suppliers_to_award: int = MIN_SUPPLIERS_PER_LOT
    description: str = ""
    fewer_suppliers_reason: str = ""


@dataclass
class CriterionInput:
    name: str
    weight: int
    is_price: bool = False


@dataclass
class TenderContent:
    """Everything the region writes into a tender; what the approvals are given to."""

    title: str
    scope: Scope
    target_group_ids: Sequence[int]
    need_id: int | None
    estimated_value: Decimal
    agreement_start: date
    agreement_end: date
    bid_deadline: datetime
    lots: Sequence[LotInput]
    criteria: Sequence[CriterionInput]
    requirements: Sequence[str] = ()
    description: str = ""
    long_period_reason: str = ""
    call_off_rule: CallOffRule = CallOffRule.FREE_CHOICE


# --- who may act ----------------------------------------------------------------------------


def _require_owner(actor: User, tender: Tender) -> None:
    """Region staff of the owning (for national tenders: leading) region."""
    if actor.role != Role.REGION_STAFF or actor.organisation_id != tender.region_id:
        raise NotAllowed(
            _("Only region staff of %(region)s can do this.", region=tender.region.name)
        )


def _require_state(tender: Tender, *states: TenderState) -> None:
    current = tender.current_state
    if current not in states:
        raise DomainError(
            _(
                "This cannot be done while the tender is %(state)s.",
                state=current.label.lower(),
            )
        )


# --- content --------------------------------------------------------------------------------


def four_years_after(start: date) -> date:
    """The last day of an agreement period of four years starting on `start`."""
    try:
        anniversary = start.replace(year=start.year + MAX_AGREEMENT_YEARS)
    except ValueError:  # 29 February
        anniversary = start.replace(year=start.year + MAX_AGREEMENT_YEARS, day=28)
    return anniversary - timedelta(days=1)


def _check_content(db: Session, region: Organisation, content: TenderContent) -> None:
    """Shape is the form's business; these are the rules a tender's content must meet."""
    if not content.title.strip():
        raise DomainError(_("The tender needs a title."))
    if not content.target_group_ids:
        raise DomainError(_("Choose at least one target group."))
    groups = _target_groups(db, content.target_group_ids)
    if len(groups) != len(set(content.target_group_ids)) or not all(g.active for g in groups):
        raise DomainError(_("Choose target groups from the list of active target groups."))
    if content.need_id is None:
        raise DomainError(_("Link the need for the tender in an annual contract."))
    need = db.get(ContractNeed, content.need_id)
    if need is None:
        raise DomainError(_("Link the need for the tender in an annual contract."))
    if content.scope == Scope.REGIONAL and need.contract.council.region_id != region.id:
        raise DomainError(
            _("A regional tender's need must come from the annual contract of its own council.")
        )
    if content.estimated_value <= 0:
        raise DomainError(_("The estimated value must be more than 0 kr."))
    if content.agreement_end <= content.agreement_start:
        raise DomainError(_("The agreement period must end after it starts."))
    if (
        content.agreement_end > four_years_after(content.agreement_start)
        and not content.long_period_reason.strip()
    ):
        raise DomainError(
            _(
                "A framework agreement lasts at most 4 years (here until %(last)s) unless you "
                "give a reason for a longer period.",
                last=four_years_after(content.agreement_start).strftime("%d-%m-%Y"),
            )
        )
    if content.bid_deadline <= clock.now():
        raise DomainError(_("The bid deadline must be in the future."))
    if content.bid_deadline.date() >= content.agreement_start:
        raise DomainError(_("The bid deadline must come before the agreement period starts."))
    if not content.lots:
        raise DomainError(_("A tender needs at least one lot."))
    for number, lot in enumerate(content.lots, start=1):
        if not lot.title.strip():
            raise DomainError(_("Lot %(n)d needs a title.", n=number))
        if lot.maximum_value <= 0:
            raise DomainError(_("Lot %(n)d needs a maximum value above 0 kr.", n=number))
        if lot.suppliers_to_award < 1:
            raise DomainError(_("Lot %(n)d must award at least one supplier.", n=number))
        if (
            lot.suppliers_to_award < MIN_SUPPLIERS_PER_LOT
            and not lot.fewer_suppliers_reason.strip()
        ):
            raise DomainError(
                _(
                    "Lot %(n)d awards fewer than %(min)d suppliers: give the reason, since "
                    "jobcentres should be able to choose between suppliers.",
                    n=number,
                    min=MIN_SUPPLIERS_PER_LOT,
                )
            )
    maximum = sum((lot.maximum_value for lot in content.lots), Decimal("0"))
    if maximum < content.estimated_value:
        raise DomainError(
            _(
                "The lots' maximum values add up to %(max)s, below the estimated value of %(est)s.",
                max=kroner_text(maximum),
                est=kroner_text(content.estimated_value),
            )
        )
    if sum(1 for c in content.criteria if c.is_price) != 1:
        raise DomainError(_("The award criteria must include exactly one price criterion."))
    if any(c.weight <= 0 or not c.name.strip() for c in content.criteria):
        raise DomainError(_("Every award criterion needs a name and a weight above 0."))
    total = sum(c.weight for c in content.criteria)
    if total != TOTAL_WEIGHT:
        raise DomainError(
            _("The weights of the award criteria add up to %(total)d, not 100.", total=total)
        )


def _target_groups(db: Session, ids: Sequence[int]) -> list[TargetGroup]:
    if not ids:
        return []
    return list(db.scalars(select(TargetGroup).where(TargetGroup.id.in_(list(ids)))))


def _apply_content(db: Session, tender: Tender, content: TenderContent) -> None:
    tender.title = content.title.strip()
    tender.description = content.description.strip()
    tender.scope = content.scope
    tender.need_id = content.need_id
    tender.estimated_value = content.estimated_value
    tender.agreement_start = content.agreement_start
    tender.agreement_end = content.agreement_end
    tender.long_period_reason = content.long_period_reason.strip()
    tender.bid_deadline = content.bid_deadline
    tender.call_off_rule = content.call_off_rule
    tender.target_groups = _target_groups(db, content.target_group_ids)
    tender.lots.clear()
    tender.criteria.clear()
    tender.requirements.clear()
    db.flush()  # the old lots go before the new ones take their numbers
    tender.lots.extend(
        Lot(
            number=number,
            title=lot.title.strip(),
            description=lot.description.strip(),
            maximum_value=lot.maximum_value,
            suppliers_to_award=lot.suppliers_to_award,
            fewer_suppliers_reason=lot.fewer_suppliers_reason.strip(),
        )
        for number, lot in enumerate(content.lots, start=1)
    )
    tender.criteria.extend(
        AwardCriterion(position=n, name=c.name.strip(), weight=c.weight, is_price=c.is_price)
        for n, c in enumerate(content.criteria, start=1)
    )
    tender.requirements.extend(
        MinimumRequirement(position=n, text=text.strip())
        for n, text in enumerate((r for r in content.requirements if r.strip()), start=1)
    )


def _summary(tender: Tender) -> dict:
    return {
        "title": tender.title,
        "scope": tender.scope.value,
        "version": tender.content_version,
        "lots": [
            [lot.title, str(lot.maximum_value), lot.suppliers_to_award] for lot in tender.lots
        ],
        "criteria": [[c.name, c.weight] for c in tender.criteria],
        "deadline": tender.bid_deadline.isoformat(),
    }


def next_reference(db: Session, region: Organisation, year: int) -> str:
    if not region.code:
        raise DomainError(_("The region has no code yet; an administrator sets it."))
    prefix = f"RU-{year}-{region.code}-"
    taken = db.scalar(select(func.count()).where(Tender.reference.like(f"{prefix}%"))) or 0
    return f"{prefix}{taken + 1:03d}"


def create_tender(db: Session, actor: User, content: TenderContent) -> Tender:
    """A region's staff draft a tender; for a national tender their region leads."""
    if actor.role != Role.REGION_STAFF:
        raise NotAllowed(_("Only region staff create tenders."))
    region = actor.organisation
    _check_content(db, region, content)
    tender = Tender(
        reference=next_reference(db, region, clock.today().year),
        region=region,
        state=TenderState.DRAFT,
        created_by_id=actor.id,
        title="",
        scope=content.scope,
        estimated_value=content.estimated_value,
        agreement_start=content.agreement_start,
        agreement_end=content.agreement_end,
        bid_deadline=content.bid_deadline,
    )
    db.add(tender)
    _apply_content(db, tender, content)
    db.flush()
    audit.record(db, actor, "tender.created", tender, _summary(tender))
    return tender


def _content_changed(db: Session, actor: User, tender: Tender, action: str, details: dict) -> None:
    """Any change of content voids what was given to the old version and returns to draft."""
    voided = [a.kind.value for a in tender.approvals if a.content_version == tender.content_version]
    tender.content_version += 1
    tender.content_changed_at = clock.now()
    previous_state = tender.state
    tender.state = TenderState.DRAFT
    audit.record(
        db,
        actor,
        action,
        tender,
        {**details, "from_state": previous_state.value, "voided": sorted(voided)},
    )


def update_tender(db: Session, actor: User, tender: Tender, content: TenderContent) -> Tender:
    """Change the content before publication: back to draft, to be approved anew."""
    _require_owner(actor, tender)
    _require_state(tender, *EDITABLE_STATES)
    _check_content(db, tender.region, content)
    _apply_content(db, tender, content)
    db.flush()
    _content_changed(db, actor, tender, "tender.updated", _summary(tender))
    return tender


def add_document(db: Session, actor: User, tender: Tender, filename: str, data: bytes):
    """Before publication a document is content; after it, an amendment (extra document)."""
    _require_owner(actor, tender)
    state = tender.current_state
    if state == TenderState.PUBLISHED:
        stored = store_upload(db, actor, filename, data)
        document = TenderDocument(file=stored)
        tender.documents.append(document)
        db.flush()
        tender.amendments.append(
            Amendment(
                kind=AmendmentKind.DOCUMENT,
                text=stored.filename,
                document=document,
                actor_id=actor.id,
            )
        )
        audit.record(
            db,
            actor,
            "tender.amended",
            tender,
            {"document": stored.filename, "sha256": stored.sha256},
        )
        _notify_published_change(db, tender, _("An extra document was added."))
        return document
    _require_state(tender, *EDITABLE_STATES)
    stored = store_upload(db, actor, filename, data)
    document = TenderDocument(file=stored)
    tender.documents.append(document)
    db.flush()
    _content_changed(
        db,
        actor,
        tender,
        "tender.document_added",
        {"document": stored.filename, "sha256": stored.sha256},
    )
    return document


def remove_document(db: Session, actor: User, tender: Tender, document: TenderDocument) -> None:
    _require_owner(actor, tender)
    _require_state(tender, *EDITABLE_STATES)
    if document.tender_id != tender.id:
        raise DomainError(_("The document does not belong to this tender."))
    name = document.file.filename
    tender.documents.remove(document)
    db.flush()
    _content_changed(db, actor, tender, "tender.document_removed", {"document": name})


# --- the approval gates ----------------------------------------------------------------------


def _users_with_role(db: Session, role: Role) -> list[User]:
    return list(db.scalars(select(User).where(User.role == role, User.active)))


def _link(tender: Tender) -> str:
    return f"/manage/tenders/{tender.id}"


def link_council_decision(
    db: Session, actor: User, tender: Tender, decision: CouncilDecision
) -> TenderApproval:
    """Record that a council decided on this version of the tender."""
    _require_owner(actor, tender)
    _require_state(tender, TenderState.DRAFT)
    council_region = decision.council.region_id
    if decision.decided_on > clock.today():
        raise DomainError(_("A council decision cannot be dated in the future."))
    if tender.content_changed_at and decision.decided_on < clock.local_date(
        tender.content_changed_at
    ):
        raise DomainError(
            _(
                "The decision (%(day)s) is older than this version of the tender: the council "
                "must decide on the changed tender.",
                day=decision.decided_on.strftime("%d-%m-%Y"),
            )
        )
    if tender.scope == Scope.REGIONAL and council_region != tender.region_id:
        raise DomainError(_("A regional tender is decided on by its own region's council."))
    if any(
        a.organisation_id == council_region for a in tender.valid_approvals(ApprovalKind.COUNCIL)
    ):
        raise DomainError(
            _("A decision of %(council)s is already linked.", council=decision.council.name)
        )
    if uses.is_spent(db, decision.id, except_tender_id=tender.id):
        raise DomainError(_("This council decision is already used for something else."))
    approval = TenderApproval(
        kind=ApprovalKind.COUNCIL,
        content_version=tender.content_version,
        organisation_id=council_region,
        actor_id=actor.id,
        decision=decision,
    )
    tender.approvals.append(approval)
    db.flush()
    audit.record(
        db,
        actor,
        "tender.council_decision_linked",
        tender,
        {"decision_id": decision.id, "version": tender.content_version},
    )
    return approval


def _all_regions(db: Session) -> list[Organisation]:
    return list(
        db.scalars(select(Organisation).where(Organisation.kind == OrganisationKind.REGION))
    )


def _missing_regions(db: Session, tender: Tender, kind: ApprovalKind) -> list[Organisation]:
    given = {a.organisation_id for a in tender.valid_approvals(kind)}
    return [region for region in _all_regions(db) if region.id not in given]


def involve_council(db: Session, actor: User, tender: Tender) -> None:
    """draft → council_involved: its own council decided (national: all four councils)."""
    _require_owner(actor, tender)
    _require_state(tender, TenderState.DRAFT)
    if tender.scope == Scope.REGIONAL:
        if not any(
            a.organisation_id == tender.region_id
            for a in tender.valid_approvals(ApprovalKind.COUNCIL)
        ):
            raise DomainError(
                _("Link a decision of the region's council on this version of the tender first.")
            )
    else:
        missing = _missing_regions(db, tender, ApprovalKind.COUNCIL)
        if missing:
            raise DomainError(
                _(
                    "A national tender needs a decision of all four councils on this version; "
                    "missing: %(names)s.",
                    names=", ".join(r.council.name for r in missing),
                )
            )
    tender.state = TenderState.COUNCIL_INVOLVED
    audit.record(db, actor, "tender.council_involved", tender, {"version": tender.content_version})
    if tender.scope == Scope.NATIONAL:
        notify(
            db,
            _users_with_role(db, Role.REGIONAL_DIRECTOR),
            _("National tender %(ref)s waits for your agreement", ref=tender.reference),
            tender.title,
            _link(tender),
        )


def agree_as_director(db: Session, actor: User, tender: Tender) -> TenderApproval:
    """A regional director agrees, for the director's region, to a national tender."""
    if actor.role != Role.REGIONAL_DIRECTOR:
        raise NotAllowed(_("Only a regional director can agree to a national tender."))
    if tender.scope != Scope.NATIONAL:
        raise DomainError(_("Only national tenders need the regional directors' agreement."))
    _require_state(tender, TenderState.COUNCIL_INVOLVED)
    if any(
        a.organisation_id == actor.organisation_id
        for a in tender.valid_approvals(ApprovalKind.DIRECTOR)
    ):
        raise DomainError(_("Your region has already agreed to this version."))
    approval = TenderApproval(
        kind=ApprovalKind.DIRECTOR,
        content_version=tender.content_version,
        organisation_id=actor.organisation_id,
        actor_id=actor.id,
    )
    tender.approvals.append(approval)
    db.flush()
    audit.record(db, actor, "tender.director_agreed", tender, {"version": tender.content_version})
    if not _missing_regions(db, tender, ApprovalKind.DIRECTOR):
        notify(
            db,
            region_staff(db, tender.region_id),
            _(
                "All four regional directors agree to %(ref)s; it can be submitted",
                ref=tender.reference,
            ),
            tender.title,
            _link(tender),
        )
    return approval


def submit(db: Session, actor: User, tender: Tender) -> None:
    """council_involved → submitted, for the ministry's approval."""
    _require_owner(actor, tender)
    _require_state(tender, TenderState.COUNCIL_INVOLVED)
    if tender.scope == Scope.NATIONAL:
        missing = _missing_regions(db, tender, ApprovalKind.DIRECTOR)
        if missing:
            raise DomainError(
                _(
                    "A national tender needs the agreement of all four regional directors; "
                    "missing: %(names)s.",
                    names=", ".join(r.name for r in missing),
                )
            )
    if tender.bid_deadline <= clock.now():
        raise DomainError(_("The bid deadline has passed; change it before submitting."))
    tender.state = TenderState.SUBMITTED
    tender.return_reason = ""
    audit.record(db, actor, "tender.submitted", tender, {"version": tender.content_version})
    if tender.concerns_integration:
        notify(
            db,
            _users_with_role(db, Role.INTEGRATION_MINISTRY),
            _(
                "Tender %(ref)s concerns the integration effort and waits for your agreement",
                ref=tender.reference,
            ),
            tender.title,
            _link(tender),
        )
    else:
        _ask_ministry(db, tender)


def _ask_ministry(db: Session, tender: Tender) -> None:
    notify(
        db,
        _users_with_role(db, Role.MINISTRY),
        _("Tender %(ref)s waits for your approval", ref=tender.reference),
        tender.title,
        _link(tender),
    )


def agree_integration(db: Session, actor: User, tender: Tender) -> TenderApproval:
    """The integration ministry agrees to a tender that touches the integration effort."""
    if actor.role != Role.INTEGRATION_MINISTRY:
        raise NotAllowed(_("Only the Ministry of Integration can give this agreement."))
    _require_state(tender, TenderState.SUBMITTED)
    if not tender.concerns_integration:
        raise DomainError(_("The tender does not concern the integration effort."))
    if tender.valid_approvals(ApprovalKind.INTEGRATION):
        raise DomainError(_("The Ministry of Integration has already agreed to this version."))
    approval = TenderApproval(
        kind=ApprovalKind.INTEGRATION,
        content_version=tender.content_version,
        organisation_id=actor.organisation_id,
        actor_id=actor.id,
    )
    tender.approvals.append(approval)
    db.flush()
    audit.record(
        db, actor, "tender.integration_agreed", tender, {"version": tender.content_version}
    )
    _ask_ministry(db, tender)
    return approval


def approve(db: Session, actor: User, tender: Tender) -> None:
    """submitted → approved, by the Ministry of Employment only."""
    if actor.role != Role.MINISTRY:
        raise NotAllowed(_("Only the Ministry of Employment approves tenders."))
    _require_state(tender, TenderState.SUBMITTED)
    if tender.concerns_integration and not tender.valid_approvals(ApprovalKind.INTEGRATION):
        raise DomainError(
            _(
                "The tender concerns the integration effort: the Ministry of Integration must "
                "agree before it can be approved."
            )
        )
    tender.approvals.append(
        TenderApproval(
            kind=ApprovalKind.MINISTRY,
            content_version=tender.content_version,
            organisation_id=actor.organisation_id,
            actor_id=actor.id,
        )
    )
    tender.state = TenderState.APPROVED
    db.flush()
    audit.record(db, actor, "tender.approved", tender, {"version": tender.content_version})
    notify(
        db,
        region_staff(db, tender.region_id),
        _("Tender %(ref)s is approved and can be published", ref=tender.reference),
        tender.title,
        _link(tender),
    )


def return_to_draft(db: Session, actor: User, tender: Tender, reason: str) -> None:
    """submitted → draft: the ministry or the integration ministry sends it back with reasons."""
    if actor.role not in (Role.MINISTRY, Role.INTEGRATION_MINISTRY):
        raise NotAllowed(_("Only the ministries can return a submitted tender."))
    _require_state(tender, TenderState.SUBMITTED)
    if actor.role == Role.INTEGRATION_MINISTRY and not tender.concerns_integration:
        raise NotAllowed(
            _("The Ministry of Integration can only return tenders for the integration effort.")
        )
    if not reason.strip():
        raise DomainError(_("Give the reasons for returning the tender."))
    tender.state = TenderState.DRAFT
    tender.return_reason = reason.strip()
    tender.returned_by_id = actor.organisation_id
    audit.record(db, actor, "tender.returned", tender, {"reason": reason.strip()})
    notify(
        db,
        region_staff(db, tender.region_id),
        _("Tender %(ref)s was returned", ref=tender.reference),
        reason.strip(),
        _link(tender),
    )


def publish(db: Session, actor: User, tender: Tender) -> None:
    """approved → published: the tender is public and open for bids until the deadline."""
    _require_owner(actor, tender)
    _require_state(tender, TenderState.APPROVED)
    if not tender.valid_approvals(ApprovalKind.MINISTRY):
        raise DomainError(_("The ministry's approval does not cover this version."))
    if tender.bid_deadline <= clock.now():
        raise DomainError(
            _("The bid deadline has passed. Change the deadline (which needs new approvals).")
        )
    tender.state = TenderState.PUBLISHED
    tender.published_at = clock.now()
    audit.record(db, actor, "tender.published", tender, {"version": tender.content_version})


def cancel(db: Session, actor: User, tender: Tender, reason: str) -> None:
    _require_owner(actor, tender)
    _require_state(tender, *CANCELLABLE_STATES)
    from app.evaluation.models import Award  # the award is the next domain; it refers back

    if db.scalar(select(func.count()).where(Award.tender_id == tender.id)):
        raise DomainError(_("The award is decided: the tender can no longer be cancelled."))
    if not reason.strip():
        raise DomainError(_("Give the reason for cancelling the tender."))
    previous = tender.current_state
    tender.state = TenderState.CANCELLED
    tender.cancel_reason = reason.strip()
    audit.record(
        db, actor, "tender.cancelled", tender, {"reason": reason.strip(), "from": previous.value}
    )
    if tender.published_at is not None:
        from app.tenders.questions import notify_followers

        notify_followers(
            db, tender, _("Tender %(ref)s is cancelled", ref=tender.reference), reason.strip()
        )


# --- after publication ---------------------------------------------------------------------


def _notify_published_change(db: Session, tender: Tender, what: str) -> None:
    """Region staff and the suppliers following the tender hear of every amendment."""
    from app.tenders.questions import notify_followers

    subject = _("Tender %(ref)s was amended", ref=tender.reference)
    notify(
        db, region_staff(db, tender.region_id), subject, what, f"/tenders/{tender.id}", email=False
    )
    notify_followers(db, tender, subject, what)


def add_clarification(db: Session, actor: User, tender: Tender, text: str) -> Amendment:
    _require_owner(actor, tender)
    _require_state(tender, TenderState.PUBLISHED)
    if not text.strip():
        raise DomainError(_("Write the clarification."))
    amendment = Amendment(kind=AmendmentKind.CLARIFICATION, text=text.strip(), actor_id=actor.id)
    tender.amendments.append(amendment)
    db.flush()
    audit.record(db, actor, "tender.amended", tender, {"clarification": text.strip()})
    _notify_published_change(db, tender, text.strip())
    return amendment


def extend_deadline(
    db: Session, actor: User, tender: Tender, new_deadline: datetime, reason: str
) -> Amendment:
    """Only a later deadline, only before the current one has passed (it never moves after)."""
    _require_owner(actor, tender)
    if tender.state == TenderState.PUBLISHED and tender.current_state == TenderState.BIDDING_CLOSED:
        raise DomainError(_("The bid deadline has passed; it can no longer be moved."))
    _require_state(tender, TenderState.PUBLISHED)
    if new_deadline <= tender.bid_deadline:
        raise DomainError(_("After publication the deadline can only be made later."))
    if new_deadline.date() >= tender.agreement_start:
        raise DomainError(_("The bid deadline must come before the agreement period starts."))
    if not reason.strip():
        raise DomainError(_("Give the reason for the longer deadline."))
    amendment = Amendment(
        kind=AmendmentKind.DEADLINE,
        reason=reason.strip(),
        old_deadline=tender.bid_deadline,
        new_deadline=new_deadline,
        actor_id=actor.id,
    )
    tender.amendments.append(amendment)
    old = tender.bid_deadline
    tender.bid_deadline = new_deadline
    db.flush()
    audit.record(
        db,
        actor,
        "tender.deadline_extended",
        tender,
        {"old": old.isoformat(), "new": new_deadline.isoformat(), "reason": reason.strip()},
    )
    _notify_published_change(
        db, tender, _("New bid deadline: %(when)s", when=clock.local_text(new_deadline))
    )
    return amendment
