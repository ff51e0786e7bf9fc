"""Start pages, language switch, health check."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import text

from app.api.tokens import may_manage_any
from app.auth.access import logged_in, public
from app.auth.roles import Role
from app.auth.views import safe_next
from app.bids.services import drafts_due
from app.calloffs.services import awaiting
from app.core.i18n import LANGUAGE_COOKIE, ngettext
from app.db import db
from app.exemptions.services import awaiting_decision
from app.followup.reactions import awaiting_cases
from app.knowledge.services import unanswered
from app.minicompetitions.services import awaiting_evaluation, awaiting_response
from app.purchases.services import breaches_to_explain, open_breaches
from app.tenders.queries import waiting_for

main_bp = Blueprint("main", __name__)

ONE_YEAR = 365 * 24 * 3600


@main_bp.get("/")
@public
def index():
    if current_user.is_authenticated:
        return redirect(url_for("main.start"))
    return redirect(url_for("auth.login"))


@dataclass(frozen=True)
class Waiting:
    """One line of the start page's "Waiting for you": what, and where it is done."""

    text: str
    link: str
    kind: str


def _orders_waiting(count: int) -> list[Waiting]:
    if not count:
        return []
    if current_user.role == Role.SUPPLIER:
        text = ngettext(
            "%(num)d new order awaits your answer", "%(num)d new orders await your answer", count
        )
        return [Waiting(text, url_for("calloffs.index", state="placed"), "orders")]
    text = ngettext(
        "%(num)d invoice awaits your approval", "%(num)d invoices await your approval", count
    )
    return [Waiting(text, url_for("calloffs.index", state="invoiced"), "invoices")]


#: More tenders than this waiting for the same step are one counted line, not one each.
TENDERS_ONE_BY_ONE = 3


def _tender_steps(items) -> list[Waiting]:
    """Each waiting tender step on its own line, linked to where it is taken; a step waiting
    on many tenders counted once, linked to the tender list, which names them all."""
    by_step: dict[str, list] = {}
    for item in items:
        by_step.setdefault(str(item.what), []).append(item)
    found = []
    for what, same in by_step.items():
        if len(same) > TENDERS_ONE_BY_ONE:
            text = ngettext(
                "%(num)d tender: %(what)s", "%(num)d tenders: %(what)s", len(same), what=what
            )
            found.append(Waiting(text, url_for("tenders.manage_index"), "tenders"))
            continue
        found += [
            Waiting(
                f"{item.tender.reference} {item.tender.title}: {item.what}",
                url_for(item.endpoint, tender_id=item.tender.id),
                "tender",
            )
            for item in same
        ]
    return found


def _supplier_waiting() -> list[Waiting]:
    """A supplier's drafts not yet submitted and invitations not yet answered, before their
    deadlines."""
    found = []
    drafts = drafts_due(db.session, current_user)
    if drafts:
        text = ngettext(
            "%(num)d draft bid is not submitted yet: submit it before the deadline",
            "%(num)d draft bids are not submitted yet: submit them before the deadline",
            drafts,
        )
        found.append(Waiting(text, url_for("bids.index"), "drafts"))
    invitations = awaiting_response(db.session, current_user)
    if invitations:
        text = ngettext(
            "%(num)d invitation to a mini-competition awaits your response",
            "%(num)d invitations to mini-competitions await your response",
            invitations,
        )
        found.append(Waiting(text, url_for("minicompetitions.index"), "invitations"))
    return found


def _waiting(orders: int, exemptions: int, cases: int) -> list[Waiting]:
    """Everything that waits for the user, each kind counted by its domain in SQL, each with
    a link to where it is done."""
    session, user = db.session, current_user
    found = _tender_steps(waiting_for(session, user))
    found += _orders_waiting(orders)
    found += _supplier_waiting() if user.role == Role.SUPPLIER else []
    to_evaluate = awaiting_evaluation(session, user)
    if to_evaluate:
        text = ngettext(
            "%(num)d mini-competition is past its deadline: score the responses and award it",
            "%(num)d mini-competitions are past their deadline: score the responses and award them",
            to_evaluate,
        )
        found.append(Waiting(text, url_for("minicompetitions.index"), "competitions"))
    if exemptions:
        text = ngettext(
            "%(num)d exemption request awaits your decision",
            "%(num)d exemption requests await your decision",
            exemptions,
        )
        found.append(Waiting(text, url_for("exemptions.index", state="requested"), "exemptions"))
    if user.role == Role.REGION_STAFF:
        breaches = open_breaches(session, user)
        if breaches:
            text = ngettext(
                "%(num)d breach of the purchase obligation awaits your follow-up",
                "%(num)d breaches of the purchase obligation await your follow-up",
                breaches,
            )
            found.append(Waiting(text, url_for("purchases.breaches"), "breaches"))
    unexplained = breaches_to_explain(session, user)
    if unexplained:
        text = ngettext(
            "%(num)d breach of the purchase obligation awaits your reason",
            "%(num)d breaches of the purchase obligation await your reason",
            unexplained,
        )
        found.append(Waiting(text, url_for("purchases.index", reason="missing"), "explain"))
    for entry in unanswered(session, user):
        text = ngettext(
            "%(num)d request for specialist knowledge awaits your answer: %(area)s",
            "%(num)d requests for specialist knowledge await your answer: %(area)s",
            entry.count,
            area=entry.area,
        )
        found.append(
            Waiting(text, url_for("knowledge.entry", entry_id=entry.entry_id), "knowledge")
        )
    if cases:
        text = ngettext("%(num)d case awaits you", "%(num)d cases await you", cases)
        found.append(Waiting(text, url_for("followup.cases"), "cases"))
    return found


@main_bp.get("/start")
@logged_in
def start():
    orders = awaiting(db.session, current_user)
    exemptions = awaiting_decision(db.session, current_user)
    cases = awaiting_cases(db.session, current_user)
    return render_template(
        f"main/start_{current_user.role.value}.html",
        awaiting=orders,
        exemptions_waiting=exemptions,
        cases_waiting=cases,
        waiting=_waiting(orders, exemptions, cases),
        manages_api_tokens=may_manage_any(current_user),
    )


@main_bp.get("/language/<code>")
@public
def language(code: str):
    """Switch the interface language; a preference, so a plain link does it."""
    target = safe_next(request.args.get("next")) or url_for("main.index")
    response = redirect(target)
    if code in current_app.config["LANGUAGES"]:
        session[LANGUAGE_COOKIE] = code
        response.set_cookie(
            LANGUAGE_COOKIE,
            code,
            max_age=ONE_YEAR,
            httponly=True,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
    return response


@main_bp.get("/health")
@public
def health():
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}
