"""Supplier pages: public registration and confirmation, the supplier's own profile, and the
region staff's register of suppliers."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import Session

from app.auth import throttle
from app.auth.access import allow, load_visible, public
from app.auth.roles import Role
from app.core.errors import DomainError
from app.core.i18n import gettext as _
from app.core.i18n import ngettext
from app.db import db
from app.files.responses import download
from app.organisations.queries import regions, users_of
from app.suppliers import queries, services
from app.suppliers.forms import (
    DocumentForm,
    InviteForm,
    PasswordChoiceForm,
    ProfileForm,
    RegisterForm,
    ResendForm,
    SuspendForm,
)
from app.suppliers.models import Supplier, SupplierDocument, SupplierState
from app.targetgroups.queries import target_groups
from app.web.forms import ConfirmForm
from app.web.pagination import paginate, text_arg
from app.web.steps import run_step

suppliers_bp = Blueprint("suppliers", __name__)


def _link(endpoint: str):
    """A path: the e-mail puts BASE_URL in front (notify), never the request's Host header,
    which a client chooses, nor its scheme, which is plain HTTP behind the proxy."""
    return lambda token: url_for(endpoint, token=token)


# --- public -------------------------------------------------------------------------------------


@suppliers_bp.route("/register", methods=["GET", "POST"])
@public
def register():
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            services.register(
                db.session,
                company_name=form.company_name.data,
                cvr=form.cvr.data,
                address=form.address.data,
                contact_person=form.contact_person.data,
                email=form.email.data,
                password=form.new_password.data,
                link_for=_link("suppliers.confirm"),
            )
        except DomainError as err:
            db.session.rollback()
            flash(str(err), "error")
            return render_template("suppliers/register.html", form=form), 409
        db.session.commit()
        return render_template("suppliers/registered.html", email=form.email.data)
    return render_template("suppliers/register.html", form=form), 422 if form.errors else 200


@suppliers_bp.get("/register/confirm/<token>")
@public
def confirm(token: str):
    return run_step(
        lambda: services.confirm_email(db.session, token),
        done=_("Your e-mail address is confirmed. You can log in now."),
        refused=lambda: redirect(url_for("suppliers.resend")),
        then=url_for("auth.login"),
    )


@suppliers_bp.route("/register/resend", methods=["GET", "POST"])
@public
def resend():
    form = ResendForm()
    if form.validate_on_submit():
        email, address = form.email.data, request.remote_addr
        wait = throttle.seconds_to_wait(db.session, email, address, throttle.MAIL)
        if wait:
            flash(
                ngettext(
                    "Too many requests. Wait %(num)d second and try again.",
                    "Too many requests. Wait %(num)d seconds and try again.",
                    wait,
                ),
                "error",
            )
            return render_template("suppliers/resend.html", form=form), 429
        services.resend_confirmation(db.session, email, _link("suppliers.confirm"), address)
        db.session.commit()
        flash(_("If the address waits for confirmation, a new link is on its way."), "success")
        return redirect(url_for("auth.login"))
    return render_template("suppliers/resend.html", form=form)


@suppliers_bp.route("/invitation/<token>", methods=["GET", "POST"])
@public
def accept(token: str):
    form = PasswordChoiceForm()
    if form.validate_on_submit():
        return run_step(
            lambda: services.accept_invitation(db.session, token, form.new_password.data),
            done=_("Your password is set. Log in to continue."),
            refused=lambda: (render_template("suppliers/accept.html", form=form), 409),
            then=url_for("auth.login"),
        )
    return render_template("suppliers/accept.html", form=form), 422 if form.errors else 200


# --- the supplier's own pages ----------------------------------------------------------------


def _own_supplier() -> Supplier:
    supplier = services.supplier_of(db.session, current_user.organisation_id)
    if supplier is None:
        abort(404)
    return supplier


def _profile_form(session: Session, supplier: Supplier, form: ProfileForm | None = None):
    form = form or ProfileForm(obj=supplier)
    form.target_group_ids.choices = [
        (g.id, g.name) for g in target_groups(session, active_only=True)
    ]
    form.region_ids.choices = [(r.id, r.name) for r in regions(session)]
    if request.method == "GET":
        form.target_group_ids.data = [g.id for g in supplier.target_groups]
        form.region_ids.data = [r.id for r in supplier.regions]
    return form


def _profile_step(action, done: str, **forms):
    """A step on the supplier's own profile page; refused, the page again with the form sent."""
    return run_step(
        action,
        done=done,
        refused=lambda: _profile_page(_own_supplier(), 409, **forms),
        then=url_for("suppliers.profile"),
    )


def _profile_page(supplier: Supplier, status: int = 200, **forms):
    colleagues = users_of(db.session, supplier.organisation_id)
    return (
        render_template(
            "suppliers/profile.html",
            supplier=supplier,
            colleagues=colleagues,
            form=forms.get("form") or _profile_form(db.session, supplier),
            invite_form=forms.get("invite_form") or InviteForm(),
            document_form=forms.get("document_form") or DocumentForm(),
        ),
        status,
    )


@suppliers_bp.route("/supplier", methods=["GET", "POST"])
@allow(Role.SUPPLIER)
def profile():
    supplier = _own_supplier()
    if request.method == "GET":
        return _profile_page(supplier)
    form = _profile_form(db.session, supplier, ProfileForm())
    if not form.validate_on_submit():
        return _profile_page(supplier, 422, form=form)
    return _profile_step(
        lambda: services.update_profile(
            db.session,
            current_user,
            supplier,
            address=form.address.data,
            contact_person=form.contact_person.data,
            target_group_ids=form.target_group_ids.data or [],
            region_ids=form.region_ids.data or [],
            declare_no_exclusion=form.declare_no_exclusion.data,
        ),
        _("The profile is saved."),
        form=form,
    )


@suppliers_bp.post("/supplier/colleagues")
@allow(Role.SUPPLIER)
def invite():
    supplier = _own_supplier()
    form = InviteForm()
    if not form.validate_on_submit():
        return _profile_page(supplier, 422, invite_form=form)
    return _profile_step(
        lambda: services.invite_colleague(
            db.session,
            current_user,
            supplier,
            name=form.name.data,
            email=form.email.data,
            link_for=_link("suppliers.accept"),
        ),
        _("The invitation is sent."),
        invite_form=form,
    )


@suppliers_bp.post("/supplier/documents")
@allow(Role.SUPPLIER)
def upload():
    supplier = _own_supplier()
    form = DocumentForm()
    if not form.validate_on_submit():
        return _profile_page(supplier, 422, document_form=form)
    upload = form.document.data
    return _profile_step(
        lambda: services.add_document(
            db.session, current_user, supplier, upload.filename or "", upload.read()
        ),
        _("The document is added."),
        document_form=form,
    )


@suppliers_bp.get("/suppliers/<int:supplier_id>/documents/<int:document_id>")
@allow(Role.SUPPLIER, Role.REGION_STAFF, Role.ADMIN)
def document(supplier_id: int, document_id: int):
    supplier = load_visible(Supplier, supplier_id)
    stored = db.session.get(SupplierDocument, document_id)
    if stored is None or stored.supplier_id != supplier.id:
        abort(404)
    return download(stored.file)


# --- the region staff's register -------------------------------------------------------------


@suppliers_bp.get("/suppliers")
@allow(Role.REGION_STAFF, Role.ADMIN)
def index():
    query = text_arg("q")
    state = text_arg("state")
    page = paginate(db.session, queries.search_register(query, state))
    return render_template(
        "suppliers/index.html", page=page, query=query, state=state, states=SupplierState
    )


@suppliers_bp.get("/suppliers/<int:supplier_id>")
@allow(Role.REGION_STAFF, Role.ADMIN)
def detail(supplier_id: int):
    supplier = load_visible(Supplier, supplier_id)
    return render_template(
        "suppliers/detail.html",
        supplier=supplier,
        confirm=ConfirmForm(),
        may_suspend=services.may_suspend(current_user, supplier),
        may_reinstate=services.may_reinstate(current_user, supplier),
    )


@suppliers_bp.route("/suppliers/<int:supplier_id>/suspend", methods=["GET", "POST"])
@allow(Role.REGION_STAFF)
def suspend(supplier_id: int):
    supplier = load_visible(Supplier, supplier_id)
    form = SuspendForm()
    if form.validate_on_submit():
        return run_step(
            lambda: services.suspend(db.session, current_user, supplier, form.reason.data),
            done=_("%(name)s is suspended.", name=supplier.name),
            refused=lambda: (
                render_template("suppliers/suspend.html", supplier=supplier, form=form),
                409,
            ),
            then=url_for("suppliers.detail", supplier_id=supplier_id),
        )
    status = 422 if form.errors else 200
    return render_template("suppliers/suspend.html", supplier=supplier, form=form), status


@suppliers_bp.post("/suppliers/<int:supplier_id>/reinstate")
@allow(Role.REGION_STAFF)
def reinstate(supplier_id: int):
    supplier = load_visible(Supplier, supplier_id)
    back = url_for("suppliers.detail", supplier_id=supplier_id)
    if ConfirmForm().validate_on_submit():
        return run_step(
            lambda: services.reinstate(db.session, current_user, supplier),
            done=_("The suspension is lifted."),
            refused=lambda: redirect(back),
            then=back,
        )
    return redirect(back)
