"""The rules of a mini-competition, each with the test that fails when it is removed."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app import clock
from app.audit.models import AuditEntry
from app.calloffs import services as calloffs
from app.calloffs.models import CallOff
from app.core.errors import DomainError, NotAllowed, NotFound
from app.evaluation.models import AgreementState
from app.minicompetitions import services
from app.minicompetitions.models import CompetitionState, CompetitionStep, ResponseState
from app.notifications.models import Notification
from app.suppliers.models import SupplierState
from app.tenders.models import CallOffRule, Scope
from tests.calloffs.conftest import AALBORG, agreement, order_input
from tests.conftest import NOW, user
from tests.minicompetitions.conftest import (
    DAYS,
    ODENSE,
    SUPPLIER_USERS,
    after_deadline,
    competition_lot,
    criteria,
    need,
    respond,
    started,
    supplier_of,
)

ONE, TWO, THREE = SUPPLIER_USERS  # agreement prices 1000, 1200, 900


def inbox(db, email: str) -> list[str]:
    return list(
        db.scalars(
            select(Notification.subject)
            .where(Notification.user_id == user(db, email).id)
            .order_by(Notification.id)
        )
    )


def scored(db, competition, scores: dict[str, int], by: str = ODENSE):
    """Score the responses after the deadline (by the organiser's `by`): supplier e-mail →
    quality score."""
    _price, quality = criteria(competition.lot)
    by_supplier = {supplier_of(db, e).id: s for e, s in scores.items()}
    opened = services.opened_responses(db, user(db, by), competition)
    given = {o.response.id: {quality.id: by_supplier[o.response.supplier_id]} for o in opened}
    return services.score(db, user(db, by), competition, given)


# --- starting ---------------------------------------------------------------------------------


def test_a_jobcentre_starts_a_competition_and_every_able_supplier_is_invited(db):
    competition = started(db)
    assert competition.state == CompetitionState.OPEN
    assert competition.number.startswith("MK-RU-TEST-SD-")
    assert sorted(i.supplier_id for i in competition.invitations) == sorted(
        supplier_of(db, e).id for e in SUPPLIER_USERS
    )
    for email in SUPPLIER_USERS:
        assert any("Invitation to mini-competition" in s for s in inbox(db, email))
    assert db.scalar(select(AuditEntry).where(AuditEntry.action == "minicompetition.started"))


def test_each_invitation_caps_the_price_at_the_agreement_price_on_the_start_date(db):
    competition = started(db)
    caps = {i.agreement.rank: i.price_cap for i in competition.invitations}
    assert caps == {1: Decimal("1000.00"), 2: Decimal("1200.00"), 3: Decimal("900.00")}


@pytest.mark.parametrize("state", [AgreementState.SUSPENDED, AgreementState.TERMINATED])
def test_a_supplier_suspended_or_terminated_in_its_agreement_is_not_invited(db, state):
    lot = competition_lot(db)
    agreement(db, lot, 2).state = state
    competition = started(db, lot)
    assert supplier_of(db, TWO).id not in [i.supplier_id for i in competition.invitations]
    assert len(competition.invitations) == 2
    assert not any("Invitation" in s for s in inbox(db, TWO))


def test_a_suspended_supplier_is_not_invited(db):
    lot = competition_lot(db)
    supplier_of(db, THREE).state = SupplierState.SUSPENDED
    competition = started(db, lot)
    assert supplier_of(db, THREE).id not in [i.supplier_id for i in competition.invitations]


def test_a_lot_without_competition_refuses_to_start_one(db):
    lot = competition_lot(db, rule=CallOffRule.FREE_CHOICE)
    with pytest.raises(DomainError, match="not by mini-competition: order directly"):
        started(db, lot)


def test_a_cascade_up_to_an_amount_may_start_a_competition(db):
    lot = competition_lot(
        db, rule=CallOffRule.CASCADE_THEN_COMPETITION, cascade_limit=Decimal("5000.00")
    )
    assert started(db, lot).state == CompetitionState.OPEN


def test_a_jobcentre_out_of_scope_cannot_start_one(db):
    lot = competition_lot(db)  # Syddanmark's regional framework
    with pytest.raises(NotAllowed, match="does not cover Jobcenter Aalborg"):
        started(db, lot, email=AALBORG)


def test_only_a_jobcentre_starts_one(db):
    lot = competition_lot(db)
    with pytest.raises(NotAllowed, match="Only jobcentre staff start mini-competitions"):
        services.start(db, user(db, ONE), lot, need(lot))


def test_the_deadline_must_give_the_lots_days_to_the_second(db):
    lot = competition_lot(db)
    earliest = NOW + timedelta(days=DAYS)
    with pytest.raises(DomainError, match=f"at least {DAYS} days to respond"):
        started(db, lot, response_deadline=earliest - timedelta(seconds=1))
    assert started(db, lot, response_deadline=earliest).response_deadline == earliest


def test_the_start_date_cannot_be_before_the_deadline(db):
    lot = competition_lot(db)
    deadline_day = clock.local_date(NOW + timedelta(days=DAYS))
    with pytest.raises(DomainError, match="cannot be before the response deadline"):
        started(db, lot, starts_on=deadline_day - timedelta(days=1))
    assert started(db, lot, starts_on=deadline_day).starts_on == deadline_day


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ((60, 30), "add up to 90, not 100"),
        ((0, 100), "The price must weigh more than 0"),
        ((120, -20), "Each weight lies between 0 and 100"),
    ],
)
def test_weights_lie_within_the_frameworks_criteria(db, weights, message):
    lot = competition_lot(db)
    price, quality = criteria(lot)
    with pytest.raises(DomainError, match=message):
        started(db, lot, weights={price.id: weights[0], quality.id: weights[1]})


def test_a_criterion_outside_the_framework_is_refused(db):
    lot = competition_lot(db)
    price, quality = criteria(lot)
    with pytest.raises(DomainError, match="only the framework's own award criteria"):
        started(db, lot, weights={price.id: 50, quality.id: 40, 999_999: 10})


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"description": " "}, "Describe the need"),
        ({"case_reference": ""}, "Give the case reference"),
        ({"case_reference": "010190-1234"}, "CPR"),
        ({"quantity": 0}, "between 1 and"),
    ],
)
def test_the_need_is_complete_and_holds_no_cpr_number(db, changes, message):
    lot = competition_lot(db)
    with pytest.raises(DomainError, match=message):
        started(db, lot, **changes)


def test_no_competition_starts_that_could_not_fit_in_what_the_lot_has_left(db):
    # 900 kr. is the lowest price; 2 of them are 1.800 kr.
    lot = competition_lot(db, maximum="1799.99")
    with pytest.raises(DomainError, match="No response could be won"):
        started(db, lot)
    lot = competition_lot(db, maximum="1800.00")
    assert started(db, lot).state == CompetitionState.OPEN


# --- responding: sealed like a bid -------------------------------------------------------------


def test_a_response_is_sealed_at_rest_with_receipt_time_and_fingerprint(db):
    competition = started(db)
    version = respond(db, competition, ONE, "950.00")
    assert version.received_at == NOW
    assert len(version.fingerprint) == 64
    assert b"950.00" not in version.sealed_content
    assert any("Receipt" in s for s in inbox(db, ONE))


def test_a_response_is_replaced_and_withdrawn_until_the_deadline(db):
    competition = started(db)
    respond(db, competition, ONE, "990.00")
    second = respond(db, competition, ONE, "950.00")
    assert second.number == 2
    response = services.own_response(db, user(db, ONE), competition)
    assert services.read_for_supplier(user(db, ONE), response)["price"] == "950.00"
    services.withdraw_response(db, user(db, ONE), competition)
    assert response.state == ResponseState.WITHDRAWN


def test_nothing_is_submitted_or_withdrawn_from_the_deadline_on_to_the_second(db):
    competition = started(db)
    respond(db, competition, ONE, "990.00")
    with clock.frozen_at(competition.response_deadline - timedelta(seconds=1)):
        respond(db, competition, ONE, "980.00")
    with after_deadline(competition):
        with pytest.raises(DomainError, match=r"response deadline .* has passed"):
            respond(db, competition, ONE, "970.00")
        with pytest.raises(DomainError, match=r"response deadline .* has passed"):
            services.withdraw_response(db, user(db, ONE), competition)


def test_the_price_may_not_exceed_the_agreement_price_to_the_ore(db):
    competition = started(db)
    with pytest.raises(DomainError, match=r"above your agreement price of 1\.000,00"):
        respond(db, competition, ONE, "1000.01")
    assert respond(db, competition, ONE, "1000.00").number == 1


def test_a_response_answers_every_weighted_criterion(db):
    competition = started(db)
    with pytest.raises(DomainError, match="missing: Kvalitet"):
        respond(db, competition, ONE, "900.00", answer=" ")


def test_a_supplier_not_invited_cannot_respond(db):
    lot = competition_lot(db)
    agreement(db, lot, 3).state = AgreementState.SUSPENDED
    competition = started(db, lot)
    with pytest.raises(NotFound, match="was not found"):
        respond(db, competition, THREE, "800.00")


def test_the_jobcentre_cannot_open_the_responses_before_the_deadline(db):
    competition = started(db)
    respond(db, competition, ONE, "950.00")
    response = services.own_response(db, user(db, ONE), competition)
    with pytest.raises(NotAllowed, match="sealed until the deadline"):
        services.opened_responses(db, user(db, ODENSE), competition)
    with pytest.raises(NotAllowed, match="sealed until the deadline"):
        services.read_after_deadline(competition, response)
    with pytest.raises(NotFound):
        services.read_for_supplier(user(db, TWO), response)
    with pytest.raises(DomainError, match="sealed until the deadline"):
        services.score(db, user(db, ODENSE), competition, {})


def test_no_audit_entry_names_a_response_before_the_deadline(db):
    before = db.scalar(select(func.max(AuditEntry.seq)))
    competition = started(db)
    respond(db, competition, ONE, "950.00")
    actor = user(db, ONE)
    written = db.scalars(select(AuditEntry).where(AuditEntry.seq > before)).all()
    assert [e.action for e in written if e.action.startswith("minicompetition.")] == [
        "minicompetition.started"
    ]
    assert not [e for e in written if e.actor_id == actor.id]  # nothing by the responder


# --- evaluation and award ---------------------------------------------------------------------


def test_the_best_response_by_the_stated_weights_wins_and_becomes_an_order(db):
    competition = started(db)  # price 50, quality 50
    respond(db, competition, ONE, "1000.00")
    respond(db, competition, THREE, "900.00")
    with after_deadline(competition):
        scored(db, competition, {ONE: 10, THREE: 6})
        (order,) = services.award(db, user(db, ODENSE), competition)
    # ONE: 50 × 900/1000 + 50 × 1 = 95; THREE: 50 + 50 × 0.6 = 80.
    assert order.supplier_id == supplier_of(db, ONE).id
    assert (order.unit_price, order.total, order.quantity) == (
        Decimal("1000.00"),
        Decimal("2000.00"),
        2,
    )
    assert competition.state == CompetitionState.AWARDED
    assert competition.call_off_id == order.id
    assert calloffs.committed_amount(db, competition.lot_id) == Decimal("2000.00")


def test_the_weights_decide_with_price_weighing_more_the_cheaper_wins(db):
    lot = competition_lot(db)
    price, quality = criteria(lot)
    competition = started(db, lot, weights={price.id: 90, quality.id: 10})
    respond(db, competition, ONE, "1000.00")
    respond(db, competition, THREE, "900.00")
    with after_deadline(competition):
        scored(db, competition, {ONE: 10, THREE: 6})
        (order,) = services.award(db, user(db, ODENSE), competition)
    assert order.supplier_id == supplier_of(db, THREE).id  # 90 + 6 = 96 against 81 + 10 = 91


def test_a_tie_goes_to_the_higher_quality_part_as_design_says(db):
    lot = competition_lot(db)
    competition = started(db, lot)
    respond(db, competition, ONE, "900.00")  # price part 50, quality 4 → 70
    respond(db, competition, TWO, "1000.00")  # price part 45, quality 5 → 70
    with after_deadline(competition):
        opened = scored(db, competition, {ONE: 4, TWO: 5})
    ranks = {o.response.supplier_id: o.response.rank for o in opened}
    assert ranks[supplier_of(db, TWO).id] == 1


def test_the_others_hear_the_result_and_the_winners_advantages(db):
    competition = started(db)
    respond(db, competition, ONE, "1000.00")
    respond(db, competition, THREE, "900.00")
    with after_deadline(competition):
        scored(db, competition, {ONE: 10, THREE: 6})
        services.award(db, user(db, ODENSE), competition)
    body = db.scalars(
        select(Notification.body).where(
            Notification.user_id == user(db, THREE).id,
            Notification.subject.like("Result of mini-competition%"),
        )
    ).one()
    assert "Akademikerhuset" in body or supplier_of(db, ONE).name in body
    assert "quality part 50.00" in body and "rank 2" in body
    assert any("Result of mini-competition" in s for s in inbox(db, TWO))  # did not respond
    assert not any("Result of mini-competition" in s for s in inbox(db, ONE))


def test_the_award_is_refused_before_the_scores(db):
    competition = started(db)
    respond(db, competition, ONE, "1000.00")
    with after_deadline(competition), pytest.raises(DomainError, match="Score the responses"):
        services.award(db, user(db, ODENSE), competition)


def test_the_award_is_refused_before_the_deadline(db):
    competition = started(db)
    with pytest.raises(DomainError, match="sealed until the deadline"):
        services.award(db, user(db, ODENSE), competition)


def test_a_score_is_between_0_and_10(db):
    competition = started(db)
    respond(db, competition, ONE, "1000.00")
    with after_deadline(competition), pytest.raises(DomainError, match="from 0 to 10"):
        scored(db, competition, {ONE: 11})


def test_a_response_whose_agreement_was_suspended_after_it_does_not_count(db):
    competition = started(db)
    respond(db, competition, ONE, "1000.00")
    respond(db, competition, THREE, "900.00")
    agreement(db, competition.lot, 3).state = AgreementState.SUSPENDED
    with after_deadline(competition):
        opened = scored(db, competition, {ONE: 1, THREE: 10})
        excluded = {o.response.supplier_id: o.excluded for o in opened}
        assert "takes no orders" in excluded[supplier_of(db, THREE).id]
        (order,) = services.award(db, user(db, ODENSE), competition)
    assert order.supplier_id == supplier_of(db, ONE).id


def test_a_price_above_the_regulated_agreement_price_does_not_count(db):
    competition = started(db)
    respond(db, competition, ONE, "1000.00")
    respond(db, competition, THREE, "900.00")
    # The agreement's price on the start date is lowered after the response (guarded again).
    invitation = next(i for i in competition.invitations if i.agreement.rank == 3)
    invitation.agreement.unit_price = Decimal("899.99")
    with after_deadline(competition):
        opened = scored(db, competition, {ONE: 1, THREE: 10})
    excluded = {o.response.supplier_id: o.excluded for o in opened}
    assert "above the agreement price" in excluded[supplier_of(db, THREE).id]


def test_no_competition_is_won_above_what_the_lot_has_left(db):
    lot = competition_lot(db, maximum="3000.00")
    competition = started(db, lot)
    respond(db, competition, ONE, "1000.00")
    calloffs.place_competed_order(
        db, user(db, ODENSE), agreement(db, lot, 1), order_input(), Decimal("500.00")
    )  # 1.000 kr. taken: 2.000,00 left
    with after_deadline(competition):
        scored(db, competition, {ONE: 5})
        (order,) = services.award(db, user(db, ODENSE), competition)  # exactly 2.000 kr.: fits
    assert calloffs.committed_amount(db, lot.id) == Decimal("3000.00")
    assert order.total == Decimal("2000.00")


def test_the_award_above_what_is_left_is_refused_by_the_lots_maximum(db):
    lot = competition_lot(db, maximum="3000.00")
    competition = started(db, lot)
    respond(db, competition, ONE, "1000.00")
    calloffs.place_competed_order(
        db, user(db, ODENSE), agreement(db, lot, 1), order_input(), Decimal("500.01")
    )  # 1.000,02 kr. taken: 1.999,98 left
    with after_deadline(competition):
        scored(db, competition, {ONE: 5})
        with pytest.raises(DomainError, match="does not fit within the lot's maximum"):
            services.award(db, user(db, ODENSE), competition)
    assert competition.state == CompetitionState.OPEN


def test_an_awarded_competition_cannot_be_awarded_again(db):
    competition = started(db)
    respond(db, competition, ONE, "1000.00")
    with after_deadline(competition):
        scored(db, competition, {ONE: 5})
        services.award(db, user(db, ODENSE), competition)
        with pytest.raises(DomainError, match='status "Awarded'):
            services.award(db, user(db, ODENSE), competition)
    assert db.scalar(select(CallOff).where(CallOff.jobcentre_id == competition.jobcentre_id))


def test_no_response_means_no_award(db):
    competition = started(db)
    with after_deadline(competition):
        services.score(db, user(db, ODENSE), competition, {})
        with pytest.raises(DomainError, match="No response can be awarded"):
            services.award(db, user(db, ODENSE), competition)


def test_only_the_starting_jobcentre_scores_and_awards(db):
    lot = competition_lot(db, scope=Scope.NATIONAL)  # it covers Aalborg too
    competition = started(db, lot)
    with (
        after_deadline(competition),
        pytest.raises(NotAllowed, match="Only the jobcentre or region that"),
    ):
        services.award(db, user(db, AALBORG), competition)


def test_the_jobcentre_cancels_with_a_reason_the_suppliers_hear(db):
    competition = started(db)
    with pytest.raises(DomainError, match="Give a reason"):
        services.cancel(db, user(db, ODENSE), competition, " ")
    services.cancel(db, user(db, ODENSE), competition, "Behovet er faldet bort.")
    assert competition.state == CompetitionState.CANCELLED
    assert any("is cancelled" in s for s in inbox(db, ONE))
    with pytest.raises(DomainError, match='status "Cancelled"'):
        respond(db, competition, ONE, "900.00")


def test_the_page_offers_what_the_moves_table_allows(db):
    competition = started(db)
    assert services.next_steps(user(db, ONE), competition) == [CompetitionStep.RESPOND]
    assert services.next_steps(user(db, ODENSE), competition) == [CompetitionStep.CANCEL]
    with after_deadline(competition):
        assert services.next_steps(user(db, ONE), competition) == []
        assert services.next_steps(user(db, ODENSE), competition) == [
            CompetitionStep.SCORE,
            CompetitionStep.AWARD,
            CompetitionStep.CANCEL,
        ]


# --- ordering directly on a lot of mini-competitions ---------------------------------------------


def test_ordering_directly_on_a_lot_of_mini_competitions_is_refused(db):
    lot = competition_lot(db)
    with pytest.raises(DomainError, match="called off by mini-competition: start a mini"):
        calloffs.place_order(db, user(db, ODENSE), agreement(db, lot), order_input())


def test_ordering_directly_above_the_cascade_amount_is_refused_to_the_ore(db):
    lot = competition_lot(
        db, rule=CallOffRule.CASCADE_THEN_COMPETITION, cascade_limit=Decimal("2000.00")
    )
    first = agreement(db, lot)  # 1.000 kr. a unit
    assert calloffs.place_order(db, user(db, ODENSE), first, order_input(quantity=2)).total == (
        Decimal("2000.00")
    )
    first.unit_price = Decimal("1000.01")
    with pytest.raises(DomainError, match=r"only up to 2\.000,00 kr\.; an order of 2\.000,02 kr\."):
        calloffs.place_order(db, user(db, ODENSE), first, order_input(quantity=2))


def test_the_cascade_still_orders_below_its_amount(db):
    lot = competition_lot(
        db, rule=CallOffRule.CASCADE_THEN_COMPETITION, cascade_limit=Decimal("5000.00")
    )
    with pytest.raises(DomainError, match="ranked cascade"):
        calloffs.place_order(db, user(db, ODENSE), agreement(db, lot, 2), order_input())
