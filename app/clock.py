"""The one clock: every time-driven state asks it, so tests can move time."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

COPENHAGEN = ZoneInfo("Europe/Copenhagen")

_frozen: datetime | None = None
_offset_file: Path | None = None


def use_offset_file(path: str | None) -> None:
    """Browser tests move a running server's time by writing seconds into this file.

    Only outside production (the configuration refuses it there)."""
    global _offset_file
    _offset_file = Path(path) if path else None


def _offset() -> timedelta:
    try:
        return timedelta(seconds=float(_offset_file.read_text() or 0))
    except (FileNotFoundError, ValueError):
        return timedelta(0)


def now() -> datetime:
    """The current time, timezone-aware in UTC."""
    if _frozen is not None:
        return _frozen
    if _offset_file is not None:
        return datetime.now(UTC) + _offset()
    return datetime.now(UTC)


def today() -> date:
    """Today's date in Copenhagen, where the regions and jobcentres work."""
    return now().astimezone(COPENHAGEN).date()


@contextmanager
def frozen_at(moment: datetime) -> Iterator[None]:
    """Stop the clock at `moment` (aware) for the duration of the block."""
    global _frozen
    if moment.tzinfo is None:
        raise ValueError("frozen_at needs a timezone-aware datetime")
    previous, _frozen = _frozen, moment.astimezone(UTC)
    try:
        yield
    finally:
        _frozen = previous


def local_date(moment: datetime) -> date:
    """The Copenhagen calendar day of a moment."""
    return moment.astimezone(COPENHAGEN).date()


def start_of_day(day: date) -> datetime:
    """Midnight at the start of a Copenhagen calendar day, as an aware moment."""
    return datetime.combine(day, time.min, COPENHAGEN)
