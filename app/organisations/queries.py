"""Reading organisations: the administrators' register, the regions and their jobcentres."""

from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.auth.models import User
from app.auth.roles import Role
from app.organisations.models import Municipality, Organisation, OrganisationKind


def search_register(text: str, kind: str) -> Select:
    """The register by name, narrowed by a piece of the name and by kind (an unknown kind
    narrows nothing), as one statement for the page to paginate."""
    stmt = (
        select(Organisation)
        .options(joinedload(Organisation.region))
        .order_by(Organisation.name, Organisation.id)
    )
    if text:
        stmt = stmt.where(Organisation.name.ilike(f"%{text}%"))
    if kind in OrganisationKind.__members__.values():
        stmt = stmt.where(Organisation.kind == OrganisationKind(kind))
    return stmt


def _regions() -> Select:
    return (
        select(Organisation)
        .where(Organisation.kind == OrganisationKind.REGION)
        .order_by(Organisation.name)
    )


def regions(db: Session) -> list[Organisation]:
    """The employment regions by name."""
    return list(db.scalars(_regions()))


def regions_with_councils(db: Session) -> list[Organisation]:
    """The employment regions by name, each with its council loaded."""
    return list(db.scalars(_regions().options(selectinload(Organisation.council))))


def jobcentre_counts(db: Session) -> dict[int, int]:
    """How many jobcentres each region has, by the region's id."""
    return dict(
        db.execute(
            select(Organisation.region_id, func.count())
            .where(Organisation.kind == OrganisationKind.JOBCENTRE)
            .group_by(Organisation.region_id)
        ).all()
    )


def jobcentres_of(db: Session, region: Organisation) -> list[Organisation]:
    """The region's jobcentres by name, each with its municipalities loaded."""
    return list(
        db.scalars(
            select(Organisation)
            .where(Organisation.region_id == region.id)
            .options(selectinload(Organisation.municipalities))
            .order_by(Organisation.name)
        )
    )


def directors_of(db: Session, region: Organisation) -> list[User]:
    """The region's active regional directors by name."""
    return list(
        db.scalars(
            select(User)
            .where(
                User.organisation_id == region.id,
                User.role == Role.REGIONAL_DIRECTOR,
                User.active,
            )
            .order_by(User.name)
        )
    )


def users_of(db: Session, organisation_id: int) -> list[User]:
    """Every person's account of the organisation, active or not, by name (API tokens' users
    are shown with their tokens)."""
    return list(
        db.scalars(
            select(User)
            .where(User.organisation_id == organisation_id, User.api_client.is_(False))
            .order_by(User.name)
        )
    )


def organisation_choices(db: Session) -> list[tuple[int, str]]:
    """Each active organisation as a choice, "name (kind)", by kind and name."""
    rows = db.execute(
        select(Organisation.id, Organisation.name, Organisation.kind)
        .where(Organisation.active)
        .order_by(Organisation.kind, Organisation.name)
    )
    return [(row.id, f"{row.name} ({row.kind.label})") for row in rows]


def municipality_choices(db: Session) -> list[tuple[int, str]]:
    """Each municipality as a choice, "name (employment region)", by name."""
    rows = db.execute(
        select(Municipality.id, Municipality.name, Organisation.name.label("region"))
        .join(Organisation, Municipality.employment_region_id == Organisation.id)
        .order_by(Municipality.name)
    )
    return [(row.id, f"{row.name} ({row.region})") for row in rows]


def municipalities(db: Session, ids: list[int]) -> list[Municipality]:
    """The municipalities with these ids (none for none, without asking)."""
    if not ids:
        return []
    return list(db.scalars(select(Municipality).where(Municipality.id.in_(ids))))
