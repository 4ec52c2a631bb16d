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

The study year without terms runs 1 September – 31 May. Vacations without a
calendar are the gaps between those quarters (autumn, winter, spring) and
the summer after the fourth; trimesters without a calendar are September –
November, December – February and March – May. Explanations say when an
approximation was used.

A vacation is found in a calendar by the season its name carries
(«Осенние каникулы», «Дополнительные каникулы для 1 классов»), through one
function, `vacation`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Protocol

from calendars.deadlines.model import SchoolPart
from calendars.deadlines.words import season_of
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


FEDERAL_VACATIONS_RU = "по федеральному приближению, календарь региона не задан"
FEDERAL_TRIMESTERS_RU = "по федеральному приближению, календарь региона не задан: сентябрь — ноябрь, декабрь — февраль, март — май"
_SEASON_NAMES = {"autumn": "Осенние каникулы", "winter": "Зимние каникулы", "spring": "Весенние каникулы", "summer": "Летние каникулы"}
# The start or the end of the study year: its first or its last four weeks.
YEAR_EDGE_DAYS = 28


def federal_vacations(school_year: SchoolYear) -> list[Period]:
    """Autumn, winter and spring vacations between the federal quarters, and the summer after them."""
    quarters = federal_quarters(school_year)
    gaps = [
        Period(_SEASON_NAMES[season], earlier[1] + timedelta(days=1), later[0] - timedelta(days=1))
        for season, earlier, later in zip(("autumn", "winter", "spring"), quarters, quarters[1:], strict=False)
    ]
    return [*gaps, Period(_SEASON_NAMES["summer"], quarters[-1][1] + timedelta(days=1), school_year.end)]


def federal_trimesters(school_year: SchoolYear) -> list[tuple[date, date]]:
    """September – November, December – February, March – May of the school year."""
    first, second = school_year.first, school_year.second
    return [
        (date(first, 9, 1), date(first, 11, 30)),
        (date(first, 12, 1), date(second, 3, 1) - timedelta(days=1)),
        (date(second, 3, 1), date(second, 5, 31)),
    ]


def vacation(periods: Sequence[Period], season: str) -> Period | None:
    """The vacation of a season among a calendar's periods, by the season word of its name."""
    return next((period for period in periods if any(season_of(word) == season for word in period.name.split())), None)


def school_part_dates(part: SchoolPart, calendar: SchoolCalendar | None) -> tuple[tuple[date, date] | None, str]:
    """The dates of a term, a vacation or a year edge, and where they come from (for explanations).

    None when the calendar has no such period (a fourth term in a trimester
    calendar, an extra vacation the region does not give).
    """
    year = SchoolYear(part.school_year)
    regional = "по календарю региона"
    if part.kind == "term":
        given = sorted((term.start, term.end) for term in calendar.terms(year)) if calendar is not None else []
        if given and len(given) == part.terms:
            return (given[part.number - 1] if part.number <= len(given) else None), regional
        approximation = federal_quarters(year) if part.terms == 4 else federal_trimesters(year)
        note = FEDERAL_QUARTERS_RU if part.terms == 4 else FEDERAL_TRIMESTERS_RU
        if given:
            note = f"в календаре региона {len(given)} учебных периода, а не {part.terms}: даты {note.split(',')[0]}"
        return (approximation[part.number - 1] if part.number <= len(approximation) else None), note
    if part.kind == "vacation":
        if calendar is not None:
            found = vacation(calendar.vacations(year), part.season)
            if found is None and part.season == "summer":
                _, last = study_period(year.first, calendar)
                return (last + timedelta(days=1), year.end), regional
            return ((found.start, found.end) if found else None), regional
        found = vacation(federal_vacations(year), part.season)
        return ((found.start, found.end) if found else None), FEDERAL_VACATIONS_RU
    start, end = study_period(year.first, calendar)
    source = regional if calendar is not None else DEFAULT_STUDY_YEAR_RU
    edge = timedelta(days=YEAR_EDGE_DAYS - 1)
    return ((start, start + edge) if part.kind == "year_start" else (end - edge, end)), source


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
