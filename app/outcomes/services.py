"""The rules of outcomes: a jobcentre records (or imports) what its own orders achieved, never
more persons than it ordered and never a figure before it can be known; and each supplier's
effect per lot beside the lot's average and the other suppliers' for the same target groups,
shown only when it rests on the region's threshold of persons, with a Wilson interval.

The outcomes file (CSV or XLSX, a header row, columns in any order):
    bestilling (the order number) · slutdato (the day the course ended) · startet · gennemført
    · i job 13 uger (optional) · i job 26 uger (optional)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from app import clock
from app.audit import services as audit
from app.auth.models import User
from app.auth.roles import JOBCENTRE_ROLES, Role
from app.calloffs.cpr import looks_like_cpr
from app.calloffs.models import RELEASED, CallOff, CallOffState
from app.core.errors import DomainError, NotAllowed
from app.core.i18n import format_date
from app.core.i18n import gettext as _
from app.db import lock_row
from app.documents.spreadsheets import LinesRejected, Table, find_columns, parse_day, read_table
from app.evaluation.models import Agreement
from app.organisations.models import Organisation
from app.outcomes.models import DEFAULT_THRESHOLD, Outcome, OutcomeImport, OutcomeThreshold
from app.suppliers.models import Supplier
from app.tenders.models import Lot, Tender, tender_target_groups

#: Orders whose course ran (or runs): the others were never started.
RAN = (CallOffState.ACCEPTED, CallOffState.DELIVERED, CallOffState.INVOICED, CallOffState.PAID)
MAX_LINES = 5_000
COLUMNS = {
    "order": ("bestilling", "ordre", "order"),
    "ended_on": ("slutdato", "ended", "end date"),
    "started": ("startet", "started"),
    "completed": ("gennemført", "gennemfoert", "completed"),
    "in_work_13": ("i job 13 uger", "in work 13 weeks"),
    "in_work_26": ("i job 26 uger", "in work 26 weeks"),
}
REQUIRED = ("order", "ended_on", "started", "completed")
#: The 95 % interval's z.
Z = 1.959963984540054


@dataclass(frozen=True)
class OutcomeInput:
    ended_on: date
    started: int
    completed: int
    in_work_13: int | None = None
    in_work_26: int | None = None


# --- who may ----------------------------------------------------------------------------------


def may_record(user: User, call_off: CallOff) -> bool:
    """Only the order's own jobcentre records its outcome."""
    return user.role in JOBCENTRE_ROLES and user.organisation_id == call_off.jobcentre_id


def _require_own_jobcentre(actor: User, call_off: CallOff) -> None:
    if not may_record(actor, call_off):
        raise NotAllowed(_("Only the jobcentre that placed the order records its outcome."))


# --- the checks, one each ---------------------------------------------------------------------


def problems_of(call_off: CallOff, data: OutcomeInput, today: date) -> list[str]:
    """Everything wrong with this outcome for this order, at once (empty: it may be stored)."""
    found = []
    if call_off.state not in RAN:
        found.append(
            _(
                "Order %(number)s did not run (%(state)s): it has no outcome.",
                number=call_off.number,
                state=call_off.state.label,
            )
        )
    counts = (data.started, data.completed, data.in_work_13, data.in_work_26)
    if any(count is not None and count < 0 for count in counts):
        found.append(_("A number of persons cannot be negative."))
    if data.started > call_off.quantity:
        found.append(
            _(
                "%(started)d started, but order %(number)s is for %(quantity)d.",
                started=data.started,
                number=call_off.number,
                quantity=call_off.quantity,
            )
        )
    if data.completed > data.started:
        found.append(_("More completed (%(n)d) than started.", n=data.completed))
    for weeks, count in ((13, data.in_work_13), (26, data.in_work_26)):
        if count is not None and count > data.started:
            found.append(
                _("More in work or education after %(weeks)d weeks than started.", weeks=weeks)
            )
    if data.ended_on < call_off.starts_on:
        found.append(
            _(
                "The course cannot end before it started (%(day)s).",
                day=format_date(call_off.starts_on),
            )
        )
    if data.ended_on > today:  # nothing can be known of it yet (nor added to a day far ahead)
        found.append(_("The course has not ended yet; record its outcome when it has."))
        return found
    for weeks, count in ((13, data.in_work_13), (26, data.in_work_26)):
        known_from = data.ended_on + timedelta(weeks=weeks)
        if count is not None and known_from > today:
            found.append(
                _(
                    "Whether they are in work or education %(weeks)d weeks after the end is "
                    "known from %(day)s.",
                    weeks=weeks,
                    day=format_date(known_from),
                )
            )
    return found


# --- recording --------------------------------------------------------------------------------


def record_outcome(
    db: Session, actor: User, call_off: CallOff, data: OutcomeInput, from_import=None
) -> Outcome:
    """The order's outcome, stored or replaced (the audit trail keeps the figures before)."""
    _require_own_jobcentre(actor, call_off)
    if problems := problems_of(call_off, data, clock.today()):
        raise DomainError(" ".join(problems))
    outcome = db.scalar(select(Outcome).where(Outcome.call_off_id == call_off.id))
    before = None
    if outcome is None:
        outcome = Outcome(call_off_id=call_off.id)
        db.add(outcome)
    else:
        before = _figures(outcome)
    outcome.ended_on, outcome.started, outcome.completed = (
        data.ended_on,
        data.started,
        data.completed,
    )
    outcome.in_work_13, outcome.in_work_26 = data.in_work_13, data.in_work_26
    outcome.recorded_by_id, outcome.recorded_at = actor.id, clock.now()
    outcome.import_id = from_import.id if from_import is not None else None
    db.flush()
    changes = {"order": call_off.number, **_figures(outcome)}
    if before is not None:
        changes["before"] = before
    audit.record(db, actor, "outcome.recorded", call_off, changes)
    return outcome


def _figures(outcome: Outcome) -> dict:
    return {
        "ended_on": outcome.ended_on.isoformat(),
        "started": outcome.started,
        "completed": outcome.completed,
        "in_work_13": outcome.in_work_13,
        "in_work_26": outcome.in_work_26,
    }


def read_outcomes_file(name: str, data: bytes) -> Table:
    """The uploaded file as rows, before anything is written (no database)."""
    return read_table(name, data, MAX_LINES)


def _count(text: str, name: str, required: bool) -> int | None:
    if not text:
        if required:
            raise DomainError(_("Empty: %(names)s.", names=name))
        return None
    if not text.isascii() or not text.isdigit() or len(text) > 6:
        raise DomainError(_("%(value)s is not a number of persons.", value=text[:40]))
    return int(text)


def import_outcomes(db: Session, actor: User, table: Table) -> OutcomeImport:
    """Every line checked first, each problem named by its line; then all lines stored, or
    none. Only the jobcentre's own orders; no cell may hold a CPR number."""
    if actor.role not in JOBCENTRE_ROLES:
        raise NotAllowed(_("Only the jobcentre that placed the order records its outcome."))
    jobcentre = lock_row(db, Organisation, actor.organisation_id)  # one import at a time
    rows = table.rows
    columns = find_columns(rows[0], COLUMNS, REQUIRED)
    numbers = [row[columns["order"]].strip() for row in rows[1:] if len(row) > columns["order"]]
    orders = {
        o.number: o
        for o in db.scalars(
            select(CallOff).where(CallOff.number.in_(numbers), CallOff.jobcentre_id == jobcentre.id)
        )
    }
    today, lines, problems, seen = clock.today(), [], [], {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if any(looks_like_cpr(cell) for cell in row):
            problems.append((number, _("The line looks like it holds a CPR number; remove it.")))
            continue
        value = {key: (row[i].strip() if i < len(row) else "") for key, i in columns.items()}
        try:
            order = orders.get(value["order"])
            if order is None:
                raise DomainError(
                    _("%(value)s is not one of the jobcentre's orders.", value=value["order"][:40])
                )
            data = OutcomeInput(
                ended_on=parse_day(value["ended_on"]),
                started=_count(value["started"], COLUMNS["started"][0], True),
                completed=_count(value["completed"], COLUMNS["completed"][0], True),
                in_work_13=_count(value.get("in_work_13", ""), "", False),
                in_work_26=_count(value.get("in_work_26", ""), "", False),
            )
        except DomainError as err:
            problems.append((number, str(err)))
            continue
        if found := problems_of(order, data, today):
            problems.append((number, " ".join(found)))
            continue
        if order.number in seen:
            problems.append((number, _("The same order as on line %(n)d.", n=seen[order.number])))
            continue
        seen[order.number] = number
        lines.append((order, data))
    if problems:
        raise LinesRejected(problems)
    if not lines:
        raise DomainError(_("The file holds no outcomes."))
    record = OutcomeImport(
        jobcentre_id=jobcentre.id,
        filename=table.filename,
        sha256=table.sha256,
        lines=len(lines),
        imported_by_id=actor.id,
        imported_at=clock.now(),
    )
    db.add(record)
    db.flush()
    for order, data in lines:
        record_outcome(db, actor, order, data, from_import=record)
    audit.record(
        db, actor, "outcomes.imported", record, {"file": record.filename, "lines": len(lines)}
    )
    return record


def recordable_orders(jobcentre_id: int) -> Select:
    """The jobcentre's orders that ran, newest first, with their outcome where recorded."""
    return (
        select(CallOff, Outcome)
        .outerjoin(Outcome, Outcome.call_off_id == CallOff.id)
        .where(CallOff.jobcentre_id == jobcentre_id, CallOff.state.in_(RAN))
        .order_by(CallOff.starts_on.desc(), CallOff.id.desc())
    )


# --- the threshold ----------------------------------------------------------------------------


def threshold_of(db: Session, region_id: int) -> int:
    found = db.get(OutcomeThreshold, region_id)
    return found.persons if found is not None else DEFAULT_THRESHOLD


def set_threshold(db: Session, actor: User, persons: int) -> OutcomeThreshold:
    """A region's own threshold; never below 5 persons (fewer could be recognised)."""
    if actor.role != Role.REGION_STAFF:
        raise NotAllowed(_("Only region staff can do this."))
    if not 5 <= persons <= 10_000:
        raise DomainError(_("The threshold is between 5 and 10.000 persons."))
    found = db.get(OutcomeThreshold, actor.organisation_id)
    before = found.persons if found is not None else DEFAULT_THRESHOLD
    if found is None:
        found = OutcomeThreshold(region_id=actor.organisation_id)
        db.add(found)
    found.persons, found.set_by_id, found.set_at = persons, actor.id, clock.now()
    db.flush()
    audit.record(
        db, actor, "outcomes.threshold_set", actor.organisation, {"persons": [before, persons]}
    )
    return found


# --- effects ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Share:
    """k of n persons, with its Wilson interval; None where n is below the threshold."""

    k: int
    n: int

    @property
    def percent(self) -> Decimal:
        return _percent(self.k / self.n)

    @property
    def interval(self) -> tuple[Decimal, Decimal]:
        low, high = wilson(self.k, self.n)
        return _percent(low), _percent(high)


def _percent(value: float) -> Decimal:
    return Decimal(str(value * 100)).quantize(Decimal("0.1"), rounding=ROUND_HALF_EVEN)


def wilson(k: int, n: int, z: float = Z) -> tuple[float, float]:
    """The Wilson score interval of k successes in n (95 % by default)."""
    if n <= 0:
        raise ValueError("no persons")
    p = k / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class Sums:
    started: int = 0
    completed: int = 0
    in_work_13: int = 0
    known_13: int = 0  # persons whose 13-week figure is known
    in_work_26: int = 0
    known_26: int = 0

    def __sub__(self, other: Sums) -> Sums:
        return Sums(*(a - b for a, b in zip(self.as_tuple(), other.as_tuple(), strict=True)))

    def __add__(self, other: Sums) -> Sums:
        return Sums(*(a + b for a, b in zip(self.as_tuple(), other.as_tuple(), strict=True)))

    def as_tuple(self) -> tuple[int, ...]:
        return (
            self.started,
            self.completed,
            self.in_work_13,
            self.known_13,
            self.in_work_26,
            self.known_26,
        )


@dataclass(frozen=True)
class Effect:
    """What the figures show, each only where it rests on `threshold` persons or more."""

    sums: Sums
    threshold: int

    def _share(self, k: int, n: int) -> Share | None:
        return Share(k, n) if n >= self.threshold and n > 0 else None

    @property
    def persons(self) -> int:
        return self.sums.started

    @property
    def completion(self) -> Share | None:
        return self._share(self.sums.completed, self.sums.started)

    @property
    def work_13(self) -> Share | None:
        return self._share(self.sums.in_work_13, self.sums.known_13)

    @property
    def work_26(self) -> Share | None:
        return self._share(self.sums.in_work_26, self.sums.known_26)

    @property
    def shown(self) -> bool:
        return self.completion is not None


@dataclass(frozen=True)
class SupplierEffect:
    supplier_id: int
    supplier_name: str
    rank: int
    agreement_id: int  # its agreement on the lot: where the region suspends it
    effect: Effect
    others: Effect  # the other suppliers' for the same target groups
    below_lot: bool  # clearly below the lot's average (its interval wholly under it)


@dataclass(frozen=True)
class LotEffects:
    lot: Lot
    threshold: int
    average: Effect
    suppliers: list[SupplierEffect]

    def of(self, supplier_id: int) -> SupplierEffect | None:
        return next((s for s in self.suppliers if s.supplier_id == supplier_id), None)


def _sums_by_lot_and_supplier(db: Session, lot_ids=None) -> dict[tuple[int, int], Sums]:
    """Each (lot, supplier)'s summed outcomes, of these lots or of all (one statement)."""
    stmt = (
        select(
            CallOff.lot_id,
            CallOff.supplier_id,
            func.sum(Outcome.started),
            func.sum(Outcome.completed),
            func.sum(func.coalesce(Outcome.in_work_13, 0)),
            func.sum(case((Outcome.in_work_13.is_not(None), Outcome.started), else_=0)),
            func.sum(func.coalesce(Outcome.in_work_26, 0)),
            func.sum(case((Outcome.in_work_26.is_not(None), Outcome.started), else_=0)),
        )
        .join(CallOff, CallOff.id == Outcome.call_off_id)
        .group_by(CallOff.lot_id, CallOff.supplier_id)
    )
    if lot_ids is not None:
        stmt = stmt.where(CallOff.lot_id.in_(lot_ids))
    return {(r[0], r[1]): Sums(*(int(v or 0) for v in r[2:])) for r in db.execute(stmt)}


def _total(sums) -> Sums:
    total = Sums()
    for one in sums:
        total = total + one
    return total


def lot_effects(db: Session, lot: Lot, others: bool = True) -> LotEffects:
    return effects_of_lots(db, [lot], others)[0]


def effects_of_lots(db: Session, lots: list[Lot], others: bool = True) -> list[LotEffects]:
    """For each lot: every supplier with its effect and the lot's average, and with `others`
    for each supplier the other suppliers' over every lot for the same target groups (without,
    only these lots' outcomes are read: a page where jobcentres choose). A constant number of
    statements, however many lots."""
    if not lots:
        return []
    lot_ids = [lot.id for lot in lots]
    groups_of_lot = _groups_of_lots(db) if others else {}
    # Every lot's sums when the others' averages cross lots; else only these lots'.
    sums = _sums_by_lot_and_supplier(db, None if others else lot_ids)
    thresholds = dict(
        db.execute(
            select(OutcomeThreshold.region_id, OutcomeThreshold.persons).where(
                OutcomeThreshold.region_id.in_({lot.tender.region_id for lot in lots})
            )
        ).all()
    )
    agreements: dict[int, list] = {}
    for lot_id, supplier_id, name, rank, agreement_id in db.execute(
        select(
            Agreement.lot_id, Agreement.supplier_id, Organisation.name, Agreement.rank, Agreement.id
        )
        .join(Supplier, Supplier.id == Agreement.supplier_id)
        .join(Organisation, Organisation.id == Supplier.organisation_id)
        .where(Agreement.lot_id.in_(lot_ids))
        .order_by(Agreement.lot_id, Agreement.rank)
    ):
        agreements.setdefault(lot_id, []).append((supplier_id, name, rank, agreement_id))
    found = []
    for lot in lots:
        threshold = thresholds.get(lot.tender.region_id, DEFAULT_THRESHOLD)
        on_lot = {s: v for (lot_id, s), v in sums.items() if lot_id == lot.id}
        for_groups = _by_supplier_for_groups(sums, groups_of_lot, lot.id) if others else {}
        all_for_groups = _total(for_groups.values())
        average = Effect(_total(on_lot.values()), threshold)
        suppliers = []
        for supplier_id, name, rank, agreement_id in agreements.get(lot.id, []):
            effect = Effect(on_lot.get(supplier_id, Sums()), threshold)
            rest = Effect(all_for_groups - for_groups.get(supplier_id, Sums()), threshold)
            below = _below(effect, average)
            suppliers.append(
                SupplierEffect(supplier_id, name, rank, agreement_id, effect, rest, below)
            )
        found.append(LotEffects(lot, threshold, average, suppliers))
    return found


def _groups_of_lots(db: Session) -> dict[int, set[int]]:
    groups = tender_target_groups.c
    found: dict[int, set[int]] = {}
    for lot_id, group_id in db.execute(
        select(Lot.id, groups.target_group_id).join(
            tender_target_groups, groups.tender_id == Lot.tender_id
        )
    ):
        found.setdefault(lot_id, set()).add(group_id)
    return found


def _by_supplier_for_groups(sums, groups_of_lot, lot_id: int) -> dict[int, Sums]:
    """Each supplier's sums over every lot sharing a target group with this one."""
    mine = groups_of_lot.get(lot_id, set())
    same = {other for other, its in groups_of_lot.items() if its & mine} | {lot_id}
    found: dict[int, Sums] = {}
    for (on, supplier_id), value in sums.items():
        if on in same:
            found[supplier_id] = found.get(supplier_id, Sums()) + value
    return found


def effects_by_lot(db: Session, lots: list[Lot]) -> dict[int, LotEffects]:
    """Where a jobcentre chooses: each lot's effects by its id, of these lots' outcomes only."""
    return {found.lot.id: found for found in effects_of_lots(db, lots, others=False)}


def _below(effect: Effect, average: Effect) -> bool:
    """Clearly below: the supplier's interval lies wholly under the lot's average share."""
    for mine, lots in ((effect.work_13, average.work_13), (effect.work_26, average.work_26)):
        if mine is not None and lots is not None and mine.interval[1] < lots.percent:
            return True
    return False


def lots_with_agreements(
    db: Session,
    supplier_id: int | None = None,
    region_id: int | None = None,
    lot_ids: list[int] | None = None,
) -> list[Lot]:
    """The lots with framework agreements (of a supplier, of a region's tenders, or of these)."""
    with_agreements = select(Agreement.lot_id)
    if supplier_id is not None:
        with_agreements = with_agreements.where(Agreement.supplier_id == supplier_id)
    stmt = (
        select(Lot)
        .join(Tender, Tender.id == Lot.tender_id)
        .where(Lot.id.in_(with_agreements))
        .order_by(Tender.id, Lot.number)
    )
    if region_id is not None:
        stmt = stmt.where(Tender.region_id == region_id)
    if lot_ids is not None:
        stmt = stmt.where(Lot.id.in_(lot_ids))
    return list(db.scalars(stmt))


def own_effect(effects: LotEffects, supplier_id: int) -> LotEffects:
    """What a supplier sees of a lot: its own effect and the lot's average, no one else's."""
    return replace(
        effects, suppliers=[s for s in effects.suppliers if s.supplier_id == supplier_id]
    )


# --- a jobcentre's suppliers, for the region's follow-up ---------------------------------------


@dataclass(frozen=True)
class UsedSupplier:
    """A supplier a jobcentre called off from on a lot: its orders and amount there, and its
    effect on the lot (all jobcentres' outcomes, as the threshold allows) beside the lot's."""

    lots: LotEffects
    supplier: SupplierEffect
    orders: int
    amount: Decimal


def suppliers_used_by(db: Session, jobcentre_id: int) -> list[UsedSupplier]:
    """Every (lot, supplier) the jobcentre ordered from (orders not declined or cancelled),
    most spent first: one grouped
    statement for its orders, then the lots' effects (a constant number more)."""
    used = db.execute(
        select(CallOff.lot_id, CallOff.supplier_id, func.count(), func.sum(CallOff.total))
        .where(CallOff.jobcentre_id == jobcentre_id, CallOff.state.not_in(RELEASED))
        .group_by(CallOff.lot_id, CallOff.supplier_id)
    ).all()
    if not used:
        return []
    lots = list(db.scalars(select(Lot).where(Lot.id.in_({row[0] for row in used}))))
    effects = {found.lot.id: found for found in effects_of_lots(db, lots, others=False)}
    found = []
    for lot_id, supplier_id, orders, amount in used:
        lot_effects_ = effects[lot_id]
        supplier = lot_effects_.of(supplier_id)
        if supplier is not None:
            found.append(UsedSupplier(lot_effects_, supplier, orders, Decimal(amount)))
    return sorted(found, key=lambda u: (-u.amount, u.supplier.supplier_name))
