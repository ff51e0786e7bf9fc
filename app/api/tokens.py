"""The rules for API tokens: who issues them for which organisation, with which scopes, until
when; revoking them; and recognising one presented with a request."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import Select, false, func, select
from sqlalchemy.orm import Session

from app import clock
from app.api.models import ApiScope, ApiToken
from app.audit import services as audit
from app.auth.models import User
from app.auth.roles import API_TOKEN_MANAGERS, Role, default_role_for
from app.core.errors import DomainError, NotAllowed
from app.core.i18n import gettext as _
from app.organisations.models import Organisation, OrganisationKind

#: Every secret starts so, which lets secret scanners (and people) recognise a leaked one.
SECRET_PREFIX = "rmu_"  # noqa: S105 (a marker, not a secret)
#: A token lives at most a year; a new one is issued before the old one runs out.
LONGEST_LIFE = timedelta(days=366)
MAX_NAME_LENGTH = 100

#: Which scopes a token of an organisation of this kind may carry: only jobcentres order, and
#: purchases are registered by jobcentres and imported by them or their region.
SCOPES_OF_KIND = {
    OrganisationKind.JOBCENTRE: frozenset(ApiScope),
    OrganisationKind.REGION: frozenset({ApiScope.READ, ApiScope.PURCHASES}),
    OrganisationKind.SUPPLIER: frozenset({ApiScope.READ}),
    OrganisationKind.MINISTRY: frozenset({ApiScope.READ}),
    OrganisationKind.INTEGRATION_MINISTRY: frozenset({ApiScope.READ}),
}


class TokenRefused(DomainError):
    """The presented secret opens nothing: unknown, revoked or expired (one answer for all)."""

    def __init__(self, reason: str, token: ApiToken | None = None) -> None:
        super().__init__(_("The API token is unknown, revoked or expired."))
        # For the audit trail only; the caller is told nothing more.
        self.reason = reason
        self.token = token


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def may_manage_tokens(user: User, organisation: Organisation) -> bool:
    """An administrator for any organisation that can have tokens; region staff for their region
    and its jobcentres; a jobcentre manager for the jobcentre; a supplier's users for the
    supplier (they manage their own accounts too)."""
    if organisation.kind not in SCOPES_OF_KIND or not organisation.active:
        return False
    if user.role == Role.ADMIN:
        return True
    if user.role == Role.REGION_STAFF:
        return organisation.id == user.organisation_id or (
            organisation.region_id == user.organisation_id
        )
    if user.role in (Role.JOBCENTRE_MANAGER, Role.SUPPLIER):
        return organisation.id == user.organisation_id
    return False


def may_manage_any(user: User) -> bool:
    """Whether the user may manage tokens at all (the menu entry)."""
    return user.role in API_TOKEN_MANAGERS


def manageable_organisations(user: User, text: str = "") -> Select:
    """The organisations whose tokens the user manages, by kind and name, narrowed by a piece of
    the name."""
    stmt = select(Organisation).where(
        Organisation.active, Organisation.kind.in_(list(SCOPES_OF_KIND))
    )
    if not may_manage_any(user):
        return stmt.where(false())
    if user.role == Role.REGION_STAFF:
        stmt = stmt.where(
            (Organisation.id == user.organisation_id)
            | (Organisation.region_id == user.organisation_id)
        )
    elif user.role != Role.ADMIN:
        stmt = stmt.where(Organisation.id == user.organisation_id)
    if text:
        stmt = stmt.where(Organisation.name.ilike(f"%{text}%"))
    return stmt.order_by(Organisation.kind, Organisation.name, Organisation.id)


def live_token_counts(db: Session, organisation_ids: list[int]) -> dict[int, int]:
    """How many usable tokens each of these organisations has now."""
    rows = db.execute(
        select(ApiToken.organisation_id, func.count().label("count"))
        .where(
            ApiToken.organisation_id.in_(organisation_ids),
            ApiToken.revoked_at.is_(None),
            ApiToken.expires_at > clock.now(),
        )
        .group_by(ApiToken.organisation_id)
    )
    return {row.organisation_id: row.count for row in rows}


def tokens_of(organisation: Organisation) -> Select:
    """The organisation's tokens, the newest first, revoked and expired ones included."""
    return (
        select(ApiToken)
        .where(ApiToken.organisation_id == organisation.id)
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    )


def _require_manager(actor: User, organisation: Organisation) -> None:
    if not may_manage_tokens(actor, organisation):
        raise NotAllowed(_("You may not manage the API tokens of this organisation."))


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise DomainError(_("Give the token a name that says which system uses it."))
    if len(name) > MAX_NAME_LENGTH:
        raise DomainError(_("The name is at most %(n)d characters long.", n=MAX_NAME_LENGTH))
    return name


def _gives_orders(actor: User, organisation: Organisation) -> bool:
    """Ordering spends the jobcentre's budget: only its own manager lets a system do it (the
    region or the administrator cannot give themselves a jobcentre's orders that way)."""
    if organisation.kind != OrganisationKind.JOBCENTRE:
        return True  # the kind's scopes decide (no other kind orders)
    return actor.role == Role.JOBCENTRE_MANAGER and actor.organisation_id == organisation.id


def offered_scopes(actor: User, organisation: Organisation) -> frozenset[ApiScope]:
    """The scopes the actor may give a token of the organisation (what the form offers)."""
    scopes = SCOPES_OF_KIND[organisation.kind]
    return scopes if _gives_orders(actor, organisation) else scopes - {ApiScope.ORDER}


def _checked_scopes(actor: User, organisation: Organisation, scopes) -> frozenset[ApiScope]:
    chosen = frozenset(ApiScope(s) for s in scopes)
    if not chosen:
        raise DomainError(_("Choose at least one scope."))
    # Ordering spends the jobcentre's budget: only its own manager lets a system do it (the
    # region or the administrator cannot give themselves a jobcentre's orders that way).
    own_manager = actor.role == Role.JOBCENTRE_MANAGER and actor.organisation_id == organisation.id
    if (
        ApiScope.ORDER in chosen
        and organisation.kind == OrganisationKind.JOBCENTRE
        and not own_manager
    ):
        raise NotAllowed(_("Only the jobcentre's own manager can give a token the scope order."))
    beyond = chosen - SCOPES_OF_KIND[organisation.kind]
    if beyond:
        raise DomainError(
            _(
                "A token of %(kind)s cannot have the scope %(scope)s.",
                kind=organisation.kind.label,
                scope=", ".join(sorted(s.value for s in beyond)),
            )
        )
    return chosen


def _checked_expiry(expires_at: datetime) -> datetime:
    now = clock.now()
    if expires_at <= now:
        raise DomainError(_("The expiry must lie in the future."))
    if expires_at > now + LONGEST_LIFE:
        raise DomainError(_("A token lives at most a year; choose an earlier expiry."))
    return expires_at


def _name_taken(db: Session, organisation: Organisation, name: str) -> bool:
    return (
        db.scalar(
            select(ApiToken.id).where(
                ApiToken.organisation_id == organisation.id,
                ApiToken.name == name,
                ApiToken.revoked_at.is_(None),
            )
        )
        is not None
    )


def _token_user(organisation: Organisation, name: str, handle: str) -> User:
    """The token's own member of the organisation: it cannot log in (no password, no confirmed
    address) and gets no e-mail, but its inbox fills as its colleagues' do."""
    return User(
        email=f"api-{handle}@api-token.invalid",
        name=name,
        role=default_role_for(organisation.kind),
        organisation_id=organisation.id,
        password_hash="!",  # noqa: S106 (no password can match it)
        api_client=True,
    )


def issue_token(
    db: Session,
    actor: User,
    organisation: Organisation,
    name: str,
    scopes,
    expires_at: datetime,
) -> tuple[ApiToken, str]:
    """A new token and its secret; the secret is returned once and kept only as a hash."""
    _require_manager(actor, organisation)
    name = _clean_name(name)
    chosen = _checked_scopes(actor, organisation, scopes)
    expires_at = _checked_expiry(expires_at)
    if _name_taken(db, organisation, name):
        raise DomainError(_("The organisation already has a token of that name."))
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    handle = secrets.token_hex(8)
    user = _token_user(organisation, name, handle)
    db.add(user)
    db.flush()
    token = ApiToken(
        organisation_id=organisation.id,
        user_id=user.id,
        name=name,
        prefix=secret[: len(SECRET_PREFIX) + 6],
        secret_hash=digest(secret),
        created_by_id=actor.id,
        expires_at=expires_at,
    )
    token.scopes = chosen
    db.add(token)
    audit.record(
        db,
        actor,
        "api_token.issued",
        token,
        {
            "organisation_id": organisation.id,
            "name": name,
            "scopes": token.scope_list,
            "expires_at": expires_at.isoformat(),
        },
    )
    return token, secret


def revoke_token(db: Session, actor: User, token: ApiToken) -> None:
    """The token opens nothing from now on, and its user gets no more messages."""
    _require_manager(actor, token.organisation)
    if token.revoked_at is not None:
        raise DomainError(_("The token is already revoked."))
    token.revoked_at = clock.now()
    token.revoked_by_id = actor.id
    token.user.active = False
    audit.record(db, actor, "api_token.revoked", token, {"name": token.name})


def authenticate(db: Session, secret: str) -> ApiToken:
    """The usable token with this secret; `TokenRefused` otherwise (the caller audits it)."""
    if not secret.startswith(SECRET_PREFIX) or len(secret) > 200:
        raise TokenRefused("malformed")
    token = db.scalar(select(ApiToken).where(ApiToken.secret_hash == digest(secret)))
    if token is None:
        raise TokenRefused("unknown")
    if token.revoked_at is not None:
        raise TokenRefused("revoked", token)
    if not token.is_usable_at(clock.now()):
        raise TokenRefused("expired", token)
    if not token.user.active or not token.organisation.active:
        raise TokenRefused("inactive", token)
    return token
