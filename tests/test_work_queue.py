""" "Waiting for you": everything that waits for the user, on the start page and on the
tender's page, each with a link to where it is done, each kind counted in SQL."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app import clock
from app.bids import services as bids
from app.evaluation import services as evaluation
from app.knowledge.models import KnowledgeRequest, SpecialistEntry
from app.minicompetitions import services as competitions
from app.suppliers.models import Supplier
from app.tenders.lifecycle import TenderStep
from app.tenders.models import TenderQuestion
from app.tenders.queries import waiting_for
from tests.bids.conftest import BIDDER, submit
from tests.bids.conftest import content as bid_content
from tests.conftest import login, user
from tests.minicompetitions.conftest import ODENSE, SUPPLIER_USERS, respond, started
from tests.query_count import queries_for
from tests.tenders.conftest import published, staff

NJ_STAFF = "region.nordjylland@demo.dk"


def _question(db, tender) -> TenderQuestion:
    supplier = db.scalars(select(Supplier).order_by(Supplier.id)).first()
    question = TenderQuestion(
        tender_id=tender.id, asked_by_supplier_id=supplier.id, text="Må man byde på ét delområde?"
    )
    db.add(question)
    db.flush()
    return question


def _start(app, email: str = NJ_STAFF, password: str | None = None) -> str:
    client = app.test_client()
    login(client, email, *([password] if password else []))
    return client.get("/start").get_data(as_text=True)


def test_an_unanswered_question_waits_on_the_start_page_and_the_tender_page(app, db):
    tender = published(db)
    _question(db, tender)
    tender_id, waits = tender.id, f"{tender.reference} {tender.title}: Besvar leverandørernes"
    db.commit()
    assert waits in _start(app)
    client = app.test_client()
    login(client, NJ_STAFF)
    detail = client.get(f"/manage/tenders/{tender_id}").get_data(as_text=True)
    assert 'data-testid="waiting-here"' in detail and 'href="#questions"' in detail
    assert "Intet for dig at gøre på dette udbud lige nu" not in detail


def test_an_answered_question_no_longer_waits(app, db):
    tender = published(db)
    question = _question(db, tender)
    question.answer, question.answered_at = "Ja.", clock.now()
    waits = f"{tender.reference} {tender.title}: Besvar leverandørernes"
    db.commit()
    assert waits not in _start(app)


def test_a_tender_past_its_deadline_waits_to_be_opened_then_evaluated(app, db):
    tender = published(db)
    tender.lots[1:] = []
    submit(db, tender)
    tender_id = tender.id
    opening = f'href="/manage/tenders/{tender_id}/opening"'
    evaluate = f'href="/manage/tenders/{tender_id}/evaluation"'
    db.commit()
    assert opening not in _start(app)  # before the deadline: nothing to open
    with clock.frozen_at(tender.bid_deadline + timedelta(hours=1)):
        page = _start(app)
        assert opening in page and "åbn tilbuddene" in page
        client = app.test_client()
        login(client, NJ_STAFF)
        detail = client.get(f"/manage/tenders/{tender_id}").get_data(as_text=True)
        assert "Intet for dig at gøre på dette udbud lige nu" not in detail
        assert f'href="/manage/tenders/{tender_id}/opening"' in detail
        evaluation.open_bids(db, staff(db, "NJ"), db.merge(tender))
        db.commit()
        page = _start(app)
        assert opening not in page
        assert evaluate in page and "Evaluér tilbuddene og indstil tildelingen" in page


def test_a_knowledge_request_waits_for_the_region_to_answer(app, db):
    region_staff = staff(db, "NJ")
    entry = SpecialistEntry(
        region_id=region_staff.organisation_id,
        area="Autisme",
        provider="Center for Autisme",
        contact="kontakt@autisme.dk",
        created_by_id=region_staff.id,
        created_at=clock.now(),
    )
    db.add(entry)
    db.flush()
    asker = user(db, "jobcenter.aalborg@demo.dk")
    db.add(
        KnowledgeRequest(
            entry_id=entry.id,
            jobcentre_id=asker.organisation_id,
            question="Hvem kender til autisme?",
            asked_by_id=asker.id,
            asked_at=clock.now(),
        )
    )
    db.commit()
    page = _start(app)
    assert "forespørgsel om specialviden venter på dit svar" in page
    assert f'href="/knowledge/entries/{entry.id}"' in page


def test_nothing_waiting_says_so(app, db):
    assert 'data-testid="nothing-waiting"' in _start(app, "admin@demo.dk")


def test_the_start_page_asks_a_fixed_number_of_queries_however_much_waits(app, db):
    client = app.test_client()
    login(client, NJ_STAFF)
    tender = published(db)
    _question(db, tender)
    db.commit()
    few = queries_for(client, app, "/start")
    for _n in range(3):
        _question(db, published(db))
    db.commit()
    assert queries_for(client, app, "/start") == few


# --- the supplier's drafts and invitations, the organiser's competitions to evaluate ---------


def test_a_draft_bid_waits_for_its_supplier_until_submitted_or_past_the_deadline(app, db):
    tender = published(db)
    drafts_before = bids.drafts_due(db, user(db, BIDDER))
    bids.save_draft(db, user(db, BIDDER), tender, bid_content(tender))
    db.commit()
    assert bids.drafts_due(db, user(db, BIDDER)) == drafts_before + 1
    page = _start(app, BIDDER)
    assert "tilbudskladde" in page and 'href="/bids"' in page
    with clock.frozen_at(tender.bid_deadline):  # to the second: no longer submittable
        assert bids.drafts_due(db, user(db, BIDDER)) == drafts_before
    bids.submit(db, user(db, BIDDER), tender, bid_content(tender))
    assert bids.drafts_due(db, user(db, BIDDER)) == drafts_before


def test_an_invitation_waits_until_answered_and_the_evaluation_after_the_deadline(app, db):
    competition = started(db)
    supplier, jobcentre = user(db, SUPPLIER_USERS[0]), user(db, ODENSE)
    invited = competitions.awaiting_response(db, supplier)
    to_evaluate = competitions.awaiting_evaluation(db, jobcentre)
    assert invited >= 1
    respond(db, competition, SUPPLIER_USERS[0], "950.00")
    assert competitions.awaiting_response(db, supplier) == invited - 1
    db.commit()
    with clock.frozen_at(competition.response_deadline - timedelta(seconds=1)):
        assert competitions.awaiting_evaluation(db, jobcentre) == to_evaluate
    with clock.frozen_at(competition.response_deadline):
        assert competitions.awaiting_evaluation(db, jobcentre) == to_evaluate + 1
        assert "giv svarene point, og tildel" in _start(app, ODENSE)
    competitions.cancel(db, jobcentre, competition, "Behovet er væk.")
    with clock.frozen_at(competition.response_deadline):
        assert competitions.awaiting_evaluation(db, jobcentre) == to_evaluate


def test_an_invitation_not_answered_shows_on_the_suppliers_start_page(app, db):
    started(db)
    db.commit()
    page = _start(app, SUPPLIER_USERS[1])
    assert "til miniudbud venter på jeres svar" in page and 'href="/mini-competitions"' in page


def test_one_step_waiting_on_many_tenders_is_one_counted_line(app, db):
    for _ in range(4):
        _question(db, published(db))
    db.commit()
    waiting = [
        item for item in waiting_for(db, user(db, NJ_STAFF)) if item.step == TenderStep.ANSWER
    ]
    assert len(waiting) >= 4
    page = _start(app)
    assert f"{len(waiting)} udbud: Besvar leverandørernes spørgsmål" in page
    assert not any(
        f"{item.tender.reference} {item.tender.title}: Besvar" in page for item in waiting
    )
    assert 'href="/manage/tenders"' in page
