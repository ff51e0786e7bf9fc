"""The demo data is built relative to the day it runs: on any day it shows the same states,
keeps the rules and leaves summary figures and the audit chain intact."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import clock, migrations
from app.audit import chain
from app.db import make_engine
from app.demo import create_demo_data
from app.spend import totals
from app.tenders.models import Tender, TenderState

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


def test_the_demo_keeps_its_summary_figures_and_audit_chain_on_any_day(demo_built_on):
    session, _ = demo_built_on
    assert totals.differences(session) == []
    assert chain.verify(session).intact
