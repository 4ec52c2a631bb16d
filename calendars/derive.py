"""Terms found from vacations, and the summer vacation: what a vacation table leaves out.

A regional vacation order lists the vacations only; the terms are the study
time between them. The term system says which vacations end a term
(`TermSystem.split_at`: every main vacation for quarters and modules, the
winter one for half-years), so the terms are the gaps between those
vacations from the year's first day to its last. Trimesters cannot be found
this way (a trimester holds breaks inside it): their terms must be given.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from calendars.errors import CalendarError
from calendars.school_periods import Term, Vacation, VacationKind
from calendars.school_year import SchoolYear
from calendars.term_systems import TermSystem

ONE_DAY = timedelta(days=1)
SATURDAY = 5


def derive_terms(
    system: TermSystem, first_day: date, last_day: date, vacations: Sequence[Vacation], where: str, source: str,
) -> tuple[Term, ...]:
    """The terms between `first_day` and `last_day` cut by the system's vacations, named by the system.

    A term starts on a weekday (as the federal rules have it: a break ending
    on a Friday is followed by the Monday); a gap holding no weekday (a
    weekend between two breaks) is no term.
    Raises CalendarError naming `where` when the system cannot be derived or
    the vacations give another number of terms than it has.
    """
    if not system.derivable:
        raise CalendarError(
            f"{where}: учебные периоды ({system.title}) не указаны, а по каникулам их не найти: "
            f"добавьте строки периодов («{system.term_name(1)}», … с датами начала и окончания)."
        )
    cuts = sorted((v for v in vacations if v.kind in system.split_at and v.end >= first_day and v.start <= last_day),
                  key=lambda v: v.start)
    spans: list[tuple[date, date]] = []
    start = first_day
    for vacation in cuts:
        if vacation.start > start:
            spans.append((start, vacation.start - ONE_DAY))
        start = max(start, first_weekday(vacation.end + ONE_DAY))
    if start <= last_day:
        spans.append((start, last_day))
    spans = [(a, b) for a, b in spans if _has_weekday(a, b)]
    if system.count and len(spans) != system.count:
        raise CalendarError(
            f"{where}: по каникулам получается учебных периодов: {len(spans)}, а в системе «{system.title}» "
            f"их {system.count}: укажите периоды строками или проверьте даты каникул."
        )
    return tuple(Term(system.term_name(number), a, b, source=source) for number, (a, b) in enumerate(spans, start=1))


def summer_vacation(last_day: date, year: SchoolYear, source: str) -> Vacation:
    """From the day after the last lessons to 31 August: the summer vacation a table did not state."""
    return Vacation(VacationKind.SUMMER.label, last_day + ONE_DAY, year.end, kind=VacationKind.SUMMER, source=source)


def first_weekday(day: date) -> date:
    """The day itself, or the Monday after it when it falls on a weekend."""
    return day + timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= SATURDAY else day


def _has_weekday(start: date, end: date) -> bool:
    return any((start + timedelta(days=offset)).weekday() < SATURDAY for offset in range(min((end - start).days + 1, 7)))
