"""What every page shares: security headers, error pages, template helpers and navigation."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from flask import Flask, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.auth.roles import JOBCENTRE_ROLES, Role
from app.i18n import format_date, format_datetime, format_money, format_points, format_size
from app.i18n import lazy_gettext as _l

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)


def _security_headers(response: Any) -> Any:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.endpoint != "static":
        response.headers.setdefault("Cache-Control", "no-store")
    if hsts := strict_transport_security(current_app.config):
        response.headers.setdefault("Strict-Transport-Security", hsts)
    return response


def strict_transport_security(config: Any) -> str | None:
    """The HSTS header the configuration asks for (None: HSTS_SECONDS is 0). It is sent on every
    response: browsers heed it only over HTTPS, and the app behind a proxy may not know it is."""
    seconds = config["HSTS_SECONDS"]
    if not seconds:
        return None
    subdomains = "; includeSubDomains" if config["HSTS_INCLUDE_SUBDOMAINS"] else ""
    return f"max-age={seconds}{subdomains}"


#: The navigation each role sees: (endpoint, label). The start page is always first.
NAVIGATION: dict[Role, list[tuple[str, Any]]] = {
    Role.ADMIN: [
        ("organisations.index", _l("Organisations")),
        ("targetgroups.index", _l("Target groups")),
        ("suppliers.index", _l("Suppliers")),
        ("admin_users.index", _l("Users")),
        ("audit.index", _l("Audit trail")),
    ],
    Role.REGION_STAFF: [
        ("tenders.manage_index", _l("Tenders")),
        ("calloffs.index", _l("Orders")),
        ("spend.region", _l("Spend")),
        ("purchases.breaches", _l("Breaches")),
        ("exemptions.index", _l("Exemptions")),
        ("followup.index", _l("Results")),
        ("grants.index", _l("Grants")),
        ("knowledge.index", _l("Specialist knowledge")),
        ("suppliers.index", _l("Suppliers")),
        ("councils.index", _l("Council")),
        ("targetgroups.index", _l("Target groups")),
        ("organisations.my_region", _l("Our region")),
    ],
    Role.REGIONAL_DIRECTOR: [
        ("tenders.manage_index", _l("Tenders")),
        ("calloffs.index", _l("Orders")),
        ("spend.region", _l("Spend")),
        ("purchases.breaches", _l("Breaches")),
        ("followup.index", _l("Results")),
        ("grants.index", _l("Grants")),
        ("councils.index", _l("Council")),
        ("organisations.my_region", _l("Our region")),
    ],
    Role.MINISTRY: [
        ("tenders.manage_index", _l("Tenders")),
        ("spend.national", _l("Spend")),
        ("followup.cases", _l("Follow-up cases")),
        ("councils.index", _l("Councils")),
        ("organisations.regions", _l("Regions")),
    ],
    Role.INTEGRATION_MINISTRY: [
        ("tenders.manage_index", _l("Tenders")),
        ("spend.national", _l("Spend")),
        ("followup.cases", _l("Follow-up cases")),
        ("councils.index", _l("Councils")),
        ("organisations.regions", _l("Regions")),
    ],
    **{
        role: [
            ("calloffs.frameworks", _l("Frameworks")),
            ("calloffs.index", _l("Orders")),
            ("purchases.index", _l("Other purchases")),
            ("spend.jobcentre", _l("Spend")),
            ("exemptions.index", _l("Exemptions")),
            ("followup.index", _l("Our results")),
            ("grants.index", _l("Grants")),
            ("knowledge.index", _l("Specialist knowledge")),
            ("organisations.my_jobcentre", _l("Our jobcentre")),
        ]
        for role in JOBCENTRE_ROLES
    },
    Role.SUPPLIER: [
        ("calloffs.index", _l("Orders")),
        ("spend.supplier", _l("Revenue")),
        ("bids.index", _l("Our bids")),
        ("suppliers.profile", _l("Our company")),
    ],
}


def link_args(*drop: str) -> dict[str, str]:
    """The query string's arguments to carry on a link (the filters), without `drop` and
    without any that url_for would read as its own (endpoint, _external, _scheme, ...): a typed
    query string never makes a link fail."""
    return {
        key: value
        for key, value in request.args.items()
        if key not in drop and key != "endpoint" and not key.startswith("_")
    }


def unread_messages() -> int:
    """The number shown beside the inbox in the header: one indexed count per page."""
    if not current_user.is_authenticated:
        return 0
    from app.db import db
    from app.notifications.services import unread_count

    return unread_count(db.session, current_user)


def navigation() -> list[dict[str, Any]]:
    if not current_user.is_authenticated:
        items = [
            ("tenders.public_index", _l("Published tenders")),
            ("suppliers.register", _l("Register as a supplier")),
            ("auth.login", _l("Log in")),
        ]
        return _links(items)
    items = [("main.start", _l("Start")), *NAVIGATION.get(current_user.role, [])]
    items.append(("tenders.public_index", _l("Published tenders")))
    items.append(("auth.profile", _l("My profile")))
    return _links(items)


def _links(items: list[tuple[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "href": url_for(endpoint),
            "text": label,
            "current": request.endpoint == endpoint,
            # One highlighted item: the section the page belongs to, if the menu has it once.
            "active": request.endpoint == endpoint
            or (
                (request.blueprint or "") == endpoint.split(".")[0]
                and sum(e.split(".")[0] == endpoint.split(".")[0] for e, _label in items) == 1
                and endpoint != "main.start"
            ),
        }
        for endpoint, label in items
    ]


def plain_json(value: Any) -> str:
    """JSON as people read it (æ, ø, å as themselves); the template escapes it."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def run_step(
    action: Callable[[], Any],
    *,
    done: str,
    refused: Callable[[], Any],
    then: str | Callable[[Any], str],
):
    """One step of a view: call the service; on a refusal roll back, say why and answer with
    `refused()`; otherwise commit, say so, and go to `then` (or to `then(result)`, for a page
    of what the step made). One commit per request."""
    from app.db import db
    from app.errors import DomainError

    try:
        result = action()
    except DomainError as err:
        db.session.rollback()
        flash(str(err), "error")
        return refused()
    db.session.commit()
    flash(str(done), "success")
    return redirect(then(result) if callable(then) else then)


ERROR_PAGES = (400, 403, 404, 405, 413, 500)


def _error_page(error: HTTPException) -> tuple[str, int]:
    """Our own page for every HTTP error; an unhandled exception arrives here as a 500."""
    code = error.code or 500
    if code >= 500:
        from app.db import db

        db.session.rollback()
    template = f"errors/{code}.html" if code in ERROR_PAGES else "errors/generic.html"
    return render_template(template, error=error, code=code), code


def _csrf_failed(error: CSRFError) -> tuple[str, int]:
    return render_template("errors/400.html", code=400, csrf=True), 400


def register_web(app: Flask) -> None:
    app.after_request(_security_headers)
    app.register_error_handler(CSRFError, _csrf_failed)
    app.register_error_handler(HTTPException, _error_page)
    app.jinja_env.filters["money"] = format_money
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["plain_json"] = plain_json
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["filesize"] = format_size
    app.jinja_env.filters["points"] = format_points
    app.jinja_env.filters["money_text"] = lambda text: format_money(Decimal(text))
    app.jinja_env.globals["navigation"] = navigation
    app.jinja_env.globals["unread_messages"] = unread_messages
    app.jinja_env.globals["link_args"] = link_args
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["Role"] = Role
    app.jinja_env.add_extension("jinja2.ext.i18n")
