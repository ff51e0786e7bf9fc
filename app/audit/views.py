"""The administrators' view of the audit trail: browse, filter, verify the chain."""

from __future__ import annotations

from datetime import datetime, time

from flask import Blueprint, render_template, request
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.audit import chain
from app.audit.models import AuditEntry
from app.auth.access import allow
from app.auth.models import User
from app.auth.roles import Role
from app.clock import COPENHAGEN
from app.db import db
from app.pagination import paginate

audit_bp = Blueprint("audit", __name__, url_prefix="/admin/audit")


def _day(value: str, end: bool = False) -> datetime | None:
    """A date typed in Copenhagen time, as the UTC moment it starts (or ends)."""
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        return None
    moment = datetime.combine(day, time.max if end else time.min, tzinfo=COPENHAGEN)
    return moment


@audit_bp.get("/")
@allow(Role.ADMIN)
def index():
    filters = {
        key: request.args.get(key, "").strip()
        for key in ("action", "actor", "object", "from", "to")
    }
    stmt = select(AuditEntry).options(joinedload(AuditEntry.actor)).order_by(AuditEntry.seq.desc())
    if filters["action"]:
        stmt = stmt.where(AuditEntry.action.like(f"%{filters['action']}%"))
    if filters["actor"]:
        stmt = stmt.join(User, AuditEntry.actor_id == User.id).where(
            User.email.like(f"%{filters['actor'].lower()}%")
        )
    if filters["object"]:
        object_type, _, object_id = filters["object"].partition(":")
        stmt = stmt.where(AuditEntry.object_type == object_type)
        if object_id.isdigit():
            stmt = stmt.where(AuditEntry.object_id == int(object_id))
    if start := _day(filters["from"]):
        stmt = stmt.where(AuditEntry.occurred_at >= start)
    if end := _day(filters["to"], end=True):
        stmt = stmt.where(AuditEntry.occurred_at <= end)
    page = paginate(db.session, stmt)
    return render_template("audit/index.html", page=page, filters=filters)


@audit_bp.get("/verify")
@allow(Role.ADMIN)
def verify():
    verdict = chain.verify(db.session)
    return render_template("audit/verify.html", verdict=verdict)
