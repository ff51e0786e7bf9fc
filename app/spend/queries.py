"""Reading what the spend dashboards' filters offer."""

from __future__ import annotations

from sqlalchemy import Row, Select, select
from sqlalchemy.orm import Session

from app.evaluation.models import Agreement
from app.organisations.models import Organisation
from app.spend.figures import lots_near_maximum
from app.suppliers.services import supplier_of
from app.tenders.models import Scope, Tender, TenderState


def _concerning(db: Session, dashboard: str, organisation: Organisation, stmt: Select) -> Select:
    """The frameworks a dashboard's organisation has to do with: a region's own and the
    national ones, those covering a jobcentre, those a supplier holds agreements under; all
    of them nationally."""
    if dashboard == "region":
        return stmt.where((Tender.region_id == organisation.id) | (Tender.scope == Scope.NATIONAL))
    if dashboard == "jobcentre":
        return stmt.where(
            (Tender.region_id == organisation.region_id) | (Tender.scope == Scope.NATIONAL)
        )
    if dashboard == "supplier":
        supplier = supplier_of(db, organisation.id)
        return stmt.where(
            Tender.id.in_(
                select(Agreement.tender_id).where(
                    Agreement.supplier_id == (supplier.id if supplier else -1)
                )
            )
        )
    return stmt


def active_frameworks_concerning(
    db: Session, dashboard: str, organisation: Organisation
) -> list[Row]:
    """The active frameworks the dashboard's organisation has to do with (id, reference,
    title), by reference."""
    stmt = select(Tender.id, Tender.reference, Tender.title).where(
        Tender.state == TenderState.ACTIVE
    )
    return list(
        db.execute(_concerning(db, dashboard, organisation, stmt).order_by(Tender.reference))
    )


def lots_near_maximum_concerning(db: Session, dashboard: str, organisation: Organisation) -> int:
    """How many lots of the active frameworks the dashboard's organisation has to do with
    have used 80 % or more of their maximum (the headline figure); one query, or two for a
    supplier (finding its supplier row)."""
    return lots_near_maximum(db, lambda stmt: _concerning(db, dashboard, organisation, stmt))
