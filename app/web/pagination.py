"""Paging through a query with a stable order: by number (the total counted in SQL, one page
loaded), or for long lists by position (the rows after or before a known row, by index)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import current_app, request
from sqlalchemy import ColumnElement, Select, func, or_, select, tuple_
from sqlalchemy.orm import Session

from app.web.forms import clean_text


@dataclass(frozen=True)
class Page:
    items: list[Any]
    total: int
    number: int
    size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


#: The largest id our id columns hold (INTEGER: 32 bits on PostgreSQL); a larger number in a
#: URL or a query string finds nothing, where PostgreSQL would refuse it (a 500).
MAX_ID = 2**31 - 1


def id_arg(name: str) -> int | None:
    """An id from the query string (a filter, a preselection); None unless it is one."""
    raw = request.args.get(name, "").strip()
    if not (raw.isascii() and raw.isdigit()):
        return None
    value = int(raw)
    return value if 1 <= value <= MAX_ID else None


def text_arg(name: str) -> str:
    """A text from the query string (a search, a filter), trimmed and without control
    characters: PostgreSQL refuses a NUL in a string (a 500), where SQLite takes it."""
    return clean_text(request.args.get(name, ""))


#: A date filter outside these years is a typing error; it is ignored, not a crash.
YEARS = range(2000, 2101)


def date_arg(name: str) -> date | None:
    """A day from the query string (ISO, 2026-11-24); None unless it is one of YEARS."""
    try:
        day = date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None
    return day if day.year in YEARS else None


def requested_page() -> int:
    try:
        return max(1, int(request.args.get("page", 1)))
    except ValueError:
        return 1


def paginate(db: Session, stmt: Select, number: int | None = None, size: int | None = None) -> Page:
    """One page of `stmt`, which must already be ordered by something unique."""
    number = number or requested_page()
    size = size or current_app.config["PAGE_SIZE"]
    total = db.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    last = max(1, -(-total // size))
    number = min(number, last)
    items = list(db.scalars(stmt.limit(size).offset((number - 1) * size)).unique())
    return Page(items=items, total=total, number=number, size=size)


def paginate_rows(db: Session, stmt: Select, number: int, size: int) -> Page:
    """One page of `stmt`'s rows (tuples of entities and columns), counted and limited in SQL
    in one statement (a window count beside the page's rows); `stmt` must already be ordered
    by something unique. A number beyond the last page shows the last, as `paginate` does
    (counted apart: only then does it take a second statement)."""
    number = max(1, number)
    counted = stmt.add_columns(func.count().over())
    rows = []
    if (number - 1) * size <= MAX_ID:  # a larger offset is no number the database takes
        rows = db.execute(counted.limit(size).offset((number - 1) * size)).all()
    if rows:
        total = rows[0][-1]
    else:
        total = db.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
        last = max(1, -(-total // size))
        if total and number > last:
            number = last
            rows = db.execute(counted.limit(size).offset((number - 1) * size)).all()
        else:
            number = min(number, last)
    return Page(items=[tuple(row[:-1]) for row in rows], total=total, number=number, size=size)


def paginate_list(rows: list[Any], number: int | None = None, size: int | None = None) -> Page:
    """One page of rows already in memory (a computed table, the lots on offer)."""
    number = number or requested_page()
    size = size or current_app.config["PAGE_SIZE"]
    number = min(number, max(1, -(-len(rows) // size)))
    return Page(rows[(number - 1) * size : number * size], len(rows), number, size)


def contains_pattern(text: str) -> str:
    """A LIKE pattern (escape character backslash) that finds the text literally; control
    characters (which PostgreSQL refuses in a string, NUL above all) are dropped."""
    text = clean_text(text)
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def any_contains(text: str, *columns) -> ColumnElement[bool]:
    """A condition: one of the columns holds the text literally, in any case."""
    pattern = contains_pattern(text)
    return or_(*(column.ilike(pattern, escape="\\") for column in columns))


@dataclass(frozen=True)
class Window:
    """A page of a list walked newest first by position: as fast far back as at the top. The
    anchors are the ids of the rows to continue after; None where the list ends."""

    items: list[Any]
    newer: int | None
    older: int | None


def window(db: Session, stmt: Select, moment, ident, size: int | None = None) -> Window:
    """The `size` rows of `stmt` newest first by (`moment`, `ident`), older than the row named
    by ?older=<id> or newer than ?newer=<id>; the top of the list without either, or when the
    named row is not one of `stmt`'s (another user's order finds nothing)."""
    size = size or current_app.config["PAGE_SIZE"]
    newest_first = stmt.order_by(moment.desc(), ident.desc())
    for direction in ("older", "newer"):
        anchor_id = id_arg(direction)
        if anchor_id is None:
            continue
        anchor = db.execute(
            stmt.with_only_columns(moment, ident).where(ident == anchor_id).limit(1)
        ).first()
        if anchor is None:
            break
        position = tuple_(moment, ident)
        if direction == "older":
            rows = _rows(db, newest_first.where(position < tuple_(*anchor)), size + 1)
            more = len(rows) > size
            rows = rows[:size]
            # Nothing older (rows changed since): an empty page that still leads back up.
            newer = _id(rows[0]) if rows else anchor_id
            return Window(rows, newer, _id(rows[-1]) if more else None)
        oldest_first = stmt.order_by(moment.asc(), ident.asc())
        rows = _rows(db, oldest_first.where(position > tuple_(*anchor)), size + 1)
        if len(rows) <= size:
            break  # not a page's worth newer: that is the top of the list
        rows = list(reversed(rows[:size]))
        return Window(rows, _id(rows[0]), _id(rows[-1]))
    rows = _rows(db, newest_first, size + 1)
    return Window(rows[:size], None, _id(rows[size - 1]) if len(rows) > size else None)


def _rows(db: Session, stmt: Select, limit: int) -> list[Any]:
    return list(db.scalars(stmt.limit(limit)).unique())


def _id(row: Any) -> int:
    return row.id
