"""The call-off rules: price from the agreement, the lot's maximum, the period, the scope,
the cascade, CPR numbers, and each move of the order's life by the right party only."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.calloffs import services
from app.calloffs.models import CallOff, CallOffState, CallOffStep
from app.calloffs.services import InvoiceInput, committed_amount
from app.core.errors import DomainError, NotAllowed
from app.notifications.models import Notification
from app.suppliers.models import SupplierState
from app.targetgroups.models import TargetGroup
from app.tenders.models import CallOffRule, Scope, TenderState
from tests.calloffs.conftest import (
    AALBORG,
    ODENSE,
    TODAY,
    agreement,
    delivered,
    framework,
    invoiced,
    order_input,
    place,
    supplier_of,
)
from tests.conftest import NOW, user


def count(db, model) -> int:
    return db.scalar(select(func.count()).select_from(model))


# --- placing ----------------------------------------------------------------------------------


def test_an_order_takes_the_agreements_unit_price_and_gets_a_number(db):
    lot = framework(db, prices=("1234.56",))
    order = place(db, lot, quantity=3)
    assert order.unit_price == Decimal("1234.56")
    assert order.total == Decimal("3703.68")
    assert order.state == CallOffState.PLACED
    assert order.number == f"B-{lot.tender.reference}-1-00001"
    assert place(db, lot).number.endswith("-00002")
    assert [e.step for e in order.events] == [CallOffStep.PLACED]
    assert db.scalar(
        select(AuditEntry).where(
            AuditEntry.action == "calloff.placed", AuditEntry.object_id == order.id
        )
    )


def test_the_supplier_hears_of_a_new_order(db):
    lot = framework(db)
    order = place(db, lot)
    supplier_user = user(db, "leverandoer1@demo.dk")
    subjects = db.scalars(
        select(Notification.subject).where(Notification.user_id == supplier_user.id)
    )
    assert any(order.number in subject for subject in subjects)


@pytest.mark.parametrize("quantity", [0, -1, services.MAX_QUANTITY + 1])
def test_a_quantity_outside_1_to_the_bound_is_refused_and_nothing_is_stored(db, quantity):
    lot = framework(db)
    before = count(db, CallOff)
    with pytest.raises(DomainError, match="quantity must be between 1 and"):
        place(db, lot, quantity=quantity)
    assert count(db, CallOff) == before


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("case_reference", "0101901234", "The case reference looks like it contains a CPR number"),
        ("case_reference", "Borger 311299-1234", "The case reference looks like it contains"),
        ("note", "Husk 010190-1234 ved opstart", "The note looks like it contains a CPR number"),
        ("choice_reason", "Jf. 0101901234", "The reason for the choice looks like it contains"),
    ],
)
def test_a_cpr_number_in_any_free_text_of_an_order_is_refused(db, field, value, message):
    lot = framework(db)
    with pytest.raises(DomainError, match=message):
        place(db, lot, **{field: value})
    assert count(db, CallOff) == 0 or not db.scalar(select(CallOff).where(CallOff.lot_id == lot.id))


def test_a_case_reference_that_is_not_a_date_passes(db):
    assert (
        place(db, framework(db), case_reference="SAG 3213991234").case_reference == "SAG 3213991234"
    )


def test_an_order_that_fits_the_maximum_to_the_ore_is_placed(db):
    lot = framework(db, maximum="10000.00", prices=("1000.00",))
    place(db, lot, quantity=9)
    place(db, lot, quantity=1)
    assert committed_amount(db, lot.id) == Decimal("10000.00")


def test_an_order_one_ore_beyond_the_maximum_is_refused_with_the_amount_left(db):
    lot = framework(db, maximum="9999.99", prices=("1000.00",))
    place(db, lot, quantity=9)
    with pytest.raises(DomainError, match=r"1\.000,00 kr\. does not fit.*999,99 kr\. is left"):
        place(db, lot, quantity=1)
    assert committed_amount(db, lot.id) == Decimal("9000.00")


def test_declined_and_cancelled_orders_give_their_amount_back(db):
    lot = framework(db, maximum="3000.00", prices=("1000.00",))
    first = place(db, lot, quantity=2)
    second = place(db, lot, quantity=1)
    services.decline(db, user(db, "leverandoer1@demo.dk"), first, "Ingen plads på holdet")
    services.cancel(db, user(db, ODENSE), second, "Borgeren er i job")
    assert committed_amount(db, lot.id) == Decimal("0.00")
    place(db, lot, quantity=3)


def test_an_invoice_above_the_total_counts_at_the_invoice(db):
    lot = framework(db, maximum="5000.00", prices=("1000.00",))
    invoiced(db, lot, amount="2500.00", reason="Ekstra sessioner aftalt", quantity=2)
    assert committed_amount(db, lot.id) == Decimal("2500.00")
    with pytest.raises(DomainError, match=r"2\.500,00 kr\. is left"):
        place(db, lot, quantity=3)


def test_an_invoice_below_the_total_keeps_the_total_committed(db):
    lot = framework(db, prices=("1000.00",))
    invoiced(db, lot, amount="1500.00", quantity=2)
    assert committed_amount(db, lot.id) == Decimal("2000.00")


def test_committed_amounts_of_many_lots_match_each_lot(db):
    lots = [framework(db), framework(db), framework(db)]
    place(db, lots[0], quantity=1)
    place(db, lots[1], quantity=4)
    assert services.committed_amounts(db, [lot.id for lot in lots]) == {
        lot.id: committed_amount(db, lot.id) for lot in lots
    }


def test_an_order_before_the_agreement_starts_is_refused(db):
    lot = framework(db, starts_on=TODAY + timedelta(days=1))
    with pytest.raises(DomainError, match="cannot take orders today"):
        place(db, lot, starts_on=TODAY + timedelta(days=2))


def test_an_order_on_the_agreements_last_day_is_placed_and_the_day_after_refused(db):
    lot = framework(db, ends_on=TODAY)
    place(db, lot, starts_on=TODAY)
    expired = framework(db, ends_on=TODAY - timedelta(days=1))
    with pytest.raises(DomainError, match="cannot take orders today"):
        place(db, expired, starts_on=TODAY)


def test_a_start_date_after_the_agreement_or_in_the_past_is_refused(db):
    lot = framework(db, ends_on=TODAY + timedelta(days=10))
    with pytest.raises(DomainError, match="must lie within the agreement"):
        place(db, lot, starts_on=TODAY + timedelta(days=11))
    with pytest.raises(DomainError, match="cannot be in the past"):
        place(db, lot, starts_on=TODAY - timedelta(days=1))


def test_a_jobcentre_outside_a_regional_framework_is_refused(db):
    lot = framework(db, "SD")
    with pytest.raises(NotAllowed, match="does not cover Jobcenter Aalborg"):
        place(db, lot, email=AALBORG)


def test_a_national_framework_covers_every_jobcentre(db):
    lot = framework(db, "HS", scope=Scope.NATIONAL)
    assert place(db, lot, email=AALBORG).jobcentre.name == "Jobcenter Aalborg"


def test_a_framework_that_is_not_active_takes_no_orders(db):
    lot = framework(db, state=TenderState.CANCELLED)
    with pytest.raises(DomainError, match="not part of an active framework"):
        place(db, lot)


def test_a_suspended_supplier_takes_no_orders(db):
    lot = framework(db)
    supplier_of(db, "leverandoer1@demo.dk").state = SupplierState.SUSPENDED
    with pytest.raises(DomainError, match="is suspended and cannot take orders"):
        place(db, lot)


@pytest.mark.parametrize("email", ["leverandoer1@demo.dk", "region.syddanmark@demo.dk"])
def test_only_jobcentre_staff_place_orders(db, email):
    lot = framework(db)
    with pytest.raises(NotAllowed, match="Only jobcentre staff can place orders"):
        services.place_order(db, user(db, email), agreement(db, lot), order_input())


def test_the_jobcentre_manager_may_order_too(db):
    assert place(db, framework(db), email="leder.odense@demo.dk").state == CallOffState.PLACED


def test_a_cascade_needs_a_reason_to_pass_the_first_in_line(db):
    lot = framework(db, rule=CallOffRule.CASCADE)
    with pytest.raises(DomainError, match=r"ranked cascade: .* \(rank 1\) comes first"):
        place(db, lot, rank=2)
    order = place(db, lot, rank=2, choice_reason="Rang 1 har ingen plads før marts")
    assert order.choice_reason == "Rang 1 har ingen plads før marts"


def test_under_a_cascade_a_suspended_first_supplier_passes_the_turn(db):
    lot = framework(db, rule=CallOffRule.CASCADE)
    supplier_of(db, "leverandoer1@demo.dk").state = SupplierState.SUSPENDED
    assert place(db, lot, rank=2).state == CallOffState.PLACED
    with pytest.raises(DomainError, match=r"\(rank 2\) comes first"):
        place(db, lot, rank=3)


def test_free_choice_lets_the_jobcentre_pick_any_supplier_without_a_reason(db):
    assert place(db, framework(db), rank=3).unit_price == Decimal("900.00")


# --- the order's life -------------------------------------------------------------------------


def test_the_whole_life_placed_accepted_delivered_invoiced_paid(db):
    lot = framework(db)
    order = invoiced(db, lot)
    paid = services.approve_invoice(db, user(db, ODENSE), order)
    assert paid.state == CallOffState.PAID
    assert [e.step for e in paid.events] == [
        CallOffStep.PLACED,
        CallOffStep.ACCEPTED,
        CallOffStep.DELIVERED,
        CallOffStep.INVOICED,
        CallOffStep.PAID,
    ]
    actions = db.scalars(  # in the order written: unordered, PostgreSQL returns a linked row last
        select(AuditEntry.action)
        .where(AuditEntry.object_type == "call_offs", AuditEntry.object_id == order.id)
        .order_by(AuditEntry.id)
    ).all()
    assert actions == [
        "calloff.placed",
        "calloff.accepted",
        "calloff.delivered",
        "calloff.invoiced",
        "calloff.paid",
    ]


def test_only_the_orders_supplier_accepts_it(db):
    order = place(db, framework(db))
    for email in ("leverandoer2@demo.dk", ODENSE):
        with pytest.raises(NotAllowed, match="Only the supplier of the order"):
            services.accept(db, user(db, email), order)
    assert order.state == CallOffState.PLACED


def test_only_the_ordering_jobcentre_cancels_or_approves(db):
    lot = framework(db, "HS", scope=Scope.NATIONAL)
    order = place(db, lot)
    with pytest.raises(NotAllowed, match="Only the jobcentre that placed the order"):
        services.cancel(db, user(db, AALBORG), order, "Ikke vores")
    with pytest.raises(NotAllowed, match="Only the jobcentre that placed the order"):
        services.cancel(db, user(db, "leverandoer1@demo.dk"), order, "Ikke vores")


def test_an_order_is_accepted_only_once(db):
    order = place(db, framework(db))
    services.accept(db, user(db, "leverandoer1@demo.dk"), order)
    with pytest.raises(DomainError, match='status "Accepted by the supplier"'):
        services.accept(db, user(db, "leverandoer1@demo.dk"), order)


def test_declining_needs_a_reason(db):
    order = place(db, framework(db))
    with pytest.raises(DomainError, match="Give a reason"):
        services.decline(db, user(db, "leverandoer1@demo.dk"), order, "  ")
    assert order.state == CallOffState.PLACED


def test_a_cpr_number_in_a_reason_is_refused(db):
    order = place(db, framework(db))
    with pytest.raises(DomainError, match="looks like it contains a CPR number"):
        services.decline(db, user(db, "leverandoer1@demo.dk"), order, "Borger 010190-1234 er syg")


def test_the_jobcentre_cancels_before_delivery_but_not_after(db):
    lot = framework(db)
    accepted = place(db, lot)
    services.accept(db, user(db, "leverandoer1@demo.dk"), accepted)
    assert services.cancel(db, user(db, ODENSE), accepted, "Borgeren er i job").state == (
        CallOffState.CANCELLED
    )
    done = delivered(db, lot)
    with pytest.raises(DomainError, match='status "Delivered"'):
        services.cancel(db, user(db, ODENSE), done, "For sent")


def test_delivery_needs_an_accepted_order(db):
    order = place(db, framework(db))
    with pytest.raises(DomainError, match='status "Placed, awaits the supplier"'):
        services.deliver(db, user(db, "leverandoer1@demo.dk"), order)


def test_an_invoice_above_the_total_without_a_reason_is_refused_with_the_excess(db):
    order = delivered(db, framework(db), quantity=2)
    supplier = user(db, "leverandoer1@demo.dk")
    with pytest.raises(DomainError, match=r"100,00 kr\. above the order's total of 2\.000,00 kr\."):
        services.send_invoice(db, supplier, order, InvoiceInput(Decimal("2100.00"), "F-1"))
    assert order.state == CallOffState.DELIVERED and order.invoice_amount is None


def test_an_invoices_excess_must_fit_within_the_maximum(db):
    lot = framework(db, maximum="3000.00", prices=("1000.00",))
    order = delivered(db, lot, quantity=2)
    place(db, lot, quantity=1)  # the lot is now full
    supplier = user(db, "leverandoer1@demo.dk")
    with pytest.raises(DomainError, match=r"0,01 kr\. does not fit.*0,00 kr\. is left"):
        services.send_invoice(db, supplier, order, InvoiceInput(Decimal("2000.01"), "F-1", "Mere"))
    services.send_invoice(db, supplier, order, InvoiceInput(Decimal("2000.00"), "F-1"))
    assert committed_amount(db, lot.id) == Decimal("3000.00")


@pytest.mark.parametrize("amount", ["0.00", "-5.00"])
def test_an_invoice_of_nothing_or_less_is_refused(db, amount):
    order = delivered(db, framework(db))
    with pytest.raises(DomainError, match="must be above 0 kr"):
        services.send_invoice(
            db, user(db, "leverandoer1@demo.dk"), order, InvoiceInput(Decimal(amount), "F-1")
        )


def test_a_rejected_invoice_returns_the_order_to_delivered_and_stays_in_the_history(db):
    lot = framework(db)
    order = invoiced(db, lot, amount="2500.00", reason="Ekstra", quantity=2)
    services.reject_invoice(db, user(db, ODENSE), order, "Ekstra timer er ikke aftalt")
    assert order.state == CallOffState.DELIVERED
    assert order.invoice_amount is None
    assert committed_amount(db, lot.id) == Decimal("2000.00")
    rejected = order.events[-1]
    assert (rejected.step, rejected.amount, rejected.text) == (
        CallOffStep.INVOICE_REJECTED,
        Decimal("2500.00"),
        "Ekstra timer er ikke aftalt",
    )
    services.send_invoice(
        db, user(db, "leverandoer1@demo.dk"), order, InvoiceInput(Decimal("2000.00"), "F-2")
    )
    assert services.approve_invoice(db, user(db, ODENSE), order).state == CallOffState.PAID


def test_a_paid_invoice_cannot_be_rejected(db):
    order = invoiced(db, framework(db))
    services.approve_invoice(db, user(db, ODENSE), order)
    with pytest.raises(DomainError, match='status "Invoice approved"'):
        services.reject_invoice(db, user(db, ODENSE), order, "For sent")


# --- the jobcentre's frameworks ---------------------------------------------------------------


def test_my_frameworks_show_what_covers_the_jobcentre_with_the_room_left(db):
    regional = framework(db, "SD", maximum="5000.00", prices=("1000.00", "1100.00"))
    national = framework(db, "NJ", scope=Scope.NATIONAL)
    elsewhere = framework(db, "NJ")
    ended = framework(db, "SD", ends_on=TODAY - timedelta(days=1))
    place(db, regional, quantity=2)
    offers = {o.lot.id: o for o in services.frameworks_for(db, user(db, ODENSE).organisation)}
    assert regional.id in offers and national.id in offers
    assert elsewhere.id not in offers and ended.id not in offers
    assert offers[regional.id].left == Decimal("3000.00")
    assert [a.rank for a in offers[regional.id].agreements] == [1, 2]


def test_an_exhausted_lot_takes_no_order_from_anyone(db):
    lot = framework(db, maximum="1000.00", prices=("1000.00",))
    place(db, lot, quantity=1)
    offer = services.offer_for(db, user(db, ODENSE).organisation, lot)
    assert offer.exhausted
    assert not offer.orderable(offer.agreements[0], TODAY)


# --- who may take which move, from which state ------------------------------------------------


@pytest.mark.parametrize(
    ("field", "message"),
    [("reference", "The invoice number looks like"), ("reason", "The reason looks like")],
)
def test_a_cpr_number_in_an_invoice_is_refused(db, field, message):
    order = delivered(db, framework(db))
    values = {"amount": Decimal("2100.00"), "reference": "F-1", "reason": "Ekstra"}
    values[field] = "Borger 010190-1234"
    with pytest.raises(DomainError, match=message):
        services.send_invoice(db, user(db, "leverandoer1@demo.dk"), order, InvoiceInput(**values))
    assert order.state == CallOffState.DELIVERED


@pytest.mark.parametrize("move", ["decline", "deliver", "send_invoice"])
def test_another_supplier_cannot_move_the_order(db, move):
    order = place(db, framework(db))
    if move != "decline":
        services.accept(db, user(db, "leverandoer1@demo.dk"), order)
    if move == "send_invoice":
        services.deliver(db, user(db, "leverandoer1@demo.dk"), order)
    args = {
        "decline": ("Nej",),
        "deliver": (),
        "send_invoice": (InvoiceInput(Decimal("2000.00"), "F-1"),),
    }[move]
    before = order.state
    with pytest.raises(NotAllowed, match="Only the supplier of the order"):
        getattr(services, move)(db, user(db, "leverandoer2@demo.dk"), order, *args)
    assert order.state == before


@pytest.mark.parametrize("move", ["approve_invoice", "reject_invoice"])
def test_another_jobcentre_cannot_settle_the_invoice(db, move):
    order = invoiced(db, framework(db, "HS", scope=Scope.NATIONAL))
    args = ("Nej",) if move == "reject_invoice" else ()
    with pytest.raises(NotAllowed, match="Only the jobcentre that placed the order"):
        getattr(services, move)(db, user(db, AALBORG), order, *args)
    assert order.state == CallOffState.INVOICED


def test_an_accepted_order_cannot_be_declined_nor_an_uninvoiced_one_approved(db):
    order = place(db, framework(db))
    services.accept(db, user(db, "leverandoer1@demo.dk"), order)
    with pytest.raises(DomainError, match='status "Accepted by the supplier"'):
        services.decline(db, user(db, "leverandoer1@demo.dk"), order, "For sent")
    with pytest.raises(DomainError, match='status "Accepted by the supplier"'):
        services.approve_invoice(db, user(db, ODENSE), order)


def test_each_party_is_offered_exactly_its_next_moves(db):
    order = place(db, framework(db))
    supplier, jobcentre = user(db, "leverandoer1@demo.dk"), user(db, ODENSE)
    assert services.next_steps(supplier, order) == [CallOffStep.ACCEPTED, CallOffStep.DECLINED]
    assert services.next_steps(jobcentre, order) == [CallOffStep.CANCELLED]
    assert services.next_steps(user(db, "leverandoer2@demo.dk"), order) == []
    assert services.next_steps(user(db, "region.syddanmark@demo.dk"), order) == []
    invoiced_order = invoiced(db, framework(db))
    assert services.next_steps(jobcentre, invoiced_order) == [
        CallOffStep.PAID,
        CallOffStep.INVOICE_REJECTED,
    ]


@pytest.mark.parametrize(
    ("move", "action"),
    [
        ("decline", "calloff.declined"),
        ("cancel", "calloff.cancelled"),
        ("reject_invoice", "calloff.invoice_rejected"),
    ],
)
def test_closing_moves_are_audited_with_their_reason(db, move, action):
    lot = framework(db)
    if move == "reject_invoice":
        order, actor = invoiced(db, lot, amount="2100.00", reason="Ekstra"), user(db, ODENSE)
    else:
        order = place(db, lot)
        actor = user(db, "leverandoer1@demo.dk" if move == "decline" else ODENSE)
    getattr(services, move)(db, actor, order, "Begrundelsen")
    entry = db.scalars(
        select(AuditEntry).where(AuditEntry.action == action, AuditEntry.object_id == order.id)
    ).one()
    assert entry.changes["text"] == "Begrundelsen"
    if move == "reject_invoice":
        assert entry.changes["amount"] == "2100.00" and entry.changes["invoice"] == "F-1001"


def test_the_invoice_amount_is_in_the_audit_trail_when_sent_and_approved(db):
    order = invoiced(db, framework(db), amount="1999.99")
    services.approve_invoice(db, user(db, ODENSE), order)
    amounts = db.scalars(
        select(AuditEntry.changes).where(
            AuditEntry.object_id == order.id,
            AuditEntry.action.in_(["calloff.invoiced", "calloff.paid"]),
        )
    ).all()
    assert [c["amount"] for c in amounts] == ["1999.99", "1999.99"]


def test_when_the_orderer_has_left_everyone_at_the_jobcentre_hears(db):
    order = place(db, framework(db))
    user(db, ODENSE).active = False
    services.accept(db, user(db, "leverandoer1@demo.dk"), order)
    told = set(
        db.scalars(select(Notification.user_id).where(Notification.subject.contains(order.number)))
    )
    assert user(db, "leder.odense@demo.dk").id in told
    assert user(db, ODENSE).id not in told


def test_my_frameworks_leave_out_frameworks_that_are_not_active_and_filter_by_group(db):
    active = framework(db)
    cancelled = framework(db, state=TenderState.CANCELLED)
    jobcentre = user(db, ODENSE).organisation
    lots = {o.lot.id for o in services.frameworks_for(db, jobcentre)}
    assert active.id in lots and cancelled.id not in lots
    group_id = active.tender.target_groups[0].id
    other = next(g.id for g in db.scalars(select(TargetGroup)) if g.id != group_id)
    assert active.id in {o.lot.id for o in services.frameworks_for(db, jobcentre, group_id)}
    assert active.id not in {o.lot.id for o in services.frameworks_for(db, jobcentre, other)}


def test_the_same_order_sent_twice_is_placed_once(db):
    lot = framework(db)
    first = place(db, lot, case_reference="SAG-DOBBELT")
    with pytest.raises(DomainError, match=f"placed a moment ago as {first.number}"):
        place(db, lot, case_reference="SAG-DOBBELT")
    services.cancel(db, user(db, ODENSE), first, "Forkert antal")
    assert place(db, lot, case_reference="SAG-DOBBELT").state == CallOffState.PLACED


# --- an agreement the Complaints Board declared ineffective -----------------------------------


def test_an_agreement_declared_ineffective_takes_no_orders_from_that_day(db):
    from app import clock
    from app.calloffs.services import frameworks_for

    lot = framework(db)
    ineffective = agreement(db, lot)
    ineffective.ineffective_on = TODAY + timedelta(days=1)
    place(db, lot)  # the day before: it still takes orders
    with clock.frozen_at(NOW + timedelta(days=1)):
        before = db.scalar(select(func.count()).select_from(CallOff))
        with pytest.raises(DomainError, match="declared the agreement ineffective from"):
            place(db, lot)
        assert db.scalar(select(func.count()).select_from(CallOff)) == before
        offer = next(o for o in frameworks_for(db, user(db, ODENSE).organisation) if o.lot == lot)
        assert ineffective not in offer.agreements and offer.agreements
        assert not ineffective.runs_on(clock.today())
        place(db, lot, rank=2)  # the other agreements of the lot go on


def _last_message_to(db, email: str) -> Notification:
    return db.scalars(
        select(Notification)
        .where(Notification.user_id == user(db, email).id)
        .order_by(Notification.id.desc())
    ).first()


def test_the_reasons_of_a_refusal_reach_the_other_party(db):
    """A declined order's reason reaches the jobcentre; a rejected invoice's and a cancelled
    order's reach the supplier."""
    declined = place(db, framework(db))
    services.decline(db, user(db, "leverandoer1@demo.dk"), declined, "Ingen kapacitet i juli")
    assert "Ingen kapacitet i juli" in _last_message_to(db, declined.placed_by.email).body
    rejected = invoiced(db, framework(db))
    services.reject_invoice(db, user(db, ODENSE), rejected, "Forkert antal timer")
    assert "Forkert antal timer" in _last_message_to(db, "leverandoer1@demo.dk").body
    cancelled = place(db, framework(db))
    services.cancel(db, user(db, ODENSE), cancelled, "Borgeren er flyttet")
    assert "Borgeren er flyttet" in _last_message_to(db, "leverandoer1@demo.dk").body
