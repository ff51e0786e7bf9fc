"""NemLog-in sign-in: the SP's metadata, the AuthnRequest, the assertion consumer service, single
logout, and the pages of the people waiting for a user. Off unless NEMLOGIN_ENABLED."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user

from app import clock
from app.audit.services import record_security_event
from app.auth import services as auth_services
from app.auth import tokens
from app.auth.access import allow, public
from app.auth.roles import Role
from app.auth.views import _start_new_session
from app.core.errors import DomainError
from app.core.i18n import gettext as _
from app.db import db
from app.nemlogin import saml, services
from app.nemlogin.forms import CvrForm, GrantRoleForm, RegisterCompanyForm
from app.nemlogin.models import Applicant, ApplicantKind, ApplicantState
from app.nemlogin.services import SignInRefused
from app.organisations.models import Municipality, Organisation
from app.web import csrf
from app.web.forms import ConfirmForm
from app.web.steps import run_step

nemlogin_bp = Blueprint("nemlogin", __name__, url_prefix="/nemlogin")

#: The cookie with the AuthnRequest's id; the session keys: the LogoutRequest this SP sent,
#: what logout needs to name the person to NemLog-in, and the applicant a sign-in led to.
REQUEST_ID = "nemlogin_request"
LOGOUT_ID = "nemlogin_logout_id"
SIGNED_IN = "nemlogin"
APPLICANT = "nemlogin_applicant"


def _require_enabled() -> None:
    if not current_app.config.get("NEMLOGIN_ENABLED"):
        abort(404)


def _auth():
    data = saml.request_data(
        current_app.config,
        request.path.removeprefix(request.script_root),
        request.args,
        request.form,
        request.query_string.decode("latin-1"),
    )
    return saml.auth_for(current_app.config, data)


def _refused(reason: str, message: str, detail: str | None = None, status: int = 403):
    """A clear page; the refusal audited in its own transaction; nobody signed in."""
    changes = {"reason": reason}
    if detail:
        changes["detail"] = detail[:500]
    record_security_event(None, "nemlogin.refused", changes=changes)
    return render_template("nemlogin/refused.html", message=message), status


def _generic_refusal() -> str:
    return _(
        "NemLog-in's answer could not be accepted, so nobody is signed in. "
        "Start again from the login page."
    )


@nemlogin_bp.get("/metadata")
@public
def metadata():
    _require_enabled()
    return Response(saml.metadata_xml(current_app.config), mimetype="application/samlmetadata+xml")


#: How long a sign-in at NemLog-in may take, from our AuthnRequest to its answer.
REQUEST_MAX_AGE = 15 * 60


@nemlogin_bp.get("/login")
@public
def login():
    """Send the browser to NemLog-in with a signed AuthnRequest, remembering its id.

    The id is kept in a cookie of its own, signed: NemLog-in posts its answer from its own
    site, and a browser sends no SameSite=Lax cookie (the session's) with a cross-site POST.
    This one is SameSite=None (and so Secure) where the session cookie is Secure."""
    _require_enabled()
    auth = _auth()
    url = auth.login(return_to=current_app.config["BASE_URL"].rstrip("/") + "/")
    response = redirect(url)
    secure = current_app.config["SESSION_COOKIE_SECURE"]
    response.set_cookie(
        REQUEST_ID,
        tokens.sign("nemlogin-authn-request", auth.get_last_request_id()),
        max_age=REQUEST_MAX_AGE,
        path="/nemlogin/",
        secure=secure,
        httponly=True,
        samesite="None" if secure else "Lax",
    )
    return response


def _sent_request_id() -> str | None:
    """The id of the AuthnRequest this browser was sent to NemLog-in with, if still fresh."""
    cookie = request.cookies.get(REQUEST_ID)
    if not cookie:
        return None
    return tokens.unsign("nemlogin-authn-request", cookie, REQUEST_MAX_AGE)


def _forget_request(response):
    response = make_response(response)
    response.delete_cookie(REQUEST_ID, path="/nemlogin/")
    return response


# NemLog-in posts the assertion from its own page, so no CSRF token of ours can come with it.
# The SAML checks are its protection instead: the response must be signed by NemLog-in's key,
# its assertion signed and encrypted for us, meant for our entity id and this address, valid
# now, answering the AuthnRequest this browser was sent with (its id in a signed cookie, used
# once), and never seen before.
@nemlogin_bp.post("/acs")
@public
@csrf.exempt
def acs():
    _require_enabled()
    return _forget_request(_consume_response(_sent_request_id()))


def _consume_response(request_id: str | None):
    """The answer to our AuthnRequest: who signs in, or a refusal (the request is used up)."""
    if request_id is None:
        return _refused("unsolicited", _generic_refusal(), "no fresh AuthnRequest cookie")
    auth = _auth()
    try:
        auth.process_response(request_id=request_id)
    except Exception as err:  # a malformed message is refused, whatever it raises
        return _refused("invalid", _generic_refusal(), f"{type(err).__name__}: {err}", 400)
    if auth.get_errors() or not auth.is_authenticated():
        return _refused("invalid", _generic_refusal(), auth.get_last_error_reason())
    if auth.get_last_response_in_response_to() != request_id:
        return _refused("unsolicited", _generic_refusal(), "InResponseTo does not match")
    elsewhere = saml.addressed_elsewhere(current_app.config, auth)
    if elsewhere:
        return _refused("invalid", _generic_refusal(), elsewhere)
    expires = auth.get_last_assertion_not_on_or_after()
    expires_at = (
        datetime.fromtimestamp(expires, UTC) if expires else clock.now() + timedelta(hours=1)
    )
    try:
        person = services.read_person(
            auth.get_attributes(), auth.get_last_assertion_id(), expires_at
        )
        services.refuse_replay(db.session, person.assertion_id, person.expires_at)
        outcome = services.sign_in(
            db.session,
            person,
            {
                "colleagues": url_for("nemlogin.colleagues"),
                "applicants": url_for("nemlogin.applicants"),
            },
        )
    except SignInRefused as err:
        return _refused(err.reason, str(err))
    except DomainError as err:
        return _refused("refused", str(err))
    db.session.commit()
    _start_new_session()
    if outcome.user is not None:
        login_user(outcome.user)
        session[SIGNED_IN] = {
            "name_id": auth.get_nameid(),
            "name_id_format": auth.get_nameid_format(),
            "nq": auth.get_nameid_nq(),
            "spnq": auth.get_nameid_spnq(),
            "session_index": auth.get_session_index(),
        }
        return redirect(url_for("main.start"))
    session[APPLICANT] = outcome.applicant.id
    if outcome.applicant.kind == ApplicantKind.REGISTRATION:
        return redirect(url_for("nemlogin.register"))
    return redirect(url_for("nemlogin.waiting"))


def _end_platform_session() -> None:
    """What the platform's own logout does: every session of the user ends."""
    if current_user.is_authenticated:
        auth_services.end_sessions(db.session, current_user)
        db.session.commit()
        logout_user()
    _start_new_session()


@nemlogin_bp.route("/slo", methods=["GET", "POST"])
@public
def slo():
    _require_enabled()
    if request.method == "POST":
        return _logout_here_first()
    if "SAMLRequest" in request.args:
        return _logout_asked_by_nemlogin()
    if "SAMLResponse" in request.args:
        return _logout_answered()
    abort(404)


def _logout_here_first():
    """SP-initiated: the platform's session ends at once, then NemLog-in is told."""
    signed_in = session.get(SIGNED_IN)
    _end_platform_session()
    if not signed_in:
        flash(_("You are logged out."), "success")
        return redirect(url_for("auth.login"))
    auth = _auth()
    url = auth.logout(
        return_to=url_for("auth.login", _external=False),
        name_id=signed_in["name_id"],
        session_index=signed_in["session_index"],
        nq=signed_in["nq"],
        name_id_format=signed_in["name_id_format"],
        spnq=signed_in["spnq"],
    )
    session[LOGOUT_ID] = auth.get_last_request_id()
    return redirect(url)


def _logout_asked_by_nemlogin():
    """IdP-initiated: a signed LogoutRequest ends this browser's session; NemLog-in is answered."""
    auth = _auth()
    url = auth.process_slo(keep_local_session=True)
    if auth.get_errors():
        return _refused("logout_invalid", _generic_refusal(), auth.get_last_error_reason())
    _end_platform_session()
    return redirect(url)


def _logout_answered():
    """NemLog-in's answer to the LogoutRequest this SP sent."""
    auth = _auth()
    auth.process_slo(keep_local_session=True, request_id=session.pop(LOGOUT_ID, None))
    if auth.get_errors():
        return _refused("logout_invalid", _generic_refusal(), auth.get_last_error_reason())
    flash(_("You are logged out."), "success")
    return redirect(url_for("auth.login"))


# --- the people a sign-in left waiting ----------------------------------------------------


def _session_applicant() -> Applicant:
    applicant_id = session.get(APPLICANT)
    applicant = db.session.get(Applicant, applicant_id) if applicant_id else None
    if applicant is None:
        abort(404)
    return applicant


@nemlogin_bp.get("/waiting")
@public
def waiting():
    """The one page a person without a user (so without a role) can reach."""
    _require_enabled()
    return render_template("nemlogin/waiting.html", applicant=_session_applicant())


@nemlogin_bp.route("/register", methods=["GET", "POST"])
@public
def register():
    _require_enabled()
    applicant = _session_applicant()
    if applicant.kind != ApplicantKind.REGISTRATION or applicant.state != ApplicantState.WAITING:
        abort(404)
    form = RegisterCompanyForm()
    if form.validate_on_submit():
        try:
            user = services.register_supplier(db.session, applicant, address=form.address.data)
        except DomainError as err:
            db.session.rollback()
            flash(str(err), "error")
            return render_template("nemlogin/register.html", form=form, applicant=applicant), 409
        db.session.commit()
        _start_new_session()
        login_user(user)
        flash(_("Your company is registered and you are signed in."), "success")
        return redirect(url_for("main.start"))
    status = 422 if form.errors else 200
    return render_template("nemlogin/register.html", form=form, applicant=applicant), status


def _load_applicant(applicant_id: int) -> Applicant:
    applicant = db.session.get(Applicant, applicant_id)
    if applicant is None:
        abort(404)
    return applicant


@nemlogin_bp.get("/colleagues")
@allow(Role.SUPPLIER)
def colleagues():
    _require_enabled()
    return render_template(
        "nemlogin/colleagues.html",
        applicants=services.waiting_colleagues(db.session, current_user),
        form=ConfirmForm(),
    )


@nemlogin_bp.post("/colleagues/<int:applicant_id>/<any(confirm, refuse):decision>")
@allow(Role.SUPPLIER)
def decide_colleague(applicant_id: int, decision: str):
    _require_enabled()
    applicant = _load_applicant(applicant_id)
    back = url_for("nemlogin.colleagues")
    if not ConfirmForm().validate_on_submit():
        return redirect(back)
    if decision == "confirm":
        action = lambda: services.confirm_colleague(db.session, current_user, applicant)  # noqa: E731
        done = _("%(name)s is now your colleague on the platform.", name=applicant.name)
    else:
        action = lambda: services.refuse_colleague(db.session, current_user, applicant)  # noqa: E731
        done = _("%(name)s is refused.", name=applicant.name)
    return run_step(action, done=done, refused=lambda: redirect(back), then=back)


def _role_choices(applicant: Applicant) -> list[tuple[str, str]]:
    kind = applicant.organisation.kind if applicant.organisation else None
    return [
        (role.value, role.label)
        for role in services.PRIVILEGE_ROLES.values()
        if role.organisation_kind == kind
    ]


@nemlogin_bp.get("/applicants")
@allow(Role.ADMIN)
def applicants():
    _require_enabled()
    waiting = services.waiting_for_role(db.session)
    forms = {}
    for applicant in waiting:
        form = GrantRoleForm(prefix=f"a{applicant.id}")
        form.role.choices = _role_choices(applicant)
        forms[applicant.id] = form
    return render_template("nemlogin/applicants.html", applicants=waiting, forms=forms)


@nemlogin_bp.post("/applicants/<int:applicant_id>/grant")
@allow(Role.ADMIN)
def grant(applicant_id: int):
    _require_enabled()
    applicant = _load_applicant(applicant_id)
    back = url_for("nemlogin.applicants")
    form = GrantRoleForm(prefix=f"a{applicant.id}")
    form.role.choices = _role_choices(applicant)
    if not form.validate_on_submit():
        flash(_("Choose a role."), "error")
        return redirect(back)
    return run_step(
        lambda: services.grant_role(db.session, current_user, applicant, Role(form.role.data)),
        done=_(
            "%(name)s has the role %(role)s.", name=applicant.name, role=Role(form.role.data).label
        ),
        refused=lambda: redirect(back),
        then=back,
    )


# --- the CVR numbers public staff sign in with ---------------------------------------------


def _cvr_forms() -> tuple[CvrForm, CvrForm]:
    organisation_form = CvrForm(prefix="organisation")
    organisation_form.target.choices = [
        (o.id, f"{o.name} ({o.kind.label})") for o in services.public_organisations(db.session)
    ]
    municipality_form = CvrForm(prefix="municipality")
    municipality_form.target.choices = [(m.id, m.name) for m in services.municipalities(db.session)]
    return organisation_form, municipality_form


def _cvr_page(status: int = 200):
    organisation_form, municipality_form = _cvr_forms()
    return render_template(
        "nemlogin/cvr.html",
        organisations=[o for o in services.public_organisations(db.session) if o.cvr],
        municipalities=[m for m in services.municipalities(db.session) if m.cvr],
        organisation_form=organisation_form,
        municipality_form=municipality_form,
    ), status


@nemlogin_bp.get("/cvr")
@allow(Role.ADMIN)
def cvr_numbers():
    _require_enabled()
    return _cvr_page()


@nemlogin_bp.post("/cvr/<any(organisation, municipality):kind>")
@allow(Role.ADMIN)
def set_cvr(kind: str):
    _require_enabled()
    organisation_form, municipality_form = _cvr_forms()
    form = organisation_form if kind == "organisation" else municipality_form
    if not form.validate_on_submit():
        return _cvr_page(422)
    model, setter = (
        (Organisation, services.set_organisation_cvr)
        if kind == "organisation"
        else (Municipality, services.set_municipality_cvr)
    )
    target = db.session.get(model, form.target.data)
    if target is None:
        abort(404)
    return run_step(
        lambda: setter(db.session, current_user, target, form.cvr.data or ""),
        done=_("The CVR number of %(name)s is saved.", name=target.name),
        refused=lambda: _cvr_page(409),
        then=url_for("nemlogin.cvr_numbers"),
    )
