"""The rules for organisations: a region has a council; a jobcentre a region and municipalities."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.auth.roles import Role
from app.core.errors import DomainError, NotAllowed
from app.core.i18n import gettext as _
from app.organisations.models import Council, Municipality, Organisation, OrganisationKind


def _require_admin(actor) -> None:
    # None is the system itself (the demo-data command).
    if actor is not None and actor.role != Role.ADMIN:
        raise NotAllowed(_("Only an administrator can manage organisations."))


def _check_name_free(db: Session, kind: OrganisationKind, name: str, own_id: int | None) -> None:
    stmt = select(func.count()).where(
        Organisation.kind == kind, func.lower(Organisation.name) == name.lower()
    )
    if own_id is not None:
        stmt = stmt.where(Organisation.id != own_id)
    if db.scalar(stmt):
        raise DomainError(
            _("There is already an organisation of this kind named %(name)s.", name=name)
        )


def _check_code(db: Session, code: str | None, own_id: int | None) -> str:
    code = (code or "").strip().upper()
    if not (2 <= len(code) <= 4 and code.isalpha() and code.isascii()):
        raise DomainError(_("A region needs a code of 2 to 4 letters (A–Z), e.g. NJ."))
    stmt = select(func.count()).where(Organisation.code == code)
    if own_id is not None:
        stmt = stmt.where(Organisation.id != own_id)
    if db.scalar(stmt):
        raise DomainError(_("Another region already has the code %(code)s.", code=code))
    return code


def _check_region(region: Organisation | None) -> Organisation:
    if region is None or region.kind != OrganisationKind.REGION:
        raise DomainError(_("A jobcentre must belong to an employment region."))
    return region


def _assign_municipalities(
    db: Session, jobcentre: Organisation, municipalities: Sequence[Municipality]
) -> None:
    for municipality in municipalities:
        if municipality.employment_region_id != jobcentre.region_id:
            raise DomainError(
                _(
                    "%(municipality)s lies in another employment region than the jobcentre.",
                    municipality=municipality.name,
                )
            )
        if municipality.jobcentre_id not in (None, jobcentre.id):
            raise DomainError(
                _(
                    "%(municipality)s is already served by %(jobcentre)s.",
                    municipality=municipality.name,
                    jobcentre=municipality.jobcentre.name,
                )
            )
    chosen = {m.id for m in municipalities}
    for municipality in list(jobcentre.municipalities):
        if municipality.id not in chosen:
            municipality.jobcentre = None
    for municipality in municipalities:
        municipality.jobcentre = jobcentre


def create_organisation(
    db: Session,
    actor,
    *,
    kind: OrganisationKind,
    name: str,
    email: str | None = None,
    region: Organisation | None = None,
    council_name: str | None = None,
    municipalities: Sequence[Municipality] = (),
    code: str | None = None,
) -> Organisation:
    """Create an organisation: a region with its council, a jobcentre in its region."""
    _require_admin(actor)
    name = name.strip()
    _check_name_free(db, kind, name, None)
    organisation = Organisation(kind=kind, name=name, email=(email or None))
    if kind == OrganisationKind.JOBCENTRE:
        organisation.region = _check_region(region)
    elif region is not None:
        raise DomainError(_("Only a jobcentre belongs to an employment region."))
    if kind == OrganisationKind.REGION:
        if not (council_name or "").strip():
            raise DomainError(_("An employment region needs the name of its regional council."))
        organisation.council = Council(name=council_name.strip())
        organisation.code = _check_code(db, code, None)
    db.add(organisation)
    db.flush()
    if kind == OrganisationKind.JOBCENTRE:
        _assign_municipalities(db, organisation, municipalities)
    elif municipalities:
        raise DomainError(_("Only a jobcentre serves municipalities."))
    audit.record(
        db,
        actor,
        "organisation.created",
        organisation,
        {
            "kind": kind.value,
            "name": name,
            "region_id": organisation.region_id,
            "municipalities": sorted(m.name for m in municipalities),
        },
    )
    return organisation


def _audited_fields(organisation: Organisation) -> dict:
    """What an update's audit entry compares, before and after."""
    return {
        "name": organisation.name,
        "email": organisation.email,
        "council": organisation.council.name if organisation.council else None,
        "municipalities": sorted(m.name for m in organisation.municipalities),
        "code": organisation.code,
    }


def update_organisation(
    db: Session,
    actor,
    organisation: Organisation,
    *,
    name: str,
    email: str | None = None,
    council_name: str | None = None,
    municipalities: Sequence[Municipality] | None = None,
    code: str | None = None,
) -> Organisation:
    """Rename an organisation, or change its council's name or a jobcentre's municipalities.

    The kind and a jobcentre's region never change: users' roles and later records rest on them.
    """
    _require_admin(actor)
    name = name.strip()
    _check_name_free(db, organisation.kind, name, organisation.id)
    before = _audited_fields(organisation)
    organisation.name = name
    organisation.email = email or None
    if organisation.kind == OrganisationKind.REGION:
        if not (council_name or "").strip():
            raise DomainError(_("An employment region needs the name of its regional council."))
        organisation.council.name = council_name.strip()
        if code is not None:
            organisation.code = _check_code(db, code, organisation.id)
    if organisation.kind == OrganisationKind.JOBCENTRE and municipalities is not None:
        _assign_municipalities(db, organisation, municipalities)
    db.flush()
    db.refresh(organisation, ["municipalities"])
    after = _audited_fields(organisation)
    changes = audit.diff(before, after)
    if changes:
        audit.record(db, actor, "organisation.updated", organisation, changes)
    return organisation
