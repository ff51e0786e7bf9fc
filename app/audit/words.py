"""The audit trail in words: what each recorded action, kind of object and changed field is
called, and a change written as a person reads it (dates, amounts and states in the page's
language) instead of its stored JSON."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from app.core.i18n import format_date, format_datetime, format_money
from app.core.i18n import gettext as _
from app.core.i18n import lazy_gettext as _l
from app.core.labels import label_of_value

#: What each action is called: a short sentence in the past tense. A new action recorded
#: anywhere gets its words here (or through `register_actions`); the suite fails on one without.
ACTIONS: dict[str, object] = {
    "access.refused": _l("Access was refused"),
    "api.refused": _l("An API request was refused"),
    "password_reset.throttled": _l("Password resets were paused after too many requests"),
    "tender.deleted": _l("A draft tender was deleted"),
    "user.password_reset": _l("A password was reset by e-mail link"),
    "user.password_reset_requested": _l("A password reset link was asked for"),
    "tender.updated": _l("A tender was changed"),
    "tender.document_added": _l("A document was added to a tender"),
    "tender.document_removed": _l("A document was removed from a tender"),
    "award.sent_back": _l("An award was sent back"),
    "award.withdrawn": _l("A proposed award was withdrawn"),
    "exemption.withdrawn": _l("An exemption request was withdrawn"),
    "tender.director_declined": _l("A regional director declined a tender"),
    "minicompetition.started": _l("A mini-competition was started"),
    "minicompetition.cancelled": _l("A mini-competition was cancelled"),
    "minicompetition.opened": _l("A mini-competition's responses were opened"),
    "minicompetition.scored": _l("A response was scored"),
    "minicompetition.awarded": _l("A mini-competition was awarded"),
    "api_token.issued": _l("An API key was issued"),
    "api_token.revoked": _l("An API key was revoked"),
    "award.proposed": _l("An award was proposed"),
    "award.approved": _l("An award was approved"),
    "award.concluded": _l("The framework agreements were concluded"),
    "agreement.suspend": _l("A supplier's agreement was suspended"),
    "agreement.lift": _l("A suspension was lifted"),
    "agreement.terminate": _l("A supplier's agreement was terminated"),
    "bid.draft_saved": _l("A bid draft was saved"),
    "bid.submitted": _l("A bid was submitted"),
    "bid.withdrawn": _l("A bid was withdrawn"),
    "calloff.placed": _l("An order was placed"),
    "calloff.accepted": _l("An order was accepted"),
    "calloff.declined": _l("An order was declined"),
    "calloff.delivered": _l("An order was marked delivered"),
    "calloff.invoiced": _l("An order was invoiced"),
    "calloff.invoice_rejected": _l("An invoice was rejected"),
    "calloff.paid": _l("An invoice was approved for payment"),
    "calloff.cancelled": _l("An order was cancelled"),
    "complaint.registered": _l("A complaint was registered"),
    "complaint.suspension_decided": _l("The board's decision on suspensive effect was recorded"),
    "complaint.ruled": _l("The board's ruling was recorded"),
    "council.meeting_added": _l("A council meeting was added"),
    "council.document_added": _l("A meeting document was added"),
    "council.decision_added": _l("A council decision was added"),
    "council.contract_added": _l("An annual contract was added"),
    "evaluation.no_conflict_declared": _l("No conflict of interest was declared"),
    "evaluation.scored": _l("A bid was scored"),
    "evaluation.bid_rejected": _l("A bid was rejected"),
    "exemption.requested": _l("An exemption was requested"),
    "exemption.approved": _l("An exemption was granted"),
    "exemption.refused": _l("An exemption was refused"),
    "grant.registered": _l("A grant was registered"),
    "grant.applied": _l("A grant was applied for"),
    "grant.allocated": _l("Grant money was allocated"),
    "grant.refused": _l("A grant application was refused"),
    "grant.spend_reported": _l("Spending of grant money was reported"),
    "grant.closed": _l("A grant project was closed"),
    "knowledge.entry_added": _l("An entry was added to the knowledge directory"),
    "knowledge.published": _l("The knowledge directory was published"),
    "knowledge.asked": _l("Specialist knowledge was asked for"),
    "knowledge.answered": _l("A knowledge request was answered"),
    "login.succeeded": _l("Logged in"),
    "login.failed": _l("A login failed"),
    "login.refused": _l("A login was refused"),
    "login.throttled": _l("Logins were paused after too many failures"),
    "municipality.cvr_set": _l("A municipality's CVR number was set"),
    "nemlogin.signed_in": _l("Signed in with MitID Erhverv"),
    "nemlogin.linked": _l("A MitID Erhverv identity was linked to a user"),
    "nemlogin.joined": _l("A person joined through MitID Erhverv"),
    "nemlogin.may_register": _l("A MitID Erhverv user may register the company"),
    "nemlogin.waiting_for_role": _l("A MitID Erhverv user waits for a role"),
    "nemlogin.role_granted": _l("A role was given to a MitID Erhverv user"),
    "nemlogin.colleague_waiting": _l("A colleague waits for confirmation"),
    "nemlogin.colleague_confirmed": _l("A colleague was confirmed"),
    "nemlogin.colleague_refused": _l("A colleague was refused"),
    "nemlogin.refused": _l("A MitID Erhverv sign-in was refused"),
    "organisation.created": _l("An organisation was created"),
    "organisation.updated": _l("An organisation was changed"),
    "organisation.cvr_set": _l("An organisation's CVR number was set"),
    "outcome.recorded": _l("An outcome was recorded"),
    "outcomes.imported": _l("Outcomes were imported"),
    "outcomes.threshold_set": _l("The threshold for effects was set"),
    "purchase.registered": _l("A purchase outside the platform was registered"),
    "purchase.breach_reason": _l("A breach was explained"),
    "purchase.followed_up": _l("A breach was followed up"),
    "purchase.reclassified": _l("A purchase was classified anew"),
    "purchases.imported": _l("A ledger was imported"),
    "reaction.opened": _l("A follow-up case was opened"),
    "reaction.agreement_written": _l("An improvement agreement was written"),
    "reaction.signed": _l("An improvement agreement was signed"),
    "reaction.council_decision_linked": _l("A council decision was linked to a follow-up case"),
    "reaction.recommendation_written": _l("A recommendation was written"),
    "reaction.volumes_reported": _l("Volumes were reported"),
    "results.imported": _l("Results were imported"),
    "results.threshold_set": _l("A result threshold was set"),
    "supplier.registered": _l("A supplier registered"),
    "supplier.activated": _l("A supplier was confirmed"),
    "supplier.profile_updated": _l("A supplier's profile was changed"),
    "supplier.document_added": _l("A supplier's document was added"),
    "supplier.colleague_invited": _l("A supplier's colleague was invited"),
    "supplier.invitation_accepted": _l("An invitation was accepted"),
    "supplier.suspended": _l("A supplier was suspended from the platform"),
    "supplier.reinstated": _l("A supplier was reinstated"),
    "target_group.created": _l("A target group was created"),
    "target_group.updated": _l("A target group was changed"),
    "tender.created": _l("A tender was created"),
    "tender.council_involved": _l("The council was involved in a tender"),
    "tender.council_decision_linked": _l("A council decision was linked to a tender"),
    "tender.director_agreed": _l("A regional director agreed to a tender"),
    "tender.integration_agreed": _l("The Ministry of Integration agreed to a tender"),
    "tender.submitted": _l("A tender was submitted for approval"),
    "tender.approved": _l("A tender was approved"),
    "tender.returned": _l("A tender was sent back"),
    "tender.published": _l("A tender was published"),
    "tender.amended": _l("A tender was amended"),
    "tender.deadline_extended": _l("A bid deadline was moved"),
    "tender.question_asked": _l("A question was asked about a tender"),
    "tender.question_answered": _l("A question was answered"),
    "tender.bids_opened": _l("The bids were opened"),
    "tender.flagged_bid_decided": _l("A flagged bid was decided on"),
    "tender.cancelled": _l("A tender was cancelled"),
    "tender.extended": _l("A framework's agreement period was extended"),
    "tender.prices_regulated": _l("A framework's prices were regulated"),
    "user.created": _l("A user was created"),
    "user.updated": _l("A user was changed"),
    "user.deactivated": _l("A user was deactivated"),
    "user.reactivated": _l("A user was reactivated"),
    "user.email_confirmed": _l("An e-mail address was confirmed"),
    "user.password_changed": _l("A password was changed"),
    "user.password_set": _l("A password was set"),
    "user.logged_out": _l("Logged out"),
}

#: What the kinds of object (their table) are called.
OBJECTS: dict[str, object] = {
    "tenders": _l("Tender"),
    "lots": _l("Lot"),
    "bids": _l("Bid"),
    "call_offs": _l("Call-off order"),
    "agreements": _l("Agreement"),
    "organisations": _l("Organisation"),
    "users": _l("User"),
    "council_decisions": _l("Council decision"),
    "council_meetings": _l("Council meeting"),
    "councils": _l("Council"),
    "annual_contracts": _l("Annual contract"),
    "grants": _l("Grant"),
    "grant_projects": _l("Grant project"),
    "reactions": _l("Follow-up case"),
    "specialist_entries": _l("Knowledge entry"),
    "specialist_directories": _l("Knowledge directory"),
    "knowledge_requests": _l("Knowledge request"),
    "exemptions": _l("Exemption"),
    "outside_purchases": _l("Outside purchase"),
    "result_thresholds": _l("Result threshold"),
    "result_imports": _l("Result import"),
    "outcome_imports": _l("Outcome import"),
    "mini_competitions": _l("Mini-competition"),
    "purchase_imports": _l("Ledger import"),
    "target_groups": _l("Target group"),
    "suppliers": _l("Supplier"),
    "tender_questions": _l("Question"),
    "api_tokens": _l("API key"),
    "complaints": _l("Complaint"),
    "municipalities": _l("Municipality"),
    "supplier_documents": _l("Supplier document"),
    "meeting_documents": _l("Meeting document"),
    "stored_files": _l("File"),
    "agreement_events": _l("Agreement decision"),
    "tender_extensions": _l("Extension"),
    "price_regulations": _l("Price regulation"),
}

#: What each changed field is called.
FIELDS: dict[str, object] = {
    "added": _l("added"),
    "ended_on": _l("ended on"),
    "started": _l("started"),
    "completed": _l("completed"),
    "in_work_13": _l("in work 13 weeks after"),
    "in_work_26": _l("in work 26 weeks after"),
    "persons": _l("persons"),
    "order": _l("order"),
    "orders": _l("orders"),
    "shares": _l("the jobcentres' shares"),
    "invited": _l("invited"),
    "responses": _l("responses"),
    "versions": _l("versions"),
    "weights": _l("weights"),
    "winner": _l("winner"),
    "scores": _l("scores"),
    "price": _l("price"),
    "after": _l("after"),
    "agreement": _l("agreement"),
    "agreement_end": _l("agreement period ends"),
    "agreements": _l("agreements"),
    "amount": _l("amount"),
    "answer": _l("answer"),
    "applies_from": _l("applies from"),
    "area": _l("area"),
    "before": _l("before"),
    "bid_id": _l("bid"),
    "bids": _l("bids"),
    "call_off_payments": _l("payments"),
    "capped": _l("capped"),
    "case_number": _l("case number"),
    "change": _l("change"),
    "classification": _l("classification"),
    "complainant": _l("complainant"),
    "complaint_id": _l("complaint"),
    "concerns": _l("concerns"),
    "criteria": _l("criteria"),
    "criterion": _l("criterion"),
    "cvr": _l("CVR"),
    "deadline": _l("deadline"),
    "decided_on": _l("decided on"),
    "decision_id": _l("decision"),
    "email": _l("e-mail"),
    "endpoint": _l("page"),
    "entry": _l("entry"),
    "expires_at": _l("expires"),
    "file": _l("file"),
    "fingerprint": _l("fingerprint"),
    "follow_up": _l("follow-up"),
    "from": _l("from"),
    "grant": _l("grant"),
    "ground": _l("ground"),
    "held_on": _l("held on"),
    "holds_conclusion": _l("holds the conclusion"),
    "improve_by": _l("improve by"),
    "in_standstill": _l("within the standstill period"),
    "index": _l("index"),
    "indicator": _l("indicator"),
    "integration": _l("the Ministry of Integration"),
    "invoice": _l("invoice"),
    "jobcentre": _l("jobcentre"),
    "kind": _l("kind"),
    "lines": _l("lines"),
    "lot": _l("lot"),
    "lots": _l("lots"),
    "minimum_share": _l("minimum share"),
    "municipalities": _l("municipalities"),
    "name": _l("name"),
    "needs": _l("needs"),
    "number": _l("number"),
    "option": _l("option"),
    "organisation_id": _l("organisation"),
    "parts": _l("parts"),
    "path": _l("path"),
    "period": _l("period"),
    "quantity": _l("quantity"),
    "reason": _l("reason"),
    "reasons": _l("reasons"),
    "received_on": _l("received on"),
    "reference": _l("reference"),
    "region_id": _l("region"),
    "released": _l("released"),
    "replaced": _l("replaced"),
    "requested": _l("applied for"),
    "role": _l("role"),
    "scope": _l("scope"),
    "scopes": _l("access"),
    "score": _l("score"),
    "spent_on": _l("spent on"),
    "standstill_ends_on": _l("standstill ends"),
    "state": _l("status"),
    "supplier_cvr": _l("supplier's CVR"),
    "tender": _l("tender"),
    "tender_id": _l("tender"),
    "text": _l("text"),
    "title": _l("title"),
    "total": _l("total"),
    "unit_price": _l("unit price"),
    "version": _l("version"),
    "winners": _l("winners"),
    "year": _l("year"),
    "received_at": _l("received"),
    "old": _l("before"),
    "new": _l("after"),
    "method": _l("method"),
    "supplier": _l("supplier"),
    "w": _l("writer"),
    "i": _l("number"),
}

#: Fields that hold an amount in kroner (stored as its decimal text).
MONEY = frozenset(
    {"amount", "total", "unit_price", "released", "requested", "price", "old_price", "new_price"}
)
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}$")
_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def register_actions(words: Mapping[str, object]) -> None:
    """A domain whose action names are made from its own steps gives their words here."""
    ACTIONS.update(words)


def action_text(action: str) -> str:
    return str(ACTIONS.get(action, action))


def object_text(object_type: str | None, object_id: int | None) -> str:
    if not object_type:
        return ""
    name = OBJECTS.get(object_type)
    return f"{name if name is not None else object_type} {object_id or ''}".strip()


#: Fields a person does not need: the refused page's internal name (its address is shown).
_UNSHOWN = frozenset({"endpoint"})


def changes_text(changes, object_type: str | None = None) -> str:
    """The stored changes as one line: "status: Afgivet → Accepteret · antal: 2"; states and
    kinds are named as the object's own enum names them."""
    if changes is None:
        return ""
    if not isinstance(changes, dict):
        return _value(None, changes, object_type or "")
    return " · ".join(
        f"{_field(key)}: {_value(key, value, object_type or '')}"
        for key, value in changes.items()
        if key not in _UNSHOWN
    )


def _field(key: str) -> str:
    name = FIELDS.get(key)
    return str(name) if name is not None else key


def _value(key: str | None, value, hint: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dict):
        return ", ".join(f"{_field(k)} {_value(k, v, hint)}" for k, v in value.items())
    if isinstance(value, list):
        if len(value) == 2 and key == "period":
            return f"{_value(key, value[0], hint)} – {_value(key, value[1], hint)}"
        if len(value) == 2 and key in _PAIRS and not isinstance(value[0], list | dict):
            return f"{_value(key, value[0], hint)} → {_value(key, value[1], hint)}"
        return "; ".join(_value(key, v, hint) for v in value) if value else "–"
    if isinstance(value, str):
        return _text(key, value, hint)
    return str(value)


#: Fields whose two values are the value before and after.
_PAIRS = frozenset({"state", "follow_up", "index", "agreement_end", "deadline", "before", "after"})


def _text(key: str | None, value: str, hint: str = "") -> str:
    if key in MONEY:
        try:
            return format_money(Decimal(value))
        except InvalidOperation:
            return value
    if _MOMENT.match(value):
        try:
            return format_datetime(datetime.fromisoformat(value))
        except ValueError:
            return value
    if _DAY.match(value):
        try:
            return format_date(date.fromisoformat(value))
        except ValueError:
            return value
    label = label_of_value(value, hint)
    return str(label) if label is not None else value
