"""Organisation pages: the administrators' register, and each role's own organisation."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from app.auth.access import allow, load_visible
from app.auth.models import User
from app.auth.roles import JOBCENTRE_ROLES, Role
from app.core.errors import DomainError
from app.core.i18n import gettext as _
from app.db import db
from app.organisations import services
from app.organisations.forms import OrganisationCreateForm, OrganisationForm
from app.organisations.models import Municipality, Organisation, OrganisationKind
from app.web.pagination import paginate, text_arg

organisations_bp = Blueprint("organisations", __name__)


def _regions() -> list[Organisation]:
    return list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.kind == OrganisationKind.REGION)
            .order_by(Organisation.name)
        )
    )


def _municipality_choices() -> list[tuple[int, str]]:
    rows = db.session.execute(
        select(Municipality.id, Municipality.name, Organisation.name.label("region"))
        .join(Organisation, Municipality.employment_region_id == Organisation.id)
        .order_by(Municipality.name)
    )
    return [(row.id, f"{row.name} ({row.region})") for row in rows]


def _chosen_municipalities(ids: list[int]) -> list[Municipality]:
    if not ids:
        return []
    return list(db.session.scalars(select(Municipality).where(Municipality.id.in_(ids))))


def _load(organisation_id: int) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        abort(404)
    return organisation


@organisations_bp.get("/admin/organisations/")
@allow(Role.ADMIN)
def index():
    query = text_arg("q")
    kind = text_arg("kind")
    stmt = (
        select(Organisation)
        .options(joinedload(Organisation.region))
        .order_by(Organisation.name, Organisation.id)
    )
    if query:
        stmt = stmt.where(Organisation.name.ilike(f"%{query}%"))
    if kind in OrganisationKind.__members__.values():
        stmt = stmt.where(Organisation.kind == OrganisationKind(kind))
    page = paginate(db.session, stmt)
    return render_template(
        "organisations/index.html", page=page, query=query, kind=kind, kinds=OrganisationKind
    )


@organisations_bp.route("/admin/organisations/new", methods=["GET", "POST"])
@allow(Role.ADMIN)
def create():
    form = OrganisationCreateForm()
    form.region_id.choices = [(0, "—")] + [(r.id, r.name) for r in _regions()]
    form.municipalities.choices = _municipality_choices()
    if (
        request.method == "GET"
        and request.args.get("kind") in OrganisationKind.__members__.values()
    ):
        form.kind.data = request.args["kind"]
    if form.validate_on_submit():
        try:
            organisation = services.create_organisation(
                db.session,
                current_user,
                kind=OrganisationKind(form.kind.data),
                name=form.name.data,
                email=form.email.data,
                region=db.session.get(Organisation, form.region_id.data or 0),
                council_name=form.council_name.data,
                municipalities=_chosen_municipalities(form.municipalities.data or []),
                code=form.code.data,
            )
        except DomainError as err:
            db.session.rollback()
            flash(str(err), "error")
            return render_template("organisations/form.html", form=form, organisation=None), 409
        db.session.commit()
        flash(_("%(name)s is created.", name=organisation.name), "success")
        return redirect(url_for("organisations.detail", organisation_id=organisation.id))
    status = 422 if form.errors else 200
    return render_template("organisations/form.html", form=form, organisation=None), status


@organisations_bp.get("/admin/organisations/<int:organisation_id>")
@allow(Role.ADMIN)
def detail(organisation_id: int):
    organisation = _load(organisation_id)
    users = db.session.scalars(
        select(User).where(User.organisation_id == organisation.id).order_by(User.name)
    ).all()
    return render_template("organisations/detail.html", organisation=organisation, users=users)


@organisations_bp.route("/admin/organisations/<int:organisation_id>/edit", methods=["GET", "POST"])
@allow(Role.ADMIN)
def edit(organisation_id: int):
    organisation = _load(organisation_id)
    form = OrganisationForm(obj=organisation)
    form.municipalities.choices = _municipality_choices()
    if request.method == "GET":
        form.council_name.data = organisation.council.name if organisation.council else ""
        form.municipalities.data = [m.id for m in organisation.municipalities]
    if form.validate_on_submit():
        try:
            services.update_organisation(
                db.session,
                current_user,
                organisation,
                name=form.name.data,
                email=form.email.data,
                council_name=form.council_name.data,
                municipalities=_chosen_municipalities(form.municipalities.data or []),
                code=form.code.data if organisation.kind == OrganisationKind.REGION else None,
            )
        except DomainError as err:
            db.session.rollback()
            flash(str(err), "error")
            return (
                render_template("organisations/form.html", form=form, organisation=organisation),
                409,
            )
        db.session.commit()
        flash(_("%(name)s is saved.", name=organisation.name), "success")
        return redirect(url_for("organisations.detail", organisation_id=organisation.id))
    status = 422 if form.errors else 200
    return render_template("organisations/form.html", form=form, organisation=organisation), status


# --- each role's own organisation --------------------------------------------------------


def _region_page(region: Organisation):
    jobcentres = db.session.scalars(
        select(Organisation)
        .where(Organisation.region_id == region.id)
        .options(selectinload(Organisation.municipalities))
        .order_by(Organisation.name)
    ).all()
    directors = db.session.scalars(
        select(User)
        .where(
            User.organisation_id == region.id,
            User.role == Role.REGIONAL_DIRECTOR,
            User.active,
        )
        .order_by(User.name)
    ).all()
    return render_template(
        "organisations/region.html", region=region, jobcentres=jobcentres, directors=directors
    )


@organisations_bp.get("/region")
@allow(Role.REGION_STAFF, Role.REGIONAL_DIRECTOR)
def my_region():
    return redirect(url_for("organisations.region", region_id=current_user.organisation_id))


@organisations_bp.get("/regions")
@allow(Role.MINISTRY, Role.INTEGRATION_MINISTRY)
def regions():
    counts = dict(
        db.session.execute(
            select(Organisation.region_id, func.count())
            .where(Organisation.kind == OrganisationKind.JOBCENTRE)
            .group_by(Organisation.region_id)
        ).all()
    )
    regions = db.session.scalars(
        select(Organisation)
        .where(Organisation.kind == OrganisationKind.REGION)
        .options(selectinload(Organisation.council))
        .order_by(Organisation.name)
    ).all()
    return render_template("organisations/regions.html", regions=regions, counts=counts)


@organisations_bp.get("/regions/<int:region_id>")
@allow(Role.MINISTRY, Role.INTEGRATION_MINISTRY, Role.REGION_STAFF, Role.REGIONAL_DIRECTOR)
def region(region_id: int):
    region = load_visible(Organisation, region_id)
    if region.kind != OrganisationKind.REGION:
        abort(404)
    return _region_page(region)


@organisations_bp.get("/jobcentre")
@allow(*JOBCENTRE_ROLES)
def my_jobcentre():
    return render_template("organisations/jobcentre.html", jobcentre=current_user.organisation)
