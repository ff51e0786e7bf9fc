"""Specialist-knowledge pages: the directory (searched by the jobcentres, kept and published by
the region), an entry with its requests, and the answers."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, url_for
from flask_login import current_user

from app.auth.access import allow, refuse
from app.auth.roles import JOBCENTRE_ROLES, Role
from app.core.errors import DomainError
from app.core.i18n import gettext as _
from app.councils import uses
from app.councils.models import CouncilDecision
from app.db import db
from app.knowledge import services
from app.knowledge.forms import AnswerForm, AskForm, EntryForm, PublishForm
from app.knowledge.models import KnowledgeRequest, SpecialistEntry
from app.web.pagination import text_arg
from app.web.steps import run_step

knowledge_bp = Blueprint("knowledge", __name__, url_prefix="/knowledge")

READERS = (Role.REGION_STAFF, Role.REGIONAL_DIRECTOR, *JOBCENTRE_ROLES)


def _region_id() -> int:
    if current_user.role in JOBCENTRE_ROLES:
        return current_user.organisation.region_id
    return current_user.organisation_id


def _index_page(entry_form=None, publish_form=None, status: int = 200):
    query = text_arg("q")
    region_staff = current_user.role == Role.REGION_STAFF
    directory = services.directory_of(db.session, _region_id())
    if publish_form is None:
        publish_form = PublishForm(formdata=None)
    publish_form.decision.choices = [
        (d.id, str(d)) for d in uses.unused_decisions(db.session, _region_id())
    ]
    return render_template(
        "knowledge/index.html",
        entries=db.session.scalars(services.visible_entries(db.session, current_user, query)).all(),
        query=query,
        directory=directory,
        unpublished=services.unpublished(db.session, _region_id()) if region_staff else [],
        region_staff=region_staff,
        entry_form=entry_form or EntryForm(formdata=None),
        publish_form=publish_form,
    ), status


@knowledge_bp.get("/")
@allow(*READERS)
def index():
    return _index_page()


@knowledge_bp.post("/entries")
@allow(Role.REGION_STAFF)
def add_entry():
    form = EntryForm()
    if not form.validate_on_submit():
        return _index_page(entry_form=form, status=422)
    entry = services.EntryInput(
        form.area.data, form.provider.data, form.contact.data, form.conditions.data or ""
    )
    return run_step(
        lambda: services.add_entry(db.session, current_user, entry),
        done=_("The entry is added."),
        refused=lambda: _index_page(entry_form=form, status=422),
        then=url_for("knowledge.index"),
    )


@knowledge_bp.post("/publish")
@allow(Role.REGION_STAFF)
def publish():
    form = PublishForm()
    form.decision.choices = [
        (d.id, d.concerns) for d in uses.unused_decisions(db.session, _region_id())
    ]
    if not form.validate_on_submit():
        return _index_page(publish_form=form, status=422)

    def step():
        decision = db.session.get(CouncilDecision, form.decision.data)
        if decision is None:
            raise DomainError(_("Choose one of the council's decisions."))
        return services.publish(db.session, current_user, decision)

    return run_step(
        step,
        done=_("The directory is published for the region's jobcentres."),
        refused=lambda: _index_page(publish_form=form, status=422),
        then=url_for("knowledge.index"),
    )


def _entry(entry_id: int) -> SpecialistEntry:
    found = db.session.get(SpecialistEntry, entry_id)
    if found is None:
        abort(404)
    if not services.may_see(db.session, current_user, found):
        refuse(404, found)
    return found


def _entry_page(entry: SpecialistEntry, ask_form=None, status: int = 200):
    return render_template(
        "knowledge/entry.html",
        entry=entry,
        requests=services.requests_for(db.session, current_user, entry),
        may_ask=current_user.role in JOBCENTRE_ROLES,
        may_answer=current_user.role == Role.REGION_STAFF,
        ask_form=ask_form or AskForm(formdata=None),
        answer_form=AnswerForm(formdata=None),
    ), status


@knowledge_bp.get("/entries/<int:entry_id>")
@allow(*READERS)
def entry(entry_id: int):
    return _entry_page(_entry(entry_id))


@knowledge_bp.post("/entries/<int:entry_id>/requests")
@allow(*JOBCENTRE_ROLES)
def ask(entry_id: int):
    found = _entry(entry_id)
    form = AskForm()
    if not form.validate_on_submit():
        return _entry_page(found, form, 422)
    return run_step(
        lambda: services.ask(db.session, current_user, found, form.question.data),
        done=_("The request is sent to the region."),
        refused=lambda: _entry_page(_entry(entry_id), form, 422),
        then=url_for("knowledge.entry", entry_id=entry_id),
    )


@knowledge_bp.post("/requests/<int:request_id>/answer")
@allow(Role.REGION_STAFF)
def answer(request_id: int):
    found = db.session.get(KnowledgeRequest, request_id)
    if found is None or not services.may_see(db.session, current_user, found.entry):
        abort(404)
    form = AnswerForm()
    if not form.validate_on_submit():
        return _entry_page(found.entry, status=422)
    return run_step(
        lambda: services.answer(db.session, current_user, found, form.answer.data),
        done=_("The answer is sent."),
        refused=lambda: _entry_page(found.entry, status=422),
        then=url_for("knowledge.entry", entry_id=found.entry_id),
    )
