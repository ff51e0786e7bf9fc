"""The life cycle of a tender as one table of moves: who takes each step, from which states, to
which state. The services guard every step with it (`guard`, then `move` once the step's own
rules hold), and the tender's page offers what `next_steps` reads from it.

Adding a step (a complaint, a mini-competition) is one entry in MOVES, a TenderStep, and the
service function that calls `guard` and `move`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from app.auth.models import User
from app.auth.roles import Role
from app.core.errors import DomainError, NotAllowed
from app.core.i18n import gettext as _
from app.tenders.models import Scope, Tender, TenderState


class TenderStep(StrEnum):
    LINK_DECISION = "link_decision"
    INVOLVE_COUNCIL = "involve_council"
    AGREE_AS_DIRECTOR = "agree_as_director"
    SUBMIT = "submit"
    AGREE_INTEGRATION = "agree_integration"
    APPROVE = "approve"
    RETURN = "return"
    PUBLISH = "publish"
    CHANGE_CONTENT = "change_content"  # edit, add or remove a document before publication
    AMEND = "amend"  # a clarification, an extra document or a later deadline after publication
    CANCEL = "cancel"
    CONCLUDE = "conclude"  # the framework agreements are concluded after the award


# --- who may take a step ----------------------------------------------------------------------


def owning_region_staff(actor: User, tender: Tender) -> None:
    """Region staff of the owning (for national tenders: leading) region."""
    if actor.role != Role.REGION_STAFF or actor.organisation_id != tender.region_id:
        raise NotAllowed(
            _("Only region staff of %(region)s can do this.", region=tender.region.name)
        )


def regional_director_of_a_national_tender(actor: User, tender: Tender) -> None:
    if actor.role != Role.REGIONAL_DIRECTOR:
        raise NotAllowed(_("Only a regional director can agree to a national tender."))
    if tender.scope != Scope.NATIONAL:
        raise DomainError(_("Only national tenders need the regional directors' agreement."))


def integration_ministry(actor: User, tender: Tender) -> None:
    if actor.role != Role.INTEGRATION_MINISTRY:
        raise NotAllowed(_("Only the Ministry of Integration can give this agreement."))


def employment_ministry(actor: User, tender: Tender) -> None:
    if actor.role != Role.MINISTRY:
        raise NotAllowed(_("Only the Ministry of Employment approves tenders."))


def a_ministry_of_the_tender(actor: User, tender: Tender) -> None:
    """The ministry returns any submitted tender; the integration ministry only one that
    concerns the integration effort."""
    if actor.role not in (Role.MINISTRY, Role.INTEGRATION_MINISTRY):
        raise NotAllowed(_("Only the ministries can return a submitted tender."))
    if actor.role == Role.INTEGRATION_MINISTRY and not tender.concerns_integration:
        raise NotAllowed(
            _("The Ministry of Integration can only return tenders for the integration effort.")
        )


# --- the table ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Move:
    """A step: who takes it, the states (as the clock sees them) it starts from, the state it
    leads to (None: the state stays; the step changes something else)."""

    who: Callable[[User, Tender], None]
    start: tuple[TenderState, ...]
    to: TenderState | None = None


#: Content may change before publication (and sends the tender back to draft).
EDITABLE_STATES = (TenderState.DRAFT, TenderState.COUNCIL_INVOLVED, TenderState.APPROVED)
CANCELLABLE_STATES = (
    TenderState.DRAFT,
    TenderState.COUNCIL_INVOLVED,
    TenderState.SUBMITTED,
    TenderState.APPROVED,
    TenderState.PUBLISHED,
    TenderState.BIDDING_CLOSED,
)

BIDS_RECEIVED_STATES = (TenderState.PUBLISHED, TenderState.BIDDING_CLOSED, TenderState.ACTIVE)
BIDS_OPENED_STATES = (TenderState.BIDDING_CLOSED, TenderState.ACTIVE)

MOVES: dict[TenderStep, Move] = {
    TenderStep.LINK_DECISION: Move(owning_region_staff, (TenderState.DRAFT,)),
    TenderStep.INVOLVE_COUNCIL: Move(
        owning_region_staff, (TenderState.DRAFT,), TenderState.COUNCIL_INVOLVED
    ),
    TenderStep.AGREE_AS_DIRECTOR: Move(
        regional_director_of_a_national_tender, (TenderState.COUNCIL_INVOLVED,)
    ),
    TenderStep.SUBMIT: Move(
        owning_region_staff, (TenderState.COUNCIL_INVOLVED,), TenderState.SUBMITTED
    ),
    TenderStep.AGREE_INTEGRATION: Move(integration_ministry, (TenderState.SUBMITTED,)),
    TenderStep.APPROVE: Move(employment_ministry, (TenderState.SUBMITTED,), TenderState.APPROVED),
    TenderStep.RETURN: Move(a_ministry_of_the_tender, (TenderState.SUBMITTED,), TenderState.DRAFT),
    TenderStep.PUBLISH: Move(owning_region_staff, (TenderState.APPROVED,), TenderState.PUBLISHED),
    TenderStep.CHANGE_CONTENT: Move(owning_region_staff, EDITABLE_STATES, TenderState.DRAFT),
    TenderStep.AMEND: Move(owning_region_staff, (TenderState.PUBLISHED,)),
    TenderStep.CANCEL: Move(owning_region_staff, CANCELLABLE_STATES, TenderState.CANCELLED),
    TenderStep.CONCLUDE: Move(
        owning_region_staff, (TenderState.BIDDING_CLOSED,), TenderState.ACTIVE
    ),
}


#: Steps taken on another page than the tender's own (the evaluation page).
ON_OTHER_PAGES = (TenderStep.CONCLUDE,)


def not_now(tender: Tender) -> str:
    """Why a step is refused in the tender's present state."""
    return _(
        "This cannot be done while the tender is %(state)s.",
        state=tender.current_state.label.lower(),
    )


def require_state(tender: Tender, step: TenderStep) -> None:
    if tender.current_state not in MOVES[step].start:
        raise DomainError(not_now(tender))


def guard(actor: User, tender: Tender, step: TenderStep) -> None:
    """Refuse the step unless the actor may take it and the tender is in a state it starts
    from; the step's own rules come after this."""
    MOVES[step].who(actor, tender)
    require_state(tender, step)


def move(tender: Tender, step: TenderStep) -> TenderState:
    """Take the (guarded) step: the tender goes to the step's state. Returns the state before."""
    before = tender.current_state
    to = MOVES[step].to
    if to is not None:
        tender.state = to
    return before


def may(user: User, tender: Tender, who: Callable[[User, Tender], None]) -> bool:
    """Whether the user passes a who-check (without the refusal)."""
    try:
        who(user, tender)
    except (NotAllowed, DomainError):
        return False
    return True


def next_steps(user: User, tender: Tender) -> list[TenderStep]:
    """The steps the user may take on the tender now (what its page offers). The steps' own
    rules (a decision linked, every director agreed, ...) are the services' to check; the page
    tells what is still missing."""
    state = tender.current_state
    return [
        step
        for step, found in MOVES.items()
        if step not in ON_OTHER_PAGES and state in found.start and may(user, tender, found.who)
    ]


def bid_pages(user: User, tender: Tender) -> list[str]:
    """The owning region's pages about the bids: the bids received from publication on; the
    opening, and for its staff the evaluation, once bidding has closed."""
    state = tender.current_state
    if user.organisation_id != tender.region_id or state not in BIDS_RECEIVED_STATES:
        return []
    pages = ["received"]
    if state in BIDS_OPENED_STATES:
        pages.append("opening")
        if user.role == Role.REGION_STAFF:
            pages.append("evaluation")
    return pages
