"""The rules of a framework tender: its content, the approval gates, publication, amendments.

Every transition is one function: it asks the life cycle's table (app/tenders/lifecycle.py)
whether the actor may take the step from the tender's state (`guard`), checks the step's own
rules, takes the step (`move`), writes the audit entry and tells whoever must act next.
Approvals are bound to the content version they were given to, so any change of content voids
them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import clock
from app.audit import services as audit
from app.auth.models import User
from app.auth.roles import Role
from app.auth.services import active_users, region_staff
from app.core.errors import DomainError, NotAllowed
from app.core.i18n import format_date, format_datetime, kroner_text
from app.core.i18n import gettext as _
from app.councils import uses
from app.councils.models import ContractNeed, CouncilDecision
from app.files.services import store_upload
from app.notifications.services import notify
from app.organisations.models import Organisation
from app.organisations.queries import regions
from app.targetgroups.models import TargetGroup
from app.tenders.lifecycle import TenderStep, guard, move
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
from app.tenders.questions import notify_followers

MAX_AGREEMENT_YEARS = 4
MIN_SUPPLIERS_PER_LOT = 2
TOTAL_WEIGHT = 100


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
    extension_options: int = 0
    extension_months: int = 0
    extension_needs_council: bool = False
    price_index: str = ""  # the index prices are regulated by once a year; "" for none
    price_cap: Decimal | None = None  # the largest yearly rise, in percent


# --- content --------------------------------------------------------------------------------


def four_years_after(start: date) -> date:
    """The last day of an agreement period of four years starting on `start`."""
    try:
        anniversary = start.replace(year=start.year + MAX_AGREEMENT_YEARS)
    except ValueError:  # 29 February
        anniversary = start.replace(year=start.year + MAX_AGREEMENT_YEARS, day=28)
    return anniversary - timedelta(days=1)


def _check_content(db: Session, region: Organisation, content: TenderContent) -> None:
    """Shape is the form's business; these are the rules a tender's content must meet, checked
    in this order (the first that fails is the reason given)."""
    _has_a_title(content)
    _target_groups_are_active(db, content)
    _need_comes_from_an_annual_contract(db, region, content)
    _estimated_value_above_zero(content)
    _agreement_period_ends_after_start(content)
    _agreement_period_at_most_four_years_without_reason(content)
    _extension_options_within_four_years(content)
    _price_regulation_names_index_and_cap(content)
    _new_deadline_in_the_future(content.bid_deadline)
    _deadline_before_the_agreement_period(content.bid_deadline, content.agreement_start)
    _every_lot_complete(content.lots)
    _lots_cover_the_estimated_value(content)
    _criteria_one_price_and_weights_of_100(content.criteria)


def _has_a_title(content: TenderContent) -> None:
    if not content.title.strip():
        raise DomainError(_("The tender needs a title."))


def _target_groups_are_active(db: Session, content: TenderContent) -> None:
    if not content.target_group_ids:
        raise DomainError(_("Choose at least one target group."))
    groups = _target_groups(db, content.target_group_ids)
    if len(groups) != len(set(content.target_group_ids)) or not all(g.active for g in groups):
        raise DomainError(_("Choose target groups from the list of active target groups."))


def _need_comes_from_an_annual_contract(
    db: Session, region: Organisation, content: TenderContent
) -> None:
    """A regional tender's need from its own council's annual contract; a national one's from
    any council's."""
    need = db.get(ContractNeed, content.need_id) if content.need_id is not None else None
    if need is None:
        raise DomainError(_("Link the need for the tender in an annual contract."))
    if content.scope == Scope.REGIONAL and need.contract.council.region_id != region.id:
        raise DomainError(
            _("A regional tender's need must come from the annual contract of its own council.")
        )


def _estimated_value_above_zero(content: TenderContent) -> None:
    if content.estimated_value <= 0:
        raise DomainError(_("The estimated value must be more than 0 kr."))


def _agreement_period_ends_after_start(content: TenderContent) -> None:
    if content.agreement_end <= content.agreement_start:
        raise DomainError(_("The agreement period must end after it starts."))


def _agreement_period_at_most_four_years_without_reason(content: TenderContent) -> None:
    last = four_years_after(content.agreement_start)
    if content.agreement_end > last and not content.long_period_reason.strip():
        raise DomainError(
            _(
                "A framework agreement lasts at most 4 years (here until %(last)s) unless you "
                "give a reason for a longer period.",
                last=format_date(last),
            )
        )


#: At most this many options to extend, each of at most this many months.
MAX_EXTENSION_OPTIONS = 3
MAX_EXTENSION_MONTHS = 24


def extended_end(end: date, months: int, times: int = 1) -> date:
    """The agreement period's last day after `times` extensions of `months` each."""
    return end + relativedelta(months=months * times)


def _extension_options_within_four_years(content: TenderContent) -> None:
    if not content.extension_options:
        return
    if not 0 < content.extension_options <= MAX_EXTENSION_OPTIONS:
        raise DomainError(
            _("A tender has at most %(n)d options to extend.", n=MAX_EXTENSION_OPTIONS)
        )
    if not 0 < content.extension_months <= MAX_EXTENSION_MONTHS:
        raise DomainError(
            _(
                "Each option extends the agreements by 1 to %(n)d months.",
                n=MAX_EXTENSION_MONTHS,
            )
        )
    last = four_years_after(content.agreement_start)
    end = extended_end(content.agreement_end, content.extension_months, content.extension_options)
    if end > last and not content.long_period_reason.strip():
        raise DomainError(
            _(
                "With every option used the agreements would run until %(end)s, beyond 4 years "
                "(%(last)s); give fewer or shorter options, or a reason for a longer period.",
                end=format_date(end),
                last=format_date(last),
            )
        )


def _price_regulation_names_index_and_cap(content: TenderContent) -> None:
    if not content.price_index.strip():
        return
    if len(content.price_index.strip()) > 200:
        raise DomainError(_("The index's name is at most 200 characters long."))
    if content.price_cap is None or not Decimal(0) < content.price_cap <= Decimal(100):
        raise DomainError(
            _("Price regulation needs a cap: the largest yearly rise, above 0 and at most 100 %.")
        )


def _new_deadline_in_the_future(new_deadline: datetime) -> None:
    """A deadline being set (not the sealing rule, which is Tender.deadline_passed_at)."""
    if new_deadline <= clock.now():
        raise DomainError(_("The bid deadline must be in the future."))


def _deadline_before_the_agreement_period(deadline: datetime, agreement_start: date) -> None:
    if deadline.date() >= agreement_start:
        raise DomainError(_("The bid deadline must come before the agreement period starts."))


def _every_lot_complete(lots: Sequence[LotInput]) -> None:
    """A title, a maximum value, at least one supplier (fewer than two with a reason)."""
    if not lots:
        raise DomainError(_("A tender needs at least one lot."))
    for number, lot in enumerate(lots, start=1):
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


def _lots_cover_the_estimated_value(content: TenderContent) -> None:
    maximum = sum((lot.maximum_value for lot in content.lots), Decimal("0"))
    if maximum < content.estimated_value:
        raise DomainError(
            _(
                "The lots' maximum values add up to %(max)s, below the estimated value (%(est)s).",
                max=kroner_text(maximum),
                est=kroner_text(content.estimated_value),
            )
        )


def _criteria_one_price_and_weights_of_100(criteria: Sequence[CriterionInput]) -> None:
    if sum(1 for c in criteria if c.is_price) != 1:
        raise DomainError(_("The award criteria must include exactly one price criterion."))
    if any(c.weight <= 0 or not c.name.strip() for c in criteria):
        raise DomainError(_("Every award criterion needs a name and a weight above 0."))
    total = sum(c.weight for c in criteria)
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
    tender.extension_options = content.extension_options
    tender.extension_months = content.extension_months if content.extension_options else 0
    tender.extension_needs_council = bool(
        content.extension_options and content.extension_needs_council
    )
    tender.price_index = content.price_index.strip()
    tender.price_cap = content.price_cap if tender.price_index else None
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


def may_create(actor: User) -> bool:
    """Region staff create tenders (the tenders page offers it to them)."""
    return actor.role == Role.REGION_STAFF


def create_tender(db: Session, actor: User, content: TenderContent) -> Tender:
    """A region's staff draft a tender; for a national tender their region leads."""
    if not may_create(actor):
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
    voided = [a.kind.value for a in tender.current_approvals]
    tender.content_version += 1
    tender.content_changed_at = clock.now()
    previous_state = move(tender, TenderStep.CHANGE_CONTENT)
    audit.record(
        db,
        actor,
        action,
        tender,
        {**details, "from_state": previous_state.value, "voided": sorted(voided)},
    )


def update_tender(db: Session, actor: User, tender: Tender, content: TenderContent) -> Tender:
    """Change the content before publication: back to draft, to be approved anew."""
    guard(actor, tender, TenderStep.CHANGE_CONTENT)
    _check_content(db, tender.region, content)
    _apply_content(db, tender, content)
    db.flush()
    _content_changed(db, actor, tender, "tender.updated", _summary(tender))
    return tender


def add_document(db: Session, actor: User, tender: Tender, filename: str, data: bytes):
    """Before publication a document is content; after it, an amendment (extra document)."""
    published = tender.current_state == TenderState.PUBLISHED
    guard(actor, tender, TenderStep.AMEND if published else TenderStep.CHANGE_CONTENT)
    stored = store_upload(db, actor, filename, data)
    document = TenderDocument(file=stored)
    tender.documents.append(document)
    db.flush()
    details = {"document": stored.filename, "sha256": stored.sha256}
    if not published:
        _content_changed(db, actor, tender, "tender.document_added", details)
        return document
    tender.amendments.append(
        Amendment(
            kind=AmendmentKind.DOCUMENT, text=stored.filename, document=document, actor_id=actor.id
        )
    )
    audit.record(db, actor, "tender.amended", tender, details)
    _notify_published_change(db, tender, _("An extra document was added."))
    return document


def remove_document(db: Session, actor: User, tender: Tender, document: TenderDocument) -> None:
    guard(actor, tender, TenderStep.CHANGE_CONTENT)
    if document.tender_id != tender.id:
        raise DomainError(_("The document does not belong to this tender."))
    name = document.file.filename
    tender.documents.remove(document)
    db.flush()
    _content_changed(db, actor, tender, "tender.document_removed", {"document": name})


# --- the approval gates ----------------------------------------------------------------------


def _link(tender: Tender) -> str:
    return f"/manage/tenders/{tender.id}"


def _tell(db: Session, role: Role, subject: str, tender: Tender) -> None:
    """Everyone with the role hears of the tender, with a link to its work page."""
    notify(db, active_users(db, role), subject, tender.title, _link(tender))


def link_council_decision(
    db: Session, actor: User, tender: Tender, decision: CouncilDecision
) -> TenderApproval:
    """Record that a council decided on this version of the tender."""
    guard(actor, tender, TenderStep.LINK_DECISION)
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
                day=format_date(decision.decided_on),
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
    approval = _add_approval(db, actor, tender, ApprovalKind.COUNCIL, council_region, decision)
    audit.record(
        db,
        actor,
        "tender.council_decision_linked",
        tender,
        {"decision_id": decision.id, "version": tender.content_version},
    )
    return approval


def _add_approval(
    db: Session,
    actor: User,
    tender: Tender,
    kind: ApprovalKind,
    organisation_id: int | None = None,
    decision: CouncilDecision | None = None,
) -> TenderApproval:
    """The actor's approval of the tender's current version, given for the actor's own
    organisation unless another is named."""
    approval = TenderApproval(
        kind=kind,
        content_version=tender.content_version,
        organisation_id=actor.organisation_id if organisation_id is None else organisation_id,
        actor_id=actor.id,
        decision=decision,
    )
    tender.approvals.append(approval)
    db.flush()
    return approval


def missing_regions(db: Session, tender: Tender, kind: ApprovalKind) -> list[Organisation]:
    """The regions (by name) that have not given this kind of approval to this version."""
    given = {a.organisation_id for a in tender.valid_approvals(kind)}
    return [region for region in regions(db) if region.id not in given]


def involve_council(db: Session, actor: User, tender: Tender) -> None:
    """draft → council_involved: its own council decided (national: all four councils)."""
    guard(actor, tender, TenderStep.INVOLVE_COUNCIL)
    if tender.scope == Scope.REGIONAL:
        if not any(
            a.organisation_id == tender.region_id
            for a in tender.valid_approvals(ApprovalKind.COUNCIL)
        ):
            raise DomainError(
                _("Link a decision of the region's council on this version of the tender first.")
            )
    else:
        missing = missing_regions(db, tender, ApprovalKind.COUNCIL)
        if missing:
            raise DomainError(
                _(
                    "A national tender needs a decision of all four councils on this version; "
                    "missing: %(names)s.",
                    names=", ".join(r.council.name for r in missing),
                )
            )
    move(tender, TenderStep.INVOLVE_COUNCIL)
    audit.record(db, actor, "tender.council_involved", tender, {"version": tender.content_version})
    if tender.needs_the_directors:
        _tell(
            db,
            Role.REGIONAL_DIRECTOR,
            _("National tender %(ref)s waits for your agreement", ref=tender.reference),
            tender,
        )


def has_agreed(tender: Tender, kind: ApprovalKind, user: User) -> bool:
    """The user's organisation gave this kind of approval to the tender's current version."""
    return any(a.organisation_id == user.organisation_id for a in tender.valid_approvals(kind))


def agree_as_director(db: Session, actor: User, tender: Tender) -> TenderApproval:
    """A regional director agrees, for the director's region, to a national tender."""
    guard(actor, tender, TenderStep.AGREE_AS_DIRECTOR)
    if has_agreed(tender, ApprovalKind.DIRECTOR, actor):
        raise DomainError(_("Your region has already agreed to this version."))
    approval = _add_approval(db, actor, tender, ApprovalKind.DIRECTOR)
    audit.record(db, actor, "tender.director_agreed", tender, {"version": tender.content_version})
    if not missing_regions(db, tender, ApprovalKind.DIRECTOR):
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
    guard(actor, tender, TenderStep.SUBMIT)
    if tender.needs_the_directors:
        missing = missing_regions(db, tender, ApprovalKind.DIRECTOR)
        if missing:
            raise DomainError(
                _(
                    "A national tender needs the agreement of all four regional directors; "
                    "missing: %(names)s.",
                    names=", ".join(r.name for r in missing),
                )
            )
    if tender.deadline_passed:
        raise DomainError(_("The bid deadline has passed; change it before submitting."))
    move(tender, TenderStep.SUBMIT)
    tender.return_reason = ""
    audit.record(db, actor, "tender.submitted", tender, {"version": tender.content_version})
    if tender.concerns_integration:
        _tell(
            db,
            Role.INTEGRATION_MINISTRY,
            _(
                "Tender %(ref)s concerns the integration effort and waits for your agreement",
                ref=tender.reference,
            ),
            tender,
        )
    else:
        _ask_ministry(db, tender)


def _ask_ministry(db: Session, tender: Tender) -> None:
    _tell(
        db, Role.MINISTRY, _("Tender %(ref)s waits for your approval", ref=tender.reference), tender
    )


def agree_integration(db: Session, actor: User, tender: Tender) -> TenderApproval:
    """The integration ministry agrees to a tender that touches the integration effort."""
    guard(actor, tender, TenderStep.AGREE_INTEGRATION)
    if not tender.concerns_integration:
        raise DomainError(_("The tender does not concern the integration effort."))
    if tender.valid_approvals(ApprovalKind.INTEGRATION):
        raise DomainError(_("The Ministry of Integration has already agreed to this version."))
    approval = _add_approval(db, actor, tender, ApprovalKind.INTEGRATION)
    audit.record(
        db, actor, "tender.integration_agreed", tender, {"version": tender.content_version}
    )
    _ask_ministry(db, tender)
    return approval


def approve(db: Session, actor: User, tender: Tender) -> None:
    """submitted → approved, by the Ministry of Employment only."""
    guard(actor, tender, TenderStep.APPROVE)
    if tender.awaits_integration_agreement:
        raise DomainError(
            _(
                "The tender concerns the integration effort: the Ministry of Integration must "
                "agree before it can be approved."
            )
        )
    _add_approval(db, actor, tender, ApprovalKind.MINISTRY)
    move(tender, TenderStep.APPROVE)
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
    guard(actor, tender, TenderStep.RETURN)
    if not reason.strip():
        raise DomainError(_("Give the reasons for returning the tender."))
    move(tender, TenderStep.RETURN)
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
    guard(actor, tender, TenderStep.PUBLISH)
    if not tender.valid_approvals(ApprovalKind.MINISTRY):
        raise DomainError(_("The ministry's approval does not cover this version."))
    if tender.deadline_passed:
        raise DomainError(
            _("The bid deadline has passed. Change the deadline (which needs new approvals).")
        )
    move(tender, TenderStep.PUBLISH)
    tender.published_at = clock.now()
    audit.record(db, actor, "tender.published", tender, {"version": tender.content_version})


def cancel(db: Session, actor: User, tender: Tender, reason: str) -> None:
    """Any state before the award (the table's condition: no award proposed or decided)."""
    guard(actor, tender, TenderStep.CANCEL)
    if not reason.strip():
        raise DomainError(_("Give the reason for cancelling the tender."))
    previous = move(tender, TenderStep.CANCEL)
    tender.cancel_reason = reason.strip()
    audit.record(
        db, actor, "tender.cancelled", tender, {"reason": reason.strip(), "from": previous.value}
    )
    if tender.published_at is not None:
        notify_followers(
            db, tender, _("Tender %(ref)s is cancelled", ref=tender.reference), reason.strip()
        )


# --- after publication ---------------------------------------------------------------------


def _notify_published_change(db: Session, tender: Tender, what: str) -> None:
    """Region staff and the suppliers following the tender hear of every amendment."""

    subject = _("Tender %(ref)s was amended", ref=tender.reference)
    notify(
        db, region_staff(db, tender.region_id), subject, what, f"/tenders/{tender.id}", email=False
    )
    notify_followers(db, tender, subject, what)


def add_clarification(db: Session, actor: User, tender: Tender, text: str) -> Amendment:
    guard(actor, tender, TenderStep.AMEND)
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
    guard(actor, tender, TenderStep.EXTEND_DEADLINE)
    if new_deadline <= tender.bid_deadline:  # later than the old one, not the sealing rule
        raise DomainError(_("After publication the deadline can only be made later."))
    _deadline_before_the_agreement_period(new_deadline, tender.agreement_start)
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
        db, tender, _("New bid deadline: %(when)s", when=format_datetime(new_deadline))
    )
    return amendment
