"""Call-offs through the pages: the jobcentre orders, the supplier answers, the region looks on;
bad input gets a message and changes nothing, other organisations' orders do not exist."""

from __future__ import annotations

from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.calloffs.models import CallOff, CallOffState
from app.tenders.models import Scope
from tests.calloffs.conftest import (
    AALBORG,
    ODENSE,
    TODAY,
    agreement,
    delivered,
    framework,
    invoiced,
    place,
)
from tests.conftest import login
from tests.query_count import queries_for


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


def orders_on(db, lot) -> int:
    return db.scalar(select(func.count()).where(CallOff.lot_id == lot.id))


def order_form(db, lot, rank=1, **changes):
    data = {
        "agreement": agreement(db, lot, rank).id,
        "case_reference": "SAG-77",
        "quantity": "2",
        "starts_on": TODAY.isoformat(),
        "note": "",
        "choice_reason": "",
    }
    return {**data, **changes}


def test_the_jobcentre_compares_the_suppliers_of_its_frameworks(client, db):
    lot = framework(db, maximum="50000.00", prices=("1000.00", "1250.50"))
    place(db, lot, quantity=5)
    db.commit()
    login(client, ODENSE)
    page = text(client.get("/frameworks"))
    assert lot.tender.title in page
    assert "Akademikerhuset ApS" in page and "Job & Kompetence A/S" in page
    assert "1.250,50 kr." in page and "45.000,00 kr." in page  # the price and the room left
    assert "Kvalitetspoint" in page


def test_a_framework_of_another_region_is_not_shown(client, db):
    lot = framework(db, "NJ")
    db.commit()
    login(client, ODENSE)
    assert lot.tender.title not in text(client.get("/frameworks"))


def test_the_jobcentre_places_an_order_and_sees_its_total(client, db):
    lot = framework(db, prices=("1234.50",))
    lot_id, data = lot.id, order_form(db, lot, quantity="3")
    db.commit()
    login(client, ODENSE)
    form = text(client.get(f"/frameworks/lots/{lot_id}/order?agreement={data['agreement']}"))
    assert "checked" in form and "1.234,50 kr. pr. enhed" in form
    response = client.post(f"/frameworks/lots/{lot_id}/order", data=data)
    assert response.status_code == 302
    page = text(client.get(response.headers["Location"]))
    assert "3.703,50 kr." in page and "Afgivet, afventer leverandøren" in page
    assert "Bestillingen er afgivet" in page


@pytest.mark.parametrize(
    ("changes", "status", "message"),
    [
        ({"quantity": "0"}, 422, "Tallet skal være mellem 1 og 100000"),
        ({"quantity": "-3"}, 422, "Tallet skal være mellem 1 og 100000"),
        ({"quantity": "to"}, 422, "Ikke et gyldigt heltal"),
        ({"case_reference": ""}, 422, "Feltet skal udfyldes"),
        ({"case_reference": "010190-1234"}, 409, "Sagsreferencen ser ud til at indeholde et CPR"),
        ({"note": "Borger 0101901234"}, 409, "Beskeden ser ud til at indeholde et CPR"),
        ({"quantity": "101"}, 409, "Der er ikke plads til 101.000,00 kr."),
    ],
)
def test_bad_input_gets_a_message_and_nothing_is_stored(client, db, changes, status, message):
    lot = framework(db, maximum="100000.00", prices=("1000.00",))
    place(db, lot, quantity=1)
    lot_id, data = lot.id, order_form(db, lot, **changes)
    db.commit()
    login(client, ODENSE)
    response = client.post(f"/frameworks/lots/{lot_id}/order", data=data)
    assert response.status_code == status
    assert message in text(response)
    assert orders_on(db, lot) == 1


def test_the_amount_left_is_shown_when_an_order_is_beyond_the_maximum(client, db):
    lot = framework(db, maximum="5000.00", prices=("1000.00",))
    place(db, lot, quantity=4)
    lot_id, data = lot.id, order_form(db, lot, quantity="2")
    db.commit()
    login(client, ODENSE)
    page = text(client.post(f"/frameworks/lots/{lot_id}/order", data=data))
    assert "der er 1.000,00 kr. tilbage af 5.000,00 kr." in page


def test_a_lot_outside_the_jobcentres_scope_does_not_exist_for_it(client, db):
    lot = framework(db, "SD")
    lot_id, data = lot.id, order_form(db, lot)
    db.commit()
    login(client, AALBORG)
    assert client.get(f"/frameworks/lots/{lot_id}/order").status_code == 404
    assert client.post(f"/frameworks/lots/{lot_id}/order", data=data).status_code == 404
    assert orders_on(db, lot) == 0
    assert db.scalar(
        select(AuditEntry).where(
            AuditEntry.action == "access.refused", AuditEntry.object_type == "lots"
        )
    )


def test_the_supplier_accepts_delivers_and_invoices_and_the_jobcentre_approves(client, db):
    order = place(db, framework(db))
    order_id = order.id
    db.commit()
    login(client, "leverandoer1@demo.dk")
    # Each of these asks first, saying what will happen; the confirmed POST takes the step.
    asked = text(client.post(f"/orders/{order_id}/accept"))
    assert "Acceptér bestillingen?" in asked and "2.000,00" in asked
    assert db.get(CallOff, order_id).state == CallOffState.PLACED
    yes = {"confirmed": "yes"}
    assert client.post(f"/orders/{order_id}/accept", data=yes).status_code == 302
    assert "Meld bestillingen som leveret?" in text(client.post(f"/orders/{order_id}/deliver"))
    assert client.post(f"/orders/{order_id}/deliver", data=yes).status_code == 302
    assert "2.000,00" in text(client.get(f"/orders/{order_id}/invoice"))  # the total, proposed
    response = client.post(
        f"/orders/{order_id}/invoice", data={"amount": "2.000,00", "reference": "F-88"}
    )
    assert response.status_code == 302
    client.post("/logout")
    login(client, ODENSE)
    assert "Godkend fakturaen?" in text(client.post(f"/orders/{order_id}/approve-invoice"))
    assert db.get(CallOff, order_id).state == CallOffState.INVOICED
    assert client.post(f"/orders/{order_id}/approve-invoice", data=yes).status_code == 302
    page = text(client.get(f"/orders/{order_id}"))
    assert "Faktura godkendt" in page and "F-88" in page
    assert db.get(CallOff, order_id).state == CallOffState.PAID


def test_an_invoice_above_the_total_without_a_reason_gets_a_message(client, db):
    order = delivered(db, framework(db))
    order_id = order.id
    db.commit()
    login(client, "leverandoer1@demo.dk")
    response = client.post(
        f"/orders/{order_id}/invoice", data={"amount": "2.500,00", "reference": "F-1"}
    )
    assert response.status_code == 409
    assert "500,00 kr. højere end bestillingens samlede beløb" in text(response)
    assert db.get(CallOff, order_id).state == CallOffState.DELIVERED


def test_declining_asks_for_a_reason_on_its_own_page(client, db):
    order = place(db, framework(db))
    order_id = order.id
    db.commit()
    login(client, "leverandoer1@demo.dk")
    assert "Afvis bestillingen?" in text(client.get(f"/orders/{order_id}/decline"))
    assert client.post(f"/orders/{order_id}/decline", data={"reason": ""}).status_code == 422
    response = client.post(f"/orders/{order_id}/decline", data={"reason": "Holdet er fuldt"})
    assert response.status_code == 302
    assert db.get(CallOff, order_id).state == CallOffState.DECLINED


def test_the_jobcentre_cancels_and_rejects_an_invoice_with_reasons(client, db):
    lot = framework(db)
    placed, billed = place(db, lot), invoiced(db, lot)
    placed_id, billed_id = placed.id, billed.id
    db.commit()
    login(client, ODENSE)
    client.post(f"/orders/{placed_id}/cancel", data={"reason": "Borgeren er i job"})
    client.post(f"/orders/{billed_id}/reject-invoice", data={"reason": "Forkert antal timer"})
    assert db.get(CallOff, placed_id).state == CallOffState.CANCELLED
    assert db.get(CallOff, billed_id).state == CallOffState.DELIVERED
    assert "Forkert antal timer" in text(client.get(f"/orders/{billed_id}"))


def test_a_move_the_state_does_not_allow_gets_a_message(client, db):
    order = place(db, framework(db))
    order_id = order.id
    db.commit()
    login(client, "leverandoer1@demo.dk")
    response = client.post(f"/orders/{order_id}/deliver")
    assert response.status_code == 409
    assert "når bestillingen har status „Afgivet, afventer leverandøren“" in text(response)


@pytest.mark.parametrize("email", ["leverandoer2@demo.dk", AALBORG, "region.midtjylland@demo.dk"])
def test_another_organisations_order_does_not_exist(client, db, email):
    order = place(db, framework(db, "SD"))
    order_id = order.id
    db.commit()
    login(client, email)
    assert client.get(f"/orders/{order_id}").status_code == 404
    assert client.get(f"/orders/{order_id}/order.pdf").status_code == 404


def test_another_supplier_cannot_accept(client, db):
    order = place(db, framework(db))
    order_id = order.id
    db.commit()
    login(client, "leverandoer2@demo.dk")
    assert client.post(f"/orders/{order_id}/accept").status_code == 404
    assert db.get(CallOff, order_id).state == CallOffState.PLACED


def test_regions_see_their_tenders_orders_and_their_jobcentres_national_orders(client, db):
    national = framework(db, "HS", scope=Scope.NATIONAL)
    order = place(db, national, email=AALBORG)
    order_id, number = order.id, order.number
    db.commit()
    for email, sees in [
        ("region.hovedstaden@demo.dk", True),  # the tender's region
        ("region.nordjylland@demo.dk", True),  # the jobcentre's region
        ("direktoer.nordjylland@demo.dk", True),
        ("region.midtjylland@demo.dk", False),
    ]:
        login(client, email)
        assert client.get(f"/orders/{order_id}").status_code == (200 if sees else 404), email
        assert (f">{number}</a>" in text(client.get(f"/orders?q={number}"))) is sees, email
        client.post("/logout")


def test_the_order_list_shows_only_the_users_own_and_finds_by_case_reference(client, db):
    lot = framework(db, "HS", scope=Scope.NATIONAL)
    mine = place(db, lot, case_reference="ODENSE-SAG-1")
    theirs = place(db, lot, email=AALBORG, case_reference="AALBORG-SAG-1")
    mine_number, theirs_number = mine.number, theirs.number
    db.commit()
    login(client, ODENSE)
    page = text(client.get("/orders?q=SAG-1"))
    assert f">{mine_number}</a>" in page and f">{theirs_number}</a>" not in page
    assert f">{mine_number}</a>" not in text(client.get("/orders?state=paid"))


def test_the_order_pdf(client, db):
    order = place(db, framework(db))
    order_id = order.id
    db.commit()
    login(client, "leverandoer1@demo.dk")
    response = client.get(f"/orders/{order_id}/order.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")


def test_the_start_page_says_what_waits_for_whom(client, db):
    lot = framework(db)
    place(db, lot)
    invoiced(db, lot)
    db.commit()
    login(client, "leverandoer1@demo.dk")
    supplier_page = text(client.get("/start"))
    client.post("/logout")
    login(client, ODENSE)
    jobcentre_page = text(client.get("/start"))
    placed_waiting = db.scalar(
        select(func.count()).where(
            CallOff.supplier_id == lot_supplier_id(db, lot), CallOff.state == CallOffState.PLACED
        )
    )
    assert f"{placed_waiting} ny" in supplier_page or f"{placed_waiting} nye" in supplier_page
    assert "1 faktura venter på jeres godkendelse" in jobcentre_page


def lot_supplier_id(db, lot) -> int:
    return agreement(db, lot, 1).supplier_id


def test_the_frameworks_page_asks_the_same_number_of_queries_for_more_lots(client, db, app):
    framework(db)
    db.commit()
    login(client, ODENSE)
    few = queries_for(client, app, "/frameworks")
    for _ in range(4):
        framework(db)
    db.commit()
    assert queries_for(client, app, "/frameworks") == few


def test_the_order_list_asks_the_same_number_of_queries_for_more_orders(client, db, app):
    lot = framework(db, "HS", scope=Scope.NATIONAL)
    place(db, lot)
    db.commit()
    login(client, "region.syddanmark@demo.dk")
    few = queries_for(client, app, "/orders")
    for email in (ODENSE, ODENSE, "leder.odense@demo.dk", ODENSE):
        place(db, framework(db, "SD"), email=email)
    db.commit()
    assert queries_for(client, app, "/orders") == few


def test_an_over_long_case_reference_gets_a_message(client, db):
    lot = framework(db)
    lot_id, data = lot.id, order_form(db, lot, case_reference="S" * 41)
    db.commit()
    login(client, ODENSE)
    response = client.post(f"/frameworks/lots/{lot_id}/order", data=data)
    assert response.status_code == 422
    assert "40 tegn" in text(response)
    assert orders_on(db, lot) == 0


@pytest.mark.parametrize(
    "url",
    [
        "/frameworks?target_group=99999999999999999999999",
        "/frameworks?target_group=%C2%B2",
        "/orders?q=%00",
        "/orders?q=B-%00-1&state=nonsense&page=99999999999999999999",
        "/orders?older=99999999999999999999&newer=-1",
        "/orders?_scheme=ftp&_external=1&endpoint=x",
        "/orders?older=%C2%B2",
    ],
)
def test_odd_query_strings_are_ignored_not_a_crash(client, url):
    login(client, ODENSE)
    assert client.get(url).status_code == 200


def test_a_lot_appears_under_each_of_its_target_groups_and_the_filter_narrows(client, db):
    from app.targetgroups.models import TargetGroup

    lot = framework(db)
    handicap = db.scalars(
        select(TargetGroup).where(TargetGroup.name == "Personer med handicap")
    ).one()
    lot.tender.target_groups.append(handicap)
    title, handicap_id = lot.tender.title, handicap.id
    db.commit()
    login(client, ODENSE)
    page = text(client.get("/frameworks"))
    assert page.count(f"{title}, delaftale 1") == 2
    narrowed = text(client.get(f"/frameworks?target_group={handicap_id}"))
    assert narrowed.count(f"{title}, delaftale 1") == 1
    assert (
        "<h2>Personer med handicap</h2>" in narrowed
        and "<h2>Ledige akademikere</h2>" not in narrowed
    )


def test_a_page_for_a_move_the_order_is_not_ready_for_sends_back_with_the_reason(client, db):
    order = place(db, framework(db))
    order_id = order.id
    db.commit()
    login(client, "leverandoer1@demo.dk")
    response = client.get(f"/orders/{order_id}/invoice", follow_redirects=True)
    assert response.request.path == f"/orders/{order_id}"
    assert "når bestillingen har status „Afgivet, afventer leverandøren“" in text(response)
    client.post("/logout")
    login(client, ODENSE)
    response = client.get(f"/orders/{order_id}/reject-invoice", follow_redirects=True)
    assert response.request.path == f"/orders/{order_id}"


def test_the_orders_are_walked_newest_first_by_position_with_the_filters_kept(
    client, db, app, monkeypatch
):
    from datetime import UTC, datetime, timedelta

    from app import clock

    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    lot = framework(db, maximum="900000.00")
    numbers = []
    for hour in range(5):
        with clock.frozen_at(datetime(2026, 11, 24, 9, tzinfo=UTC) - timedelta(hours=hour)):
            numbers.append(place(db, lot, case_reference=f"VINDUE-{hour}").number)
    db.commit()
    login(client, ODENSE)
    first = text(client.get("/orders?q=VINDUE"))
    assert numbers[0] in first and numbers[1] in first and numbers[2] not in first
    assert "Nyere" not in first
    older = first.split('rel="next" href="')[1].split('"')[0]
    assert "q=VINDUE" in older
    second = text(client.get(older))
    assert numbers[2] in second and numbers[3] in second and numbers[1] not in second
    third = text(client.get(second.split('rel="next" href="')[1].split('"')[0]))
    assert numbers[4] in third and "Ældre" not in third
    back = text(client.get(third.split('rel="prev" href="')[1].split('"')[0]))
    assert numbers[2] in back and numbers[3] in back and numbers[4] not in back


def test_another_jobcentres_order_as_position_shows_the_top_of_the_own_list(client, db):
    lot = framework(db, "HS", scope=Scope.NATIONAL)
    theirs = place(db, lot, email=AALBORG)
    mine = place(db, lot)
    db.commit()
    login(client, ODENSE)
    page = text(client.get(f"/orders?older={theirs.id}"))
    assert mine.number in page and theirs.number not in page


def test_the_frameworks_are_shown_a_page_of_lots_at_a_time(client, db, app, monkeypatch):
    from app.targetgroups.models import TargetGroup

    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    group = "Faggrupper med få ledige i det enkelte jobcenter"
    references = [framework(db, target_group=group).tender.reference for _ in range(3)]
    group_id = db.scalars(select(TargetGroup.id).where(TargetGroup.name == group)).one()
    db.commit()
    login(client, ODENSE)
    url, seen, pages = f"/frameworks?target_group={group_id}", [], 0
    while url:
        page = text(client.get(url))
        pages += 1
        assert page.count('data-testid="lot-') <= 2
        seen += [ref for ref in references if ref in page]
        following = page.split('rel="next" href="')
        url = following[1].split('"')[0] if len(following) > 1 else None
        assert url is None or f"target_group={group_id}" in url
    assert sorted(seen) == sorted(references) and pages >= 2


def test_the_orders_found_export_as_a_danish_spreadsheet_of_the_users_own_orders(client, db):
    import io

    from openpyxl import load_workbook

    lot = framework(db, "HS", scope=Scope.NATIONAL)
    mine = place(db, lot, case_reference="=HYPERLINK(1)", quantity=3)
    theirs = place(db, lot, email=AALBORG)
    db.commit()
    login(client, ODENSE)
    response = client.get("/orders.xlsx?q=HYPERLINK&older=1")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Bestillingsnummer", "Afgivet", "Jobcenter")
    assert [row[0] for row in rows[1:]] == [mine.number]  # not Aalborg's, only the search's
    _number, placed, jobcentre, _supplier, _lot, case, quantity, price, total = rows[1][:9]
    assert case == "=HYPERLINK(1)" and sheet.cell(2, 6).data_type == "s"  # text, no formula
    assert (jobcentre, quantity, price, total) == ("Jobcenter Odense", 3, 1000, 3000)
    assert placed.hour == 11  # 10:00 UTC is 11:00 in Copenhagen in November
    assert rows[1][10] == "Afgivet, afventer leverandøren"
    assert theirs.number not in {row[0] for row in rows}


def test_an_export_beyond_the_most_one_holds_is_refused_with_a_way_forward(client, db, monkeypatch):
    from app.calloffs import services as calloff_services

    monkeypatch.setattr(calloff_services, "MAX_EXPORT_ROWS", 1)
    lot = framework(db)
    place(db, lot, case_reference="LOFT-1")
    place(db, lot, case_reference="LOFT-2")
    db.commit()
    login(client, ODENSE)
    response = client.get("/orders.xlsx?q=LOFT")
    assert response.status_code == 302 and "q=LOFT" in response.location
    page = text(client.get(response.location))
    assert (
        "2 ordrer passer på søgningen; en eksport rummer højst 1. Vælg en kortere periode." in page
    )


def test_the_order_list_is_narrowed_by_the_day_placed(client, db):
    from datetime import UTC, datetime

    from app import clock

    lot = framework(db, maximum="900000.00")
    with clock.frozen_at(datetime(2026, 11, 22, 22, 30, tzinfo=UTC)):  # 23:30 on the 22nd
        early = place(db, lot, case_reference="DAG-1", starts_on=TODAY + timedelta(days=7))
    late = place(db, lot, case_reference="DAG-2")
    db.commit()
    login(client, ODENSE)
    page = text(client.get("/orders?q=DAG&from=2026-11-23"))
    assert late.number in page and early.number not in page
    page = text(client.get("/orders?q=DAG&to=2026-11-22"))
    assert early.number in page and late.number not in page


def test_a_position_whose_newer_rows_left_the_search_leads_to_the_top_not_an_empty_page(
    client, db, app, monkeypatch
):
    from datetime import UTC, datetime

    from app import clock
    from app.calloffs import services as calloff_services
    from tests.calloffs.conftest import supplier_user
    from tests.conftest import user

    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    lot = framework(db, maximum="900000.00")
    orders = []
    for hour in range(4):  # newest first: 0, 1, 2, 3
        with clock.frozen_at(datetime(2026, 11, 24, 9, tzinfo=UTC) - timedelta(hours=hour)):
            orders.append(place(db, lot, case_reference=f"STRAND-{hour}"))
    ids = [order.id for order in orders]
    numbers = [order.number for order in orders]
    accepting = supplier_user(db, orders[0])
    db.commit()
    login(client, ODENSE)
    first = text(client.get("/orders?q=STRAND&state=placed"))
    older = first.split('rel="next" href="')[1].split('"')[0].replace("&amp;", "&")
    second = text(client.get(older))
    newer = second.split('rel="prev" href="')[1].split('"')[0].replace("&amp;", "&")
    supplier = user(db, accepting)
    for order_id in ids[:2]:  # the two newest are accepted: they leave the search
        calloff_services.accept(db, supplier, db.get(CallOff, order_id))
    db.commit()
    back = text(client.get(newer))
    assert numbers[2] in back and numbers[3] in back
    last = text(client.get(f"/orders?q=STRAND&state=placed&older={ids[3]}"))
    assert "Ingen bestillinger matcher søgningen" in last and "Nyeste" in last
