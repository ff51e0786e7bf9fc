"""Importing a jobcentre's purchase ledger (CSV or XLSX): every line checked first, then all or
nothing, each new line classified like a registered purchase, a line seen before skipped.

The layout (a header row, columns in any order; Danish names, or the English ones):
    dato (date) · cvr · leverandør (supplier) · beløb (amount) · målgruppe (target group)
    · beskrivelse (description, optional) · bilag (voucher, optional)
Dates as 24-11-2026, 24.11.2026 or 2026-11-24; amounts as 1.234,50 or 1234.50.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Select, false, func, select
from sqlalchemy.orm import Session

from app import clock
from app.audit import services as audit
from app.auth.models import User
from app.auth.roles import JOBCENTRE_ROLES, Role
from app.calloffs.models import CallOff
from app.core.errors import DomainError, NotAllowed
from app.core.i18n import gettext as _
from app.db import lock_row
from app.documents.spreadsheets import LinesRejected, Table, find_columns, parse_day, read_table
from app.organisations.models import Organisation
from app.organisations.queries import jobcentres_of
from app.purchases.models import (
    CallOffPayment,
    Classification,
    OutsidePurchase,
    PurchaseImport,
    Source,
)
from app.purchases.services import (
    CallOffIndex,
    PurchaseInput,
    Verdict,
    call_off_index,
    check_purchase,
    classify,
    line_key,
    store_purchase,
    tell_regions,
)
from app.suppliers.services import is_valid_cvr
from app.targetgroups.models import TargetGroup
from app.tenders.models import Lot
from app.web.fields import parse_kroner

MAX_LINES = 20_000
COLUMNS = {
    "purchased_on": ("dato", "date"),
    "supplier_cvr": ("cvr", "cvr-nummer", "cvr nummer"),
    "supplier_name": ("leverandør", "leverandoer", "supplier"),
    "amount": ("beløb", "beloeb", "amount"),
    "target_group": ("målgruppe", "maalgruppe", "target group"),
    "description": ("beskrivelse", "tekst", "description"),
    "voucher": ("bilag", "bilagsnummer", "voucher"),
}
REQUIRED = ("purchased_on", "supplier_cvr", "supplier_name", "amount", "target_group")


class LedgerRejected(LinesRejected):
    """The file, or lines of it, cannot be imported; nothing of it is stored."""


def _amount(text: str) -> Decimal:
    try:
        amount = parse_kroner(text)
    except ValueError:
        raise DomainError(_("%(value)s is not an amount (write 1.234,50).", value=text)) from None
    if amount != amount.quantize(Decimal("0.01")):
        raise DomainError(_("An amount has at most two decimals (whole øre)."))
    return amount.quantize(Decimal("0.01"))


@dataclass(frozen=True)
class Line:
    number: int
    data: PurchaseInput


def _parse_line(db: Session, row, header, value, groups) -> tuple[PurchaseInput | None, list]:
    """A line as a purchase, or every problem of it at once (not one per upload)."""
    if len(row) > len(header):
        return None, [_("The line has more cells than the header has columns.")]
    empty = [COLUMNS[key][0] for key in REQUIRED if not value[key]]
    if empty:
        return None, [_("Empty: %(names)s.", names=", ".join(empty))]
    messages = []
    group_id = groups.get(value["target_group"].lower())
    if group_id is None:
        messages.append(_("%(value)s is not a known target group.", value=value["target_group"]))
    cvr = value["supplier_cvr"].replace(" ", "")
    if not is_valid_cvr(cvr):
        messages.append(_("The CVR number must be 8 digits and valid."))
    parsed = {}
    for key, parse in (("amount", _amount), ("purchased_on", parse_day)):
        try:
            parsed[key] = parse(value[key])
        except DomainError as err:
            messages.append(str(err))
    if messages:
        return None, messages
    purchase = PurchaseInput(
        target_group_id=group_id,
        supplier_name=value["supplier_name"],
        supplier_cvr=cvr,
        amount=parsed["amount"],
        purchased_on=parsed["purchased_on"],
        description=value.get("description", ""),
        voucher=value.get("voucher", ""),
    )
    try:
        check_purchase(db, purchase)
    except DomainError as err:
        return None, [str(err)]
    return purchase, []


def read_ledger_file(name: str, data: bytes) -> Table:
    """The uploaded ledger as rows, before anything is written (no database)."""
    return read_table(name, data, MAX_LINES)


def read_ledger(db: Session, table: Table) -> list[Line]:
    """Every line of the file as a purchase; all problems at once, by line number."""
    rows = table.rows
    try:
        columns = find_columns(rows[0], COLUMNS, REQUIRED)
    except LinesRejected as rejected:
        raise LedgerRejected(rejected.problems) from None
    groups = {g.name.lower(): g.id for g in db.scalars(select(TargetGroup))}
    lines, problems = [], []
    for number, row in enumerate(rows[1:], start=2):
        if not any(row):
            continue  # a blank line between entries
        value = {key: (row[i] if i < len(row) else "") for key, i in columns.items()}
        purchase, messages = _parse_line(db, row, rows[0], value, groups)
        if messages:
            problems.append((number, " ".join(messages)))
            continue
        lines.append(Line(number, purchase))
    if problems:
        raise LedgerRejected(problems)
    if not lines:
        raise DomainError(_("The file holds no purchases."))
    return lines


# --- importing --------------------------------------------------------------------------------


#: Who imports ledgers: the jobcentre's staff (their own) and the region's staff (its jobcentres').
IMPORTERS = (*JOBCENTRE_ROLES, Role.REGION_STAFF)


def may_import(user: User) -> bool:
    """Whether the user imports ledgers at all (for which jobcentre: import_jobcentres)."""
    return user.role in IMPORTERS


def import_jobcentres(db: Session, user: User) -> list[Organisation]:
    """The jobcentres whose ledger the user may import: the region's, or the user's own."""
    if user.role == Role.REGION_STAFF:
        return jobcentres_of(db, user.organisation)
    return [user.organisation]


def _may_import(actor: User, jobcentre: Organisation) -> None:
    own_jobcentre = actor.role in JOBCENTRE_ROLES and actor.organisation_id == jobcentre.id
    own_region = actor.role == Role.REGION_STAFF and actor.organisation_id == jobcentre.region_id
    if not (own_jobcentre or own_region):
        raise NotAllowed(_("Only the jobcentre or its region can import its ledger."))


def _known_keys(db: Session, jobcentre_id: int, keys: list[str]) -> set[str]:
    """The lines the jobcentre has already: as outside purchases or as call-off payments."""
    known: set[str] = set()
    for start in range(0, len(keys), 500):  # a bounded number of parameters per statement
        chunk = keys[start : start + 500]
        for model in (OutsidePurchase, CallOffPayment):
            known.update(
                db.scalars(
                    select(model.line_key).where(
                        model.jobcentre_id == jobcentre_id, model.line_key.in_(chunk)
                    )
                )
            )
    return known


def _by_key(jobcentre: Organisation, lines: list[Line]) -> dict[str, Line]:
    """The file's lines by their key; the same line twice in the file counts once."""
    keyed: dict[str, Line] = {}
    for line in lines:
        keyed.setdefault(line_key(jobcentre.id, line.data), line)
    return keyed


def _orders_paid(index: CallOffIndex, keyed: dict[str, Line], fresh: list[str]) -> dict[str, int]:
    """A new line's key → the jobcentre's order it pays, placed on or before the line's day."""
    paying = {}
    for key in fresh:
        line = keyed[key].data
        order_id = index.take(line.supplier_cvr, line.amount, line.purchased_on)
        if order_id is not None:
            paying[key] = order_id
    return paying


def _new_record(
    db: Session,
    actor: User,
    jobcentre: Organisation,
    table: Table,
    lines: list[Line],
    fresh: list[str],
    paying: dict[str, int],
    new_keys: list[str],
) -> PurchaseImport:
    record = PurchaseImport(
        jobcentre_id=jobcentre.id,
        filename=table.filename,
        sha256=table.sha256,
        lines=len(lines),
        added=len(new_keys),
        already_known=len(lines) - len(fresh),
        call_off_payments=len(paying),
        imported_by_id=actor.id,
        imported_at=clock.now(),
    )
    db.add(record)
    db.flush()
    return record


def _store_payments(
    db: Session,
    record: PurchaseImport,
    jobcentre: Organisation,
    keyed: dict[str, Line],
    paying: dict[str, int],
) -> None:
    """Each line paying one of the jobcentre's orders, stored as a payment of that order."""
    for key, order_id in paying.items():
        line = keyed[key].data
        db.add(
            CallOffPayment(
                import_id=record.id,
                jobcentre_id=jobcentre.id,
                call_off_id=order_id,
                paid_on=line.purchased_on,
                target_group_id=line.target_group_id,
                supplier_name=line.supplier_name.strip(),
                supplier_cvr=line.supplier_cvr,
                amount=line.amount,
                description=line.description.strip(),
                voucher=line.voucher.strip(),
                line_key=key,
            )
        )


def _store_purchases(
    db: Session,
    actor: User,
    jobcentre: Organisation,
    record: PurchaseImport,
    index: CallOffIndex,
    lines: list[Line],
) -> tuple[list[OutsidePurchase], dict[int, Lot]]:
    """Each other new line, classified (once per target group and day) and stored as an
    outside purchase; the breaches, and the lots they breached."""
    verdicts: dict[tuple[int, date], Verdict] = {}
    breaches = []
    breached_lots = {}
    for line in lines:
        day_group = (line.data.target_group_id, line.data.purchased_on)
        if day_group not in verdicts:
            verdicts[day_group] = classify(db, jobcentre, *day_group)
        verdict = verdicts[day_group]
        purchase = store_purchase(
            db,
            actor,
            jobcentre,
            line.data,
            verdict,
            Source.IMPORTED,
            # A framework supplier paid, and no order of the jobcentre placed by then (and
            # not paid already) for the amount: someone should look.
            index.is_framework_supplier(line.data.supplier_cvr),
            record.id,
        )
        if verdict.classification == Classification.BREACH:
            breaches.append(purchase)
            breached_lots.update({lot.id: lot for lot in verdict.lots})
    return breaches, breached_lots


def _record_imported(db: Session, actor: User, record: PurchaseImport) -> None:
    audit.record(
        db,
        actor,
        "purchases.imported",
        record,
        {
            "file": record.filename,
            "lines": record.lines,
            "added": record.added,
            "call_off_payments": record.call_off_payments,
        },
    )


def import_ledger(
    db: Session, actor: User, jobcentre: Organisation, table: Table
) -> PurchaseImport:
    """Check every line of a file read before (read_ledger_file), then store the new ones: a
    line paying one of the jobcentre's own call-offs as a payment of it, any other classified
    as an outside purchase; a line known before is skipped."""
    _may_import(actor, jobcentre)
    lines = read_ledger(db, table)
    # One import of a jobcentre's ledger at a time: two cannot both pay the same order.
    lock_row(db, Organisation, jobcentre.id)
    keyed = _by_key(jobcentre, lines)
    known = _known_keys(db, jobcentre.id, list(keyed))
    fresh = [key for key in keyed if key not in known]
    index = call_off_index(db, jobcentre.id)
    paying = _orders_paid(index, keyed, fresh)
    new_keys = [key for key in fresh if key not in paying]
    record = _new_record(db, actor, jobcentre, table, lines, fresh, paying, new_keys)
    _store_payments(db, record, jobcentre, keyed, paying)
    breaches, breached_lots = _store_purchases(
        db, actor, jobcentre, record, index, [keyed[key] for key in new_keys]
    )
    db.flush()
    _record_imported(db, actor, record)
    if breaches:
        tell_regions(db, jobcentre, breached_lots.values(), breaches)
    return record


def payments_of_import(record: PurchaseImport) -> Select:
    """The lines of an import that paid the jobcentre's call-offs, in the file's order."""
    return (
        select(CallOffPayment)
        .where(CallOffPayment.import_id == record.id)
        .order_by(CallOffPayment.id)
    )


def payments_of_order(db: Session, order: CallOff) -> list[CallOffPayment]:
    """The ledger lines that paid an order (normally one)."""
    return list(
        db.scalars(
            select(CallOffPayment)
            .where(CallOffPayment.call_off_id == order.id)
            .order_by(CallOffPayment.paid_on, CallOffPayment.id)
        )
    )


def visible_imports(user: User) -> Select:
    """The imports the user may see (the rule of PurchaseImport.is_visible_to)."""
    stmt = select(PurchaseImport).join(Organisation, PurchaseImport.jobcentre_id == Organisation.id)
    if user.role in JOBCENTRE_ROLES:
        return stmt.where(PurchaseImport.jobcentre_id == user.organisation_id)
    if user.role in (Role.REGION_STAFF, Role.REGIONAL_DIRECTOR):
        return stmt.where(Organisation.region_id == user.organisation_id)
    return stmt.where(false())


def recent_imports(db: Session, user: User, limit: int = 10) -> list[PurchaseImport]:
    """The newest imports the user may see."""
    return list(
        db.scalars(
            visible_imports(user)
            .order_by(PurchaseImport.imported_at.desc(), PurchaseImport.id.desc())
            .limit(limit)
        )
    )


def import_counts(db: Session, record: PurchaseImport) -> list[tuple[Classification, int, Decimal]]:
    """The import's outside purchases per classification: how many, and their sum."""
    return list(
        db.execute(
            select(
                OutsidePurchase.classification,
                func.count(),
                func.sum(OutsidePurchase.amount),
            )
            .where(OutsidePurchase.import_id == record.id)
            .group_by(OutsidePurchase.classification)
        ).all()
    )


def flagged_count(db: Session, record: PurchaseImport) -> int:
    """How many of the import's purchases someone should look at."""
    return (
        db.scalar(
            select(func.count()).where(
                OutsidePurchase.import_id == record.id, OutsidePurchase.needs_review
            )
        )
        or 0
    )
