"""The summary figures the dashboards read, kept in the same transaction as every change to an
order or an outside purchase. Orders: per lot; per jobcentre, lot and supplier; and per month
by jobcentre, by jobcentre and target group, and by region and supplier. Outside purchases: per
month and class by jobcentre, and by region and target group. Each can be rebuilt in one
statement, and checked against the rows it sums.

Every change is an increment (`SET committed = committed + :delta`), never a read followed by
a write, so two transactions changing the same row cannot lose each other's figures. The rows
are changed in one fixed order (lot, jobcentre's lot, jobcentre's month, groups by id,
supplier), and the audit chain's head is locked before them (a service may audit before or
after it changes the figures), except in a transaction that links its audit entries after its
commit (placing an order): it never takes the head, so it waits for no one holding it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from sqlalchemy import Integer, String, bindparam, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased

from app.audit import chain
from app.calloffs.models import RELEASED, CallOff, CallOffState
from app.clock import COPENHAGEN
from app.db import Money
from app.organisations.models import Organisation
from app.purchases.models import Classification, OutsidePurchase
from app.spend.figures import (
    as_ore,
    committed_ore,
    copenhagen_month,
    paid_ore,
    purchase_month_label,
)
from app.spend.models import (
    GroupMonth,
    JobcentreLotTotal,
    JobcentreMonth,
    LotTotal,
    OutsideGroupMonth,
    OutsideMonth,
    SupplierMonth,
)
from app.tenders.models import Lot, tender_target_groups

ZERO = Decimal("0.00")


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


def _insert_for(dialect: str):
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


def _upsert(db: Session, model):
    return _insert_for(db.get_bind().dialect.name)(model)


def _adding(table, stmt, keys: list[str]):
    """On a row that exists, add to it instead of inserting."""
    return stmt.on_conflict_do_update(
        index_elements=keys,
        set_={
            "committed": table.c.committed + stmt.excluded.committed,
            "paid": table.c.paid + stmt.excluded.paid,
            "orders": table.c.orders + stmt.excluded.orders,
        },
    )


#: The keys of each order summary, in the fixed order its rows are changed.
_ORDER_SUMMARIES = (
    (LotTotal, ("lot_id",)),
    (JobcentreLotTotal, ("jobcentre_id", "lot_id", "supplier_id")),
    (JobcentreMonth, ("month", "jobcentre_id")),
    (GroupMonth, ("month", "jobcentre_id", "target_group_id")),
    (SupplierMonth, ("month", "region_id", "supplier_id")),
)
_KEY_TYPES = {"month": String(7)}


def _param(name: str):
    if name in ("committed", "paid"):
        return bindparam(name, type_=Money)
    return bindparam(name, type_=_KEY_TYPES.get(name, Integer()))


def _summary_upsert(dialect: str, model, keys: tuple[str, ...]):
    """One summary's upsert with bound parameters: the order's keys and its change. The target
    groups are read in the statement (one row per group of the order's tender)."""
    columns = [*keys, "committed", "paid", "orders"]
    if model is GroupMonth:
        groups = tender_target_groups.c
        rows = (
            select(
                *(
                    groups.target_group_id if name == "target_group_id" else _param(name)
                    for name in columns
                )
            )
            .where(groups.tender_id == bindparam("tender_id", type_=Integer()))
            .order_by(groups.target_group_id)
        )
        stmt = _insert_for(dialect)(model.__table__).from_select(columns, rows)
    else:
        stmt = _insert_for(dialect)(model.__table__).values({c: _param(c) for c in columns})
    return _adding(model.__table__, stmt, list(keys))


@cache
def _order_summary_statements(dialect: str) -> tuple:
    """The five upserts an order's change makes, built once per dialect (a cached compilation
    instead of 3 ms of constructing per order), run one after another in the fixed order: a
    transaction that links its audit entries after its commit takes no head before them, and
    the fixed order alone keeps two such from waiting for each other in a circle."""
    return tuple(_summary_upsert(dialect, model, keys) for model, keys in _ORDER_SUMMARIES)


def _apply(db: Session, call_off: CallOff, change: Share, orders: int) -> None:
    if not change and not orders:
        return
    if not chain.links_after_commit(db):
        chain.lock_head(db)  # before the summary rows, as every audited write (see lock_head)
    jobcentre = call_off.jobcentre
    params = {
        "lot_id": call_off.lot_id,
        "jobcentre_id": call_off.jobcentre_id,
        "supplier_id": call_off.supplier_id,
        "region_id": jobcentre.region_id,
        "tender_id": call_off.lot.tender_id,
        "month": month_of(call_off),
        "committed": change.committed,
        "paid": change.paid,
        "orders": orders,
    }
    for stmt in _order_summary_statements(db.get_bind().dialect.name):
        db.execute(stmt, params)


def record_new(db: Session, call_off: CallOff) -> None:
    """A new order, in the transaction that places it."""
    _apply(db, call_off, share(call_off), orders=1)


def record_change(db: Session, call_off: CallOff, before: Share) -> None:
    """A change to an order whose share was `before`, in the transaction that changes it."""
    _apply(db, call_off, share(call_off) - before, orders=0)


def _increment_purchases(db: Session, model, keys: dict, amount: Decimal, count: int) -> None:
    stmt = _upsert(db, model).values(**keys, amount=amount, purchases=count)
    stmt = stmt.on_conflict_do_update(
        index_elements=list(keys),
        set_={
            "amount": model.amount + stmt.excluded.amount,
            "purchases": model.purchases + stmt.excluded.purchases,
        },
    )
    db.execute(stmt)


def _apply_purchase(
    db: Session, purchase: OutsidePurchase, region_id: int, classification, sign: int
) -> None:
    if not chain.links_after_commit(db):
        chain.lock_head(db)  # before the summary rows, as every audited write (see lock_head)
    month = purchase.purchased_on.strftime("%Y-%m")
    amount, count = purchase.amount * sign, sign
    keys = {"month": month, "classification": classification}
    _increment_purchases(
        db, OutsideMonth, keys | {"jobcentre_id": purchase.jobcentre_id}, amount, count
    )
    group = {"region_id": region_id, "target_group_id": purchase.target_group_id}
    _increment_purchases(db, OutsideGroupMonth, keys | group, amount, count)


def record_purchase(db: Session, purchase: OutsidePurchase, region_id: int) -> None:
    """A new outside purchase by a jobcentre of the region, in the transaction that stores it."""
    _apply_purchase(db, purchase, region_id, purchase.classification, +1)


def record_reclassified(
    db: Session, purchase: OutsidePurchase, region_id: int, before: Classification
) -> None:
    """An outside purchase moved from the class `before` to its present one."""
    _apply_purchase(db, purchase, region_id, before, -1)
    _apply_purchase(db, purchase, region_id, purchase.classification, +1)


# --- reading ----------------------------------------------------------------------------------


def lot_figures(db: Session, lot_id: int) -> tuple[Decimal, int]:
    """The lot's committed amount and how many orders were ever placed on it."""
    row = db.execute(
        select(LotTotal.committed, LotTotal.orders).where(LotTotal.lot_id == lot_id)
    ).first()
    return (row[0], row[1]) if row else (ZERO, 0)


# --- rebuilding and checking ------------------------------------------------------------------


def _computed(db: Session) -> dict:
    """For each summary table, the statement that computes its rows from the orders or the
    outside purchases."""
    month = copenhagen_month(db, CallOff.placed_at)
    sums = (
        func.sum(committed_ore()).label("committed"),
        func.sum(paid_ore()).label("paid"),
        func.count().label("orders"),
    )
    jobcentre = aliased(Organisation)
    purchase_month = purchase_month_label(db)
    purchase_sums = (
        func.sum(as_ore(OutsidePurchase.amount)).label("amount"),
        func.count().label("purchases"),
    )
    return {
        LotTotal: select(CallOff.lot_id.label("lot_id"), *sums).group_by(CallOff.lot_id),
        JobcentreLotTotal: select(
            CallOff.jobcentre_id.label("jobcentre_id"),
            CallOff.lot_id.label("lot_id"),
            CallOff.supplier_id.label("supplier_id"),
            *sums,
        ).group_by(CallOff.jobcentre_id, CallOff.lot_id, CallOff.supplier_id),
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
        OutsideMonth: select(
            purchase_month.label("month"),
            OutsidePurchase.jobcentre_id.label("jobcentre_id"),
            OutsidePurchase.classification.label("classification"),
            *purchase_sums,
        ).group_by(purchase_month, OutsidePurchase.jobcentre_id, OutsidePurchase.classification),
        OutsideGroupMonth: select(
            purchase_month.label("month"),
            jobcentre.region_id.label("region_id"),
            OutsidePurchase.target_group_id.label("target_group_id"),
            OutsidePurchase.classification.label("classification"),
            *purchase_sums,
        )
        .join(jobcentre, OutsidePurchase.jobcentre_id == jobcentre.id)
        .group_by(
            purchase_month,
            jobcentre.region_id,
            OutsidePurchase.target_group_id,
            OutsidePurchase.classification,
        ),
    }


def rebuild(db: Session) -> None:
    """Every summary row computed anew from the orders and the outside purchases (after a
    bulk load, or to repair)."""
    for model, stmt in _computed(db).items():
        db.execute(delete(model))
        columns = [c.name for c in stmt.selected_columns]
        db.execute(model.__table__.insert().from_select(columns, stmt))


def _raw(column):
    """Money in whole øre, as the computed sums come back; anything else as it is."""
    return as_ore(column) if isinstance(column.type, Money) else column


def differences(db: Session) -> list[str]:
    """Where the kept figures differ from the figures computed from the orders and the
    purchases; empty when they agree to the øre and to the row."""
    found = []
    for model, computed in _computed(db).items():
        table = model.__table__
        keys = [c.name for c in table.primary_key.columns]
        values = [c.name for c in table.columns if not c.primary_key]
        kept = select(*(_raw(c).label(c.name) for c in table.columns))
        expected, actual = (
            {
                tuple(str(row[k]) for k in keys): tuple(int(row[v] or 0) for v in values)
                for row in db.execute(stmt).mappings()
            }
            for stmt in (computed, kept)
        )
        nothing = tuple(0 for _ in values)  # a row emptied by a reclassification is no row
        for key in sorted(set(expected) | set(actual)):
            if expected.get(key, nothing) != actual.get(key, nothing):
                found.append(
                    f"{table.name} {key}: kept {actual.get(key)}, computed {expected.get(key)}"
                )
    return found
