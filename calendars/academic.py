"""A region's academic calendar for one school year: terms, vacations, holidays, school days.

Regional orders set the terms and vacations, the production calendar (the
`holidays` package, RU) sets public holidays and the Saturdays that become
working days, and a school may close for extra days (quarantine, its own
break). Everything downstream — deadline occurrences per quarter, the
solver's days, the feeds — asks this one object which days are school days.

Data: `data/calendars/regions.toml` (region → name, time zone),
`data/calendars/<region>/<year>.toml` (explicit dates) and
`data/calendars/federal.toml` (rules that give a sensible calendar for any
year without a file of its own).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

from calendars.data_files import data_dir, read_toml
from calendars.errors import CalendarError
from calendars.fields import FieldReader
from calendars.periods import Period
from calendars.school_year import SchoolYear

THURSDAY = 3
SUNDAY = 6
# The keys each table of the data files may hold (FieldReader.only refuses others, suggesting the closest).
REGION_KEYS = ("name", "timezone")
CALENDAR_SECTIONS = ("calendar", "terms", "vacations")
CALENDAR_KEYS = ("source", "federal_default", "week", "exam_grades", "exam_grades_last_day")
PERIOD_KEYS = ("name", "start", "end")
FEDERAL_KEYS = (
    "source", "week", "first_day", "autumn_vacation", "winter_vacation", "spring_vacation", "last_day_on_or_before",
    "exam_grades", "exam_grades_last_day_on_or_before", "term_names",
)
BREAK_KEYS = ("name", "days", "ends_first_sunday_on_or_after")


@dataclass(frozen=True)
class Region:
    """A region profplan knows: its ISO 3166-2 code, Russian name and time zone."""

    code: str
    name: str
    timezone: str


@dataclass(frozen=True)
class AcademicCalendar:
    """The calendar one school of a region follows in one school year."""

    region: Region
    year: SchoolYear
    week: int
    source: str
    federal_default: bool
    source_file: Path | None
    terms: tuple[Period, ...]
    vacations: tuple[Period, ...]
    exam_grades: frozenset[int]
    exam_grades_last_day: date | None
    closures: tuple[Period, ...] = ()
    holidays: dict[date, str] = field(default_factory=dict)
    working_weekends: frozenset[date] = frozenset()

    @property
    def timezone(self) -> str:
        return self.region.timezone

    @property
    def first_day(self) -> date:
        return self.terms[0].start

    @property
    def last_day(self) -> date:
        return self.terms[-1].end

    def term_of(self, day: date) -> Period | None:
        """The term a date lies in, or None in vacations and summer."""
        return next((term for term in self.terms if day in term), None)

    def day_off(self, day: date, grade: int | None = None) -> str | None:
        """Why there are no lessons on this date, in Russian; None on a school day.

        A school day lies inside a term, is not a holiday, vacation or
        closure, and is a study weekday or a Saturday made a working day.
        """
        for period in (*self.vacations, *self.closures):
            if day in period:
                return period.name
        if day in self.holidays:
            return f"праздник: {self.holidays[day]}"
        if self.term_of(day) is None:
            return "вне учебного периода"
        if grade in self.exam_grades and self.exam_grades_last_day and day > self.exam_grades_last_day:
            return f"для {grade} класса учебный год окончен {self.exam_grades_last_day:%d.%m.%Y}"
        if day in self.working_weekends or (day.weekday() < self.week and day.weekday() != SUNDAY):
            return None
        return "выходной"

    def is_school_day(self, day: date, grade: int | None = None) -> bool:
        """Lessons take place (see `day_off`)."""
        return self.day_off(day, grade) is None

    def school_days(
        self, start: date | None = None, end: date | None = None, grade: int | None = None
    ) -> list[date]:
        """School days between start and end inclusive (default: the whole year)."""
        span = Period("", max(start or self.first_day, self.first_day), min(end or self.last_day, self.last_day))
        return [day for day in span.days() if self.is_school_day(day, grade)]

    def with_overrides(self, closures: Sequence[Period] = (), week: int | None = None) -> AcademicCalendar:
        """The same calendar for one school: its extra closures and its own 5- or 6-day week."""
        if week is not None and week not in (5, 6):
            raise CalendarError(f"Учебная неделя должна быть 5- или 6-дневной, указано: {week}.")
        return replace(self, closures=self.closures + tuple(closures), week=week or self.week)

    def to_json(self) -> dict[str, Any]:
        """Everything `profplan calendar --json` prints, with ISO dates."""
        days = self.school_days()
        return {
            "region": self.region.code,
            "region_name": self.region.name,
            "year": str(self.year),
            "timezone": self.timezone,
            "week": self.week,
            "source": self.source,
            "federal_default": self.federal_default,
            "source_file": str(self.source_file) if self.source_file else None,
            "terms": [
                {**term.to_json(), "school_days": len(self.school_days(term.start, term.end))}
                for term in self.terms
            ],
            "vacations": [period.to_json() for period in self.vacations],
            "closures": [period.to_json() for period in self.closures],
            "holidays": [{"date": day.isoformat(), "name": name} for day, name in sorted(self.holidays.items())],
            "working_weekends": [day.isoformat() for day in sorted(self.working_weekends)],
            "exam_grades": sorted(self.exam_grades),
            "exam_grades_last_day": self.exam_grades_last_day.isoformat() if self.exam_grades_last_day else None,
            "counts": {
                "school_days": len(days),
                "school_thursdays": sum(1 for day in days if day.weekday() == THURSDAY),
            },
        }


def regions() -> Mapping[str, Region]:
    """Every region of `data/calendars/regions.toml`, by code."""
    return _regions(str(data_dir()))


@functools.lru_cache(maxsize=8)
def _regions(root: str) -> dict[str, Region]:
    """The regions file of one data folder, read once (deadline expansion asks for every date)."""
    path = Path(root) / "calendars" / "regions.toml"
    table = read_toml(path)
    result = {}
    reader = FieldReader(path, CalendarError)
    for code in table:
        entry = reader.table(table, code)
        reader.only(entry, code, REGION_KEYS)
        result[code] = Region(code, reader.text(entry, "name", code), reader.text(entry, "timezone", code))
    return result


def region(code: str) -> Region:
    """The region with this ISO 3166-2 code, or a Russian error listing the known ones."""
    known = regions()
    normalized = (code or "").strip().upper()
    if normalized not in known:
        raise CalendarError(
            f"Неизвестный регион «{code}». Известные регионы: {', '.join(sorted(known))} "
            f"(добавьте регион в {data_dir() / 'calendars' / 'regions.toml'})."
        )
    return known[normalized]


def load_calendar(region_code: str, year: SchoolYear | str, week: int | None = None) -> AcademicCalendar:
    """The academic calendar of a region and school year, with an optional school week override."""
    school_year = year if isinstance(year, SchoolYear) else SchoolYear.parse(year)
    calendar = _load(region(region_code), school_year, str(data_dir()))
    return calendar.with_overrides(week=week) if week else calendar


@dataclass(frozen=True)
class RegionCalendars:
    """A region's academic calendars of every school year, as deadline expansion asks for them.

    Implements `calendars.deadlines.SchoolCalendar`: a stored deadline spec
    is expanded on the calendar of whichever school year each date falls in.
    """

    region_code: str

    def terms(self, school_year: SchoolYear) -> tuple[Period, ...]:
        return load_calendar(self.region_code, school_year).terms

    def vacations(self, school_year: SchoolYear) -> tuple[Period, ...]:
        return load_calendar(self.region_code, school_year).vacations

    def day_off(self, day: date) -> str | None:
        return load_calendar(self.region_code, SchoolYear.containing(day)).day_off(day)


def region_calendars(region_code: str) -> RegionCalendars:
    """The school calendar of a region for deadline expansion; a Russian error for an unknown region."""
    return RegionCalendars(region(region_code).code)


@functools.lru_cache(maxsize=64)
def _load(reg: Region, school_year: SchoolYear, root: str) -> AcademicCalendar:
    path = Path(root) / "calendars" / reg.code / f"{school_year}.toml"
    if path.exists():
        calendar = _from_file(reg, school_year, path)
    else:
        calendar = _federal(reg, school_year, Path(root) / "calendars" / "federal.toml")
    import holidays  # here, not at the top: `profplan deadline` without a region never needs it (bench/bench_startup.py)

    production = holidays.country_holidays(
        "RU", years=[school_year.first, school_year.second], language="ru"
    )
    span = Period("", calendar.first_day, calendar.last_day)
    return replace(
        calendar,
        holidays={day: name for day, name in sorted(production.items()) if day in span},
        working_weekends=frozenset(day for day in production.weekend_workdays if day in span),
    )


def _from_file(reg: Region, school_year: SchoolYear, path: Path) -> AcademicCalendar:
    table = read_toml(path)
    reader = FieldReader(path, CalendarError)
    reader.only(table, "", CALENDAR_SECTIONS)
    head = reader.table(table, "calendar", default={})
    reader.only(head, "calendar", CALENDAR_KEYS)
    terms = tuple(_periods(reader, table, "terms"))
    vacations = tuple(_periods(reader, table, "vacations"))
    calendar = AcademicCalendar(
        region=reg,
        year=school_year,
        week=_week(reader, head, "calendar"),
        source=str(head.get("source", str(path))),
        federal_default=bool(head.get("federal_default", False)),
        source_file=path,
        terms=terms,
        vacations=vacations,
        exam_grades=frozenset(head.get("exam_grades", [])),
        exam_grades_last_day=(
            reader.day(head["exam_grades_last_day"], "calendar.exam_grades_last_day")
            if "exam_grades_last_day" in head
            else None
        ),
    )
    _validate(calendar, path)
    return calendar


def _federal(reg: Region, school_year: SchoolYear, path: Path) -> AcademicCalendar:
    """Apply the federal rules to a year: eight-week terms around the autumn, winter and spring breaks."""
    reader = FieldReader(path, CalendarError)
    table = read_toml(path)
    reader.only(table, "", ("federal",))
    rules = reader.table(table, "federal")
    reader.only(rules, "federal", FEDERAL_KEYS)
    reader.only(reader.table(rules, "winter_vacation", "federal", {}), "federal.winter_vacation", PERIOD_KEYS)

    def on(month_day: str, key: str, first_year: bool) -> date:
        return date(school_year.first if first_year else school_year.second, *reader.month_day(month_day, key))

    first_day = _next_weekday(on(rules.get("first_day", "09-01"), "federal.first_day", True))
    autumn = _break_ending_on_sunday(rules, "autumn_vacation", school_year.first, reader)
    spring = _break_ending_on_sunday(rules, "spring_vacation", school_year.second, reader)
    winter_rule = rules.get("winter_vacation", {})
    winter = Period(
        str(winter_rule.get("name", "Зимние каникулы")),
        on(winter_rule.get("start", "12-30"), "federal.winter_vacation.start", True),
        on(winter_rule.get("end", "01-08"), "federal.winter_vacation.end", False),
    )
    last_day = _last_friday_on_or_before(on(rules.get("last_day_on_or_before", "05-26"), "federal.last_day_on_or_before", False))
    names = list(rules.get("term_names", ["1 четверть", "2 четверть", "3 четверть", "4 четверть"]))
    if len(names) != 4:
        raise CalendarError(f"{path}: federal.term_names: нужно четыре названия четвертей.")
    bounds = [
        (first_day, autumn.start - timedelta(days=1)),
        (autumn.end + timedelta(days=1), winter.start - timedelta(days=1)),
        (_next_weekday(winter.end + timedelta(days=1)), spring.start - timedelta(days=1)),
        (spring.end + timedelta(days=1), last_day),
    ]
    exam_last = rules.get("exam_grades_last_day_on_or_before")
    calendar = AcademicCalendar(
        region=reg,
        year=school_year,
        week=_week(reader, rules, "federal"),
        source=str(rules.get("source", "Федеральный календарь по умолчанию")),
        federal_default=True,
        source_file=None,
        terms=tuple(Period(name, start, end) for name, (start, end) in zip(names, bounds, strict=True)),
        vacations=(autumn, winter, spring),
        exam_grades=frozenset(rules.get("exam_grades", [])),
        exam_grades_last_day=(
            _last_friday_on_or_before(on(exam_last, "federal.exam_grades_last_day_on_or_before", False))
            if exam_last
            else None
        ),
    )
    _validate(calendar, path)
    return calendar


def _break_ending_on_sunday(rules: dict[str, Any], key: str, year: int, reader: FieldReader) -> Period:
    rule = rules.get(key)
    if not isinstance(rule, dict) or "days" not in rule or "ends_first_sunday_on_or_after" not in rule:
        raise CalendarError(f"{reader.path}: federal.{key}: нужны поля days и ends_first_sunday_on_or_after.")
    reader.only(rule, f"federal.{key}", BREAK_KEYS)
    anchor = date(year, *reader.month_day(rule["ends_first_sunday_on_or_after"], f"federal.{key}.ends_first_sunday_on_or_after"))
    end = anchor + timedelta(days=(SUNDAY - anchor.weekday()) % 7)
    return Period(str(rule.get("name", key)), end - timedelta(days=int(rule["days"]) - 1), end)


def _next_weekday(day: date) -> date:
    """The day itself, or the Monday after it when it falls on a weekend."""
    return day + timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= 5 else day


def _last_friday_on_or_before(day: date) -> date:
    return day - timedelta(days=(day.weekday() - 4) % 7)


def _validate(calendar: AcademicCalendar, path: Path) -> None:
    """Reject what would silently give a wrong calendar: empty, unordered, overlapping or outside the year."""
    year = calendar.year
    if not calendar.terms:
        raise CalendarError(f"{path}: terms: не указано ни одной четверти (триместра).")
    for kind, periods in (("terms", calendar.terms), ("vacations", calendar.vacations)):
        for number, period in enumerate(periods, start=1):
            where = f"{path}: {kind}[{number}] «{period.name}»"
            if period.end < period.start:
                raise CalendarError(f"{where}: конец {period.end:%d.%m.%Y} раньше начала {period.start:%d.%m.%Y}.")
            if period.start < year.start or period.end > year.end:
                raise CalendarError(
                    f"{where}: даты {period.start:%d.%m.%Y}–{period.end:%d.%m.%Y} вне учебного года {year} "
                    f"({year.start:%d.%m.%Y}–{year.end:%d.%m.%Y})."
                )
        for number, (earlier, later) in enumerate(pairwise(periods), start=2):
            if later.start <= earlier.end:
                raise CalendarError(
                    f"{path}: {kind}[{number}] «{later.name}» пересекается с «{earlier.name}» "
                    "или идёт не по порядку."
                )
    for number, vacation in enumerate(calendar.vacations, start=1):
        term = next((term for term in calendar.terms if term.overlaps(vacation)), None)
        if term is not None:
            raise CalendarError(
                f"{path}: vacations[{number}] «{vacation.name}» пересекается с периодом «{term.name}»."
            )
    if calendar.exam_grades_last_day and calendar.exam_grades_last_day not in Period("", year.start, year.end):
        raise CalendarError(f"{path}: exam_grades_last_day вне учебного года {year}.")


def _week(reader: FieldReader, table: dict[str, Any], where: str) -> int:
    week = reader.integer(table, "week", where, default=5)
    if week not in (5, 6):
        reader.fail(f"{where}.week", f"учебная неделя должна быть 5 или 6 дней, указано «{week}».")
    return week


def _periods(reader: FieldReader, table: dict[str, Any], key: str) -> Iterator[Period]:
    """The [[terms]] or [[vacations]] of a calendar file, each with a start and an end date."""
    for number, (where, entry) in enumerate(reader.each(table, key, default=[]), start=1):
        reader.only(entry, where, PERIOD_KEYS)
        yield Period(
            str(entry.get("name", f"{number}")),
            reader.day(reader.value(entry, "start", where), f"{where}.start"),
            reader.day(reader.value(entry, "end", where), f"{where}.end"),
        )
