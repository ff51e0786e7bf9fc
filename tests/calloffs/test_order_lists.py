"""The order lists' SQL states who sees which order a second time (CallOff.is_visible_to states
it first): the two must agree for a region, and the region's list is asked without joining the
tables it only filters by."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select

from app.calloffs import services
from app.calloffs.models import CallOff
from app.tenders.models import Scope
from tests.calloffs.conftest import AALBORG, ODENSE, framework, place
from tests.conftest import login, user

REGION_READERS = [
    "region.syddanmark@demo.dk",
    "direktoer.syddanmark@demo.dk",
    "region.nordjylland@demo.dk",
    "region.hovedstaden@demo.dk",
]


@pytest.fixture
def orders(db):
    """An order of every kind a region tells apart: on its own regional and national
    frameworks by its own and other regions' jobcentres, and on other regions' national and
    regional frameworks by its own jobcentres."""
    placed = []
    for code in ("SD", "NJ"):
        for scope in (Scope.REGIONAL, Scope.NATIONAL):
            lot = framework(db, code, scope=scope)
            for email in (ODENSE, AALBORG):
                if scope == Scope.REGIONAL and code != {ODENSE: "SD", AALBORG: "NJ"}[email]:
                    continue  # a regional framework covers only its own region's jobcentres
                placed.append(place(db, lot, email=email))
    db.flush()
    return placed


@pytest.mark.parametrize("email", REGION_READERS)
def test_a_regions_order_list_finds_exactly_the_orders_it_may_see(db, orders, email):
    reader = user(db, email)
    listed = set(db.scalars(services.visible_orders(reader).with_only_columns(CallOff.id)))
    seen = {o.id for o in db.scalars(select(CallOff)) if o.is_visible_to(reader)}
    assert listed == seen
    mine = {o.id for o in orders}
    if email.endswith("syddanmark@demo.dk") or email.endswith("nordjylland@demo.dk"):
        assert listed & mine  # the regions of the frameworks and jobcentres above see some
    else:
        assert not listed & mine


def test_the_regions_order_page_joins_only_what_it_shows(client, db, app, orders):
    login(client, "region.syddanmark@demo.dk")
    engine = app.extensions["database"].engine
    statements = []

    def keep(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", keep)
    try:
        page = client.get("/orders").get_data(as_text=True)
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    listing = next(s for s in statements if "FROM call_offs" in s and "ORDER BY" in s)
    joined = listing.split("WHERE")[0]  # the subqueries that filter come after
    assert "JOIN agreements" not in joined and "JOIN tenders" not in joined
    assert all(
        o.number in page for o in orders if o.is_visible_to(user(db, "region.syddanmark@demo.dk"))
    )
