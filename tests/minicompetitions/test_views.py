"""Mini-competitions through the pages, per role: the jobcentre starts one (with a confirmation
step), the invited suppliers respond, the jobcentre scores and awards it (confirmed); the
frameworks page offers a mini-competition where a direct order is refused."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from html import unescape

from sqlalchemy import func, select

from app import clock
from app.calloffs.models import CallOff
from app.minicompetitions import services
from app.minicompetitions.models import CompetitionState, MiniCompetition
from app.minicompetitions.services import ShareInput
from app.tenders.models import CallOffRule
from tests.calloffs.conftest import AALBORG, agreement
from tests.conftest import NOW, login, user
from tests.minicompetitions.conftest import (
    DAYS,
    ODENSE,
    SUPPLIER_USERS,
    competition_lot,
    criteria,
    need,
    respond,
    started,
)

ONE, TWO, THREE = SUPPLIER_USERS


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


def need_form(lot, **changes):
    price, quality = criteria(lot)
    deadline = clock.local_date(NOW + timedelta(days=DAYS))
    data = {
        "description": "Et forløb for to ledige",
        "quantity": "2",
        "starts_on": (deadline + timedelta(days=1)).isoformat(),
        "case_reference": "MK-77",
        "deadline_date": deadline.isoformat(),
        "deadline_time": "23:59",
        f"weight_{price.id}": "50",
        f"weight_{quality.id}": "50",
    }
    return {**data, **changes}


def competitions(db, lot) -> int:
    return db.scalar(select(func.count()).where(MiniCompetition.lot_id == lot.id))


def test_the_frameworks_page_offers_a_mini_competition_instead_of_an_order(client, db):
    lot = competition_lot(db)
    db.commit()
    login(client, ODENSE)
    page = text(client.get("/frameworks"))
    section = page[page.index(f'data-testid="lot-{lot.id}"') :]
    section = section[: section.index("</section>")]
    assert "Start et miniudbud" in section
    assert f"/frameworks/lots/{lot.id}/order" not in section  # no order buttons
    assert "Miniudbud blandt de tildelte leverandører" in section


def test_a_direct_order_on_a_lot_of_mini_competitions_is_refused_with_a_clear_message(client, db):
    lot = competition_lot(db)
    db.commit()
    login(client, ODENSE)
    response = client.post(
        f"/frameworks/lots/{lot.id}/order",
        data={
            "agreement": agreement(db, lot).id,
            "case_reference": "SAG-1",
            "quantity": "1",
            "starts_on": clock.today().isoformat(),
        },
    )
    assert response.status_code == 409
    assert "start et miniudbud blandt dens leverandører i stedet" in text(response)
    assert db.scalar(select(func.count()).where(CallOff.lot_id == lot.id)) == 0


def test_the_jobcentre_confirms_before_the_competition_starts(client, db):
    lot = competition_lot(db)
    db.commit()
    login(client, ODENSE)
    assert "Vægte inden for rammeaftalens" in text(
        client.get(f"/frameworks/lots/{lot.id}/mini-competition")
    )
    first = client.post(f"/frameworks/lots/{lot.id}/mini-competition", data=need_form(lot))
    assert first.status_code == 200 and "Start miniudbuddet?" in text(first)
    assert competitions(db, lot) == 0
    confirmed = client.post(
        f"/frameworks/lots/{lot.id}/mini-competition", data=need_form(lot, confirmed="yes")
    )
    assert confirmed.status_code == 302
    assert competitions(db, lot) == 1


def test_a_refusal_to_start_is_told_in_danish_and_starts_nothing(client, db):
    lot = competition_lot(db)
    db.commit()
    login(client, ODENSE)
    _price, quality = criteria(lot)
    response = client.post(
        f"/frameworks/lots/{lot.id}/mini-competition",
        data=need_form(lot, confirmed="yes", **{f"weight_{quality.id}": "40"}),
    )
    assert response.status_code == 409
    assert "Vægtene giver tilsammen 90, ikke 100." in text(response)
    assert competitions(db, lot) == 0


def test_a_jobcentre_out_of_scope_gets_no_such_lot(client, db):
    lot = competition_lot(db)
    db.commit()
    login(client, AALBORG)
    assert client.get(f"/frameworks/lots/{lot.id}/mini-competition").status_code == 404


def test_an_invited_supplier_responds_and_replaces_until_the_deadline(client, db):
    competition = started(db)
    db.commit()
    _price, quality = criteria(competition.lot)
    login(client, ONE)
    page = text(client.get(f"/mini-competitions/{competition.id}"))
    assert "1.000,00 kr." in page  # its agreement price, the most it may ask
    too_high = client.post(
        f"/mini-competitions/{competition.id}/response",
        data={"unit_price": "1.000,01", f"answer_{quality.id}": "Godt"},
    )
    assert too_high.status_code == 409
    assert "over jeres aftalepris på 1.000,00 kr." in text(too_high)
    done = client.post(
        f"/mini-competitions/{competition.id}/response",
        data={"unit_price": "950,00", f"answer_{quality.id}": "Godt"},
    )
    assert done.status_code == 302
    page = text(client.get(f"/mini-competitions/{competition.id}"))
    assert "950,00 kr." in page and "Erstat svaret" in page
    with clock.frozen_at(competition.response_deadline):
        late = client.post(
            f"/mini-competitions/{competition.id}/response",
            data={"unit_price": "900,00", f"answer_{quality.id}": "Godt"},
        )
    assert late.status_code == 409 and "Svarfristen" in text(late)


def test_a_supplier_not_invited_and_other_jobcentres_do_not_see_it(client, db):
    competition = started(db)
    db.commit()
    login(client, AALBORG)
    assert client.get(f"/mini-competitions/{competition.id}").status_code == 404


def test_the_region_staff_of_the_framework_read_it_without_the_responses(client, db):
    competition = started(db)
    respond(db, competition, ONE, "950.00", answer="HEMMELIG-METODE")
    db.commit()
    login(client, "region.syddanmark@demo.dk")
    page = text(client.get(f"/mini-competitions/{competition.id}"))
    assert competition.number in page and "HEMMELIG-METODE" not in page
    assert client.get(f"/mini-competitions/{competition.id}/evaluate").status_code == 403


def test_the_jobcentre_scores_and_awards_after_confirming(client, db):
    competition = started(db)
    respond(db, competition, ONE, "1000.00")
    respond(db, competition, THREE, "900.00")
    db.commit()
    login(client, ODENSE)
    assert client.get(f"/mini-competitions/{competition.id}/evaluate").status_code == 409
    with clock.frozen_at(competition.response_deadline):
        page = text(client.get(f"/mini-competitions/{competition.id}/evaluate"))
        assert "1.000,00 kr." in page and "900,00 kr." in page
        opened = client.post(
            f"/mini-competitions/{competition.id}/evaluate",
            data={
                name: "10" if n == 0 else "6"
                for n, name in enumerate(sorted(k for k in _score_fields(page)))
            },
        )
        assert opened.status_code == 302
        confirm = text(client.get(f"/mini-competitions/{competition.id}/award"))
        assert "Det kan ikke fortrydes." in confirm
        awarded = client.post(f"/mini-competitions/{competition.id}/award")
    assert awarded.status_code == 302 and awarded.headers["Location"].startswith("/orders/")
    db.expire_all()
    assert db.get(MiniCompetition, competition.id).state == CompetitionState.AWARDED


def _score_fields(page: str) -> list[str]:
    return re.findall(r'name="(score_\d+_\d+)"', page)


def test_a_supplier_cannot_score_or_award(client, db):
    competition = started(db)
    db.commit()
    login(client, ONE)
    assert client.get(f"/mini-competitions/{competition.id}/evaluate").status_code == 403
    assert client.post(f"/mini-competitions/{competition.id}/award").status_code == 403


def test_the_tender_page_shows_each_lots_rule(client, db):
    lot = competition_lot(
        db,
        rule=CallOffRule.CASCADE_THEN_COMPETITION,
        cascade_limit=Decimal("5000.00"),
    )
    db.commit()
    login(client, "region.syddanmark@demo.dk")
    page = text(client.get(f"/manage/tenders/{lot.tender_id}"))
    assert "Rangordnet kaskade op til et beløb, miniudbud over det" in page
    assert "kaskade op til 5.000,00 kr." in page and "svarfrist mindst 10 dage" in page


def test_a_lot_without_mini_competitions_says_to_order_directly(client, db):
    lot = competition_lot(db, rule=CallOffRule.CASCADE)
    db.commit()
    login(client, ODENSE)
    page = text(client.get(f"/frameworks/lots/{lot.id}/mini-competition"))
    assert "ikke ved miniudbud: bestil direkte" in page
    assert 'name="description"' not in page


# --- the region, for several of its jobcentres ------------------------------------------------

REGION = "region.syddanmark@demo.dk"
ESBJERG = "leder.esbjerg@demo.dk"


def jobcentre_id(db, email: str) -> int:
    return user(db, email).organisation_id


def region_form(db, lot, odense: str = "3", esbjerg: str = "2", **changes):
    data = need_form(lot, **changes)
    del data["quantity"]
    data[f"quantity_{jobcentre_id(db, ODENSE)}"] = odense
    data[f"case_{jobcentre_id(db, ODENSE)}"] = "OD-1"
    data[f"quantity_{jobcentre_id(db, ESBJERG)}"] = esbjerg
    return data


def test_the_region_finds_its_lots_of_mini_competitions_and_starts_one_after_confirming(client, db):
    lot = competition_lot(db)
    db.commit()
    login(client, REGION)
    index = text(client.get("/mini-competitions"))
    assert f"/mini-competitions/lots/{lot.id}/for-jobcentres" in index
    form = text(client.get(f"/mini-competitions/lots/{lot.id}/for-jobcentres"))
    assert "Antal for Jobcenter Odense" in form and "Antal for Jobcenter Esbjerg" in form
    assert "Antal for Jobcenter Aalborg" not in form  # Nordjylland's
    url = f"/mini-competitions/lots/{lot.id}/for-jobcentres"
    first = client.post(url, data=region_form(db, lot))
    assert first.status_code == 200 and "Start miniudbuddet?" in text(first)
    assert "Jobcenter Odense: 3 (sag OD-1)" in text(first)
    assert competitions(db, lot) == 0
    confirmed = client.post(url, data=region_form(db, lot, confirmed="yes"))
    assert confirmed.status_code == 302
    db.expire_all()
    competition = db.scalars(select(MiniCompetition).where(MiniCompetition.lot_id == lot.id)).one()
    assert competition.quantity == 5 and len(competition.shares) == 2
    page = text(client.get(confirmed.headers["Location"]))
    assert "Startet af" in page and "for 2 jobcentre" in page
    assert "Åbn og bedøm svarene" not in page  # not before the deadline


def test_the_region_cannot_start_one_for_a_single_jobcentre(client, db):
    lot = competition_lot(db)
    db.commit()
    login(client, REGION)
    response = client.post(
        f"/mini-competitions/lots/{lot.id}/for-jobcentres",
        data=region_form(db, lot, esbjerg="", confirmed="yes"),
    )
    assert response.status_code == 409
    assert "Vælg mindst to af regionens jobcentre" in text(response)
    assert competitions(db, lot) == 0


def test_another_region_gets_no_such_lot(client, db):
    lot = competition_lot(db)
    db.commit()
    login(client, "region.nordjylland@demo.dk")
    assert client.get(f"/mini-competitions/lots/{lot.id}/for-jobcentres").status_code == 404


def test_the_region_awards_and_each_jobcentre_finds_its_order(client, db):
    lot = competition_lot(db)
    competition = services.start_for_jobcentres(
        db,
        user(db, REGION),
        lot,
        need(lot),
        [ShareInput(jobcentre_id(db, ODENSE), 3), ShareInput(jobcentre_id(db, ESBJERG), 2)],
    )
    respond(db, competition, THREE, "900.00")
    db.commit()
    login(client, ODENSE)
    shared = text(client.get(f"/mini-competitions/{competition.id}"))
    assert competition.number in shared and "De deltagende jobcentre" in shared
    assert client.get(f"/mini-competitions/{competition.id}/evaluate").status_code == 403
    client.post("/logout")
    login(client, REGION)
    with clock.frozen_at(competition.response_deadline):
        page = text(client.get(f"/mini-competitions/{competition.id}/evaluate"))
        client.post(
            f"/mini-competitions/{competition.id}/evaluate",
            data=dict.fromkeys(_score_fields(page), "7"),
        )
        awarded = client.post(f"/mini-competitions/{competition.id}/award")
    assert awarded.headers["Location"] == f"/mini-competitions/{competition.id}"
    db.expire_all()
    orders = db.scalars(select(CallOff).where(CallOff.lot_id == lot.id)).all()
    assert sorted(o.quantity for o in orders) == [2, 3]
    client.post("/logout")
    login(client, ESBJERG)
    page = text(client.get(f"/mini-competitions/{competition.id}"))
    esbjerg_order = next(o for o in orders if o.jobcentre_id == jobcentre_id(db, ESBJERG))
    odense_order = next(o for o in orders if o.jobcentre_id == jobcentre_id(db, ODENSE))
    assert f'href="/orders/{esbjerg_order.id}"' in page
    assert f'href="/orders/{odense_order.id}"' not in page  # Odense's is not Esbjerg's to open
    assert client.get(f"/orders/{esbjerg_order.id}").status_code == 200
