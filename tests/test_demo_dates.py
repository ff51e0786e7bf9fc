"""The demo data is built relative to the day it runs: on any day it shows the same states,
keeps the rules and leaves summary figures and the audit chain intact."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import clock
from app.audit import chain
from app.bids.models import Bid, BidState
from app.calloffs.models import CallOff
from app.complaints.models import Complaint
from app.core import migrations
from app.db import make_engine
from app.demo import create_demo_data
from app.evaluation.models import Award, AwardState, Opening
from app.minicompetitions.models import CompetitionState, MiniCompetition
from app.spend import totals
from app.tenders import lifecycle
from app.tenders.models import CallOffRule, Tender, TenderState

MOMENTS = {
    "the last minutes of a year in Copenhagen": datetime(2027, 12, 31, 22, 45, tzinfo=UTC),
    "the spring change to summer time": datetime(2028, 3, 26, 0, 59, 30, tzinfo=UTC),
    "a leap day": datetime(2028, 2, 29, 12, 0, tzinfo=UTC),
    "the autumn change back, a Sunday": datetime(2030, 10, 27, 1, 30, tzinfo=UTC),
}


@pytest.fixture(scope="module", params=list(MOMENTS), ids=list(MOMENTS))
def demo_built_on(request, app, tmp_path_factory) -> Iterator[tuple[Session, datetime]]:
    """A fresh SQLite database with the demo data built at the moment named (on SQLite whatever
    the suite's database, because only the day matters here); each test reads it at that
    moment."""
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.sqlite'}"
    migrations.upgrade(url)
    engine = make_engine(url)
    session = Session(engine)
    moment = MOMENTS[request.param]
    with app.app_context(), clock.frozen_at(moment):
        create_demo_data(session)
        session.commit()
    try:
        yield session, moment
    finally:
        session.close()
        engine.dispose()


def test_the_demo_shows_every_tender_state_on_any_day(demo_built_on):
    session, moment = demo_built_on
    with clock.frozen_at(moment):
        states = {tender.current_state for tender in session.scalars(select(Tender))}
    assert states == set(TenderState)


def test_the_demo_shows_every_step_that_waits_for_someone_on_any_day(demo_built_on):
    """Bids to open, an award for a second approver, agreements to conclude, each bid state,
    and a cascade to call off from."""
    session, moment = demo_built_on
    with clock.frozen_at(moment):
        today = clock.today()
        tenders = session.scalars(select(Tender)).all()
        opened = set(session.scalars(select(Opening.tender_id)))
        bid_on = set(session.scalars(select(Bid.tender_id).where(Bid.state == BidState.SUBMITTED)))
        unopened = [
            t
            for t in tenders
            if t.current_state == TenderState.BIDDING_CLOSED and t.id in bid_on - opened
        ]
        awards = session.scalars(select(Award)).all()
        proposed = [a for a in awards if a.state == AwardState.PROPOSED]
        to_conclude = [
            a for a in awards if a.state == AwardState.APPROVED and a.standstill_ends_on < today
        ]
        in_standstill = [
            a for a in awards if a.state == AwardState.APPROVED and a.standstill_ends_on >= today
        ]
        cascades = [
            t
            for t in tenders
            if t.current_state == TenderState.ACTIVE and t.call_off_rule == CallOffRule.CASCADE
        ]
    assert unopened and proposed and to_conclude and in_standstill and cascades
    assert set(session.scalars(select(Bid.state))) == set(BidState)
    assert session.scalar(
        select(CallOff.id).where(
            CallOff.choice_reason != "", CallOff.lot_id == cascades[0].lots[0].id
        )
    )


def test_the_demo_shows_a_complaint_that_holds_a_conclusion_on_any_day(demo_built_on):
    """A complaint to the Complaints Board received within a standstill period that is still
    running, so the agreements cannot be concluded (now, nor once the standstill is over)."""
    session, moment = demo_built_on
    with clock.frozen_at(moment):
        today = clock.today()
        held = [
            c
            for c in session.scalars(select(Complaint))
            if c.holds_conclusion
            and c.award.state == AwardState.APPROVED
            and c.award.standstill_ends_on >= today
        ]
        assert held
        assert not lifecycle.NO_COMPLAINT_HOLDS.holds(None, held[0].tender)


def test_the_demo_keeps_its_summary_figures_and_audit_chain_on_any_day(demo_built_on):
    session, _ = demo_built_on
    assert totals.differences(session) == []
    assert chain.verify(session).intact


def test_the_demo_shows_a_mini_competition_open_and_one_won_on_any_day(demo_built_on):
    """A mini-competition open for responses, one evaluated and won that became an order on
    the lot (counted in its running figures), and one the region runs for two jobcentres."""
    session, moment = demo_built_on
    with clock.frozen_at(moment):
        competitions = session.scalars(select(MiniCompetition)).all()
        states = {c.current_state for c in competitions}
    assert {CompetitionState.OPEN, CompetitionState.AWARDED} <= states
    won = next(c for c in competitions if c.state == CompetitionState.AWARDED)
    order = session.get(CallOff, won.call_off_id)
    assert order.lot_id == won.lot_id and order.choice_reason.endswith(won.number)
    regional = [c for c in competitions if c.for_several]
    assert [len(c.shares) for c in regional] == [2]
    with clock.frozen_at(moment):
        assert regional[0].current_state == CompetitionState.OPEN
