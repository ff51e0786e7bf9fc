"""Who is asking the API: the bearer token of each request, its scope for the endpoint, and
the rate limit per token. A refusal is audited and answered in JSON."""

from __future__ import annotations

import logging
import threading
from types import SimpleNamespace
from typing import Any

from flask import Flask, current_app, g, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import parse
from limits.storage import memory as limits_memory

from app.api.errors import ApiError
from app.api.models import ApiToken
from app.api.tokens import TokenRefused, authenticate
from app.audit.services import record_security_event
from app.auth.access import TokenAccess
from app.core.i18n import gettext as _
from app.db import db

log = logging.getLogger(__name__)

CHALLENGE = 'Bearer realm="rammeudbud"'


def _key() -> str:
    """Requests count against their token; those without one against their address."""
    token = g.get("api_token")
    return f"token:{token.id}" if token is not None else f"address:{get_remote_address()}"


limiter = Limiter(key_func=_key, default_limits=[], headers_enabled=True)


def _refuse(status: int, message: str, reason: str, token: ApiToken | None = None) -> None:
    # An address's refused requests (no usable token) beyond API_REFUSAL_LIMIT are answered
    # 429 and no longer audited: every refusal is audited, and the trail is no place for a flood.
    refusals = parse(current_app.config["API_REFUSAL_LIMIT"])
    if status == 401 and not limiter.limiter.hit(refusals, "api-refused", get_remote_address()):
        raise ApiError(429, _("Too many refused requests from this address; wait and try again."))
    record_security_event(
        token.user if token is not None else None,
        "api.refused",
        token,
        changes={
            "reason": reason,
            "path": request.path,
            "method": request.method,
            "token": token.name if token is not None else None,
        },
    )
    headers = {"WWW-Authenticate": CHALLENGE} if status == 401 else {}
    if status == 403:
        headers = {"WWW-Authenticate": CHALLENGE + ', error="insufficient_scope"'}
    raise ApiError(
        status, message, code="unauthenticated" if status == 401 else "", headers=headers
    )


def _secret() -> str:
    scheme, _space, secret = request.headers.get("Authorization", "").partition(" ")
    return secret.strip() if scheme.lower() == "bearer" else ""


def token_gate(rule: TokenAccess) -> None:
    """Runs before every API endpoint (check_access hands it the endpoint's scope): the
    request acts as the token's user, or is refused with 401 (no usable token) or 403 (a
    token without the scope)."""
    g.locale = request.accept_languages.best_match(current_app.config["LANGUAGES"])
    secret = _secret()
    if not secret:
        _refuse(401, _("Send an API token: Authorization: Bearer <token>."), "missing")
    try:
        token = authenticate(db.session, secret)
    except TokenRefused as refused:
        # A revoked or expired token is named in the audit trail (which system still uses
        # it); the client is told no more than that the token opens nothing.
        _refuse(401, str(refused), refused.reason, refused.token)
    if rule.scope not in token.scope_list.split():
        _refuse(
            403,
            _("The token does not carry the scope %(scope)s.", scope=rule.scope),
            "scope",
            token,
        )
    g.api_token = token
    # Flask-Login's current user for this request only: the services, the audit trail and the
    # visibility rules see the token's own user, and no session is read or written.
    g._login_user = token.user
    log.info("api %s %s by token %s (%s)", request.method, request.path, token.id, token.name)


def init_rate_limit(app: Flask) -> None:
    """Every API request counts against API_RATE_LIMIT per token; registered after the access
    check so that the token is known when the request is counted."""
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    limiter.init_app(app)
    # The storage made its first expiry timer before it could be a daemon (see below).
    timer = getattr(limiter.storage, "timer", None)
    if timer is not None:
        timer.cancel()


class _DaemonTimer(threading.Timer):
    """limits' memory storage expires its counts on a 10 ms timer thread that is not a
    daemon: a process (a CLI command, a test run) then waits on it to exit, and under a faked
    clock that wait never ends. As a daemon it never holds an exit up."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.daemon = True


# The memory storage's module asks `threading` for Timer and RLock only.
limits_memory.threading = SimpleNamespace(Timer=_DaemonTimer, RLock=threading.RLock)
