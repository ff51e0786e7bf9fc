"""Complaints to the Complaints Board: which complaint holds the conclusion (the standstill's
last day, and the day after), the board's decisions and their consequences, every refusal."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app import clock
from app.audit.models import AuditEntry
from app.complaints import services as complaints
from app.complaints.models import ComplaintState
from app.complaints.services import ComplaintInput, RulingInput, Upload
from app.core.errors import DomainError, NotAllowed
from app.evaluation import services as evaluation
from app.evaluation.models import Agreement, AwardState
from app.notifications.models import Notification
from app.tenders import services as tenders
from app.tenders.lifecycle import TenderStep, next_steps
from tests.bids.conftest import RIVAL
from tests.complaints.conftest import after, last_standstill_day, noon, register
from tests.conftest import user
from tests.tenders.conftest import director, staff

HELD = "complaint to the Complaints Board for Public Procurement was received within"


def _conclude(db, tender):
    return evaluation.conclude(db, staff(db, "NJ"), tender)


def _agreements(db, tender):
    return db.scalars(select(Agreement).where(Agreement.tender_id == tender.id)).all()


# --- the standstill's last day and the day after ----------------------------------------------


def test_a_complaint_received_on_the_last_day_of_the_standstill_holds_the_conclusion(db, approved):
    last = last_standstill_day(approved)
    with clock.frozen_at(noon(last)):
        complaint = register(db, approved, last)
    assert complaint.received_in_standstill and complaint.holds_conclusion
    with clock.frozen_at(noon(after(last))):
        assert TenderStep.CONCLUDE not in next_steps(staff(db, "NJ"), approved, page="evaluation")
        with pytest.raises(DomainError, match=HELD):
            _conclude(db, approved)
    assert _agreements(db, approved) == []
    assert evaluation.award_of(db, approved).state == AwardState.APPROVED


def test_a_complaint_received_the_day_after_the_standstill_holds_nothing_but_is_kept(db, approved):
    day_after = after(last_standstill_day(approved))
    with clock.frozen_at(noon(day_after)):
        complaint = register(db, approved, day_after)
        assert not complaint.received_in_standstill and not complaint.holds_conclusion
        assert TenderStep.CONCLUDE in next_steps(staff(db, "NJ"), approved, page="evaluation")
        assert len(_conclude(db, approved)) == 2
    assert complaints.complaints_of(db, approved) == [complaint]


def test_a_complaint_after_the_conclusion_blocks_nothing_and_is_kept(db, approved):
    later = after(last_standstill_day(approved), 5)
    with clock.frozen_at(noon(after(last_standstill_day(approved)))):
        _conclude(db, approved)
    with clock.frozen_at(noon(later)):
        complaint = register(db, approved, later)
    assert complaint.state == ComplaintState.RECEIVED
    assert approved.state.value == "active"
    assert complaints.complaints_of(db, approved) == [complaint]


def test_suspensive_effect_not_granted_lets_the_conclusion_go_ahead(db, approved):
    last = last_standstill_day(approved)
    with clock.frozen_at(noon(after(last))):
        complaint = register(db, approved, last)
        complaints.decide_suspension(
            db, staff(db, "NJ"), complaint, granted=False, decided_on=after(last)
        )
        assert complaint.state == ComplaintState.SUSPENSION_REFUSED
        assert not complaint.holds_conclusion
        assert len(_conclude(db, approved)) == 2


def test_suspensive_effect_granted_holds_the_conclusion_until_the_ruling(db, approved):
    last = last_standstill_day(approved)
    with clock.frozen_at(noon(after(last))):
        complaint = register(db, approved, last)
        complaints.decide_suspension(
            db, staff(db, "NJ"), complaint, granted=True, decided_on=after(last)
        )
        with pytest.raises(DomainError, match=HELD):
            _conclude(db, approved)
    with clock.frozen_at(noon(after(last, 30))):
        complaints.record_ruling(
            db, staff(db, "NJ"), complaint, RulingInput(ComplaintState.UPHELD, after(last, 30))
        )
        assert complaint.state == ComplaintState.UPHELD
        assert len(_conclude(db, approved)) == 2


# --- annulment and ineffectiveness ------------------------------------------------------------


def _annul(db, tender):
    last = last_standstill_day(tender)
    with clock.frozen_at(noon(after(last))):
        complaint = register(db, tender, last)
        complaints.record_ruling(
            db, staff(db, "NJ"), complaint, RulingInput(ComplaintState.ANNULLED, after(last))
        )
    return complaint


def test_annulment_annuls_the_award_and_reopens_the_evaluation_for_a_new_award(
    db, approved, second_staff
):
    award = evaluation.award_of(db, approved)
    complaint = _annul(db, approved)
    assert complaint.state == ComplaintState.ANNULLED
    assert award.state == AwardState.ANNULLED
    assert evaluation.award_of(db, approved) is None
    assert evaluation.annulled_award_of(db, approved) == award
    # The evaluation is open again: a score changes, and a new award can be proposed.
    opened = evaluation.opening_of(db, approved).bids[1]
    criterion = next(c for c in approved.criteria if not c.is_price).id
    evaluation.score(db, staff(db, "NJ"), opened, criterion, 10, "Revurderet efter kendelsen")
    new = evaluation.propose_award(db, staff(db, "NJ"), approved)
    db.flush()
    assert new.id != award.id and evaluation.award_of(db, approved) == new
    with pytest.raises(DomainError, match="Only an approved award can be concluded"):
        _conclude(db, approved)


def test_after_an_annulment_the_tender_may_be_cancelled(db, approved):
    _annul(db, approved)
    tenders.cancel(db, staff(db, "NJ"), approved, "Udbuddet gå om efter kendelsen")
    assert approved.state.value == "cancelled"


def test_an_annulment_cannot_reopen_a_concluded_award(db, approved):
    last = last_standstill_day(approved)
    with clock.frozen_at(noon(after(last))):
        _conclude(db, approved)
        complaint = register(db, approved, after(last))
        with pytest.raises(DomainError, match="already concluded: an annulment cannot reopen"):
            complaints.record_ruling(
                db, staff(db, "NJ"), complaint, RulingInput(ComplaintState.ANNULLED, after(last))
            )
    assert evaluation.award_of(db, approved).state == AwardState.CONCLUDED


def test_ineffectiveness_stops_the_agreements_from_the_day_the_board_set(db, approved):
    last = last_standstill_day(approved)
    with clock.frozen_at(noon(after(last))):
        concluded = _conclude(db, approved)
        complaint = register(db, approved, after(last))
    ruled = max(after(last, 40), after(concluded[0].starts_on))  # while the agreements run
    with clock.frozen_at(noon(ruled)):
        complaints.record_ruling(
            db,
            staff(db, "NJ"),
            complaint,
            RulingInput(ComplaintState.INEFFECTIVE, ruled, ineffective_from=after(ruled, 14)),
        )
    agreements = _agreements(db, approved)
    assert {a.ineffective_on for a in agreements} == {after(ruled, 14)}
    assert all(a.runs_on(after(ruled, 13)) for a in agreements)
    assert not any(a.runs_on(after(ruled, 14)) for a in agreements)
    assert complaint.state == ComplaintState.INEFFECTIVE


@pytest.mark.parametrize(
    ("ineffective_from", "message"),
    [
        (None, "Give the day from which the agreements are ineffective"),
        (-1, "cannot be ineffective from before the ruling"),
    ],
)
def test_ineffectiveness_needs_a_day_not_before_the_ruling(db, approved, ineffective_from, message):
    last = last_standstill_day(approved)
    with clock.frozen_at(noon(after(last))):
        _conclude(db, approved)
        complaint = register(db, approved, after(last))
        day = None if ineffective_from is None else after(after(last), ineffective_from)
        with pytest.raises(DomainError, match=message):
            complaints.record_ruling(
                db,
                staff(db, "NJ"),
                complaint,
                RulingInput(ComplaintState.INEFFECTIVE, after(last), ineffective_from=day),
            )
    assert {a.ineffective_on for a in _agreements(db, approved)} == {None}


def test_agreements_not_concluded_cannot_be_declared_ineffective(db, approved):
    last = last_standstill_day(approved)
    with clock.frozen_at(noon(after(last))):
        complaint = register(db, approved, last)
        with pytest.raises(DomainError, match="nothing to declare ineffective"):
            complaints.record_ruling(
                db,
                staff(db, "NJ"),
                complaint,
                RulingInput(ComplaintState.INEFFECTIVE, after(last), after(last)),
            )
    assert complaint.state == ComplaintState.RECEIVED


# --- refusals ---------------------------------------------------------------------------------


def test_no_complaint_against_an_award_only_proposed(db, scored):
    evaluation.propose_award(db, staff(db, "NJ"), scored)
    with pytest.raises(DomainError, match="no award decision to complain about"):
        register(db, scored, clock.today())


def test_no_complaint_against_an_annulled_award(db, approved):
    _annul(db, approved)
    with pytest.raises(DomainError, match="no award decision to complain about"):
        register(db, approved, clock.today(), case_number="24/09999")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"complainant": "  "}, "Name the complainant"),
        ({"case_number": " "}, "Give the board's case number"),
    ],
)
def test_a_complaint_needs_its_complainant_and_case_number(db, approved, changes, message):
    with pytest.raises(DomainError, match=message):
        register(db, approved, clock.today(), **changes)


def test_the_date_received_cannot_be_in_the_future(db, approved):
    with pytest.raises(DomainError, match="The date received cannot be in the future"):
        register(db, approved, clock.today() + timedelta(days=1))


def test_a_complaint_cannot_be_received_before_the_award_letters(db, approved):
    with pytest.raises(DomainError, match="before the award letters went out"):
        register(db, approved, clock.today() - timedelta(days=1))


def test_a_case_number_is_registered_once_per_tender(db, approved):
    register(db, approved, clock.today())
    with pytest.raises(DomainError, match="case number 24/01234 is already registered"):
        register(db, approved, clock.today())


@pytest.mark.parametrize("who", ["other_region", "director", "supplier"])
def test_only_the_tender_s_region_staff_register_or_record(db, approved, who):
    actor = {
        "other_region": lambda: staff(db, "MJ"),
        "director": lambda: director(db, "NJ"),
        "supplier": lambda: user(db, RIVAL),
    }[who]()
    data = ComplaintInput("Rival Consult ApS", clock.today(), "24/01234")
    with pytest.raises(NotAllowed, match="Only region staff of"):
        complaints.register(db, actor, approved, data)
    complaint = register(db, approved, clock.today())
    with pytest.raises(NotAllowed, match="Only region staff of"):
        complaints.decide_suspension(db, actor, complaint, granted=True, decided_on=clock.today())
    with pytest.raises(NotAllowed, match="Only region staff of"):
        complaints.record_ruling(
            db, actor, complaint, RulingInput(ComplaintState.UPHELD, clock.today())
        )


def test_the_decision_on_suspensive_effect_is_recorded_once(db, approved):
    complaint = register(db, approved, clock.today())
    complaints.decide_suspension(
        db, staff(db, "NJ"), complaint, granted=True, decided_on=clock.today()
    )
    with pytest.raises(DomainError, match="suspensive effect is already recorded"):
        complaints.decide_suspension(
            db, staff(db, "NJ"), complaint, granted=False, decided_on=clock.today()
        )
    assert complaint.state == ComplaintState.SUSPENSION_GRANTED


def test_the_ruling_is_recorded_once_and_ends_the_suspension_question(db, approved):
    complaint = register(db, approved, clock.today())
    ruling = RulingInput(ComplaintState.UPHELD, clock.today())
    complaints.record_ruling(db, staff(db, "NJ"), complaint, ruling)
    with pytest.raises(DomainError, match="ruling on this complaint is already recorded"):
        complaints.record_ruling(db, staff(db, "NJ"), complaint, ruling)
    with pytest.raises(DomainError, match="suspensive effect is already recorded"):
        complaints.decide_suspension(
            db, staff(db, "NJ"), complaint, granted=True, decided_on=clock.today()
        )


def test_a_ruling_is_one_of_the_board_s_rulings(db, approved):
    complaint = register(db, approved, clock.today())
    with pytest.raises(DomainError, match="Choose the board's ruling"):
        complaints.record_ruling(
            db,
            staff(db, "NJ"),
            complaint,
            RulingInput(ComplaintState.SUSPENSION_GRANTED, clock.today()),
        )


def test_the_board_cannot_decide_before_the_complaint_or_in_the_future(db, approved):
    complaint = register(db, approved, clock.today())
    with pytest.raises(DomainError, match="before the complaint was received"):
        complaints.decide_suspension(
            db,
            staff(db, "NJ"),
            complaint,
            granted=True,
            decided_on=clock.today() - timedelta(days=1),
        )
    with pytest.raises(DomainError, match="decision cannot be in the future"):
        complaints.record_ruling(
            db,
            staff(db, "NJ"),
            complaint,
            RulingInput(ComplaintState.UPHELD, clock.today() + timedelta(days=1)),
        )
    assert complaint.state == ComplaintState.RECEIVED


# --- the record and who is told ---------------------------------------------------------------


def test_registration_and_decisions_are_audited_and_told(db, approved, second_staff):
    complaint = complaints.register(
        db,
        staff(db, "NJ"),
        approved,
        ComplaintInput("Rival Consult ApS", clock.today(), "24/01234"),
        Upload("klage.txt", b"Klage over tildelingen.\n"),
    )
    complaints.decide_suspension(
        db, staff(db, "NJ"), complaint, granted=True, decided_on=clock.today()
    )
    actions = db.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.object_type == "tenders", AuditEntry.object_id == approved.id)
        .order_by(AuditEntry.id)
    ).all()
    assert actions[-2:] == ["complaint.registered", "complaint.suspension_decided"]
    assert [d.file.filename for d in complaint.documents] == ["klage.txt"]
    told = db.scalars(
        select(Notification.user_id).where(Notification.subject.contains("24/01234"))
    ).all()
    assert second_staff.id in told  # a colleague in the region
    assert user(db, RIVAL).id in told  # a supplier who bid
    assert staff(db, "NJ").id not in told  # not the one who recorded it
    assert staff(db, "MJ").id not in told
