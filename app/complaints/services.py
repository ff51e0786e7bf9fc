"""The rules of a complaint to the Complaints Board for Public Procurement (Klagenævnet for
Udbud): region staff of the tender's region register it against the award and record the
board's decisions; the consequences the platform can take follow from them.

- A complaint received within the standstill period holds the conclusion of the agreements
  (the CONCLUDE move's condition in `app.tenders.lifecycle`) until the board's decision on
  suspensive effect, and when the board grants it, until the ruling. One received later
  holds nothing but is kept.
- The ruling: the award upheld (nothing changes), annulled (the award is annulled and the
  evaluation opens again; only before the agreements are concluded), or the agreements
  declared ineffective (no new orders from a day; only once they are concluded).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app import clock
from app.audit import services as audit
from app.auth.models import User
from app.auth.services import region_staff
from app.bids.models import Bid, BidState
from app.complaints.models import RULINGS, Complaint, ComplaintDocument, ComplaintState
from app.core.errors import DomainError
from app.core.i18n import format_date
from app.core.i18n import gettext as _
from app.core.i18n import lazy_gettext as _l
from app.db import lock_row
from app.evaluation.models import Agreement, Award, AwardState
from app.evaluation.services import award_of
from app.files.services import store_upload
from app.notifications.services import notify
from app.suppliers.models import Supplier
from app.tenders.lifecycle import TenderStep, guard, require_condition
from app.tenders.models import Tender

# --- a complaint's own moves ------------------------------------------------------------------


class ComplaintStep(StrEnum):
    DECIDE_SUSPENSION = "decide_suspension"  # the board's decision on suspensive effect
    RULE = "rule"  # the board's final ruling


@dataclass(frozen=True)
class ComplaintMove:
    start: tuple[ComplaintState, ...]
    refusal: str  # a lazy translatable string: why not, from any other state


MOVES: dict[ComplaintStep, ComplaintMove] = {
    ComplaintStep.DECIDE_SUSPENSION: ComplaintMove(
        (ComplaintState.RECEIVED,),
        _l("The board's decision on suspensive effect is already recorded for this complaint."),
    ),
    ComplaintStep.RULE: ComplaintMove(
        (
            ComplaintState.RECEIVED,
            ComplaintState.SUSPENSION_GRANTED,
            ComplaintState.SUSPENSION_REFUSED,
        ),
        _l("The board's ruling on this complaint is already recorded."),
    ),
}


def _require_complaint_state(complaint: Complaint, step: ComplaintStep) -> None:
    if complaint.state not in MOVES[step].start:
        raise DomainError(str(MOVES[step].refusal))


def next_complaint_steps(user: User, complaint: Complaint) -> list[ComplaintStep]:
    """What the complaint's page offers the user: the tender's guard, then the complaint's."""
    try:
        guard(user, complaint.tender, TenderStep.RECORD_BOARD_DECISION)
    except DomainError:
        return []
    return [step for step, found in MOVES.items() if complaint.state in found.start]


# --- registering a complaint ------------------------------------------------------------------


@dataclass(frozen=True)
class ComplaintInput:
    complainant: str
    received_on: date
    case_number: str
    note: str = ""


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


def _require_text(data: ComplaintInput) -> None:
    if not data.complainant.strip():
        raise DomainError(_("Name the complainant."))
    if not data.case_number.strip():
        raise DomainError(_("Give the board's case number."))


def _require_not_in_future(day: date, what: str) -> None:
    if day > clock.today():
        raise DomainError(_("%(what)s cannot be in the future.", what=what))


def _require_after_the_letters(award: Award, received_on: date) -> None:
    if received_on < award.letters_sent_on:
        raise DomainError(
            _(
                "A complaint against the award cannot be received before the award letters went "
                "out (%(day)s).",
                day=format_date(award.letters_sent_on),
            )
        )


def _require_new_case_number(db: Session, tender: Tender, case_number: str) -> None:
    taken = db.scalar(
        select(Complaint.id).where(
            Complaint.tender_id == tender.id, Complaint.case_number == case_number
        )
    )
    if taken is not None:
        raise DomainError(
            _(
                "A complaint with the board's case number %(number)s is already registered.",
                number=case_number,
            )
        )


def register(
    db: Session,
    actor: User,
    tender: Tender,
    data: ComplaintInput,
    document: Upload | None = None,
) -> Complaint:
    """Register a complaint to the board against the tender's award, as the region received it."""
    guard(actor, tender, TenderStep.REGISTER_COMPLAINT)
    # Under the award's lock, which the conclusion takes too: the complaint is registered
    # before the agreements are concluded, or after (and then holds nothing).
    award = lock_row(db, Award, award_of(db, tender).id)
    require_condition(actor, tender, TenderStep.REGISTER_COMPLAINT)
    _require_text(data)
    _require_not_in_future(data.received_on, _("The date received"))
    _require_after_the_letters(award, data.received_on)
    case_number = data.case_number.strip()
    _require_new_case_number(db, tender, case_number)
    complaint = Complaint(
        tender_id=tender.id,
        award_id=award.id,
        complainant=data.complainant.strip(),
        received_on=data.received_on,
        case_number=case_number,
        note=data.note.strip(),
        state=ComplaintState.RECEIVED,
        registered_by_id=actor.id,
        registered_at=clock.now(),
    )
    complaint.award = award
    complaint.tender = tender
    db.add(complaint)
    _attach(db, actor, complaint, document)
    db.flush()
    audit.record(
        db,
        actor,
        "complaint.registered",
        tender,
        {
            "complaint_id": complaint.id,
            "complainant": complaint.complainant,
            "case_number": case_number,
            "received_on": data.received_on.isoformat(),
            "in_standstill": complaint.received_in_standstill,
            "holds_conclusion": complaint.holds_conclusion and not award.is_concluded,
        },
    )
    if complaint.holds_conclusion and not award.is_concluded:
        body = _(
            "It was received within the standstill period: the framework agreements are not "
            "concluded until the board has decided on suspensive effect."
        )
    else:
        body = _("It does not hold the conclusion of the framework agreements.")
    _tell(
        db,
        actor,
        complaint,
        _(
            "A complaint to the Complaints Board about %(ref)s (case %(number)s)",
            ref=tender.reference,
            number=case_number,
        ),
        body,
    )
    return complaint


def _attach(db: Session, actor: User, complaint: Complaint, document: Upload | None) -> None:
    if document is None:
        return
    stored = store_upload(db, actor, document.filename, document.data)
    complaint.documents.append(ComplaintDocument(file=stored))


# --- the board's decisions --------------------------------------------------------------------


def _require_decision_day(complaint: Complaint, day: date) -> None:
    _require_not_in_future(day, _("The date of the board's decision"))
    if day < complaint.received_on:
        raise DomainError(
            _(
                "The board cannot have decided before the complaint was received (%(day)s).",
                day=format_date(complaint.received_on),
            )
        )


def decide_suspension(
    db: Session,
    actor: User,
    complaint: Complaint,
    *,
    granted: bool,
    decided_on: date,
    document: Upload | None = None,
) -> Complaint:
    """The board's decision on suspensive effect: granted, the complaint holds the conclusion
    until the ruling; not granted, it holds it no longer."""
    guard(actor, complaint.tender, TenderStep.RECORD_BOARD_DECISION)
    _require_complaint_state(complaint, ComplaintStep.DECIDE_SUSPENSION)
    _require_decision_day(complaint, decided_on)
    complaint.state = (
        ComplaintState.SUSPENSION_GRANTED if granted else ComplaintState.SUSPENSION_REFUSED
    )
    complaint.suspension_decided_on = decided_on
    _attach(db, actor, complaint, document)
    db.flush()
    audit.record(
        db,
        actor,
        "complaint.suspension_decided",
        complaint.tender,
        {
            "complaint_id": complaint.id,
            "granted": granted,
            "decided_on": decided_on.isoformat(),
        },
    )
    _tell(
        db,
        actor,
        complaint,
        _(
            "The Complaints Board's decision on suspensive effect, %(ref)s (case %(number)s)",
            ref=complaint.tender.reference,
            number=complaint.case_number,
        ),
        _("The board granted the complaint suspensive effect until its ruling.")
        if granted
        else _("The board did not grant the complaint suspensive effect."),
    )
    return complaint


@dataclass(frozen=True)
class RulingInput:
    ruling: ComplaintState  # one of RULINGS
    ruled_on: date
    ineffective_from: date | None = None  # for ineffectiveness: the first day without orders
    note: str = ""


def record_ruling(
    db: Session,
    actor: User,
    complaint: Complaint,
    data: RulingInput,
    document: Upload | None = None,
) -> Complaint:
    """The board's final ruling and its consequences on the platform."""
    guard(actor, complaint.tender, TenderStep.RECORD_BOARD_DECISION)
    _require_complaint_state(complaint, ComplaintStep.RULE)
    if data.ruling not in RULINGS:
        raise DomainError(_("Choose the board's ruling."))
    _require_decision_day(complaint, data.ruled_on)
    award = complaint.award
    changes: dict = {}
    if data.ruling == ComplaintState.ANNULLED:
        _annul(award)
        changes["award_annulled"] = award.id
    elif data.ruling == ComplaintState.INEFFECTIVE:
        changes["ineffective"] = _declare_ineffective(db, complaint, data)
    complaint.state = data.ruling
    complaint.ruled_on = data.ruled_on
    if data.note.strip():
        complaint.note = "\n".join(filter(None, (complaint.note, data.note.strip())))
    _attach(db, actor, complaint, document)
    db.flush()
    audit.record(
        db,
        actor,
        "complaint.ruled",
        complaint.tender,
        {
            "complaint_id": complaint.id,
            "ruling": data.ruling.value,
            "ruled_on": data.ruled_on.isoformat(),
            **changes,
        },
    )
    _tell(
        db,
        actor,
        complaint,
        _(
            "The Complaints Board's ruling, %(ref)s (case %(number)s)",
            ref=complaint.tender.reference,
            number=complaint.case_number,
        ),
        str(RULING_CONSEQUENCES[data.ruling]),
    )
    return complaint


RULING_CONSEQUENCES = {
    ComplaintState.UPHELD: _l("The board upheld the award."),
    ComplaintState.ANNULLED: _l(
        "The board annulled the award decision. The region evaluates the bids again and "
        "decides a new award."
    ),
    ComplaintState.INEFFECTIVE: _l(
        "The board declared the framework agreements ineffective: they take no new orders."
    ),
}


def _annul(award: Award) -> None:
    """Annulment reopens the evaluation: the award no longer counts (it is kept)."""
    if award.state == AwardState.CONCLUDED:
        raise DomainError(
            _(
                "The framework agreements are already concluded: an annulment cannot reopen the "
                "evaluation. Record whether the board declared the agreements ineffective."
            )
        )
    if award.state != AwardState.APPROVED:
        raise DomainError(_("Only an approved award can be annulled."))
    award.state = AwardState.ANNULLED


def _declare_ineffective(db: Session, complaint: Complaint, data: RulingInput) -> dict:
    """The agreements of the award take no new orders from the day the board set; orders
    placed before go on."""
    if not complaint.award.is_concluded:
        raise DomainError(
            _("No framework agreement is concluded: there is nothing to declare ineffective.")
        )
    if data.ineffective_from is None:
        raise DomainError(_("Give the day from which the agreements are ineffective."))
    if data.ineffective_from < data.ruled_on:
        raise DomainError(
            _(
                "The agreements cannot be ineffective from before the ruling (%(day)s).",
                day=format_date(data.ruled_on),
            )
        )
    agreements = db.scalars(
        select(Agreement).where(Agreement.tender_id == complaint.tender_id)
    ).all()
    for agreement in agreements:
        if agreement.ineffective_on is None or agreement.ineffective_on > data.ineffective_from:
            agreement.ineffective_on = data.ineffective_from
    return {
        "from": data.ineffective_from.isoformat(),
        "agreements": [a.number for a in agreements],
    }


# --- who is told ------------------------------------------------------------------------------


def _tell(db: Session, actor: User, complaint: Complaint, subject: str, body: str) -> None:
    """The tender's region staff (but the one who recorded it) and the suppliers who bid."""
    tender = complaint.tender
    notify(
        db,
        region_staff(db, tender.region_id, but=actor),
        subject,
        body,
        f"/manage/tenders/{tender.id}/complaints/{complaint.id}",
        email=False,
    )
    bidders = db.scalars(
        select(User)
        .join(Supplier, Supplier.organisation_id == User.organisation_id)
        .where(
            Supplier.id.in_(
                select(Bid.supplier_id).where(
                    Bid.tender_id == tender.id, Bid.state == BidState.SUBMITTED
                )
            ),
            User.active,
        )
    ).all()
    notify(db, bidders, subject, body, "/bids")


# --- what the pages list ----------------------------------------------------------------------


def complaints_of(db: Session, tender: Tender) -> list[Complaint]:
    return list(
        db.scalars(
            select(Complaint)
            .where(Complaint.tender_id == tender.id)
            .order_by(Complaint.received_on, Complaint.id)
            .options(selectinload(Complaint.documents))
        )
    )


def complaints_of_region(db: Session, region_id: int) -> list[Complaint]:
    """Every complaint against the region's tenders, newest first (one query, with tenders)."""
    return list(
        db.scalars(
            select(Complaint)
            .join(Tender, Complaint.tender_id == Tender.id)
            .where(Tender.region_id == region_id)
            .order_by(Complaint.received_on.desc(), Complaint.id.desc())
        )
    )
