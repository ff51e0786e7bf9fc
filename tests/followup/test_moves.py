"""The reaction's table of moves: one table that the step functions' guards, the page's
offered steps (next_steps) and the start page's count read."""

from __future__ import annotations

import pytest

from app.core.errors import DomainError
from app.followup import reactions
from app.followup.models import ReactionState
from app.followup.reactions import MOVES
from tests.conftest import user
from tests.followup.test_reactions import DIRECTOR, MANAGER, opened
from tests.followup.test_results import SD_STAFF

S = ReactionState


def test_every_state_but_closed_has_a_move_and_every_move_leads_to_a_known_state():
    sources = {state for move in MOVES.values() for state in move.source}
    assert sources == set(S) - {S.CLOSED}
    for move in MOVES.values():
        assert all(to == S.CLOSED or to in sources for to in move.to)


def test_a_step_is_refused_outside_the_states_its_move_is_taken_from(db):
    reaction = opened(db)  # in assessment
    assert reaction.state not in MOVES["review"].source
    with pytest.raises(DomainError, match="cannot be done while the case"):
        reactions.review(db, user(db, SD_STAFF), reaction, True, "Bedre")


def test_a_step_cannot_lead_where_its_move_does_not(db):
    reaction = opened(db)
    with pytest.raises(ValueError, match="does not lead to"):
        reactions._step(db, user(db, SD_STAFF), reaction, "assess", "assessed", S.ORDERED)


def test_the_page_offers_what_the_table_says_to_whom_it_says(db):
    reaction = opened(db)
    assert reactions.next_steps(user(db, SD_STAFF), reaction) == ["assess"]
    assert reactions.next_steps(user(db, DIRECTOR), reaction) == []
    assert reactions.next_steps(user(db, MANAGER), reaction) == []
    assert reactions.next_steps(user(db, "region.nordjylland@demo.dk"), reaction) == []


def test_the_states_waiting_for_each_party_come_from_the_table():
    assert reactions.states_of(reactions.SIGNERS) == (S.AWAITING_SIGNATURES,)
    assert reactions.states_of(reactions.MINISTRY) == (S.AT_MINISTRY,)
    assert reactions.states_of(reactions.INTEGRATION_MINISTRY) == (S.AT_INTEGRATION_MINISTRY,)
    assert set(reactions.states_of(reactions.REGION)) == {
        S.ASSESSMENT,
        S.FOLLOWING_CLOSELY,
        S.AGREEMENT_DRAFT,
        S.AWAITING_SIGNATURES,
        S.AGREEMENT_IN_FORCE,
        S.RECOMMENDATION_DRAFT,
        S.ORDERED,
    }
