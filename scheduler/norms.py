"""The profminimum norms of one school year, read from `data/norms/<year>.toml`.

Hours per level and direction and the named activities change with every
ministry letter, so they are data; this module only reads and checks them
(the file's header documents each field). A norms file that cannot give a
consistent timetable (an unknown direction, hours that do not split into
sessions, a predecessor that does not exist) is rejected here, naming the
file and field, before any solver runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from calendars.academic import Period
from calendars.data_files import data_dir, read_toml
from calendars.fields import FieldReader
from calendars.school_year import SchoolYear
from scheduler.errors import NormsError

LEVELS = ("basic", "main", "advanced")
REPEATS = ("total", "weekly", "term", "window")
SLOT_KINDS = ("day", "evening")


@dataclass(frozen=True)
class Direction:
    """A direction (направление) and its yearly minimum hours per level."""

    key: str
    title: str
    minimum: dict[str, int]


@dataclass(frozen=True)
class Activity:
    """A named profminimum activity: what it counts for, how long, when, who leads it, where."""

    key: str
    title: str
    direction: str
    hours: dict[str, int]
    session_hours: int
    repeat: str
    elective: bool
    windows: tuple[tuple[tuple[int, int], tuple[int, int]], ...]
    weekday: int | None
    after: tuple[str, ...]
    role: str
    venue: tuple[str, ...]
    evening: bool
    grades: frozenset[int]
    item_pattern: str | None
    first_title: dict[str, str]
    last_title: dict[str, str]

    def runs_for(self, level: str, grade: int) -> bool:
        return self.hours.get(level, 0) > 0 and grade in self.grades

    def window_periods(self, year: SchoolYear) -> list[Period]:
        """The activity's windows as dates of this school year (September–December in the first year)."""
        periods = []
        for (m1, d1), (m2, d2) in self.windows:
            start = date(year.year_of_month(m1), m1, d1)
            end = date(year.year_of_month(m2), m2, d2)
            periods.append(Period(f"{start:%d.%m}–{end:%d.%m}", start, end))
        return periods


@dataclass(frozen=True)
class SoftWeights:
    """Weights of the soft goals; see the [soft] section of the norms file for what each counts."""

    spread_week: int
    spread_month: int
    quarter_end: int
    exam: int
    exam_weeks: int
    staff_balance: int
    elective: int
    stacking: int
    change: int


@dataclass(frozen=True)
class Norms:
    """Everything a norms file holds, checked."""

    year: SchoolYear
    source: str
    path: Path
    grades: frozenset[int]
    level_titles: dict[str, str]
    directions: dict[str, Direction]
    total: dict[str, int]
    activities: tuple[Activity, ...]
    soft: SoftWeights

    def activity(self, key: str) -> Activity:
        return next(activity for activity in self.activities if activity.key == key)


def norms_path(year: SchoolYear) -> Path:
    return data_dir() / "norms" / f"{year}.toml"


def load_norms(year: SchoolYear | str) -> Norms:
    """The norms of a school year; a year without a norms file is a Russian error naming the path."""
    school_year = year if isinstance(year, SchoolYear) else SchoolYear.parse(year)
    path = norms_path(school_year)
    if not path.exists():
        raise NormsError(
            f"{path}: нет файла нормативов профминимума на {school_year} учебный год "
            "(скопируйте файл прошлого года и исправьте часы)."
        )
    return _read(path, read_toml(path), school_year)


# The keys each table of the file may hold (FieldReader.only refuses others, suggesting the closest).
SECTIONS = ("norms", "levels", "directions", "total", "activities", "soft")
HEAD_KEYS = ("year", "source", "grades", "levels")
DIRECTION_KEYS = ("title", "min")
ACTIVITY_KEYS = (
    "key", "title", "direction", "hours", "session_hours", "repeat", "slot", "elective", "windows", "weekday", "after",
    "role", "venue", "grades", "item_pattern", "first_title", "last_title",
)


def _read(path: Path, table: dict[str, Any], school_year: SchoolYear) -> Norms:
    reader = FieldReader(path, NormsError)
    reader.only(table, "", SECTIONS)
    head = reader.table(table, "norms")
    reader.only(head, "norms", HEAD_KEYS)
    if reader.text(head, "year", "norms") != str(school_year):
        reader.fail("norms.year", f"файл должен описывать {school_year} учебный год, указано «{head['year']}».")
    grades = frozenset(_grades(reader, head, "norms"))
    if reader.entries(head, "levels", "norms", list(LEVELS)) != list(LEVELS):
        reader.fail("norms.levels", f"уровни профминимума — {', '.join(LEVELS)} (в этом порядке).")
    reader.only(reader.table(table, "levels"), "levels", LEVELS)
    level_titles = {level: reader.text(reader.table(table, "levels"), level, "levels") for level in LEVELS}
    direction_tables = reader.table(table, "directions")
    for key in direction_tables:
        reader.only(reader.table(direction_tables, key, "directions"), f"directions.{key}", DIRECTION_KEYS)
    directions = {
        key: Direction(
            key,
            reader.text(entry, "title", f"directions.{key}"),
            _per_level(reader, entry, "min", f"directions.{key}", required=True),
        )
        for key, entry in direction_tables.items()
    }
    reader.only(reader.table(table, "total"), "total", ("min",))
    total = _per_level(reader, reader.table(table, "total"), "min", "total", required=True)
    activities = tuple(
        _activity(reader, entry, where, directions, grades) for where, entry in reader.each(table, "activities")
    )
    _check_activities(reader, activities)
    soft_table = reader.table(table, "soft")
    reader.only(soft_table, "soft", SoftWeights.__dataclass_fields__)
    soft = SoftWeights(**{
        name: reader.integer(soft_table, name, "soft", low=0) for name in SoftWeights.__dataclass_fields__
    })
    return Norms(
        school_year, reader.text(head, "source", "norms"), path, grades, level_titles, directions, total, activities, soft
    )


def _grades(reader: FieldReader, table: dict[str, Any], where: str, default: Any = None) -> list[int]:
    values = reader.entries(table, "grades", where, default)
    for number, grade in enumerate(values, start=1):
        if isinstance(grade, bool) or not isinstance(grade, int) or not 1 <= grade <= 11:
            reader.fail(f"{where}.grades[{number}]", f"класс должен быть числом от 1 до 11, указано «{grade}».")
    return values


def _per_level(reader: FieldReader, table: dict[str, Any], key: str, where: str, required: bool) -> dict[str, int]:
    values = reader.table(table, key, where) if required else reader.table(table, key, where, {})
    for level in values:
        if level not in LEVELS:
            reader.fail(f"{where}.{key}.{level}", f"неизвестный уровень (допустимы: {', '.join(LEVELS)}).")
    result = {level: reader.integer(values, level, f"{where}.{key}", default=0, low=0) for level in LEVELS}
    if required and any(level not in values for level in LEVELS):
        reader.fail(f"{where}.{key}", f"нужно значение для каждого уровня: {', '.join(LEVELS)}.")
    return result


def _activity(
    reader: FieldReader, entry: dict[str, Any], where: str, directions: dict[str, Direction], grades: frozenset[int]
) -> Activity:
    reader.only(entry, where, ACTIVITY_KEYS)
    key = reader.text(entry, "key", where)
    direction = reader.text(entry, "direction", where)
    if direction not in directions:
        reader.fail(f"{where}.direction", f"неизвестное направление «{direction}» (есть: {', '.join(directions)}).")
    repeat = reader.text(entry, "repeat", where, "total")
    if repeat not in REPEATS:
        reader.fail(f"{where}.repeat", f"«{repeat}»: допустимо {', '.join(REPEATS)}.")
    slot = reader.text(entry, "slot", where, "day")
    if slot not in SLOT_KINDS:
        reader.fail(f"{where}.slot", f"«{slot}»: допустимо {', '.join(SLOT_KINDS)}.")
    session_hours = reader.integer(entry, "session_hours", where, 1, low=1, high=4)
    hours = _per_level(reader, entry, "hours", where, required=False)
    if not any(hours.values()):
        reader.fail(f"{where}.hours", "не указано часов ни для одного уровня.")
    if repeat == "total":
        for level, value in hours.items():
            if value % session_hours:
                reader.fail(f"{where}.hours.{level}", f"{value} ч не делится на занятия по {session_hours} ч.")
    elif any(value not in (0, session_hours) for value in hours.values()):
        reader.fail(f"{where}.hours", f"при repeat = «{repeat}» часы — это длина одного занятия ({session_hours} ч).")
    windows = _windows(reader, entry, where)
    weekday = reader.integer(entry, "weekday", where, 0, low=0, high=7)
    if repeat == "weekly" and not weekday:
        reader.fail(f"{where}.weekday", "у еженедельного мероприятия нужен день недели (1 = понедельник … 7 = воскресенье).")
    activity_grades = frozenset(_grades(reader, entry, where, sorted(grades)))
    return Activity(
        key=key,
        title=reader.text(entry, "title", where),
        direction=direction,
        hours=hours,
        session_hours=session_hours,
        repeat=repeat,
        elective=reader.flag(entry, "elective", where, False),
        windows=windows,
        weekday=weekday - 1 if weekday else None,
        after=tuple(str(key) for key in reader.entries(entry, "after", where, [])),
        role=reader.text(entry, "role", where),
        venue=tuple(str(kind) for kind in reader.entries(entry, "venue", where, [])),
        evening=slot == "evening",
        grades=activity_grades,
        item_pattern=reader.text(entry, "item_pattern", where) if "item_pattern" in entry else None,
        first_title={str(k): str(v) for k, v in reader.table(entry, "first_title", where, {}).items()},
        last_title={str(k): str(v) for k, v in reader.table(entry, "last_title", where, {}).items()},
    )


def _windows(reader: FieldReader, entry: dict[str, Any], where: str) -> tuple[tuple[tuple[int, int], tuple[int, int]], ...]:
    result = []
    for number, pair in enumerate(reader.entries(entry, "windows", where, [["09-01", "08-31"]]), start=1):
        name = f"{where}.windows[{number}]"
        if not isinstance(pair, list) or len(pair) != 2:
            reader.fail(name, "ожидается пара [\"ММ-ДД\", \"ММ-ДД\"].")
        result.append((reader.month_day(pair[0], name), reader.month_day(pair[1], name)))
    return tuple(result)


def _check_activities(reader: FieldReader, activities: tuple[Activity, ...]) -> None:
    keys = [activity.key for activity in activities]
    for index, activity in enumerate(activities):
        where = f"activities[{index + 1}]"
        if keys.count(activity.key) > 1:
            reader.fail(f"{where}.key", f"ключ «{activity.key}» повторяется.")
        for predecessor in activity.after:
            if predecessor not in keys or keys.index(predecessor) >= index:
                reader.fail(f"{where}.after", f"«{predecessor}» должно быть мероприятием, описанным выше.")
        if activity.evening and activity.session_hours != 1:
            reader.fail(f"{where}.session_hours", "вечернее мероприятие занимает один вечерний слот.")
        if activity.repeat == "weekly" and (activity.elective or activity.session_hours != 1):
            reader.fail(where, "еженедельный курс — одно обязательное занятие в неделю (session_hours = 1).")
