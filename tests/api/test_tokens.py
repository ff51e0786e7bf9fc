"""API tokens: who issues them for which organisation, scopes, expiry, revoking, recognising."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app import clock
from app.api import tokens
from app.api.models import ApiScope, ApiToken
from app.audit.models import AuditEntry
from app.auth import services as users
from app.auth.queries import search_users
from app.core.errors import DomainError, NotAllowed
from app.notifications.models import OutboxMessage
from app.notifications.services import notify
from app.organisations.models import OrganisationKind
from app.organisations.queries import users_of
from tests.conftest import organisation, user

IN_A_MONTH = timedelta(days=30)


def _issue(db, actor_email="leder.aalborg@demo.dk", org=("jobcentre", "Jobcenter Aalborg"), **kw):
    actor = user(db, actor_email)
    target = organisation(db, OrganisationKind(org[0]), org[1])
    args = {"name": "Sagssystem", "scopes": {ApiScope.READ}, "expires_at": clock.now() + IN_A_MONTH}
    args.update(kw)
    return tokens.issue_token(db, actor, target, **args)


def test_the_secret_is_shown_once_and_only_its_hash_is_kept(db):
    token, secret = _issue(db)
    assert secret.startswith("rmu_") and len(secret) > 40
    assert token.secret_hash == tokens.digest(secret) and secret not in token.secret_hash
    assert token.prefix == secret[:10]
    assert tokens.authenticate(db, secret) is token


def test_requests_act_as_the_tokens_own_user_of_the_organisation(db):
    token, _ = _issue(db, name="  Opus   sagssystem ")
    assert token.name == "Opus sagssystem"
    assert token.user.name == "Opus sagssystem" and token.user.api_client
    assert token.user.organisation_id == token.organisation_id
    assert token.user.role.value == "jobcentre_staff"


def test_the_tokens_user_cannot_log_in_and_is_not_listed_with_the_people(db):
    token, _ = _issue(db)
    assert users.authenticate(db, token.user.email, "!") is None
    token.user.email_confirmed_at = clock.now()
    token.user.password_hash = users.hash_password("a password set somehow")
    assert users.authenticate(db, token.user.email, "a password set somehow") is None
    assert token.user not in db.scalars(search_users("", "")).all()
    assert token.user not in users_of(db, token.organisation_id)


def test_the_tokens_user_gets_inbox_messages_but_no_email(db):
    token, _ = _issue(db)
    before = db.scalar(select(OutboxMessage.id).order_by(OutboxMessage.id.desc()).limit(1)) or 0
    [note] = notify(db, [token.user], "Ordre accepteret")
    assert note.user_id == token.user.id
    assert not db.scalars(select(OutboxMessage).where(OutboxMessage.id > before)).all()


def test_issuing_and_revoking_are_audited_with_the_tokens_name(db):
    token, _ = _issue(db)
    issued = db.scalar(
        select(AuditEntry).where(
            AuditEntry.action == "api_token.issued", AuditEntry.object_id == token.id
        )
    )
    assert issued.object_id == token.id and issued.changes["name"] == "Sagssystem"
    assert issued.changes["scopes"] == "read"
    tokens.revoke_token(db, user(db, "leder.aalborg@demo.dk"), token)
    revoked = db.scalar(select(AuditEntry).where(AuditEntry.action == "api_token.revoked"))
    assert revoked.object_id == token.id


@pytest.mark.parametrize(
    ("actor_email", "org", "allowed"),
    [
        ("admin@demo.dk", ("jobcentre", "Jobcenter Aalborg"), True),
        ("admin@demo.dk", ("ministry", "Beskæftigelsesministeriet"), True),
        ("leder.aalborg@demo.dk", ("jobcentre", "Jobcenter Aalborg"), True),
        ("leder.aalborg@demo.dk", ("jobcentre", "Jobcenter Odense"), False),
        ("jobcenter.aalborg@demo.dk", ("jobcentre", "Jobcenter Aalborg"), False),
        ("region.nordjylland@demo.dk", ("jobcentre", "Jobcenter Aalborg"), True),
        ("region.nordjylland@demo.dk", ("region", "Beskæftigelsesregion Nordjylland"), True),
        ("region.nordjylland@demo.dk", ("jobcentre", "Jobcenter Odense"), False),
        ("direktoer.nordjylland@demo.dk", ("jobcentre", "Jobcenter Aalborg"), False),
        ("ministeriet@demo.dk", ("ministry", "Beskæftigelsesministeriet"), False),
    ],
)
def test_who_issues_tokens_for_which_organisation(db, actor_email, org, allowed):
    actor = user(db, actor_email)
    target = organisation(db, OrganisationKind(org[0]), org[1])
    assert tokens.may_manage_tokens(actor, target) is allowed
    assert (target in db.scalars(tokens.manageable_organisations(actor)).all()) is allowed
    if allowed:
        tokens.issue_token(db, actor, target, "System", {ApiScope.READ}, clock.now() + IN_A_MONTH)
    else:
        with pytest.raises(NotAllowed, match="may not manage the API tokens"):
            tokens.issue_token(
                db, actor, target, "System", {ApiScope.READ}, IN_A_MONTH + clock.now()
            )


def test_a_supplier_manages_its_own_tokens_only(db):
    actor = user(db, "leverandoer1@demo.dk")
    own = actor.organisation
    assert tokens.may_manage_tokens(actor, own)
    assert db.scalars(tokens.manageable_organisations(actor)).all() == [own]
    other = user(db, "leverandoer2@demo.dk").organisation
    assert not tokens.may_manage_tokens(actor, other)


def test_the_national_authority_has_no_tokens(db):
    admin = user(db, "admin@demo.dk")
    assert not tokens.may_manage_tokens(admin, admin.organisation)
    assert admin.organisation not in db.scalars(tokens.manageable_organisations(admin)).all()


@pytest.mark.parametrize(
    ("actor_email", "org", "scope"),
    [
        ("leverandoer1@demo.dk", None, ApiScope.ORDER),
        ("leverandoer1@demo.dk", None, ApiScope.PURCHASES),
        (
            "region.nordjylland@demo.dk",
            ("region", "Beskæftigelsesregion Nordjylland"),
            ApiScope.ORDER,
        ),
        ("admin@demo.dk", ("ministry", "Beskæftigelsesministeriet"), ApiScope.PURCHASES),
    ],
)
def test_only_jobcentres_order_and_only_they_and_regions_register_purchases(
    db, actor_email, org, scope
):
    actor = user(db, actor_email)
    target = organisation(db, OrganisationKind(org[0]), org[1]) if org else actor.organisation
    with pytest.raises(DomainError, match=f"cannot have the scope {scope.value}"):
        tokens.issue_token(db, actor, target, "System", {scope}, clock.now() + IN_A_MONTH)


@pytest.mark.parametrize("actor_email", ["region.nordjylland@demo.dk", "admin@demo.dk"])
def test_only_the_jobcentres_own_manager_gives_a_token_the_order_scope(db, actor_email):
    with pytest.raises(NotAllowed, match="Only the jobcentre's own manager"):
        _issue(db, actor_email, scopes={ApiScope.READ, ApiScope.ORDER})
    token, _ = _issue(db, actor_email, scopes={ApiScope.READ, ApiScope.PURCHASES})
    assert token.scopes == {ApiScope.READ, ApiScope.PURCHASES}


def test_a_region_token_may_import_purchases(db):
    token, _ = _issue(
        db,
        "region.nordjylland@demo.dk",
        ("region", "Beskæftigelsesregion Nordjylland"),
        scopes={ApiScope.READ, ApiScope.PURCHASES},
    )
    assert token.scopes == {ApiScope.READ, ApiScope.PURCHASES}
    assert token.user.role.value == "region_staff"


def test_a_jobcentre_token_may_carry_every_scope(db):
    token, _ = _issue(db, scopes=set(ApiScope))
    assert token.scopes == frozenset(ApiScope)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": "   "}, "Give the token a name"),
        ({"name": "x" * 101}, "at most 100 characters"),
        ({"scopes": set()}, "at least one scope"),
        ({"expires_at": None}, "must lie in the future"),
        ({"expires_at": "a year and a day"}, "at most a year"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(db, changes, message):
    if changes.get("expires_at") is None and "expires_at" in changes:
        changes["expires_at"] = clock.now()  # now is not in the future
    elif changes.get("expires_at") == "a year and a day":
        changes["expires_at"] = clock.now() + tokens.LONGEST_LIFE + timedelta(seconds=1)
    before = db.scalar(select(ApiToken.id).order_by(ApiToken.id.desc()).limit(1))
    with pytest.raises(DomainError, match=message):
        _issue(db, **changes)
    assert db.scalar(select(ApiToken.id).order_by(ApiToken.id.desc()).limit(1)) == before


def test_the_longest_life_is_allowed_to_the_second(db):
    token, _ = _issue(db, expires_at=clock.now() + tokens.LONGEST_LIFE)
    assert token.usable


def test_a_live_name_is_not_given_twice_but_a_revoked_ones_may_be(db):
    token, _ = _issue(db)
    with pytest.raises(DomainError, match="already has a token of that name"):
        _issue(db)
    tokens.revoke_token(db, user(db, "leder.aalborg@demo.dk"), token)
    _issue(db)


def test_a_revoked_token_opens_nothing_and_its_user_is_inactive(db):
    token, secret = _issue(db)
    tokens.revoke_token(db, user(db, "leder.aalborg@demo.dk"), token)
    assert not token.user.active and token.revoked_by.email == "leder.aalborg@demo.dk"
    with pytest.raises(tokens.TokenRefused, match="unknown, revoked or expired") as refused:
        tokens.authenticate(db, secret)
    assert refused.value.reason == "revoked"
    with pytest.raises(DomainError, match="already revoked"):
        tokens.revoke_token(db, user(db, "leder.aalborg@demo.dk"), token)


def test_revoking_is_for_those_who_manage_the_organisations_tokens(db):
    token, _ = _issue(db)
    with pytest.raises(NotAllowed):
        tokens.revoke_token(db, user(db, "leder.odense@demo.dk"), token)
    assert token.revoked_at is None


def test_a_token_expires_to_the_second(db):
    expiry = clock.now() + IN_A_MONTH
    token, secret = _issue(db, expires_at=expiry)
    with clock.frozen_at(expiry - timedelta(seconds=1)):
        assert tokens.authenticate(db, secret) is token
    with clock.frozen_at(expiry), pytest.raises(tokens.TokenRefused) as refused:
        tokens.authenticate(db, secret)
    assert refused.value.reason == "expired"


@pytest.mark.parametrize(
    ("presented", "reason"),
    [
        ("rmu_" + "x" * 43, "unknown"),
        ("Bearer rmu_abc", "malformed"),
        ("", "malformed"),
        ("rmu_" + "x" * 300, "malformed"),
    ],
)
def test_an_unknown_or_malformed_secret_opens_nothing(db, presented, reason):
    _issue(db)
    with pytest.raises(tokens.TokenRefused) as refused:
        tokens.authenticate(db, presented)
    assert refused.value.reason == reason


def test_a_token_of_a_deactivated_organisation_opens_nothing(db):
    token, secret = _issue(db)
    token.organisation.active = False
    with pytest.raises(tokens.TokenRefused) as refused:
        tokens.authenticate(db, secret)
    assert refused.value.reason == "inactive"


def test_the_demo_tokens_open_the_api_with_the_secrets_the_readme_shows(db):
    from app.demo.api import DEMO_TOKENS

    for secret, (email, name, scopes) in DEMO_TOKENS.items():
        token = tokens.authenticate(db, secret)
        assert token.name == name and token.scopes == scopes
        assert token.organisation_id == user(db, email).organisation_id
