"""Complaints to the Complaints Board: the region's list, a tender's complaints, a complaint
with the board's decisions. Region staff of the tender's region only."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, url_for
from flask_login import current_user

from app.auth.access import allow, load_visible, refuse
from app.auth.roles import Role
from app.complaints import services
from app.complaints.forms import ComplaintForm, RulingForm, SuspensionForm
from app.complaints.models import Complaint, ComplaintDocument
from app.core.i18n import gettext as _
from app.db import db
from app.evaluation.services import award_of
from app.files.responses import download
from app.tenders import lifecycle
from app.tenders.lifecycle import TenderStep
from app.tenders.models import Tender
from app.web.steps import run_step

complaints_bp = Blueprint("complaints", __name__)

TENDER = "/manage/tenders/<int:tender_id>/complaints"


@complaints_bp.get("/complaints")
@allow(Role.REGION_STAFF)
def index():
    return render_template(
        "complaints/index.html",
        complaints=services.complaints_of_region(db.session, current_user.organisation_id),
    )


def _own_tender(tender_id: int) -> Tender:
    tender = load_visible(Tender, tender_id)
    if tender.region_id != current_user.organisation_id:
        refuse(404, tender)
    return tender


def _complaint(tender: Tender, complaint_id: int) -> Complaint:
    complaint = load_visible(Complaint, complaint_id)
    if complaint.tender_id != tender.id:
        abort(404)
    return complaint


def _tender_page(tender: Tender, form: ComplaintForm | None = None, status: int = 200):
    return render_template(
        "complaints/tender.html",
        tender=tender,
        award=award_of(db.session, tender),
        complaints=services.complaints_of(db.session, tender),
        form=form or ComplaintForm(),
        may_register=lifecycle.allows(current_user, tender, TenderStep.REGISTER_COMPLAINT),
        why_not=lifecycle.refusal(current_user, tender, TenderStep.REGISTER_COMPLAINT),
        conclusion_held=not lifecycle.NO_COMPLAINT_HOLDS.holds(current_user, tender),
    ), status


@complaints_bp.get(TENDER)
@allow(Role.REGION_STAFF)
def tender(tender_id: int):
    return _tender_page(_own_tender(tender_id))


@complaints_bp.post(TENDER)
@allow(Role.REGION_STAFF)
def register(tender_id: int):
    tender = _own_tender(tender_id)
    form = ComplaintForm()
    if not form.validate_on_submit():
        return _tender_page(tender, form, 422)
    return run_step(
        lambda: services.register(
            db.session, current_user, tender, form.complaint_input(), form.upload()
        ),
        done=_("The complaint is registered."),
        refused=lambda: _tender_page(_own_tender(tender_id), form, 409),
        then=lambda complaint: url_for(
            "complaints.detail", tender_id=tender_id, complaint_id=complaint.id
        ),
    )


def _detail_page(
    tender: Tender,
    complaint: Complaint,
    suspension: SuspensionForm | None = None,
    ruling: RulingForm | None = None,
    status: int = 200,
):
    return render_template(
        "complaints/detail.html",
        tender=tender,
        complaint=complaint,
        steps=services.next_complaint_steps(current_user, complaint),
        suspension=suspension or SuspensionForm(),
        ruling=ruling or RulingForm(),
    ), status


@complaints_bp.get(f"{TENDER}/<int:complaint_id>")
@allow(Role.REGION_STAFF)
def detail(tender_id: int, complaint_id: int):
    tender = _own_tender(tender_id)
    return _detail_page(tender, _complaint(tender, complaint_id))


def _decide(tender_id: int, complaint_id: int, form, action, done: str, **forms):
    tender = _own_tender(tender_id)
    complaint = _complaint(tender, complaint_id)

    def again(status: int):
        fresh = _own_tender(tender_id)
        return _detail_page(fresh, _complaint(fresh, complaint_id), status=status, **forms)

    if not form.validate_on_submit():
        return again(422)
    return run_step(
        lambda: action(complaint),
        done=done,
        refused=lambda: again(409),
        then=url_for("complaints.detail", tender_id=tender_id, complaint_id=complaint_id),
    )


@complaints_bp.post(f"{TENDER}/<int:complaint_id>/suspension")
@allow(Role.REGION_STAFF)
def suspension(tender_id: int, complaint_id: int):
    form = SuspensionForm()
    return _decide(
        tender_id,
        complaint_id,
        form,
        lambda complaint: services.decide_suspension(
            db.session,
            current_user,
            complaint,
            granted=form.decision.data == "granted",
            decided_on=form.decided_on.data,
            document=form.upload(),
        ),
        _("The board's decision on suspensive effect is recorded."),
        suspension=form,
    )


@complaints_bp.post(f"{TENDER}/<int:complaint_id>/ruling")
@allow(Role.REGION_STAFF)
def ruling(tender_id: int, complaint_id: int):
    form = RulingForm()
    return _decide(
        tender_id,
        complaint_id,
        form,
        lambda complaint: services.record_ruling(
            db.session, current_user, complaint, form.ruling_input(), form.upload()
        ),
        _("The board's ruling is recorded."),
        ruling=form,
    )


@complaints_bp.get(f"{TENDER}/<int:complaint_id>/documents/<int:document_id>")
@allow(Role.REGION_STAFF)
def document(tender_id: int, complaint_id: int, document_id: int):
    tender = _own_tender(tender_id)
    complaint = _complaint(tender, complaint_id)
    found = db.session.get(ComplaintDocument, document_id)
    if found is None or found.complaint_id != complaint.id:
        abort(404)
    return download(found.file)
