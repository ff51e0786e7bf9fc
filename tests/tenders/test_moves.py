"""The tender's life cycle read from its table: every step is refused from every state it does
not start from, with the same reason; the tender's page offers exactly `next_steps`."""

from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from app import clock
from app.complaints import services as complaints
from app.complaints.services import ComplaintInput
from app.core.errors import DomainError
from app.evaluation import services as evaluation
from app.suppliers.models import Supplier
from app.tenders import questions, services
from app.tenders.lifecycle import MOVES, TenderStep, next_steps, starts_from
from app.tenders.models import Scope, Tender, TenderQuestion, TenderState
from tests.conftest import NOW, login, user
from tests.tenders.conftest import content, decision, director, new_tender, staff

STATES = list(TenderState)

MINISTRY = "ministeriet@demo.dk"
INTEGRATION = "integration@demo.dk"


def _in_state(db, state: TenderState) -> Tender:
    """A national tender of Nordjylland, put straight into the state (as the clock sees it)."""
    tender = new_tender(db, scope=Scope.NATIONAL)
    if state == TenderState.BIDDING_CLOSED:
        tender.state, tender.published_at = TenderState.PUBLISHED, NOW - timedelta(days=40)
        tender.bid_deadline = NOW - timedelta(hours=1)
    else:
        tender.state = state
        if state in (TenderState.PUBLISHED, TenderState.ACTIVE):
            tender.published_at = NOW - timedelta(days=1)
    db.flush()
    assert tender.current_state == state
    return tender


def _integration_user(db):
    return user(db, INTEGRATION)


# Each step as its service takes it, with someone who may take it.
TAKE = {
    TenderStep.LINK_DECISION: lambda db, t: services.link_council_decision(
        db, staff(db, "NJ"), t, decision(db, "NJ")
    ),
    TenderStep.INVOLVE_COUNCIL: lambda db, t: services.involve_council(db, staff(db, "NJ"), t),
    TenderStep.AGREE_AS_DIRECTOR: lambda db, t: services.agree_as_director(
        db, director(db, "NJ"), t
    ),
    TenderStep.DECLINE_AS_DIRECTOR: lambda db, t: services.decline_as_director(
        db, director(db, "NJ"), t, "Vores region har ikke behovet."
    ),
    TenderStep.SUBMIT: lambda db, t: services.submit(db, staff(db, "NJ"), t),
    TenderStep.AGREE_INTEGRATION: lambda db, t: services.agree_integration(
        db, _integration_user(db), t
    ),
    TenderStep.APPROVE: lambda db, t: services.approve(db, user(db, MINISTRY), t),
    TenderStep.RETURN: lambda db, t: services.return_to_draft(db, user(db, MINISTRY), t, "Uklart."),
    TenderStep.PUBLISH: lambda db, t: services.publish(db, staff(db, "NJ"), t),
    TenderStep.CHANGE_CONTENT: lambda db, t: services.update_tender(
        db, staff(db, "NJ"), t, content(db, scope=Scope.NATIONAL)
    ),
    TenderStep.AMEND: lambda db, t: services.add_clarification(
        db, staff(db, "NJ"), t, "Kontraktstart er uændret."
    ),
    TenderStep.EXTEND_DEADLINE: lambda db, t: services.extend_deadline(
        db, staff(db, "NJ"), t, t.bid_deadline + timedelta(days=1), "Mere tid."
    ),
    TenderStep.CANCEL: lambda db, t: services.cancel(db, staff(db, "NJ"), t, "Behovet er væk."),
    TenderStep.DELETE_DRAFT: lambda db, t: services.delete_draft(db, staff(db, "NJ"), t),
    TenderStep.OPEN_BIDS: lambda db, t: evaluation.open_bids(db, staff(db, "NJ"), t),
    TenderStep.DECLARE: lambda db, t: evaluation.declare_no_conflict(db, staff(db, "NJ"), t),
    TenderStep.EVALUATE: lambda db, t: evaluation.reject(
        db, staff(db, "NJ"), _an_opened_bid_of(t), "Opfylder ikke mindstekravene."
    ),
    TenderStep.PROPOSE_AWARD: lambda db, t: evaluation.propose_award(db, staff(db, "NJ"), t),
    TenderStep.APPROVE_AWARD: lambda db, t: evaluation.approve_award(db, staff(db, "NJ"), t),
    TenderStep.SEND_BACK_AWARD: lambda db, t: evaluation.send_back_award(
        db, staff(db, "NJ"), t, "Pointene for kvalitet er ikke begrundet."
    ),
    TenderStep.WITHDRAW_AWARD: lambda db, t: evaluation.withdraw_award(db, staff(db, "NJ"), t),
    TenderStep.CONCLUDE: lambda db, t: evaluation.conclude(db, staff(db, "NJ"), t),
    TenderStep.REGISTER_COMPLAINT: lambda db, t: complaints.register(
        db, staff(db, "NJ"), t, ComplaintInput("Rival Consult ApS", NOW.date(), "24/01234")
    ),
    TenderStep.RECORD_BOARD_DECISION: lambda db, t: complaints.decide_suspension(
        db, staff(db, "NJ"), SimpleNamespace(tender=t), granted=True, decided_on=NOW.date()
    ),
    TenderStep.ANSWER: lambda db, t: questions.answer(
        db, staff(db, "NJ"), _a_question_on(db, t), "Ja, det er muligt."
    ),
}


def _a_question_on(db, tender: Tender) -> TenderQuestion:
    """A supplier's question on the tender (put straight in: asking has its own rules)."""
    supplier = db.scalars(select(Supplier).order_by(Supplier.id)).first()
    question = TenderQuestion(
        tender_id=tender.id, asked_by_supplier_id=supplier.id, text="Må man byde på ét delområde?"
    )
    db.add(question)
    db.flush()
    return question


def _an_opened_bid_of(tender: Tender):
    """What the evaluation's steps on one bid read of it before the guard: its tender."""
    return SimpleNamespace(opening=SimpleNamespace(tender_id=tender.id))


def _refusal(step: TenderStep, state: TenderState) -> str:
    """The reason the table gives: the state's own (`refusals`) or `not_now`'s."""
    own = MOVES[step].refusals.get(state)
    if own is not None:
        return re.escape(str(own))
    return f"This cannot be done while the tender is {state.label.lower()}"


REFUSED = [
    (step, state) for step in TenderStep for state in STATES if state not in MOVES[step].start
]


def test_every_step_has_a_move_and_a_test_taking_it():
    assert set(MOVES) == set(TenderStep) == set(TAKE)


@pytest.mark.parametrize(("step", "state"), REFUSED, ids=[f"{s}-{t}" for s, t in REFUSED])
def test_a_step_is_refused_from_a_state_it_does_not_start_from(db, step, state):
    tender = _in_state(db, state)
    before = tender.state
    with pytest.raises(DomainError, match=_refusal(step, state)):
        TAKE[step](db, tender)
    assert tender.state == before


def test_a_step_into_a_state_goes_there(db):
    tender = _in_state(db, TenderState.SUBMITTED)
    services.return_to_draft(db, user(db, MINISTRY), tender, "Uklart.")
    assert tender.state == MOVES[TenderStep.RETURN].to == TenderState.DRAFT


def test_conclusion_is_a_step_of_the_evaluation_page_not_the_tender_page(db):
    tender = _in_state(db, TenderState.BIDDING_CLOSED)
    assert TenderStep.CONCLUDE not in next_steps(staff(db, "NJ"), tender)
    with pytest.raises(DomainError, match="Open the bids"):
        evaluation.conclude(db, staff(db, "NJ"), tender)


READERS = [
    "region.nordjylland@demo.dk",
    "direktoer.nordjylland@demo.dk",
    "direktoer.midtjylland@demo.dk",
    MINISTRY,
    INTEGRATION,
    "admin@demo.dk",
]


def _offered(html: str) -> set[str]:
    return set(re.findall(r'data-step="([a-z_]+)"', html))


@pytest.mark.parametrize("state", STATES)
def test_the_tender_page_offers_exactly_the_next_steps(app, db, state):
    tender = _in_state(db, state)
    tender_id = tender.id
    db.commit()
    for email in READERS:
        reader = user(db, email)
        tender = db.get(Tender, tender_id)
        if not tender.is_visible_to(reader):
            continue
        expected = {str(step) for step in next_steps(reader, tender)}
        client = app.test_client()
        login(client, email)
        response = client.get(f"/manage/tenders/{tender_id}")
        assert response.status_code == 200, email
        assert _offered(response.get_data(as_text=True)) == expected, email


def test_the_owner_is_offered_the_table_s_steps_of_a_draft(db):
    tender = _in_state(db, TenderState.DRAFT)
    assert next_steps(staff(db, "NJ"), tender) == [
        TenderStep.LINK_DECISION,
        TenderStep.INVOLVE_COUNCIL,
        TenderStep.CHANGE_CONTENT,
        TenderStep.CANCEL,
        TenderStep.DELETE_DRAFT,
    ]
    assert next_steps(staff(db, "MJ"), tender) == []
    assert next_steps(user(db, MINISTRY), tender) == []


def test_the_ministries_are_offered_their_steps_on_a_submitted_tender(db):
    tender = _in_state(db, TenderState.SUBMITTED)
    assert next_steps(user(db, MINISTRY), tender) == [TenderStep.APPROVE, TenderStep.RETURN]
    # Not an integration tender: the integration ministry has nothing to return.
    assert next_steps(_integration_user(db), tender) == [TenderStep.AGREE_INTEGRATION]
    assert next_steps(staff(db, "NJ"), tender) == [TenderStep.CANCEL]


@pytest.mark.parametrize("state", STATES)
def test_the_state_in_sql_is_the_state_the_clock_sees(db, state):
    """Tender.in_states_at is one rule: the same on a tender and in a query, and the work
    list's `starts_from(step)` is the table's start states."""
    tender = _in_state(db, state)
    now = clock.now()
    for asked in [(s,) for s in STATES] + [(TenderState.PUBLISHED, TenderState.BIDDING_CLOSED)]:
        found = db.scalar(
            select(Tender.id).where(Tender.id == tender.id, Tender.in_states_at(asked, now))
        )
        assert (found is not None) == tender.in_states_at(asked, now) == (state in asked), asked
    for step, found in MOVES.items():
        query = select(Tender.id).where(Tender.id == tender.id, starts_from(step, now))
        assert (db.scalar(query) is not None) == (state in found.start), step
