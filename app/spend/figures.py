"""The spend figures, each one grouped query whatever the number of orders.

- committed: orders not declined or cancelled, each at its invoice when higher than its total;
- actual: approved invoices (orders paid);
- outside purchases by class: breach, exempted, no framework;
- compliance = committed through frameworks ÷ (that + breaches); exempted spend apart.
A period counts orders by the day they were placed and outside purchases by their date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import BigInteger, case, func, select, type_coerce
from sqlalchemy.orm import Session, contains_eager

from app.calloffs.models import RELEASED, CallOff, CallOffState
from app.clock import COPENHAGEN
from app.organisations.models import Organisation, OrganisationKind
from app.purchases.models import Classification, OutsidePurchase
from app.spend.alerts import passed_thresholds
from app.tenders.models import Lot, Tender, TenderState, tender_target_groups

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Period:
    start: date | None = None
    end: date | None = None

    def orders(self, stmt):
        if self.start:
            stmt = stmt.where(
                CallOff.placed_at >= datetime.combine(self.start, time.min, COPENHAGEN)
            )
        if self.end:
            after = datetime.combine(self.end + timedelta(days=1), time.min, COPENHAGEN)
            stmt = stmt.where(CallOff.placed_at < after)
        return stmt

    def purchases(self, stmt):
        if self.start:
            stmt = stmt.where(OutsidePurchase.purchased_on >= self.start)
        if self.end:
            stmt = stmt.where(OutsidePurchase.purchased_on <= self.end)
        return stmt


def _ore(column):
    """A money column as the whole øre it is stored in, for sums over CASE expressions."""
    return type_coerce(column, BigInteger)


def _committed():
    """One order's committed amount, in øre."""
    return case(
        (CallOff.state.in_(RELEASED), 0),
        (CallOff.invoice_amount > CallOff.total, _ore(CallOff.invoice_amount)),
        else_=_ore(CallOff.total),
    )


def _paid():
    """One order's approved invoice, in øre."""
    return case((CallOff.state == CallOffState.PAID, _ore(CallOff.invoice_amount)), else_=0)


@dataclass(frozen=True)
class LotUse:
    lot: Lot
    committed: Decimal

    @property
    def share(self) -> Decimal:
        if self.lot.maximum_value <= 0:
            return Decimal(100)
        return (self.committed * 100 / self.lot.maximum_value).quantize(Decimal("0.1"))

    @property
    def warning(self) -> int | None:
        """100 when exhausted, 80 when at least 80% used, else None."""
        passed = passed_thresholds(self.committed, self.lot.maximum_value)
        return max(passed) if passed else None


def lot_use(db: Session, region_id: int, target_group_id: int | None = None) -> list[LotUse]:
    """Each lot of the region's active frameworks with its committed amount; one query."""
    committed = (
        select(CallOff.lot_id, func.sum(_committed()).label("committed"))
        .group_by(CallOff.lot_id)
        .subquery()
    )
    stmt = (
        select(Lot, func.coalesce(committed.c.committed, 0))
        .join(Tender, Lot.tender_id == Tender.id)
        .outerjoin(committed, committed.c.lot_id == Lot.id)
        .where(Tender.region_id == region_id, Tender.state == TenderState.ACTIVE)
        .order_by(Tender.reference, Lot.number)
        .options(contains_eager(Lot.tender))
    )
    if target_group_id:
        stmt = stmt.where(
            Tender.id.in_(
                select(tender_target_groups.c.tender_id).where(
                    tender_target_groups.c.target_group_id == target_group_id
                )
            )
        )
    # Summed øre come back as a plain integer: turned into kroner here, once.
    return [LotUse(lot, Decimal(ore) / 100) for lot, ore in db.execute(stmt).all()]


@dataclass(frozen=True)
class JobcentreSpend:
    jobcentre: str
    jobcentre_id: int
    committed: Decimal = ZERO
    actual: Decimal = ZERO
    breach: Decimal = ZERO
    exempted: Decimal = ZERO
    no_framework: Decimal = ZERO

    @property
    def compliance(self) -> Decimal | None:
        """Framework spend ÷ (framework spend + breaches), in percent; None with no spend."""
        whole = self.committed + self.breach
        if whole <= 0:
            return None
        return (self.committed * 100 / whole).quantize(Decimal("0.1"))


def spend_by_jobcentre(
    db: Session, region_id: int, period: Period = Period(), target_group_id: int | None = None
) -> list[JobcentreSpend]:
    """The region's jobcentres with their spend through frameworks and outside; three queries."""
    jobcentres = db.execute(
        select(Organisation.id, Organisation.name)
        .where(Organisation.kind == OrganisationKind.JOBCENTRE, Organisation.region_id == region_id)
        .order_by(Organisation.name)
    ).all()
    ids = [jobcentre_id for jobcentre_id, _name in jobcentres]
    orders = select(CallOff.jobcentre_id, func.sum(_committed()), func.sum(_paid())).where(
        CallOff.jobcentre_id.in_(ids)
    )
    if target_group_id:
        orders = orders.join(Lot, CallOff.lot_id == Lot.id).where(
            Lot.tender_id.in_(
                select(tender_target_groups.c.tender_id).where(
                    tender_target_groups.c.target_group_id == target_group_id
                )
            )
        )
    through = {
        row[0]: (Decimal(row[1] or 0) / 100, Decimal(row[2] or 0) / 100)
        for row in db.execute(period.orders(orders).group_by(CallOff.jobcentre_id))
    }
    purchases = select(
        OutsidePurchase.jobcentre_id,
        OutsidePurchase.classification,
        func.sum(OutsidePurchase.amount),
    ).where(OutsidePurchase.jobcentre_id.in_(ids))
    if target_group_id:
        purchases = purchases.where(OutsidePurchase.target_group_id == target_group_id)
    outside: dict[tuple[int, Classification], Decimal] = {
        (jobcentre_id, classification): amount
        for jobcentre_id, classification, amount in db.execute(
            period.purchases(purchases).group_by(
                OutsidePurchase.jobcentre_id, OutsidePurchase.classification
            )
        )
    }
    return [
        JobcentreSpend(
            jobcentre=name,
            jobcentre_id=jobcentre_id,
            committed=through.get(jobcentre_id, (ZERO, ZERO))[0],
            actual=through.get(jobcentre_id, (ZERO, ZERO))[1],
            breach=outside.get((jobcentre_id, Classification.BREACH), ZERO),
            exempted=outside.get((jobcentre_id, Classification.EXEMPTED), ZERO),
            no_framework=outside.get((jobcentre_id, Classification.NO_FRAMEWORK), ZERO),
        )
        for jobcentre_id, name in jobcentres
    ]
