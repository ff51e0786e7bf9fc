"""The administrators' view of the audit trail: browse, filter, verify the chain."""

from __future__ import annotations

from datetime import datetime, time

from flask import Blueprint, flash, render_template

from app import clock
from app.audit import chain, words
from app.audit.queries import EntrySearch, search_entries
from app.auth.access import allow
from app.auth.roles import Role
from app.clock import COPENHAGEN
from app.core.errors import DomainError
from app.core.i18n import gettext as _
from app.db import db
from app.web.pagination import paginate, text_arg

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
    filters = {
        key: text_arg(key)
        for key in ("action", "actor", "object", "object_type", "object_id", "from", "to")
    }
    if filters["object_type"]:  # the page's two fields, as the "type:id" the search reads
        filters["object"] = ":".join(filter(None, (filters["object_type"], filters["object_id"])))
    for key, bound in (("from", False), ("to", True)):
        if filters[key] and _day(filters[key], end=bound) is None:
            flash(
                _("%(value)s is not a date; write it as YYYY-MM-DD.", value=filters[key]), "error"
            )
    search = EntrySearch(
        action=filters["action"],
        actor=filters["actor"],
        object=filters["object"],
        start=_day(filters["from"]),
        end=_day(filters["to"], end=True),
    )
    stmt = search_entries(search, clock.now())
    page = paginate(db.session, stmt)
    return render_template(
        "audit/index.html",
        page=page,
        filters=filters,
        words=words,
        actions=_by_name(words.ACTIONS),
        objects=_by_name(words.OBJECTS),
    )


def _by_name(named: dict) -> list[tuple[str, str]]:
    """(code, name) pairs in the order of their names in the page's language."""
    return sorted(((code, str(name)) for code, name in named.items()), key=lambda p: p[1])


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
