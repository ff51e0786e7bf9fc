"""NemLog-in in the demo: two demo logins known to the demo NemLog-in by their persistent UUID,
and Aalborg Kommune's CVR number, which serves Jobcenter Aalborg."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import User
from app.nemlogin.demo_idp import AALBORG_KOMMUNE_CVR, DEMO_PEOPLE
from app.organisations.models import Municipality


def create_demo_nemlogin(db: Session) -> None:
    """Link what is not linked yet (idempotent)."""
    for key in ("supplier", "jobcentre"):
        person = DEMO_PEOPLE[key]
        user = db.scalar(select(User).where(User.email == person["email"]))
        if user is not None and user.nemlogin_uuid is None:
            taken = db.scalar(select(User.id).where(User.nemlogin_uuid == person["uuid"]))
            if taken is None:
                user.nemlogin_uuid = person["uuid"]
    aalborg = db.scalar(select(Municipality).where(Municipality.name == "Aalborg"))
    if aalborg is not None and aalborg.cvr is None:
        aalborg.cvr = AALBORG_KOMMUNE_CVR
    db.flush()
