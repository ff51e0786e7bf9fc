"""A region's mini-competition for several of its jobcentres: each jobcentre's share, the
region's evaluation, and an order per jobcentre in its name, all or none."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.calloffs import services as calloffs
from app.calloffs.models import CallOff
from app.core.errors import DomainError, NotAllowed
from app.minicompetitions import services
from app.minicompetitions.models import CompetitionState, MiniCompetition
from app.minicompetitions.services import ShareInput
from app.notifications.models import Notification
from app.organisations.models import OrganisationKind
from app.tenders.models import Scope
from tests.calloffs.conftest import AALBORG, agreement, order_input
from tests.conftest import organisation, user
from tests.minicompetitions.conftest import (
    ODENSE,
    SUPPLIER_USERS,
    after_deadline,
    competition_lot,
    need,
    respond,
    supplier_of,
)
from tests.minicompetitions.test_services import scored

ONE, TWO, THREE = SUPPLIER_USERS  # agreement prices 1000, 1200, 900
REGION = "region.syddanmark@demo.dk"
OTHER_REGION = "region.nordjylland@demo.dk"
ESBJERG = "leder.esbjerg@demo.dk"  # Jobcenter Esbjerg, Syddanmark like Odense


def jobcentre_of(db, email: str):
    return user(db, email).organisation


def shares(db, odense: int = 3, esbjerg: int = 2, esbjerg_case: str = "") -> list[ShareInput]:
    return [
        ShareInput(jobcentre_of(db, ODENSE).id, odense, "OD-77"),
        ShareInput(jobcentre_of(db, ESBJERG).id, esbjerg, esbjerg_case),
    ]


def started_for_two(db, lot=None, email: str = REGION, **changes):
    lot = lot or competition_lot(db)
    return services.start_for_jobcentres(db, user(db, email), lot, need(lot, **changes), shares(db))


def inbox(db, email: str) -> list[str]:
    return list(
        db.scalars(select(Notification.subject).where(Notification.user_id == user(db, email).id))
    )


def scored_by_region(db, competition, scores: dict[str, int]):
    return scored(db, competition, scores, by=REGION)


# --- starting ---------------------------------------------------------------------------------


def test_the_region_starts_one_for_two_jobcentres_each_with_its_share(db):
    competition = started_for_two(db, case_reference="SD-MK-1")
    assert competition.for_several and competition.jobcentre_id is None
    assert competition.organiser == user(db, REGION).organisation
    assert competition.quantity == 5  # 3 for Odense and 2 for Esbjerg
    by_jobcentre = {s.jobcentre.name: (s.quantity, s.case_reference) for s in competition.shares}
    assert by_jobcentre == {
        "Jobcenter Odense": (3, "OD-77"),
        "Jobcenter Esbjerg": (2, "SD-MK-1"),  # without its own, the competition's reference
    }
    assert len(competition.invitations) == 3
    assert any("Invitation to mini-competition" in s for s in inbox(db, ONE))
    for email in (ODENSE, ESBJERG):
        assert any("started mini-competition" in s for s in inbox(db, email))


def test_the_jobcentres_with_a_share_see_it_and_find_it_in_their_list(db):
    competition = started_for_two(db)
    for email in (ODENSE, ESBJERG, REGION):
        assert competition.is_visible_to(user(db, email))
        assert competition in services.competitions_for(db, user(db, email))
    assert not competition.is_visible_to(user(db, AALBORG))
    assert not competition.is_visible_to(user(db, OTHER_REGION))


def test_one_jobcentre_alone_starts_its_own_not_the_region(db):
    lot = competition_lot(db)
    with pytest.raises(DomainError, match="Choose at least two of the region's jobcentres"):
        services.start_for_jobcentres(db, user(db, REGION), lot, need(lot), shares(db)[:1])


def test_a_jobcentre_takes_part_once(db):
    lot = competition_lot(db)
    twice = [shares(db)[0], shares(db)[0]]
    with pytest.raises(DomainError, match="Each jobcentre takes part once"):
        services.start_for_jobcentres(db, user(db, REGION), lot, need(lot), twice)


def test_only_the_regions_own_jobcentres_take_part(db):
    lot = competition_lot(db, scope=Scope.NATIONAL)  # the framework covers Aalborg
    aalborg = ShareInput(jobcentre_of(db, AALBORG).id, 1)
    with pytest.raises(NotAllowed, match="Jobcenter Aalborg is not one of the region's"):
        services.start_for_jobcentres(
            db, user(db, REGION), lot, need(lot), [shares(db)[0], aalborg]
        )


def test_a_region_cannot_start_one_for_jobcentres_the_framework_does_not_cover(db):
    lot = competition_lot(db)  # Syddanmark's regional framework
    hjoerring = organisation(db, OrganisationKind.JOBCENTRE, "Jobcenter Hjørring")
    nordjylland = [ShareInput(jobcentre_of(db, AALBORG).id, 1), ShareInput(hjoerring.id, 1)]
    with pytest.raises(NotAllowed, match="This framework does not cover Jobcenter Aalborg"):
        services.start_for_jobcentres(db, user(db, OTHER_REGION), lot, need(lot), nordjylland)
    assert not db.scalar(select(func.count()).where(MiniCompetition.lot_id == lot.id))


@pytest.mark.parametrize("email", [ODENSE, "direktoer.syddanmark@demo.dk", ONE])
def test_only_region_staff_start_one_for_several_jobcentres(db, email):
    lot = competition_lot(db)
    with pytest.raises(NotAllowed, match="Only region staff start a mini-competition"):
        services.start_for_jobcentres(db, user(db, email), lot, need(lot), shares(db))


@pytest.mark.parametrize("quantity", [0, calloffs.MAX_QUANTITY + 1])
def test_each_share_has_a_quantity_in_bounds(db, quantity):
    lot = competition_lot(db)
    with pytest.raises(DomainError, match="The quantity for Jobcenter Esbjerg must be between"):
        services.start_for_jobcentres(
            db, user(db, REGION), lot, need(lot), shares(db, esbjerg=quantity)
        )


def test_a_shares_case_reference_holds_no_cpr_number(db):
    lot = competition_lot(db)
    with pytest.raises(DomainError, match="CPR"):
        services.start_for_jobcentres(
            db, user(db, REGION), lot, need(lot), shares(db, esbjerg_case="0101901234")
        )


def test_the_shares_together_must_fit_in_what_the_lot_has_left(db):
    lot = competition_lot(db, maximum="4499.99")  # 5 at the lowest price of 900 is 4.500
    with pytest.raises(DomainError, match="No response could be won: 5 at the lowest"):
        started_for_two(db, lot)


# --- the region's evaluation and the orders ----------------------------------------------------


def test_the_winner_gets_an_order_per_jobcentre_in_its_name(db):
    competition = started_for_two(db)
    respond(db, competition, ONE, "950.00")
    respond(db, competition, THREE, "880.00")
    with after_deadline(competition):
        scored_by_region(db, competition, {ONE: 5, THREE: 5})
        orders = services.award(db, user(db, REGION), competition)
    assert competition.state == CompetitionState.AWARDED
    assert {(o.jobcentre.name, o.quantity, o.unit_price) for o in orders} == {
        ("Jobcenter Odense", 3, Decimal("880.00")),
        ("Jobcenter Esbjerg", 2, Decimal("880.00")),
    }
    assert {o.supplier_id for o in orders} == {supplier_of(db, THREE).id}
    assert all(o.placed_by_id == user(db, REGION).id for o in orders)
    assert [s.call_off_id for s in competition.shares] == [o.id for o in orders]
    assert competition.orders == orders
    assert calloffs.committed_amount(db, competition.lot_id) == Decimal("4400.00")
    for email in (ODENSE, ESBJERG):
        assert any("placed for you after mini-competition" in s for s in inbox(db, email))
    assert any("Result of mini-competition" in s for s in inbox(db, ONE))


def _awarded_at_left(db, left_after_other_order: str):
    """A region's competition of 5, won at 900 (4.500 kr. in all), on a lot of 10.000 kr. from
    which another order has taken all but `left_after_other_order`."""
    lot = competition_lot(db, maximum="10000.00")
    competition = started_for_two(db, lot)
    respond(db, competition, THREE, "900.00")
    taken = Decimal("10000.00") - Decimal(left_after_other_order)
    calloffs.place_competed_order(
        db, user(db, ODENSE), agreement(db, lot, 1), order_input(quantity=1), taken
    )
    with after_deadline(competition):
        scored_by_region(db, competition, {THREE: 5})
        return competition, lambda: services.award(db, user(db, REGION), competition)


def test_the_orders_together_fit_in_what_is_left_to_the_ore(db):
    competition, award = _awarded_at_left(db, "4500.00")
    with after_deadline(competition):
        orders = award()
    assert sum(o.total for o in orders) == Decimal("4500.00")
    assert calloffs.committed_amount(db, competition.lot_id) == Decimal("10000.00")


def test_no_order_is_placed_when_together_they_pass_what_is_left(db):
    competition, award = _awarded_at_left(db, "4499.99")
    placed = db.scalar(select(func.count()).select_from(CallOff))
    with after_deadline(competition), pytest.raises(DomainError, match="none is placed"):
        award()
    assert db.scalar(select(func.count()).select_from(CallOff)) == placed
    assert competition.state == CompetitionState.OPEN


@pytest.mark.parametrize("email", [ODENSE, ESBJERG, OTHER_REGION])
def test_only_the_regions_staff_evaluate_and_award_its_competition(db, email):
    competition = started_for_two(db)
    respond(db, competition, ONE, "950.00")
    with after_deadline(competition):
        with pytest.raises(NotAllowed, match="Only the jobcentre or region that started"):
            services.opened_responses(db, user(db, email), competition)
        with pytest.raises(NotAllowed, match="Only the jobcentre or region that started"):
            services.award(db, user(db, email), competition)


def test_only_the_jobcentres_own_region_places_an_order_in_its_name(db):
    lot = competition_lot(db, scope=Scope.NATIONAL)
    with pytest.raises(NotAllowed, match="Only the jobcentre's own region places orders"):
        calloffs.place_competed_order(
            db,
            user(db, OTHER_REGION),
            agreement(db, lot, 1),
            order_input(),
            Decimal("900.00"),
            jobcentre=jobcentre_of(db, ODENSE),
        )


def test_the_region_cancels_and_the_jobcentres_hear_it(db):
    competition = started_for_two(db)
    services.cancel(db, user(db, REGION), competition, "Behovet er dækket på anden vis.")
    assert competition.state == CompetitionState.CANCELLED
    for email in (ODENSE, ESBJERG, ONE):
        assert any("is cancelled" in s for s in inbox(db, email))
