"""Login, logout, one's own profile, and the administrators' pages for users."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user

from app.audit.services import record_security_event
from app.auth import services, throttle
from app.auth.access import allow, logged_in, public
from app.auth.forms import (
    ForgotPasswordForm,
    LoginForm,
    PasswordChangeForm,
    PasswordSetForm,
    UserCreateForm,
    UserEditForm,
)
from app.auth.models import User
from app.auth.queries import search_users
from app.auth.roles import Role, default_role_for
from app.core.errors import DomainError
from app.core.i18n import LANGUAGE_COOKIE, ngettext
from app.core.i18n import gettext as _
from app.db import db
from app.organisations.models import Organisation
from app.organisations.queries import organisation_choices
from app.web.forms import ConfirmForm
from app.web.pagination import paginate, text_arg
from app.web.steps import run_step

auth_bp = Blueprint("auth", __name__)
admin_users_bp = Blueprint("admin_users", __name__, url_prefix="/admin/users")


def safe_next(target: str | None) -> str | None:
    """Only a path on this site; never another host (no open redirect).

    Browsers drop tabs and newlines from URLs ("/\t/evil.example" becomes "//evil.example"), so
    any control character or white space refuses the target outright.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def _start_new_session() -> None:
    """A fresh session on login (no fixation); only the chosen language carries over."""
    language = session.get(LANGUAGE_COOKIE)
    session.clear()
    if language:
        session[LANGUAGE_COOKIE] = language


#: The endpoint that starts a sign-in through NemLog-in (app/nemlogin; named, not imported:
#: auth is core and imports no domain).
NEMLOGIN_LOGIN = "nemlogin.login"


def _login_page(form: LoginForm, local: services.LocalLogin, status: int = 200):
    """The login page: NemLog-in first when it is enabled, then the local form;
    with local login off, the form is the break-glass administrator's, folded away."""
    nemlogin_url = None
    if current_app.config.get("NEMLOGIN_ENABLED"):
        nemlogin_url = url_for(NEMLOGIN_LOGIN, next=safe_next(request.args.get("next")))
    page = render_template(
        "auth/login.html",
        form=form,
        nemlogin_url=nemlogin_url,
        administrator_only=not local.on,
    )
    return page, status


@auth_bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.start"))
    form = LoginForm()
    local = services.LocalLogin.from_config(current_app.config)
    if form.validate_on_submit():
        email, address = form.email.data, request.remote_addr
        wait = throttle.seconds_to_wait(db.session, email, address)
        if wait:
            record_security_event(None, "login.throttled", changes={"email": email[:254]})
            flash(
                ngettext(
                    "Too many failed attempts. Wait %(num)d second and try again.",
                    "Too many failed attempts. Wait %(num)d seconds and try again.",
                    wait,
                ),
                "error",
            )
            return _login_page(form, local, 429)
        try:
            user = services.log_in(db.session, email, form.password.data, address, local)
        except services.LoginFailed as refusal:
            # Committed at once: the failure counts and is audited whatever the response does.
            db.session.commit()
            flash(str(refusal), "error")
            return _login_page(form, local, 401)
        db.session.commit()
        _start_new_session()
        login_user(user)
        return redirect(safe_next(request.args.get("next")) or url_for("main.start"))
    return _login_page(form, local, 422 if form.errors else 200)


def _too_many_requests(wait: int) -> str:
    return ngettext(
        "Too many requests. Wait %(num)d second and try again.",
        "Too many requests. Wait %(num)d seconds and try again.",
        wait,
    )


@auth_bp.route("/password/forgot", methods=["GET", "POST"])
@public
def forgot_password():
    """Ask for a link to choose a new password; the answer is the same for every address."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        email, address = form.email.data, request.remote_addr
        wait = throttle.seconds_to_wait(db.session, email, address, throttle.MAIL)
        if wait:
            record_security_event(None, "password_reset.throttled", changes={"email": email[:254]})
            flash(_too_many_requests(wait), "error")
            return render_template("auth/forgot.html", form=form), 429
        services.request_password_reset(
            db.session,
            email,
            address,
            services.LocalLogin.from_config(current_app.config),
            lambda token: url_for("auth.reset_password", token=token),
        )
        db.session.commit()
        flash(
            _(
                "If the address belongs to a user who logs in with a password, a link to choose "
                "a new one is on its way. It works for an hour."
            ),
            "success",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form), 422 if form.errors else 200


@auth_bp.route("/password/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    local = services.LocalLogin.from_config(current_app.config)
    try:
        services.user_of_reset_link(db.session, token, local)
    except DomainError as err:
        flash(str(err), "error")
        return redirect(url_for("auth.forgot_password"))
    form = PasswordSetForm()
    if form.validate_on_submit():
        return run_step(
            lambda: services.reset_password(db.session, token, form.new_password.data, local),
            done=_("Your new password is set. Log in with it."),
            refused=lambda: (render_template("auth/reset.html", form=form), 409),
            then=url_for("auth.login"),
        )
    return render_template("auth/reset.html", form=form), 422 if form.errors else 200


@auth_bp.post("/logout")
@logged_in
def logout():
    services.end_sessions(db.session, current_user)
    db.session.commit()
    logout_user()
    _start_new_session()
    flash(_("You are logged out."), "success")
    return redirect(url_for("auth.login"))


@auth_bp.route("/profile", methods=["GET", "POST"])
@logged_in
def profile():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                db.session, current_user, form.current_password.data, form.new_password.data
            )
        except DomainError as err:
            flash(str(err), "error")
            return render_template("auth/profile.html", form=form), 409
        db.session.commit()
        login_user(current_user)  # a fresh cookie for this browser; every other one is void
        flash(_("Your password is changed. Other sessions of yours are logged out."), "success")
        return redirect(url_for("auth.profile"))
    return render_template("auth/profile.html", form=form), 422 if form.errors else 200


# --- administration of users -------------------------------------------------------------


def _load_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def _user_form(form, user: User | None, status: int):
    return render_template("admin/users/form.html", form=form, user=user), status


def _step_on_user(user: User, action, done: str):
    """A confirmed step on the user's account; either way back to the user's page."""
    back = url_for("admin_users.detail", user_id=user.id)
    return run_step(action, done=done, refused=lambda: redirect(back), then=back)


@admin_users_bp.get("/")
@allow(Role.ADMIN)
def index():
    query = text_arg("q")
    role = text_arg("role")
    page = paginate(db.session, search_users(query, role))
    return render_template("admin/users/index.html", page=page, query=query, role=role, roles=Role)


@admin_users_bp.route("/new", methods=["GET", "POST"])
@allow(Role.ADMIN)
def create():
    form = UserCreateForm()
    form.organisation_id.choices = organisation_choices(db.session)
    if request.method == "GET" and request.args.get("organisation_id", "").isdigit():
        form.organisation_id.data = int(request.args["organisation_id"])
        organisation = db.session.get(Organisation, form.organisation_id.data)
        if organisation is not None:
            form.role.data = default_role_for(organisation.kind).value
    if form.validate_on_submit():
        return run_step(
            lambda: services.create_user(
                db.session,
                current_user,
                email=form.email.data,
                name=form.name.data,
                role=Role(form.role.data),
                organisation=db.session.get(Organisation, form.organisation_id.data),
                password=form.new_password.data,
            ),
            done=_("The user %(name)s is created.", name=form.name.data.strip()),
            refused=lambda: _user_form(form, None, 409),
            then=lambda user: url_for("admin_users.detail", user_id=user.id),
        )
    return _user_form(form, None, 422 if form.errors else 200)


@admin_users_bp.get("/<int:user_id>")
@allow(Role.ADMIN)
def detail(user_id: int):
    user = _load_user(user_id)
    return render_template(
        "admin/users/detail.html", user=user, confirm=ConfirmForm(), password_form=PasswordSetForm()
    )


@admin_users_bp.route("/<int:user_id>/edit", methods=["GET", "POST"])
@allow(Role.ADMIN)
def edit(user_id: int):
    user = _load_user(user_id)
    form = UserEditForm(obj=user)
    form.organisation_id.choices = organisation_choices(db.session)
    if form.validate_on_submit():
        return run_step(
            lambda: services.update_user(
                db.session,
                current_user,
                user,
                name=form.name.data,
                role=Role(form.role.data),
                organisation=db.session.get(Organisation, form.organisation_id.data),
            ),
            done=_("The user is saved."),
            refused=lambda: _user_form(form, user, 409),
            then=url_for("admin_users.detail", user_id=user.id),
        )
    return _user_form(form, user, 422 if form.errors else 200)


@admin_users_bp.route("/<int:user_id>/deactivate", methods=["GET", "POST"])
@allow(Role.ADMIN)
def deactivate(user_id: int):
    user = _load_user(user_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        return _step_on_user(
            user,
            lambda: services.deactivate_user(db.session, current_user, user),
            _("The user %(name)s is deactivated and logged out.", name=user.name),
        )
    return render_template("admin/users/deactivate.html", user=user, form=form)


@admin_users_bp.post("/<int:user_id>/reactivate")
@allow(Role.ADMIN)
def reactivate(user_id: int):
    user = _load_user(user_id)
    if ConfirmForm().validate_on_submit():
        return _step_on_user(
            user,
            lambda: services.reactivate_user(db.session, current_user, user),
            _("The user %(name)s is active again.", name=user.name),
        )
    return redirect(url_for("admin_users.detail", user_id=user.id))


@admin_users_bp.post("/<int:user_id>/password")
@allow(Role.ADMIN)
def set_password(user_id: int):
    user = _load_user(user_id)
    form = PasswordSetForm()
    if form.validate_on_submit():
        try:
            services.set_password(db.session, current_user, user, form.new_password.data)
        except DomainError as err:
            db.session.rollback()
            flash(str(err), "error")
        else:
            db.session.commit()
            if user.id == current_user.id:
                login_user(user)  # this browser goes on; the admin's other sessions end
            flash(_("A new password is set; the user's sessions are logged out."), "success")
            return redirect(url_for("admin_users.detail", user_id=user.id))
    template = render_template(
        "admin/users/detail.html", user=user, confirm=ConfirmForm(), password_form=form
    )
    return template, 422
