"""An award proposal refused: the second person sends it back with a reason, or the proposer
withdraws it; either way the evaluation reopens and a new award may be proposed."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.core.errors import DomainError
from app.evaluation import services
from app.evaluation.models import Award, AwardState
from app.notifications.models import Notification
from app.tenders.lifecycle import TenderStep, next_steps
from tests.conftest import login
from tests.tenders.conftest import staff


def _start(app, email: str = "region.nordjylland@demo.dk", password: str | None = None) -> str:
    client = app.test_client()
    login(client, email, *([password] if password else []))
    return client.get("/start").get_data(as_text=True)


REASON = "Pointene for kvalitet er ikke begrundet nok."


def _actions(db, tender) -> list[str]:
    return list(
        db.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.action.like("award.%"))
            .order_by(AuditEntry.id)
        )
    )


def test_the_second_person_sends_the_award_back_and_the_evaluation_reopens(
    db, scored, second_staff
):
    proposer = staff(db, "NJ")
    award = services.propose_award(db, proposer, scored)
    services.declare_no_conflict(db, second_staff, scored)
    assert TenderStep.SEND_BACK_AWARD in next_steps(second_staff, scored, page="evaluation")
    services.send_back_award(db, second_staff, scored, f"  {REASON} ")
    assert award.state == AwardState.SENT_BACK
    assert (award.end_reason, award.ended_by_id) == (REASON, second_staff.id)
    assert services.award_of(db, scored) is None
    assert not services.evaluation_locked(services.award_of(db, scored))
    assert services.ended_proposal_of(db, scored) == award
    assert _actions(db, scored)[-1] == "award.sent_back"
    told = db.scalars(select(Notification).where(Notification.user_id == proposer.id)).all()
    assert any(REASON in n.body and scored.reference in n.subject for n in told)
    # A new award may be proposed on the reopened evaluation; the ended one is kept.
    services.propose_award(db, proposer, scored)
    states = db.scalars(select(Award.state).where(Award.tender_id == scored.id)).all()
    assert sorted(states) == sorted([AwardState.SENT_BACK, AwardState.PROPOSED])


def test_sending_back_needs_a_reason(db, scored, second_staff):
    services.propose_award(db, staff(db, "NJ"), scored)
    services.declare_no_conflict(db, second_staff, scored)
    with pytest.raises(DomainError, match="Give the reason for sending the award back"):
        services.send_back_award(db, second_staff, scored, "   ")
    assert services.award_of(db, scored).state == AwardState.PROPOSED


def test_the_proposer_cannot_send_back_their_own_proposal(db, scored):
    services.propose_award(db, staff(db, "NJ"), scored)
    with pytest.raises(DomainError, match="withdraw it instead"):
        services.send_back_award(db, staff(db, "NJ"), scored, REASON)


def test_an_approved_award_can_no_longer_be_sent_back_or_withdrawn(db, scored, second_staff):
    services.propose_award(db, staff(db, "NJ"), scored)
    services.declare_no_conflict(db, second_staff, scored)
    services.approve_award(db, second_staff, scored)
    assert TenderStep.SEND_BACK_AWARD not in next_steps(second_staff, scored, page="evaluation")
    with pytest.raises(DomainError, match="no proposed award waiting for approval"):
        services.send_back_award(db, second_staff, scored, REASON)
    with pytest.raises(DomainError, match="no proposed award waiting for approval"):
        services.withdraw_award(db, staff(db, "NJ"), scored)
    assert services.award_of(db, scored).state == AwardState.APPROVED


def test_nothing_to_send_back_before_a_proposal(db, scored, second_staff):
    services.declare_no_conflict(db, second_staff, scored)
    with pytest.raises(DomainError, match="no proposed award waiting for approval"):
        services.send_back_award(db, second_staff, scored, REASON)


def test_the_proposer_withdraws_a_proposal_not_yet_approved(db, scored, second_staff):
    award = services.propose_award(db, staff(db, "NJ"), scored)
    services.declare_no_conflict(db, second_staff, scored)
    with pytest.raises(DomainError, match="Only the person who proposed"):
        services.withdraw_award(db, second_staff, scored)
    services.withdraw_award(db, staff(db, "NJ"), scored)
    assert award.state == AwardState.WITHDRAWN
    assert services.award_of(db, scored) is None
    assert _actions(db, scored)[-1] == "award.withdrawn"
    # Reopened: the scores may change again.
    opened = services.opening_of(db, scored).bids[0]
    criterion = next(c for c in scored.criteria if not c.is_price).id
    services.score(db, staff(db, "NJ"), opened, criterion, 7, "Ny begrundelse")


def test_the_evaluation_page_offers_send_back_to_the_second_person_and_withdraw_to_the_proposer(
    app, db, scored, second_staff
):
    services.propose_award(db, staff(db, "NJ"), scored)
    services.declare_no_conflict(db, second_staff, scored)
    tender_id = scored.id
    db.commit()
    proposer, second = app.test_client(), app.test_client()
    login(proposer, "region.nordjylland@demo.dk")
    login(second, "anden@nordjylland.dk", "a long enough password")
    page = proposer.get(f"/manage/tenders/{tender_id}/evaluation").get_data(as_text=True)
    assert 'data-step="withdraw_award"' in page and 'data-step="send_back_award"' not in page
    page = second.get(f"/manage/tenders/{tender_id}/evaluation").get_data(as_text=True)
    assert 'data-step="send_back_award"' in page and 'data-step="withdraw_award"' not in page
    refused = second.post(f"/manage/tenders/{tender_id}/award/return", data={"reason": ""})
    assert refused.status_code == 409
    assert "Giv begrundelsen" in refused.get_data(as_text=True)
    done = second.post(
        f"/manage/tenders/{tender_id}/award/return",
        data={"reason": REASON},
        follow_redirects=True,
    )
    text = done.get_data(as_text=True)
    assert done.status_code == 200
    assert REASON in text and 'data-testid="award-ended"' in text
    assert 'data-step="propose_award"' in text


def test_a_proposed_award_waits_for_the_second_person_not_the_proposer(
    app, db, scored, second_staff
):
    services.propose_award(db, staff(db, "NJ"), scored)
    waits = f"{scored.reference} {scored.title}: Godkend den indstillede tildeling"
    db.commit()
    assert waits not in _start(app)
    page = _start(app, "anden@nordjylland.dk", "a long enough password")
    assert waits in page
    assert f'href="/manage/tenders/{scored.id}/evaluation"' in page


def test_the_bid_page_links_the_award_letter_only_once_the_award_is_decided(
    app, db, scored, second_staff
):
    from app.bids.models import Bid
    from tests.bids.conftest import BIDDER
    from tests.conftest import user

    bid_id = db.scalar(
        select(Bid.id).where(
            Bid.tender_id == scored.id,
            Bid.supplier.has(organisation_id=user(db, BIDDER).organisation_id),
        )
    )
    db.commit()
    client = app.test_client()
    login(client, BIDDER)
    assert "Tildelingsbrev" not in client.get(f"/bids/{bid_id}").get_data(as_text=True)
    services.propose_award(db, staff(db, "NJ"), scored)
    db.commit()
    assert "Tildelingsbrev" not in client.get(f"/bids/{bid_id}").get_data(as_text=True)
    services.declare_no_conflict(db, second_staff, scored)
    services.approve_award(db, second_staff, scored)
    db.commit()
    assert "Tildelingsbrev" in client.get(f"/bids/{bid_id}").get_data(as_text=True)
