"""Organisation pages: the administrators' register, and each role's own organisation."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth.access import allow, load_visible
from app.auth.roles import JOBCENTRE_ROLES, Role
from app.core.i18n import gettext as _
from app.db import db
from app.organisations import queries, services
from app.organisations.forms import OrganisationCreateForm, OrganisationForm
from app.organisations.models import Organisation, OrganisationKind
from app.web.pagination import paginate, text_arg
from app.web.steps import run_step

organisations_bp = Blueprint("organisations", __name__)


def _form_page(form, organisation: Organisation | None, status: int):
    return render_template("organisations/form.html", form=form, organisation=organisation), status


def _detail_url(organisation: Organisation) -> str:
    return url_for("organisations.detail", organisation_id=organisation.id)


@organisations_bp.get("/admin/organisations/")
@allow(Role.ADMIN)
def index():
    query = text_arg("q")
    kind = text_arg("kind")
    page = paginate(db.session, queries.search_register(query, kind))
    return render_template(
        "organisations/index.html", page=page, query=query, kind=kind, kinds=OrganisationKind
    )


@organisations_bp.route("/admin/organisations/new", methods=["GET", "POST"])
@allow(Role.ADMIN)
def create():
    form = OrganisationCreateForm()
    form.region_id.choices = [(0, "—")] + [(r.id, r.name) for r in queries.regions(db.session)]
    form.municipalities.choices = queries.municipality_choices(db.session)
    if (
        request.method == "GET"
        and request.args.get("kind") in OrganisationKind.__members__.values()
    ):
        form.kind.data = request.args["kind"]
    if form.validate_on_submit():
        return run_step(
            lambda: services.create_organisation(
                db.session,
                current_user,
                kind=OrganisationKind(form.kind.data),
                name=form.name.data,
                email=form.email.data,
                region=db.session.get(Organisation, form.region_id.data or 0),
                council_name=form.council_name.data,
                municipalities=queries.municipalities(db.session, form.municipalities.data or []),
                code=form.code.data,
            ),
            done=_("%(name)s is created.", name=form.name.data.strip()),
            refused=lambda: _form_page(form, None, 409),
            then=_detail_url,
        )
    return _form_page(form, None, 422 if form.errors else 200)


@organisations_bp.get("/admin/organisations/<int:organisation_id>")
@allow(Role.ADMIN)
def detail(organisation_id: int):
    organisation = load_visible(Organisation, organisation_id)  # every one, to the admin
    users = queries.users_of(db.session, organisation.id)
    return render_template("organisations/detail.html", organisation=organisation, users=users)


@organisations_bp.route("/admin/organisations/<int:organisation_id>/edit", methods=["GET", "POST"])
@allow(Role.ADMIN)
def edit(organisation_id: int):
    organisation = load_visible(Organisation, organisation_id)  # every one, to the admin
    form = OrganisationForm(obj=organisation)
    form.municipalities.choices = queries.municipality_choices(db.session)
    if request.method == "GET":
        form.council_name.data = organisation.council.name if organisation.council else ""
        form.municipalities.data = [m.id for m in organisation.municipalities]
    if form.validate_on_submit():
        return run_step(
            lambda: services.update_organisation(
                db.session,
                current_user,
                organisation,
                name=form.name.data,
                email=form.email.data,
                council_name=form.council_name.data,
                municipalities=queries.municipalities(db.session, form.municipalities.data or []),
                code=form.code.data if organisation.kind == OrganisationKind.REGION else None,
            ),
            done=_("%(name)s is saved.", name=form.name.data.strip()),
            refused=lambda: _form_page(form, organisation, 409),
            then=_detail_url,
        )
    return _form_page(form, organisation, 422 if form.errors else 200)


# --- each role's own organisation --------------------------------------------------------


def _region_page(region: Organisation):
    return render_template(
        "organisations/region.html",
        region=region,
        jobcentres=queries.jobcentres_of(db.session, region),
        directors=queries.directors_of(db.session, region),
    )


@organisations_bp.get("/region")
@allow(Role.REGION_STAFF, Role.REGIONAL_DIRECTOR)
def my_region():
    return redirect(url_for("organisations.region", region_id=current_user.organisation_id))


@organisations_bp.get("/regions")
@allow(Role.MINISTRY, Role.INTEGRATION_MINISTRY)
def regions():
    counts = queries.jobcentre_counts(db.session)
    regions = queries.regions_with_councils(db.session)
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
