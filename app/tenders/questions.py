"""Clarification questions and followers: suppliers ask, the region answers for everyone."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import clock
from app.audit import services as audit
from app.auth.models import User
from app.auth.roles import Role
from app.core.errors import DomainError, NotAllowed
from app.core.i18n import gettext as _
from app.notifications.services import notify
from app.suppliers.models import Supplier, SupplierState
from app.suppliers.services import supplier_of
from app.tenders.lifecycle import TenderStep, guard
from app.tenders.models import Tender, TenderFollower, TenderQuestion, TenderState


def _asking_supplier(db: Session, actor: User) -> Supplier:
    if actor.role != Role.SUPPLIER:
        raise NotAllowed(_("Only registered suppliers ask questions."))
    supplier = supplier_of(db, actor.organisation_id)
    if supplier is None or supplier.state != SupplierState.ACTIVE:
        raise DomainError(_("Only an active supplier can ask questions."))
    return supplier


def _require_open(tender: Tender) -> None:
    """Questions are asked (and tenders followed) while the tender accepts bids; the reason
    given says whether it is the deadline or the state."""
    if tender.accepts_bids:
        return
    if tender.current_state == TenderState.BIDDING_CLOSED:
        raise DomainError(_("The bid deadline has passed; questions are closed."))
    raise DomainError(_("The tender is not open."))


def follow(db: Session, supplier: Supplier, tender: Tender) -> None:
    exists = db.scalar(
        select(TenderFollower).where(
            TenderFollower.tender_id == tender.id, TenderFollower.supplier_id == supplier.id
        )
    )
    if exists is None:
        db.add(TenderFollower(tender_id=tender.id, supplier_id=supplier.id))
        db.flush()


def follow_as(db: Session, actor: User, tender: Tender) -> None:
    supplier = _asking_supplier(db, actor)
    _require_open(tender)
    follow(db, supplier, tender)


def unfollow(db: Session, actor: User, tender: Tender) -> None:
    supplier = _asking_supplier(db, actor)
    row = db.scalar(
        select(TenderFollower).where(
            TenderFollower.tender_id == tender.id, TenderFollower.supplier_id == supplier.id
        )
    )
    if row is not None:
        db.delete(row)


def is_following(db: Session, actor: User, tender: Tender) -> bool:
    if actor.role != Role.SUPPLIER:
        return False
    supplier = supplier_of(db, actor.organisation_id)
    return (
        supplier is not None
        and db.scalar(
            select(TenderFollower.id).where(
                TenderFollower.tender_id == tender.id, TenderFollower.supplier_id == supplier.id
            )
        )
        is not None
    )


def ask(db: Session, actor: User, tender: Tender, text: str) -> TenderQuestion:
    supplier = _asking_supplier(db, actor)
    _require_open(tender)
    if not text.strip():
        raise DomainError(_("Write the question."))
    question = TenderQuestion(
        tender_id=tender.id, asked_by_supplier_id=supplier.id, text=text.strip()
    )
    db.add(question)
    follow(db, supplier, tender)
    db.flush()
    # Who asked is not part of the trail a region reads: the question alone is, without the
    # request id and address that would tie it to the asker's login.
    audit.record(
        db, None, "tender.question_asked", question, {"tender_id": tender.id}, anonymous=True
    )
    staff = db.scalars(
        select(User).where(
            User.organisation_id == tender.region_id, User.role == Role.REGION_STAFF, User.active
        )
    ).all()
    notify(
        db,
        staff,
        _("New question on %(ref)s", ref=tender.reference),
        text.strip(),
        f"/manage/tenders/{tender.id}",
    )
    return question


def answer(db: Session, actor: User, question: TenderQuestion, text: str) -> None:
    tender = db.get(Tender, question.tender_id)
    guard(actor, tender, TenderStep.ANSWER)
    if question.answered_at is not None:
        raise DomainError(_("The question is already answered."))
    if not text.strip():
        raise DomainError(_("Write the answer."))
    question.answer = text.strip()
    question.answered_at = clock.now()
    question.answered_by_id = actor.id
    audit.record(db, actor, "tender.question_answered", question, {"answer": text.strip()})
    notify_followers(
        db,
        tender,
        _("A question on %(ref)s is answered", ref=tender.reference),
        question.text + "\n\n" + question.answer,
    )


def notify_followers(db: Session, tender: Tender, subject: str, body: str) -> None:
    users = db.scalars(
        select(User)
        .join(Supplier, Supplier.organisation_id == User.organisation_id)
        .join(TenderFollower, TenderFollower.supplier_id == Supplier.id)
        .where(TenderFollower.tender_id == tender.id, User.active)
    ).all()
    notify(db, users, subject, body, f"/tenders/{tender.id}")
