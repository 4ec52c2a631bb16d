"""The year at a glance and the week: a selection's sessions laid out on weeks × school days.

Pure layout over what `web.schools` read (the sessions of `profplan
timetable` and the school's calendar): one row per week from the Monday of
the first week to the last, one column per study weekday, each day with its
sessions (coloured by direction on the page) or the reason it has none
(holiday, vacation, closure, weekend: shaded). Nothing is decided here that
the solver or the calendar did not decide.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.engine import Engine

from scheduler.placement import Placement
from tracking.clock import today_in
from web.roles import Viewer
from web.schools import (
    Profile,
    SchoolCalendarView,
    Selection,
    direction_titles,
    school_calendar,
    selected_sessions,
    selection,
    stored_profile,
)

WEEKDAYS = ("Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс")  # the grid shows the first 5 or 6; the printout all
_WEEK = timedelta(days=7)


@dataclass(frozen=True)
class DayCell:
    day: date
    sessions: list[Placement]
    off_kind: str | None  # holiday | vacation | closure | weekend | None (a school day)
    off_reason: str | None


@dataclass(frozen=True)
class WeekRow:
    monday: date
    days: list[DayCell]

    @property
    def sessions(self) -> int:
        return sum(len(cell.sessions) for cell in self.days)


@dataclass(frozen=True)
class Grid:
    school_id: str
    selection: Selection
    weekdays: tuple[str, ...]
    weeks: list[WeekRow]
    directions: dict[str, str]  # id → Russian title, the legend

    @property
    def sessions(self) -> list[Placement]:
        return [row for week in self.weeks for cell in week.days for row in cell.sessions]


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def lay_out(school_id: str, chosen: Selection, rows: Iterable[Placement], calendar: SchoolCalendarView,
            first: date, last: date, week_days: int, grade: int | None, directions: dict[str, str]) -> Grid:
    """The weeks from `first` to `last` with the sessions on their days and the days off explained.

    `week_days` is the school's 5- or 6-day week; a session on a later weekday (a working Saturday of a
    5-day school) widens the grid to show it. `grade` (a class's) picks that class's vacations and last day.
    """
    by_day: dict[date, list[Placement]] = defaultdict(list)
    for row in rows:
        by_day[row.day].append(row)
    columns = max([week_days, *(day.weekday() + 1 for day in by_day)])
    class_name = chosen.name if chosen.kind == "class" else None
    weeks = []
    monday = monday_of(first)
    while monday <= last:
        cells = []
        for offset in range(columns):
            day = monday + timedelta(days=offset)
            sessions = sorted(by_day.get(day, []), key=lambda row: (row.start, row.class_name))
            off = None if sessions else calendar.off(day, grade, class_name)
            cells.append(DayCell(day, sessions, off[0] if off else None, off[1] if off else None))
        weeks.append(WeekRow(monday, cells))
        monday += _WEEK
    return Grid(school_id, chosen, WEEKDAYS[:columns], weeks, directions)


@dataclass(frozen=True)
class GridPage:
    """A grid with what the page says around it: the profile (for the pickers) and why there is no timetable."""

    profile: Profile
    grid: Grid
    missing: str | None
    shown_from: date
    shown_to: date

    @property
    def previous_week(self) -> date:
        return self.shown_from - _WEEK

    @property
    def next_week(self) -> date:
        return self.shown_from + _WEEK


def grid_page(engine: Engine, viewer: Viewer, school_id: str, params: dict[str, str], week: bool = False,
              day: date | None = None) -> GridPage:
    """The year (or the `week` of `day`, default today in the school's region) of the class=, staff= or venue=
    of `params`."""
    profile = stored_profile(engine, viewer, school_id)
    chosen = selection(profile, params)
    view, missing = selected_sessions(engine, profile, chosen)
    calendar = school_calendar(engine, profile)
    if week:
        first = monday_of(day or today_in(profile.region))
        last = first + timedelta(days=6)
    elif view is not None:
        first, last = view.span.start, view.span.end
    else:
        first, last = calendar.calendar.first_day, calendar.calendar.last_day
    rows = [row for row in view.placements if first <= row.day <= last] if view else []
    grade = next((c.grade for c in profile.classes if c.name == chosen.name), None) if chosen.kind == "class" else None
    grid = lay_out(school_id, chosen, rows, calendar, first, last, profile.week or calendar.calendar.week, grade,
                   direction_titles(profile))
    return GridPage(profile, grid, missing, first, last)
