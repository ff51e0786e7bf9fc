"""The API token pages: issue (the secret shown once), list, revoke, for each manager."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app import clock
from app.api import tokens
from app.api.models import ApiToken
from app.audit.models import AuditEntry
from app.organisations.models import OrganisationKind
from tests.conftest import login, organisation, user

AALBORG = (OrganisationKind.JOBCENTRE, "Jobcenter Aalborg")
ODENSE = (OrganisationKind.JOBCENTRE, "Jobcenter Odense")


def _in_days(days: int) -> str:
    return (clock.today() + timedelta(days=days)).isoformat()


def _issue(client, organisation_id: int, **data):
    form = {"name": "Sagssystem", "scopes": ["read", "order"], "expires_on": _in_days(30)}
    form.update(data)
    return client.post(f"/api-tokens/organisations/{organisation_id}/new", data=form)


def _count(db, organisation_id: int) -> int:
    return len(
        db.scalars(select(ApiToken).where(ApiToken.organisation_id == organisation_id)).all()
    )


def test_a_jobcentre_manager_issues_sees_the_secret_once_and_revokes(client, db):
    aalborg = organisation(db, *AALBORG)
    login(client, "leder.aalborg@demo.dk")
    index = client.get("/api-tokens/")
    assert index.status_code == 302
    assert index.headers["Location"].endswith(f"/api-tokens/organisations/{aalborg.id}")
    form = client.get(f"/api-tokens/organisations/{aalborg.id}/new").get_data(as_text=True)
    assert 'value="purchases"' in form and 'value="order"' in form

    issued = _issue(client, aalborg.id)
    assert issued.status_code == 200
    assert issued.headers["Cache-Control"] == "no-store"
    html = issued.get_data(as_text=True)
    secret = re.search(r'value="(rmu_[^"]+)"', html).group(1)
    token = tokens.authenticate(db, secret)
    assert token.name == "Sagssystem" and token.organisation_id == aalborg.id
    assert token.expires_at == clock.start_of_day(clock.today() + timedelta(days=30))

    listing = client.get(f"/api-tokens/organisations/{aalborg.id}").get_data(as_text=True)
    assert "Sagssystem" in listing and token.prefix in listing and secret not in listing

    confirm = client.get(f"/api-tokens/{token.id}/revoke")
    assert "Tilbagekald nøglen Sagssystem?" in confirm.get_data(as_text=True)
    done = client.post(f"/api-tokens/{token.id}/revoke", follow_redirects=True)
    assert "Nøglen Sagssystem er tilbagekaldt." in done.get_data(as_text=True)
    with pytest.raises(tokens.TokenRefused):
        tokens.authenticate(db, secret)


def test_a_manager_cannot_reach_another_jobcentres_tokens_and_the_refusal_is_audited(client, db):
    odense = organisation(db, *ODENSE)
    login(client, "leder.aalborg@demo.dk")
    assert client.get(f"/api-tokens/organisations/{odense.id}").status_code == 404
    assert _issue(client, odense.id).status_code == 404
    refusal = db.scalar(select(AuditEntry).where(AuditEntry.action == "access.refused"))
    assert refusal.object_id == odense.id
    assert _count(db, odense.id) == 0


def test_another_managers_token_cannot_be_revoked(client, db):
    odense = organisation(db, *ODENSE)
    token, _ = tokens.issue_token(
        db,
        user(db, "leder.odense@demo.dk"),
        odense,
        "Økonomi",
        {"read"},
        clock.now() + timedelta(days=5),
    )
    db.flush()
    login(client, "leder.aalborg@demo.dk")
    assert client.post(f"/api-tokens/{token.id}/revoke").status_code == 404
    assert token.revoked_at is None


def test_region_staff_manage_their_region_and_its_jobcentres_only(client, db):
    login(client, "region.nordjylland@demo.dk")
    html = client.get("/api-tokens/").get_data(as_text=True)
    assert "Jobcenter Aalborg</a>" in html and "Beskæftigelsesregion Nordjylland</a>" in html
    assert "Jobcenter Odense" not in html and "Beskæftigelsesregion Syddanmark" not in html
    searched = client.get("/api-tokens/?q=aalborg").get_data(as_text=True)
    assert "Jobcenter Aalborg</a>" in searched
    assert "Beskæftigelsesregion Nordjylland</a>" not in searched
    aalborg = organisation(db, *AALBORG)
    # A jobcentre's orders are its own manager's to hand to a system (tests/api/test_tokens.py).
    form = client.get(f"/api-tokens/organisations/{aalborg.id}/new").get_data(as_text=True)
    assert 'value="purchases"' in form and 'value="order"' not in form
    assert _issue(client, aalborg.id, scopes=["read", "purchases"]).status_code == 200


def test_a_supplier_is_offered_only_the_read_scope_and_refused_the_others(client, db):
    login(client, "leverandoer1@demo.dk")
    own = user(db, "leverandoer1@demo.dk").organisation
    form = client.get(f"/api-tokens/organisations/{own.id}/new").get_data(as_text=True)
    assert 'value="read"' in form and 'value="order"' not in form
    before = _count(db, own.id)
    refused = _issue(client, own.id, scopes=["read", "order"])
    assert refused.status_code == 422
    assert _count(db, own.id) == before
    assert _issue(client, own.id, scopes=["read"]).status_code == 200


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": ""}, "Feltet skal udfyldes."),
        ({"scopes": []}, "Feltet skal udfyldes."),
        ({"expires_on": ""}, "Feltet skal udfyldes."),
        ({"expires_on": "not a date"}, "dato"),
        ({"expires_on": 0}, "Udløbet skal ligge i fremtiden."),
        ({"expires_on": 367}, "En nøgle gælder højst et år"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_changes_nothing(client, db, data, message):
    if isinstance(data.get("expires_on"), int):  # days from the suite's today, read in the test
        data = {"expires_on": _in_days(data["expires_on"])}
    aalborg = organisation(db, *AALBORG)
    login(client, "leder.aalborg@demo.dk")
    before = _count(db, aalborg.id)
    answer = _issue(client, aalborg.id, **data)
    assert answer.status_code == 422
    assert message in answer.get_data(as_text=True)
    assert _count(db, aalborg.id) == before


def test_jobcentre_staff_do_not_manage_tokens_and_see_no_menu_entry(client):
    login(client, "jobcenter.aalborg@demo.dk")
    assert "API-nøgler" not in client.get("/start").get_data(as_text=True)
    assert client.get("/api-tokens/").status_code == 403


def test_the_manager_sees_the_menu_entry(client):
    login(client, "leder.aalborg@demo.dk")
    assert "API-nøgler" in client.get("/start").get_data(as_text=True)
