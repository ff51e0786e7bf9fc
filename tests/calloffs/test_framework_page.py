"""My frameworks a page at a time, paged in SQL: the same lots, in the same order, with the same
agreements and room left as all the jobcentre's frameworks sorted in memory, and the page's
statements the same however many frameworks there are."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.calloffs import services
from app.evaluation.models import Agreement
from app.targetgroups.models import TargetGroup
from app.tenders.models import Lot, Scope, TenderState
from tests.calloffs.conftest import ODENSE, TODAY, agreement, framework, place
from tests.conftest import login, user
from tests.query_count import queries_for


def in_memory(db, jobcentre, group_id=None) -> list:
    """Every (group, offer) pair of the jobcentre, sorted as the page once sorted them in
    memory: by group name, then as frameworks_for orders the lots (framework, lot)."""
    pairs = sorted(
        (
            (group, offer)
            for offer in services.frameworks_for(db, jobcentre, group_id)
            for group in offer.lot.tender.target_groups
            if group_id is None or group.id == group_id
        ),
        key=lambda pair: pair[0].name,
    )
    return [shown(group, offer) for group, offer in pairs]


def shown(group, offer) -> tuple:
    return (
        group.id,
        offer.lot.id,
        [a.id for a in offer.agreements],
        offer.committed,
        offer.left,
        offer.ends_on,
    )


def paged(db, jobcentre, size, group_id=None) -> list:
    first = services.framework_page(db, jobcentre, group_id, 1, size)
    rows = []
    for number in range(1, first.pages + 1):
        page = services.framework_page(db, jobcentre, group_id, number, size)
        assert page.number == number and page.total == first.total
        assert len(page.items) <= size
        rows += [shown(group, offer) for group, offer in page.items]
    assert len(rows) == first.total
    return rows


@pytest.fixture
def frameworks(db):
    """Frameworks of every kind the page tells apart: regional and national, another region's,
    one under two target groups, one with an ended agreement beside current ones, one whose
    agreements have all ended, a cancelled one, and orders on some."""
    two_groups = framework(db)
    two_groups.tender.target_groups.append(
        db.scalars(select(TargetGroup).where(TargetGroup.name == "Personer med handicap")).one()
    )
    national = framework(db, "NJ", scope=Scope.NATIONAL, target_group="Personer med handicap")
    framework(db, "NJ")  # another region's: not shown
    partly_ended = framework(db, prices=("1000.00", "1100.00", "1200.00"))
    agreement(db, partly_ended, 2).ends_on = TODAY - timedelta(days=1)
    framework(db, ends_on=TODAY - timedelta(days=1))  # ended: not shown
    framework(db, state=TenderState.CANCELLED)  # not shown
    for index in range(4):
        framework(db, "SD" if index % 2 else "HS", scope=Scope.NATIONAL)
    place(db, two_groups, quantity=3)
    place(db, national)
    db.flush()
    return two_groups, national, partly_ended


@pytest.mark.parametrize("size", [1, 2, 3, 25])
def test_the_pages_hold_the_same_lots_in_the_same_order_as_sorting_them_all(db, frameworks, size):
    jobcentre = user(db, ODENSE).organisation
    everything = in_memory(db, jobcentre)
    assert paged(db, jobcentre, size) == everything
    two_groups, _national, partly_ended = frameworks
    assert [row[1] for row in everything].count(two_groups.id) == 2
    ended = agreement(db, partly_ended, 2).id
    assert all(ended not in row[2] for row in everything)


def test_a_target_group_narrows_the_pages_as_it_narrowed_the_whole_list(db, frameworks):
    jobcentre = user(db, ODENSE).organisation
    for group_id in db.scalars(select(TargetGroup.id)):
        assert paged(db, jobcentre, 2, group_id) == in_memory(db, jobcentre, group_id)


def test_a_page_number_beyond_the_last_shows_the_last_page(db, frameworks):
    jobcentre = user(db, ODENSE).organisation
    last = services.framework_page(db, jobcentre, None, 1, 2).pages
    beyond = services.framework_page(db, jobcentre, None, last + 50, 2)
    assert beyond.number == last
    assert beyond.items == services.framework_page(db, jobcentre, None, last, 2).items


def test_the_agreements_of_a_lot_are_in_rank_order_with_only_current_ones(db, frameworks):
    _two_groups, _national, partly_ended = frameworks
    jobcentre = user(db, ODENSE).organisation
    page = services.framework_page(db, jobcentre, None, 1, 500)
    offer = next(offer for _group, offer in page.items if offer.lot.id == partly_ended.id)
    assert [a.rank for a in offer.agreements] == [1, 3]


def test_the_frameworks_page_asks_the_same_statements_for_many_more_lots_than_a_page(
    client, db, app, monkeypatch
):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 3)
    framework(db)
    db.commit()
    login(client, ODENSE)
    few = queries_for(client, app, "/frameworks")
    for index in range(12):
        framework(db, "SD" if index % 3 else "NJ", scope=Scope.NATIONAL)
    db.commit()
    assert queries_for(client, app, "/frameworks") == few
    assert queries_for(client, app, "/frameworks?page=4") == few
    page = client.get("/frameworks?page=2").get_data(as_text=True)
    assert page.count('data-testid="lot-') == 3


def test_an_agreement_loaded_for_the_page_knows_its_lot_without_asking_again(db, frameworks):
    jobcentre = user(db, ODENSE).organisation
    page = services.framework_page(db, jobcentre, None, 1, 3)
    for _group, offer in page.items:
        assert all(isinstance(a, Agreement) and a.lot is offer.lot for a in offer.agreements)


def test_a_page_loads_only_its_own_lots_and_their_agreements(db, frameworks):
    jobcentre = user(db, ODENSE).organisation
    db.expunge_all()
    page = services.framework_page(db, jobcentre, None, 2, 2)
    loaded = {type(o).__name__: 0 for o in db.identity_map.values()}
    for o in db.identity_map.values():
        loaded[type(o).__name__] += 1
    lots = {offer.lot.id for _group, offer in page.items}
    assert loaded.get(Lot.__name__) == len(lots) <= 2
    assert loaded.get(Agreement.__name__) == sum(
        len(offer.agreements) for offer in {o.lot.id: o for _g, o in page.items}.values()
    )


def test_a_target_group_without_frameworks_has_one_empty_page(db):
    jobcentre = user(db, ODENSE).organisation
    group = TargetGroup(name="En målgruppe uden rammer", description="")
    db.add(group)
    db.flush()
    nothing = group.id
    for number in (1, 5):
        page = services.framework_page(db, jobcentre, nothing, number, 2)
        assert (page.items, page.total, page.number, page.pages) == ([], 0, 1, 1)


@pytest.mark.parametrize("number", ["99999999999999999999", "9223372036854775807", "0", "-3", "x"])
def test_an_odd_page_number_shows_a_page_not_a_crash(client, db, frameworks, number):
    db.commit()
    login(client, ODENSE)
    response = client.get(f"/frameworks?page={number}")
    assert response.status_code == 200
    assert 'data-testid="lot-' in response.get_data(as_text=True)
