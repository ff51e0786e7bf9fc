"""The reaction to weak results, move by move: who may take each, from which state, and what
each rule refuses; the council before every decision to react, both signatures, the follow-up
date, and the Ministry of Integration where a part concerns integration."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.core.errors import DomainError, NotAllowed
from app.councils.models import CouncilDecision
from app.followup import reactions
from app.followup.models import Reaction, ReactionState
from app.followup.reactions import AgreementInput
from app.organisations.models import Organisation
from app.targetgroups.models import TargetGroup
from tests.conftest import user
from tests.followup.test_results import SD_STAFF, csv, jobcentre, run
from tests.tenders.conftest import NOW

TODAY = NOW.date()
DIRECTOR = "direktoer.syddanmark@demo.dk"
MANAGER = "leder.odense@demo.dk"
S = ReactionState


def weak_odense(db) -> Organisation:
    """Odense, weak in the current quarter (below the demo limit of 35 %)."""
    run(db, csv("Odense;2026-Q4;andel i job;30;;"))
    return jobcentre(db, "Jobcenter Odense")


def decision(db, code: str = "SD", decided_on: date = TODAY) -> CouncilDecision:
    region = db.scalar(select(Organisation).where(Organisation.code == code))
    found = CouncilDecision(
        council_id=region.council.id,
        decided_on=decided_on,
        concerns="Reaktion over for et jobcenter",
        text="Rådet tiltræder.",
    )
    db.add(found)
    db.flush()
    return found


def opened(db) -> Reaction:
    return reactions.open_case(
        db, user(db, SD_STAFF), weak_odense(db), "Svage resultater i 3 kvartaler"
    )


def at(day: date) -> datetime:
    """Ten in the morning (UTC) of a day, to freeze the clock at."""
    return datetime.combine(day, time(10), UTC)


def agreement(**changes) -> AgreementInput:
    values = {
        "text": "Flere virksomhedsrettede tilbud og tættere kontakt med de ledige.",
        "improve_by": TODAY + timedelta(days=180),
        "follow_up_on": TODAY + timedelta(days=200),
        "target_in_work": Decimal("40"),
    }
    return AgreementInput(**{**values, **changes})


def in_force(db) -> Reaction:
    reaction = opened(db)
    staff = user(db, SD_STAFF)
    reactions.assess(db, staff, reaction, False, "Der er brug for en aftale.")
    reactions.write_agreement(db, staff, reaction, agreement())
    reactions.link_decision(db, staff, reaction, decision(db))
    reactions.send_for_signature(db, staff, reaction)
    reactions.sign(db, user(db, DIRECTOR), reaction)
    return reactions.sign(db, user(db, MANAGER), reaction)


def test_a_case_is_opened_only_for_a_weak_jobcentre_of_the_region_and_only_once(db):
    staff = user(db, SD_STAFF)
    svendborg = jobcentre(db, "Jobcenter Svendborg")
    with pytest.raises(DomainError, match="not weak by the region's limits"):
        reactions.open_case(db, staff, svendborg, "Lad os se")
    reaction = opened(db)
    assert reaction.state == S.ASSESSMENT
    with pytest.raises(DomainError, match="already has an open case"):
        reactions.open_case(db, staff, reaction.jobcentre, "Igen")
    with pytest.raises(NotAllowed):
        reactions.open_case(db, user(db, "region.nordjylland@demo.dk"), reaction.jobcentre, "X")
    with pytest.raises(NotAllowed):
        reactions.open_case(db, user(db, "jobcenter.odense@demo.dk"), reaction.jobcentre, "X")


def test_the_page_offers_to_open_a_case_only_when_open_case_would(db):
    staff = user(db, SD_STAFF)
    assert not reactions.may_open_case(db, staff, jobcentre(db, "Jobcenter Svendborg"))
    odense = weak_odense(db)
    assert reactions.may_open_case(db, staff, odense)
    assert not reactions.may_open_case(db, user(db, DIRECTOR), odense)
    assert not reactions.may_open_case(db, user(db, "region.nordjylland@demo.dk"), odense)
    reactions.open_case(db, staff, odense, "Svage resultater")
    assert not reactions.may_open_case(db, staff, odense)
    assert [c.jobcentre_id for c in reactions.cases_of(db, staff)].count(odense.id) == 1
    assert all(c.jobcentre_id == odense.id for c in reactions.cases_of(db, user(db, MANAGER)))


def test_initiatives_taken_means_following_closely_until_a_review(db):
    reaction = opened(db)
    staff = user(db, SD_STAFF)
    with pytest.raises(DomainError, match="next review"):
        reactions.assess(db, staff, reaction, True, "Jobcentret har lagt om.", TODAY)
    reactions.assess(db, staff, reaction, True, "Jobcentret har lagt om.", TODAY + timedelta(1))
    assert reaction.state == S.FOLLOWING_CLOSELY
    with pytest.raises(DomainError, match="Write the review"):
        reactions.review(db, staff, reaction, True, " ")
    with pytest.raises(DomainError, match="until then it can only go on"):  # not a day early
        reactions.review(db, staff, reaction, True, "Resultaterne er bedre.")
    from app import clock

    with clock.frozen_at(at(TODAY + timedelta(1))):
        reactions.review(db, staff, reaction, True, "Resultaterne er bedre.")
    assert reaction.state == S.CLOSED and reaction.closed_at is not None


def test_a_case_followed_closely_may_go_on_to_an_agreement_before_its_review(db):
    reaction = opened(db)
    staff = user(db, SD_STAFF)
    reactions.assess(db, staff, reaction, True, "Initiativer taget.", TODAY + timedelta(90))
    reactions.review(db, staff, reaction, False, "Det går den gale vej.")
    assert reaction.state == S.AGREEMENT_DRAFT


def test_the_agreement_is_refused_until_it_is_whole(db):
    reaction = opened(db)
    staff = user(db, SD_STAFF)
    reactions.assess(db, staff, reaction, False, "Der er brug for en aftale.")
    cases = [
        ({"improve_by": TODAY}, "lies ahead"),
        ({"follow_up_on": TODAY + timedelta(days=179)}, "on or after the date of improvement"),
        ({"target_in_work": None}, "at least one measurable target"),
        ({"target_in_work": Decimal("101")}, "between 0 and 100"),
        ({"consultancy_amount": Decimal("50000")}, "amount, its provider and its period"),
        (
            {
                "consultancy_amount": Decimal("50000"),
                "consultancy_provider": "Rådgivning A/S",
                "consultancy_from": TODAY + timedelta(days=10),
                "consultancy_to": TODAY,
            },
            "ends after it begins",
        ),
    ]
    for changes, message in cases:
        with pytest.raises(DomainError, match=message):
            reactions.write_agreement(db, staff, reaction, agreement(**changes))
    with pytest.raises(DomainError, match="Write the improvement agreement first"):
        reactions.send_for_signature(db, staff, reaction)


def test_the_council_decides_before_the_agreement_goes_for_signature(db):
    reaction = opened(db)
    staff = user(db, SD_STAFF)
    reactions.assess(db, staff, reaction, False, "Der er brug for en aftale.")
    reactions.write_agreement(db, staff, reaction, agreement())
    with pytest.raises(DomainError, match="council must decide on the improvement agreement"):
        reactions.send_for_signature(db, staff, reaction)
    with pytest.raises(DomainError, match="region's own council"):
        reactions.link_decision(db, staff, reaction, decision(db, "NJ"))
    with pytest.raises(DomainError, match="in the future"):
        reactions.link_decision(db, staff, reaction, decision(db, decided_on=TODAY + timedelta(1)))
    with pytest.raises(DomainError, match="older than what it approves"):
        reactions.link_decision(db, staff, reaction, decision(db, decided_on=TODAY - timedelta(1)))
    reactions.link_decision(db, staff, reaction, decision(db))
    reactions.send_for_signature(db, staff, reaction)
    assert reaction.state == S.AWAITING_SIGNATURES


def test_both_the_director_and_the_jobcentres_leadership_sign_once(db):
    reaction = opened(db)
    staff = user(db, SD_STAFF)
    reactions.assess(db, staff, reaction, False, "Der er brug for en aftale.")
    reactions.write_agreement(db, staff, reaction, agreement())
    reactions.link_decision(db, staff, reaction, decision(db))
    reactions.send_for_signature(db, staff, reaction)
    for email in (
        SD_STAFF,
        "jobcenter.odense@demo.dk",
        "leder.aalborg@demo.dk",
        "direktoer.nordjylland@demo.dk",
    ):
        with pytest.raises(NotAllowed):
            reactions.sign(db, user(db, email), reaction)
    reactions.sign(db, user(db, DIRECTOR), reaction)
    assert reaction.state == S.AWAITING_SIGNATURES
    with pytest.raises(DomainError, match="director has signed already"):
        reactions.sign(db, user(db, DIRECTOR), reaction)
    reactions.sign(db, user(db, MANAGER), reaction)
    assert reaction.state == S.AGREEMENT_IN_FORCE


def test_the_follow_up_is_neither_offered_nor_waiting_before_its_date(db):
    from app import clock

    reaction = in_force(db)
    staff = user(db, SD_STAFF)
    with clock.frozen_at(at(reaction.follow_up_on - timedelta(days=1))):
        assert "follow_up" not in reactions.next_steps(staff, reaction)
        before = reactions.awaiting_cases(db, staff)
    with clock.frozen_at(at(reaction.follow_up_on)):
        assert "follow_up" in reactions.next_steps(staff, reaction)
        assert reactions.awaiting_cases(db, staff) == before + 1


def test_the_follow_up_comes_on_its_date_not_a_day_before(db):
    from app import clock

    reaction = in_force(db)
    staff = user(db, SD_STAFF)
    day_before = reaction.follow_up_on - timedelta(days=1)
    with clock.frozen_at(at(day_before)), pytest.raises(DomainError, match="is followed up on"):
        reactions.follow_up(db, staff, reaction, False, "Ingen forbedring.")
    on_the_day = reaction.follow_up_on
    with clock.frozen_at(at(on_the_day)):
        reactions.follow_up(db, staff, reaction, False, "Ingen forbedring.")
    assert reaction.state == S.RECOMMENDATION_DRAFT


def _recommend(db, reaction, group: str) -> Reaction:
    staff = user(db, SD_STAFF)
    part = db.scalar(select(TargetGroup.id).where(TargetGroup.name == group))
    return reactions.write_recommendation(
        db, staff, reaction, "Andre aktører bør varetage indsatsen.", [part], Decimal("50")
    )


def test_an_integration_part_needs_the_ministry_of_integration_before_the_order(db):
    from app import clock

    reaction = in_force(db)
    staff = user(db, SD_STAFF)
    follow_up_day = reaction.follow_up_on
    with clock.frozen_at(at(follow_up_day)):
        reactions.follow_up(db, staff, reaction, False, "Ingen forbedring.")
        _recommend(db, reaction, "Flygtninge og indvandrere")
        with pytest.raises(DomainError, match="council must decide on the recommendation"):
            reactions.send_recommendation(db, staff, reaction)
        with pytest.raises(DomainError, match="already linked"):
            reactions.link_decision(db, staff, reaction, reaction.agreement_decision)
        reactions.link_decision(db, staff, reaction, decision(db, decided_on=follow_up_day))
        reactions.send_recommendation(db, staff, reaction)
        assert reaction.state == S.AT_INTEGRATION_MINISTRY
        ministry = user(db, "ministeriet@demo.dk")
        with pytest.raises(DomainError, match="cannot be done while"):
            reactions.decide(
                db,
                ministry,
                reaction,
                True,
                "Pålæg.",
                follow_up_day,
                follow_up_day + timedelta(365),
            )
        with pytest.raises(NotAllowed):
            reactions.integration_answer(db, ministry, reaction, True, "Ja")
        reactions.integration_answer(db, user(db, "integration@demo.dk"), reaction, True, "Enig.")
        assert reaction.state == S.AT_MINISTRY
        with pytest.raises(DomainError, match="order's period"):
            reactions.decide(
                db, ministry, reaction, True, "Pålæg.", follow_up_day, follow_up_day - timedelta(1)
            )
        reactions.decide(
            db, ministry, reaction, True, "Pålæg.", follow_up_day, follow_up_day + timedelta(365)
        )
    assert reaction.state == S.ORDERED
    assert reaction.is_visible_to(ministry)
    actions = set(
        db.scalars(
            select(AuditEntry.action).where(
                AuditEntry.object_type == "reactions", AuditEntry.object_id == reaction.id
            )
        )
    )
    assert {
        "reaction.opened",
        "reaction.signed",
        "reaction.integration_agreed",
        "reaction.ordered",
    } <= actions


def test_the_ministry_cannot_order_an_integration_part_without_the_integration_ministry(db):
    reaction = opened(db)
    staff = user(db, SD_STAFF)
    reactions.assess(db, staff, reaction, False, "Der er brug for en aftale.")
    reactions.no_agreement(db, staff, reaction, "Jobcentret vil ikke indgå en aftale.")
    _recommend(db, reaction, "Flygtninge og indvandrere")
    reaction.state = S.AT_MINISTRY  # as if it had skipped the Ministry of Integration
    with pytest.raises(DomainError, match="Ministry of Integration must agree first"):
        reactions.decide(db, user(db, "ministeriet@demo.dk"), reaction, False, "Nej.")


def test_without_agreement_a_recommendation_goes_straight_to_the_ministry_which_may_say_no(db):
    reaction = opened(db)
    staff = user(db, SD_STAFF)
    reactions.assess(db, staff, reaction, False, "Der er brug for en aftale.")
    with pytest.raises(DomainError, match="why no agreement"):
        reactions.no_agreement(db, staff, reaction, "")
    reactions.no_agreement(db, staff, reaction, "Jobcentret vil ikke indgå en aftale.")
    assert reaction.state == S.RECOMMENDATION_DRAFT
    with pytest.raises(DomainError, match="above 0 and at most 100"):
        reactions.write_recommendation(db, staff, reaction, "Tekst", [1], Decimal("0"))
    with pytest.raises(DomainError, match="Name the parts"):
        reactions.write_recommendation(db, staff, reaction, "Tekst", [], Decimal("50"))
    _recommend(db, reaction, "Ledige akademikere")
    reactions.link_decision(db, staff, reaction, decision(db))
    reactions.send_recommendation(db, staff, reaction)
    assert reaction.state == S.AT_MINISTRY
    assert not reaction.is_visible_to(user(db, "region.nordjylland@demo.dk"))
    with pytest.raises(NotAllowed):
        reactions.decide(db, user(db, "integration@demo.dk"), reaction, False, "Nej.")
    reactions.decide(
        db, user(db, "ministeriet@demo.dk"), reaction, False, "Ikke tilstrækkeligt grundlag."
    )
    assert reaction.state == S.CLOSED


def test_the_ministry_of_integration_may_send_it_back_to_be_decided_anew(db):
    reaction, staff = without_agreement(db)
    _recommend(db, reaction, "Flygtninge og indvandrere")
    reactions.link_decision(db, staff, reaction, decision(db))
    reactions.send_recommendation(db, staff, reaction)
    reactions.integration_answer(db, user(db, "integration@demo.dk"), reaction, False, "Ikke enig.")
    assert reaction.state == S.RECOMMENDATION_DRAFT
    assert reaction.recommendation_decision_id is None  # the council decides the new one
    with pytest.raises(DomainError, match="council must decide on the recommendation"):
        reactions.send_recommendation(db, staff, reaction)


def test_the_demo_has_a_case_in_each_main_state_and_none_for_a_good_jobcentre(db):
    from app.demo.results import GOOD

    states = {r.jobcentre.name: r.state for r in db.scalars(select(Reaction)) if r.jobcentre}
    assert states["Jobcenter Esbjerg"] == S.AGREEMENT_IN_FORCE
    assert states["Jobcenter Hjørring"] == S.AT_MINISTRY
    assert states["Jobcenter Randers"] == S.ORDERED
    assert states["Jobcenter Holbæk"] == S.ASSESSMENT
    assert not any(name in states for name in GOOD)


def without_agreement(db) -> tuple[Reaction, object]:
    """A case for Odense where no agreement was reached: a recommendation is next."""
    reaction = opened(db)
    staff = user(db, SD_STAFF)
    reactions.assess(db, staff, reaction, False, "Der er brug for en aftale.")
    reactions.no_agreement(db, staff, reaction, "Ingen aftale.")
    return reaction, staff


def ordered(db) -> Reaction:
    """Odense ordered, from today for a year, to let other actors handle academics (30 %)."""
    reaction, staff = without_agreement(db)
    _recommend(db, reaction, "Ledige akademikere")
    reaction.minimum_share = Decimal("30")
    reactions.link_decision(db, staff, reaction, decision(db))
    reactions.send_recommendation(db, staff, reaction)
    return reactions.decide(
        db, user(db, "ministeriet@demo.dk"), reaction, True, "Pålæg.", TODAY, TODAY + timedelta(365)
    )


def test_the_ordered_jobcentre_reports_its_volumes_and_its_call_offs_count_by_themselves(db):
    from tests.calloffs.conftest import framework, place

    reaction = ordered(db)
    academics = db.scalar(select(TargetGroup.id).where(TargetGroup.name == "Ledige akademikere"))
    manager = user(db, MANAGER)
    quarter = "2026-Q4"
    with pytest.raises(NotAllowed):
        reactions.report_volumes(db, user(db, SD_STAFF), reaction, academics, quarter, 10, 1)
    with pytest.raises(DomainError, match="one of the parts"):
        reactions.report_volumes(db, manager, reaction, academics + 999, quarter, 10, 1)
    with pytest.raises(DomainError, match="outside the order's period"):
        reactions.report_volumes(db, manager, reaction, academics, "2026-Q2", 10, 1)
    with pytest.raises(DomainError, match="between 0 and 1000000"):
        reactions.report_volumes(db, manager, reaction, academics, quarter, -1, 1)
    with pytest.raises(DomainError, match="between 0 and 1000000"):
        reactions.report_volumes(db, manager, reaction, academics, quarter, 1, 3_000_000_000)
    reactions.report_volumes(db, manager, reaction, academics, quarter, 14, 1)
    place(db, framework(db, target_group="Ledige akademikere"), quantity=5)  # Odense's order
    shares = reactions.order_shares(db, reaction)
    row = next(r for r in shares if r.period == quarter and r.part.id == academics)
    calls = row.call_offs
    assert calls >= 5  # the demo's own orders of academics this quarter count too
    assert (row.handled_itself, row.reported_others) == (14, 1)
    expected = (Decimal(1 + calls) * 100 / (14 + 1 + calls)).quantize(Decimal("0.01"))
    assert row.share == expected and row.meets == (expected >= Decimal("30"))
    reactions.report_volumes(db, manager, reaction, academics, quarter, 1000, 0)  # replaced
    row = next(r for r in reactions.order_shares(db, reaction) if r.period == quarter)
    assert row.handled_itself == 1000 and row.meets is False
    entry = db.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "reaction.volumes_reported")
        .order_by(AuditEntry.seq.desc())
    ).first()
    assert entry.changes["before"] == [14, 1]


def test_a_quarter_not_reported_has_no_share(db):
    reaction = ordered(db)
    rows = reactions.order_shares(db, reaction)
    assert rows and all(r.handled_itself is None and r.share is None for r in rows)


def test_the_council_decides_on_written_content_and_a_change_needs_a_new_decision(db):
    reaction, staff = without_agreement(db)
    with pytest.raises(DomainError, match="Write the recommendation first: the council"):
        reactions.link_decision(db, staff, reaction, decision(db))
    _recommend(db, reaction, "Ledige akademikere")
    first = decision(db)
    reactions.link_decision(db, staff, reaction, first)
    _recommend(db, reaction, "Flygtninge og indvandrere")  # changed after the council decided
    with pytest.raises(DomainError, match="council must decide on the recommendation"):
        reactions.send_recommendation(db, staff, reaction)
    with pytest.raises(DomainError, match="already linked"):
        reactions.link_decision(db, staff, reaction, first)


def test_a_decision_the_integration_ministry_sent_back_cannot_be_used_again(db):
    reaction, staff = without_agreement(db)
    _recommend(db, reaction, "Flygtninge og indvandrere")
    spent = decision(db)
    reactions.link_decision(db, staff, reaction, spent)
    reactions.send_recommendation(db, staff, reaction)
    reactions.integration_answer(db, user(db, "integration@demo.dk"), reaction, False, "Nej.")
    with pytest.raises(DomainError, match="already linked"):
        reactions.link_decision(db, staff, reaction, spent)
    assert spent not in reactions.unused_decisions(db, reaction)


def test_a_decision_spent_on_a_tender_cannot_be_a_decision_to_react(db):
    from app.tenders.models import ApprovalKind, Tender, TenderApproval

    reaction = opened(db)
    staff = user(db, SD_STAFF)
    reactions.assess(db, staff, reaction, False, "Der er brug for en aftale.")
    reactions.write_agreement(db, staff, reaction, agreement())
    for_a_tender = decision(db)
    tender = db.scalars(select(Tender).where(Tender.region_id == reaction.region_id)).first()
    db.add(
        TenderApproval(
            tender_id=tender.id,
            kind=ApprovalKind.COUNCIL,
            content_version=1,
            organisation_id=reaction.region_id,
            actor_id=staff.id,
            decision_id=for_a_tender.id,
        )
    )
    db.flush()
    with pytest.raises(DomainError, match="already linked"):
        reactions.link_decision(db, staff, reaction, for_a_tender)
    assert for_a_tender not in reactions.unused_decisions(db, reaction)


def test_an_ended_order_is_closed_by_the_region_and_not_before(db):
    from app import clock

    reaction = ordered(db)
    staff = user(db, SD_STAFF)
    assert "end_order" not in reactions.next_steps(staff, reaction)
    with pytest.raises(DomainError, match="The order runs until"):
        reactions.end_order(db, staff, reaction, "Slut.")
    after = reaction.ordered_to + timedelta(days=1)
    with clock.frozen_at(at(after)):
        assert "end_order" in reactions.next_steps(staff, reaction)
        reactions.end_order(db, staff, reaction, "Pålægget er udløbet.")
    assert reaction.state == S.CLOSED


def test_an_order_cannot_take_effect_in_the_past(db):
    reaction, staff = without_agreement(db)
    _recommend(db, reaction, "Ledige akademikere")
    reactions.link_decision(db, staff, reaction, decision(db))
    reactions.send_recommendation(db, staff, reaction)
    with pytest.raises(DomainError, match="from today at the earliest"):
        reactions.decide(
            db,
            user(db, "ministeriet@demo.dk"),
            reaction,
            True,
            "Pålæg.",
            TODAY - timedelta(days=1),
            TODAY + timedelta(days=300),
        )


def test_each_ministry_sees_only_its_own_queue(db):
    reaction, staff = without_agreement(db)
    _recommend(db, reaction, "Flygtninge og indvandrere")
    reactions.link_decision(db, staff, reaction, decision(db))
    reactions.send_recommendation(db, staff, reaction)
    ministry, integration = user(db, "ministeriet@demo.dk"), user(db, "integration@demo.dk")
    assert not reaction.is_visible_to(ministry) and reaction.is_visible_to(integration)
    visible = db.scalars(reactions.visible_cases(ministry)).all()
    assert reaction not in visible
    reactions.integration_answer(db, integration, reaction, True, "Enig.")
    assert reaction.is_visible_to(ministry)
    hjoerring = db.scalar(
        select(Reaction).join(Reaction.jobcentre).where(Organisation.name == "Jobcenter Hjørring")
    )
    assert not hjoerring.is_visible_to(integration)  # no integration part
    assert hjoerring not in db.scalars(reactions.visible_cases(integration)).all()
