"""Letters and documents carry what they must: the award letter and the exemption decision a
reference, the sender and complaint guidance; the evaluation report the scores per criterion
with their justifications, the conflict declarations and who proposed and approved the award;
the improvement agreement the names of its signers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from flask import render_template
from sqlalchemy import select

from app import clock
from app.bids import services as bids
from app.evaluation import views as evaluation_views
from app.exemptions import services as exemptions
from app.followup import views as followup_views
from app.followup.models import Reaction
from tests.bids.conftest import BIDDER
from tests.bids.test_bid_list import _decided
from tests.conftest import login, user
from tests.evaluation.conftest import second_staff  # noqa: F401 - a fixture
from tests.purchases.conftest import ask, framework
from tests.tenders.conftest import staff


def _text(response) -> str:
    return unescape(response.get_data(as_text=True))


@pytest.fixture
def captured(monkeypatch):
    """The HTML a PDF view renders, caught before WeasyPrint turns it into a PDF."""
    found = {}

    def render(template, **context):
        found["html"] = unescape(render_template(template, **context))
        return b"%PDF-1.4"

    monkeypatch.setattr(evaluation_views, "render_pdf", render)
    monkeypatch.setattr(followup_views, "render_pdf", render)
    return found


def test_the_award_letter_has_a_reference_the_sender_and_complaint_guidance(
    client,
    db,
    second_staff,  # noqa: F811
):
    tender = _decided(db, second_staff)
    bid = bids.own_bid(db, user(db, BIDDER), tender)
    login(client, BIDDER)
    with clock.frozen_at(tender.bid_deadline + timedelta(hours=2)):
        response = client.get(f"/bids/{bid.id}/letter")
    assert response.status_code == 200, response.headers.get("Location")
    page = _text(response)
    head = page[page.index('data-testid="letter-head"') :][:800]
    assert "Vores reference" in head and f"{tender.reference}/T/{bid.id}" in head
    assert tender.region.name in head and "Anden Medarbejder" in head  # the approver sends it
    assert "anden@nordjylland.dk" in head
    assert "Klagevejledning" in page


def test_the_exemption_decision_has_a_reference_the_sender_and_complaint_guidance(client, db):
    exemption = ask(db, lot=framework(db))
    decider = user(db, "region.syddanmark@demo.dk")
    exemptions.refuse(db, decider, exemption, "Ikke et særligt tilfælde.")
    exemption_id, reference = exemption.id, exemption.reference
    db.commit()
    login(client, "region.syddanmark@demo.dk")
    letter = _text(client.get(f"/exemptions/{exemption_id}"))
    letter = letter[letter.index('data-testid="letter"') :]
    assert f"Vores reference {reference}" in letter.replace(
        '<span data-testid="letter-reference">', ""
    )
    assert reference.endswith(f"/F/{exemption_id}")
    assert "Klagevejledning" in letter and "Styrelsen for Arbejdsmarked og Rekruttering" in letter
    sender = letter[letter.index('data-testid="letter-sender"') :][:300]
    assert decider.name in sender and decider.email in sender


def test_the_evaluation_report_has_scores_justifications_declarations_and_four_eyes(
    client,
    db,
    captured,
    second_staff,  # noqa: F811
):
    tender = _decided(db, second_staff)
    login(client, "region.nordjylland@demo.dk")
    with clock.frozen_at(tender.bid_deadline + timedelta(hours=2)):
        response = client.get(f"/manage/tenders/{tender.id}/evaluation/report.pdf")
    assert response.status_code == 200
    html = captured["html"]
    scores = html[html.index('data-testid="criterion-scores"') :].split("</table>")[0]
    assert "Kvalitet (60 %)" in scores and "Middel" in scores  # the criterion, its justification
    assert scores.count("<tr><td>") == 3  # each of the three bids on the one criterion
    declarations = html[html.index('data-testid="declarations"') :].split("</ul>")[0]
    assert staff(db, "NJ").name in declarations and "Anden Medarbejder" in declarations
    four_eyes = html[html.index('data-testid="four-eyes"') :].split("</dl>")[0]
    assert "Indstillet af" in four_eyes and staff(db, "NJ").name in four_eyes
    assert "Godkendt af" in four_eyes and "Anden Medarbejder" in four_eyes


def test_the_improvement_agreement_names_its_signers(client, db, captured):
    case = db.scalars(select(Reaction).where(Reaction.agreement_text != "")).first()
    if case is None:
        pytest.skip("the demo has no improvement agreement written")
    director = user(db, "direktoer.syddanmark@demo.dk")
    case.director_signed_by_id, case.director_signed_at = (
        director.id,
        datetime(2026, 11, 20, tzinfo=UTC),
    )
    case_id = case.id
    db.commit()
    login(client, "direktoer.syddanmark@demo.dk")
    response = client.get(f"/results/cases/{case_id}/agreement.pdf")
    if response.status_code == 404:
        pytest.skip("the director does not see this case")
    signature = captured["html"][captured["html"].index('data-testid="director-signature"') :][:300]
    assert director.name in signature
