"""Purchases, imports and exemptions through the pages, for the jobcentre and the region."""

from __future__ import annotations

from datetime import timedelta
from html import unescape
from io import BytesIO

from sqlalchemy import func, select

from app.exemptions.models import Exemption, ExemptionState
from app.purchases.models import Classification, FollowUp, OutsidePurchase
from tests.calloffs.conftest import ODENSE, TODAY
from tests.conftest import login, user
from tests.purchases.conftest import GROUP, OUTSIDE_CVR, framework, group_id, register
from tests.purchases.test_ledger import csv, line


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


def stored(db) -> int:
    return db.scalar(select(func.count()).select_from(OutsidePurchase))


def form(db, **changes):
    data = {
        "target_group": group_id(db),
        "supplier_name": "Lokal Kursus ApS",
        "supplier_cvr": OUTSIDE_CVR,
        "amount": "12.500,00",
        "purchased_on": (TODAY - timedelta(days=2)).isoformat(),
        "description": "Kursus",
        "voucher": "",
        "breach_reason": "",
    }
    return {**data, **changes}


def test_a_breach_is_shown_with_the_frameworks_and_stored_only_with_a_reason(client, db):
    lot = framework(db)
    lot_id, data = lot.id, form(db)
    db.commit()
    before = stored(db)
    login(client, ODENSE)
    warned = client.post("/purchases/new", data=data)
    assert warned.status_code == 409
    page = text(warned)
    assert "En rammeaftale skulle have været brugt" in page
    assert f"/frameworks/lots/{lot_id}/order" in page
    assert stored(db) == before
    done = client.post("/purchases/new", data={**data, "breach_reason": "Akut behov"})
    assert done.status_code == 302
    shown = text(client.get(done.headers["Location"]))
    assert "Brud på købspligten" in shown and "Akut behov" in shown


def test_a_purchase_without_a_framework_is_registered_at_once(client, db):
    data = form(db, target_group=group_id(db, "Flygtninge og indvandrere"))
    db.commit()
    login(client, ODENSE)
    response = client.post("/purchases/new", data=data)
    assert response.status_code == 302
    assert "Ingen rammeaftale gjaldt" in text(client.get(response.headers["Location"]))


def test_bad_input_on_the_form_gets_a_message(client, db):
    data = form(db, supplier_cvr="1234", amount="mange")
    db.commit()
    before = stored(db)
    login(client, ODENSE)
    response = client.post("/purchases/new", data=data)
    assert response.status_code == 422
    assert "Skriv de 8 cifre" in text(response) and "Skriv beløbet som" in text(response)
    assert stored(db) == before


def test_an_import_with_a_bad_line_stores_nothing_then_a_good_one_is_summed_up(client, db):
    framework(db)
    odense = user(db, ODENSE).organisation_id
    db.commit()
    before = stored(db)
    login(client, ODENSE)
    bad = client.post(
        "/purchases/import",
        data={"jobcentre": odense, "file": (BytesIO(csv(line(), line(amount="x"))), "bog.csv")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422
    assert "Linje 3:" in text(bad) and "x er ikke et beløb" in text(bad)
    assert stored(db) == before
    good = client.post(
        "/purchases/import",
        data={
            "jobcentre": odense,
            "file": (BytesIO(csv(line(voucher="V1"), line(voucher="V2"))), "bog.csv"),
        },
        content_type="multipart/form-data",
    )
    assert good.status_code == 302
    summary = text(client.get(good.headers["Location"]))
    assert "Nye køb gemt: 2" in summary and "Brud på købspligten: 2" in summary
    assert stored(db) == before + 2


def test_the_jobcentre_explains_an_imported_breach_and_the_region_follows_it_up(client, db):
    framework(db)
    odense = user(db, ODENSE).organisation_id
    db.commit()
    login(client, ODENSE)
    client.post(
        "/purchases/import",
        data={"jobcentre": odense, "file": (BytesIO(csv(line(voucher="V7"))), "bog.csv")},
        content_type="multipart/form-data",
    )
    purchase = db.scalars(select(OutsidePurchase).where(OutsidePurchase.voucher == "V7")).one()
    purchase_id = purchase.id
    assert "Begrundelse mangler" in text(client.get("/purchases/?class=breach"))
    client.post(f"/purchases/{purchase_id}/reason", data={"reason": "Ventetid på rammeaftalen"})
    client.post("/logout")
    login(client, "region.syddanmark@demo.dk")
    assert "Jobcenter Odense" in text(client.get("/purchases/breaches"))
    response = client.post(
        f"/purchases/{purchase_id}/follow-up",
        data={"outcome": "needs_follow_up", "reason": "Drøftes på næste møde"},
    )
    assert response.status_code == 302
    purchase = db.get(OutsidePurchase, purchase_id)
    assert purchase.breach_reason == "Ventetid på rammeaftalen"
    assert purchase.follow_up == FollowUp.NEEDS_FOLLOW_UP


def test_another_regions_staff_cannot_see_or_follow_up(client, db):
    framework(db)
    purchase = register(db, breach_reason="Akut")
    purchase_id = purchase.id
    db.commit()
    login(client, "region.midtjylland@demo.dk")
    assert client.get(f"/purchases/{purchase_id}").status_code == 404
    response = client.post(
        f"/purchases/{purchase_id}/follow-up", data={"outcome": "accepted", "reason": "OK"}
    )
    assert response.status_code == 404


def test_an_exemption_asked_approved_with_a_letter_then_the_purchase_is_exempted(client, db):
    lot = framework(db)
    lot_id = lot.id
    data = form(db, breach_reason="Akut")
    db.commit()
    login(client, ODENSE)
    assert f"l:{lot_id}" in text(client.get("/exemptions/new"))
    response = client.post(
        "/exemptions/new",
        data={
            "scope": f"l:{lot_id}",
            "reason": "special_needs",
            "justification": "Borgerne har særlige behov",
            "starts_on": (TODAY - timedelta(days=5)).isoformat(),
            "ends_on": (TODAY + timedelta(days=30)).isoformat(),
        },
    )
    assert response.status_code == 302
    exemption_url = response.headers["Location"]
    client.post("/logout")
    login(client, "region.syddanmark@demo.dk")
    decided = client.post(
        exemption_url + "/decision", data={"decision": "approve", "reason": "Særligt tilfælde"}
    )
    assert decided.status_code == 302
    assert "Regionen godkender fritagelsen" in text(client.get(exemption_url))
    assert client.get(exemption_url + "/letter.pdf").data.startswith(b"%PDF")
    client.post("/logout")
    login(client, ODENSE)
    registered = client.post("/purchases/new", data=data)
    assert "Fritaget" in text(client.get(registered.headers["Location"]))
    exemption = db.scalars(select(Exemption).where(Exemption.lot_id == lot_id)).one()
    assert exemption.state == ExemptionState.APPROVED
    assert db.scalars(
        select(OutsidePurchase.classification).where(OutsidePurchase.exemption_id == exemption.id)
    ).all() == [Classification.EXEMPTED]


def test_a_decision_without_reasons_gets_a_message(client, db):
    from tests.purchases.conftest import ask

    exemption = ask(db, lot=framework(db))
    exemption_id = exemption.id
    db.commit()
    login(client, "region.syddanmark@demo.dk")
    response = client.post(
        f"/exemptions/{exemption_id}/decision", data={"decision": "approve", "reason": ""}
    )
    assert response.status_code == 422
    assert db.get(Exemption, exemption_id).state == ExemptionState.REQUESTED


def test_the_group_name_used_by_the_ledger_exists(db):
    assert group_id(db, GROUP)


def test_the_import_page_lists_the_users_own_recent_imports(client, db):
    from app.purchases import ledger

    aalborg = user(db, "jobcenter.aalborg@demo.dk")
    ledger.import_ledger(
        db,
        aalborg,
        aalborg.organisation,
        ledger.read_ledger_file("aalborg.csv", csv(line(voucher="A"))),
    )
    odense = user(db, ODENSE)
    ledger.import_ledger(
        db,
        odense,
        odense.organisation,
        ledger.read_ledger_file("odense.csv", csv(line(voucher="O"))),
    )
    db.commit()
    login(client, ODENSE)
    page = text(client.get("/purchases/import"))
    assert "odense.csv" in page and "aalborg.csv" not in page


def test_a_breach_without_its_reason_after_the_warning_gets_a_field_error(client, db):
    framework(db)
    data = form(db)
    db.commit()
    login(client, ODENSE)
    response = client.post("/purchases/new", data={**data, "breach_shown": "1"})
    assert response.status_code == 409
    assert "Angiv grunden til, at rammeaftalen ikke blev brugt." in text(response)
    assert "(frivilligt)" not in text(response).split('for="breach_reason"')[1][:200]


def test_the_exemption_form_offers_its_choices_in_danish(client, db):
    login(client, ODENSE)
    assert "Borgernes særlige behov" in text(client.get("/exemptions/new"))


def test_a_cpr_number_in_a_purchase_stands_at_its_field(client, db):
    data = form(db, description="Kursus for borger 010190-1234")
    db.commit()
    login(client, ODENSE)
    response = client.post("/purchases/new", data=data)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    at_field = html[html.index('id="description-error"') :][:300]
    assert "CPR" in at_field
    assert "Kursus for borger 010190-1234</textarea>" in html  # what was typed stays


def test_a_breach_without_its_reason_waits_on_the_jobcentres_start_page_until_explained(client, db):
    framework(db)
    odense = user(db, ODENSE).organisation_id
    db.commit()
    login(client, ODENSE)
    waiting_before = text(client.get("/start"))
    assert "venter på jeres begrundelse" not in waiting_before
    client.post(
        "/purchases/import",
        data={
            "jobcentre": odense,
            "file": (BytesIO(csv(line(voucher="W1"), line(voucher="W2"))), "bog.csv"),
        },
        content_type="multipart/form-data",
    )
    start = text(client.get("/start"))
    assert "2 brud på købspligten venter på jeres begrundelse" in start
    assert "/purchases/?reason=missing" in start
    first, second = (
        db.scalars(select(OutsidePurchase.id).where(OutsidePurchase.voucher == v)).one()
        for v in ("W1", "W2")
    )
    listed = text(client.get("/purchases/?reason=missing"))
    assert f'/purchases/{first}"' in listed and f'/purchases/{second}"' in listed
    assert 'data-testid="lacks-reason"' in listed
    client.post(f"/purchases/{first}/reason", data={"reason": "Akut behov"})
    assert "1 brud på købspligten venter på jeres begrundelse" in text(client.get("/start"))
    listed = text(client.get("/purchases/?reason=missing"))
    assert f'/purchases/{first}"' not in listed and f'/purchases/{second}"' in listed
