"""Access is denied by default: every endpoint declares who may use it, or nobody can."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Flask, abort, current_app, request
from flask_login import LoginManager, current_user

from app.audit.services import record_security_event
from app.auth.models import User
from app.auth.roles import Role
from app.core.i18n import lazy_gettext as _l
from app.db import db

F = TypeVar("F", bound=Callable[..., Any])

#: Marker for endpoints anyone may use without logging in.
PUBLIC = "public"
#: Marker for endpoints any logged-in user may use, whatever the role.
ANY_USER = "any_user"


@dataclass(frozen=True)
class TokenAccess:
    """Marker for API endpoints: a bearer token with this scope opens them, never a session."""

    scope: str


#: Checks a request's bearer token against an endpoint's TokenAccess; the API registers it.
#: Until it does, every token endpoint is closed.
_token_gate: Callable[[TokenAccess], Any] | None = None


def register_token_gate(gate: Callable[[TokenAccess], Any]) -> None:
    global _token_gate
    _token_gate = gate


login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message_category = "info"
login_manager.login_message = _l("Log in to see this page.")


def allow(*roles: Role) -> Callable[[F], F]:
    """Let users with one of these roles use the view; everyone else gets 403."""
    if not roles:
        raise ValueError("allow() needs at least one role; use public or logged_in otherwise")

    def decorate(view: F) -> F:
        view.access = frozenset(roles)  # type: ignore[attr-defined]
        return view

    return decorate


def public(view: F) -> F:
    view.access = PUBLIC  # type: ignore[attr-defined]
    return view


def logged_in(view: F) -> F:
    view.access = ANY_USER  # type: ignore[attr-defined]
    return view


def token_scope(scope: str) -> Callable[[F], F]:
    """Let a request with a usable bearer token carrying this scope use the view."""

    def decorate(view: F) -> F:
        view.access = TokenAccess(scope)  # type: ignore[attr-defined]
        return view

    return decorate


def access_of(app: Flask, endpoint: str) -> Any:
    """What the endpoint declared, or None when it declared nothing (and so is closed)."""
    if endpoint == "static":
        return PUBLIC
    view = app.view_functions.get(endpoint)
    return getattr(view, "access", None)


def check_access() -> Any:
    """Runs before every request: refuse unless the endpoint's declaration lets the user in."""
    if request.endpoint is None:
        return None  # no route matched: the 404 handler answers
    rule = access_of(current_app, request.endpoint)
    if rule == PUBLIC:
        return None
    if isinstance(rule, TokenAccess):
        # The session cookie opens nothing here: the token alone says who is asking.
        if _token_gate is None:
            abort(403)
        return _token_gate(rule)
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if rule == ANY_USER:
        return None
    if isinstance(rule, frozenset) and current_user.role in rule:
        return None
    refuse()
    return None


def refuse(status: int = 403, obj: Any = None) -> None:
    record_refusal(obj)
    abort(status)


def record_refusal(obj: Any = None) -> None:
    """Audit a refused access (in its own transaction); the caller answers the request."""
    record_security_event(
        current_user if current_user.is_authenticated else None,
        "access.refused",
        obj,
        changes={"endpoint": request.endpoint, "path": request.path, "method": request.method},
        # A refused look at a sealed bid must not itself tell anyone that the bid exists.
        sealed_by=getattr(obj, "sealing_tender", None),
    )


def load_visible(model: type, object_id: int) -> Any:
    """The object, if the current user may see it; 404 whether it is missing or not theirs.

    Each model says who may see it in `is_visible_to(user)`. A refusal is audited.
    """
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    if not obj.is_visible_to(current_user):
        refuse(404, obj)
    return obj


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Accept a session only while it matches the user's current session version."""
    try:
        raw_id, raw_version = user_id.split(":", 1)
        user = db.session.get(User, int(raw_id))
        version = int(raw_version)
    except (ValueError, TypeError):
        return None
    if user is None or user.session_version != version or not user.active:
        return None
    return user
