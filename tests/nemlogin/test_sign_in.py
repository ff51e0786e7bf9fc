"""Signing in end to end: /nemlogin/login → the test IdP → /nemlogin/acs, as a supplier's
employee and as jobcentre staff, and who the platform takes each person to be."""

from __future__ import annotations

import base64

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.auth.models import User
from app.auth.roles import Role
from app.demo.platform import SUPPLIER_CVRS
from app.nemlogin.models import Applicant, ApplicantState
from app.nemlogin.services import PRIVILEGE_PREFIX, privileges_for
from app.notifications.models import Notification
from app.organisations.models import Municipality, Organisation, OrganisationKind
from app.suppliers.models import Supplier, SupplierState
from tests.conftest import login, user
from tests.nemlogin.conftest import (
    last_refusal,
    new_uuid,
    nobody_is_signed_in,
    post_response,
    supplier_person,
)
from tests.nemlogin.idp import ACS_URL, SSO_URL, Person, privileges_xml

AALBORG_KOMMUNE_CVR = "29189420"


def _actions(db) -> list[str]:
    return list(db.scalars(select(AuditEntry.action).order_by(AuditEntry.id.desc()).limit(5)))


def sign_in(client, idp, person: Person):
    """The whole round: our AuthnRequest to the IdP, its answer posted back to us."""
    response = client.get("/nemlogin/login")
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith(SSO_URL + "?")
    request, _query = idp.read_redirect(location)
    return post_response(client, idp.response(person, request.get("ID")))


def _signed_in_as(client) -> bool:
    return client.get("/start").status_code == 200


def jobcentre_person(**changes) -> Person:
    values = {
        "uuid": new_uuid(),
        "cvr": AALBORG_KOMMUNE_CVR,
        "org_name": "Aalborg Kommune",
        "name": "Jens Jobkonsulent",
        "email": f"jens.{new_uuid()[:8]}@aalborg.example",
    }
    values.update(changes)
    return Person(**values)


@pytest.fixture
def aalborg(db) -> Organisation:
    municipality = db.scalars(select(Municipality).where(Municipality.name == "Aalborg")).one()
    municipality.cvr = AALBORG_KOMMUNE_CVR
    db.commit()
    return municipality.jobcentre


# --- the request ---------------------------------------------------------------------------


def test_the_authn_request_is_signed_with_sha256_and_asks_for_substantial(client, idp):
    location = client.get("/nemlogin/login").headers["Location"]
    request, query = idp.read_redirect(location)
    assert query["SigAlg"] == "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
    assert idp.redirect_signature_is_valid(location)
    assert request.get("AssertionConsumerServiceURL") == ACS_URL
    namespaces = {"saml": "urn:oasis:names:tc:SAML:2.0:assertion"}
    refs = request.xpath("//saml:AuthnContextClassRef/text()", namespaces=namespaces)
    assert refs == ["https://data.gov.dk/concept/core/nsis/loa/Substantial"]


# --- a supplier's employee -------------------------------------------------------------------


def test_a_supplier_employee_linked_before_signs_in_end_to_end(client, db, idp):
    employee = user(db, "leverandoer1@demo.dk")
    employee.nemlogin_uuid = "uuid-of-leverandoer1"
    db.commit()
    person = supplier_person(uuid="uuid-of-leverandoer1", cvr=SUPPLIER_CVRS[0])
    response = sign_in(client, idp, person)
    assert response.status_code == 302 and response.headers["Location"].endswith("/start")
    assert _signed_in_as(client)
    assert client.get("/supplier").status_code == 200
    assert "nemlogin.signed_in" in _actions(db)


def test_a_new_employee_of_a_registered_supplier_waits_for_a_colleague_to_confirm(client, db, idp):
    person = supplier_person(cvr=SUPPLIER_CVRS[0])
    response = sign_in(client, idp, person)
    assert response.headers["Location"].endswith("/nemlogin/waiting")
    page = client.get("/nemlogin/waiting").get_data(as_text=True)
    assert person.name in page
    assert nobody_is_signed_in(client)
    assert client.get("/supplier").status_code == 302  # to the login: no role, no access
    applicant = db.scalars(select(Applicant).where(Applicant.nemlogin_uuid == person.uuid)).one()
    assert applicant.state == ApplicantState.WAITING
    colleague = user(db, "leverandoer1@demo.dk")
    assert db.scalar(
        select(Notification).where(
            Notification.user_id == colleague.id, Notification.subject.contains(person.name)
        )
    )
    assert "nemlogin.colleague_waiting" in _actions(db)


def test_a_confirmed_colleague_signs_in_as_the_suppliers_user(app, client, db, idp):
    person = supplier_person(cvr=SUPPLIER_CVRS[0])
    sign_in(client, idp, person)
    applicant_id = db.scalar(select(Applicant.id).where(Applicant.nemlogin_uuid == person.uuid))

    colleague = app.test_client()
    assert login(colleague, "leverandoer1@demo.dk").status_code == 302
    assert person.name in colleague.get("/nemlogin/colleagues").get_data(as_text=True)
    confirmed = colleague.post(f"/nemlogin/colleagues/{applicant_id}/confirm")
    assert confirmed.status_code == 302

    sign_in(client, idp, person)
    assert _signed_in_as(client)
    new_user = db.scalars(select(User).where(User.nemlogin_uuid == person.uuid)).one()
    supplier = db.scalars(select(Supplier).where(Supplier.cvr == SUPPLIER_CVRS[0])).one()
    assert new_user.role == Role.SUPPLIER
    assert new_user.organisation_id == supplier.organisation_id


def test_another_suppliers_user_cannot_confirm_a_colleague(app, client, db, idp):
    person = supplier_person(cvr=SUPPLIER_CVRS[0])
    sign_in(client, idp, person)
    applicant_id = db.scalar(select(Applicant.id).where(Applicant.nemlogin_uuid == person.uuid))
    other = app.test_client()
    assert login(other, "leverandoer2@demo.dk").status_code == 302
    assert person.name not in other.get("/nemlogin/colleagues").get_data(as_text=True)
    other.post(f"/nemlogin/colleagues/{applicant_id}/confirm")
    assert db.scalar(select(User).where(User.nemlogin_uuid == person.uuid)) is None


def test_a_refused_colleague_is_refused_at_the_next_sign_in(app, client, db, idp):
    person = supplier_person(cvr=SUPPLIER_CVRS[0])
    sign_in(client, idp, person)
    applicant_id = db.scalar(select(Applicant.id).where(Applicant.nemlogin_uuid == person.uuid))
    colleague = app.test_client()
    login(colleague, "leverandoer1@demo.dk")
    colleague.post(f"/nemlogin/colleagues/{applicant_id}/refuse")
    response = sign_in(client, idp, person)
    assert response.status_code == 403
    assert last_refusal(db)["reason"] == "applicant_refused"
    assert nobody_is_signed_in(client)


# --- a CVR no supplier has -------------------------------------------------------------------


def test_an_unknown_cvr_registers_the_company_with_the_assertions_cvr_and_name(client, db, idp):
    person = supplier_person(cvr="12345674", org_name="Nyt Firma ApS")
    response = sign_in(client, idp, person)
    assert response.headers["Location"].endswith("/nemlogin/register")
    page = client.get("/nemlogin/register").get_data(as_text=True)
    assert "12345674" in page and "Nyt Firma ApS" in page
    assert 'name="cvr"' not in page and 'name="company_name"' not in page
    registered = client.post(
        "/nemlogin/register",
        data={"address": "Vej 1, 9000 Aalborg", "cvr": "20000007", "company_name": "Andet"},
    )
    assert registered.status_code == 302
    supplier = db.scalars(select(Supplier).where(Supplier.cvr == "12345674")).one()
    assert supplier.name == "Nyt Firma ApS" and supplier.state == SupplierState.ACTIVE
    assert _signed_in_as(client)
    new_user = db.scalars(select(User).where(User.nemlogin_uuid == person.uuid)).one()
    assert new_user.organisation_id == supplier.organisation_id
    assert new_user.role == Role.SUPPLIER


def test_the_registration_page_needs_a_nemlogin_sign_in(client):
    assert client.get("/nemlogin/register").status_code == 404


# --- public-sector staff ---------------------------------------------------------------------


def test_a_jobcentre_employee_with_a_privilege_signs_in_end_to_end(client, db, idp, aalborg):
    person = jobcentre_person(privileges=[f"{PRIVILEGE_PREFIX}jobcentre_staff"])
    response = sign_in(client, idp, person)
    assert response.status_code == 302 and response.headers["Location"].endswith("/start")
    assert _signed_in_as(client)
    staff = db.scalars(select(User).where(User.nemlogin_uuid == person.uuid)).one()
    assert staff.role == Role.JOBCENTRE_STAFF
    assert staff.organisation_id == aalborg.id
    assert "nemlogin.joined" in _actions(db)


def test_a_manager_privilege_wins_over_staff(client, db, idp, aalborg):
    person = jobcentre_person(
        privileges=[f"{PRIVILEGE_PREFIX}jobcentre_staff", f"{PRIVILEGE_PREFIX}jobcentre_manager"]
    )
    sign_in(client, idp, person)
    staff = db.scalars(select(User).where(User.nemlogin_uuid == person.uuid)).one()
    assert staff.role == Role.JOBCENTRE_MANAGER


@pytest.mark.parametrize(
    "privilege",
    [f"{PRIVILEGE_PREFIX}admin", f"{PRIVILEGE_PREFIX}supplier", f"{PRIVILEGE_PREFIX}region_staff"],
)
def test_a_privilege_that_grants_no_role_here_leaves_the_person_waiting(
    client, db, idp, aalborg, privilege
):
    person = jobcentre_person(privileges=[privilege])
    response = sign_in(client, idp, person)
    assert response.headers["Location"].endswith("/nemlogin/waiting")
    assert db.scalar(select(User).where(User.nemlogin_uuid == person.uuid)) is None
    assert nobody_is_signed_in(client)


def test_a_privilege_scoped_to_another_cvr_is_ignored():
    privilege = f"{PRIVILEGE_PREFIX}jobcentre_staff"
    encoded = base64.b64encode(privileges_xml("12345674", [privilege]).encode()).decode()
    assert privileges_for(encoded, AALBORG_KOMMUNE_CVR) == frozenset()
    assert privileges_for(encoded, "12345674") == {privilege}


def test_an_unreadable_privilege_list_grants_nothing():
    assert privileges_for("not base64!", AALBORG_KOMMUNE_CVR) == frozenset()
    assert privileges_for(base64.b64encode(b"<x").decode(), AALBORG_KOMMUNE_CVR) == frozenset()


def test_jobcentre_staff_without_a_privilege_wait_for_an_administrator(
    app, client, db, idp, aalborg
):
    person = jobcentre_person()
    response = sign_in(client, idp, person)
    assert response.headers["Location"].endswith("/nemlogin/waiting")
    assert "Venter på en rolle" in client.get("/nemlogin/waiting").get_data(as_text=True)
    assert nobody_is_signed_in(client)
    assert "nemlogin.waiting_for_role" in _actions(db)

    admin = app.test_client()
    login(admin, "admin@demo.dk")
    assert person.name in admin.get("/nemlogin/applicants").get_data(as_text=True)
    applicant_id = db.scalar(select(Applicant.id).where(Applicant.nemlogin_uuid == person.uuid))
    granted = admin.post(
        f"/nemlogin/applicants/{applicant_id}/grant",
        data={f"a{applicant_id}-role": "jobcentre_manager"},
    )
    assert granted.status_code == 302

    sign_in(client, idp, person)
    assert _signed_in_as(client)
    staff = db.scalars(select(User).where(User.nemlogin_uuid == person.uuid)).one()
    assert staff.role == Role.JOBCENTRE_MANAGER and staff.organisation_id == aalborg.id


def test_an_administrator_cannot_grant_a_role_of_another_kind_of_organisation(
    app, client, db, idp, aalborg
):
    person = jobcentre_person()
    sign_in(client, idp, person)
    applicant_id = db.scalar(select(Applicant.id).where(Applicant.nemlogin_uuid == person.uuid))
    admin = app.test_client()
    login(admin, "admin@demo.dk")
    admin.post(
        f"/nemlogin/applicants/{applicant_id}/grant", data={f"a{applicant_id}-role": "admin"}
    )
    assert db.scalar(select(User).where(User.nemlogin_uuid == person.uuid)) is None


def test_a_public_organisations_own_cvr_matches_it(client, db, idp):
    region = db.scalars(
        select(Organisation).where(Organisation.kind == OrganisationKind.REGION)
    ).first()
    region.cvr = "55133018"
    db.commit()
    person = jobcentre_person(cvr="55133018", privileges=[f"{PRIVILEGE_PREFIX}region_staff"])
    sign_in(client, idp, person)
    staff = db.scalars(select(User).where(User.nemlogin_uuid == person.uuid)).one()
    assert staff.organisation_id == region.id and staff.role == Role.REGION_STAFF


# --- refusals of who the person is -----------------------------------------------------------


def test_a_linked_user_signing_in_for_another_organisation_is_refused(client, db, idp):
    employee = user(db, "leverandoer1@demo.dk")
    employee.nemlogin_uuid = "uuid-moved"
    db.commit()
    response = sign_in(client, idp, supplier_person(uuid="uuid-moved", cvr=SUPPLIER_CVRS[1]))
    assert response.status_code == 403
    assert last_refusal(db)["reason"] == "organisation_changed"
    assert nobody_is_signed_in(client)


def test_a_deactivated_linked_user_is_refused(client, db, idp):
    employee = user(db, "leverandoer1@demo.dk")
    employee.nemlogin_uuid = "uuid-inactive"
    employee.active = False
    db.commit()
    response = sign_in(client, idp, supplier_person(uuid="uuid-inactive", cvr=SUPPLIER_CVRS[0]))
    assert response.status_code == 403
    assert last_refusal(db)["reason"] == "user_inactive"


def test_a_user_from_before_is_linked_on_the_first_sign_in(client, db, idp, aalborg):
    """Same address, same organisation (Aalborg Kommune's CVR serves Aalborg's jobcentre)."""
    person = jobcentre_person(email="leder.aalborg@demo.dk")
    response = sign_in(client, idp, person)
    assert response.status_code == 302 and response.headers["Location"].endswith("/start")
    assert _signed_in_as(client)
    db.expire_all()
    manager = user(db, "leder.aalborg@demo.dk")
    assert manager.nemlogin_uuid == person.uuid
    assert manager.role == Role.JOBCENTRE_MANAGER  # the role it had, not one from the assertion
    assert "nemlogin.linked" in _actions(db)


def test_an_assertion_never_takes_over_another_organisations_user_by_its_e_mail(
    client, db, idp, aalborg
):
    person = jobcentre_person(
        email="leder.esbjerg@demo.dk", privileges=[f"{PRIVILEGE_PREFIX}jobcentre_staff"]
    )
    response = sign_in(client, idp, person)
    assert response.status_code == 403
    assert last_refusal(db)["reason"] == "email_taken"
    assert user(db, "leder.esbjerg@demo.dk").nemlogin_uuid is None


def test_a_linked_user_is_not_linked_again_to_another_identity(client, db, idp, aalborg):
    manager = user(db, "leder.aalborg@demo.dk")
    manager.nemlogin_uuid = "uuid-of-the-manager"
    db.commit()
    person = jobcentre_person(
        email="leder.aalborg@demo.dk", privileges=[f"{PRIVILEGE_PREFIX}jobcentre_staff"]
    )
    response = sign_in(client, idp, person)
    assert response.status_code == 403
    assert last_refusal(db)["reason"] == "email_taken"
    assert user(db, "leder.aalborg@demo.dk").nemlogin_uuid == "uuid-of-the-manager"


def test_an_administrators_account_is_never_linked_by_e_mail(client, db, idp):
    authority = user(db, "admin@demo.dk").organisation
    authority.cvr = "55133018"
    db.commit()
    person = jobcentre_person(email="admin@demo.dk", cvr="55133018")
    sign_in(client, idp, person)
    assert nobody_is_signed_in(client)
    assert user(db, "admin@demo.dk").nemlogin_uuid is None


def test_a_deactivated_user_from_before_is_refused(client, db, idp, aalborg):
    manager = user(db, "leder.aalborg@demo.dk")
    manager.active = False
    db.commit()
    response = sign_in(client, idp, jobcentre_person(email="leder.aalborg@demo.dk"))
    assert response.status_code == 403
    assert last_refusal(db)["reason"] == "user_inactive"
    assert user(db, "leder.aalborg@demo.dk").nemlogin_uuid is None


def test_a_cpr_number_sent_anyway_is_never_stored(client, db, idp, aalborg):
    person = jobcentre_person(cpr="0101901234")
    sign_in(client, idp, person)
    applicant = db.scalars(select(Applicant).where(Applicant.nemlogin_uuid == person.uuid)).one()
    assert "0101901234" not in repr(vars(applicant))
    for changes in db.scalars(select(AuditEntry.changes).order_by(AuditEntry.id.desc()).limit(5)):
        assert "0101901234" not in str(changes)


def test_the_administrators_are_told_who_waits_for_a_role(client, db, idp, aalborg):
    person = jobcentre_person()
    sign_in(client, idp, person)
    told = db.scalars(
        select(Notification).where(
            Notification.user_id == user(db, "admin@demo.dk").id,
            Notification.subject.contains(person.name),
        )
    ).one()
    assert told.link == "/nemlogin/applicants"
