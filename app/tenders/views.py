"""Tender pages: the public listing and notice, and the region's and approvers' work pages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy.orm import Session

from app import clock
from app.agreements.services import agreements_of, extensions_of, may_extend, may_regulate
from app.auth.access import allow, load_visible, public, record_refusal
from app.auth.roles import Role
from app.bids import services as bids
from app.clock import COPENHAGEN
from app.complaints.services import complaints_of
from app.core.errors import DomainError
from app.core.i18n import gettext as _
from app.core.i18n import lazy_gettext as _l
from app.councils.models import CouncilDecision
from app.db import db
from app.documents.pdf import pdf_response, render_pdf
from app.evaluation import services as evaluation
from app.files.responses import download
from app.organisations.queries import regions
from app.targetgroups.queries import target_groups
from app.tenders import lifecycle, queries, questions, services
from app.tenders.forms import (
    ClarificationForm,
    DeadlineForm,
    DecisionLinkForm,
    DocumentForm,
    TenderForm,
)
from app.tenders.lifecycle import TenderStep
from app.tenders.models import (
    ApprovalKind,
    Scope,
    Tender,
    TenderDocument,
    TenderQuestion,
    TenderState,
)
from app.web.forms import ConfirmForm, ReasonForm, posted_text
from app.web.pagination import id_arg, paginate, text_arg
from app.web.steps import Confirmation, confirm_first, run_step

tenders_bp = Blueprint("tenders", __name__)

READERS = (
    Role.REGION_STAFF,
    Role.REGIONAL_DIRECTOR,
    Role.MINISTRY,
    Role.INTEGRATION_MINISTRY,
    Role.ADMIN,
)


# --- public ---------------------------------------------------------------------------------


def _public_tender(tender_id: int) -> Tender:
    """A published tender (open or closed); anything else does not exist for the public."""
    tender = db.session.get(Tender, tender_id)
    if tender is None or not tender.is_public:
        abort(404)
    return tender


def _day_arg(name: str):
    try:
        return datetime.strptime(request.args.get(name, ""), "%Y-%m-%d").date()
    except ValueError:
        return None


@tenders_bp.get("/tenders")
@public
def public_index():
    now = clock.now()
    args = {
        key: text_arg(key)
        for key in (
            "q",
            "region",
            "target_group",
            "scope",
            "status",
            "deadline_from",
            "deadline_to",
        )
    }
    search = queries.PublicSearch(
        text=args["q"],
        region_id=id_arg("region"),
        target_group_id=id_arg("target_group"),
        scope=args["scope"],
        status=args["status"],
        deadline_from=_day_arg("deadline_from"),
        deadline_to=_day_arg("deadline_to"),
    )
    page = paginate(db.session, queries.public_search(search, now))
    return render_template(
        "tenders/public_index.html",
        page=page,
        args=args,
        regions=regions(db.session),
        groups=target_groups(db.session),
        now=now,
    )


@tenders_bp.get("/tenders/<int:tender_id>")
@public
def public_detail(tender_id: int):
    tender = _public_tender(tender_id)
    supplier_view = current_user.is_authenticated and current_user.role == Role.SUPPLIER
    return render_template(
        "tenders/public_detail.html",
        tender=tender,
        form=ConfirmForm(),
        supplier_view=supplier_view,
        following=supplier_view and questions.is_following(db.session, current_user, tender),
        own_bid=bids.own_bid(db.session, current_user, tender) if supplier_view else None,
        agreements=evaluation.agreements_of(db.session, tender),
    )


@tenders_bp.get("/tenders/<int:tender_id>/notice.pdf")
@public
def notice_pdf(tender_id: int):
    tender = _public_tender(tender_id)
    pdf = render_pdf("tenders/pdf/notice.html", tender=tender, printed_at=clock.now())
    return pdf_response(pdf, f"{tender.reference}.pdf", inline=True)


@tenders_bp.get("/tenders/<int:tender_id>/documents/<int:document_id>")
@public
def document(tender_id: int, document_id: int):
    """Public once the tender is published; before that only for those who may see it."""
    tender = db.session.get(Tender, tender_id)
    if tender is None:
        abort(404)
    if not tender.is_public:
        if not current_user.is_authenticated:
            abort(404)
        tender = load_visible(Tender, tender_id)
    stored = db.session.get(TenderDocument, document_id)
    if stored is None or stored.tender_id != tender.id:
        abort(404)
    return download(stored.file)


# --- work pages -------------------------------------------------------------------------------


@tenders_bp.get("/manage/tenders")
@allow(*READERS)
def manage_index():
    now = clock.now()
    state, query = text_arg("state"), text_arg("q")
    stmt = queries.with_details(queries.visible_tenders(current_user))
    if state in TenderState.__members__.values():
        stmt = stmt.where(Tender.in_states_at((TenderState(state),), now))
    if query:
        stmt = stmt.where(queries.text_matches(query))
    page = paginate(db.session, stmt.order_by(Tender.created_at.desc(), Tender.id.desc()))
    return render_template(
        "tenders/manage_index.html",
        page=page,
        state=state,
        query=query,
        states=TenderState,
        waiting=queries.waiting_for(db.session, current_user),
        may_create=services.may_create(current_user),
        now=now,
    )


def _needs_choices(session: Session) -> list[tuple[int, str]]:
    """Every council's needs, the user's own council first (a regional tender takes those)."""
    rows = queries.contract_needs(session, first_region_id=current_user.organisation_id)
    return [(0, "—")] + [(r.id, f"{r.name} {r.year}: {r.description}") for r in rows]


def _prepare(form: TenderForm) -> TenderForm:
    form.need_id.choices = _needs_choices(db.session)
    form.target_group_ids.choices = [
        (g.id, g.name + (" (" + _("integration effort") + ")" if g.integration_effort else ""))
        for g in target_groups(db.session, active_only=True)
    ]
    return form


def _fill(form: TenderForm, tender: Tender) -> None:
    form.process(obj=tender)
    form.target_group_ids.data = [g.id for g in tender.target_groups]
    form.need_id.data = tender.need_id or 0
    local = tender.bid_deadline.astimezone(COPENHAGEN)
    form.deadline_date.data, form.deadline_time.data = local.date(), local.time()
    form.scope.data = tender.scope.value
    for entry, lot in zip(form.lots.entries, tender.lots, strict=False):
        entry.form.process(obj=lot)
    while len(form.lots.entries) < len(tender.lots):
        form.lots.append_entry(tender.lots[len(form.lots.entries)])
    form.criteria.entries.clear()
    for criterion in tender.criteria:
        form.criteria.append_entry(criterion)
    form.requirements.entries.clear()
    for requirement in tender.requirements:
        form.requirements.append_entry(requirement.text)
    form.requirements.append_entry()


def _save(form: TenderForm, tender: Tender | None, template: str, copy_of: Tender | None = None):
    if form.is_submitted() and form.wants_another_row():
        return render_template(template, form=form, tender=tender, copy_of=copy_of)
    if form.validate_on_submit():
        try:
            if tender is None:
                tender = services.create_tender(db.session, current_user, form.content())
                message = _("The tender %(ref)s is created as a draft.", ref=tender.reference)
            else:
                services.update_tender(db.session, current_user, tender, form.content())
                message = _("The tender is saved. It is a draft again and needs new approvals.")
        except DomainError as err:
            db.session.rollback()
            flash(str(err), "error")
            return render_template(template, form=form, tender=tender, copy_of=copy_of), 409
        db.session.commit()
        flash(message, "success")
        return redirect(url_for("tenders.manage_detail", tender_id=tender.id))
    page = render_template(template, form=form, tender=tender, copy_of=copy_of)
    return page, 422 if form.errors else 200


@tenders_bp.route("/manage/tenders/new", methods=["GET", "POST"])
@allow(Role.REGION_STAFF)
def create():
    form = _prepare(TenderForm())
    if request.method == "GET":
        form.scope.data = Scope.REGIONAL.value
        form.criteria[0].form.name.data = _("Price")
        form.criteria[0].form.is_price.data = True
    return _save(form, None, "tenders/form.html")


@tenders_bp.route("/manage/tenders/<int:tender_id>/edit", methods=["GET", "POST"])
@allow(Role.REGION_STAFF)
def edit(tender_id: int):
    tender = load_visible(Tender, tender_id)
    form = _prepare(TenderForm())
    if request.method == "GET":
        _fill(form, tender)
    return _save(form, tender, "tenders/form.html")


@tenders_bp.route("/manage/tenders/<int:tender_id>/copy", methods=["GET", "POST"])
@allow(Role.REGION_STAFF)
def copy(tender_id: int):
    """The new-tender form filled in with a tender's content; saving creates a new draft."""
    original = load_visible(Tender, tender_id)
    if not services.may_copy(current_user, original):
        abort(403)
    form = _prepare(TenderForm())
    if request.method == "GET":
        _fill(form, original)
        form.title.data = _("Copy of %(title)s", title=original.title)[:200]
        if original.deadline_passed:
            form.deadline_date.data = form.deadline_time.data = None
    return _save(form, None, "tenders/form.html", copy_of=original)


@tenders_bp.route("/manage/tenders/<int:tender_id>/delete", methods=["GET", "POST"])
@allow(Role.REGION_STAFF)
def delete(tender_id: int):
    """A confirmation page, then the draft is deleted."""
    tender = load_visible(Tender, tender_id)
    form = ConfirmForm()
    if request.method == "GET" or not form.validate_on_submit():
        refusal = lifecycle.refusal(current_user, tender, TenderStep.DELETE_DRAFT)
        return render_template("tenders/delete.html", tender=tender, form=form, refusal=refusal)
    reference = tender.reference
    return run_step(
        lambda: services.delete_draft(db.session, current_user, tender),
        done=_("The draft %(ref)s is deleted.", ref=reference),
        refused=lambda: redirect(url_for("tenders.manage_detail", tender_id=tender_id)),
        then=url_for("tenders.manage_index"),
    )


@tenders_bp.get("/manage/tenders/<int:tender_id>/history")
@allow(Role.REGION_STAFF, Role.REGIONAL_DIRECTOR)
def history(tender_id: int):
    tender = load_visible(Tender, tender_id)
    if not queries.may_read_history(current_user, tender):
        abort(403)
    return render_template(
        "tenders/history.html", tender=tender, lines=queries.history(db.session, tender)
    )


def _waiting_here(tender: Tender) -> list[tuple[str, str]]:
    """What waits for the user on this tender and is not a step of this page's panel: its
    text and where it is done (the questions below, the opening, the evaluation)."""
    found = []
    for item in queries.waiting_for(db.session, current_user, tender.id):
        if item.step == TenderStep.ANSWER:
            found.append((item.what, "#questions"))
        elif item.endpoint != "tenders.manage_detail":
            found.append((item.what, url_for(item.endpoint, tender_id=tender.id)))
    return found


def _detail(tender: Tender, status: int = 200, **forms):
    steps = lifecycle.next_steps(current_user, tender)
    bid_pages = lifecycle.bid_pages(current_user, tender)
    link_form = forms.get("link_form") or DecisionLinkForm()
    if TenderStep.LINK_DECISION in steps:
        link_form.decision_id.choices = [
            (d.id, f"{d.council.name}: {d}") for d in queries.linkable_decisions(db.session, tender)
        ]
    else:
        link_form.decision_id.choices = []
    return (
        render_template(
            "tenders/manage_detail.html",
            tender=tender,
            agreements=db.session.scalars(agreements_of(tender)).all(),
            extensions=db.session.scalars(extensions_of(tender)).all(),
            may_extend=may_extend(current_user, tender),
            may_copy=services.may_copy(current_user, tender),
            may_read_history=queries.may_read_history(current_user, tender),
            may_regulate=may_regulate(current_user, tender),
            state=tender.current_state,
            steps=steps,
            waiting_here=_waiting_here(tender),
            bid_pages=bid_pages,
            complaints=complaints_of(db.session, tender) if "complaints" in bid_pages else [],
            confirm=ConfirmForm(),
            link_form=link_form,
            clarification_form=forms.get("clarification_form") or ClarificationForm(),
            deadline_form=forms.get("deadline_form") or DeadlineForm(),
            document_form=forms.get("document_form") or DocumentForm(),
            may_answer=TenderStep.ANSWER
            in lifecycle.next_steps(current_user, tender, page="questions"),
            directors_missing=services.missing_regions(db.session, tender, ApprovalKind.DIRECTOR),
            my_region_agreed=services.has_agreed(tender, ApprovalKind.DIRECTOR, current_user),
            integration_agreed=bool(tender.valid_approvals(ApprovalKind.INTEGRATION)),
        ),
        status,
    )


@tenders_bp.get("/manage/tenders/<int:tender_id>")
@allow(*READERS)
def manage_detail(tender_id: int):
    """The work page, for those the tender shows it to (Tender.is_visible_to). Anyone else is
    sent to the public page of a published tender (the refusal audited); before publication
    the tender does not exist for them (404)."""
    tender = db.session.get(Tender, tender_id)
    if tender is not None and tender.is_public and not tender.is_visible_to(current_user):
        record_refusal(tender)
        return redirect(url_for("tenders.public_detail", tender_id=tender_id))
    return _detail(load_visible(Tender, tender_id))


def _act(
    tender_id: int,
    action: Callable[[Tender], object],
    done: str,
    form=None,
    confirmation: tuple[TenderStep, Confirmation] | None = None,
    **forms,
):
    """Run one transition: check the form, ask to confirm (an irreversible step, when the
    guard lets the user take it; otherwise the service says why not), call the service,
    answer with the detail page."""
    tender = load_visible(Tender, tender_id)
    form = form or ConfirmForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors if isinstance(errors, list) else [errors]:
                flash(str(error), "error")
        return _detail(tender, 422, **forms)
    if confirmation is not None and lifecycle.allows(current_user, tender, confirmation[0]):
        asking = confirm_first(
            confirmation[1],
            subject=f"{tender.reference} {tender.title}",
            back=url_for("tenders.manage_detail", tender_id=tender_id),
        )
        if asking is not None:
            return asking
    return run_step(
        lambda: action(tender),
        done=done,
        refused=lambda: _detail(db.session.get(Tender, tender_id), 409, **forms),
        then=url_for("tenders.manage_detail", tender_id=tender_id),
    )


@tenders_bp.post("/manage/tenders/<int:tender_id>/decisions")
@allow(Role.REGION_STAFF)
def link_decision(tender_id: int):
    form = DecisionLinkForm()
    # Any decision is a valid choice for the form; the service says which may be linked.
    form.decision_id.choices = [(d.id, str(d)) for d in queries.council_decisions(db.session)]

    def link(tender):
        chosen = db.session.get(CouncilDecision, form.decision_id.data)
        services.link_council_decision(db.session, current_user, tender, chosen)

    return _act(tender_id, link, _("The council decision is linked."), form, link_form=form)


#: The tender steps that cannot be undone ask to be confirmed first.
CONFIRMATIONS = {
    "publish": (
        TenderStep.PUBLISH,
        Confirmation(
            _l("Publish the tender?"),
            _l(
                "The tender becomes public and open for bids until its deadline. After publication "
                "only clarifications, extra documents and a later deadline are possible; anything "
                "substantial means cancelling and tendering again."
            ),
            _l("Yes, publish the tender"),
        ),
    ),
    "answer": (
        TenderStep.ANSWER,
        Confirmation(
            _l("Publish the answer?"),
            _l(
                "The answer below is published on the tender for every supplier, and the suppliers "
                "following the tender are told. It cannot be changed afterwards."
            ),
            _l("Yes, publish the answer"),
        ),
    ),
}


def _simple(endpoint: str, rule: str, roles, service, done) -> None:
    """A transition that needs nothing but a confirmed POST."""

    def view(tender_id: int):
        return _act(
            tender_id,
            lambda t: service(db.session, current_user, t),
            str(done),
            confirmation=CONFIRMATIONS.get(endpoint),
        )

    view.__name__ = endpoint
    tenders_bp.add_url_rule(rule, endpoint, allow(*roles)(view), methods=["POST"])


for _endpoint, _path, _role, _service, _done in (
    (
        "involve",
        "involve",
        Role.REGION_STAFF,
        services.involve_council,
        _l("The tender is marked as council involved."),
    ),
    (
        "agree_director",
        "agree",
        Role.REGIONAL_DIRECTOR,
        services.agree_as_director,
        _l("Your region's agreement is recorded."),
    ),
    (
        "submit",
        "submit",
        Role.REGION_STAFF,
        services.submit,
        _l("The tender is submitted for approval."),
    ),
    (
        "agree_integration",
        "integration",
        Role.INTEGRATION_MINISTRY,
        services.agree_integration,
        _l("The Ministry of Integration's agreement is recorded."),
    ),
    ("approve", "approve", Role.MINISTRY, services.approve, _l("The tender is approved.")),
    ("publish", "publish", Role.REGION_STAFF, services.publish, _l("The tender is published.")),
):
    _simple(_endpoint, f"/manage/tenders/<int:tender_id>/{_path}", [_role], _service, _done)


def _with_reason(tender_id: int, template: str, service, done: str, then: str | None = None):
    tender = load_visible(Tender, tender_id)
    form = ReasonForm()
    if request.method == "GET":
        return render_template(template, tender=tender, form=form)
    if not form.validate_on_submit():
        return render_template(template, tender=tender, form=form), 422
    return run_step(
        lambda: service(db.session, current_user, tender, form.reason.data),
        done=done,
        refused=lambda: (
            render_template(template, tender=db.session.get(Tender, tender_id), form=form),
            409,
        ),
        then=then or url_for("tenders.manage_detail", tender_id=tender_id),
    )


@tenders_bp.route("/manage/tenders/<int:tender_id>/return", methods=["GET", "POST"])
@allow(Role.MINISTRY, Role.INTEGRATION_MINISTRY)
def return_tender(tender_id: int):
    return _with_reason(
        tender_id,
        "tenders/return.html",
        services.return_to_draft,
        _("The tender is returned to the region with your reasons."),
    )


@tenders_bp.route("/manage/tenders/<int:tender_id>/decline", methods=["GET", "POST"])
@allow(Role.REGIONAL_DIRECTOR)
def decline_director(tender_id: int):
    return _with_reason(
        tender_id,
        "tenders/decline.html",
        services.decline_as_director,
        _("You declined the tender. The leading region sees your reasons."),
        # A draft again, the tender is the leading region's alone: back to the list.
        then=url_for("tenders.manage_index"),
    )


@tenders_bp.route("/manage/tenders/<int:tender_id>/cancel", methods=["GET", "POST"])
@allow(Role.REGION_STAFF)
def cancel(tender_id: int):
    return _with_reason(
        tender_id, "tenders/cancel.html", services.cancel, _("The tender is cancelled.")
    )


@tenders_bp.post("/manage/tenders/<int:tender_id>/clarifications")
@allow(Role.REGION_STAFF)
def clarify(tender_id: int):
    form = ClarificationForm()
    return _act(
        tender_id,
        lambda t: services.add_clarification(db.session, current_user, t, form.text.data),
        _("The clarification is published on the tender."),
        form,
        clarification_form=form,
    )


@tenders_bp.post("/manage/tenders/<int:tender_id>/deadline")
@allow(Role.REGION_STAFF)
def extend(tender_id: int):
    form = DeadlineForm()
    return _act(
        tender_id,
        lambda t: services.extend_deadline(
            db.session, current_user, t, form.moment(), form.reason.data
        ),
        _("The deadline is extended; the change is shown on the tender."),
        form,
        deadline_form=form,
    )


@tenders_bp.post("/manage/tenders/<int:tender_id>/documents")
@allow(Role.REGION_STAFF)
def upload(tender_id: int):
    form = DocumentForm()

    def add(tender):
        upload = form.document.data
        services.add_document(
            db.session, current_user, tender, upload.filename or "", upload.read()
        )

    return _act(tender_id, add, _("The document is added."), form, document_form=form)


@tenders_bp.post("/manage/tenders/<int:tender_id>/documents/<int:document_id>/remove")
@allow(Role.REGION_STAFF)
def remove_document(tender_id: int, document_id: int):
    def remove(tender):
        stored = db.session.get(TenderDocument, document_id)
        if stored is None or stored.tender_id != tender.id:
            abort(404)
        services.remove_document(db.session, current_user, tender, stored)

    return _act(tender_id, remove, _("The document is removed."))


# --- questions and followers -------------------------------------------------------------------


def _supplier_action(tender_id: int, action, done: str):
    tender = _public_tender(tender_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return run_step(
        lambda: action(tender),
        done=done,
        refused=lambda: (public_detail(tender_id), 409),
        then=url_for("tenders.public_detail", tender_id=tender_id),
    )


@tenders_bp.post("/tenders/<int:tender_id>/questions")
@allow(Role.SUPPLIER)
def ask(tender_id: int):
    text = posted_text("question")
    return _supplier_action(
        tender_id,
        lambda t: questions.ask(db.session, current_user, t, text),
        _("Your question is sent. The answer is published here for everyone."),
    )


def _following(endpoint: str, service, done) -> None:
    def view(tender_id: int):
        return _supplier_action(
            tender_id, lambda t: service(db.session, current_user, t), str(done)
        )

    view.__name__ = endpoint
    rule = f"/tenders/<int:tender_id>/{endpoint}"
    tenders_bp.add_url_rule(rule, endpoint, allow(Role.SUPPLIER)(view), methods=["POST"])


_following(
    "follow", questions.follow_as, _l("You follow the tender: you hear of answers and changes.")
)
_following("unfollow", questions.unfollow, _l("You no longer follow the tender."))


@tenders_bp.post("/manage/tenders/<int:tender_id>/questions/<int:question_id>/answer")
@allow(Role.REGION_STAFF)
def answer(tender_id: int, question_id: int):
    def give(tender):
        question = db.session.get(TenderQuestion, question_id)
        if question is None or question.tender_id != tender.id:
            abort(404)
        questions.answer(db.session, current_user, question, posted_text("answer"))

    return _act(
        tender_id,
        give,
        _("The answer is published on the tender."),
        confirmation=CONFIRMATIONS["answer"],
    )
