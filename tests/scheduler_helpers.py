"""Helpers for the scheduler tests: small school profiles and an independent timetable checker.

The checker re-verifies every hard rule from what is stored in the database
(School.profile, Timetable, StoredPlacement rows), the calendar and the norms file
read directly with tomllib. It deliberately imports nothing of the solver
(problem, model, solve), so a bug there cannot hide itself.
"""

from __future__ import annotations

import tomllib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, time, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from calendars.academic import AcademicCalendar, Period, load_calendar
from calendars.data_files import data_dir
from scheduler.tables import School, StoredPlacement, Timetable
from store.db import transaction

COURSE = "horizons"
DIAGNOSTICS = ("diag_stage1", "diag_stage2", "diag_review")


def small_profile(**school: Any) -> str:
    """A three-class school (basic 6th, main 8th, advanced 10th grade) as TOML; `school` overrides [school]."""
    head = {"id": "small", "name": "Малая школа", "region": "RU-LEN", "year": "2023-2024", "level": "main",
            "week": 5, **school}
    lines = ["[school]"] + [f"{key} = {_toml(value)}" for key, value in head.items()]
    lines.append("""
[[slots]]
start = "14:20"
minutes = 45
[[slots]]
start = "15:15"
minutes = 45
[[slots]]
start = "16:10"
minutes = 45
[evening]
start = "18:30"
minutes = 60
[[classes]]
name = "6А"
grade = 6
students = 25
teacher = "Орлова А. А."
level = "basic"
[[classes]]
name = "8А"
grade = 8
students = 27
teacher = "Белов Б. Б."
[[classes]]
name = "10А"
grade = 10
students = 20
teacher = "Зайцева В. В."
level = "advanced"
[[staff]]
name = "Орлова А. А."
roles = ["class_teacher", "teacher"]
max_hours_per_week = 4
email = "orlova@small.example"
[[staff]]
name = "Белов Б. Б."
roles = ["class_teacher", "teacher"]
max_hours_per_week = 4
email = "belov@small.example"
[[staff]]
name = "Зайцева В. В."
roles = ["class_teacher", "teacher"]
max_hours_per_week = 5
email = "zaitseva@small.example"
[[staff]]
name = "Навигаторова Г. Г."
roles = ["navigator"]
max_hours_per_week = NAVIGATOR_LIMIT
email = "nav@small.example"
[[staff]]
name = "Допова Д. Д."
roles = ["tutor", "master"]
max_hours_per_week = 4
email = "dop@small.example"
[[venues]]
name = "Актовый зал"
capacity = 100
kind = "hall"
[[venues]]
name = "Колледж"
capacity = 40
kind = "external"
""")
    return "\n".join(lines)


def write_profile(directory: Path, navigator_limit: int = 6, **school: Any) -> Path:
    path = directory / f"{school.get('id', 'small')}.toml"
    path.write_text(small_profile(**school).replace("NAVIGATOR_LIMIT", str(navigator_limit)), encoding="utf-8")
    return path


def _toml(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return str(value).lower() if isinstance(value, bool) else str(value)


@dataclass(frozen=True)
class Stored:
    """A timetable read back from the database."""

    profile: dict[str, Any]
    timetable: Timetable
    placements: list[StoredPlacement]


def read_current(engine: Engine, school_id: str) -> Stored:
    with transaction(engine) as session:
        school = session.get(School, school_id)
        assert school is not None
        current = session.exec(
            select(Timetable).where(Timetable.school_id == school_id, col(Timetable.current).is_(True))
        ).one()
        rows = list(session.exec(select(StoredPlacement).where(StoredPlacement.timetable_id == current.id)).all())
        return Stored(school.profile, current, rows)


def norms_table(year: str) -> dict[str, Any]:
    with (data_dir() / "norms" / f"{year}.toml").open("rb") as handle:
        return tomllib.load(handle)


def calendar_of(stored: Stored) -> AcademicCalendar:
    head = stored.profile["school"]
    closures = [Period("", date.fromisoformat(a), date.fromisoformat(b)) for a, b in head.get("closed", [])]
    closures += [Period("", date.fromisoformat(a), date.fromisoformat(b)) for a, b in stored.timetable.closures]
    return load_calendar(head["region"], head["year"], head.get("week")).with_overrides(closures=closures)


def _clock(text: str) -> int:
    value = time.fromisoformat(text)
    return value.hour * 60 + value.minute


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _window_dates(pair: list[str], first_year: int) -> tuple[date, date]:
    def on(text: str) -> date:
        month, day = (int(x) for x in text.split("-"))
        return date(first_year if month >= 9 else first_year + 1, month, day)

    return on(pair[0]), on(pair[1])


def check_timetable(stored: Stored) -> list[str]:
    """Every hard rule that fails, as a message (empty when the timetable is valid)."""
    problems: list[str] = []
    profile, table, rows = stored.profile, stored.timetable, stored.placements
    calendar = calendar_of(stored)
    norms = norms_table(profile["school"]["year"])
    first_year = int(profile["school"]["year"][:4])
    classes = {cls["name"]: cls for cls in profile["classes"]}
    staff = {person["name"]: person for person in profile["staff"]}
    venues = {venue["name"]: venue for venue in profile["venues"]}
    activities = {activity["key"]: activity for activity in norms["activities"]}
    span = Period("", table.span_start, table.span_end)
    evening = (profile["evening"]["start"], _clock(profile["evening"]["start"]) + profile["evening"]["minutes"])

    for row in rows:
        grade = classes[row.class_name]["grade"]
        if not calendar.is_school_day(row.day, grade) or row.day not in span:
            problems.append(f"{row.uid}: {row.day} не учебный день или вне периода")
        if row.kind == "meeting":
            if (row.start_time, _clock(row.end_time)) != evening:
                problems.append(f"{row.uid}: собрание не в вечернем слоте")
            if row.venue is None or venues[row.venue]["capacity"] < classes[row.class_name]["students"]:
                problems.append(f"{row.uid}: площадка мала для собрания")
        activity = activities[row.activity]
        if row.kind not in ("makeup",) and "windows" in activity and not row.item_ref:
            windows = [_window_dates(pair, first_year) for pair in activity["windows"]]
            if not any(start <= row.day <= end for start, end in windows):
                problems.append(f"{row.uid}: {row.day} вне окна {activity['windows']}")

    problems += _check_overlaps(rows)
    problems += _check_course(rows, classes, calendar, span)
    problems += _check_quotas(rows, classes, calendar, norms, span, profile["school"]["level"])
    problems += _check_meetings(rows, classes, calendar, span)
    problems += _check_order(rows)
    problems += _check_limits(rows, classes, staff, profile["school"])
    return problems


def _check_overlaps(rows: list[StoredPlacement]) -> list[str]:
    problems = []
    busy: dict[tuple[str, date], list[tuple[int, int, str]]] = defaultdict(list)
    for row in rows:
        span = (_clock(row.start_time), _clock(row.end_time), row.uid)
        for owner in (f"класс {row.class_name}", f"сотрудник {row.staff}") + ((f"площадка {row.venue}",) if row.venue else ()):
            busy[(owner, row.day)].append(span)
    for (owner, day), spans in busy.items():
        spans.sort()
        for (_, e1, u1), (s2, _, u2) in pairwise(spans):
            if s2 < e1:
                problems.append(f"{owner} {day}: {u1} и {u2} одновременно")
    return problems


def _course_days(classes: dict[str, Any], grade: int, calendar: AcademicCalendar, span: Period) -> list[date]:
    last = calendar.exam_grades_last_day if grade in calendar.exam_grades else None
    return [
        day for term in calendar.terms for day in term.days()
        if day.weekday() == 3 and day in span and (day.month >= 9 or day.month <= 5)
        and not any(day in vacation for vacation in calendar.vacations) and not (last and day > last)
    ]


def _check_course(rows: list[StoredPlacement], classes: dict[str, Any], calendar: AcademicCalendar, span: Period) -> list[str]:
    problems = []
    for name, cls in classes.items():
        if not 6 <= cls["grade"] <= 11:
            continue
        sessions = {row.day for row in rows if row.class_name == name and row.activity == COURSE and row.kind == "session"}
        makeups = sorted(row.day for row in rows if row.class_name == name and row.activity == COURSE and row.kind == "makeup")
        lost = []
        for day in _course_days(classes, cls["grade"], calendar, span):
            if calendar.is_school_day(day, cls["grade"]):
                if day not in sessions:
                    problems.append(f"{name}: нет курса «Россия – мои горизонты» в четверг {day}")
            else:
                lost.append(day)
        if len(makeups) != len(lost):
            problems.append(f"{name}: потеряно четвергов {len(lost)}, замен {len(makeups)}")
        for lost_day, makeup in zip(lost, makeups, strict=True):
            if makeup <= lost_day:
                problems.append(f"{name}: замена {makeup} не позже потерянного четверга {lost_day}")
    return problems


def _share(calendar: AcademicCalendar, grade: int, span: Period) -> float:
    """Share of the year's school days inside the span; closures do not lower the norms."""
    year = load_calendar(calendar.region.code, calendar.year, calendar.week).school_days(grade=grade)
    return sum(1 for day in year if day in span) / len(year)


def _check_quotas(
    rows: list[StoredPlacement], classes: dict[str, Any], calendar: AcademicCalendar, norms: dict[str, Any],
    span: Period, school_level: str,
) -> list[str]:
    problems = []
    hours: dict[tuple[str, str], int] = defaultdict(int)
    for row in rows:
        hours[(row.class_name, row.direction)] += row.hours
        hours[(row.class_name, "total")] += row.hours
    minima = {key: entry["min"] for key, entry in norms["directions"].items()} | {"total": norms["total"]["min"]}
    for name, cls in classes.items():
        if not 6 <= cls["grade"] <= 11:
            continue
        share = _share(calendar, cls["grade"], span)
        for direction, by_level in minima.items():
            required = int(by_level[cls.get("level", school_level)] * share + 0.5 + 1e-9)
            if hours[(name, direction)] < required:
                problems.append(f"{name}: «{direction}» {hours[(name, direction)]} ч из {required}")
    return problems


def _check_meetings(rows: list[StoredPlacement], classes: dict[str, Any], calendar: AcademicCalendar, span: Period) -> list[str]:
    problems = []
    for name, cls in classes.items():
        if not 6 <= cls["grade"] <= 11:
            continue
        meetings = [row for row in rows if row.class_name == name and row.kind == "meeting"]
        for number, term in enumerate(calendar.terms, start=1):
            if not (span.start <= term.start and term.end <= span.end):
                continue
            inside = [row for row in meetings if row.day in term]
            if not inside:
                problems.append(f"{name}: нет родительского собрания в «{term.name}»")
            if cls.get("level") == "advanced" and number == 1 and not any("Ознакомительное" in r.title for r in inside):
                problems.append(f"{name}: нет ознакомительного собрания в первой четверти")
            if cls.get("level") == "advanced" and number == len(calendar.terms) and not any("Итоговое" in r.title for r in inside):
                problems.append(f"{name}: нет итогового собрания в последней четверти")
    return problems


def _check_order(rows: list[StoredPlacement]) -> list[str]:
    problems = []
    by_class: dict[str, dict[str, list[date]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        if row.activity in DIAGNOSTICS:
            by_class[row.class_name][row.activity].append(row.day)
    for name, stages in by_class.items():
        present = [stages[key] for key in DIAGNOSTICS if stages[key]]
        for earlier, later in pairwise(present):
            if max(earlier) >= min(later):
                problems.append(f"{name}: этапы диагностики не по порядку ({max(earlier)} ≥ {min(later)})")
    return problems


def _check_limits(rows: list[StoredPlacement], classes: dict[str, Any], staff: dict[str, Any], school: dict[str, Any]) -> list[str]:
    problems = []
    staff_week: dict[tuple[str, date], int] = defaultdict(int)
    class_day: dict[tuple[str, date], int] = defaultdict(int)
    class_week: dict[tuple[str, date], int] = defaultdict(int)
    for row in rows:
        staff_week[(row.staff, _monday(row.day))] += row.hours
        if row.series is None and row.kind != "meeting":
            class_day[(row.class_name, row.day)] += row.hours
            class_week[(row.class_name, _monday(row.day))] += row.hours
    for (name, week), hours in staff_week.items():
        if hours > staff[name]["max_hours_per_week"]:
            problems.append(f"{name}: {hours} ч в неделю с {week}")
    for (name, day), hours in class_day.items():
        if hours > classes[name].get("max_hours_per_day", school.get("max_hours_per_day", 2)):
            problems.append(f"{name}: {hours} ч в день {day}")
    for (name, week), hours in class_week.items():
        if hours > classes[name].get("max_hours_per_week", school.get("max_hours_per_week", 4)):
            problems.append(f"{name}: {hours} ч в неделю с {week}")
    return problems
