"""Spreadsheets: uploaded CSV and XLSX files read as rows of text, never trusting the file's own
idea of its size (an XLSX is a zip whose directory is checked before a byte of it is unpacked);
and large spreadsheets written row by row to a temporary file (XlsxWriter's constant-memory mode),
so that memory stays the same for a hundred or a hundred thousand rows."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import xlsxwriter
from flask import Response, send_file

from app.clock import COPENHAGEN
from app.core.errors import DomainError
from app.core.i18n import format_size, ngettext
from app.core.i18n import gettext as _
from app.files.services import check_upload


class LinesRejected(DomainError):
    """The file, or lines of it, cannot be imported; nothing of it is stored. `problems` are
    (line number, what is wrong) pairs, every problem of every line at once."""

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        super().__init__(
            ngettext(
                "Nothing was imported: %(num)d line of the file needs correcting.",
                "Nothing was imported: %(num)d lines of the file need correcting.",
                len(problems),
            )
        )
        self.problems = problems


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


# What an XLSX (a zip of XML parts) may unpack to; checked from the zip's directory before
# openpyxl reads it. A workbook of 20,000 lines of seven columns (the most an import takes)
# unpacks to about 9 MB, 10 to 20 times its own size; a "zip bomb" of 700 kB unpacks to hundreds
# of MB, about 400 times its size, and kept a server busy for minutes.
MIB = 1024 * 1024
MAX_XLSX_PARTS = 200  # a workbook of one sheet has about ten parts
MAX_XLSX_PART = 32 * MIB  # any one part: the sheet of 20,000 wide lines fits
MAX_XLSX_UNPACKED = 64 * MIB  # all parts together
#: openpyxl keeps every shared string (each distinct text) in memory, about 8 bytes of memory per
#: byte of XML, and reads 8 MB of them in seconds: a text-heavy file of 20,000 lines has 4 MB.
MAX_SHARED_STRINGS = 8 * MIB
#: Unpacked ÷ packed, for a part of more than RATIO_FROM: XML packs 10 to 20 times; a deflate
#: bomb about 1,000 times. Smaller parts may pack as they like: they unpack to little.
MAX_XLSX_RATIO = 100
RATIO_FROM = 1 * MIB


def check_xlsx(data: bytes) -> None:
    """Refuse a workbook that would unpack to far more than a file of lines needs, before it is
    unpacked. The sizes are the ones the zip declares; Python's zipfile never yields more of a
    part than its declared size (it stops there and checks the part's CRC, so a part that holds
    more fails to read), so the declared sizes bound what openpyxl reads, and with them the
    number of rows and of shared strings."""
    try:
        parts = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise DomainError(_("The spreadsheet cannot be read; save it again as .xlsx.")) from None
    if len(parts) > MAX_XLSX_PARTS:
        raise DomainError(
            _(
                "The spreadsheet holds %(n)d parts; a workbook holds far fewer. It is not read.",
                n=len(parts),
            )
        )
    total = sum(part.file_size for part in parts)
    if any(
        p.file_size > RATIO_FROM and p.file_size > MAX_XLSX_RATIO * p.compress_size for p in parts
    ):
        raise DomainError(
            _(
                "The spreadsheet unpacks to %(size)s, far more than its own %(packed)s: it is not"
                " an ordinary spreadsheet, and it is not read.",
                size=format_size(total),
                packed=format_size(len(data)),
            )
        )
    if total > MAX_XLSX_UNPACKED:
        raise DomainError(
            _(
                "The spreadsheet unpacks to %(size)s, more than the %(most)s a file of lines may;"
                " it is not read. Split it, or save it as CSV.",
                size=format_size(total),
                most=format_size(MAX_XLSX_UNPACKED),
            )
        )
    for part in parts:
        most = (
            MAX_SHARED_STRINGS
            if part.filename.lower().endswith("sharedstrings.xml")
            else MAX_XLSX_PART
        )
        if part.file_size > most:
            raise DomainError(
                _(
                    "The part %(part)s of the spreadsheet unpacks to %(size)s, more than the"
                    " %(most)s a part may; it is not read. Split it, or save it as CSV.",
                    part=part.filename[:100],
                    size=format_size(part.file_size),
                    most=format_size(most),
                )
            )


def _xlsx_rows(data: bytes) -> Iterator[list[str]]:
    # Imported here on purpose: openpyxl takes 60-150 ms to import (python -X importtime), and
    # only reading an uploaded spreadsheet needs it, not starting the application.
    from openpyxl import load_workbook

    check_xlsx(data)
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
        raise DomainError(_("Upload a CSV or an XLSX file."))


@dataclass(frozen=True)
class Table:
    """An uploaded file read whole: its clean name, its SHA-256 and its rows of text (the header
    first). An import reads its file into one before it begins to write."""

    filename: str
    sha256: str
    rows: list[list[str]]


def read_table(name: str, data: bytes, most: int) -> Table:
    """An uploaded CSV or XLSX file as rows of text, after the upload checks; refused when
    empty or longer than `most` lines below the header. Touches no database."""
    sha256 = hashlib.sha256(data).hexdigest()
    if name.lower().endswith(".csv"):
        data = _text(data).encode()  # a Windows-1252 file passes the upload check as UTF-8
    name, _type = check_upload(name, data)
    rows = []
    for row in _rows(name, data):
        rows.append(row)
        if len(rows) > most + 1:
            raise DomainError(_("A file holds at most %(n)d lines; split it.", n=most))
    if not rows:
        raise DomainError(_("The file is empty."))
    return Table(filename=name, sha256=sha256, rows=rows)


def find_columns(
    header: list[str], columns: dict[str, tuple[str, ...]], required: tuple[str, ...]
) -> dict[str, int]:
    """Where each known column is in the header (by any of its names, in any order); a header
    without a required column rejects the file on line 1."""
    names = [cell.strip().lower() for cell in header]
    found = {}
    for key, aliases in columns.items():
        for index, name in enumerate(names):
            if name in aliases:
                found[key] = index
                break
    missing = [columns[key][0] for key in required if key not in found]
    if missing:
        raise LinesRejected(
            [(1, _("The header lacks the column(s): %(names)s.", names=", ".join(missing)))]
        )
    return found


DATE_FORMATS = ("%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y", "%Y-%m-%d")


def parse_day(text: str) -> date:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise DomainError(_("%(value)s is not a date (write 24-11-2026).", value=text))


# --- writing ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sheet:
    title: str
    columns: list[str]
    money: set[int] = field(default_factory=set)  # columns of amounts in kroner
    moments: set[int] = field(default_factory=set)  # columns of aware datetimes


def write_xlsx(path: str, sheet: Sheet, rows: Iterable[Iterable[Any]]) -> int:
    """Write the rows to `path`; returns how many. Text is always written as text (a cell that
    begins with "=" is never a formula); times in Copenhagen's wall time."""
    book = xlsxwriter.Workbook(path, {"constant_memory": True, "in_memory": False})
    try:
        page = book.add_worksheet(sheet.title[:31])
        bold = book.add_format({"bold": True})
        money = book.add_format({"num_format": "#,##0.00"})
        moment = book.add_format({"num_format": "dd-mm-yyyy hh:mm"})
        for column, name in enumerate(sheet.columns):
            page.write_string(0, column, name, bold)
        count = 0
        for count, row in enumerate(rows, start=1):
            for column, value in enumerate(row):
                _write(page, count, column, value, money, moment, sheet)
        return count
    finally:
        book.close()


def _write(page, row: int, column: int, value: Any, money, moment, sheet: Sheet) -> None:
    if value is None:
        return
    if column in sheet.moments and isinstance(value, datetime):
        page.write_datetime(row, column, value.astimezone(COPENHAGEN).replace(tzinfo=None), moment)
    elif column in sheet.money:
        page.write_number(row, column, float(Decimal(value)), money)
    elif isinstance(value, int | Decimal) and not isinstance(value, bool):
        page.write_number(row, column, float(value))
    else:
        page.write_string(row, column, str(value))


def xlsx_download(filename: str, sheet: Sheet, rows: Iterable[Iterable[Any]]) -> Response:
    """The rows as an XLSX attachment, built in a temporary file that is gone once sent."""
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        write_xlsx(path, sheet, rows)
        written = open(path, "rb")  # noqa: SIM115 - closed by the response once sent
    finally:
        # The open file keeps its contents for the response; the name goes at once (POSIX).
        os.unlink(path)
    return send_file(
        written,
        as_attachment=True,
        download_name=filename,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        max_age=0,
    )
