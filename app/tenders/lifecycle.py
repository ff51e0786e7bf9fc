"""The life cycle of a tender as one table of moves: who takes each step, from which states, to
which state, and what else about the tender it needs (a condition, with its reason). The
services guard every step with it (`guard` first, then the step's own rules, then `move`), and
the pages offer what `next_steps` reads from it.

A step into a state calls `move` once its rules hold; a step with `to=None` leaves the state as
it is (it changes something else: an approval, an amendment, the award) and has no `move` to
call, but it is guarded like every other.

Adding a step (a mini-competition, say) is one entry in MOVES, a TenderStep, and the
service function that calls `guard` and `move`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from sqlalchemy import exists, select
from sqlalchemy.orm import object_session

from app.auth.models import User
from app.auth.roles import Role
from app.complaints.models import HOLDING, Complaint
from app.core.errors import DomainError, NotAllowed
from app.core.i18n import gettext as _
from app.core.i18n import lazy_gettext as _l
from app.evaluation.models import ENDED_AWARD_STATES, Award, AwardState
from app.tenders.models import ApprovalKind, Tender, TenderState


class TenderStep(StrEnum):
    LINK_DECISION = "link_decision"
    INVOLVE_COUNCIL = "involve_council"
    AGREE_AS_DIRECTOR = "agree_as_director"
    DECLINE_AS_DIRECTOR = "decline_as_director"  # back to draft, with the director's reasons
    SUBMIT = "submit"
    AGREE_INTEGRATION = "agree_integration"
    APPROVE = "approve"
    RETURN = "return"
    PUBLISH = "publish"
    CHANGE_CONTENT = "change_content"  # edit, add or remove a document before publication
    AMEND = "amend"  # a clarification, an extra document or a later deadline after publication
    EXTEND_DEADLINE = "extend_deadline"  # a later deadline, while bidding is open
    CANCEL = "cancel"
    DELETE_DRAFT = "delete_draft"  # a draft that never left the region is deleted outright
    OPEN_BIDS = "open_bids"  # after the deadline, once
    DECLARE = "declare"  # an evaluator declares no conflict of interest (also to read later)
    EVALUATE = "evaluate"  # decide on a flagged bid, reject a bid, score a bid
    PROPOSE_AWARD = "propose_award"
    APPROVE_AWARD = "approve_award"  # the second person; the letters go out, the standstill runs
    SEND_BACK_AWARD = "send_back_award"  # the second person, with a reason: the evaluation reopens
    WITHDRAW_AWARD = "withdraw_award"  # the proposer, before approval: the evaluation reopens
    ANSWER = "answer"  # a supplier's question, answered for everyone (not once cancelled)
    CONCLUDE = "conclude"  # the framework agreements are concluded after the award
    REGISTER_COMPLAINT = "register_complaint"  # a complaint to the board against the award
    RECORD_BOARD_DECISION = "record_board_decision"  # suspensive effect, or the final ruling


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
    if not tender.needs_the_directors:
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


# --- what else a step needs ------------------------------------------------------------------


@dataclass(frozen=True)
class Condition:
    """Something a step needs besides its state and who takes it; `refusal` says why not."""

    holds: Callable[[User, Tender], bool]
    refusal: str  # a lazy translatable string


def _no_award(actor: User, tender: Tender) -> bool:
    """No award is proposed or decided for the tender (the award rests on the tender); an award
    the Complaints Board annulled no longer counts."""
    db = object_session(tender)
    return db is None or not db.scalar(
        select(exists().where(Award.tender_id == tender.id, Award.state.not_in(ENDED_AWARD_STATES)))
    )


NO_AWARD = Condition(_no_award, _l("The award is decided: the tender can no longer be cancelled."))


def _returnable_by(actor: User, tender: Tender) -> bool:
    """The integration ministry returns a tender only while its agreement is awaited; once it
    agreed, the Ministry of Employment decides."""
    return actor.role != Role.INTEGRATION_MINISTRY or tender.awaits_integration_agreement


RETURNABLE = Condition(
    _returnable_by, _l("You have agreed. The Ministry of Employment decides on the approval.")
)


def _no_complaint_holds(actor: User, tender: Tender) -> bool:
    """No complaint against the award, received within its standstill period, still waits for
    the board's decision on suspensive effect (or, when the board granted it, for the ruling)."""
    db = object_session(tender)
    return db is None or not db.scalar(
        select(
            exists()
            .where(Complaint.tender_id == tender.id, Complaint.state.in_(HOLDING))
            .where(
                Award.id == Complaint.award_id,
                Award.state == AwardState.APPROVED,
                Complaint.received_on <= Award.standstill_ends_on,
            )
        )
    )


NO_COMPLAINT_HOLDS = Condition(
    _no_complaint_holds,
    _l(
        "A complaint to the Complaints Board for Public Procurement was received within the "
        "standstill period: the agreements cannot be concluded until the board's decision on "
        "suspensive effect is recorded, and if the board grants it, until its ruling."
    ),
)


def _award_decided(actor: User, tender: Tender) -> bool:
    """The award is approved (the letters are out) or concluded, and not annulled."""
    db = object_session(tender)
    return db is not None and bool(
        db.scalar(
            select(
                exists().where(
                    Award.tender_id == tender.id,
                    Award.state.in_((AwardState.APPROVED, AwardState.CONCLUDED)),
                )
            )
        )
    )


AWARD_DECIDED = Condition(
    _award_decided, _l("There is no award decision to complain about: the letters are not out.")
)


def _never_submitted(actor: User, tender: Tender) -> bool:
    """The tender never went to the ministries: no ministry returned it or agreed to or approved
    any version of it (a submitted tender leaves SUBMITTED only by a return or an approval)."""
    return tender.returned_by_id is None and not any(
        a.kind in (ApprovalKind.MINISTRY, ApprovalKind.INTEGRATION) for a in tender.approvals
    )


NEVER_SUBMITTED = Condition(
    _never_submitted,
    _l("The tender has been submitted to the ministry: it can be cancelled, not deleted."),
)


def _award_proposed(actor: User, tender: Tender) -> bool:
    """An award is proposed and waits for the second person's approval."""
    db = object_session(tender)
    return db is not None and bool(
        db.scalar(
            select(exists().where(Award.tender_id == tender.id, Award.state == AwardState.PROPOSED))
        )
    )


AWARD_PROPOSED = Condition(_award_proposed, _l("There is no proposed award waiting for approval."))


def _not_agreed_by_the_actor_s_region(actor: User, tender: Tender) -> bool:
    return not any(
        approval.organisation_id == actor.organisation_id
        for approval in tender.valid_approvals(ApprovalKind.DIRECTOR)
    )


NOT_AGREED_YET = Condition(
    _not_agreed_by_the_actor_s_region, _l("Your region has already agreed to this version.")
)


# --- the table ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Move:
    """A step: who takes it, the states (as the clock sees them) it starts from, the state it
    leads to (None: the state stays; the step changes something else), what else it needs
    (`condition`), and where a state has its own reason for refusing the step (`refusals`;
    otherwise `not_now`)."""

    who: Callable[[User, Tender], None]
    start: tuple[TenderState, ...]
    to: TenderState | None = None
    condition: Condition | None = None
    refusals: Mapping[TenderState, str] = field(default_factory=dict)


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
#: An award may be decided (bidding closed) or its agreements concluded (active).
AWARDED_STATES = (TenderState.BIDDING_CLOSED, TenderState.ACTIVE)
#: Questions are asked while bidding is open and may be answered after; not once cancelled.
QUESTIONS_STATES = (TenderState.PUBLISHED, TenderState.BIDDING_CLOSED, TenderState.ACTIVE)

MOVES: dict[TenderStep, Move] = {
    TenderStep.LINK_DECISION: Move(owning_region_staff, (TenderState.DRAFT,)),
    TenderStep.INVOLVE_COUNCIL: Move(
        owning_region_staff, (TenderState.DRAFT,), TenderState.COUNCIL_INVOLVED
    ),
    TenderStep.AGREE_AS_DIRECTOR: Move(
        regional_director_of_a_national_tender, (TenderState.COUNCIL_INVOLVED,)
    ),
    TenderStep.DECLINE_AS_DIRECTOR: Move(
        regional_director_of_a_national_tender,
        (TenderState.COUNCIL_INVOLVED,),
        TenderState.DRAFT,
        NOT_AGREED_YET,
    ),
    TenderStep.SUBMIT: Move(
        owning_region_staff, (TenderState.COUNCIL_INVOLVED,), TenderState.SUBMITTED
    ),
    TenderStep.AGREE_INTEGRATION: Move(integration_ministry, (TenderState.SUBMITTED,)),
    TenderStep.APPROVE: Move(employment_ministry, (TenderState.SUBMITTED,), TenderState.APPROVED),
    TenderStep.RETURN: Move(
        a_ministry_of_the_tender, (TenderState.SUBMITTED,), TenderState.DRAFT, RETURNABLE
    ),
    TenderStep.PUBLISH: Move(owning_region_staff, (TenderState.APPROVED,), TenderState.PUBLISHED),
    TenderStep.CHANGE_CONTENT: Move(owning_region_staff, EDITABLE_STATES, TenderState.DRAFT),
    TenderStep.AMEND: Move(owning_region_staff, (TenderState.PUBLISHED,)),
    TenderStep.EXTEND_DEADLINE: Move(
        owning_region_staff,
        (TenderState.PUBLISHED,),
        refusals={
            TenderState.BIDDING_CLOSED: _l(
                "The bid deadline has passed; it can no longer be moved."
            )
        },
    ),
    TenderStep.CANCEL: Move(
        owning_region_staff, CANCELLABLE_STATES, TenderState.CANCELLED, NO_AWARD
    ),
    TenderStep.DELETE_DRAFT: Move(
        owning_region_staff, (TenderState.DRAFT,), condition=NEVER_SUBMITTED
    ),
    TenderStep.OPEN_BIDS: Move(
        owning_region_staff,
        (TenderState.BIDDING_CLOSED,),
        refusals={TenderState.PUBLISHED: _l("The bids can only be opened after the deadline.")},
    ),
    TenderStep.DECLARE: Move(owning_region_staff, (TenderState.BIDDING_CLOSED, TenderState.ACTIVE)),
    TenderStep.EVALUATE: Move(owning_region_staff, (TenderState.BIDDING_CLOSED,)),
    TenderStep.PROPOSE_AWARD: Move(owning_region_staff, (TenderState.BIDDING_CLOSED,)),
    TenderStep.APPROVE_AWARD: Move(owning_region_staff, (TenderState.BIDDING_CLOSED,)),
    TenderStep.SEND_BACK_AWARD: Move(
        owning_region_staff, (TenderState.BIDDING_CLOSED,), condition=AWARD_PROPOSED
    ),
    TenderStep.WITHDRAW_AWARD: Move(
        owning_region_staff, (TenderState.BIDDING_CLOSED,), condition=AWARD_PROPOSED
    ),
    TenderStep.CONCLUDE: Move(
        owning_region_staff, (TenderState.BIDDING_CLOSED,), TenderState.ACTIVE, NO_COMPLAINT_HOLDS
    ),
    TenderStep.REGISTER_COMPLAINT: Move(
        owning_region_staff, AWARDED_STATES, condition=AWARD_DECIDED
    ),
    # A decision of the board is recorded whatever became of the award since the complaint.
    TenderStep.RECORD_BOARD_DECISION: Move(owning_region_staff, AWARDED_STATES),
    TenderStep.ANSWER: Move(owning_region_staff, QUESTIONS_STATES),
}


#: Where a page offers a step other than in the tender page's list of next steps: the opening
#: and evaluation pages, and the answer under each question on the tender's page.
PAGES: dict[TenderStep, str] = {
    TenderStep.OPEN_BIDS: "evaluation",
    TenderStep.DECLARE: "evaluation",
    TenderStep.EVALUATE: "evaluation",
    TenderStep.PROPOSE_AWARD: "evaluation",
    TenderStep.APPROVE_AWARD: "evaluation",
    TenderStep.SEND_BACK_AWARD: "evaluation",
    TenderStep.WITHDRAW_AWARD: "evaluation",
    TenderStep.CONCLUDE: "evaluation",
    TenderStep.ANSWER: "questions",
    TenderStep.REGISTER_COMPLAINT: "complaints",
    TenderStep.RECORD_BOARD_DECISION: "complaints",
}


def not_now(tender: Tender) -> str:
    """Why a step is refused in the tender's present state."""
    return _(
        "This cannot be done while the tender is %(state)s.",
        state=tender.current_state.label.lower(),
    )


def require_state(tender: Tender, step: TenderStep) -> None:
    found, state = MOVES[step], tender.current_state
    if state not in found.start:
        raise DomainError(str(found.refusals.get(state) or not_now(tender)))


def require_condition(actor: User, tender: Tender, step: TenderStep) -> None:
    condition = MOVES[step].condition
    if condition is not None and not condition.holds(actor, tender):
        raise DomainError(str(condition.refusal))


def guard(actor: User, tender: Tender, step: TenderStep) -> None:
    """Refuse the step unless the actor may take it, the tender is in a state it starts from,
    and the step's condition holds; the step's own rules come after this."""
    MOVES[step].who(actor, tender)
    require_state(tender, step)
    require_condition(actor, tender, step)


def move(tender: Tender, step: TenderStep) -> TenderState:
    """Take the (guarded) step: the tender goes to the step's state. Returns the state before."""
    before = tender.current_state
    to = MOVES[step].to
    if to is not None:
        tender.state = to
    return before


def starts_from(step: TenderStep, moment: datetime):
    """SQL: the tenders in a state the step starts from, as the clock sees it at `moment`."""
    return Tender.in_states_at(MOVES[step].start, moment)


def allows(user: User, tender: Tender, step: TenderStep) -> bool:
    """Whether the guard lets the user take the step now (without the refusal)."""
    try:
        guard(user, tender, step)
    except (NotAllowed, DomainError):
        return False
    return True


def refusal(user: User, tender: Tender, step: TenderStep) -> str | None:
    """Why the guard refuses the step now (None: it does not), for a page to say so."""
    try:
        guard(user, tender, step)
    except (NotAllowed, DomainError) as err:
        return str(err)
    return None


def next_steps(user: User, tender: Tender, *, page: str = "tender") -> list[TenderStep]:
    """The steps the user may take on the tender now, as the guard sees them, of one page
    (`PAGES`; the tender page's list of next steps by default). The steps' own rules (a
    decision linked, every director agreed, ...) are the services' to check; the page tells
    what is still missing."""
    return [
        step for step in MOVES if PAGES.get(step, "tender") == page and allows(user, tender, step)
    ]


def bid_pages(user: User, tender: Tender) -> list[str]:
    """The owning region's pages about the bids: the bids received from publication on; the
    opening, and for its staff the evaluation and the complaints to the board, once bidding
    has closed."""
    state = tender.current_state
    if user.organisation_id != tender.region_id or state not in BIDS_RECEIVED_STATES:
        return []
    pages = ["received"]
    if state in BIDS_OPENED_STATES:
        pages.append("opening")
        if user.role == Role.REGION_STAFF:
            pages += ["evaluation", "complaints"]
    return pages
