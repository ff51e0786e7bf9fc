"""Outcomes of call-offs and the suppliers' effects: who records, what may be recorded when, the
import, the interval, and the threshold below which nothing is shown."""

from __future__ import annotations

from datetime import timedelta

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from app.calloffs.models import CallOffState
from app.core.errors import DomainError, NotAllowed
from app.documents.spreadsheets import LinesRejected, Table
from app.evaluation.models import Agreement
from app.outcomes import services
from app.outcomes.models import Outcome
from app.outcomes.services import Effect, OutcomeInput, Sums, wilson
from tests.calloffs.conftest import AALBORG, ODENSE, TODAY, framework, place
from tests.conftest import login, user

REGION_STAFF = "region.syddanmark@demo.dk"


def ran(db, lot, rank=1, quantity=3, starts_on=None):
    """An order on the lot that ran: accepted by its supplier (set straight in the row)."""
    order = place(db, lot, rank, quantity=quantity)
    order.state = CallOffState.DELIVERED
    if starts_on is not None:
        order.starts_on = starts_on
    db.flush()
    return order


def ended(days_ago: int = 200, **counts) -> OutcomeInput:
    values = {"started": 3, "completed": 2, "in_work_13": 1, "in_work_26": 1}
    return OutcomeInput(ended_on=TODAY - timedelta(days=days_ago), **{**values, **counts})


@pytest.fixture
def lot(db):
    return framework(db, maximum="1000000.00")


@pytest.fixture
def order(db, lot):
    return ran(db, lot, starts_on=TODAY - timedelta(days=300))


def test_the_ordering_jobcentre_records_an_outcome(db, order):
    outcome = services.record_outcome(db, user(db, ODENSE), order, ended())
    assert (outcome.started, outcome.completed, outcome.in_work_13) == (3, 2, 1)


def test_another_jobcentre_may_not_record_it(db, order):
    with pytest.raises(NotAllowed, match="Only the jobcentre that placed the order"):
        services.record_outcome(db, user(db, AALBORG), order, ended())


def test_never_more_persons_than_the_order_is_for(db, order):
    services.record_outcome(db, user(db, ODENSE), order, ended(started=3, completed=3))
    with pytest.raises(DomainError, match=r"4 started, but order .* is for 3"):
        services.record_outcome(db, user(db, ODENSE), order, ended(started=4, completed=3))


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ({"completed": 3, "started": 2, "in_work_13": 0, "in_work_26": 0}, "More completed"),
        ({"in_work_13": 3, "started": 2}, "after 13 weeks than started"),
        ({"in_work_26": 3, "started": 2}, "after 26 weeks than started"),
        ({"completed": -1}, "cannot be negative"),
    ],
)
def test_counts_stay_within_those_who_started(db, order, counts, message):
    with pytest.raises(DomainError, match=message):
        services.record_outcome(db, user(db, ODENSE), order, ended(**counts))


def test_an_order_that_never_ran_has_no_outcome(db, lot):
    order = place(db, lot)  # placed, not accepted
    with pytest.raises(DomainError, match="did not run"):
        services.record_outcome(db, user(db, ODENSE), order, ended())


def test_a_course_ends_after_it_starts_and_not_in_the_future(db, order):
    with pytest.raises(DomainError, match="cannot end before it started"):
        services.record_outcome(db, user(db, ODENSE), order, ended(days_ago=301))
    with pytest.raises(DomainError, match="has not ended yet"):
        services.record_outcome(
            db, user(db, ODENSE), order, ended(days_ago=-1, in_work_13=None, in_work_26=None)
        )


def test_a_day_far_ahead_is_refused_not_a_crash(db, order):
    from datetime import date

    with pytest.raises(DomainError, match="has not ended yet"):
        services.record_outcome(
            db, user(db, ODENSE), order, OutcomeInput(date(9999, 12, 31), 3, 2, 1, 1)
        )


def test_the_13_week_figure_is_known_13_weeks_after_the_end_to_the_day(db, order):
    jobcentre = user(db, ODENSE)
    early = ended(days_ago=13 * 7 - 1, in_work_26=None)
    with pytest.raises(DomainError, match="13 weeks after the end is known from"):
        services.record_outcome(db, jobcentre, order, early)
    services.record_outcome(db, jobcentre, order, ended(days_ago=13 * 7, in_work_26=None))
    with pytest.raises(DomainError, match="26 weeks after the end is known from"):
        services.record_outcome(db, jobcentre, order, ended(days_ago=13 * 7))


def test_a_new_outcome_replaces_the_old_and_the_trail_keeps_it(db, order):
    from app.audit.models import AuditEntry

    jobcentre = user(db, ODENSE)
    services.record_outcome(db, jobcentre, order, ended(completed=1))
    services.record_outcome(db, jobcentre, order, ended(completed=2))
    count = db.scalar(select(func.count()).where(Outcome.call_off_id == order.id))
    assert count == 1
    entry = db.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "outcome.recorded")
        .order_by(AuditEntry.id.desc())
    ).first()
    assert entry.changes["before"]["completed"] == 1 and entry.changes["completed"] == 2


def _table(*lines: str) -> Table:
    rows = [
        line.split(";") for line in ("bestilling;slutdato;startet;gennemført;i job 13 uger", *lines)
    ]
    return Table(filename="resultater.csv", sha256="0" * 64, rows=rows)


def test_an_import_stores_all_lines_or_none_and_names_each_bad_line(db, lot, order):
    other = ran(db, lot, starts_on=TODAY - timedelta(days=300))
    day = (TODAY - timedelta(days=200)).strftime("%d-%m-%Y")
    jobcentre = user(db, ODENSE)
    before = db.scalar(select(func.count()).select_from(Outcome))  # the demo's
    with pytest.raises(LinesRejected) as rejected:
        services.import_outcomes(
            db,
            jobcentre,
            _table(
                f"{order.number};{day};3;2;1",
                f"{other.number};{day};9;2;1",
                f"B-NOT-ONE;{day};1;1;",
                f"{order.number};{day};3;2;0101901234",
            ),
        )
    lines = dict(rejected.value.problems)
    assert "9 started" in lines[3]
    assert "is not one of the jobcentre's orders" in lines[4]
    assert "CPR" in lines[5]
    assert 2 not in lines
    assert db.scalar(select(func.count()).select_from(Outcome)) == before  # nothing stored
    record = services.import_outcomes(
        db, jobcentre, _table(f"{order.number};{day};3;2;1", f"{other.number};{day};2;2;")
    )
    assert record.lines == 2
    assert db.scalar(select(func.count()).select_from(Outcome)) == before + 2


def test_an_import_refuses_another_jobcentres_orders(db, order):
    day = (TODAY - timedelta(days=200)).strftime("%d-%m-%Y")
    with pytest.raises(LinesRejected) as rejected:
        services.import_outcomes(db, user(db, AALBORG), _table(f"{order.number};{day};3;2;1"))
    assert "is not one of the jobcentre's orders" in dict(rejected.value.problems)[2]


def test_the_wilson_interval():
    low, high = wilson(10, 20)
    assert (round(low, 4), round(high, 4)) == (0.2993, 0.7007)
    low, high = wilson(0, 20)
    assert low == 0.0 and round(high, 4) == 0.1611
    assert wilson(20, 20)[1] == 1.0


def test_a_share_is_shown_from_the_threshold_and_not_one_person_below():
    below = Effect(Sums(started=19, completed=10, in_work_13=5, known_13=19), threshold=20)
    at = Effect(Sums(started=20, completed=10, in_work_13=5, known_13=20), threshold=20)
    assert below.completion is None and below.work_13 is None and not below.shown
    assert at.completion.percent == 50 and at.work_13.percent == 25 and at.shown
    assert at.work_26 is None  # no 26-week figure known yet


def test_a_supplier_is_flagged_only_when_clearly_below_the_lots_average():
    average = Effect(Sums(started=100, completed=80, in_work_13=50, known_13=100), 20)
    clearly = Effect(Sums(started=40, completed=30, in_work_13=8, known_13=40), 20)
    barely = Effect(Sums(started=40, completed=30, in_work_13=17, known_13=40), 20)
    assert services._below(clearly, average)
    assert not services._below(barely, average)


def _outcome(db, order, started, in_work):
    db.add(
        Outcome(
            call_off_id=order.id,
            ended_on=TODAY - timedelta(days=200),
            started=started,
            completed=started,
            in_work_13=in_work,
            in_work_26=None,
            recorded_by_id=user(db, ODENSE).id,
            recorded_at=order.placed_at,
        )
    )
    db.flush()


def test_effects_per_supplier_beside_the_lot_and_the_others(db, lot):
    services.set_threshold(db, user(db, REGION_STAFF), 5)
    for _ in range(3):
        _outcome(db, ran(db, lot, rank=1), 3, 3)  # 9 of 9 in work
        _outcome(db, ran(db, lot, rank=2), 3, 0)  # 0 of 9
    effects = services.lot_effects(db, lot)
    first, second, third = effects.suppliers
    assert effects.threshold == 5
    assert (first.effect.work_13.k, first.effect.work_13.n) == (9, 9)
    assert (second.effect.work_13.k, second.effect.work_13.n) == (0, 9)
    assert effects.average.work_13.percent == 50
    assert second.below_lot and not first.below_lot
    assert (first.others.work_13.k, first.others.work_13.n) == (0, 9)
    assert third.effect.persons == 0 and third.effect.work_13 is None
    mine = services.own_effect(effects, second.supplier_id)
    assert [s.supplier_id for s in mine.suppliers] == [second.supplier_id]


def test_a_region_threshold_is_never_below_five_persons(db):
    with pytest.raises(DomainError, match="between 5 and"):
        services.set_threshold(db, user(db, REGION_STAFF), 4)
    with pytest.raises(NotAllowed):
        services.set_threshold(db, user(db, ODENSE), 30)


# --- pages ------------------------------------------------------------------------------------


def test_a_jobcentre_records_an_outcome_through_the_page(client, db, order):
    order_id = order.id
    db.commit()
    login(client, ODENSE)
    assert client.get("/outcomes/").status_code == 200
    day = (TODAY - timedelta(days=200)).isoformat()
    response = client.post(
        f"/outcomes/orders/{order_id}",
        data={"ended_on": day, "started": "4", "completed": "2"},
    )
    assert response.status_code == 422
    assert "4 startede, men bestilling" in response.get_data(as_text=True)
    response = client.post(
        f"/outcomes/orders/{order_id}",
        data={"ended_on": day, "started": "3", "completed": "2", "in_work_13": "1"},
    )
    assert response.status_code == 302
    assert "Sluttede" in client.get("/outcomes/").get_data(as_text=True)


def test_another_jobcentre_gets_no_form_for_the_order(client, db, order):
    order_id = order.id
    db.commit()
    login(client, AALBORG)
    assert client.get(f"/outcomes/orders/{order_id}").status_code in (403, 404)


def test_a_supplier_sees_its_own_results_and_not_the_others_by_name(client, db, lot):
    services.set_threshold(db, user(db, REGION_STAFF), 5)
    for _ in range(2):
        _outcome(db, ran(db, lot, rank=1), 3, 3)
        _outcome(db, ran(db, lot, rank=2), 3, 0)
    names = [str(escape(s.supplier_name)) for s in services.lot_effects(db, lot).suppliers]
    db.commit()
    login(client, "leverandoer1@demo.dk")
    html = client.get("/outcomes/mine").get_data(as_text=True)
    assert names[0] in html and names[1] not in html
    assert "Delaftalens gennemsnit" in html
    client = client.application.test_client()
    login(client, REGION_STAFF)
    html = client.get("/outcomes/region").get_data(as_text=True)
    assert names[1] in html and 'data-testid="below-' in html


# --- where the jobcentre chooses ---------------------------------------------------------------


def _effect_cell(html: str, testid: str) -> str:
    start = html.index(f'data-testid="{testid}"')
    return html[html.index(">", start) + 1 : html.index("</td>", start)]


@pytest.mark.parametrize(("persons", "shown"), [(5, True), (4, False)])
def test_where_a_jobcentre_chooses_each_suppliers_effect_shows_from_the_threshold(
    client, db, lot, persons, shown
):
    services.set_threshold(db, user(db, REGION_STAFF), 5)
    _outcome(db, ran(db, lot, rank=1, quantity=persons), persons, persons)  # all in work
    first, second = db.scalars(
        select(Agreement.id).where(Agreement.lot_id == lot.id).order_by(Agreement.rank)
    ).all()[:2]
    lot_id = lot.id
    db.commit()
    login(client, ODENSE)
    html = client.get("/frameworks").get_data(as_text=True)
    cell = _effect_cell(html, f"effect-{first}")
    assert ("100,0 %" in cell) is shown
    assert (f"n={persons}" in cell) is shown
    assert "–" in _effect_cell(html, f"effect-{second}")  # no outcomes at all
    assert ("100,0 %" in _effect_cell(html, f"effect-average-{lot_id}")) is shown
    html = client.get(f"/frameworks/lots/{lot_id}/order").get_data(as_text=True)
    table = html[html.index(f'data-testid="effects-{lot_id}"') :].split("</table>")[0]
    assert ("100,0 %" in table) is shown


# --- the region: flags lead to the agreement, the follow-up, the files --------------------------


def test_a_flag_leads_to_the_agreement_where_the_region_suspends(client, db, lot):
    services.set_threshold(db, user(db, REGION_STAFF), 5)
    for _ in range(2):
        _outcome(db, ran(db, lot, rank=1), 3, 3)
        _outcome(db, ran(db, lot, rank=2), 3, 0)
    flagged = next(s for s in services.lot_effects(db, lot).suppliers if s.below_lot)
    db.commit()
    login(client, REGION_STAFF)
    html = client.get("/outcomes/region").get_data(as_text=True)
    link = (
        f'href="/agreements/{flagged.agreement_id}" data-testid="agreement-{flagged.supplier_id}"'
    )
    assert link in html
    assert client.get(f"/agreements/{flagged.agreement_id}").status_code == 200


def test_the_regions_follow_up_of_a_jobcentre_lists_its_suppliers_and_their_effects(
    client, db, lot
):
    services.set_threshold(db, user(db, REGION_STAFF), 5)
    for _ in range(2):
        _outcome(db, ran(db, lot, rank=1), 3, 3)  # 6 of 6 in work
    ran(db, lot, rank=2, quantity=1)  # ordered, no outcome yet
    used = {
        u.supplier.rank: u for u in services.suppliers_used_by(db, user(db, ODENSE).organisation_id)
    }
    assert used[1].orders == 2 and used[1].supplier.effect.work_13.percent == 100
    assert used[2].supplier.effect.work_13 is None  # no one behind it: not shown
    odense = user(db, ODENSE).organisation_id
    db.commit()
    login(client, REGION_STAFF)
    html = client.get(f"/results/jobcentres/{odense}").get_data(as_text=True)
    table = html[html.index('data-testid="used-suppliers"') :]
    table = table[: table.index("</table>")]
    assert str(escape(used[1].supplier.supplier_name)) in table and "100,0 %" in table
    client = client.application.test_client()
    login(client, ODENSE)
    assert 'data-testid="used-suppliers"' not in client.get(f"/results/jobcentres/{odense}").text


def _csv_rows(response) -> list[list[str]]:
    return [
        line.split(";") for line in response.get_data(as_text=True).lstrip("\ufeff").splitlines()
    ]


def test_the_regions_effects_as_csv_xlsx_and_pdf_carry_the_threshold_and_hide_what_is_below(
    client, db, lot
):
    services.set_threshold(db, user(db, REGION_STAFF), 5)
    _outcome(db, ran(db, lot, rank=1, quantity=5), 5, 5)  # 5 persons: shown
    _outcome(db, ran(db, lot, rank=2, quantity=4), 4, 4)  # 4 persons: never shown
    first, second = services.lot_effects(db, lot).suppliers[:2]
    db.commit()
    login(client, REGION_STAFF)
    assert 'data-testid="effect-exports"' in client.get("/outcomes/region").text
    rows = _csv_rows(client.get("/outcomes/region/effects.csv"))
    header, body = rows[0], rows[1:]
    assert header[-1] == "Vises fra antal personer"
    by_name = {row[2]: row for row in body if row[0] == lot.tender.reference}
    assert by_name[first.supplier_name][6] == "100,0" and by_name[first.supplier_name][-1] == "5"
    assert by_name[second.supplier_name][5:11] == [""] * 6  # 4 persons: no share, no interval
    xlsx = client.get("/outcomes/region/effects.xlsx")
    assert xlsx.status_code == 200 and xlsx.data.startswith(b"PK")
    pdf = client.get("/outcomes/region/effects.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    client = client.application.test_client()
    login(client, ODENSE)
    assert client.get("/outcomes/region/effects.csv").status_code == 403
