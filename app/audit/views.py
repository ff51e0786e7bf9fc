"""The administrators' view of the audit trail: browse, filter, verify the chain."""

from __future__ import annotations

from datetime import datetime, time

from flask import Blueprint, flash, render_template
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app import clock
from app.audit import chain, sealed
from app.audit.models import AuditEntry
from app.auth.access import allow
from app.auth.models import User
from app.auth.roles import Role
from app.clock import COPENHAGEN
from app.core.errors import DomainError
from app.core.i18n import gettext as _
from app.db import db
from app.web.pagination import contains_pattern, paginate, text_arg

audit_bp = Blueprint("audit", __name__, url_prefix="/admin/audit")


def _day(value: str, end: bool = False) -> datetime | None:
    """A date typed in Copenhagen time, as the moment it starts (or ends); None if not a date."""
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        return None
    if not 1970 <= day.year <= 2200:
        return None
    return datetime.combine(day, time.max if end else time.min, tzinfo=COPENHAGEN)


@audit_bp.get("/")
@allow(Role.ADMIN)
def index():
    filters = {key: text_arg(key) for key in ("action", "actor", "object", "from", "to")}
    stmt = (
        select(AuditEntry)
        .options(joinedload(AuditEntry.actor))
        # Entries about sealed bids stay out of sight until their tender's deadline.
        .where(sealed.shown_at(clock.now()))
        .order_by(AuditEntry.seq.desc())
    )
    if filters["action"]:
        stmt = stmt.where(AuditEntry.action.like(contains_pattern(filters["action"]), escape="\\"))
    if filters["actor"]:
        stmt = stmt.join(User, AuditEntry.actor_id == User.id).where(
            User.email.like(contains_pattern(filters["actor"].lower()), escape="\\")
        )
    if filters["object"]:
        object_type, _sep, object_id = filters["object"].partition(":")
        stmt = stmt.where(AuditEntry.object_type == object_type)
        if object_id.isdigit():
            stmt = stmt.where(AuditEntry.object_id == int(object_id))
    for key, bound in (("from", False), ("to", True)):
        if filters[key] and _day(filters[key], end=bound) is None:
            flash(
                _("%(value)s is not a date; write it as YYYY-MM-DD.", value=filters[key]), "error"
            )
    if start := _day(filters["from"]):
        stmt = stmt.where(AuditEntry.occurred_at >= start)
    if end := _day(filters["to"], end=True):
        stmt = stmt.where(AuditEntry.occurred_at <= end)
    page = paginate(db.session, stmt)
    return render_template("audit/index.html", page=page, filters=filters)


@audit_bp.get("/verify")
@allow(Role.ADMIN)
def verify():
    """Walk the chain; with checkpoints pasted from the write-once log, against them too."""
    pasted = text_arg("checkpoints")
    try:
        points = chain.read_checkpoints(pasted) if pasted else []
    except DomainError as err:
        flash(str(err), "error")
        return render_template("audit/verify.html", verdict=None, pasted=pasted), 422
    verdict = chain.verify(db.session, points)
    return render_template("audit/verify.html", verdict=verdict, pasted=pasted)
