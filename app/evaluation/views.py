"""The opening of the bids: the region's page, the button, the decisions and the protocol PDF."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import clock
from app.auth.access import allow, load_visible, refuse
from app.auth.roles import Role
from app.db import db
from app.documents.pdf import render_pdf
from app.errors import DomainError
from app.evaluation import services
from app.evaluation.models import OpenedBid
from app.forms import ConfirmForm
from app.i18n import gettext as _
from app.tenders.models import Tender

evaluation_bp = Blueprint("evaluation", __name__, url_prefix="/manage/tenders/<int:tender_id>")

OWNING_REGION = (Role.REGION_STAFF, Role.REGIONAL_DIRECTOR)


def _own_tender(tender_id: int) -> Tender:
    tender = load_visible(Tender, tender_id)
    if tender.region_id != current_user.organisation_id:
        refuse(404, tender)
    return tender


def _page(tender: Tender, status: int = 200):
    return render_template(
        "evaluation/opening.html",
        tender=tender,
        opening=services.opening_of(db.session, tender),
        confirm=ConfirmForm(),
        after_deadline=clock.now() >= tender.bid_deadline,
        can_act=current_user.role == Role.REGION_STAFF,
    ), status


@evaluation_bp.get("/opening")
@allow(*OWNING_REGION)
def opening(tender_id: int):
    return _page(_own_tender(tender_id))


@evaluation_bp.post("/opening")
@allow(Role.REGION_STAFF)
def open_bids(tender_id: int):
    tender = _own_tender(tender_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        opened = services.open_bids(db.session, current_user, tender)
    except DomainError as err:
        db.session.rollback()
        flash(str(err), "error")
        return _page(_own_tender(tender_id), 409)
    db.session.commit()
    flash(_("The bids are opened: %(n)d bid(s) recorded.", n=len(opened.bids)), "success")
    return redirect(url_for("evaluation.opening", tender_id=tender_id))


@evaluation_bp.post("/opening/<int:opened_id>/decision")
@allow(Role.REGION_STAFF)
def decide(tender_id: int, opened_id: int):
    tender = _own_tender(tender_id)
    opened = db.session.get(OpenedBid, opened_id)
    if opened is None or opened.opening.tender_id != tender.id:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.decide_flagged(
            db.session,
            current_user,
            opened,
            accept=request.form.get("decision") == "accept",
            reason=request.form.get("reason", ""),
        )
    except DomainError as err:
        db.session.rollback()
        flash(str(err), "error")
        return _page(_own_tender(tender_id), 409)
    db.session.commit()
    flash(_("The decision is recorded."), "success")
    return redirect(url_for("evaluation.opening", tender_id=tender_id))


@evaluation_bp.get("/opening/protocol.pdf")
@allow(*OWNING_REGION)
def protocol_pdf(tender_id: int):
    tender = _own_tender(tender_id)
    opening = services.opening_of(db.session, tender)
    if opening is None:
        abort(404)
    pdf = render_pdf(
        "evaluation/pdf/protocol.html", tender=tender, opening=opening, printed_at=clock.now()
    )
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="aabning-{tender.reference}.pdf"'},
    )
