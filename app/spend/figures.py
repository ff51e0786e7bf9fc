"""The spend figures, each one grouped query whatever the number of orders.

- committed: orders not declined or cancelled, each at its invoice when higher than its total;
- actual: approved invoices (orders paid);
- outside purchases by class: breach, exempted, no framework;
- compliance = committed through frameworks ÷ (that + breaches); exempted spend apart.
A period counts orders by the day they were placed and outside purchases by their date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import BigInteger, Select, String, case, cast, func, select, type_coerce
from sqlalchemy.orm import Session, contains_eager

from app.calloffs.models import RELEASED, CallOff, CallOffState
from app.clock import start_of_day
from app.db import code_point_order
from app.purchases.models import OutsidePurchase
from app.spend.alerts import passed_thresholds
from app.spend.models import THRESHOLDS, LotTotal
from app.tenders.models import Lot, Tender, TenderState, tender_target_groups

ZERO = Decimal("0.00")
#: A framework ending within this many days gets the suggestion to prepare a new tender.
ENDING_SOON_DAYS = 180


@dataclass(frozen=True)
class Period:
    start: date | None = None
    end: date | None = None

    def orders(self, stmt):
        if self.start:
            stmt = stmt.where(CallOff.placed_at >= start_of_day(self.start))
        if self.end:
            stmt = stmt.where(CallOff.placed_at < start_of_day(self.end + timedelta(days=1)))
        return stmt

    @property
    def whole_months(self) -> bool:
        """Whether the period starts on a first and ends on a last day of a month (or is open),
        so that monthly figures answer it exactly."""
        starts = self.start is None or self.start.day == 1
        ends = self.end is None or (self.end + timedelta(days=1)).day == 1
        return starts and ends

    @property
    def months(self) -> tuple[str | None, str | None]:
        """The first and last month, 'YYYY-MM', of a period of whole months."""
        return (
            self.start.strftime("%Y-%m") if self.start else None,
            self.end.strftime("%Y-%m") if self.end else None,
        )

    def purchases(self, stmt):
        if self.start:
            stmt = stmt.where(OutsidePurchase.purchased_on >= self.start)
        if self.end:
            stmt = stmt.where(OutsidePurchase.purchased_on <= self.end)
        return stmt


def copenhagen_month(db: Session, column):
    """The Copenhagen calendar month of a stored UTC moment, as 'YYYY-MM'."""
    if db.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("Europe/Copenhagen", column), "YYYY-MM")
    return func.copenhagen_month(column)  # registered on every SQLite connection (app.db)


def purchase_month_label(db: Session):
    """An outside purchase's month (its date is a plain day), as 'YYYY-MM'."""
    if db.get_bind().dialect.name == "postgresql":
        return func.to_char(OutsidePurchase.purchased_on, "YYYY-MM")
    return func.substr(cast(OutsidePurchase.purchased_on, String), 1, 7)


def as_ore(column):
    """A money column as the whole øre it is stored in, for sums (and CASE expressions)."""
    return type_coerce(column, BigInteger)


def committed_ore():
    """One order's committed amount, in øre."""
    return case(
        (CallOff.state.in_(RELEASED), 0),
        (CallOff.invoice_amount > CallOff.total, as_ore(CallOff.invoice_amount)),
        else_=as_ore(CallOff.total),
    )


def paid_ore():
    """One order's approved invoice, in øre."""
    return case((CallOff.state == CallOffState.PAID, as_ore(CallOff.invoice_amount)), else_=0)


@dataclass(frozen=True)
class LotUse:
    lot: Lot
    committed: Decimal

    @property
    def share(self) -> Decimal:
        if self.lot.maximum_value <= 0:
            return Decimal(100)
        return (self.committed * 100 / self.lot.maximum_value).quantize(Decimal("0.01"))

    def ends_within(self, today: date, days: int = ENDING_SOON_DAYS) -> bool:
        """Whether the framework's agreements end within `days` (time to tender anew)."""
        return self.lot.tender.agreement_end <= today + timedelta(days=days)

    @property
    def warning(self) -> int | None:
        """100 when exhausted, 80 when at least 80% used, else None."""
        passed = passed_thresholds(self.committed, self.lot.maximum_value)
        return max(passed) if passed else None


def tenders_for_group(target_group_id: int):
    """The ids of the tenders for a target group, as a subquery for `Tender.id.in_(...)`."""
    return select(tender_target_groups.c.tender_id).where(
        tender_target_groups.c.target_group_id == target_group_id
    )


def _region_lots(region_id: int | None, target_group_id: int | None, *columns) -> Select:
    """The lots of the region's active frameworks (every region's with None: the national
    view), each with its committed øre (as kept in its running figures) and `columns`, by
    framework and lot."""
    stmt = (
        select(Lot, _COMMITTED, *columns)
        .join(Tender, Lot.tender_id == Tender.id)
        .outerjoin(LotTotal, LotTotal.lot_id == Lot.id)
        .where(Tender.state == TenderState.ACTIVE)
        .order_by(Tender.reference, Lot.number)
        .options(contains_eager(Lot.tender))
    )
    if region_id:
        stmt = stmt.where(Tender.region_id == region_id)
    if target_group_id:
        stmt = stmt.where(Tender.id.in_(tenders_for_group(target_group_id)))
    return stmt


#: A lot's committed amount and maximum in øre, in SQL.
_COMMITTED = func.coalesce(as_ore(LotTotal.committed), 0)
_MAXIMUM = as_ore(Lot.maximum_value)
_MAXIMUM_SUM = func.sum(_MAXIMUM).over()


def _share_hundredths():
    """LotUse.share in hundredths of a percent, as an integer SQL computes exactly: the
    committed øre × 10,000 ÷ the maximum øre rounded half to even, as Decimal.quantize
    rounds (committed amounts are never negative); 100 % for a lot without a maximum."""
    scaled = _COMMITTED * 10000
    whole, rest = scaled // _MAXIMUM, scaled % _MAXIMUM
    return case(
        (_MAXIMUM <= 0, 10000),
        (rest * 2 > _MAXIMUM, whole + 1),
        (rest * 2 == _MAXIMUM, whole + whole % 2),
        else_=whole,
    )


def _warned():
    """LotUse.warning is set: the lot has reached the lowest threshold (or has no maximum)."""
    return (_MAXIMUM <= 0) | (_MAXIMUM * min(THRESHOLDS) <= _COMMITTED * 100)


def _uses(rows) -> list[LotUse]:
    # Summed øre come back as a plain integer: turned into kroner here, once.
    return [LotUse(lot, (Decimal(ore) / 100).quantize(ZERO)) for lot, ore, *_rest in rows]


def lot_use(db: Session, region_id: int | None, target_group_id: int | None = None) -> list[LotUse]:
    """Each lot of the region's active frameworks (every region's with None) with its
    committed amount (as kept in its running figures); one query."""
    return _uses(db.execute(_region_lots(region_id, target_group_id)).all())


def _kroner(ore) -> Decimal:
    return (Decimal(ore or 0) / 100).quantize(ZERO)


def lot_use_with_total(
    db: Session, region_id: int | None, target_group_id: int | None = None
) -> tuple[list[LotUse], Decimal, Decimal]:
    """`lot_use`, and the committed amount and the maximum of all the lots, summed in SQL in
    the same statement."""
    rows = db.execute(
        _region_lots(region_id, target_group_id, func.sum(_COMMITTED).over(), _MAXIMUM_SUM)
    ).all()
    committed, maximum = (rows[0][-2], rows[0][-1]) if rows else (0, 0)
    return _uses(rows), _kroner(committed), _kroner(maximum)


def used_share(committed: Decimal, maximum: Decimal) -> Decimal | None:
    """Committed ÷ maximum, in percent, as LotUse.share rounds it; None without a maximum."""
    if maximum <= 0:
        return None
    return (committed * 100 / maximum).quantize(Decimal("0.01"))


def lots_near_maximum(db: Session, concerning) -> int:
    """How many lots of active frameworks have used 80 % or more of their maximum, of the
    frameworks `concerning` (a function narrowing a statement over Tender) leaves; one query."""
    stmt = (
        select(func.count(Lot.id))
        .join(Tender, Lot.tender_id == Tender.id)
        .outerjoin(LotTotal, LotTotal.lot_id == Lot.id)
        .where(Tender.state == TenderState.ACTIVE, _warned())
    )
    return db.scalar(concerning(stmt)) or 0


@dataclass(frozen=True)
class LotOverview:
    """What the region's dashboard shows of its lots, each part sorted and cut in SQL: the
    most used (by share, then framework and lot), those at or past 80 % in the same order,
    and those whose framework ends soon (soonest first, then framework and lot); each with
    how many there are in all."""

    most_used: list[LotUse]
    lots: int
    near: list[LotUse]
    near_count: int
    ending: list[LotUse]
    ending_count: int
    #: The committed amount and the maximum of all the lots (not only those shown).
    committed: Decimal = ZERO
    maximum: Decimal = ZERO


def lot_overview(
    db: Session,
    region_id: int,
    target_group_id: int | None,
    today: date,
    shown: int,
    alerts: int,
) -> LotOverview:
    """The region's lots as its dashboard shows them: in three queries, whatever the number
    of lots, and only the rows shown loaded."""
    counted = func.count().over()
    share = _share_hundredths()
    base = _region_lots(region_id, target_group_id, counted)
    reference = code_point_order(db, Tender.reference)  # as Python sorted the most used

    def cut(stmt, limit: int) -> tuple[list[LotUse], int]:
        rows = db.execute(stmt.limit(limit)).all()
        return _uses(rows), (rows[0][-1] if rows else 0)

    # The most used, with the sums of all the lots beside them (a window, the same statement).
    summed = base.add_columns(func.sum(_COMMITTED).over(), _MAXIMUM_SUM)
    rows = db.execute(
        summed.order_by(None).order_by(share.desc(), reference, Lot.number).limit(shown)
    ).all()
    most_used, lots = _uses(rows), (rows[0][-3] if rows else 0)
    committed, maximum = (rows[0][-2], rows[0][-1]) if rows else (0, 0)
    near, near_count = cut(
        base.where(_warned()).order_by(None).order_by(share.desc(), reference, Lot.number),
        alerts,
    )
    ending, ending_count = cut(
        base.where(Tender.agreement_end <= today + timedelta(days=ENDING_SOON_DAYS))
        .order_by(None)
        # Sorted by the end alone in Python once, the lots kept in their SQL order otherwise.
        .order_by(Tender.agreement_end, Tender.reference, Lot.number),
        alerts,
    )
    return LotOverview(
        most_used,
        lots,
        near,
        near_count,
        ending,
        ending_count,
        _kroner(committed),
        _kroner(maximum),
    )
