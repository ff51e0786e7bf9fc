"""The standstill period after an award: 10 calendar days, ending on a working day."""

from __future__ import annotations

from datetime import date, timedelta

import holidays

STANDSTILL_DAYS = 10


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in holidays.Denmark(years=day.year)


def standstill_end(letters_sent_on: date) -> date:
    """Ten calendar days after the award letters; on a weekend or Danish public holiday, the
    next working day. The agreements can be concluded from the day after this date."""
    end = letters_sent_on + timedelta(days=STANDSTILL_DAYS)
    while not is_working_day(end):
        end += timedelta(days=1)
    return end
