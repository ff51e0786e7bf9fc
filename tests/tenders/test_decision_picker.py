"""The council decision picker of a draft offers exactly the decisions the link would take: the
right council's, not spent elsewhere (the councils' register of uses), newest first."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.councils.models import CouncilDecision
from app.grants.models import GrantProject
from app.organisations.models import Council
from app.tenders import services
from app.tenders.models import Scope
from app.tenders.queries import linkable_decisions
from tests.conftest import NOW, login
from tests.tenders.conftest import content, decision, new_tender, region, staff

TODAY = NOW.date()


def test_the_picker_offers_the_regions_unspent_decisions_newest_first(db):
    tender = new_tender(db)
    older = decision(db, "NJ", TODAY - timedelta(days=3))
    newer = decision(db, "NJ", TODAY - timedelta(days=1))
    other_region = decision(db, "MJ")
    offered = linkable_decisions(db, tender)
    assert offered.index(newer) < offered.index(older)
    assert other_region not in offered
    days = [d.decided_on for d in offered]
    assert days == sorted(days, reverse=True)


def test_a_decision_spent_on_a_grant_is_not_offered(db):
    spent = db.scalars(
        select(CouncilDecision)
        .join(GrantProject, GrantProject.decision_id == CouncilDecision.id)
        .join(Council, CouncilDecision.council_id == Council.id)
        .where(Council.region_id == region(db, "NJ").id)
    ).first()
    assert spent is not None
    assert spent not in linkable_decisions(db, new_tender(db))


def test_a_decision_spent_on_another_tender_is_not_offered_but_its_own_is(db):
    first, second = new_tender(db), new_tender(db, title="Et andet udbud")
    used = decision(db, "NJ")
    services.link_council_decision(db, staff(db, "NJ"), first, used)
    assert used not in linkable_decisions(db, second)
    services.update_tender(db, staff(db, "NJ"), first, content(db, title="Ændret"))
    assert used in linkable_decisions(db, first)  # a changed version may link it again


def test_decisions_the_link_would_refuse_are_not_offered(db):
    tender = new_tender(db)
    future = decision(db, "NJ", TODAY + timedelta(days=2))
    assert future not in linkable_decisions(db, tender)
    old = decision(db, "NJ", TODAY - timedelta(days=5))
    services.update_tender(db, staff(db, "NJ"), tender, content(db, title="Ændret i dag"))
    assert old not in linkable_decisions(db, tender)  # older than this version


def test_a_national_tender_is_offered_no_second_decision_of_a_council_already_linked(db):
    tender = new_tender(db, scope=Scope.NATIONAL)
    own, again = decision(db, "NJ"), decision(db, "NJ")
    midt = decision(db, "MJ")
    services.link_council_decision(db, staff(db, "NJ"), tender, own)
    offered = linkable_decisions(db, tender)
    assert again not in offered and midt in offered


def test_the_tender_page_offers_only_usable_decisions(client, db):
    tender = new_tender(db)
    usable, future = decision(db, "NJ"), decision(db, "NJ", TODAY + timedelta(days=2))
    tender_id, usable_id, future_id = tender.id, usable.id, future.id
    db.commit()
    login(client, "region.nordjylland@demo.dk")
    html = client.get(f"/manage/tenders/{tender_id}").get_data(as_text=True)
    assert f'value="{usable_id}"' in html and f'value="{future_id}"' not in html
