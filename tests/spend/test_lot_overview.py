"""The region dashboard's lots sorted and cut in SQL: the same lots, in the same order, as all
of them sorted in memory (by share rounded as Decimal rounds it, then framework and lot), the
same warnings and endings, the same counts, and the page's statements the same for more lots."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.spend import figures
from app.spend.models import LotTotal
from app.targetgroups.models import TargetGroup
from tests.calloffs.conftest import TODAY, framework
from tests.conftest import login
from tests.query_count import queries_for

SD_STAFF = "region.syddanmark@demo.dk"
HANDICAP = "Personer med handicap"

#: (maximum, committed, agreements end in days): shares on each side of 80 %, a share that
#: rounds to 80.00 without reaching it, halves rounded to even, ties, no maximum, no orders.
LOTS = [
    ("1000.00", "800.00", 400),
    ("3.00", "2.40", 180),  # exactly 80 %
    ("100000.00", "79996.00", 181),  # 79.996 %: shown as 80.00, no warning
    ("100000.00", "79996.00", 30),
    ("8.00", "0.01", 100),  # 0.125 %: 0.12
    ("8.00", "0.03", 100),  # 0.375 %: 0.38
    ("8.00", "0.05", 700),  # 0.625 %: 0.62
    ("100.00", "100.00", 10),
    ("0.00", "0.00", 90),  # no maximum: 100 %
    ("5000.00", None, 179),
    ("5000.00", None, 700),
    ("2000.00", "1000.00", 0),
    ("4000.00", "2000.00", 200),
]


@pytest.fixture
def lots(db):
    made = []
    for maximum, committed, days in LOTS:
        lot = framework(db, maximum=maximum, ends_on=TODAY + timedelta(days=days))
        if committed is not None:
            db.add(LotTotal(lot_id=lot.id, committed=Decimal(committed)))
        made.append(lot)
    other_group = framework(
        db, maximum="10.00", target_group=HANDICAP, ends_on=TODAY + timedelta(30)
    )
    db.add(LotTotal(lot_id=other_group.id, committed=Decimal("9.00")))
    db.flush()
    return made


def in_memory(db, region_id, group_id, shown, alerts):
    """The overview as the dashboard computed it from every lot in memory."""
    uses = figures.lot_use(db, region_id, group_id)
    most_used = sorted(uses, key=lambda u: (-u.share, u.lot.tender.reference, u.lot.number))
    near = [u for u in most_used if u.warning]
    ending = sorted(
        (u for u in uses if u.ends_within(TODAY)), key=lambda u: u.lot.tender.agreement_end
    )
    return (
        [shown_as(u) for u in most_used[:shown]],
        len(uses),
        [shown_as(u) for u in near[:alerts]],
        len(near),
        [shown_as(u) for u in ending[:alerts]],
        len(ending),
    )


def shown_as(use) -> tuple:
    return (use.lot.id, use.committed, use.share, use.warning, use.lot.tender.agreement_end)


def in_sql(db, region_id, group_id, shown, alerts):
    found = figures.lot_overview(db, region_id, group_id, TODAY, shown=shown, alerts=alerts)
    return (
        [shown_as(u) for u in found.most_used],
        found.lots,
        [shown_as(u) for u in found.near],
        found.near_count,
        [shown_as(u) for u in found.ending],
        found.ending_count,
    )


@pytest.mark.parametrize(("shown", "alerts"), [(1, 1), (3, 2), (15, 5), (100, 100)])
def test_the_overview_equals_every_lot_sorted_in_memory(db, lots, shown, alerts):
    region_id = lots[0].tender.region_id
    assert in_sql(db, region_id, None, shown, alerts) == in_memory(
        db, region_id, None, shown, alerts
    )


def test_a_target_group_narrows_the_overview_as_it_narrowed_the_lots(db, lots):
    region_id = lots[0].tender.region_id
    group_id = lots[0].tender.target_groups[0].id
    other = db.scalars(select(TargetGroup.id).where(TargetGroup.name == HANDICAP)).one()
    for chosen in (group_id, other):
        assert in_sql(db, region_id, chosen, 5, 3) == in_memory(db, region_id, chosen, 5, 3)


def test_shares_round_half_to_even_and_warnings_start_at_eighty_percent_exactly(db, lots):
    region_id = lots[0].tender.region_id
    found = figures.lot_overview(db, region_id, None, TODAY, shown=500, alerts=500)
    by_lot = {u.lot.id: u for u in found.most_used}
    assert by_lot[lots[4].id].share == Decimal("0.12")
    assert by_lot[lots[5].id].share == Decimal("0.38")
    assert by_lot[lots[6].id].share == Decimal("0.62")
    near = {u.lot.id for u in found.near}
    assert lots[1].id in near and lots[0].id in near and lots[8].id in near
    assert lots[2].id not in near and by_lot[lots[2].id].share == Decimal("80.00")


def test_the_region_dashboard_asks_the_same_statements_for_many_more_lots(client, db, app):
    login(client, SD_STAFF)
    few = queries_for(client, app, "/spend/")
    for days in range(20):
        lot = framework(db, maximum="100.00", ends_on=TODAY + timedelta(days=days))
        db.add(LotTotal(lot_id=lot.id, committed=Decimal("90.00")))
    db.commit()
    assert queries_for(client, app, "/spend/") == few
    page = client.get("/spend/").get_data(as_text=True)
    assert page.count('data-testid="lot-warning"') == 5 and 'data-testid="more-near"' in page
    assert page.count('data-testid="lot-ending"') == 5 and 'data-testid="more-ending"' in page
