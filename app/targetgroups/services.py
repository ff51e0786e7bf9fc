"""The rules for target groups: unique names, kept by administrators and region staff."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.auth.roles import Role
from app.core.errors import DomainError, NotAllowed
from app.core.i18n import gettext as _
from app.targetgroups.models import TargetGroup

MAINTAINERS = (Role.ADMIN, Role.REGION_STAFF)


def _check(db: Session, actor, name: str, own_id: int | None) -> str:
    if actor is not None and actor.role not in MAINTAINERS:
        raise NotAllowed(_("Only administrators and region staff maintain target groups."))
    name = name.strip()
    if not name:
        raise DomainError(_("A target group needs a name."))
    stmt = select(func.count()).where(func.lower(TargetGroup.name) == name.lower())
    if own_id is not None:
        stmt = stmt.where(TargetGroup.id != own_id)
    if db.scalar(stmt):
        raise DomainError(_("There is already a target group named %(name)s.", name=name))
    return name


def create_target_group(
    db: Session, actor, *, name: str, description: str = "", integration_effort: bool = False
) -> TargetGroup:
    name = _check(db, actor, name, None)
    group = TargetGroup(
        name=name, description=description.strip(), integration_effort=integration_effort
    )
    db.add(group)
    db.flush()
    audit.record(
        db, actor, "target_group.created", group, {"name": name, "integration": integration_effort}
    )
    return group


def update_target_group(
    db: Session,
    actor,
    group: TargetGroup,
    *,
    name: str,
    description: str,
    integration_effort: bool,
    active: bool,
) -> TargetGroup:
    name = _check(db, actor, name, group.id)
    before = {
        "name": group.name,
        "description": group.description,
        "integration_effort": group.integration_effort,
        "active": group.active,
    }
    after = {
        "name": name,
        "description": description.strip(),
        "integration_effort": integration_effort,
        "active": active,
    }
    changes = audit.diff(before, after)
    if changes:
        group.name, group.description = name, description.strip()
        group.integration_effort, group.active = integration_effort, active
        audit.record(db, actor, "target_group.updated", group, changes)
    return group
