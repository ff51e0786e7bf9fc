"""Reading target groups."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.targetgroups.models import TargetGroup


def target_groups(db: Session, active_only: bool = False) -> list[TargetGroup]:
    """The target groups by name; `active_only` leaves out those no longer in use."""
    stmt = select(TargetGroup).order_by(TargetGroup.name)
    if active_only:
        stmt = stmt.where(TargetGroup.active)
    return list(db.scalars(stmt))
