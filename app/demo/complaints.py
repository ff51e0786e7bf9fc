"""Demo data for complaints to the Complaints Board: a complaint against the award of
Midtjylland's tender in its standstill period, received the day the demo is built (the day the
letters went out), so it holds the conclusion of the agreements until the board's decision on
suspensive effect is recorded."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import clock
from app.auth import services as users
from app.complaints import services as complaints
from app.complaints.models import Complaint
from app.demo.tenders import STAFF, STANDSTILL_TITLE
from app.evaluation.models import AwardState
from app.evaluation.services import award_of
from app.tenders.models import Tender


def create_demo_complaints(db: Session) -> None:
    """Idempotent: nothing once any complaint exists."""
    if db.scalar(select(func.count()).select_from(Complaint)):
        return
    tender = db.scalars(select(Tender).where(Tender.title == STANDSTILL_TITLE)).first()
    staff = users.find_by_email(db, STAFF["MJ"])
    if tender is None or staff is None:
        return
    award = award_of(db, tender)
    if award is None or award.state != AwardState.APPROVED:
        return
    received = max(award.letters_sent_on, min(clock.today(), award.standstill_ends_on))
    complaints.register(
        db,
        staff,
        tender,
        complaints.ComplaintInput(
            complainant="Karriereværkstedet ApS",
            received_on=received,
            case_number="26/18342",
            note="Klagen angår pointgivningen for kvalitet (underkriteriet om progression).",
        ),
        complaints.Upload(
            "klage-til-klagenaevnet.txt",
            b"Klage over tildelingsbeslutningen, indgivet i standstill-perioden.\n",
        ),
    )
