"""The rules for organisations."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.core.errors import DomainError, NotAllowed
from app.organisations import services
from app.organisations.models import Municipality, Organisation, OrganisationKind
from tests.conftest import organisation, user


def _municipality(db, name):
    return db.scalars(select(Municipality).where(Municipality.name == name)).one()


def _region(db, name="Nordjylland"):
    return organisation(db, OrganisationKind.REGION, f"Beskæftigelsesregion {name}")


def test_a_jobcentre_needs_an_employment_region(db, admin):
    with pytest.raises(DomainError, match="must belong to an employment region"):
        services.create_organisation(db, admin, kind=OrganisationKind.JOBCENTRE, name="Jobcenter X")


def test_a_jobcentre_cannot_belong_to_a_non_region(db, admin):
    ministry = organisation(db, OrganisationKind.MINISTRY, "Beskæftigelsesministeriet")
    with pytest.raises(DomainError, match="must belong to an employment region"):
        services.create_organisation(
            db, admin, kind=OrganisationKind.JOBCENTRE, name="Jobcenter X", region=ministry
        )


def test_a_region_needs_its_council(db, admin):
    with pytest.raises(DomainError, match="regional council"):
        services.create_organisation(db, admin, kind=OrganisationKind.REGION, name="Region X")


def test_a_new_region_gets_its_council(db, admin):
    region = services.create_organisation(
        db, admin, kind=OrganisationKind.REGION, name="Region X", council_name="Rådet X", code="RX"
    )
    assert region.council.name == "Rådet X"


def test_a_municipality_already_served_cannot_be_taken_by_another_jobcentre(db, admin):
    with pytest.raises(DomainError, match="already served by Jobcenter Aalborg"):
        services.create_organisation(
            db,
            admin,
            kind=OrganisationKind.JOBCENTRE,
            name="Jobcenter Nord",
            region=_region(db),
            municipalities=[_municipality(db, "Aalborg")],
        )


def test_a_jobcentre_serves_only_municipalities_of_its_region(db, admin):
    odense = organisation(db, OrganisationKind.JOBCENTRE, "Jobcenter Odense")
    services.update_organisation(db, admin, odense, name=odense.name, municipalities=[])
    with pytest.raises(DomainError, match="another employment region"):
        services.create_organisation(
            db,
            admin,
            kind=OrganisationKind.JOBCENTRE,
            name="Jobcenter Nord",
            region=_region(db),
            municipalities=[_municipality(db, "Odense")],
        )


def test_a_jobcentre_can_serve_several_municipalities(db, admin):
    aalborg = organisation(db, OrganisationKind.JOBCENTRE, "Jobcenter Aalborg")
    hjoerring = organisation(db, OrganisationKind.JOBCENTRE, "Jobcenter Hjørring")
    services.update_organisation(db, admin, hjoerring, name=hjoerring.name, municipalities=[])
    services.update_organisation(
        db,
        admin,
        aalborg,
        name=aalborg.name,
        municipalities=[_municipality(db, "Aalborg"), _municipality(db, "Hjørring")],
    )
    assert sorted(m.name for m in aalborg.municipalities) == ["Aalborg", "Hjørring"]


def test_names_are_unique_within_a_kind(db, admin):
    with pytest.raises(DomainError, match="already an organisation of this kind named"):
        services.create_organisation(
            db, admin, kind=OrganisationKind.MINISTRY, name="Beskæftigelsesministeriet"
        )


def test_only_a_jobcentre_belongs_to_a_region(db, admin):
    with pytest.raises(DomainError, match="Only a jobcentre belongs"):
        services.create_organisation(
            db, admin, kind=OrganisationKind.SUPPLIER, name="Firma", region=_region(db)
        )


def test_only_an_admin_manages_organisations(db):
    with pytest.raises(NotAllowed):
        services.create_organisation(
            db, user(db, "ministeriet@demo.dk"), kind=OrganisationKind.SUPPLIER, name="Firma"
        )


def test_the_demo_data_has_98_jobcentres_each_serving_its_municipality(db):
    jobcentres = db.scalar(
        select(func.count()).where(Organisation.kind == OrganisationKind.JOBCENTRE)
    )
    unserved = db.scalar(select(func.count()).where(Municipality.jobcentre_id.is_(None)))
    mismatched = db.scalar(
        select(func.count())
        .select_from(Municipality)
        .join(Organisation, Municipality.jobcentre_id == Organisation.id)
        .where(Organisation.region_id != Municipality.employment_region_id)
    )
    assert (jobcentres, unserved, mismatched) == (98, 0, 0)


def test_each_region_has_its_council(db):
    regions = db.scalars(select(Organisation).where(Organisation.kind == OrganisationKind.REGION))
    assert sorted(r.council.name for r in regions) == [
        "Det Regionale Beskæftigelsesråd Hovedstaden og Sjælland",
        "Det Regionale Beskæftigelsesråd Midtjylland",
        "Det Regionale Beskæftigelsesråd Nordjylland",
        "Det Regionale Beskæftigelsesråd Syddanmark",
    ]
