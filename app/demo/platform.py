"""Demo data: the real organisations (four regions, 98 jobcentres, ministries) and demo logins."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import clock
from app.auth import services as users
from app.auth.models import User
from app.auth.roles import Role
from app.organisations import services as organisations
from app.organisations.models import Municipality, Organisation, OrganisationKind
from app.suppliers import services as suppliers
from app.suppliers.models import Supplier, SupplierState

DEMO_PASSWORD = "demo12345678"
MUNICIPALITIES_CSV = Path(__file__).parent / "data" / "municipalities.csv"

#: The employment region's name in the data file → the short name used in the demo logins.
REGIONS = {
    "Nordjylland": "nordjylland",
    "Midtjylland": "midtjylland",
    "Syddanmark": "syddanmark",
    "Hovedstaden og Sjælland": "hovedstaden",
}
REGION_CODES = {
    "Nordjylland": "NJ",
    "Midtjylland": "MJ",
    "Syddanmark": "SD",
    "Hovedstaden og Sjælland": "HS",
}

MINISTRY = "Beskæftigelsesministeriet"
INTEGRATION_MINISTRY = "Ministeriet for Flygtninge, Indvandrere og Integration"
NATIONAL_AUTHORITY = "Arbejdsmarkedsstyrelsen"
SUPPLIERS = ["Akademikerhuset ApS", "Job & Kompetence A/S", "Inklusion Danmark ApS"]
#: Valid CVR numbers (modulus 11) for the demo suppliers, in the order above.
SUPPLIER_CVRS = ["10000009", "20000007", "30000005"]


@dataclass(frozen=True)
class DemoLogin:
    email: str
    name: str
    role: Role
    organisation: str  # the organisation's name
    kind: OrganisationKind


def region_name(short: str) -> str:
    return f"Beskæftigelsesregion {short}"


def demo_logins() -> list[DemoLogin]:
    logins = [
        DemoLogin(
            "admin@demo.dk",
            "Anne Admin",
            Role.ADMIN,
            NATIONAL_AUTHORITY,
            OrganisationKind.NATIONAL_AUTHORITY,
        )
    ]
    for full, short in REGIONS.items():
        region = region_name(full)
        logins.append(
            DemoLogin(
                f"region.{short}@demo.dk",
                f"Rikke Regionsmedarbejder ({full})",
                Role.REGION_STAFF,
                region,
                OrganisationKind.REGION,
            )
        )
        # A second member of the staff: an award is proposed by one and approved by another.
        logins.append(
            DemoLogin(
                f"region2.{short}@demo.dk",
                f"Rasmus Regionsmedarbejder ({full})",
                Role.REGION_STAFF,
                region,
                OrganisationKind.REGION,
            )
        )
    for full, short in REGIONS.items():
        logins.append(
            DemoLogin(
                f"direktoer.{short}@demo.dk",
                f"Dorte Direktør ({full})",
                Role.REGIONAL_DIRECTOR,
                region_name(full),
                OrganisationKind.REGION,
            )
        )
    logins += [
        DemoLogin(
            "ministeriet@demo.dk",
            "Mads Ministeriet",
            Role.MINISTRY,
            MINISTRY,
            OrganisationKind.MINISTRY,
        ),
        DemoLogin(
            "integration@demo.dk",
            "Ida Integration",
            Role.INTEGRATION_MINISTRY,
            INTEGRATION_MINISTRY,
            OrganisationKind.INTEGRATION_MINISTRY,
        ),
    ]
    for short, town in [
        ("aalborg", "Aalborg"),
        ("aarhus", "Aarhus"),
        ("odense", "Odense"),
        ("koebenhavn", "København"),
    ]:
        logins.append(
            DemoLogin(
                f"jobcenter.{short}@demo.dk",
                f"Jonas Jobcenter ({town})",
                Role.JOBCENTRE_STAFF,
                f"Jobcenter {town}",
                OrganisationKind.JOBCENTRE,
            )
        )
    for short, town in [("aalborg", "Aalborg"), ("odense", "Odense"), ("esbjerg", "Esbjerg")]:
        logins.append(
            DemoLogin(
                f"leder.{short}@demo.dk",
                f"Lene Leder ({town})",
                Role.JOBCENTRE_MANAGER,
                f"Jobcenter {town}",
                OrganisationKind.JOBCENTRE,
            )
        )
    for number, supplier in enumerate(SUPPLIERS, start=1):
        logins.append(
            DemoLogin(
                f"leverandoer{number}@demo.dk",
                f"Lars Leverandør ({supplier})",
                Role.SUPPLIER,
                supplier,
                OrganisationKind.SUPPLIER,
            )
        )
    return logins


def _find(db: Session, kind: OrganisationKind, name: str) -> Organisation | None:
    return db.scalar(
        select(Organisation).where(Organisation.kind == kind, Organisation.name == name)
    )


def _ensure(db: Session, kind: OrganisationKind, name: str, **kwargs) -> Organisation:
    return _find(db, kind, name) or organisations.create_organisation(
        db, None, kind=kind, name=name, **kwargs
    )


def load_municipalities() -> list[dict[str, str]]:
    with MUNICIPALITIES_CSV.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def is_empty(db: Session) -> bool:
    return not db.scalar(select(func.count()).select_from(User))


def create_demo_platform(db: Session) -> None:
    """The organisations, the municipalities and their jobcentres, the demo logins and the
    suppliers' profiles: what is missing; running it twice changes nothing (idempotent)."""
    regions = {
        full: _ensure(
            db,
            OrganisationKind.REGION,
            region_name(full),
            council_name=f"Det Regionale Beskæftigelsesråd {full}",
            code=REGION_CODES[full],
        )
        for full in REGIONS
    }
    for kind, name in [
        (OrganisationKind.MINISTRY, MINISTRY),
        (OrganisationKind.INTEGRATION_MINISTRY, INTEGRATION_MINISTRY),
        (OrganisationKind.NATIONAL_AUTHORITY, NATIONAL_AUTHORITY),
    ] + [(OrganisationKind.SUPPLIER, name) for name in SUPPLIERS]:
        _ensure(db, kind, name)

    known = set(db.scalars(select(Municipality.name)))
    for row in load_municipalities():
        if row["municipality"] in known:
            continue
        region = regions[row["employment_region"]]
        db.add(
            Municipality(
                name=row["municipality"],
                administrative_region=row["administrative_region"],
                employment_region=region,
            )
        )
    db.flush()
    unserved = db.scalars(
        select(Municipality).where(Municipality.jobcentre_id.is_(None)).order_by(Municipality.name)
    ).all()
    for municipality in unserved:
        jobcentre = _find(db, OrganisationKind.JOBCENTRE, f"Jobcenter {municipality.name}")
        if jobcentre is None:
            organisations.create_organisation(
                db,
                None,
                kind=OrganisationKind.JOBCENTRE,
                name=f"Jobcenter {municipality.name}",
                region=municipality.employment_region,
                municipalities=[municipality],
            )

    for login in demo_logins():
        if users.find_by_email(db, login.email) is None:
            users.create_user(
                db,
                None,
                email=login.email,
                name=login.name,
                role=login.role,
                organisation=_find(db, login.kind, login.organisation),
                password=DEMO_PASSWORD,
            )
    db.flush()
    _ensure_supplier_profiles(db)


def _ensure_supplier_profiles(db: Session) -> None:
    for name, cvr in zip(SUPPLIERS, SUPPLIER_CVRS, strict=True):
        organisation = _find(db, OrganisationKind.SUPPLIER, name)
        if db.scalar(select(func.count()).where(Supplier.organisation_id == organisation.id)):
            continue
        db.add(
            Supplier(
                organisation=organisation,
                cvr=cvr,
                address="Vestergade 1\n8000 Aarhus C",
                contact_person=f"Lars Leverandør ({name})",
                state=SupplierState.ACTIVE,
                exclusion_declared_at=clock.now(),
            )
        )
    db.flush()
    _ensure_other_supplier_states(db)


def _ensure_other_supplier_states(db: Session) -> None:
    """One supplier that has not confirmed its e-mail, and one that region staff suspended."""

    def confirm_link(token: str) -> str:
        return f"/register/confirm/{token}"

    for name, cvr, email in [
        ("Ny Start ApS", "41000007", "kontakt@nystart.dk"),
        ("Suspenderet Service A/S", "25684311", "kontakt@suspenderet.dk"),
    ]:
        if db.scalar(select(func.count()).where(Supplier.cvr == cvr)):
            continue
        supplier = suppliers.register(
            db,
            company_name=name,
            cvr=cvr,
            address="Torvet 3\n5000 Odense C",
            contact_person=f"Kontakt ({name})",
            email=email,
            password=DEMO_PASSWORD,
            link_for=confirm_link,
        )
        if name.startswith("Suspenderet"):
            user = users.find_by_email(db, email)
            user.email_confirmed_at = clock.now()
            staff = users.find_by_email(db, "region.syddanmark@demo.dk")
            suppliers.suspend(db, staff, supplier, "Dokumentation for forløb mangler.")
