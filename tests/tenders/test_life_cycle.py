"""The state machine: council involvement, directors, ministries, publication, amendments."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app import clock
from app.audit.models import AuditEntry
from app.core.errors import DomainError, NotAllowed
from app.notifications.models import Notification
from app.tenders import services
from app.tenders.lifecycle import TenderStep, next_steps
from app.tenders.models import ApprovalKind, Scope, TenderState
from tests.conftest import login, user
from tests.tenders.conftest import (
    NOW,
    approved,
    content,
    decision,
    director,
    group,
    need,
    new_tender,
    published,
    staff,
    submitted,
)


def _ministry(db):
    return user(db, "ministeriet@demo.dk")


def _integration(db):
    return user(db, "integration@demo.dk")


def test_a_regional_tender_walks_from_draft_to_published(db):
    tender = published(db)
    assert tender.state == TenderState.PUBLISHED
    actions = db.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.object_type == "tenders", AuditEntry.object_id == tender.id)
        .order_by(AuditEntry.seq)
    ).all()
    assert actions == [
        "tender.created",
        "tender.council_decision_linked",
        "tender.council_involved",
        "tender.submitted",
        "tender.approved",
        "tender.published",
    ]


def test_council_involvement_needs_a_linked_decision(db):
    tender = new_tender(db)
    with pytest.raises(DomainError, match="Link a decision of the region's council"):
        services.involve_council(db, staff(db, "NJ"), tender)
    assert tender.state == TenderState.DRAFT


def test_a_regional_tender_cannot_use_another_councils_decision(db):
    tender = new_tender(db)
    with pytest.raises(DomainError, match="its own region's council"):
        services.link_council_decision(db, staff(db, "NJ"), tender, decision(db, "SD"))


def test_submission_needs_council_involvement_first(db):
    tender = new_tender(db)
    with pytest.raises(DomainError, match="while the tender is draft"):
        services.submit(db, staff(db, "NJ"), tender)


def test_only_the_ministry_approves(db):
    tender = submitted(db)
    for who in (staff(db, "NJ"), director(db, "NJ"), _integration(db)):
        with pytest.raises(NotAllowed, match="Only the Ministry of Employment"):
            services.approve(db, who, tender)
    assert tender.state == TenderState.SUBMITTED


def test_the_submission_tells_the_ministry(db):
    tender = submitted(db)
    ministry = _ministry(db)
    subjects = db.scalars(
        select(Notification.subject).where(Notification.user_id == ministry.id)
    ).all()
    assert f"Tender {tender.reference} waits for your approval" in subjects


def test_an_integration_tender_needs_the_integration_ministrys_agreement_first(db):
    refugees = group(db, "Flygtninge og indvandrere")
    tender = submitted(db, target_group_ids=[refugees.id])
    with pytest.raises(DomainError, match="Ministry of Integration must agree"):
        services.approve(db, _ministry(db), tender)
    services.agree_integration(db, _integration(db), tender)
    services.approve(db, _ministry(db), tender)
    assert tender.state == TenderState.APPROVED


def test_the_integration_ministry_agrees_only_to_integration_tenders(db):
    tender = submitted(db)
    with pytest.raises(DomainError, match="does not concern the integration effort"):
        services.agree_integration(db, _integration(db), tender)


def test_a_ministry_returns_a_tender_with_reasons(db):
    tender = submitted(db)
    with pytest.raises(DomainError, match="Give the reasons"):
        services.return_to_draft(db, _ministry(db), tender, "  ")
    services.return_to_draft(db, _ministry(db), tender, "Målgruppen er for bred.")
    assert tender.state == TenderState.DRAFT and tender.return_reason == "Målgruppen er for bred."
    assert tender.returned_by.name == "Beskæftigelsesministeriet"


def test_the_integration_ministry_returns_only_integration_tenders(db):
    tender = submitted(db)
    with pytest.raises(NotAllowed, match="only return tenders for the integration effort"):
        services.return_to_draft(db, _integration(db), tender, "Nej")
    refugees = group(db, "Flygtninge og indvandrere")
    integration_tender = submitted(db, target_group_ids=[refugees.id])
    services.return_to_draft(db, _integration(db), integration_tender, "Uklart.")
    assert integration_tender.state == TenderState.DRAFT


def test_the_integration_ministry_returns_a_tender_only_while_its_agreement_is_awaited(db):
    refugees = group(db, "Flygtninge og indvandrere")
    tender = submitted(db, target_group_ids=[refugees.id])
    assert TenderStep.RETURN in next_steps(_integration(db), tender)
    services.agree_integration(db, _integration(db), tender)
    assert next_steps(_integration(db), tender) == [TenderStep.AGREE_INTEGRATION]
    with pytest.raises(DomainError, match="The Ministry of Employment decides"):
        services.return_to_draft(db, _integration(db), tender, "Alligevel ikke.")
    assert tender.state == TenderState.SUBMITTED
    # The Ministry of Employment still may.
    assert TenderStep.RETURN in next_steps(_ministry(db), tender)
    services.return_to_draft(db, _ministry(db), tender, "Uklart.")
    assert tender.state == TenderState.DRAFT


def test_after_agreeing_the_integration_ministry_s_page_offers_no_return(client, db):
    refugees = group(db, "Flygtninge og indvandrere")
    tender = submitted(db, target_group_ids=[refugees.id])
    services.agree_integration(db, _integration(db), tender)
    tender_id = tender.id
    db.commit()
    login(client, "integration@demo.dk")
    page = client.get(f"/manage/tenders/{tender_id}").get_data(as_text=True)
    assert 'data-step="agree_integration"' in page
    assert 'data-step="return"' not in page
    assert (
        client.post(f"/manage/tenders/{tender_id}/return", data={"reason": "Nej"}).status_code
        == 409
    )


def test_after_an_edit_an_old_council_decision_does_not_cover_the_new_version(db):
    tender = new_tender(db)
    old_decision = decision(db, "NJ", decided_on=NOW.date() - timedelta(days=90))
    services.update_tender(db, staff(db, "NJ"), tender, content(db, title="Ændret"))
    with pytest.raises(DomainError, match="older than this version"):
        services.link_council_decision(db, staff(db, "NJ"), tender, old_decision)


def test_a_council_decision_cannot_be_dated_in_the_future(db):
    from datetime import date

    from app.councils import services as councils

    council = decision(db, "NJ").council
    with pytest.raises(DomainError, match="dated in the future"):
        councils.add_decision(
            db, staff(db, "NJ"), council, decided_on=date(2030, 1, 1), concerns="X", text="Y"
        )


def test_a_cancelled_published_tender_stays_public_with_its_reason(app, db):
    tender = published(db)
    services.cancel(db, staff(db, "NJ"), tender, "Markedet er ændret.")
    tender_id = tender.id
    db.commit()
    page = app.test_client().get(f"/tenders/{tender_id}").get_data(as_text=True)
    assert "Udbuddet er annulleret: Markedet er ændret." in page


def test_an_edit_voids_the_council_decision_so_it_cannot_be_submitted(db):
    tender = new_tender(db)
    services.link_council_decision(db, staff(db, "NJ"), tender, decision(db, "NJ"))
    services.involve_council(db, staff(db, "NJ"), tender)
    services.update_tender(db, staff(db, "NJ"), tender, content(db, title="Ændret titel"))
    assert tender.state == TenderState.DRAFT
    assert tender.valid_approvals(ApprovalKind.COUNCIL) == []
    with pytest.raises(DomainError, match="Link a decision"):
        services.involve_council(db, staff(db, "NJ"), tender)


def test_an_approval_after_an_edit_is_refused(db):
    """The ministry approved version 1; after an edit, publication needs a new approval."""
    tender = approved(db)
    services.update_tender(
        db, staff(db, "NJ"), tender, content(db, title="Ændret efter godkendelse")
    )
    assert tender.state == TenderState.DRAFT
    with pytest.raises(DomainError, match="while the tender is draft"):
        services.publish(db, staff(db, "NJ"), tender)
    with pytest.raises(DomainError, match="while the tender is draft"):
        services.approve(db, _ministry(db), tender)
    entry = db.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "tender.updated")
        .order_by(AuditEntry.seq.desc())
    ).first()
    assert entry.changes["voided"] == ["council", "ministry"]


def test_a_submitted_tender_cannot_be_edited(db):
    tender = submitted(db)
    with pytest.raises(DomainError, match="submitted for approval"):
        services.update_tender(db, staff(db, "NJ"), tender, content(db, title="Snyd"))


def _national(db):
    tender = new_tender(db, "MJ", scope=Scope.NATIONAL, need_id=need(db, "MJ").id)
    return tender


def test_a_national_tender_needs_all_four_councils(db):
    tender = _national(db)
    for code in ("MJ", "NJ", "SD"):
        services.link_council_decision(db, staff(db, "MJ"), tender, decision(db, code))
    with pytest.raises(DomainError, match=r"all four councils.*Hovedstaden"):
        services.involve_council(db, staff(db, "MJ"), tender)
    services.link_council_decision(db, staff(db, "MJ"), tender, decision(db, "HS"))
    services.involve_council(db, staff(db, "MJ"), tender)
    assert tender.state == TenderState.COUNCIL_INVOLVED


def test_a_national_tender_needs_all_four_directors_before_submission(db):
    tender = _national(db)
    for code in ("MJ", "NJ", "SD", "HS"):
        services.link_council_decision(db, staff(db, "MJ"), tender, decision(db, code))
    services.involve_council(db, staff(db, "MJ"), tender)
    directors_told = db.scalars(
        select(Notification).where(Notification.subject.contains(tender.reference))
    ).all()
    assert len(directors_told) == 4
    for code in ("MJ", "NJ", "SD"):
        services.agree_as_director(db, director(db, code), tender)
    with pytest.raises(DomainError, match=r"all four regional directors.*Hovedstaden"):
        services.submit(db, staff(db, "MJ"), tender)
    with pytest.raises(DomainError, match="already agreed"):
        services.agree_as_director(db, director(db, "SD"), tender)
    services.agree_as_director(db, director(db, "HS"), tender)
    services.submit(db, staff(db, "MJ"), tender)
    assert tender.state == TenderState.SUBMITTED


def test_only_directors_agree_and_only_to_national_tenders(db):
    tender = submitted(db)
    with pytest.raises(NotAllowed):
        services.agree_as_director(db, staff(db, "NJ"), tender)
    with pytest.raises(DomainError, match="Only national tenders"):
        services.agree_as_director(db, director(db, "NJ"), tender)


def test_bidding_closes_at_the_deadline_to_the_second(db):
    tender = published(db)
    deadline = tender.bid_deadline
    assert tender.state_at(deadline - timedelta(microseconds=1)) == TenderState.PUBLISHED
    assert tender.state_at(deadline) == TenderState.BIDDING_CLOSED


def test_clarifications_and_extra_time_only_while_bidding_is_open(db):
    tender = published(db)
    services.add_clarification(db, staff(db, "NJ"), tender, "Tilbud må gerne være på engelsk.")
    later = tender.bid_deadline + timedelta(days=7)
    with pytest.raises(DomainError, match="only be made later"):
        services.extend_deadline(db, staff(db, "NJ"), tender, tender.bid_deadline, "Samme tid")
    with pytest.raises(DomainError, match="reason"):
        services.extend_deadline(db, staff(db, "NJ"), tender, later, " ")
    services.extend_deadline(db, staff(db, "NJ"), tender, later, "Spørgsmål fra leverandører.")
    assert tender.bid_deadline == later
    assert [a.kind.value for a in tender.amendments] == ["clarification", "deadline"]
    with clock.frozen_at(later):
        with pytest.raises(DomainError, match="can no longer be moved"):
            services.extend_deadline(
                db, staff(db, "NJ"), tender, later + timedelta(days=1), "For sent"
            )
        with pytest.raises(DomainError, match="bidding closed"):
            services.add_clarification(db, staff(db, "NJ"), tender, "For sent")


def test_a_published_tender_cannot_be_edited(db):
    tender = published(db)
    with pytest.raises(DomainError, match="published"):
        services.update_tender(db, staff(db, "NJ"), tender, content(db, title="Ny titel"))


def test_an_extra_document_after_publication_is_an_amendment(db):
    tender = published(db)
    version = tender.content_version
    services.add_document(db, staff(db, "NJ"), tender, "bilag.pdf", b"%PDF-1.4 test")
    assert tender.content_version == version
    assert tender.amendments[-1].kind.value == "document"


def test_a_document_before_publication_is_content_and_voids_approvals(db):
    tender = approved(db)
    services.add_document(db, staff(db, "NJ"), tender, "bilag.pdf", b"%PDF-1.4 test")
    assert tender.state == TenderState.DRAFT


def test_cancelling_needs_a_reason_and_ends_the_tender(db):
    tender = published(db)
    with pytest.raises(DomainError, match="reason"):
        services.cancel(db, staff(db, "NJ"), tender, "")
    services.cancel(db, staff(db, "NJ"), tender, "Behovet er faldet bort.")
    assert tender.state == TenderState.CANCELLED
    with pytest.raises(DomainError, match="cancelled"):
        services.cancel(db, staff(db, "NJ"), tender, "Igen")


def test_publication_after_the_deadline_is_refused(db):
    tender = approved(db)
    with clock.frozen_at(tender.bid_deadline), pytest.raises(DomainError, match="has passed"):
        services.publish(db, staff(db, "NJ"), tender)


def test_now_is_the_frozen_test_time(db):
    assert clock.now() == NOW


def test_a_national_tender_waits_for_the_lead_region_once_all_directors_agree(db):
    from app.tenders.queries import waiting_for

    tender = _national(db)
    for code in ("MJ", "NJ", "SD", "HS"):
        services.link_council_decision(db, staff(db, "MJ"), tender, decision(db, code))
    services.involve_council(db, staff(db, "MJ"), tender)
    lead = staff(db, "MJ")
    assert tender not in [w.tender for w in waiting_for(db, lead)]
    for code in ("MJ", "NJ", "SD", "HS"):
        services.agree_as_director(db, director(db, code), tender)
    db.flush()
    assert tender in [w.tender for w in waiting_for(db, lead)]


def test_a_decision_used_for_one_tender_cannot_approve_another(db):
    first, second = new_tender(db), new_tender(db, title="Et andet udbud")
    used = decision(db, "NJ")
    services.link_council_decision(db, staff(db, "NJ"), first, used)
    with pytest.raises(DomainError, match="already used for something else"):
        services.link_council_decision(db, staff(db, "NJ"), second, used)
    assert second.valid_approvals(ApprovalKind.COUNCIL) == []


def test_a_decision_spent_on_a_grant_cannot_approve_a_tender(db):
    from app.councils.models import CouncilDecision
    from app.grants.models import GrantProject
    from app.organisations.models import Council
    from tests.tenders.conftest import region

    spent = db.scalars(
        select(CouncilDecision)
        .join(GrantProject, GrantProject.decision_id == CouncilDecision.id)
        .join(Council, CouncilDecision.council_id == Council.id)
        .where(Council.region_id == region(db, "NJ").id)
    ).first()
    assert spent is not None, "the demo allocates Nordjylland's grants on council decisions"
    with pytest.raises(DomainError, match="already used for something else"):
        services.link_council_decision(db, staff(db, "NJ"), new_tender(db), spent)


def test_a_tender_may_link_its_own_decision_again_after_an_edit_that_day(db):
    tender = new_tender(db)
    own = decision(db, "NJ")
    services.link_council_decision(db, staff(db, "NJ"), tender, own)
    services.update_tender(db, staff(db, "NJ"), tender, content(db, title="Ændret"))
    services.link_council_decision(db, staff(db, "NJ"), tender, own)
    assert [a.decision_id for a in tender.valid_approvals(ApprovalKind.COUNCIL)] == [own.id]
