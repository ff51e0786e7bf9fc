"""API tokens in the demo, with secrets the README's curl examples use. Only the demo has
secrets anybody knows: a real token's secret is random and shown once."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import clock
from app.api import tokens
from app.api.models import ApiScope, ApiToken
from app.auth.services import find_by_email

#: secret → (the issuing demo login, its organisation's system, scopes).
DEMO_TOKENS = {
    "rmu_demo_jobcenter_aalborg": (
        "leder.aalborg@demo.dk",
        "Sagssystem (demo)",
        {ApiScope.READ, ApiScope.ORDER, ApiScope.PURCHASES},
    ),
    "rmu_demo_region_nordjylland": (
        "region.nordjylland@demo.dk",
        "Økonomisystem (demo)",
        {ApiScope.READ, ApiScope.PURCHASES},
    ),
    "rmu_demo_leverandoer1": ("leverandoer1@demo.dk", "Ordresystem (demo)", {ApiScope.READ}),
}


def create_demo_api_tokens(db: Session) -> None:
    """Issue each demo token that is missing (idempotent), then give it its known secret."""
    for secret, (email, name, scopes) in DEMO_TOKENS.items():
        digest = tokens.digest(secret)
        if db.scalar(select(ApiToken.id).where(ApiToken.secret_hash == digest)) is not None:
            continue
        manager = find_by_email(db, email)
        if manager is None:
            continue
        token, _random = tokens.issue_token(
            db, manager, manager.organisation, name, scopes, clock.now() + tokens.LONGEST_LIFE
        )
        token.secret_hash = digest
        token.prefix = secret[: len(tokens.SECRET_PREFIX) + 6]
    db.flush()
