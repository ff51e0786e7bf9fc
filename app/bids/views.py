"""Bid pages: the supplier's bid form, its bids and receipts; the region's sealed list."""

from __future__ import annotations

import base64

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import clock
from app.auth.access import allow, load_visible, refuse
from app.auth.roles import Role
from app.bids import services
from app.bids.models import Bid, BidVersion
from app.core.errors import DomainError
from app.core.i18n import gettext as _
from app.db import db
from app.documents.pdf import pdf_response, render_pdf
from app.evaluation.services import letter_for
from app.files.responses import download_bytes
from app.tenders.lifecycle import AWARD_DECIDED
from app.tenders.models import Tender, TenderState
from app.web.forms import ConfirmForm
from app.web.steps import run_step

bids_bp = Blueprint("bids", __name__)


def _open_tender(tender_id: int) -> Tender:
    tender = db.session.get(Tender, tender_id)
    if tender is None or tender.state != TenderState.PUBLISHED:
        abort(404)
    return tender


def _content_from_request(tender: Tender, kept: list[dict]) -> services.BidContent:
    """Read the dynamic form (one field per lot, requirement and criterion): shape only."""
    prices = {}
    for lot in tender.lots:
        prices[lot.id] = services.parse_price(request.form.get(f"price-{lot.id}"))
    requirements = {
        r.id: request.form.get(f"requirement-{r.id}") == "yes" for r in tender.requirements
    }
    answers = {
        c.id: request.form.get(f"answer-{c.id}", "") for c in tender.criteria if not c.is_price
    }
    attachments = [
        services.Attachment(a["name"], base64.b64decode(a["data"]))
        for a in kept
        if a["sha256"] in request.form.getlist("keep")
    ]
    for upload in request.files.getlist("attachments"):
        if upload and upload.filename:
            attachments.append(services.Attachment(upload.filename, upload.read()))
    return services.BidContent(prices, requirements, answers, attachments)


@bids_bp.route("/tenders/<int:tender_id>/bid", methods=["GET", "POST"])
@allow(Role.SUPPLIER)
def bid_form(tender_id: int):
    if request.method == "GET":
        return _bid_page(tender_id)
    tender = _open_tender(tender_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    bid = services.own_bid(db.session, current_user, tender)
    current = services.read_for_supplier(current_user, bid) if bid else None
    kept = (current or {}).get("attachments", [])
    if request.form.get("action") == "submit":
        return run_step(
            lambda: services.submit(
                db.session, current_user, tender, _content_from_request(tender, kept)
            ),
            done=_("Your bid is received. Keep the receipt."),
            refused=lambda: _bid_page(tender_id, 409),
            then=lambda version: url_for(
                "bids.receipt", bid_id=version.bid_id, number=version.number
            ),
        )
    return run_step(
        lambda: services.save_draft(
            db.session, current_user, tender, _content_from_request(tender, kept)
        ),
        done=_("The draft is saved. It is not submitted."),
        refused=lambda: _bid_page(tender_id, 409),
        then=url_for("bids.bid_form", tender_id=tender_id),
    )


def _chosen_files() -> list[str]:
    """The names of the files chosen in a refused POST: a browser cannot be given them back."""
    return [upload.filename for upload in request.files.getlist("attachments") if upload.filename]


def _bid_page(tender_id: int, status: int = 200):
    tender = _open_tender(tender_id)
    unsaved_files = _chosen_files() if request.method == "POST" else []
    bid = services.own_bid(db.session, current_user, tender)
    current = services.read_for_supplier(current_user, bid) if bid else None
    return render_template(
        "bids/form.html",
        tender=tender,
        bid=bid,
        current=current or {"lots": {}, "requirements": {}, "answers": {}, "attachments": []},
        form=ConfirmForm(),
        is_open=tender.accepts_bids,
        unsaved_files=unsaved_files,
    ), status


@bids_bp.get("/bids")
@allow(Role.SUPPLIER)
def index():
    bids, agreements = services.bids_and_agreements(db.session, current_user)
    return render_template(
        "bids/index.html",
        bids=bids,
        agreements=agreements,
        outcomes=services.outcomes(db.session, bids),
        now=clock.now(),
    )


@bids_bp.get("/bids/<int:bid_id>")
@allow(Role.SUPPLIER)
def detail(bid_id: int):
    bid = load_visible(Bid, bid_id)
    content = services.read_for_supplier(current_user, bid, bid.latest) if bid.latest else None
    return render_template(
        "bids/detail.html",
        bid=bid,
        content=content,
        confirm=ConfirmForm(),
        is_open=bid.tender.accepts_bids,
        # The award letter exists once the award is decided (the letters are out).
        has_letter=AWARD_DECIDED.holds(current_user, bid.tender),
    )


def _version(bid: Bid, number: int) -> BidVersion:
    version = next((v for v in bid.versions if v.number == number), None)
    if version is None:
        abort(404)
    return version


@bids_bp.get("/bids/<int:bid_id>/versions/<int:number>/receipt")
@allow(Role.SUPPLIER)
def receipt(bid_id: int, number: int):
    bid = load_visible(Bid, bid_id)
    return render_template("bids/receipt.html", bid=bid, version=_version(bid, number))


@bids_bp.get("/bids/<int:bid_id>/versions/<int:number>/receipt.pdf")
@allow(Role.SUPPLIER)
def receipt_pdf(bid_id: int, number: int):
    bid = load_visible(Bid, bid_id)
    version = _version(bid, number)
    pdf = render_pdf("bids/pdf/receipt.html", bid=bid, version=version, printed_at=clock.now())
    name = f"kvittering-{bid.tender.reference}-{number}.pdf"
    return pdf_response(pdf, name)


@bids_bp.get("/bids/<int:bid_id>/versions/<int:number>/attachments/<sha256>")
@allow(Role.SUPPLIER)
def attachment(bid_id: int, number: int, sha256: str):
    bid = load_visible(Bid, bid_id)
    content = services.read_for_supplier(current_user, bid, _version(bid, number))
    found = next((a for a in content["attachments"] if a["sha256"] == sha256), None)
    if found is None:
        abort(404)
    return download_bytes(base64.b64decode(found["data"]), found["name"], found["content_type"])


@bids_bp.route("/bids/<int:bid_id>/withdraw", methods=["GET", "POST"])
@allow(Role.SUPPLIER)
def withdraw(bid_id: int):
    bid = load_visible(Bid, bid_id)
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        return run_step(
            lambda: services.withdraw(db.session, current_user, bid),
            done=_("The bid is withdrawn. You can submit a new one until the deadline."),
            refused=lambda: redirect(url_for("bids.detail", bid_id=bid_id)),
            then=url_for("bids.detail", bid_id=bid_id),
        )
    return render_template(
        "bids/withdraw.html", bid=bid, form=form, is_open=bid.tender.accepts_bids
    )


@bids_bp.get("/manage/tenders/<int:tender_id>/bids")
@allow(Role.REGION_STAFF, Role.REGIONAL_DIRECTOR)
def received(tender_id: int):
    """Before the deadline: sealed, not even a count. After it, to the owning region only: who
    bid, when, and the fingerprint; the content waits for the opening."""
    tender = load_visible(Tender, tender_id)
    if tender.region_id != current_user.organisation_id:
        refuse(404, tender)
    found = services.received_bids(db.session, tender)
    return render_template(
        "bids/received.html", tender=tender, sealed=found.sealed, bids=found.bids
    )


def _letter(bid_id: int):
    """The bid and its award letter (None, with the reason, before the award decision)."""
    bid = load_visible(Bid, bid_id)
    try:
        return bid, letter_for(db.session, current_user, bid), ""
    except DomainError as err:
        return bid, None, str(err)


@bids_bp.get("/bids/<int:bid_id>/letter")
@allow(Role.SUPPLIER)
def letter(bid_id: int):
    """The award letter: own scores and rank, the winners and their advantages, the standstill."""
    bid, found, why_not = _letter(bid_id)
    if found is None:
        flash(why_not, "info")
        return redirect(url_for("bids.detail", bid_id=bid_id))
    return render_template("bids/letter.html", bid=bid, letter=found)


@bids_bp.get("/bids/<int:bid_id>/letter.pdf")
@allow(Role.SUPPLIER)
def letter_pdf(bid_id: int):
    bid, found, _why_not = _letter(bid_id)
    if found is None:
        abort(404)
    pdf = render_pdf("bids/pdf/letter.html", bid=bid, letter=found, printed_at=clock.now())
    name = f"tildelingsbrev-{bid.tender.reference}.pdf"
    return pdf_response(pdf, name)
