"""Framework agreements that live: the region suspends a supplier in one agreement, lifts it or
terminates the agreement; new orders stop, running orders go on, the cascade skips it, the
supplier and the jobcentres are told, the history and the letter keep it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.agreements import services
from app.agreements.models import AgreementEvent, AgreementStep, Ground
from app.audit.models import AuditEntry
from app.calloffs import services as calloffs
from app.core.errors import DomainError, NotAllowed
from app.evaluation.models import AgreementState
from app.notifications.models import Notification
from app.tenders.models import CallOffRule
from tests.calloffs.conftest import TODAY, agreement, framework, place, supplier_user
from tests.conftest import login, user

STAFF = "region.syddanmark@demo.dk"  # the factory's frameworks are Syddanmark's (code SD)
REASON = "Leverandøren har ikke leveret de aftalte forløb i tre måneder."


def staff(db):
    return user(db, STAFF)


def suspended(db, lot, rank=1):
    found = agreement(db, lot, rank)
    services.suspend(db, staff(db), found, Ground.BREACH, REASON)
    return found


def test_a_suspended_supplier_takes_no_new_orders_and_says_why(db):
    lot = framework(db)
    found = suspended(db, lot)
    assert found.state == AgreementState.SUSPENDED
    with pytest.raises(DomainError, match="is suspended in this framework agreement"):
        place(db, lot)
    offer = calloffs.offer_for(db, user(db, "jobcenter.odense@demo.dk").organisation, lot)
    assert not offer.orderable(found, TODAY)
    assert offer.orderable(agreement(db, lot, 2), TODAY)


def test_running_orders_go_on_while_the_supplier_is_suspended(db):
    lot = framework(db)
    order = place(db, lot)
    suspended(db, lot)
    supplier = user(db, supplier_user(db, order))
    calloffs.accept(db, supplier, order)
    assert calloffs.deliver(db, supplier, order).state.value == "delivered"


def test_the_cascade_skips_a_suspended_supplier(db):
    lot = framework(db, rule=CallOffRule.CASCADE)
    suspended(db, lot, rank=1)
    # Rank 2 is now first in line: no reason is needed to order there.
    order = place(db, lot, rank=2)
    assert order.choice_reason == ""
    with pytest.raises(DomainError, match=r"\(rank 2\) comes first"):
        place(db, lot, rank=3)


def test_lifting_the_suspension_lets_orders_in_again(db):
    lot = framework(db)
    found = suspended(db, lot)
    services.lift(db, staff(db), found, "Leverandøren har rettet op.")
    assert found.state == AgreementState.ACTIVE
    assert place(db, lot).agreement_id == found.id


def test_a_terminated_agreement_leaves_the_jobcentres_frameworks(db):
    lot = framework(db)
    found = suspended(db, lot)
    services.terminate(db, staff(db), found, Ground.EXCLUSION, "Udelukkelsesgrund konstateret.")
    assert found.state == AgreementState.TERMINATED
    with pytest.raises(DomainError, match="is terminated and takes no new orders"):
        place(db, lot)
    jobcentre = user(db, "jobcenter.odense@demo.dk").organisation
    offers = calloffs.frameworks_for(db, jobcentre)
    listed = {a.id for offer in offers if offer.lot.id == lot.id for a in offer.agreements}
    assert found.id not in listed and agreement(db, lot, 2).id in listed
    # My frameworks' page, paged in SQL, leaves it out the same way.
    page = calloffs.framework_page(db, jobcentre, size=1000)
    paged = {a.id for _g, offer in page.items if offer.lot.id == lot.id for a in offer.agreements}
    assert paged == listed


def test_every_decision_is_kept_with_its_letters_reference_and_audited(db):
    lot = framework(db)
    found = suspended(db, lot)
    services.lift(db, staff(db), found, "Rettet.")
    events = db.scalars(services.history(found)).all()
    assert [e.step for e in events] == [AgreementStep.SUSPEND, AgreementStep.LIFT]
    assert [e.reference for e in events] == [f"AF-{found.number}-1", f"AF-{found.number}-2"]
    assert events[0].ground == Ground.BREACH and events[1].ground is None
    actions = db.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.object_type == "agreements", AuditEntry.object_id == found.id)
        .order_by(AuditEntry.id)
    ).all()
    assert actions == ["agreement.suspend", "agreement.lift"]


def test_the_supplier_and_the_regions_jobcentres_are_told(db):
    lot = framework(db)
    found = suspended(db, lot)
    subject = f"{found.supplier.name} is suspended in framework agreement {found.number}"
    told = db.scalars(select(Notification.user_id).where(Notification.subject == subject)).all()
    supplier = user(db, "leverandoer1@demo.dk")
    assert supplier.id in told
    odense = user(db, "jobcenter.odense@demo.dk")  # Syddanmark: covered
    aalborg = user(db, "jobcenter.aalborg@demo.dk")  # Nordjylland: not covered
    assert odense.id in told and aalborg.id not in told


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("region.nordjylland@demo.dk", "Only the staff of the region that owns"),
        ("direktoer.syddanmark@demo.dk", "Only the staff of the region that owns"),
        ("jobcenter.odense@demo.dk", "Only the staff of the region that owns"),
        ("leverandoer1@demo.dk", "Only the staff of the region that owns"),
    ],
)
def test_only_the_owning_regions_staff_decide(db, email, message):
    lot = framework(db)
    with pytest.raises(NotAllowed, match=message):
        services.suspend(db, user(db, email), agreement(db, lot), Ground.BREACH, REASON)
    assert agreement(db, lot).state == AgreementState.ACTIVE


@pytest.mark.parametrize(
    ("reason", "ground", "message"),
    [
        ("", Ground.BREACH, "Give the reason for the decision"),
        ("   ", Ground.BREACH, "Give the reason for the decision"),
        ("Borgeren 010190-1234 klagede", Ground.BREACH, "CPR"),
        (REASON, None, "Choose the ground"),
        ("x" * 4001, Ground.BREACH, "at most 4000 characters"),
    ],
)
def test_a_bad_decision_is_refused_and_changes_nothing(db, reason, ground, message):
    lot = framework(db)
    found = agreement(db, lot)
    with pytest.raises(DomainError, match=message):
        services.decide(db, staff(db), found, AgreementStep.SUSPEND, reason, ground)
    assert found.state == AgreementState.ACTIVE
    count = db.scalar(select(func.count()).where(AgreementEvent.agreement_id == found.id))
    assert count == 0


def test_a_decision_is_refused_from_a_state_it_does_not_start_from(db):
    lot = framework(db)
    found = agreement(db, lot)
    with pytest.raises(DomainError, match='status "Active"'):
        services.lift(db, staff(db), found, "Ingen suspension at ophæve.")
    suspended(db, lot)
    with pytest.raises(DomainError, match='status "Suspended"'):
        services.suspend(db, staff(db), found, Ground.BREACH, REASON)
    services.terminate(db, staff(db), found, Ground.BREACH, REASON)
    for step in AgreementStep:
        with pytest.raises(DomainError, match='status "Terminated"'):
            services.decide(db, staff(db), found, step, REASON, Ground.BREACH)


def test_the_page_offers_exactly_the_next_steps(db):
    lot = framework(db)
    found = agreement(db, lot)
    assert services.next_steps(staff(db), found) == [AgreementStep.SUSPEND, AgreementStep.TERMINATE]
    suspended(db, lot)
    assert services.next_steps(staff(db), found) == [AgreementStep.LIFT, AgreementStep.TERMINATE]
    assert services.next_steps(user(db, "direktoer.syddanmark@demo.dk"), found) == []


# --- the pages ----------------------------------------------------------------------------------


def test_the_region_suspends_through_the_page_and_the_letter_says_so(client, db):
    lot = framework(db)
    db.commit()
    found_id = agreement(db, lot).id
    login(client, STAFF)
    page = client.get(f"/agreements/{found_id}/suspend").get_data(as_text=True)
    assert "Ingen nye bestillinger" in page
    refused = client.post(f"/agreements/{found_id}/suspend", data={"reason": REASON})
    assert refused.status_code == 422 and "Vælg grundlaget" in refused.get_data(as_text=True)
    done = client.post(
        f"/agreements/{found_id}/suspend", data={"reason": REASON, "ground": "breach"}
    )
    assert done.status_code == 302
    detail = client.get(f"/agreements/{found_id}").get_data(as_text=True)
    assert "Suspenderet" in detail and REASON in detail
    event = db.scalars(select(AgreementEvent).where(AgreementEvent.agreement_id == found_id)).one()
    letter = client.get(f"/agreements/{found_id}/decisions/{event.id}/letter.pdf")
    assert letter.status_code == 200 and letter.mimetype == "application/pdf"


def test_the_supplier_sees_its_agreement_and_another_supplier_does_not(client, db):
    lot = framework(db)
    db.commit()
    found = agreement(db, lot)
    found_id, rank2_id = found.id, agreement(db, lot, 2).id
    login(client, "leverandoer1@demo.dk")
    assert client.get(f"/agreements/{found_id}").status_code == 200
    assert client.get(f"/agreements/{rank2_id}").status_code == 404
    assert client.get(f"/agreements/{found_id}/suspend").status_code == 403


def test_a_jobcentre_outside_the_framework_does_not_see_the_agreement(app, client, db):
    lot = framework(db)
    db.commit()
    found_id = agreement(db, lot).id
    login(client, "jobcenter.aalborg@demo.dk")
    assert client.get(f"/agreements/{found_id}").status_code == 404
    covered = app.test_client()
    login(covered, "jobcenter.odense@demo.dk")
    assert covered.get(f"/agreements/{found_id}").status_code == 200


def test_the_jobcentre_sees_the_suspension_on_its_frameworks_page_without_an_order_button(
    client, db
):
    lot = framework(db)
    suspended(db, lot)
    db.commit()
    found = agreement(db, lot)
    login(client, "jobcenter.odense@demo.dk")
    page = client.get("/frameworks?page=1").get_data(as_text=True)
    assert f'agreement={found.id}"' not in page
    assert f"agreement={agreement(db, lot, 2).id}" in page
