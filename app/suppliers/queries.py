"""Reading suppliers: the region staff's register."""

from __future__ import annotations

from sqlalchemy import Select, or_, select

from app.organisations.models import Organisation
from app.suppliers.models import Supplier, SupplierState


def search_register(text: str, state: str) -> Select:
    """The suppliers by name, narrowed by a piece of the name or the exact CVR number, and by
    state (an unknown state narrows nothing), as one statement for the page to paginate."""
    stmt = select(Supplier).join(Supplier.organisation).order_by(Organisation.name, Supplier.id)
    if text:
        stmt = stmt.where(or_(Organisation.name.ilike(f"%{text}%"), Supplier.cvr == text))
    if state in SupplierState.__members__.values():
        stmt = stmt.where(Supplier.state == SupplierState(state))
    return stmt
