"""The supplier's list of bids says what became of them; a draft's amounts read as amounts; the
public tender page invites a company that is not logged in to bid."""

from __future__ import annotations

from datetime import timedelta
from html import unescape

from app import clock
from app.bids import services as bids
from app.evaluation import services as evaluation
from app.tenders import services as tenders
from tests.bids.conftest import BIDDER, RIVAL, content, submit
from tests.conftest import login, user
from tests.evaluation.conftest import second_staff  # noqa: F401 - a fixture
from tests.tenders.conftest import published, staff

THIRD = "leverandoer3@demo.dk"


def _decided(db, second):
    """Three bids on one lot of two places; the award approved, so the letters are out."""
    tender = published(db)
    tender.lots[1:] = []
    submit(db, tender, price="20000")
    submit(db, tender, email=RIVAL, price="16000")
    submit(db, tender, email=THIRD, price="30000")
    with clock.frozen_at(tender.bid_deadline + timedelta(hours=1)):
        evaluation.open_bids(db, staff(db, "NJ"), tender)
        evaluation.declare_no_conflict(db, staff(db, "NJ"), tender)
        criterion = next(c for c in tender.criteria if not c.is_price).id
        for opened in evaluation.opening_of(db, tender).bids:
            evaluation.score(db, staff(db, "NJ"), opened, criterion, 5, "Middel")
        evaluation.propose_award(db, staff(db, "NJ"), tender)
        evaluation.declare_no_conflict(db, second, tender)
        evaluation.approve_award(db, second, tender)
    db.commit()
    return tender


def _row(html: str, bid_id: int) -> str:
    start = html.index(f'data-testid="bid-outcome-{bid_id}"')
    return unescape(html[start : html.index("</td>", start)])


def test_the_bid_list_shows_awarded_and_lost_bids_as_such(client, db, second_staff):  # noqa: F811
    tender = _decided(db, second_staff)
    winner = bids.own_bid(db, user(db, BIDDER), tender)
    loser = bids.own_bid(db, user(db, THIRD), tender)
    login(client, BIDDER)
    assert "Tildelt" in _row(client.get("/bids").get_data(as_text=True), winner.id)
    client.post("/logout")
    login(client, THIRD)
    row = _row(client.get("/bids").get_data(as_text=True), loser.id)
    assert "Ikke tildelt" in row and f"/bids/{loser.id}/letter" in row


def test_a_bid_on_a_cancelled_tender_says_so(client, db):
    tender = published(db)
    bid = submit(db, tender).bid
    tenders.cancel(db, staff(db, "NJ"), tender, "Behovet er væk.")
    db.commit()
    login(client, BIDDER)
    assert "Udbuddet blev annulleret" in _row(client.get("/bids").get_data(as_text=True), bid.id)


def test_a_bid_still_open_shows_its_state(client, db):
    tender = published(db)
    bid = submit(db, tender).bid
    db.commit()
    login(client, BIDDER)
    assert "Afgivet" in _row(client.get("/bids").get_data(as_text=True), bid.id)


def test_a_drafts_amounts_are_formatted_in_the_form(client, db):
    tender = published(db)
    bids.save_draft(db, user(db, BIDDER), tender, content(tender, price="21500.00"))
    db.commit()
    login(client, BIDDER)
    html = client.get(f"/tenders/{tender.id}/bid").get_data(as_text=True)
    assert 'value="21.500,00"' in html and 'value="21500,00"' not in html


def test_the_public_tender_page_invites_a_visitor_to_log_in_or_register(client, db):
    tender = published(db)
    db.commit()
    html = client.get(f"/tenders/{tender.id}").get_data(as_text=True)
    assert 'data-testid="invite-to-bid"' in html
    assert f'href="/login?next=/tenders/{tender.id}"' in html or "next=%2Ftenders" in html
    assert 'href="/register"' in html
    login(client, BIDDER)
    assert 'data-testid="invite-to-bid"' not in client.get(f"/tenders/{tender.id}").get_data(
        as_text=True
    )
