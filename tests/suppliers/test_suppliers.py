"""Supplier registration, confirmation, colleagues and suspension."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.auth.models import User
from app.core.errors import DomainError, NotAllowed
from app.notifications.models import OutboxMessage
from app.suppliers import services
from app.suppliers.models import Supplier, SupplierState
from tests.conftest import login, user

VALID_CVR = "31245672"


def _register(client, headers=None, **changes):
    data = {
        "company_name": "Nyt Firma ApS",
        "cvr": VALID_CVR,
        "address": "Havnegade 2\n9000 Aalborg",
        "contact_person": "Nina Ny",
        "email": "nina@nytfirma.dk",
        "new_password": "a long enough password",
        "repeat_password": "a long enough password",
    }
    data.update(changes)
    return client.post("/register", data=data, headers=headers)


def _confirmation_link(db, email):
    message = db.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.to_address == email)
        .order_by(OutboxMessage.id.desc())
    ).first()
    return re.search(r"https?://[^/]+(/\S+)", message.body).group(1)


@pytest.mark.parametrize(
    ("cvr", "valid"),
    [
        ("31245672", True),
        ("10000009", True),
        ("31245673", False),
        ("1234567", False),
        ("01245672", False),
        ("3124567a", False),
        ("\u0661\u0660\u0660\u0660\u0660\u0660\u0660\u0669", False),  # 10000009, Arabic-Indic
        ("\uff11\uff10\uff10\uff10\uff10\uff10\uff10\uff19", False),  # 10000009, full width
    ],
)
def test_the_cvr_modulus_11_check(cvr, valid):
    assert services.is_valid_cvr(cvr) is valid


#: Passes modulus 11 (0·2 + 1·7 + 2·6 + 4·5 + 5·4 + 6·3 + 7·2 + 8·1 = 99), yet no CVR number
#: starts with 0.
LEADING_ZERO_CVR = "01245678"


def test_a_cvr_number_starting_with_0_is_refused_though_it_passes_modulus_11(client, db):
    weights = zip(LEADING_ZERO_CVR, services.CVR_WEIGHTS, strict=True)
    assert sum(int(digit) * weight for digit, weight in weights) % 11 == 0
    assert services.is_valid_cvr(LEADING_ZERO_CVR) is False
    before = db.scalar(select(func.count()).select_from(Supplier))
    response = _register(client, cvr=LEADING_ZERO_CVR)
    assert response.status_code == 409
    assert "ikke et gyldigt CVR-nummer" in response.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(Supplier)) == before


def test_registration_then_confirmation_then_login(client, db):
    response = _register(client)
    assert response.status_code == 200
    assert "nina@nytfirma.dk" in response.get_data(as_text=True)
    supplier = db.scalars(select(Supplier).where(Supplier.cvr == VALID_CVR)).one()
    assert supplier.state == SupplierState.UNCONFIRMED
    assert login(client, "nina@nytfirma.dk", "a long enough password").status_code == 401
    link = _confirmation_link(db, "nina@nytfirma.dk")
    assert client.get(link).status_code == 302
    db.expire_all()
    assert db.get(Supplier, supplier.id).state == SupplierState.ACTIVE
    assert login(client, "nina@nytfirma.dk", "a long enough password").status_code == 302
    assert "Nyt Firma ApS" in client.get("/supplier").get_data(as_text=True)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"cvr": "31245673"}, "ikke et gyldigt CVR-nummer"),
        ({"cvr": "10000009"}, "allerede registreret"),
        ({"email": "admin@demo.dk"}, "findes allerede en bruger"),
        ({"company_name": "akademikerhuset aps"}, "allerede registreret"),
    ],
)
def test_bad_registrations_are_refused_with_a_reason_and_store_nothing(
    client, db, changes, message
):
    before = db.scalar(select(func.count()).select_from(Supplier))
    response = _register(client, **changes)
    assert response.status_code == 409
    assert message in response.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(Supplier)) == before


def test_the_e_mailed_link_starts_with_the_sites_address_not_the_requests_host(app, client, db):
    _register(client, headers={"Host": "evil.example"})
    body = (
        db.scalars(select(OutboxMessage).where(OutboxMessage.to_address == "nina@nytfirma.dk"))
        .one()
        .body
    )
    assert f"{app.config['BASE_URL']}/register/confirm/" in body
    assert "evil.example" not in body


def test_a_forged_confirmation_link_is_refused(client):
    response = client.get("/register/confirm/forged-token", follow_redirects=True)
    assert "Linket er ikke gyldigt" in response.get_data(as_text=True)


def test_a_supplier_invites_a_colleague_who_chooses_a_password(client, db):
    login(client, "leverandoer1@demo.dk")
    response = client.post(
        "/supplier/colleagues", data={"name": "Kim Kollega", "email": "kim@akademikerhuset.dk"}
    )
    assert response.status_code == 302
    link = _confirmation_link(db, "kim@akademikerhuset.dk")
    assert link.startswith("/invitation/")
    client.post("/logout")
    accepted = client.post(
        link, data={"new_password": "kims own password", "repeat_password": "kims own password"}
    )
    assert accepted.status_code == 302
    assert login(client, "kim@akademikerhuset.dk", "kims own password").status_code == 302
    assert client.post(
        link, data={"new_password": "x" * 12, "repeat_password": "x" * 12}
    ).status_code in (302, 409)


def test_the_profile_records_the_dated_declaration(client, db):
    login(client, "leverandoer2@demo.dk")
    response = client.post(
        "/supplier",
        data={
            "address": "Ny adresse 1",
            "contact_person": "Lars",
            "declare_no_exclusion": "y",
            "target_group_ids": [],
            "region_ids": [],
        },
    )
    assert response.status_code == 302
    supplier = db.scalars(select(Supplier).where(Supplier.cvr == "20000007")).one()
    assert supplier.address == "Ny adresse 1" and supplier.exclusion_declared_at is not None


def test_region_staff_suspend_with_a_reason_and_lift_it(client, db):
    supplier = db.scalars(select(Supplier).where(Supplier.cvr == "30000005")).one()
    supplier_id = supplier.id
    login(client, "region.nordjylland@demo.dk")
    assert client.post(f"/suppliers/{supplier_id}/suspend", data={"reason": ""}).status_code == 422
    response = client.post(f"/suppliers/{supplier_id}/suspend", data={"reason": "Snyd med timer."})
    assert response.status_code == 302
    db.expire_all()
    assert db.get(Supplier, supplier_id).state == SupplierState.SUSPENDED
    assert client.post(f"/suppliers/{supplier_id}/reinstate").status_code == 302
    db.expire_all()
    assert db.get(Supplier, supplier_id).state == SupplierState.ACTIVE


def test_only_region_staff_suspend(db):
    supplier = db.scalars(select(Supplier).where(Supplier.cvr == "30000005")).one()
    with pytest.raises(NotAllowed):
        services.suspend(db, user(db, "admin@demo.dk"), supplier, "Nej")
    with pytest.raises(DomainError, match="reason"):
        services.suspend(db, user(db, "region.nordjylland@demo.dk"), supplier, " ")


def test_region_staff_are_offered_suspension_or_its_lifting_by_the_suppliers_state(db):
    supplier = db.scalars(select(Supplier).where(Supplier.cvr == "30000005")).one()
    staff, admin = user(db, "region.nordjylland@demo.dk"), user(db, "admin@demo.dk")
    assert (services.may_suspend(staff, supplier), services.may_reinstate(staff, supplier)) == (
        True,
        False,
    )
    assert not services.may_suspend(admin, supplier)
    services.suspend(db, staff, supplier, "Snyd med timer.")
    assert supplier.is_suspended
    assert (services.may_suspend(staff, supplier), services.may_reinstate(staff, supplier)) == (
        False,
        True,
    )
    assert not services.may_reinstate(admin, supplier)


def test_a_supplier_sees_only_its_own_company(client, db):
    other = db.scalars(select(Supplier).where(Supplier.cvr == "20000007")).one()
    login(client, "leverandoer1@demo.dk")
    assert client.get(f"/suppliers/{other.id}/documents/1").status_code == 404
    assert client.get("/suppliers").status_code == 403
    html = client.get("/supplier").get_data(as_text=True)
    assert "10000009" in html and "20000007" not in html


def test_region_staff_search_suppliers(client):
    login(client, "region.syddanmark@demo.dk")
    html = client.get("/suppliers?q=10000009").get_data(as_text=True)
    assert "Akademikerhuset ApS" in html and "Inklusion Danmark" not in html


def test_an_unconfirmed_user_stays_out(db):
    assert db.scalar(select(func.count()).where(User.email_confirmed_at.is_(None))) >= 0
