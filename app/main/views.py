"""Start pages, language switch, health check."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import text

from app.api.tokens import may_manage_any
from app.auth.access import logged_in, public
from app.auth.views import safe_next
from app.calloffs.services import awaiting
from app.core.i18n import LANGUAGE_COOKIE
from app.db import db
from app.exemptions.services import awaiting_decision
from app.followup.reactions import awaiting_cases

main_bp = Blueprint("main", __name__)

ONE_YEAR = 365 * 24 * 3600


@main_bp.get("/")
@public
def index():
    if current_user.is_authenticated:
        return redirect(url_for("main.start"))
    return redirect(url_for("auth.login"))


@main_bp.get("/start")
@logged_in
def start():
    return render_template(
        f"main/start_{current_user.role.value}.html",
        awaiting=awaiting(db.session, current_user),
        exemptions_waiting=awaiting_decision(db.session, current_user),
        cases_waiting=awaiting_cases(db.session, current_user),
        manages_api_tokens=may_manage_any(current_user),
    )


@main_bp.get("/language/<code>")
@public
def language(code: str):
    """Switch the interface language; a preference, so a plain link does it."""
    target = safe_next(request.args.get("next")) or url_for("main.index")
    response = redirect(target)
    if code in current_app.config["LANGUAGES"]:
        session[LANGUAGE_COOKIE] = code
        response.set_cookie(
            LANGUAGE_COOKIE,
            code,
            max_age=ONE_YEAR,
            httponly=True,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
    return response


@main_bp.get("/health")
@public
def health():
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}
