"""Sealed means sealed: the canary, and the matrix of who sees what about a bid, and when.

A unique string goes into a bid (an answer, an attachment's name and its content) and into a
rival's draft. Before the deadline it must appear in no database row in clear, no audit entry,
no message, no log line, and no response to any GET by anyone but the bidding supplier.
"""

from __future__ import annotations

import logging
import uuid

import pytest
from sqlalchemy import select

from app import clock
from app.auth.roles import Role
from app.bids import services
from app.schema import metadata
from tests.access_helpers import every_get_url
from tests.bids.conftest import BIDDER, RIVAL, Attachment, content
from tests.conftest import login, user
from tests.test_access import LOGIN_OF


@pytest.fixture
def canary():
    return f"KANARIE-{uuid.uuid4().hex}"


@pytest.fixture
def sealed_bid(db, tender, canary):
    version = services.submit(
        db,
        user(db, BIDDER),
        tender,
        content(
            tender,
            answer=f"Vores metode {canary}",
            attachments=[Attachment(f"{canary}.txt", f"bilag {canary}".encode())],
        ),
    )
    services.save_draft(
        db, user(db, RIVAL), tender, content(tender, answer=f"kladde {canary[::-1]}")
    )
    db.commit()
    return version


def _database_rows_containing(db, needle: str) -> list[str]:
    found = []
    for table in metadata.sorted_tables:
        for row in db.execute(select(table)):
            for column, value in zip(table.columns, row, strict=True):
                text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
                if needle in text:
                    found.append(f"{table.name}.{column.name}")
    return found


def _responses_containing(app, db, needle, urls, logins):
    leaks = []
    for email in logins:
        client = app.test_client()
        if email:
            login(client, email)
        for url in urls:
            response = client.get(url)
            if needle.encode() in response.data:
                leaks.append(f"{email or 'anonymous'} GET {url}")
    return leaks


def test_the_canary_is_nowhere_but_with_its_own_supplier(
    app, db, tender, sealed_bid, canary, caplog
):
    caplog.set_level(logging.DEBUG)
    bid = sealed_bid.bid
    assert _database_rows_containing(db, canary) == []

    rival_canary = canary[::-1]  # in the rival's draft
    assert _database_rows_containing(db, rival_canary) == []
    urls = every_get_url(db, tender=tender, bid=bid)
    staff = [None, *(email for role, email in LOGIN_OF.items() if role != Role.SUPPLIER)]
    assert _responses_containing(app, db, canary, urls, [*staff, RIVAL]) == []
    assert _responses_containing(app, db, rival_canary, urls, [*staff, BIDDER]) == []

    # Searching for it finds nothing either.
    public = app.test_client().get(f"/tenders?q={canary}").get_data(as_text=True)
    assert "Ingen offentliggjorte udbud matcher søgningen" in public

    # The bidding supplier does see its own bid: the test would catch a real leak.
    own = app.test_client()
    login(own, BIDDER)
    assert canary in own.get(f"/bids/{bid.id}").get_data(as_text=True)
    assert canary not in caplog.text

    # After the deadline the content stays sealed until the opening (a later issue).
    with clock.frozen_at(tender.bid_deadline):
        assert _responses_containing(app, db, canary, urls, [*staff, RIVAL]) == []
    assert _database_rows_containing(db, canary) == []
    assert canary not in caplog.text


NAME = "Akademikerhuset ApS"


def _page(app, email, url):
    client = app.test_client()
    if email:
        login(client, email)
    response = client.get(url)
    return response.status_code, response.data.decode("utf-8", errors="replace")


@pytest.mark.parametrize("phase", ["before", "after"])
def test_who_sees_what_of_a_bid_before_and_after_the_deadline(app, db, tender, sealed_bid, phase):
    bid = sealed_bid.bid
    bid_urls = [
        f"/bids/{bid.id}",
        f"/bids/{bid.id}/versions/1/receipt",
        f"/bids/{bid.id}/versions/1/receipt.pdf",
        f"/bids/{bid.id}/withdraw",
    ]
    moment = tender.bid_deadline if phase == "after" else clock.now()
    with clock.frozen_at(moment):
        for email in [None, RIVAL, *LOGIN_OF.values()]:
            for url in bid_urls:
                status, _ = _page(app, email, url)
                if email == BIDDER:
                    assert status == 200, (email, url)
                elif email is None:
                    assert status == 302, url  # to the login page
                elif email == RIVAL:
                    assert status == 404, url  # another supplier's bid does not exist for it
                else:
                    assert status == 403, (email, url)
            received = f"/manage/tenders/{tender.id}/bids"
            status, html = _page(app, email, received)
            owning_region = email in ("region.nordjylland@demo.dk", "direktoer.nordjylland@demo.dk")
            if owning_region:
                assert status == 200
                assert (NAME in html) == (phase == "after"), (email, phase)
            elif email is None:
                assert status == 302
            elif email == BIDDER:
                assert status == 403  # its own name is in its header; the list is not its
            else:
                assert status in (403, 404) and NAME not in html, (email, status)
            status, html = _page(app, email, "/admin/audit/?action=bid.")
            if email == "admin@demo.dk":
                assert (f'data-object="bids:{bid.id}"' in html) == (phase == "after"), phase
            status, html = _page(app, email, f"/manage/tenders/{tender.id}")
            if status == 200:
                assert NAME not in html and "bid.submitted" not in html
