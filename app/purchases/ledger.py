"""Importing a jobcentre's purchase ledger (CSV or XLSX): every line checked first, then all or
nothing, each new line classified like a registered purchase, a line seen before skipped.

The layout (a header row, columns in any order; Danish names, or the English ones):
    dato (date) · cvr · leverandør (supplier) · beløb (amount) · målgruppe (target group)
    · beskrivelse (description, optional) · bilag (voucher, optional)
Dates as 24-11-2026, 24.11.2026 or 2026-11-24; amounts as 1.234,50 or 1234.50.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Select, false, select
from sqlalchemy.orm import Session

from app import clock
from app.audit import services as audit
from app.auth.models import User
from app.auth.roles import JOBCENTRE_ROLES, Role
from app.errors import DomainError, NotAllowed
from app.fields import parse_kroner
from app.files.services import check_upload, clean_filename
from app.i18n import gettext as _
from app.i18n import ngettext
from app.organisations.models import Organisation
from app.purchases.models import Classification, OutsidePurchase, PurchaseImport, Source
from app.purchases.services import (
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
DATE_FORMATS = ("%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y", "%Y-%m-%d")


class LedgerRejected(DomainError):
    """The file, or lines of it, cannot be imported; nothing of it is stored."""

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        super().__init__(
            ngettext(
                "Nothing was imported: %(num)d line of the file needs correcting.",
                "Nothing was imported: %(num)d lines of the file need correcting.",
                len(problems),
            )
        )
        self.problems = problems


# --- reading the file -------------------------------------------------------------------------


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(Decimal(repr(value)))
    return str(value).strip()


def _text(data: bytes) -> str:
    """UTF-8 (with or without a byte-order mark), or Windows-1252 as Danish Excel saves CSV."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _csv_rows(data: bytes) -> Iterator[list[str]]:
    text = _text(data)
    first = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    try:
        for row in reader:
            if any("\n" in cell or "\r" in cell for cell in row):
                # A quotation mark opened a cell that a later one closed: lines were swallowed.
                raise DomainError(
                    _(
                        "Line %(n)d: a cell runs over several lines; check the quotation marks.",
                        n=reader.line_num,
                    )
                )
            yield [cell.strip() for cell in row]
    except csv.Error:
        raise DomainError(
            _("The CSV file cannot be read: a quotation mark or a cell is out of place.")
        ) from None


def _xlsx_rows(data: bytes) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    unreadable = _("The spreadsheet cannot be read; save it again as .xlsx.")
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise DomainError(unreadable) from None
    try:
        if not book.worksheets:
            raise DomainError(_("The file is empty."))
        sheet = book.worksheets[0]
        # The file's own idea of its size is not trusted: rows are read as they come, only as
        # wide as the header, and no further than the limit.
        sheet.reset_dimensions()
        width = None
        for row in sheet.iter_rows(values_only=True):
            cells = [_cell(value) for value in row]
            if width is None:
                while cells and not cells[-1]:
                    cells.pop()
                width = len(cells)
            yield cells[:width]
    except DomainError:
        raise
    except Exception:
        raise DomainError(unreadable) from None
    finally:
        book.close()


def _rows(name: str, data: bytes) -> Iterator[list[str]]:
    extension = name.rsplit(".", 1)[1].lower()
    if extension == "csv":
        yield from _csv_rows(data)
    elif extension == "xlsx":
        yield from _xlsx_rows(data)
    else:
        raise DomainError(_("Upload the ledger as a CSV or an XLSX file."))


def _columns(header: list[str]) -> dict[str, int]:
    names = [cell.strip().lower() for cell in header]
    found = {}
    for key, aliases in COLUMNS.items():
        for index, name in enumerate(names):
            if name in aliases:
                found[key] = index
                break
    missing = [COLUMNS[key][0] for key in REQUIRED if key not in found]
    if missing:
        raise LedgerRejected(
            [(1, _("The header lacks the column(s): %(names)s.", names=", ".join(missing)))]
        )
    return found


def _date(text: str) -> date:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise DomainError(_("%(value)s is not a date (write 24-11-2026).", value=text))


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
    for key, parse in (("amount", _amount), ("purchased_on", _date)):
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


def read_ledger(db: Session, name: str, data: bytes) -> list[Line]:
    """Every line of the file as a purchase; all problems at once, by line number."""
    if name.lower().endswith(".csv"):
        data = _text(data).encode()  # a Windows-1252 file passes the upload check as UTF-8
    name, _type = check_upload(name, data)
    rows = []
    for row in _rows(name, data):
        rows.append(row)
        if len(rows) > MAX_LINES + 1:
            raise DomainError(_("A file holds at most %(n)d lines; split it.", n=MAX_LINES))
    if not rows:
        raise DomainError(_("The file is empty."))
    columns = _columns(rows[0])
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


def _may_import(actor: User, jobcentre: Organisation) -> None:
    own_jobcentre = actor.role in JOBCENTRE_ROLES and actor.organisation_id == jobcentre.id
    own_region = actor.role == Role.REGION_STAFF and actor.organisation_id == jobcentre.region_id
    if not (own_jobcentre or own_region):
        raise NotAllowed(_("Only the jobcentre or its region can import its ledger."))


def _known_keys(db: Session, jobcentre_id: int, keys: list[str]) -> set[str]:
    known: set[str] = set()
    for start in range(0, len(keys), 500):  # a bounded number of parameters per statement
        chunk = keys[start : start + 500]
        known.update(
            db.scalars(
                select(OutsidePurchase.line_key).where(
                    OutsidePurchase.jobcentre_id == jobcentre_id,
                    OutsidePurchase.line_key.in_(chunk),
                )
            )
        )
    return known


def import_ledger(
    db: Session, actor: User, jobcentre: Organisation, name: str, data: bytes
) -> PurchaseImport:
    """Check every line, then store the new ones classified; a line known before is skipped."""
    _may_import(actor, jobcentre)
    lines = read_ledger(db, name, data)
    keyed = {}
    for line in lines:
        keyed.setdefault(line_key(jobcentre.id, line.data), line)  # the same line twice: once
    index = call_off_index(db, jobcentre.id)
    payments = {
        key
        for key, line in keyed.items()
        if index.pays_a_call_off(line.data.supplier_cvr, line.data.amount)
    }
    known = _known_keys(db, jobcentre.id, list(keyed))
    new_keys = [key for key in keyed if key not in known and key not in payments]
    record = PurchaseImport(
        jobcentre_id=jobcentre.id,
        filename=clean_filename(name),
        sha256=hashlib.sha256(data).hexdigest(),
        lines=len(lines),
        added=len(new_keys),
        already_known=len(lines) - len(new_keys) - len(payments),
        call_off_payments=len(payments),
        imported_by_id=actor.id,
        imported_at=clock.now(),
    )
    db.add(record)
    db.flush()
    verdicts: dict[tuple[int, date], Verdict] = {}
    breaches = []
    breached_lots = {}
    for key in new_keys:
        line = keyed[key]
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
            index.needs_review(line.data.supplier_cvr, line.data.amount),
            record.id,
        )
        if verdict.classification == Classification.BREACH:
            breaches.append(purchase)
            breached_lots.update({lot.id: lot for lot in verdict.lots})
    db.flush()
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
    if breaches:
        tell_regions(db, jobcentre, breached_lots.values(), breaches)
    return record


def visible_imports(user: User) -> Select:
    """The imports the user may see (the rule of PurchaseImport.is_visible_to)."""
    stmt = select(PurchaseImport).join(Organisation, PurchaseImport.jobcentre_id == Organisation.id)
    if user.role in JOBCENTRE_ROLES:
        return stmt.where(PurchaseImport.jobcentre_id == user.organisation_id)
    if user.role in (Role.REGION_STAFF, Role.REGIONAL_DIRECTOR):
        return stmt.where(Organisation.region_id == user.organisation_id)
    return stmt.where(false())
