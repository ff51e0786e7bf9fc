"""Grant pages: the region's grants with their sums, a grant's projects and its report, a
project with its allocation and spend; each step by whom it belongs to."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, url_for
from flask_babel import force_locale
from flask_login import current_user

from app import clock
from app.auth.access import allow, load_visible, refuse
from app.auth.roles import JOBCENTRE_ROLES, Role
from app.core.errors import DomainError
from app.core.i18n import format_date
from app.core.i18n import gettext as _
from app.councils import uses
from app.councils.models import CouncilDecision
from app.db import db
from app.documents.pdf import pdf_response, render_pdf
from app.documents.spreadsheets import Sheet, xlsx_download
from app.grants import services
from app.grants.forms import AllocationForm, GrantForm, ProjectForm, SpendForm
from app.grants.models import Grant, GrantKind, GrantProject
from app.spend.tables import Table, as_csv
from app.web.forms import ReasonForm
from app.web.steps import run_step

grants_bp = Blueprint("grants", __name__, url_prefix="/grants")

REGION_ROLES = (Role.REGION_STAFF, Role.REGIONAL_DIRECTOR)
READERS = (*REGION_ROLES, *JOBCENTRE_ROLES)


def _index_page(form: GrantForm, status: int = 200):
    grants = services.grants_of(db.session, current_user)
    return render_template(
        "grants/index.html",
        rows=[(g, services.figures(db.session, g)) for g in grants],
        form=form,
        may_register=services.may_register_grant(current_user),
    ), status


@grants_bp.get("/")
@allow(*READERS)
def index():
    return _index_page(GrantForm(formdata=None, year=clock.today().year))


@grants_bp.post("/")
@allow(Role.REGION_STAFF)
def register():
    form = GrantForm()
    if not form.validate_on_submit():
        return _index_page(form, 422)
    kind, year, amount = GrantKind(form.kind.data), form.year.data, form.amount.data
    return run_step(
        lambda: services.register_grant(db.session, current_user, kind, year, amount),
        done=_("The grant is registered."),
        refused=lambda: _index_page(form, 422),
        then=lambda grant: url_for("grants.grant", grant_id=grant.id),
    )


def _grant_page(grant: Grant, form: ProjectForm | None = None, status: int = 200):
    return render_template(
        "grants/grant.html",
        grant=grant,
        sums=services.figures(db.session, grant),
        rows=services.project_rows(db.session, grant, current_user),
        form=form or ProjectForm(formdata=None),
        may_apply=services.may_apply(current_user, grant),
    ), status


@grants_bp.get("/<int:grant_id>")
@allow(*READERS)
def grant(grant_id: int):
    return _grant_page(load_visible(Grant, grant_id))


@grants_bp.post("/<int:grant_id>/projects")
@allow(*services.APPLICANTS)
def apply(grant_id: int):
    found = load_visible(Grant, grant_id)
    form = ProjectForm()
    if not form.validate_on_submit():
        return _grant_page(found, form, 422)
    project = services.ProjectInput(
        form.title.data,
        form.purpose.data,
        form.concerns.data,
        form.requested.data,
        form.starts_on.data,
        form.ends_on.data,
    )
    return run_step(
        lambda: services.apply(db.session, current_user, found, project),
        done=_("The application is sent to the region."),
        refused=lambda: _grant_page(load_visible(Grant, grant_id), form, 422),
        then=lambda made: url_for("grants.project", project_id=made.id),
    )


# --- a project ----------------------------------------------------------------------------------


STEP_FORMS = {
    "allocate": AllocationForm,
    "refuse": ReasonForm,
    "spend": SpendForm,
    "close": ReasonForm,
}


def _forms(project: GrantProject, posted: dict | None = None) -> dict:
    posted = posted or {}
    forms = {}
    for step in services.next_steps(current_user, project):
        form = posted.get(step) or STEP_FORMS[step](formdata=None)
        if step == "allocate":
            form.decision.choices = [
                (d.id, str(d)) for d in uses.unused_decisions(db.session, project.grant.region_id)
            ]
        forms[step] = form
    return forms


def _project_page(project: GrantProject, posted: dict | None = None, status: int = 200):
    spend = services.spend_of(db.session, project)
    return render_template(
        "grants/project.html",
        project=project,
        spend=spend,
        spent=sum((s.amount for s in spend), services.ZERO),
        forms=_forms(project, posted),
    ), status


@grants_bp.get("/projects/<int:project_id>")
@allow(*READERS)
def project(project_id: int):
    return _project_page(load_visible(GrantProject, project_id))


def _decision(form: AllocationForm) -> CouncilDecision:
    found = db.session.get(CouncilDecision, form.decision.data)
    if found is None:
        raise DomainError(_("Choose one of the council's decisions."))
    return found


STEP_ACTIONS = {
    "allocate": lambda p, f: services.allocate(
        db.session, current_user, p, f.amount.data, _decision(f), f.text.data or ""
    ),
    "refuse": lambda p, f: services.refuse(db.session, current_user, p, f.reason.data),
    "spend": lambda p, f: services.report_spend(
        db.session, current_user, p, f.amount.data, f.spent_on.data, f.description.data
    ),
    "close": lambda p, f: services.close(db.session, current_user, p, f.reason.data),
}
STEP_DONE = {
    "allocate": lambda: _("The project is allocated."),
    "refuse": lambda: _("The application is refused."),
    "spend": lambda: _("The spend is reported."),
    "close": lambda: _("The project is closed; what it did not spend returns to the grant."),
}


@grants_bp.post("/projects/<int:project_id>/<step>")
@allow(*READERS)
def project_step(project_id: int, step: str):
    found = load_visible(GrantProject, project_id)
    if step not in STEP_FORMS:
        abort(404)
    if step not in services.next_steps(current_user, found):
        refuse(403, found)
    form = STEP_FORMS[step]()
    if step == "allocate":
        form = _forms(found, {step: form})[step]
    if not form.validate_on_submit():
        return _project_page(found, {step: form}, 422)
    return run_step(
        lambda: STEP_ACTIONS[step](found, form),
        done=STEP_DONE[step](),
        refused=lambda: _project_page(load_visible(GrantProject, project_id), {step: form}, 422),
        then=url_for("grants.project", project_id=project_id),
    )


# --- the report per grant and year ----------------------------------------------------------------

REPORT_COLUMNS = (
    "Projekt",
    "Ansøger",
    "Status",
    "Ansøgt",
    "Bevilget",
    "Brugt",
    "Ubrugt",
    "Periode",
)


def _report_rows(grant: Grant) -> list[list]:
    return [
        [
            row.project.title,
            row.project.applicant.name,
            row.project.state.label,
            row.project.requested,
            row.project.allocated,
            row.spent,
            row.unused if row.project.allocated else None,
            f"{format_date(row.project.starts_on)} – {format_date(row.project.ends_on)}",
        ]
        for row in services.project_rows(db.session, grant, current_user)
    ]


@grants_bp.get("/<int:grant_id>/report.<any(csv, xlsx, pdf):fmt>")
@allow(*READERS)
def report(grant_id: int, fmt: str):
    """The grant's year: its sums and every project, in Danish."""
    found = load_visible(Grant, grant_id)
    name = f"pulje-{found.kind.value}-{found.year}"
    with force_locale("da"):
        rows = _report_rows(found)
        if fmt == "xlsx":
            sheet = Sheet(title=str(found.year), columns=list(REPORT_COLUMNS), money={3, 4, 5, 6})
            return xlsx_download(f"{name}.xlsx", sheet, rows)
        if fmt == "csv":  # Danish amounts, no cell a spreadsheet would run as a formula
            table = Table(name, name, list(REPORT_COLUMNS), rows, money={3, 4, 5, 6})
            return Response(
                as_csv(table),
                mimetype="text/csv",
                headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
            )
        pdf = render_pdf(
            "grants/pdf/report.html",
            grant=found,
            sums=services.figures(db.session, found),
            rows=rows,
            printed_at=clock.now(),
        )
    return pdf_response(pdf, f"{name}.pdf")
