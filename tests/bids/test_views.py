"""Bidding through the pages, questions and answers, following a tender."""

from __future__ import annotations

from io import BytesIO

import pytest
from sqlalchemy import select

from app import clock
from app.bids.models import Bid, BidState
from app.core.errors import DomainError
from app.notifications.models import Notification
from app.tenders import questions
from app.tenders.models import TenderQuestion
from tests.bids.conftest import BIDDER, RIVAL, not_open, submit
from tests.conftest import login, user
from tests.tenders.conftest import staff


def _form(tender, price="21.500,00", met="yes", answer="Godt forløb", action="submit"):
    data = {"action": action}
    for lot in tender.lots:
        data[f"price-{lot.id}"] = price
    for requirement in tender.requirements:
        if met:
            data[f"requirement-{requirement.id}"] = met
    for criterion in tender.criteria:
        if not criterion.is_price:
            data[f"answer-{criterion.id}"] = answer
    return data


def test_a_supplier_bids_through_the_form_and_gets_a_receipt(client, db, tender):
    tender_id = tender.id
    data = _form(tender)
    db.commit()
    login(client, BIDDER)
    data["attachments"] = (BytesIO(b"%PDF-1.4 cv"), "CV mentor.pdf")
    response = client.post(
        f"/tenders/{tender_id}/bid", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 302
    receipt = client.get(response.headers["Location"]).get_data(as_text=True)
    bid = db.scalars(select(Bid).where(Bid.tender_id == tender_id)).one()
    assert bid.latest.fingerprint in receipt
    pdf = client.get(f"/bids/{bid.id}/versions/1/receipt.pdf")
    assert pdf.data.startswith(b"%PDF")
    detail = client.get(f"/bids/{bid.id}").get_data(as_text=True)
    assert "CV mentor.pdf" in detail and "21.500,00 kr." in detail


def test_an_unmet_requirement_is_refused_with_a_message_and_nothing_is_stored(client, db, tender):
    tender_id = tender.id
    data = _form(tender, met="")
    db.commit()
    login(client, BIDDER)
    response = client.post(f"/tenders/{tender_id}/bid", data=data)
    assert response.status_code == 409
    assert "skal opfylde alle mindstekrav" in response.get_data(as_text=True)
    assert db.scalars(select(Bid).where(Bid.tender_id == tender_id)).first() is None


def test_a_zero_price_is_refused_and_the_typed_values_stay_in_the_form(client, db, tender):
    tender_id = tender.id
    data = _form(tender, price="0", answer="Min tekst bliver stående")
    db.commit()
    login(client, BIDDER)
    html = client.post(f"/tenders/{tender_id}/bid", data=data).get_data(as_text=True)
    assert "over 0 kr." in html and "Min tekst bliver stående" in html


def test_a_draft_then_withdraw_after_submitting(client, db, tender):
    tender_id = tender.id
    draft, final = _form(tender, action="draft"), _form(tender)
    db.commit()
    login(client, BIDDER)
    assert client.post(f"/tenders/{tender_id}/bid", data=draft).status_code == 302
    bid = db.scalars(select(Bid).where(Bid.tender_id == tender_id)).one()
    assert bid.state == BidState.DRAFT
    client.post(f"/tenders/{tender_id}/bid", data=final)
    assert client.get(f"/bids/{bid.id}/withdraw").status_code == 200
    assert client.post(f"/bids/{bid.id}/withdraw").status_code == 302
    db.expire_all()
    assert db.get(Bid, bid.id).state == BidState.WITHDRAWN


def test_after_the_deadline_the_form_refuses(client, db, tender):
    tender_id, deadline = tender.id, tender.bid_deadline
    data = _form(tender)
    db.commit()
    login(client, BIDDER)
    with clock.frozen_at(deadline):
        response = client.post(f"/tenders/{tender_id}/bid", data=data)
    assert response.status_code == 409
    assert "Tilbudsfristen" in response.get_data(as_text=True)


def test_a_question_is_answered_for_everyone_without_the_askers_name(app, client, db, tender):
    question = questions.ask(db, user(db, BIDDER), tender, "Må vi bruge underleverandører?")
    questions.follow_as(db, user(db, RIVAL), tender)
    tender_id, question_id = tender.id, question.id
    db.commit()
    login(client, "region.nordjylland@demo.dk")
    manage = client.get(f"/manage/tenders/{tender_id}").get_data(as_text=True)
    assert "Må vi bruge underleverandører?" in manage and "Akademikerhuset" not in manage
    url = f"/manage/tenders/{tender_id}/questions/{question_id}/answer"
    answer = {"answer": "Ja, hvis de opfylder mindstekravene."}
    asked = client.post(url, data=answer).get_data(as_text=True)  # it asks first, showing it
    assert "Offentliggør svaret?" in asked and "Ja, hvis de opfylder mindstekravene." in asked
    response = client.post(url, data={**answer, "confirmed": "yes"})
    assert response.status_code == 302
    public = app.test_client().get(f"/tenders/{tender_id}").get_data(as_text=True)
    assert "Ja, hvis de opfylder mindstekravene." in public and "Akademikerhuset" not in public
    rival_inbox = db.scalars(
        select(Notification.subject).where(Notification.user_id == user(db, RIVAL).id)
    ).all()
    assert any("er besvaret" in s or "is answered" in s for s in rival_inbox)


def test_questions_close_at_the_deadline(db, tender):
    with (
        clock.frozen_at(tender.bid_deadline),
        pytest.raises(DomainError, match="questions are closed"),
    ):
        questions.ask(db, user(db, BIDDER), tender, "For sent?")


def test_only_the_owning_region_answers(db, tender):
    question = questions.ask(db, user(db, BIDDER), tender, "Spørgsmål")
    with pytest.raises(DomainError):
        questions.answer(db, staff(db, "SD"), question, "Svar")
    assert db.get(TenderQuestion, question.id).answered_at is None


def test_a_supplier_follows_and_hears_of_amendments(client, db, tender):
    from app.tenders import services

    tender_id = tender.id
    db.commit()
    login(client, RIVAL)
    assert client.post(f"/tenders/{tender_id}/follow").status_code == 302
    from app.tenders.models import Tender

    tender = db.get(Tender, tender_id)
    services.add_clarification(db, staff(db, "NJ"), tender, "Præcisering til alle.")
    subjects = db.scalars(
        select(Notification.subject).where(Notification.user_id == user(db, RIVAL).id)
    ).all()
    assert any(tender.reference in s for s in subjects)


@pytest.mark.parametrize("state", ["draft", "approved", "cancelled"])
def test_the_bid_form_of_a_tender_that_is_not_published_does_not_exist(client, db, state):
    """The view asks first: neither the form nor a post reaches the service (which refuses
    too, see test_bids)."""
    tender = not_open(db, state)
    tender_id, data = tender.id, _form(tender)
    db.commit()
    login(client, BIDDER)
    assert client.get(f"/tenders/{tender_id}/bid").status_code == 404
    for action in ("submit", "draft"):
        response = client.post(f"/tenders/{tender_id}/bid", data={**data, "action": action})
        assert response.status_code == 404
    assert db.scalars(select(Bid).where(Bid.tender_id == tender_id)).first() is None


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("noter.txt", "Noter om forløbet".encode(), "text/plain; charset=utf-8"),
        ("CV mentor.pdf", b"%PDF-1.4 cv", "application/pdf"),
    ],
)
def test_a_bid_attachment_is_downloaded_with_its_type_once(
    client, db, tender, name, data, content_type
):
    from hashlib import sha256

    from tests.bids.conftest import Attachment, submit

    bid_id = submit(db, tender, attachments=[Attachment(name, data)]).bid_id
    db.commit()
    login(client, BIDDER)
    response = client.get(f"/bids/{bid_id}/versions/1/attachments/{sha256(data).hexdigest()}")
    assert response.data == data
    assert response.headers["Content-Type"] == content_type
    assert response.headers["Content-Disposition"].startswith("attachment;")


def test_the_bid_page_of_a_tender_cancelled_before_its_deadline_offers_no_change(
    client, db, tender
):
    """Open for bids is Tender.accepts_bids: a cancelled tender's deadline still ahead does
    not make it open (the form is gone, the service refuses a withdrawal)."""
    from app.tenders import services as tenders

    bid_id = submit(db, tender).bid.id
    tender_id = tender.id
    tenders.cancel(db, staff(db, "NJ"), tender, "Behovet er faldet bort")
    db.commit()
    login(client, BIDDER)
    page = client.get(f"/bids/{bid_id}").get_data(as_text=True)
    assert f'href="/tenders/{tender_id}/bid"' not in page
    assert f'href="/bids/{bid_id}/withdraw"' not in page
    withdraw = client.get(f"/bids/{bid_id}/withdraw").get_data(as_text=True)
    assert "Ja, træk tilbage" not in withdraw


def test_the_bid_page_of_an_open_tender_offers_replacing_and_withdrawing(client, db, tender):
    bid_id = submit(db, tender).bid.id
    tender_id = tender.id
    db.commit()
    login(client, BIDDER)
    page = client.get(f"/bids/{bid_id}").get_data(as_text=True)
    assert f'href="/tenders/{tender_id}/bid"' in page
    assert f'href="/bids/{bid_id}/withdraw"' in page
    assert "Ja, træk tilbage" in client.get(f"/bids/{bid_id}/withdraw").get_data(as_text=True)


def test_a_question_on_a_cancelled_tender_is_not_answered(client, db, tender):
    from app.tenders import services as tenders

    question = questions.ask(db, user(db, BIDDER), tender, "Spørgsmål")
    tenders.cancel(db, staff(db, "NJ"), tender, "Behovet er faldet bort")
    with pytest.raises(DomainError, match="while the tender is cancelled"):
        questions.answer(db, staff(db, "NJ"), question, "Svar")
    assert question.answered_at is None
    tender_id, question_id = tender.id, question.id
    db.commit()
    login(client, "region.nordjylland@demo.dk")
    page = client.get(f"/manage/tenders/{tender_id}").get_data(as_text=True)
    assert "Spørgsmål" in page
    assert f"/questions/{question_id}/answer" not in page


def test_a_question_is_answered_after_the_deadline(db, tender):
    question = questions.ask(db, user(db, BIDDER), tender, "Spørgsmål")
    with clock.frozen_at(tender.bid_deadline):
        questions.answer(db, staff(db, "NJ"), question, "Svar")
    assert question.answered_at is not None
