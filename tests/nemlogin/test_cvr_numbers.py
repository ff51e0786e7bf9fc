"""The CVR numbers public staff sign in with: an administrator sets them, each leads one way."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.core.errors import DomainError, NotAllowed
from app.demo.platform import SUPPLIER_CVRS
from app.nemlogin import services
from app.organisations.models import Municipality, Organisation, OrganisationKind
from tests.conftest import login, user


def _region(db) -> Organisation:
    return db.scalars(
        select(Organisation).where(Organisation.kind == OrganisationKind.REGION)
    ).first()


def _municipality(db, name="Aarhus") -> Municipality:
    return db.scalars(select(Municipality).where(Municipality.name == name)).one()


def test_an_administrator_sets_and_removes_an_organisations_cvr(db, admin):
    region = _region(db)
    services.set_organisation_cvr(db, admin, region, "5513 3018")
    assert region.cvr == "55133018"
    assert services.public_organisation_by_cvr(db, "55133018") == region
    services.set_organisation_cvr(db, admin, region, "")
    assert region.cvr is None


def test_a_municipalitys_cvr_leads_to_its_jobcentre(db, admin):
    aarhus = _municipality(db)
    services.set_municipality_cvr(db, admin, aarhus, "55133018")
    assert services.public_organisation_by_cvr(db, "55133018") == aarhus.jobcentre


@pytest.mark.parametrize("cvr", ["1234567", "12345678", "0000000A"])
def test_an_invalid_cvr_is_refused(db, admin, cvr):
    with pytest.raises(DomainError, match="not a valid CVR"):
        services.set_organisation_cvr(db, admin, _region(db), cvr)


def test_a_cvr_leads_one_way_only(db, admin):
    services.set_municipality_cvr(db, admin, _municipality(db), "55133018")
    with pytest.raises(DomainError, match="already in use"):
        services.set_organisation_cvr(db, admin, _region(db), "55133018")
    with pytest.raises(DomainError, match="already in use"):
        services.set_municipality_cvr(db, admin, _municipality(db, "Odense"), SUPPLIER_CVRS[0])


def test_only_an_administrator_sets_cvr_numbers(db):
    with pytest.raises(NotAllowed):
        services.set_organisation_cvr(db, user(db, "region.nordjylland@demo.dk"), _region(db), "")


def test_a_suppliers_cvr_is_not_set_here(db, admin):
    supplier = db.scalars(
        select(Organisation).where(Organisation.kind == OrganisationKind.SUPPLIER)
    ).first()
    with pytest.raises(DomainError, match="registered with"):
        services.set_organisation_cvr(db, admin, supplier, "55133018")


def test_the_cvr_page_sets_a_municipalitys_number(client, db):
    login(client, "admin@demo.dk")
    assert client.get("/nemlogin/cvr").status_code == 200
    odense = _municipality(db, "Odense")
    response = client.post(
        "/nemlogin/cvr/municipality",
        data={"municipality-target": odense.id, "municipality-cvr": "55133018"},
    )
    assert response.status_code == 302
    db.expire_all()
    assert _municipality(db, "Odense").cvr == "55133018"
    assert "55133018" in client.get("/nemlogin/cvr").get_data(as_text=True)
