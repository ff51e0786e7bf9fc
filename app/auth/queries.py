"""Reading accounts: the administrators' list of users."""

from __future__ import annotations

from sqlalchemy import Select, or_, select

from app.auth.models import User
from app.auth.roles import Role
from app.organisations.models import Organisation


def search_users(text: str, role: str) -> Select:
    """The users by name, narrowed by a piece of the e-mail address, the name or the
    organisation's name, and by role (an unknown role narrows nothing), as one statement for the
    page to paginate."""
    stmt = (
        select(User)
        .join(User.organisation)
        .where(User.api_client.is_(False))  # shown with their tokens (app.api)
        .order_by(User.name, User.id)
    )
    if text:
        pattern = f"%{text.lower()}%"
        stmt = stmt.where(
            or_(
                User.email.like(pattern),
                User.name.ilike(pattern),
                Organisation.name.ilike(pattern),
            )
        )
    if role in Role.__members__.values():
        stmt = stmt.where(User.role == Role(role))
    return stmt
