"""Outcomes and effects through the API: the page's rules for recording, the threshold for
reading, and a supplier's token seeing only its own."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.audit.models import AuditEntry
from app.calloffs.models import CallOffState
from app.outcomes import services as outcomes
from app.outcomes.models import Outcome
from app.tenders.models import Scope
from tests.api.test_api import JOBCENTRE, REGION, SUPPLIER, bearer
from tests.calloffs.conftest import AALBORG, TODAY, framework, place
from tests.conftest import user


def ran(db, lot, rank: int = 1, quantity: int = 3):
    order = place(db, lot, rank, email=AALBORG, quantity=quantity)
    order.state = CallOffState.DELIVERED
    order.starts_on = TODAY - timedelta(days=300)
    db.flush()
    return order


def outcome(**changes) -> dict:
    body = {
        "ended_on": (TODAY - timedelta(days=200)).isoformat(),
        "started": 3,
        "completed": 2,
        "in_work_13": 1,
    }
    return body | changes


def test_the_jobcentre_records_an_outcome_through_the_api_as_on_the_page(client, db):
    order = ran(db, framework(db, "NJ"))
    order_id = order.id
    db.commit()
    answer = client.post(
        f"/api/v1/orders/{order_id}/outcome", json=outcome(), headers=bearer(JOBCENTRE)
    )
    assert answer.status_code == 200, answer.json
    assert answer.json["started"] == 3 and answer.json["in_work_26"] is None
    stored = db.scalars(select(Outcome).where(Outcome.call_off_id == order_id)).one()
    assert (stored.started, stored.in_work_13) == (3, 1)
    entry = db.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "outcome.recorded")
        .order_by(AuditEntry.id.desc())
    ).first()
    assert entry.changes["order"] == order.number


def test_more_persons_than_ordered_is_refused_in_the_services_words(client, db):
    order_id = ran(db, framework(db, "NJ"), quantity=2).id
    db.commit()
    answer = client.post(
        f"/api/v1/orders/{order_id}/outcome", json=outcome(), headers=bearer(JOBCENTRE)
    )
    assert answer.status_code == 409
    assert "3 startede, men bestilling" in answer.json["error"]["message"]
    assert db.scalar(select(Outcome).where(Outcome.call_off_id == order_id)) is None


def test_a_negative_count_is_422_and_a_token_without_order_scope_403(client, db):
    order_id = ran(db, framework(db, "NJ")).id
    db.commit()
    bad = client.post(
        f"/api/v1/orders/{order_id}/outcome", json=outcome(started=-1), headers=bearer(JOBCENTRE)
    )
    assert bad.status_code == 422
    refused = client.post(
        f"/api/v1/orders/{order_id}/outcome", json=outcome(), headers=bearer(REGION)
    )
    assert refused.status_code == 403


def test_effects_come_from_the_threshold_and_a_supplier_sees_only_its_own(client, db):
    lot = framework(db, "NJ", scope=Scope.NATIONAL)
    outcomes.set_threshold(db, user(db, "region.nordjylland@demo.dk"), 5)
    for _ in range(2):
        order = ran(db, lot, rank=1)
        outcomes.record_outcome(
            db,
            user(db, AALBORG),
            order,
            outcomes.OutcomeInput(TODAY - timedelta(days=200), 3, 3, 3),
        )
    order = ran(db, lot, rank=2)  # 3 persons: below the threshold
    outcomes.record_outcome(
        db, user(db, AALBORG), order, outcomes.OutcomeInput(TODAY - timedelta(days=200), 3, 3, 0)
    )
    lot_id = lot.id
    db.commit()
    answer = client.get(f"/api/v1/lots/{lot_id}/effects", headers=bearer(JOBCENTRE))
    assert answer.status_code == 200, answer.json
    assert answer.json["threshold"] == 5
    first, second = answer.json["suppliers"][:2]
    assert first["effect"]["work_13"] == {
        "percent": "100.0",
        "low": first["effect"]["work_13"]["low"],
        "high": "100.0",
        "persons": 6,
    }
    assert second["effect"]["persons"] == 3 and second["effect"]["work_13"] is None
    assert answer.json["average"]["work_13"]["persons"] == 9
    own = client.get(f"/api/v1/lots/{lot_id}/effects", headers=bearer(SUPPLIER)).json
    assert [s["supplier_name"] for s in own["suppliers"]] == [first["supplier_name"]]
