"""Paging through a query with a stable order: the total counted in SQL, one page loaded."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app, request
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from app.forms import clean_text


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


#: The largest id a 64-bit column holds; a larger number in a query string finds nothing.
MAX_ID = 2**63 - 1


def id_arg(name: str) -> int | None:
    """An id from the query string (a filter, a preselection); None unless it is one."""
    raw = request.args.get(name, "").strip()
    if not (raw.isascii() and raw.isdigit()):
        return None
    value = int(raw)
    return value if 1 <= value <= MAX_ID else None


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


def contains_pattern(text: str) -> str:
    """A LIKE pattern (escape character backslash) that finds the text literally; control
    characters (which PostgreSQL refuses in a string, NUL above all) are dropped."""
    text = clean_text(text)
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
