"""Small calendar arithmetic shared by the grammar and the expansion.

Deadlines talk in months, quarters and month/day pairs that repeat every year,
so the helpers clamp days to the month (31 February → the last day of
February) instead of failing: a yearly "end of February" stays exact in leap
years.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

MonthDay = tuple[int, int]
"""(month, day) without a year; a day beyond the month's length means its last day."""

ONE_DAY = timedelta(days=1)


def month_length(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def clamped(year: int, month: int, day: int) -> date:
    """The date, with the day cut to the month's length."""
    return date(year, month, min(day, month_length(year, month)))


def month_day_before(month_day: MonthDay) -> MonthDay:
    """The month/day just before another, in any year ("до 1 марта" → the last day of February)."""
    month, day = month_day
    if day > 1:
        return month, day - 1
    return (month - 1 or 12), 31


def add_years(day: date, years: int) -> date:
    return clamped(day.year + years, day.month, day.day)
