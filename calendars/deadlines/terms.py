"""The school calendar deadlines are expanded on: the region's, when given, else a federal approximation.

Only phrases about school quarters ("не реже 1 раза в четверть"), the study
year ("в течение учебного года") and weekly lessons need a school calendar;
calendar quarters and half-years never do. `SchoolCalendar` is what the
expansion asks of one (`calendars.academic` implements it): the terms and
vacations of a school year, and why a given date has no lessons, so a weekly
"по четвергам" skips holidays and vacations and can say which and why. The approximation follows the federal
programme since 2023 (about eight weeks of study, then a nine-day break in
autumn and spring, winter break from 30 December) and is computed from the
year, so it is usable for any school year:

* 1st quarter: 1 September – the last Friday of October;
* 2nd: the Monday after the nine-day autumn break – 29 December;
* 3rd: 9 January – the Friday before the nine-day spring break;
* 4th: the first Monday on or after 1 April – 25 May.

The study year without terms runs 1 September – 31 May.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Protocol

from calendars.periods import Period
from calendars.school_year import SchoolYear


class SchoolCalendar(Protocol):
    """What expanding a deadline needs from a region's (or a school's) academic calendar."""

    def terms(self, school_year: SchoolYear) -> Sequence[Period]:
        """The school year's study periods (quarters or trimesters), in order."""
        ...

    def vacations(self, school_year: SchoolYear) -> Sequence[Period]:
        """The school year's vacations, in order."""
        ...

    def day_off(self, day: date) -> str | None:
        """Why there are no lessons on this date («праздник: День Победы», «осенние каникулы»), None on a school day."""
        ...

FRIDAY = 4
BREAK_DAYS = 9

FEDERAL_QUARTERS_RU = (
    "по федеральному приближению, календарь региона не задан: "
    "1 сентября — последняя пятница октября; после 9 дней осенних каникул — 29 декабря; "
    "9 января — пятница перед 9-дневными весенними каникулами; первый понедельник апреля — 25 мая"
)
DEFAULT_STUDY_YEAR_RU = "по умолчанию 1 сентября — 31 мая: календарь региона не задан"


def federal_quarters(school_year: SchoolYear) -> list[tuple[date, date]]:
    """The four quarters of a school year by the federal approximation described in the module docstring."""
    october_end = date(school_year.first, 10, 31)
    first_end = october_end - timedelta(days=(october_end.weekday() - FRIDAY) % 7)
    april_first = date(school_year.second, 4, 1)
    fourth_start = april_first + timedelta(days=(7 - april_first.weekday()) % 7)
    return [
        (school_year.start, first_end),
        (first_end + timedelta(days=BREAK_DAYS + 1), date(school_year.first, 12, 29)),
        (date(school_year.second, 1, 9), fourth_start - timedelta(days=BREAK_DAYS + 1)),
        (fourth_start, date(school_year.second, 5, 25)),
    ]


def default_study_period(first_year: int) -> tuple[date, date]:
    """1 September – 31 May: the study year when the region's terms are not known."""
    return date(first_year, 9, 1), date(first_year + 1, 5, 31)


def school_quarters(school_year: SchoolYear, calendar: SchoolCalendar | None) -> list[tuple[date, date]]:
    """The region's terms of the year, sorted; the federal approximation without a calendar."""
    given = sorted((term.start, term.end) for term in calendar.terms(school_year)) if calendar is not None else []
    return given or federal_quarters(school_year)


def study_period(first_year: int, calendar: SchoolCalendar | None) -> tuple[date, date]:
    """From the first term's start to the last term's end, or the default study year without a calendar."""
    if calendar is None:
        return default_study_period(first_year)
    quarters = school_quarters(SchoolYear(first_year), calendar)
    return quarters[0][0], max(end for _, end in quarters)


def school_start_of(due: date, school_year: SchoolYear | None) -> date | None:
    """Where a bare bound starts: the school year's start when the due date falls inside that school year."""
    if school_year is not None and school_year.start <= due <= school_year.end:
        return school_year.start
    return None
