"""A jobcentre withdraws an exemption request the region has not decided yet; the refused
jobcentre reads the region's reasons in its message."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.core.errors import DomainError, NotAllowed
from app.exemptions import services
from app.exemptions.models import ExemptionState
from app.exemptions.services import ExemptionStep, next_steps
from app.notifications.models import Notification
from tests.conftest import login, user
from tests.purchases.conftest import ask, framework

SD_STAFF = "region.syddanmark@demo.dk"
ODENSE = "jobcenter.odense@demo.dk"


def test_the_jobcentre_withdraws_a_request_not_yet_decided_and_the_region_hears(db):
    exemption = ask(db, lot=framework(db))
    assert next_steps(user(db, ODENSE), exemption) == [ExemptionStep.WITHDRAW]
    services.withdraw(db, user(db, ODENSE), exemption)
    assert exemption.state == ExemptionState.WITHDRAWN and exemption.withdrawn_at is not None
    assert not exemption.is_decided
    assert db.scalar(select(AuditEntry).where(AuditEntry.action == "exemption.withdrawn"))
    told = db.scalars(
        select(Notification.user_id).where(Notification.subject.contains("withdrew"))
    ).all()
    assert user(db, SD_STAFF).id in told
    # Withdrawn, it waits for no one, and may not be decided any more.
    assert services.awaiting_decision(db, user(db, SD_STAFF)) == 0
    with pytest.raises(DomainError, match="already decided"):
        services.approve(db, user(db, SD_STAFF), exemption, "For sent")


def test_a_withdrawn_request_no_longer_blocks_a_new_one(db):
    lot = framework(db)
    services.withdraw(db, user(db, ODENSE), ask(db, lot=lot))
    assert ask(db, lot=lot).state == ExemptionState.REQUESTED


def test_a_decided_request_cannot_be_withdrawn(db):
    exemption = ask(db, lot=framework(db))
    services.refuse(db, user(db, SD_STAFF), exemption, "Rammeaftalen dækker behovet")
    assert next_steps(user(db, ODENSE), exemption) == []
    with pytest.raises(DomainError, match="can no longer be withdrawn"):
        services.withdraw(db, user(db, ODENSE), exemption)
    assert exemption.state == ExemptionState.REFUSED


def test_only_the_asking_jobcentre_withdraws(db):
    exemption = ask(db, lot=framework(db))
    for email in (SD_STAFF, "jobcenter.aalborg@demo.dk"):
        with pytest.raises(NotAllowed, match="Only the jobcentre that asked"):
            services.withdraw(db, user(db, email), exemption)
    assert exemption.state == ExemptionState.REQUESTED


def test_the_refused_jobcentre_reads_the_region_s_reasons_in_its_message(db):
    exemption = ask(db, lot=framework(db))
    services.refuse(db, user(db, SD_STAFF), exemption, "Rammeaftalen dækker behovet")
    message = db.scalars(
        select(Notification).where(Notification.user_id == exemption.requested_by_id)
    ).all()[-1]
    assert "Rammeaftalen dækker behovet" in message.body


def test_the_jobcentre_withdraws_through_the_page(app, db):
    exemption = ask(db, lot=framework(db))
    exemption_id = exemption.id
    db.commit()
    client = app.test_client()
    login(client, ODENSE)
    page = client.get(f"/exemptions/{exemption_id}").get_data(as_text=True)
    assert 'data-step="withdraw"' in page
    done = client.post(f"/exemptions/{exemption_id}/withdrawal", follow_redirects=True)
    text = done.get_data(as_text=True)
    assert done.status_code == 200
    assert "Trukket tilbage af jobcentret" in text and 'data-step="withdraw"' not in text
    again = client.post(f"/exemptions/{exemption_id}/withdrawal")
    assert again.status_code == 409
    region = app.test_client()
    login(region, SD_STAFF)
    assert "Træk ansøgningen tilbage" not in region.get(f"/exemptions/{exemption_id}").get_data(
        as_text=True
    )
