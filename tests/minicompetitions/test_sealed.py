"""Sealed means sealed for mini-competition responses too: the canary of tests/bids/test_sealed.py
goes into a response (its answer) and a rival's response. Before the deadline it appears in no
database row in clear, no audit entry, no message, no log line, and no response to any GET by
anyone but the responding supplier; after the deadline only the jobcentre's evaluation shows it."""

from __future__ import annotations

import logging
import uuid

import pytest

from app import clock
from app.auth.roles import Role
from tests.access_helpers import every_get_url
from tests.bids.test_sealed import _database_rows_containing, _responses_containing
from tests.conftest import login, user
from tests.minicompetitions.conftest import ODENSE, SUPPLIER_USERS, respond, started
from tests.test_access import LOGIN_OF

BIDDER, RIVAL, OTHER = SUPPLIER_USERS


@pytest.fixture
def canary():
    return f"KANARIE-{uuid.uuid4().hex}"


@pytest.fixture
def sealed_response(db, canary):
    competition = started(db)
    respond(db, competition, BIDDER, "950.00", answer=f"Vores metode {canary}")
    respond(db, competition, RIVAL, "1100.00", answer=f"kladde {canary[::-1]}")
    db.commit()
    return competition


def test_the_canary_in_a_response_is_nowhere_but_with_its_own_supplier(
    app, db, sealed_response, canary, caplog
):
    caplog.set_level(logging.DEBUG)
    competition = sealed_response
    assert _database_rows_containing(db, canary) == []
    rival_canary = canary[::-1]
    assert _database_rows_containing(db, rival_canary) == []
    urls = [
        *every_get_url(db, competition=competition),
        f"/mini-competitions/{competition.id}",
        f"/mini-competitions/{competition.id}/evaluate",
        f"/mini-competitions/{competition.id}/award",
        "/mini-competitions",
        "/admin/audit/?action=minicompetition.",
    ]
    others = [None, *(email for role, email in LOGIN_OF.items() if role != Role.SUPPLIER)]
    others.append(ODENSE)  # the jobcentre that started it
    assert _responses_containing(app, db, canary, urls, [*others, RIVAL, OTHER]) == []
    assert _responses_containing(app, db, rival_canary, urls, [*others, BIDDER, OTHER]) == []

    # The responding supplier does see its own response: the test would catch a real leak.
    own = app.test_client()
    login(own, BIDDER)
    assert canary in own.get(f"/mini-competitions/{competition.id}").get_data(as_text=True)
    assert canary not in caplog.text

    # After the deadline the jobcentre's evaluation opens it, and nobody else's page shows it.
    with clock.frozen_at(competition.response_deadline):
        jobcentre = app.test_client()
        login(jobcentre, ODENSE)
        page = jobcentre.get(f"/mini-competitions/{competition.id}/evaluate")
        assert canary in page.get_data(as_text=True)
        assert _responses_containing(app, db, canary, urls, [*others[:-1], RIVAL, OTHER]) == []
    assert _database_rows_containing(db, canary) == []
    assert canary not in caplog.text


def test_a_response_is_received_to_the_second_and_its_existence_is_sealed(app, db):
    competition = started(db)
    respond(db, competition, BIDDER, "950.00")
    db.commit()
    jobcentre = app.test_client()
    login(jobcentre, ODENSE)
    page = jobcentre.get(f"/mini-competitions/{competition.id}").get_data(as_text=True)
    assert "forseglet" in page  # "sealed until the deadline", in Danish
    assert user(db, BIDDER).organisation.name in page  # among the invited, not as a responder
    assert jobcentre.get(f"/mini-competitions/{competition.id}/evaluate").status_code == 409
