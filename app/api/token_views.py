"""The pages where an organisation's administrator issues and revokes API tokens."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user

from app import clock
from app.api import tokens
from app.api.forms import TokenForm
from app.api.models import SCOPE_LABELS, ApiToken
from app.auth.access import allow, refuse
from app.auth.roles import API_TOKEN_MANAGERS
from app.core.errors import DomainError
from app.core.i18n import gettext as _
from app.db import db
from app.organisations.models import Organisation
from app.web.forms import ConfirmForm
from app.web.pagination import paginate, text_arg
from app.web.steps import run_step

api_tokens_bp = Blueprint("api_tokens", __name__, url_prefix="/api-tokens")

#: The expiry a new token is offered.
DEFAULT_LIFE_DAYS = 90


def _organisation(organisation_id: int) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or not tokens.may_manage_tokens(current_user, organisation):
        refuse(404, organisation)
    return organisation


def _token(token_id: int) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None or not tokens.may_manage_tokens(current_user, token.organisation):
        refuse(404, token)
    return token


@api_tokens_bp.get("/")
@allow(*API_TOKEN_MANAGERS)
def index():
    text = text_arg("q")
    page = paginate(db.session, tokens.manageable_organisations(current_user, text))
    if page.total == 1 and not text:
        return redirect(url_for(".organisation", organisation_id=page.items[0].id))
    counts = tokens.live_token_counts(db.session, [o.id for o in page.items])
    return render_template("api/tokens/index.html", page=page, counts=counts, text=text)


@api_tokens_bp.get("/organisations/<int:organisation_id>")
@allow(*API_TOKEN_MANAGERS)
def organisation(organisation_id: int):
    organisation = _organisation(organisation_id)
    page = paginate(db.session, tokens.tokens_of(organisation))
    return render_template(
        "api/tokens/organisation.html",
        organisation=organisation,
        page=page,
        now=clock.now(),
        scope_labels=SCOPE_LABELS,
    )


def _form(organisation: Organisation) -> TokenForm:
    form = TokenForm()
    form.offer_scopes(tokens.offered_scopes(current_user, organisation))
    if request.method == "GET":
        form.expires_on.data = clock.today() + timedelta(days=DEFAULT_LIFE_DAYS)
    return form


def _new_page(organisation: Organisation, form: TokenForm, status: int = 200, error: str = ""):
    page = render_template("api/tokens/new.html", organisation=organisation, form=form, error=error)
    return page, status


@api_tokens_bp.route("/organisations/<int:organisation_id>/new", methods=["GET", "POST"])
@allow(*API_TOKEN_MANAGERS)
def new(organisation_id: int):
    organisation = _organisation(organisation_id)
    form = _form(organisation)
    if request.method == "GET" or not form.validate():
        return _new_page(organisation, form, 200 if request.method == "GET" else 422)
    try:
        token, secret = tokens.issue_token(
            db.session,
            current_user,
            organisation,
            form.name.data,
            form.scopes.data,
            clock.start_of_day(form.expires_on.data),
        )
    except DomainError as err:
        db.session.rollback()
        return _new_page(organisation, form, 422, error=str(err))
    db.session.commit()
    # The secret is shown on this one answer and never again: no redirect that could repeat it.
    return render_template("api/tokens/issued.html", token=token, secret=secret)


@api_tokens_bp.route("/<int:token_id>/revoke", methods=["GET", "POST"])
@allow(*API_TOKEN_MANAGERS)
def revoke(token_id: int):
    token = _token(token_id)
    form = ConfirmForm()
    back = url_for(".organisation", organisation_id=token.organisation_id)
    if request.method == "GET" or not form.validate():
        return render_template("api/tokens/revoke.html", token=token, form=form)
    return run_step(
        lambda: tokens.revoke_token(db.session, current_user, token),
        done=_("The token %(name)s is revoked.", name=token.name),
        refused=lambda: redirect(back),
        then=back,
    )
