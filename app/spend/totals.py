"""The summary figures the dashboards read: kept per lot, and per month by jobcentre, by
jobcentre and target group, and by region and supplier, in the same transaction as every
change to an order; rebuilt from the orders in one statement each, and checked against them.

Every change is an increment (`SET committed = committed + :delta`), never a read followed by
a write, so two transactions changing the same row cannot lose each other's figures. Rows are
touched in one fixed order (lot, jobcentre, groups by id, supplier) so that two transactions
never wait for each other in a circle.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import BigInteger, delete, func, select, type_coerce
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased

from app.calloffs.models import RELEASED, CallOff, CallOffState
from app.clock import COPENHAGEN
from app.organisations.models import Organisation
from app.spend.figures import committed_ore, copenhagen_month, paid_ore
from app.spend.models import GroupMonth, JobcentreMonth, LotTotal, SupplierMonth
from app.tenders.models import Lot, tender_target_groups

ZERO = Decimal("0.00")
#: Every summary table, in the order its rows are touched.
SUMMARIES = (LotTotal, JobcentreMonth, GroupMonth, SupplierMonth)


@dataclass(frozen=True)
class Share:
    """What one order adds to the figures."""

    committed: Decimal = ZERO
    paid: Decimal = ZERO

    def __sub__(self, other: Share) -> Share:
        return Share(self.committed - other.committed, self.paid - other.paid)

    def __bool__(self) -> bool:
        return bool(self.committed or self.paid)


def share(call_off: CallOff) -> Share:
    """The order's committed amount (its invoice when higher than its total; nothing once
    declined or cancelled) and its approved invoice: the rules of `figures.committed_ore` and
    `figures.paid_ore`, for one order in Python."""
    if call_off.state in RELEASED:
        committed = ZERO
    else:
        committed = max(call_off.total, call_off.invoice_amount or ZERO)
    paid = call_off.invoice_amount if call_off.state == CallOffState.PAID else ZERO
    return Share(committed, paid or ZERO)


def month_of(call_off: CallOff) -> str:
    """The Copenhagen month the order was placed in, as the SQL of `copenhagen_month` has it."""
    return call_off.placed_at.astimezone(COPENHAGEN).strftime("%Y-%m")


def _increment(db: Session, model, keys: dict, change: Share, orders: int) -> None:
    insert = postgresql.insert if db.get_bind().dialect.name == "postgresql" else sqlite.insert
    stmt = insert(model).values(**keys, committed=change.committed, paid=change.paid, orders=orders)
    stmt = stmt.on_conflict_do_update(
        index_elements=list(keys),
        set_={
            "committed": model.committed + stmt.excluded.committed,
            "paid": model.paid + stmt.excluded.paid,
            "orders": model.orders + stmt.excluded.orders,
        },
    )
    db.execute(stmt)


def _apply(db: Session, call_off: CallOff, change: Share, orders: int) -> None:
    if not change and not orders:
        return
    month = month_of(call_off)
    groups = db.scalars(
        select(tender_target_groups.c.target_group_id)
        .where(tender_target_groups.c.tender_id == call_off.lot.tender_id)
        .order_by(tender_target_groups.c.target_group_id)
    ).all()
    _increment(db, LotTotal, {"lot_id": call_off.lot_id}, change, orders)
    jobcentre = {"month": month, "jobcentre_id": call_off.jobcentre_id}
    _increment(db, JobcentreMonth, jobcentre, change, orders)
    for group_id in groups:
        _increment(db, GroupMonth, jobcentre | {"target_group_id": group_id}, change, orders)
    supplier = {
        "month": month,
        "region_id": call_off.jobcentre.region_id,
        "supplier_id": call_off.supplier_id,
    }
    _increment(db, SupplierMonth, supplier, change, orders)


def record_new(db: Session, call_off: CallOff) -> None:
    """A new order, in the transaction that places it."""
    _apply(db, call_off, share(call_off), orders=1)


def record_change(db: Session, call_off: CallOff, before: Share) -> None:
    """A change to an order whose share was `before`, in the transaction that changes it."""
    _apply(db, call_off, share(call_off) - before, orders=0)


# --- reading ----------------------------------------------------------------------------------


def lot_figures(db: Session, lot_id: int) -> tuple[Decimal, int]:
    """The lot's committed amount and how many orders were ever placed on it."""
    row = db.execute(
        select(LotTotal.committed, LotTotal.orders).where(LotTotal.lot_id == lot_id)
    ).first()
    return (row[0], row[1]) if row else (ZERO, 0)


# --- rebuilding and checking ------------------------------------------------------------------


def _from_orders(db: Session) -> dict:
    """For each summary table, the statement that computes its rows from the orders."""
    month = copenhagen_month(db, CallOff.placed_at)
    sums = (
        func.sum(committed_ore()).label("committed"),
        func.sum(paid_ore()).label("paid"),
        func.count().label("orders"),
    )
    jobcentre = aliased(Organisation)
    return {
        LotTotal: select(CallOff.lot_id.label("lot_id"), *sums).group_by(CallOff.lot_id),
        JobcentreMonth: select(
            month.label("month"), CallOff.jobcentre_id.label("jobcentre_id"), *sums
        ).group_by(month, CallOff.jobcentre_id),
        GroupMonth: select(
            month.label("month"),
            CallOff.jobcentre_id.label("jobcentre_id"),
            tender_target_groups.c.target_group_id.label("target_group_id"),
            *sums,
        )
        .join(Lot, CallOff.lot_id == Lot.id)
        .join(tender_target_groups, tender_target_groups.c.tender_id == Lot.tender_id)
        .group_by(month, CallOff.jobcentre_id, tender_target_groups.c.target_group_id),
        SupplierMonth: select(
            month.label("month"),
            jobcentre.region_id.label("region_id"),
            CallOff.supplier_id.label("supplier_id"),
            *sums,
        )
        .join(jobcentre, CallOff.jobcentre_id == jobcentre.id)
        .group_by(month, jobcentre.region_id, CallOff.supplier_id),
    }


def rebuild(db: Session) -> None:
    """Every summary row computed anew from the orders (after a bulk load, or to repair)."""
    for model, stmt in _from_orders(db).items():
        db.execute(delete(model))
        columns = [c.name for c in stmt.selected_columns]
        db.execute(model.__table__.insert().from_select(columns, stmt))


def _rows(db: Session, stmt, keys: list[str]) -> dict[tuple, tuple[int, int, int]]:
    return {
        tuple(row[k] for k in keys): (
            int(row["committed"] or 0),
            int(row["paid"] or 0),
            row["orders"],
        )
        for row in db.execute(stmt).mappings()
    }


def differences(db: Session) -> list[str]:
    """Where the kept figures differ from the figures computed from the orders; empty when
    they agree to the øre and to the order."""
    found = []
    for model, computed in _from_orders(db).items():
        table = model.__table__
        keys = [c.name for c in table.primary_key.columns]
        kept = select(
            *(table.c[k] for k in keys),
            # Raw øre on both sides, as the computed sums come back.
            type_coerce(table.c.committed, BigInteger).label("committed"),
            type_coerce(table.c.paid, BigInteger).label("paid"),
            table.c.orders,
        )
        expected, actual = _rows(db, computed, keys), _rows(db, kept, keys)
        for key in sorted(set(expected) | set(actual), key=str):
            if expected.get(key) != actual.get(key):
                found.append(
                    f"{table.name} {key}: kept {actual.get(key)}, computed {expected.get(key)}"
                )
    return found
