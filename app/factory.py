"""The application factory, the composition root: the one module that imports every
blueprint and wires configuration, extensions, hooks, the web layer and the CLI together."""

from __future__ import annotations

import logging
import re
import uuid

from flask import Flask, g, request
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from app import clock
from app.agreements.views import agreements_bp
from app.api import errors as api_errors
from app.api.auth import init_rate_limit, token_gate
from app.api.openapi import PREFIX as API_PREFIX
from app.api.openapi import api_bp
from app.api.token_views import api_tokens_bp
from app.api.views import api_docs_bp
from app.audit import chain
from app.audit.views import audit_bp
from app.auth import tokens
from app.auth.access import check_access, login_manager, register_token_gate
from app.auth.passwords import use_fast_hashing
from app.auth.views import admin_users_bp, auth_bp
from app.bids import sealing
from app.bids.views import bids_bp
from app.calloffs.views import calloffs_bp
from app.cli import register_cli
from app.complaints.views import complaints_bp
from app.config import PROJECT_ROOT, from_environment
from app.core.i18n import babel, select_locale
from app.councils.views import councils_bp
from app.db import db, set_write_intent
from app.evaluation.views import evaluation_bp
from app.exemptions.views import exemptions_bp
from app.followup.views import followup_bp
from app.grants.views import grants_bp
from app.knowledge.views import knowledge_bp
from app.main.views import main_bp
from app.minicompetitions.views import minicompetitions_bp
from app.nemlogin import demo_idp, saml
from app.nemlogin.demo_idp import demo_idp_bp
from app.nemlogin.views import nemlogin_bp
from app.notifications.views import notifications_bp, outbox_bp
from app.ocds.views import ocds_bp
from app.organisations.views import organisations_bp
from app.outcomes.views import outcomes_bp
from app.purchases.views import purchases_bp
from app.spend.views import spend_bp
from app.suppliers.views import suppliers_bp
from app.targetgroups.views import targetgroups_bp
from app.tenders.views import tenders_bp
from app.web import csrf, register_web
from app.web.error_pages import answer_errors_with
from app.web.pagination import MAX_ID


class DatabaseId(IntegerConverter):
    """An id in a URL fits an id column; a larger number is simply not found (404)."""

    def __init__(self, url_map, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, **kwargs)


_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def create_app(overrides: dict | None = None) -> Flask:
    """The application factory: configuration, extensions, blueprints, hooks."""
    app = Flask(
        "app",  # the package's name (the logger's, the root path), not this module's
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
        instance_path=str(PROJECT_ROOT / "instance"),
    )
    app.config.update(from_environment(overrides))
    app.url_map.converters["int"] = DatabaseId
    _trust_proxies(app)
    logging.basicConfig(level=logging.INFO)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)

    use_fast_hashing(app.config["PASSWORD_HASH_FAST"])
    chain.configure(app.config["AUDIT_HMAC_KEY"])
    tokens.configure(app.config["SECRET_KEY"])
    sealing.configure(app.config["BID_ENCRYPTION_KEY"])
    clock.use_offset_file(app.config["CLOCK_OFFSET_FILE"])
    demo_idp.configure(app.config)  # only in the demo, and only when no IdP is configured
    saml.configure(app.config)
    db.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    babel.init_app(app, locale_selector=select_locale)

    @app.before_request
    def _start_request() -> None:
        supplied = request.headers.get("X-Request-ID", "")
        g.request_id = supplied if _REQUEST_ID.match(supplied) else uuid.uuid4().hex
        writes = request.method not in ("GET", "HEAD", "OPTIONS")
        view = app.view_functions.get(request.endpoint) if request.endpoint else None
        set_write_intent(writes and not getattr(view, "reads_first", False))

    @app.teardown_request
    def _end_request(_exc: BaseException | None) -> None:
        set_write_intent(True)  # outside requests (CLI, tests) every transaction may write

    app.before_request(check_access)
    _wire_the_api(app)

    register_web(app)
    _register_blueprints(app)
    register_cli(app)
    return app


def _trust_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES proxies, the client is the one the outermost of them saw: its
    address (the throttle's and the audit trail's) from X-Forwarded-For, the scheme (HTTPS)
    from X-Forwarded-Proto, counted from the right, where the trusted proxies wrote; what the
    client put further left is ignored. The host is not taken from X-Forwarded-Host (the
    proxy passes Host on; links in e-mails use BASE_URL), nor a path prefix."""
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=0)


def _wire_the_api(app: Flask) -> None:
    """The JSON API: bearer tokens instead of sessions (so no CSRF token: a browser's cookie
    opens nothing there), JSON errors, and the rate limit per token, counted after the access
    check has found the token."""
    register_token_gate(token_gate)
    csrf.exempt(api_bp)
    answer_errors_with(API_PREFIX, api_errors.answer)
    init_rate_limit(app)


def _register_blueprints(app: Flask) -> None:
    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_users_bp)
    app.register_blueprint(organisations_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(outbox_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(tenders_bp)
    app.register_blueprint(councils_bp)
    app.register_blueprint(targetgroups_bp)
    app.register_blueprint(suppliers_bp)
    app.register_blueprint(bids_bp)
    app.register_blueprint(evaluation_bp)
    app.register_blueprint(complaints_bp)
    app.register_blueprint(calloffs_bp)
    app.register_blueprint(minicompetitions_bp)
    app.register_blueprint(exemptions_bp)
    app.register_blueprint(purchases_bp)
    app.register_blueprint(spend_bp)
    app.register_blueprint(followup_bp)
    app.register_blueprint(grants_bp)
    app.register_blueprint(knowledge_bp)
    app.register_blueprint(nemlogin_bp)
    app.register_blueprint(demo_idp_bp)
    app.register_blueprint(api_tokens_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(api_docs_bp)
    app.register_blueprint(ocds_bp)
    app.register_blueprint(agreements_bp)
    app.register_blueprint(outcomes_bp)
