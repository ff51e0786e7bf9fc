"""Awards at once: the competition's row is locked (FOR UPDATE on PostgreSQL, BEGIN IMMEDIATE
on SQLite) before its state is checked, so that a mini-competition becomes exactly one order;
on PostgreSQL, without the lock, it becomes several. The order itself is counted against the
lot's maximum under the lot's lock, as tests/calloffs/test_concurrency.py races."""

from __future__ import annotations

import contextlib
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import clock
from app.auth.models import User
from app.calloffs.models import CallOff
from app.core import migrations
from app.db import lock_row, make_engine
from app.evaluation.models import Agreement
from app.minicompetitions import services
from app.minicompetitions.models import CompetitionState, MiniCompetition
from app.minicompetitions.services import NeedInput, ResponseInput
from app.tenders.models import AwardCriterion, CallOffRule, Lot
from tests.calloffs.test_concurrency import _all_at_once, _nearly_full_lot, _postgres
from tests.databases import database_beside

AWARDS = 6


@pytest.fixture(scope="module")
def engine(app, tmp_path_factory):  # the app configures the audit chain's key
    """A database of the suite's kind, but the race's own, with a connection per award."""
    own_url = database_beside("competition_race", tmp_path_factory.mktemp("race"))
    migrations.upgrade(own_url)
    engine = make_engine(own_url, pool_size=AWARDS + 2)
    yield engine
    engine.dispose()


def _competition_ready_to_award(engine):
    """A lot of mini-competitions, one competition on it with a scored response, committed;
    and the moment after its deadline."""
    race = _nearly_full_lot(engine, already=1)
    with Session(engine) as session:
        lot = session.get(Lot, race.lot_id)
        lot.call_off_rule = CallOffRule.MINI_COMPETITION
        lot.competition_days = 1
        lot.tender.criteria.extend(
            [
                AwardCriterion(position=1, name="Pris", weight=70, is_price=True),
                AwardCriterion(position=2, name="Kvalitet", weight=30),
            ]
        )
        session.flush()
        jobcentre = session.get(User, race.jobcentre_user_id)
        deadline = clock.now() + timedelta(days=1)
        competition = services.start(
            session,
            jobcentre,
            lot,
            NeedInput(
                description="Et forløb",
                quantity=2,
                starts_on=clock.local_date(deadline) + timedelta(days=1),
                case_reference="RACE-MK",
                response_deadline=deadline,
                weights={c.id: c.weight for c in lot.tender.criteria},
            ),
        )
        quality = services.weighted_quality(competition)
        services.submit_response(
            session,
            session.get(User, race.supplier_user_id),
            competition,
            ResponseInput(Decimal("950.00"), {c.id: "Godt" for c in quality}),
        )
        session.commit()
        with clock.frozen_at(deadline):
            opened = services.opened_responses(session, jobcentre, competition)
            services.score(
                session, jobcentre, competition, {opened[0].response.id: {quality[0].id: 7}}
            )
            session.commit()
        return race, competition.id, deadline


def _award_all_at_once(engine, race, competition_id: int) -> None:
    def award(session, _n: int) -> None:
        actor = session.get(User, race.jobcentre_user_id)
        services.award(session, actor, session.get(MiniCompetition, competition_id))

    _all_at_once(engine, race, list(range(AWARDS)), award)


def _orders(engine, race) -> int:
    with Session(engine) as session:
        return session.scalar(
            select(func.count()).where(
                CallOff.lot_id == race.lot_id, CallOff.case_reference == "RACE-MK"
            )
        )


def test_parallel_awards_of_one_competition_make_exactly_one_order(engine):
    race, competition_id, deadline = _competition_ready_to_award(engine)
    with clock.frozen_at(deadline + timedelta(minutes=5)):
        _award_all_at_once(engine, race, competition_id)
    assert race.errors == []
    assert (len(race.placed), len(race.refused)) == (1, AWARDS - 1)
    assert _orders(engine, race) == 1
    with Session(engine) as session:
        assert session.get(MiniCompetition, competition_id).state == CompetitionState.AWARDED
    # Refused by the state or, on SQLite, by the repeat check of the order under the lot's lock.
    assert all(
        'status "Awarded' in message or "was not placed twice" in message
        for _n, message in race.refused
    )


@pytest.mark.postgres_only
def test_without_the_competitions_lock_the_same_race_makes_several_orders(engine, monkeypatch):
    if not _postgres():
        pytest.skip("the row lock is PostgreSQL's; SQLite serializes every writer")
    race, competition_id, deadline = _competition_ready_to_award(engine)
    everyone_has_read = threading.Barrier(AWARDS)

    def unlocked(db, model, object_id):
        if model is MiniCompetition:
            found = db.get(model, object_id)
            with contextlib.suppress(threading.BrokenBarrierError):
                everyone_has_read.wait(timeout=10)
            return found
        return lock_row(db, model, object_id)

    monkeypatch.setattr(services, "lock_row", unlocked)
    # The order's own repeat check (under the lot's lock) would catch the copies; a case
    # reference of its own for each shows what the competition's lock alone prevents.
    original = services.calloffs.place_competed_order
    counter = iter(range(100))

    def own_case(db, actor, agreement: Agreement, order, unit_price):
        order = type(order)(**{**order.__dict__, "case_reference": f"RACE-MK-{next(counter)}"})
        return original(db, actor, agreement, order, unit_price)

    monkeypatch.setattr(services.calloffs, "place_competed_order", own_case)
    with clock.frozen_at(deadline + timedelta(minutes=5)):
        _award_all_at_once(engine, race, competition_id)
    monkeypatch.undo()
    assert race.errors == []
    assert len(race.placed) > 1
