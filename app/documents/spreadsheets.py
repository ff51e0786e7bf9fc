"""Large spreadsheets written row by row to a temporary file (XlsxWriter's constant-memory
mode): memory stays the same for a hundred or a hundred thousand rows."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

import xlsxwriter
from flask import Response, send_file

from app.clock import COPENHAGEN


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
