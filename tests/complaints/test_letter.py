"""The award letter carries the complaint guidance (klagevejledning) the law requires: the
time limits, the suspensive effect of a complaint within the standstill, the board's address."""

from __future__ import annotations

from sqlalchemy import select

from app.auth.models import User
from app.core.i18n import format_date
from app.evaluation import services as evaluation
from tests.conftest import login


def test_the_award_letter_carries_the_complaint_guidance(app, client, db, approved):
    award = evaluation.award_of(db, approved)
    bid = award.winners[1].bid
    email = db.scalars(
        select(User.email).where(User.organisation_id == bid.supplier.organisation_id)
    ).first()
    bid_id, ends = bid.id, award.standstill_ends_on
    db.commit()
    login(client, email)
    page = client.get(f"/bids/{bid_id}/letter")
    assert page.status_code == 200
    html = page.text
    assert 'data-testid="complaint-guidance"' in html
    for text in (
        "Klagevejledning",
        "§ 7, stk. 2, i lov om Klagenævnet for Udbud",
        "inden 45 kalenderdage",
        "inden 6 måneder",
        "opsættende virkning",
        "Nævnenes Hus, Toldboden 2, 8800 Viborg",
        "klfu@naevneneshus.dk",
    ):
        assert text in html, text
    with app.test_request_context():
        assert f"som slutter {format_date(ends)}" in html


def test_the_award_letter_pdf_carries_the_guidance_too(app):
    source = app.jinja_env.loader.get_source(app.jinja_env, "bids/pdf/letter.html")[0]
    assert '{% include "bids/_letter.html" %}' in source
