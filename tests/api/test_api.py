"""The JSON API: bearer tokens and their scopes, JSON errors, and the same rules, refusals and
audit entries as the pages, because it calls the same services."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app import clock
from app.api import tokens
from app.api.auth import limiter
from app.api.models import ApiScope, ApiToken
from app.audit.models import AuditEntry
from app.auth.models import User
from app.calloffs.models import CallOff, CallOffState
from app.purchases.models import OutsidePurchase
from app.tenders.models import CallOffRule, Scope
from tests.calloffs.conftest import TODAY, agreement, framework, place
from tests.conftest import NOW, login, user

JOBCENTRE = "rmu_demo_jobcenter_aalborg"  # Jobcenter Aalborg, Nordjylland: read, order, purchases
REGION = "rmu_demo_region_nordjylland"  # read, purchases
SUPPLIER = "rmu_demo_leverandoer1"  # read


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def order_body(lot, rank: int = 1, db=None, **changes) -> dict:
    body = {
        "agreement_id": agreement(db, lot, rank).id,
        "case_reference": "SAG-API-1",
        "quantity": 2,
        "starts_on": (TODAY + timedelta(days=7)).isoformat(),
    }
    return body | changes


def placed(client, db, lot, **changes):
    return client.post(
        "/api/v1/orders", json=order_body(lot, db=db, **changes), headers=bearer(JOBCENTRE)
    )


def last_audit(db, action: str) -> AuditEntry:
    return db.scalars(
        select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id.desc())
    ).first()


# --- who is asking ------------------------------------------------------------------------------


def test_without_a_token_the_api_answers_401_in_json_and_audits_it(client, db):
    response = client.get("/api/v1/orders")
    assert response.status_code == 401
    assert response.is_json
    assert response.json["error"]["code"] == "unauthenticated"
    assert "Authorization: Bearer" in response.json["error"]["message"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    entry = last_audit(db, "api.refused")
    assert entry.changes["reason"] == "missing" and entry.changes["path"] == "/api/v1/orders"


def test_a_session_cookie_opens_nothing_in_the_api(client, db):
    login(client, "jobcenter.aalborg@demo.dk")
    assert client.get("/api/v1/orders").status_code == 401


@pytest.mark.parametrize("presented", ["rmu_not_a_token", "Basic abc", "rmu_"])
def test_an_unknown_token_is_refused_in_the_words_of_the_token_check(client, presented):
    response = client.get("/api/v1/orders", headers={"Authorization": f"Bearer {presented}"})
    assert response.status_code == 401
    assert response.json["error"]["message"] == "API-nøglen er ukendt, tilbagekaldt eller udløbet."


def test_a_token_opens_the_api_until_the_second_it_expires(client, db):
    leader = user(db, "leder.aalborg@demo.dk")
    expiry = NOW + timedelta(days=1)
    _token, secret = tokens.issue_token(
        db, leader, leader.organisation, "Kort", {ApiScope.READ}, expiry
    )
    db.commit()
    with clock.frozen_at(expiry - timedelta(seconds=1)):
        assert client.get("/api/v1/orders", headers=bearer(secret)).status_code == 200
    with clock.frozen_at(expiry):
        assert client.get("/api/v1/orders", headers=bearer(secret)).status_code == 401
    assert last_audit(db, "api.refused").changes["reason"] == "expired"


def test_a_revoked_token_opens_nothing(client, db):
    token = db.scalars(
        select(ApiToken).where(ApiToken.secret_hash == tokens.digest(SUPPLIER))
    ).one()
    tokens.revoke_token(db, user(db, "leverandoer1@demo.dk"), token)
    db.commit()
    assert client.get("/api/v1/orders", headers=bearer(SUPPLIER)).status_code == 401


def test_a_token_without_the_scope_is_refused_with_403_and_audited(client, db):
    lot = framework(db, "NJ")
    db.commit()
    response = client.post("/api/v1/orders", json=order_body(lot, db=db), headers=bearer(SUPPLIER))
    assert response.status_code == 403
    assert response.json["error"]["message"] == "Nøglen har ikke adgangen order."
    assert "insufficient_scope" in response.headers["WWW-Authenticate"]
    entry = last_audit(db, "api.refused")
    assert entry.changes["reason"] == "scope" and entry.changes["token"] == "Ordresystem (demo)"
    assert db.scalar(select(CallOff).where(CallOff.case_reference == "SAG-API-1")) is None


def test_errors_are_json_even_for_routes_that_do_not_exist(client):
    response = client.get("/api/v1/nothing-here", headers=bearer(JOBCENTRE))
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"
    response = client.delete("/api/v1/orders", headers=bearer(JOBCENTRE))
    assert response.status_code == 405 and response.json["error"]["code"] == "method_not_allowed"


def test_answers_are_in_danish_unless_the_client_asks_for_english(client):
    response = client.get(
        "/api/v1/frameworks", headers=bearer(SUPPLIER) | {"Accept-Language": "en"}
    )
    assert response.json["error"]["message"] == (
        "Only a jobcentre's token sees the frameworks it orders from."
    )


def test_the_rate_limit_counts_per_token_and_answers_429_in_json(app, client, db, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "3 per minute")
    limiter.reset()
    leader = user(db, "leder.aalborg@demo.dk")
    secrets = [
        tokens.issue_token(
            db, leader, leader.organisation, name, {ApiScope.READ}, NOW + timedelta(days=9)
        )[1]
        for name in ("Travl", "Rolig")
    ]
    db.commit()
    for _ in range(3):
        assert client.get("/api/v1/inbox", headers=bearer(secrets[0])).status_code == 200
    limited = client.get("/api/v1/inbox", headers=bearer(secrets[0]))
    assert limited.status_code == 429
    assert limited.json["error"]["code"] == "rate_limited"
    assert "Retry-After" in limited.headers
    # Another token has its own count.
    assert client.get("/api/v1/inbox", headers=bearer(secrets[1])).status_code == 200
    limiter.reset()


# --- reading ------------------------------------------------------------------------------------


def test_tenders_are_the_published_ones_with_their_lots_and_nothing_about_bids(client, db):
    response = client.get("/api/v1/tenders?size=5", headers=bearer(SUPPLIER))
    assert response.status_code == 200
    body = response.json
    assert body["page"] == 1 and body["size"] == 5 and body["total"] >= len(body["items"])
    first = body["items"][0]
    assert first["published_at"] is not None and first["ocid"].endswith(first["reference"])
    assert "bids" not in str(body).lower()
    detail = client.get(f"/api/v1/tenders/{first['id']}", headers=bearer(SUPPLIER)).json
    assert detail["lots"] == first["lots"]
    if body["next"]:
        assert client.get(body["next"], headers=bearer(SUPPLIER)).json["page"] == 2


def test_a_draft_tender_is_not_found(client, db):
    from tests.tenders.conftest import new_tender

    draft = new_tender(db)
    db.commit()
    response = client.get(f"/api/v1/tenders/{draft.id}", headers=bearer(JOBCENTRE))
    assert response.status_code == 404


def test_a_lot_lists_its_agreements_by_rank_with_exact_prices(client, db):
    lot = framework(db, "NJ", prices=("1000.50", "1200.00"))
    db.commit()
    body = client.get(f"/api/v1/lots/{lot.id}", headers=bearer(REGION)).json
    assert [a["rank"] for a in body["agreements"]] == [1, 2]
    assert body["agreements"][0]["unit_price"] == "1000.50"
    assert body["maximum_value"] == "100000.00"


def test_the_jobcentre_sees_its_frameworks_and_the_room_left(client, db):
    lot = framework(db, "NJ", maximum="5000.00")
    place(db, lot, email="jobcenter.aalborg@demo.dk", quantity=2)  # 2 000 kr. at rank 1
    db.commit()
    body = client.get(f"/api/v1/frameworks/lots/{lot.id}", headers=bearer(JOBCENTRE)).json
    assert body["committed"] == "2000.00" and body["left"] == "3000.00"
    assert all(a["orderable_today"] for a in body["agreements"])
    listed = client.get("/api/v1/frameworks?size=1000", headers=bearer(JOBCENTRE)).json
    assert lot.id in [item["lot"]["id"] for item in listed["items"]]


def test_another_regions_lot_is_not_offered_to_the_jobcentre(client, db):
    lot = framework(db, "SD")
    db.commit()
    response = client.get(f"/api/v1/frameworks/lots/{lot.id}", headers=bearer(JOBCENTRE))
    assert response.status_code == 404
    assert last_audit(db, "access.refused") is not None


def test_a_region_or_a_supplier_has_no_frameworks_to_order_from(client):
    for secret in (REGION, SUPPLIER):
        assert client.get("/api/v1/frameworks", headers=bearer(secret)).status_code == 403


# --- ordering -----------------------------------------------------------------------------------


def _committed_through_frameworks(client) -> Decimal:
    """The jobcentre's own spend table: its row's committed amount through the frameworks."""
    spend = client.get("/api/v1/spend", headers=bearer(JOBCENTRE)).json
    assert spend["dashboard"] == "jobcentre"
    table = next(t for t in spend["tables"] if t["name"] == "jobcentre")
    assert table["money_columns"][0] == 1
    return sum((Decimal(row[1]) for row in table["rows"]), Decimal("0.00"))


def test_an_order_placed_through_the_api_is_the_pages_order(client, db):
    lot = framework(db, "NJ")
    db.commit()
    before = _committed_through_frameworks(client)
    response = placed(client, db, lot)
    assert response.status_code == 201, response.json
    body = response.json
    assert body["state"] == "placed" and body["total"] == "2000.00"
    assert body["events"][0]["step"] == "placed"
    assert "cancelled" in body["next_steps"]
    # The audit trail names the token.
    entry = last_audit(db, "calloff.placed")
    assert db.get(User, entry.actor_id).name == "Sagssystem (demo)"
    # The jobcentre's staff see it on the order list; the supplier has it in its inbox.
    login(client, "jobcenter.aalborg@demo.dk")
    assert body["number"] in client.get("/orders").get_data(as_text=True)
    inbox = client.get("/api/v1/inbox", headers=bearer(SUPPLIER)).json
    assert any(body["number"] in item["subject"] + item["body"] for item in inbox["items"])
    # Spend and the open data count it.
    after = _committed_through_frameworks(client)
    assert after - before == Decimal(body["total"])
    ocds = client.get(f"/ocds/calloffs/{body['id']}/releases.json").json
    assert ocds["releases"][0]["ocid"].endswith(body["number"])


def test_the_maximum_is_refused_in_the_services_words_and_nothing_is_stored(client, db):
    lot = framework(db, "NJ", maximum="1999.99")
    db.commit()
    lot_id = lot.id
    response = placed(client, db, lot)
    assert response.status_code == 409
    assert response.json["error"]["code"] == "refused"
    assert "maksimum" in response.json["error"]["message"]
    assert db.scalar(select(CallOff).where(CallOff.lot_id == lot_id)) is None


def test_the_order_at_exactly_the_maximum_is_placed(client, db):
    lot = framework(db, "NJ", maximum="2000.00")
    db.commit()
    assert placed(client, db, lot).status_code == 201


def test_a_cpr_number_in_the_case_reference_is_refused(client, db):
    lot = framework(db, "NJ")
    db.commit()
    response = placed(client, db, lot, case_reference="010190-1234")
    assert response.status_code == 409
    assert "CPR" in response.json["error"]["message"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"quantity": 0}, "quantity"),
        ({"quantity": "many"}, "quantity"),
        ({"case_reference": ""}, "case_reference"),
        ({"starts_on": "2026-13-01"}, "starts_on"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_a_malformed_order_is_422_with_the_field_named(client, db, changes, field):
    lot = framework(db, "NJ")
    db.commit()
    response = placed(client, db, lot, **changes)
    assert response.status_code == 422
    assert field in [detail["field"] for detail in response.json["error"]["details"]]


def test_a_body_that_is_not_json_is_refused(client):
    response = client.post(
        "/api/v1/orders", data="quantity=1", headers=bearer(JOBCENTRE), content_type="text/plain"
    )
    assert response.status_code == 415
    response = client.post(
        "/api/v1/orders", data="{", headers=bearer(JOBCENTRE), content_type="application/json"
    )
    assert response.status_code == 400


def test_a_cascade_needs_the_reason_the_page_asks_for(client, db):
    lot = framework(db, "NJ", rule=CallOffRule.CASCADE)
    db.commit()
    body = order_body(lot, rank=2, db=db)
    refused = client.post("/api/v1/orders", json=body, headers=bearer(JOBCENTRE))
    assert refused.status_code == 409
    accepted = client.post(
        "/api/v1/orders",
        json=body | {"choice_reason": "Nærmere borgeren"},
        headers=bearer(JOBCENTRE),
    )
    assert accepted.status_code == 201


def test_another_jobcentres_order_is_not_found_and_the_look_is_audited(client, db):
    lot = framework(db, "NJ", scope=Scope.NATIONAL)
    theirs = place(db, lot, email="jobcenter.odense@demo.dk")
    db.commit()
    theirs_id = theirs.id
    assert client.get(f"/api/v1/orders/{theirs_id}", headers=bearer(JOBCENTRE)).status_code == 404
    cancel = client.post(
        f"/api/v1/orders/{theirs_id}/cancel", json={"reason": "Fejl"}, headers=bearer(JOBCENTRE)
    )
    assert cancel.status_code == 404
    assert db.get(CallOff, theirs_id).state == CallOffState.PLACED
    assert last_audit(db, "access.refused").object_id == theirs_id
    listed = client.get("/api/v1/orders?size=1000", headers=bearer(JOBCENTRE)).json
    assert theirs_id not in [o["id"] for o in listed["items"]]


def test_a_jobcentre_cannot_order_under_another_regions_framework(client, db):
    lot = framework(db, "SD")
    db.commit()
    lot_id = lot.id
    response = placed(client, db, lot)
    assert response.status_code == 403
    assert response.json["error"]["message"] == ("Rammeaftalen dækker ikke Jobcenter Aalborg.")
    assert db.scalar(select(CallOff).where(CallOff.lot_id == lot_id)) is None
    assert last_audit(db, "access.refused").changes["path"] == "/api/v1/orders"


def test_cancel_then_cancel_again_is_refused_with_the_state(client, db):
    lot = framework(db, "NJ")
    db.commit()
    order_id = placed(client, db, lot).json["id"]
    url = f"/api/v1/orders/{order_id}/cancel"
    first = client.post(url, json={"reason": "Borgeren fik job"}, headers=bearer(JOBCENTRE))
    assert first.status_code == 200 and first.json["state"] == "cancelled"
    again = client.post(url, json={"reason": "Igen"}, headers=bearer(JOBCENTRE))
    assert again.status_code == 409
    assert "annulleret" in again.json["error"]["message"].lower()
    missing = client.post(url, json={"reason": ""}, headers=bearer(JOBCENTRE))
    assert missing.status_code == 422


def test_the_order_list_is_searchable_and_paged(client, db):
    lot = framework(db, "NJ")
    db.commit()
    for n in range(3):
        placed(client, db, lot, case_reference=f"SAG-LIST-{n}", quantity=1)
    body = client.get("/api/v1/orders?text=SAG-LIST&size=2", headers=bearer(JOBCENTRE)).json
    assert len(body["items"]) == 2 and "older=" in body["next"]
    assert body["items"][0]["case_reference"] == "SAG-LIST-2"  # newest first
    rest = client.get(body["next"], headers=bearer(JOBCENTRE)).json
    assert [o["case_reference"] for o in rest["items"]] == ["SAG-LIST-0"]
    assert rest["next"] is None
    region = client.get("/api/v1/orders?text=SAG-LIST", headers=bearer(REGION)).json
    assert len(region["items"]) == 3
    bad = client.get("/api/v1/orders?state=lost", headers=bearer(JOBCENTRE))
    assert bad.status_code == 422


# --- purchases and ledgers ------------------------------------------------------------------------


def _purchase(**changes) -> dict:
    return {
        "target_group_id": 0,
        "supplier_name": "Lokal Kursus ApS",
        "supplier_cvr": "12345674",
        "amount": "1234.50",
        "purchased_on": TODAY.isoformat(),
    } | changes


def test_a_purchase_is_classified_and_a_breach_needs_its_reason(client, db):
    from tests.tenders.conftest import group

    lot = framework(db, "NJ")
    group_id = group(db, "Ledige akademikere").id
    db.commit()
    assert lot is not None
    breach = client.post(
        "/api/v1/purchases", json=_purchase(target_group_id=group_id), headers=bearer(JOBCENTRE)
    )
    assert breach.status_code == 409, breach.json
    assert breach.json["error"]["code"] == "breach_needs_reason"
    assert db.scalar(select(OutsidePurchase).where(OutsidePurchase.voucher == "API-1")) is None
    kept = client.post(
        "/api/v1/purchases",
        json=_purchase(target_group_id=group_id, breach_reason="Akut behov", voucher="API-1"),
        headers=bearer(JOBCENTRE),
    )
    assert kept.status_code == 201
    assert kept.json["classification"] == "breach" and kept.json["amount"] == "1234.50"


def test_a_region_token_cannot_register_a_jobcentres_purchase(client, db):
    response = client.post(
        "/api/v1/purchases", json=_purchase(target_group_id=1), headers=bearer(REGION)
    )
    assert response.status_code == 403


@pytest.mark.parametrize("amount", ["0", "-5", "1.234", "NaN"])
def test_a_purchase_with_a_bad_amount_is_422(client, amount):
    response = client.post(
        "/api/v1/purchases",
        json=_purchase(target_group_id=1, amount=amount),
        headers=bearer(JOBCENTRE),
    )
    assert response.status_code == 422


HEADER = "dato;cvr;leverandør;beløb;målgruppe;beskrivelse;bilag"


def _ledger(*lines: str) -> bytes:
    return "\n".join([HEADER, *lines]).encode()


def _upload(client, data: bytes, secret=JOBCENTRE, query="", name="bogholderi.csv"):
    import io

    return client.post(
        f"/api/v1/ledger-imports{query}",
        data={"file": (io.BytesIO(data), name)},
        headers=bearer(secret),
        content_type="multipart/form-data",
    )


def test_a_ledger_file_is_imported_and_a_bad_one_names_each_line(client, db):
    day = TODAY.strftime("%d-%m-%Y")
    good = f"{day};12345674;Lokal Kursus ApS;1.000,00;Flygtninge og indvandrere;Kursus;L1"
    bad = f"{day};123;Lokal Kursus ApS;mange;Flygtninge og indvandrere;Kursus;L2"
    refused = _upload(client, _ledger(good, bad))
    assert refused.status_code == 422
    assert [d["field"] for d in refused.json["error"]["details"]] == ["line 3"]
    assert db.scalar(select(OutsidePurchase).where(OutsidePurchase.voucher == "L1")) is None
    imported = _upload(client, _ledger(good))
    assert imported.status_code == 201, imported.json
    assert imported.json["added"] == 1
    assert _upload(client, _ledger(good)).json["already_known"] == 1


def test_a_region_imports_its_own_jobcentres_ledger_only(client, db):
    day = TODAY.strftime("%d-%m-%Y")
    good = f"{day};12345674;Lokal Kursus ApS;1.000,00;Flygtninge og indvandrere;Kursus;R1"
    aalborg = user(db, "jobcenter.aalborg@demo.dk").organisation_id
    odense = user(db, "jobcenter.odense@demo.dk").organisation_id
    assert _upload(client, _ledger(good), REGION, f"?jobcentre={aalborg}").status_code == 201
    assert _upload(client, _ledger(good), REGION, f"?jobcentre={odense}").status_code == 403


def test_an_upload_that_is_not_a_ledger_is_refused(client):
    response = _upload(client, b"\x00\x01PK junk", name="bogholderi.exe")
    assert response.status_code == 422
    assert response.json["error"]["message"]


# --- the description ----------------------------------------------------------------------------


def test_every_api_route_is_in_the_openapi_document_and_nothing_else(app, client):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"] == "3.1.0"
    documented = {(method.upper(), path) for path, ops in spec["paths"].items() for method in ops}
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            path = rule.rule
            for arg in rule.arguments:
                path = path.replace(f"<int:{arg}>", f"{{{arg}}}")
            served |= {(m, path) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert documented == served


def test_the_docs_page_shows_every_operation(client):
    spec = client.get("/api/v1/openapi.json").json
    page = client.get("/api/").get_data(as_text=True)
    for path, ops in spec["paths"].items():
        for method in ops:
            assert f"{method.upper()} {path}" in page


def test_amounts_in_the_document_are_exact_strings(client):
    spec = client.get("/api/v1/openapi.json").json
    total = spec["components"]["schemas"]["OrderOut"]["properties"]["total"]
    assert total["type"] == "string" and "pattern" in total
    assert Decimal("1.00")  # (the pattern allows two decimals exactly)


def test_an_id_beyond_the_id_columns_is_not_found_on_the_api_and_the_pages(client, db):
    too_large = 2**31  # one past what an INTEGER column holds on PostgreSQL
    response = client.get(f"/api/v1/orders/{too_large}", headers=bearer(JOBCENTRE))
    assert response.status_code == 404 and response.is_json
    login(client, "jobcenter.aalborg@demo.dk")
    assert client.get(f"/orders/{too_large}").status_code == 404
    assert client.get(f"/orders/{too_large - 1}").status_code == 404


# --- what an outside review found ---------------------------------------------------------------


def test_a_lone_surrogate_in_a_text_is_dropped_not_a_server_error(client, db):
    lot = framework(db, "NJ")
    db.commit()
    response = placed(client, db, lot, case_reference="SAG-\ud800X")
    assert response.status_code == 201
    assert response.json["case_reference"] == "SAG-X"


def test_json_nested_too_deep_is_a_bad_request(client):
    response = client.post(
        "/api/v1/purchases",
        data="[" * 5000 + "]" * 5000,
        headers=bearer(JOBCENTRE),
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json["error"]["code"] == "bad_request"


def test_a_body_without_a_length_is_still_read_only_to_the_limit(client):
    import io

    big = b'{"reason": "' + b"x" * 70_000 + b'"}'
    response = client.post(
        "/api/v1/orders/1/cancel",
        input_stream=io.BytesIO(big),
        headers=bearer(JOBCENTRE),
        content_type="application/json",
        environ_overrides={"wsgi.input_terminated": True, "CONTENT_LENGTH": ""},
    )
    assert response.status_code == 413


@pytest.mark.parametrize(
    "query",
    ["placed_from=0001-01-01", "placed_to=9999-12-31", "placed_from=1793491200"],
)
def test_days_outside_the_platforms_years_or_not_iso_are_422(client, query):
    response = client.get(f"/api/v1/orders?{query}", headers=bearer(JOBCENTRE))
    assert response.status_code == 422


@pytest.mark.parametrize("query", ["from=1793491200", "to=1999-12-31"])
def test_spend_refuses_a_period_its_tables_would_ignore(client, query):
    assert client.get(f"/api/v1/spend?{query}", headers=bearer(JOBCENTRE)).status_code == 422


def test_the_walk_goes_on_after_an_order_the_search_no_longer_finds(client, db):
    lot = framework(db, "NJ")
    db.commit()
    ids = [
        placed(client, db, lot, case_reference=f"SAG-WALK-{n}", quantity=1).json["id"]
        for n in range(3)
    ]
    first = client.get(
        "/api/v1/orders?text=SAG-WALK&state=placed&size=2", headers=bearer(JOBCENTRE)
    )
    assert [o["id"] for o in first.json["items"]] == [ids[2], ids[1]]
    client.post(
        f"/api/v1/orders/{ids[1]}/cancel", json={"reason": "Fejl"}, headers=bearer(JOBCENTRE)
    )
    rest = client.get(first.json["next"], headers=bearer(JOBCENTRE)).json
    assert [o["id"] for o in rest["items"]] == [ids[0]]
    foreign = client.get("/api/v1/orders?older=2147483647", headers=bearer(JOBCENTRE))
    assert foreign.status_code == 422


def test_refused_requests_from_one_address_stop_being_audited_after_a_while(
    app, client, db, monkeypatch
):
    monkeypatch.setitem(app.config, "API_REFUSAL_LIMIT", "30 per minute")  # the default
    limiter.reset()
    before = db.scalar(select(func.count()).where(AuditEntry.action == "api.refused"))
    answers = [client.get("/api/v1/orders").status_code for _ in range(35)]
    assert answers[:30] == [401] * 30 and set(answers[30:]) == {429}
    after = db.scalar(select(func.count()).where(AuditEntry.action == "api.refused"))
    assert after - before == 30
    limiter.reset()


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"quantity": True}, "quantity"), ({"agreement_id": "7"}, "agreement_id")],
)
def test_json_values_are_taken_as_json_types(client, db, changes, field):
    lot = framework(db, "NJ")
    db.commit()
    response = placed(client, db, lot, **changes)
    assert response.status_code == 422
    assert field in [d["field"] for d in response.json["error"]["details"]]


@pytest.mark.parametrize("amount", ["\u0661\u0662\u0663", "1.234,50", True])
def test_an_amount_is_plain_digits(client, amount):
    response = client.post(
        "/api/v1/purchases",
        json=_purchase(target_group_id=1, amount=amount),
        headers=bearer(JOBCENTRE),
    )
    assert response.status_code == 422


def test_the_language_of_a_refused_token_follows_accept_language(client):
    response = client.get("/api/v1/orders", headers={"Accept-Language": "en"})
    assert response.json["error"]["message"].startswith("Send an API token")


def test_a_placed_order_says_where_it_can_be_read(client, db):
    lot = framework(db, "NJ")
    db.commit()
    response = placed(client, db, lot)
    assert response.headers["Location"].endswith(f"/api/v1/orders/{response.json['id']}")


def test_target_groups_name_the_ids_purchases_take(client):
    body = client.get("/api/v1/target-groups", headers=bearer(SUPPLIER)).json
    assert "Personer med handicap" in [g["name"] for g in body["items"]]


def test_the_apis_root_without_a_slash_answers_in_json(client):
    response = client.get("/api/v1", headers=bearer(JOBCENTRE))
    assert response.status_code == 404 and response.is_json


def test_a_revoked_tokens_use_is_audited_under_its_name(client, db):
    token = db.scalars(select(ApiToken).where(ApiToken.secret_hash == tokens.digest(REGION))).one()
    tokens.revoke_token(db, user(db, "region.nordjylland@demo.dk"), token)
    db.commit()
    limiter.reset()
    assert client.get("/api/v1/orders", headers=bearer(REGION)).status_code == 401
    entry = last_audit(db, "api.refused")
    assert entry.changes["reason"] == "revoked"
    assert entry.changes["token"] == "Økonomisystem (demo)"
