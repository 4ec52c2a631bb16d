"""School terms for expanding deadlines: the region's calendar when given, else a federal approximation.

Only phrases about school quarters ("не реже 1 раза в четверть"), the study
year ("в течение учебного года") and weekly lessons need terms; calendar
quarters and half-years never do. The approximation follows the federal
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

from collections.abc import Callable, Sequence
from datetime import date, timedelta

from calendars.school_year import SchoolYear

Terms = Callable[[SchoolYear], Sequence[tuple[date, date]]]
"""School quarters (start, end) of a school year, from the region's academic calendar."""

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


def school_quarters(school_year: SchoolYear, terms: Terms | None) -> list[tuple[date, date]]:
    """The region's terms of the year, sorted; the federal approximation when none are given."""
    given = sorted(terms(school_year)) if terms is not None else []
    return given or federal_quarters(school_year)


def study_period(first_year: int, terms: Terms | None) -> tuple[date, date]:
    """From the first term's start to the last term's end, or the default study year without terms."""
    if terms is None:
        return default_study_period(first_year)
    quarters = school_quarters(SchoolYear(first_year), terms)
    return quarters[0][0], max(end for _, end in quarters)


def school_start_of(due: date, school_year: SchoolYear | None) -> date | None:
    """Where a bare bound starts: the school year's start when the due date falls inside that school year."""
    if school_year is not None and school_year.start <= due <= school_year.end:
        return school_year.start
    return None
