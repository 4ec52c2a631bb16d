"""Occurrences and spans of a spec over real calendars.

Semantics:

* a window is one occurrence from its start to its end; a bare bound with no
  known start is an occurrence of one day, the due date;
* a recurrence walks its `within` windows (a study-year window becomes the
  region's first term start – last term end when a calendar is given):
  - weekly on named weekdays: one-day occurrences; with a calendar, a date
    without lessons (holiday, vacation, summer) is skipped, and `skipped`
    lists each such date with the calendar's reason;
  - weekly without weekdays: each Monday–Sunday week, cut to the terms when
    a calendar is given;
  - monthly, quarterly, half-yearly: calendar periods cut to the window;
  - school quarters: the region's terms, or the federal approximation;
  - yearly with anchors: that part of every year lying wholly inside the
    window; yearly without anchors: consecutive years from the window's
    start, the last one cut at its end (a study year is one such year);
  - "N раз в …" splits each period into N equal consecutive parts.
  - "раз в N лет" keeps every N-th year; "в последнюю неделю месяца" cuts
    each month to that week;
  - a yearly rule with as many parts of the year as times ("два раза в год
    — в марте и ноябре") gives one occurrence per part;
* a window naming a term or a vacation ("II четверть", "осенние каникулы")
  takes the calendar's dates when a calendar is given;
* a recurring item's span runs from its first occurrence to its last
  ("Ежегодно, январь 2020-2030" ends on 31 January 2030);
* phased: the phases' occurrences together; the span is the union of what
  the phases date;
* unrecognised: nothing is dated.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, timedelta

from calendars.deadlines.dates import ONE_DAY, add_years, month_length
from calendars.deadlines.model import Occurrence, Phrase, Recurrence, SkippedDay, Window
from calendars.deadlines.terms import SchoolCalendar, school_part_dates, school_quarters, school_start_of, study_period
from calendars.school_year import SchoolYear

DATELESS_KINDS = ("continuous", "on_demand", "separate_schedule", "unrecognised")
_MONTHS_IN = {"month": 1, "quarter": 3, "half": 6}


def resolve(window: Window, calendar: SchoolCalendar | None) -> tuple[date | None, date | None]:
    """A window's dates; a study-year, term or vacation window follows the region's calendar when one is given."""
    if calendar is not None and window.school is not None:
        dates, _ = school_part_dates(window.school, calendar)
        return dates if dates is not None else (window.start, window.end)
    if window.study_year is not None and calendar is not None:
        return study_period(window.study_year, calendar)
    return window.start, window.end


def occurrences(spec: Phrase, calendar: SchoolCalendar | None) -> list[Occurrence]:
    found: list[Occurrence] = []
    if spec.kind == "phased":
        found = [occurrence for _, phase in spec.phases for occurrence in occurrences(phase, calendar)]
    elif spec.kind not in DATELESS_KINDS:
        for window in spec.windows:
            start, end = resolve(window, calendar)
            if end is not None:
                found.append(Occurrence(start or end, end))
        if spec.recurrence is not None:
            school_year = SchoolYear(spec.school_year) if spec.school_year is not None else None
            found.extend(recurrence_occurrences(spec.recurrence, school_year, calendar))
    return sorted(set(found))


def span(spec: Phrase, calendar: SchoolCalendar | None) -> tuple[date | None, date | None]:
    """Window and dateless kinds: open (None) where any window is open; recurring and phased: the known extremes."""
    if spec.kind == "phased":
        return _extremes(span(phase, calendar) for _, phase in spec.phases)
    if spec.kind == "unrecognised":
        return None, None
    bounds = [resolve(window, calendar) for window in spec.windows]
    if spec.kind != "recurring":
        if not bounds:
            return None, None
        starts, ends = [start for start, _ in bounds], [end for _, end in bounds]
        return (
            None if None in starts else min(s for s in starts if s),
            None if None in ends else max(e for e in ends if e),
        )
    assert spec.recurrence is not None
    found = occurrences(spec, calendar)
    if found:  # from the first occurrence to the last: "январь 2020-2030" ends on 31 January 2030
        return _extremes([*bounds, *((occurrence.start, occurrence.due) for occurrence in found)])
    return _extremes([*bounds, *(resolve(window, calendar) for window in spec.recurrence.within)])


def _extremes(bounds: Iterable[tuple[date | None, date | None]]) -> tuple[date | None, date | None]:
    pairs = list(bounds)
    starts = [start for start, _ in pairs if start is not None]
    ends = [end for _, end in pairs if end is not None]
    return (min(starts) if starts else None, max(ends) if ends else None)


def recurrence_occurrences(recurrence: Recurrence, school_year: SchoolYear | None, calendar: SchoolCalendar | None) -> list[Occurrence]:
    found: list[Occurrence] = []
    for window in recurrence.within:
        start, end = resolve(window, calendar)
        if start is None or end is None or start > end:
            continue
        if recurrence.anchors:
            found.extend(_anchored(recurrence, start, end, school_year))
        elif recurrence.unit == "week":
            found.extend(_weekly(recurrence, start, end, calendar))
        else:
            periods = list(_periods(recurrence.unit, start, end, calendar))[:: recurrence.every]
            for period_start, period_end in periods:
                if recurrence.week_of_month is not None:
                    week = _week_of(period_start, period_end, recurrence.week_of_month)
                    if week is None:
                        continue
                    period_start, period_end = week
                found.extend(split(period_start, period_end, recurrence.times))
    return found


def _week_of(start: date, end: date, week: int) -> tuple[date, date] | None:
    """The n-th seven days of a month (-1: its last seven), cut to [start, end]; None when none of it is inside."""
    month_end = date(start.year, start.month, month_length(start.year, start.month))
    first = month_end - timedelta(days=6) if week == -1 else date(start.year, start.month, 7 * week - 6)
    last = month_end if week == -1 else first + timedelta(days=6)
    first, last = max(first, start), min(last, end)
    return (first, last) if first <= last else None


def split(start: date, end: date, parts: int) -> list[Occurrence]:
    """A period cut into `parts` consecutive parts of (almost) equal length; at most one per day."""
    length = (end - start).days + 1
    parts = min(parts, length)
    return [
        Occurrence(start + timedelta(days=i * length // parts), start + timedelta(days=(i + 1) * length // parts - 1))
        for i in range(parts)
    ]


def _anchored(recurrence: Recurrence, start: date, end: date, school_year: SchoolYear | None) -> Iterator[Occurrence]:
    """Each anchor's cycle in every (every-th) year that lies wholly inside [start, end].

    With as many anchors as times a year, each anchor is one of the times.
    """
    anchors = len(recurrence.anchors)
    parts = recurrence.times // anchors if recurrence.times % anchors == 0 else recurrence.times
    for year in range(start.year, end.year + 1, recurrence.every):
        for anchor in recurrence.anchors:
            first, due = anchor.dates_in(year)
            first = first or school_start_of(due, school_year) or due
            if start <= first and due <= end:
                yield from split(first, due, max(parts, 1))


def skipped(spec: Phrase, calendar: SchoolCalendar | None) -> list[SkippedDay]:
    """The dates a weekday recurrence would fall on but the calendar has no lessons, with its reasons."""
    if calendar is None:
        return []
    if spec.kind == "phased":
        return sorted({day for _, phase in spec.phases for day in skipped(phase, calendar)})
    return recurrence_skipped(spec.recurrence, calendar) if spec.recurrence is not None else []


def recurrence_skipped(recurrence: Recurrence, calendar: SchoolCalendar) -> list[SkippedDay]:
    """`skipped` for one recurrence: only weekly rules on named weekdays skip dates."""
    if recurrence.unit != "week" or not recurrence.weekdays:
        return []
    found = set()
    for window in recurrence.within:
        start, end = resolve(window, calendar)
        if start is not None and end is not None:
            for day in _weekday_dates(recurrence, start, end):
                reason = calendar.day_off(day)
                if reason is not None:
                    found.add(SkippedDay(day, reason))
    return sorted(found)


def _weekly(recurrence: Recurrence, start: date, end: date, calendar: SchoolCalendar | None) -> Iterator[Occurrence]:
    if recurrence.weekdays:
        for day in _weekday_dates(recurrence, start, end):
            if calendar is None or calendar.day_off(day) is None:
                yield Occurrence(day, day)
        return
    pieces = list(_term_pieces(start, end, calendar)) if calendar is not None else [(start, end)]
    for piece_start, piece_end in pieces:
        week_start = piece_start
        while week_start <= piece_end:
            week_end = min(piece_end, week_start + timedelta(days=6 - week_start.weekday()))
            yield from split(week_start, week_end, recurrence.times)
            week_start = week_end + ONE_DAY


def _weekday_dates(recurrence: Recurrence, start: date, end: date) -> list[date]:
    """Every date in [start, end] that falls on one of the recurrence's weekdays, in order."""
    return sorted(day for weekday in recurrence.weekdays for day in _weekdays_between(start, end, weekday))


def _weekdays_between(start: date, end: date, weekday: int) -> Iterator[date]:
    day = start + timedelta(days=(weekday - start.weekday()) % 7)
    while day <= end:
        yield day
        day += timedelta(days=7)


def _term_pieces(start: date, end: date, calendar: SchoolCalendar | None) -> Iterator[tuple[date, date]]:
    """[start, end] cut to the school quarters of every school year it touches."""
    for first_year in range(SchoolYear.containing(start).first, SchoolYear.containing(end).first + 1):
        for term_start, term_end in school_quarters(SchoolYear(first_year), calendar):
            piece_start, piece_end = max(term_start, start), min(term_end, end)
            if piece_start <= piece_end:
                yield piece_start, piece_end


def _periods(unit: str, start: date, end: date, calendar: SchoolCalendar | None) -> Iterator[tuple[date, date]]:
    """The unit's periods that meet [start, end], cut to it."""
    if unit == "school_quarter":
        yield from _term_pieces(start, end, calendar)
    elif unit == "year":
        period_start = start
        while period_start <= end:
            following = add_years(start, period_start.year - start.year + 1)
            yield period_start, min(end, following - ONE_DAY)
            period_start = following
    else:
        months = _MONTHS_IN[unit]
        year, month = start.year, (start.month - 1) // months * months + 1
        while date(year, month, 1) <= end:
            last_month = month + months - 1
            period_end = date(year, last_month, month_length(year, last_month))
            yield max(start, date(year, month, 1)), min(end, period_end)
            year, month = (year + 1, 1) if last_month == 12 else (year, last_month + 1)
