"""The councils' register: meetings, decisions and annual contracts of each regional council."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user

from app import clock
from app.auth.access import allow, load_visible
from app.auth.roles import Role
from app.core.i18n import format_date
from app.core.i18n import gettext as _
from app.councils import queries, services
from app.councils.forms import ContractForm, DecisionForm, MeetingDocumentForm, MeetingForm
from app.councils.models import CouncilDecision, CouncilMeeting, MeetingDocument
from app.db import db
from app.files.responses import download
from app.organisations.models import Council
from app.web.steps import run_step

councils_bp = Blueprint("councils", __name__, url_prefix="/councils")

READERS = (
    Role.REGION_STAFF,
    Role.REGIONAL_DIRECTOR,
    Role.MINISTRY,
    Role.INTEGRATION_MINISTRY,
    Role.ADMIN,
)


@councils_bp.get("/")
@allow(*READERS)
def index():
    if own := queries.own_council(current_user):
        return redirect(url_for("councils.detail", council_id=own.id))
    return render_template("councils/index.html", councils=queries.councils(db.session))


@councils_bp.get("/<int:council_id>")
@allow(*READERS)
def detail(council_id: int):
    council = load_visible(Council, council_id)
    return render_template(
        "councils/detail.html",
        council=council,
        meetings=queries.meetings_of(db.session, council, with_records=True),
        decisions=queries.decisions_of(db.session, council),
        contracts=queries.contracts_of(db.session, council),
        keeper=services.is_keeper(current_user, council),
    )


def _form_page(template: str, council: Council, form, service, done: str, **context):
    if form.validate_on_submit():
        return run_step(
            service,
            done=done,
            refused=lambda: (
                render_template(template, council=council, form=form, **context),
                409,
            ),
            then=lambda created: _after(council, created),
        )
    status = 422 if form.errors else 200
    return render_template(template, council=council, form=form, **context), status


def _after(council: Council, created) -> str:
    if isinstance(created, CouncilMeeting):
        return url_for("councils.meeting", council_id=council.id, meeting_id=created.id)
    if isinstance(created, CouncilDecision):
        return url_for("councils.decision", council_id=council.id, decision_id=created.id)
    return url_for("councils.detail", council_id=council.id)


@councils_bp.route("/<int:council_id>/meetings/new", methods=["GET", "POST"])
@allow(Role.REGION_STAFF)
def new_meeting(council_id: int):
    council = load_visible(Council, council_id)
    form = MeetingForm()
    return _form_page(
        "councils/meeting_form.html",
        council,
        form,
        lambda: services.add_meeting(
            db.session,
            current_user,
            council,
            held_on=form.held_on.data,
            title=form.title.data,
            agenda=form.agenda.data or "",
        ),
        _("The meeting is recorded."),
    )


def _meeting(council: Council, meeting_id: int) -> CouncilMeeting:
    meeting = db.session.get(CouncilMeeting, meeting_id)
    if meeting is None or meeting.council_id != council.id:
        abort(404)
    return meeting


@councils_bp.route("/<int:council_id>/meetings/<int:meeting_id>", methods=["GET", "POST"])
@allow(*READERS)
def meeting(council_id: int, meeting_id: int):
    council = load_visible(Council, council_id)
    meeting = _meeting(council, meeting_id)
    form = MeetingDocumentForm()
    if request.method != "POST":
        return _meeting_page(council, meeting_id, form, 200)
    if not services.is_keeper(current_user, council):
        abort(403)
    if not form.validate_on_submit():
        return _meeting_page(council, meeting_id, form, 422)
    upload = form.document.data
    return run_step(
        lambda: services.add_meeting_document(
            db.session, current_user, meeting, upload.filename or "", upload.read()
        ),
        done=_("The document is added."),
        refused=lambda: _meeting_page(council, meeting_id, form, 409),
        then=request.path,
    )


def _meeting_page(council: Council, meeting_id: int, form, status: int):
    return render_template(
        "councils/meeting.html",
        council=council,
        meeting=db.session.get(CouncilMeeting, meeting_id),
        form=form,
        keeper=services.is_keeper(current_user, council),
    ), status


@councils_bp.get("/<int:council_id>/meetings/<int:meeting_id>/documents/<int:document_id>")
@allow(*READERS)
def meeting_document(council_id: int, meeting_id: int, document_id: int):
    council = load_visible(Council, council_id)
    meeting = _meeting(council, meeting_id)
    document = db.session.get(MeetingDocument, document_id)
    if document is None or document.meeting_id != meeting.id:
        abort(404)
    return download(document.file)


@councils_bp.route("/<int:council_id>/decisions/new", methods=["GET", "POST"])
@allow(Role.REGION_STAFF)
def new_decision(council_id: int):
    council = load_visible(Council, council_id)
    form = DecisionForm()
    meetings = queries.meetings_of(db.session, council)
    form.meeting_id.choices = [(0, _("Not at a meeting"))] + [
        (m.id, f"{format_date(m.held_on)} {m.title}") for m in meetings
    ]
    if request.method == "GET" and request.args.get("meeting_id", "").isdigit():
        form.meeting_id.data = int(request.args["meeting_id"])
    return _form_page(
        "councils/decision_form.html",
        council,
        form,
        lambda: services.add_decision(
            db.session,
            current_user,
            council,
            decided_on=form.decided_on.data,
            concerns=form.concerns.data,
            text=form.text.data,
            meeting=db.session.get(CouncilMeeting, form.meeting_id.data or 0),
        ),
        _("The decision is recorded."),
    )


@councils_bp.get("/<int:council_id>/decisions/<int:decision_id>")
@allow(*READERS)
def decision(council_id: int, decision_id: int):
    council = load_visible(Council, council_id)
    decision = db.session.get(CouncilDecision, decision_id)
    if decision is None or decision.council_id != council.id:
        abort(404)
    return render_template(
        "councils/decision.html",
        council=council,
        decision=decision,
        tenders=queries.tenders_approved_with(db.session, decision),
    )


@councils_bp.route("/<int:council_id>/contracts/new", methods=["GET", "POST"])
@allow(Role.REGION_STAFF)
def new_contract(council_id: int):
    council = load_visible(Council, council_id)
    form = ContractForm()
    if request.method == "GET":
        form.year.data = clock.today().year + 1
    return _form_page(
        "councils/contract_form.html",
        council,
        form,
        lambda: services.add_contract(
            db.session,
            current_user,
            council,
            year=form.year.data,
            summary=form.summary.data or "",
            needs=(form.needs.data or "").splitlines(),
        ),
        _("The annual contract is recorded."),
    )
