"""Mini-competition pages: a jobcentre starts one on a lot (or the region, for several of its
jobcentres), the invited suppliers respond (sealed), the organiser scores the opened responses
and awards the best (an order, or one per jobcentre)."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user

from app import clock
from app.auth.access import allow, load_visible, refuse
from app.auth.roles import JOBCENTRE_ROLES, Role
from app.calloffs import services as calloffs
from app.core.errors import DomainError
from app.core.i18n import lazy_gettext as _l
from app.db import db
from app.minicompetitions import services
from app.minicompetitions.forms import need_form, response_form, score_form
from app.minicompetitions.models import CompetitionStep, MiniCompetition
from app.tenders.models import Lot
from app.web.forms import ConfirmForm, ReasonForm
from app.web.steps import run_step

minicompetitions_bp = Blueprint("minicompetitions", __name__)

READERS = (*JOBCENTRE_ROLES, Role.SUPPLIER, Role.REGION_STAFF, Role.REGIONAL_DIRECTOR, Role.ADMIN)
#: Who evaluates, awards and cancels: the jobcentre, or the region's staff for its own.
ORGANISERS = (*JOBCENTRE_ROLES, Role.REGION_STAFF)


# --- starting one -----------------------------------------------------------------------------


def _offer(lot_id: int) -> calloffs.LotOffer:
    lot = db.session.get(Lot, lot_id)
    if lot is None:
        abort(404)
    try:
        return calloffs.offer_for(db.session, current_user.organisation, lot)
    except DomainError:
        refuse(404, lot)
        raise


def _need_form(offer: calloffs.LotOffer, jobcentres=None):
    """The need form, its deadline and start the earliest the lot allows; with the region's
    `jobcentres`, a quantity for each instead of one."""
    form = need_form(offer.lot.tender.criteria, jobcentres)
    if request.method == "GET":
        earliest = clock.local_date(services.earliest_deadline(offer.lot, clock.now()))
        form.deadline_date.data = earliest
        form.starts_on.data = earliest
    return form


def _new_page(offer, form, status: int = 200, confirming: bool = False, jobcentres=None):
    lot_id = offer.lot.id
    return (
        render_template(
            "minicompetitions/new.html",
            offer=offer,
            form=form,
            criteria=offer.lot.tender.criteria,
            confirming=confirming,
            jobcentres=jobcentres,
            start_again=url_for(
                "minicompetitions.new_for_jobcentres" if jobcentres else "minicompetitions.new",
                lot_id=lot_id,
            ),
            way_back=url_for("minicompetitions.index")
            if jobcentres
            else url_for("calloffs.frameworks"),
        ),
        status,
    )


@minicompetitions_bp.get("/frameworks/lots/<int:lot_id>/mini-competition")
@allow(*JOBCENTRE_ROLES)
def new(lot_id: int):
    offer = _offer(lot_id)
    return _new_page(offer, _need_form(offer))


@minicompetitions_bp.post("/frameworks/lots/<int:lot_id>/mini-competition")
@allow(*JOBCENTRE_ROLES)
def create(lot_id: int):
    """Sent once, the need is shown for confirmation; sent confirmed, it is started."""
    offer = _offer(lot_id)
    form = _need_form(offer)
    if not form.validate_on_submit():
        return _new_page(offer, form, 422)
    need = form.need_input(offer.lot.tender.criteria)
    if form.confirmed.data != "yes":
        return _new_page(offer, form, confirming=True)
    return run_step(
        lambda: services.start(db.session, current_user, offer.lot, need),
        done=_l("The mini-competition is started and the suppliers are invited."),
        refused=lambda: _new_page(_offer(lot_id), form, 409),
        then=lambda competition: url_for("minicompetitions.detail", competition_id=competition.id),
    )


# --- the region starting one for several of its jobcentres ------------------------------------


def _region_offer(lot_id: int):
    """The lot as the region sees it for its jobcentres, and those jobcentres; 404 when the
    lot is not one the region can put to competition."""
    lot = db.session.get(Lot, lot_id)
    if lot is None:
        abort(404)
    region = current_user.organisation
    if lot not in services.lots_for_region(db.session, region):
        refuse(404, lot)
    jobcentres = services.jobcentres_for(db.session, region, lot)
    if not jobcentres:
        abort(404)
    return calloffs.offer_for(db.session, jobcentres[0], lot), jobcentres


def _region_page_again(lot_id: int, form):
    offer, jobcentres = _region_offer(lot_id)
    return _new_page(offer, form, 409, jobcentres=jobcentres)


@minicompetitions_bp.get("/mini-competitions/lots/<int:lot_id>/for-jobcentres")
@allow(Role.REGION_STAFF)
def new_for_jobcentres(lot_id: int):
    offer, jobcentres = _region_offer(lot_id)
    return _new_page(offer, _need_form(offer, jobcentres), jobcentres=jobcentres)


@minicompetitions_bp.post("/mini-competitions/lots/<int:lot_id>/for-jobcentres")
@allow(Role.REGION_STAFF)
def create_for_jobcentres(lot_id: int):
    """As a jobcentre's, but with a quantity (and case reference) per jobcentre taking part."""
    offer, jobcentres = _region_offer(lot_id)
    form = _need_form(offer, jobcentres)
    if not form.validate_on_submit():
        return _new_page(offer, form, 422, jobcentres=jobcentres)
    need = form.need_input(offer.lot.tender.criteria)
    shares = form.share_inputs(jobcentres)
    if form.confirmed.data != "yes":
        return _new_page(offer, form, confirming=True, jobcentres=jobcentres)
    return run_step(
        lambda: services.start_for_jobcentres(db.session, current_user, offer.lot, need, shares),
        done=_l(
            "The mini-competition is started, the suppliers are invited and the jobcentres told."
        ),
        refused=lambda: _region_page_again(lot_id, form),
        then=lambda competition: url_for("minicompetitions.detail", competition_id=competition.id),
    )


# --- the competition --------------------------------------------------------------------------


@minicompetitions_bp.get("/mini-competitions")
@allow(*JOBCENTRE_ROLES, Role.SUPPLIER, Role.REGION_STAFF, Role.REGIONAL_DIRECTOR)
def index():
    region_lots = (
        services.lots_for_region(db.session, current_user.organisation)
        if current_user.role == Role.REGION_STAFF
        else []
    )
    return render_template(
        "minicompetitions/index.html",
        competitions=services.competitions_for(db.session, current_user),
        region_lots=region_lots,
    )


def _competition(competition_id: int) -> MiniCompetition:
    return load_visible(MiniCompetition, competition_id)


def _organised(competition_id: int) -> MiniCompetition:
    """The competition, for its organiser only: the others who read it get 403 here."""
    competition = _competition(competition_id)
    if not services.is_organiser_of(current_user, competition):
        refuse(403, competition)
    return competition


def _detail_page(competition: MiniCompetition, status: int = 200, form=None):
    own = services.own_response(db.session, current_user, competition)
    own_content = services.read_for_supplier(current_user, own) if own and own.latest else None
    steps = services.next_steps(current_user, competition)
    if form is None and CompetitionStep.RESPOND in steps:
        form = _response_form(competition, own_content)
    return (
        render_template(
            "minicompetitions/detail.html",
            competition=competition,
            steps=steps,
            Step=CompetitionStep,
            own=own,
            own_content=own_content,
            own_price=Decimal(own_content["price"]) if own_content else None,
            invitation=services.invitation_for(current_user, competition),
            form=form,
            quality=services.weighted_quality(competition),
            confirm=ConfirmForm(),
            is_organiser=services.is_organiser_of(current_user, competition),
            sees_invitations=current_user.role != Role.SUPPLIER,
            orders=[o for o in competition.orders if o.is_visible_to(current_user)],
        ),
        status,
    )


def _response_form(competition: MiniCompetition, content: dict | None = None):
    quality = services.weighted_quality(competition)
    form = response_form(quality)
    if request.method == "GET" and content:
        form.unit_price.data = Decimal(content["price"])
        for criterion in quality:
            form[f"answer_{criterion.id}"].data = content["answers"].get(str(criterion.id), "")
    return form


@minicompetitions_bp.get("/mini-competitions/<int:competition_id>")
@allow(*READERS)
def detail(competition_id: int):
    return _detail_page(_competition(competition_id))


@minicompetitions_bp.post("/mini-competitions/<int:competition_id>/response")
@allow(Role.SUPPLIER)
def respond(competition_id: int):
    competition = _competition(competition_id)
    form = _response_form(competition)
    if not form.validate_on_submit():
        return _detail_page(competition, 422, form)
    content = form.response_input(services.weighted_quality(competition))
    return run_step(
        lambda: services.submit_response(db.session, current_user, competition, content),
        done=_l("Your response is received and sealed until the deadline."),
        refused=lambda: _detail_page(_competition(competition_id), 409, form),
        then=url_for("minicompetitions.detail", competition_id=competition_id),
    )


@minicompetitions_bp.post("/mini-competitions/<int:competition_id>/withdraw")
@allow(Role.SUPPLIER)
def withdraw(competition_id: int):
    competition = _competition(competition_id)
    if not ConfirmForm().validate_on_submit():
        return _detail_page(competition, 422)
    return run_step(
        lambda: services.withdraw_response(db.session, current_user, competition),
        done=_l("Your response is withdrawn."),
        refused=lambda: _detail_page(_competition(competition_id), 409),
        then=url_for("minicompetitions.detail", competition_id=competition_id),
    )


# --- evaluation and award ---------------------------------------------------------------------


def _evaluation_page(competition: MiniCompetition, form=None, status: int = 200):
    try:
        opened = services.opened_responses(db.session, current_user, competition)
    except DomainError as err:
        return render_template(
            "minicompetitions/sealed.html", competition=competition, message=str(err)
        ), 409
    quality = services.weighted_quality(competition)
    counting = [o.response for o in opened if o.counts]
    if form is None:
        form = score_form(counting, quality)
    return (
        render_template(
            "minicompetitions/evaluate.html",
            competition=competition,
            opened=opened,
            quality=quality,
            form=form,
            steps=services.next_steps(current_user, competition),
            Step=CompetitionStep,
        ),
        status,
    )


@minicompetitions_bp.get("/mini-competitions/<int:competition_id>/evaluate")
@allow(*ORGANISERS)
def evaluate(competition_id: int):
    return _evaluation_page(_organised(competition_id))


@minicompetitions_bp.post("/mini-competitions/<int:competition_id>/evaluate")
@allow(*ORGANISERS)
def score(competition_id: int):
    competition = _organised(competition_id)
    try:
        opened = services.opened_responses(db.session, current_user, competition)
    except DomainError:
        return _evaluation_page(competition)
    quality = services.weighted_quality(competition)
    counting = [o.response for o in opened if o.counts]
    form = score_form(counting, quality)
    if not form.validate_on_submit():
        return _evaluation_page(competition, form, 422)
    scores = form.scores(counting, quality)
    return run_step(
        lambda: services.score(db.session, current_user, competition, scores),
        done=_l("The scores are saved and the responses ranked."),
        refused=lambda: _evaluation_page(_organised(competition_id), form, 409),
        then=url_for("minicompetitions.evaluate", competition_id=competition_id),
    )


def _award_page(competition: MiniCompetition, status: int = 200):
    try:
        opened = services.opened_responses(db.session, current_user, competition)
    except DomainError as err:
        return render_template(
            "minicompetitions/sealed.html", competition=competition, message=str(err)
        ), 409
    return (
        render_template(
            "minicompetitions/award.html",
            competition=competition,
            ranked=services.ranked(opened),
            confirm=ConfirmForm(),
            steps=services.next_steps(current_user, competition),
            Step=CompetitionStep,
        ),
        status,
    )


@minicompetitions_bp.get("/mini-competitions/<int:competition_id>/award")
@allow(*ORGANISERS)
def confirm_award(competition_id: int):
    return _award_page(_organised(competition_id))


@minicompetitions_bp.post("/mini-competitions/<int:competition_id>/award")
@allow(*ORGANISERS)
def award(competition_id: int):
    competition = _organised(competition_id)
    if not ConfirmForm().validate_on_submit():
        return _award_page(competition, 422)
    return run_step(
        lambda: services.award(db.session, current_user, competition),
        done=_l(
            "The mini-competition is awarded: an order for each jobcentre is placed in its name "
            "and sent to the winner."
        )
        if competition.for_several
        else _l("The mini-competition is awarded: the order is placed and sent to the winner."),
        refused=lambda: _award_page(_organised(competition_id), 409),
        then=lambda orders: _after_award(competition_id, orders),
    )


def _cancel_page(competition: MiniCompetition, form, status: int = 200):
    return (
        render_template("minicompetitions/cancel.html", competition=competition, form=form),
        status,
    )


@minicompetitions_bp.route(
    "/mini-competitions/<int:competition_id>/cancel", methods=["GET", "POST"]
)
@allow(*ORGANISERS)
def cancel(competition_id: int):
    competition = _organised(competition_id)
    form = ReasonForm()
    if request.method == "GET":
        return _cancel_page(competition, form)
    if not form.validate_on_submit():
        return _cancel_page(competition, form, 422)
    return run_step(
        lambda: services.cancel(db.session, current_user, competition, form.reason.data),
        done=_l("The mini-competition is cancelled and the suppliers are told."),
        refused=lambda: _cancel_page(_organised(competition_id), form, 409),
        then=url_for("minicompetitions.detail", competition_id=competition_id),
    )


def _after_award(competition_id: int, orders) -> str:
    """A jobcentre goes to its order; the region to the competition with all its orders."""
    if len(orders) == 1:
        return url_for("calloffs.detail", order_id=orders[0].id)
    return url_for("minicompetitions.detail", competition_id=competition_id)
