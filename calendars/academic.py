"""A region's (or one school's) academic calendar for one school year: terms, vacations, holidays, school days.

Which dates apply is layered, most specific first: the school's own
calendar imported into the database (its КУГ), the region's calendar
imported into the database (a vacation order), the bundled file
`data/calendars/<region>/<year>.toml`, and the federal rules
(`data/calendars/federal.toml`) for any year without either. On top of the
chosen one come the production calendar (the `holidays` package, RU: public
holidays and the Saturdays made working days), the region's own
non-working days (`data/calendars/<region>/holidays.toml`) and a school's
extra closures (quarantine, its own break).

Grade groups («1 классы», «9, 11 классы», «7М, 8С») carry dates of their
own; `schedule(grade, class_name)` folds them into the dates one class
follows, and `day_off` answers for that class. Everything downstream —
deadline occurrences per quarter, the solver's days, the feeds — asks this
one object which days are school days, and can say where each date came
from.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from calendars.calendar_format import WEEKS, CalendarSpec, read_spec
from calendars.data_files import data_dir, read_toml
from calendars.derive import ONE_DAY, derive_terms, summer_vacation
from calendars.errors import CalendarError
from calendars.federal import federal_spec
from calendars.groups import GradeGroup, class_key
from calendars.periods import Period
from calendars.production import production_calendar
from calendars.regional_holidays import regional_holidays
from calendars.regions import Region, region, regions
from calendars.school_periods import Term, Vacation, VacationKind
from calendars.school_year import SchoolYear
from calendars.term_systems import TermSystem, term_system

if TYPE_CHECKING:
    # The database (SQLModel) loads only when a caller passes a session: light commands with the bundled
    # calendars start without it.
    from sqlmodel import Session

    from calendars.stored import StoredOrigin

__all__ = [
    "AcademicCalendar", "CalendarOrigin", "Period", "Region", "RegionCalendars", "Schedule",
    "build_calendar", "load_calendar", "region", "region_calendars", "regions",
]

P = TypeVar("P", bound=Period)
THURSDAY = 3
SUNDAY = 6
PRODUCTION_SOURCE = "производственный календарь РФ (пакет holidays)"
DERIVED_TERMS = "рассчитано по датам каникул"
DERIVED_SUMMER = "после последнего учебного дня"


class CalendarOrigin(StrEnum):
    """Which layer a calendar's terms and vacations come from."""

    SCHOOL = "school"
    REGION = "region"
    DATA = "data"
    FEDERAL = "federal"

    @property
    def label(self) -> str:
        return _ORIGIN_TITLES[self]


_ORIGIN_TITLES = {
    CalendarOrigin.SCHOOL: "календарь школы, загруженный в базу",
    CalendarOrigin.REGION: "календарь региона, загруженный в базу",
    CalendarOrigin.DATA: "файл данных profplan",
    CalendarOrigin.FEDERAL: "федеральные правила по умолчанию",
}


@dataclass(frozen=True)
class Schedule:
    """The dates one class follows: the school's terms and vacations with its grade groups' changes folded in."""

    groups: tuple[str, ...]
    term_system: TermSystem
    terms: tuple[Term, ...]
    vacations: tuple[Vacation, ...]
    first_day: date
    last_day: date

    def term_of(self, day: date) -> Term | None:
        return next((term for term in self.terms if day in term), None)


@dataclass(frozen=True)
class AcademicCalendar:
    """The calendar one school of a region follows in one school year."""

    region: Region
    year: SchoolYear
    week: int
    source: str
    federal_default: bool
    source_file: Path | None
    origin: CalendarOrigin
    term_system: TermSystem
    terms: tuple[Term, ...]
    vacations: tuple[Vacation, ...]
    groups: tuple[GradeGroup, ...] = ()
    closures: tuple[Period, ...] = ()
    holidays: dict[date, str] = field(default_factory=dict)
    holiday_sources: dict[date, str] = field(default_factory=dict)
    working_weekends: frozenset[date] = frozenset()
    stored: StoredOrigin | None = None
    _schedules: dict[tuple[int | None, str | None], Schedule] = field(init=False, repr=False, compare=False)
    # School days per (schedule, first, last): the classes of a grade share them, and a solver's
    # build asks for every class's (the day-by-day walk was a tenth of its Python at 120 classes).
    _school_days: dict[tuple[Schedule, date, date], tuple[date, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_schedules", {})
        object.__setattr__(self, "_school_days", {})

    @property
    def timezone(self) -> str:
        return self.region.timezone

    @property
    def first_day(self) -> date:
        return self.terms[0].start

    @property
    def last_day(self) -> date:
        return self.terms[-1].end

    @property
    def exam_grades(self) -> frozenset[int]:
        """Grades whose lessons end before the school's last day (their exam period follows)."""
        return frozenset(grade for group in self.groups if group.last_day and group.last_day < self.last_day for grade in group.grades)

    @property
    def exam_grades_last_day(self) -> date | None:
        """The earliest last day of the exam grades (see `schedule` for each grade's own)."""
        return min((g.last_day for g in self.groups if g.last_day and g.last_day < self.last_day and g.grades), default=None)

    def term_of(self, day: date) -> Period | None:
        """The school's term a date lies in, or None in summer and between terms."""
        return next((term for term in self.terms if day in term), None)

    def schedule(self, grade: int | None = None, class_name: str | None = None) -> Schedule:
        """The terms, vacations, first and last day of a class of this grade (and name); the school's without either."""
        key = (grade, class_key(class_name) if class_name else None)
        if key not in self._schedules:
            matching = [group for group in self.groups if group.matches(grade, class_name)]
            self._schedules[key] = fold_groups(self, sorted(matching, key=lambda group: group.by_class))
        return self._schedules[key]

    def day_off(self, day: date, grade: int | None = None, class_name: str | None = None) -> str | None:
        """Why there are no lessons on this date for this class, in Russian; None on a school day.

        A school day lies inside a term of the class, is not a holiday,
        vacation or closure, and is a study weekday or a Saturday made a
        working day.
        """
        return self._day_off(self.schedule(grade, class_name), day, grade, class_name)

    def _day_off(self, schedule: Schedule, day: date, grade: int | None, class_name: str | None) -> str | None:
        for period in (*schedule.vacations, *self.closures):
            if day in period:
                return period.name
        if day in self.holidays:
            return f"праздник: {self.holidays[day]}"
        if schedule.term_of(day) is None:
            if schedule.last_day < day <= self.last_day:
                who = f"класса {class_name}" if class_name else f"{grade} класса"
                return f"для {who} учебный год окончен {schedule.last_day:%d.%m.%Y}"
            return "вне учебного периода"
        if day in self.working_weekends or (day.weekday() < self.week and day.weekday() != SUNDAY):
            return None
        return "выходной"

    def is_school_day(self, day: date, grade: int | None = None, class_name: str | None = None) -> bool:
        """Lessons take place (see `day_off`)."""
        return self.day_off(day, grade, class_name) is None

    def school_days(
        self, start: date | None = None, end: date | None = None, grade: int | None = None, class_name: str | None = None,
    ) -> list[date]:
        """School days of a class between start and end inclusive (default: its whole year)."""
        schedule = self.schedule(grade, class_name)
        first, last = min(schedule.first_day, self.first_day), max(schedule.last_day, self.last_day)
        span = Period("", max(start or first, first), min(end or last, last))
        key = (schedule, span.start, span.end)
        if key not in self._school_days:
            self._school_days[key] = tuple(
                day for day in span.days() if self._day_off(schedule, day, grade, class_name) is None
            )
        return list(self._school_days[key])

    def with_overrides(self, closures: Sequence[Period] = (), week: int | None = None) -> AcademicCalendar:
        """The same calendar for one school: its extra closures and its own 5- or 6-day week."""
        if week is not None and week not in WEEKS:
            raise CalendarError(f"Учебная неделя должна быть 5- или 6-дневной, указано: {week}.")
        return replace(self, closures=self.closures + tuple(closures), week=week or self.week)

    def to_spec(self) -> CalendarSpec:
        """The calendar's dates as a calendar file states them (terms and vacations found, groups as given)."""
        return CalendarSpec(self.source, self.federal_default, self.week, self.term_system.key, None, None,
                            self.terms, self.vacations, self.groups)

    def describe_origin(self) -> str:
        """Where the terms and vacations come from, in Russian."""
        if self.stored is not None:
            return f"{self.origin.label}: {self.stored.describe()}"
        if self.source_file is not None:
            return f"{self.origin.label}: {self.source_file}"
        return self.origin.label

    def to_json(self, grade: int | None = None, class_name: str | None = None) -> dict[str, Any]:
        """Everything `profplan calendar --json` prints, with ISO dates, for one class when given."""
        schedule = self.schedule(grade, class_name)
        days = self.school_days(grade=grade, class_name=class_name)
        origin = self.describe_origin()
        return {
            "region": self.region.code,
            "region_name": self.region.name,
            "year": str(self.year),
            "timezone": self.timezone,
            "week": self.week,
            "source": self.source,
            "origin": str(self.origin),
            "origin_text": origin,
            "federal_default": self.federal_default,
            "source_file": str(self.source_file) if self.source_file else None,
            "stored": self.stored.to_json() if self.stored else None,
            "grade": grade,
            "class": class_name,
            "groups_applied": list(schedule.groups),
            "term_system": schedule.term_system.key,
            "first_day": schedule.first_day.isoformat(),
            "last_day": schedule.last_day.isoformat(),
            "terms": [
                {**term.to_json(), "source": term.source or self.source,
                 "school_days": len(self.school_days(term.start, term.end, grade, class_name))}
                for term in schedule.terms
            ],
            "vacations": [{**vacation.to_json(), "source": vacation.source or self.source} for vacation in schedule.vacations],
            "groups": [group.to_json() for group in self.groups],
            "closures": [period.to_json() for period in self.closures],
            "holidays": [
                {"date": day.isoformat(), "name": name, "source": self.holiday_sources.get(day, PRODUCTION_SOURCE)}
                for day, name in sorted(self.holidays.items())
            ],
            "working_weekends": [day.isoformat() for day in sorted(self.working_weekends)],
            "exam_grades": sorted(self.exam_grades),
            "exam_grades_last_day": self.exam_grades_last_day.isoformat() if self.exam_grades_last_day else None,
            "counts": {
                "school_days": len(days),
                "school_thursdays": sum(1 for day in days if day.weekday() == THURSDAY),
            },
        }


def fold_groups(calendar: AcademicCalendar, groups: Sequence[GradeGroup]) -> Schedule:
    """The school's dates with these groups' changes applied in order (grade groups before named classes).

    A group's extra vacation is added; its vacation of another kind replaces
    the school's of that kind; its first and last day move the year's ends.
    Its own terms replace the school's; without them, when it names its own
    term system or moves a vacation that ends a term, its terms are derived
    from its vacations; otherwise the school's terms are cut to its year.
    """
    system, terms, vacations = calendar.term_system, calendar.terms, calendar.vacations
    first, last = calendar.first_day, calendar.last_day
    derive = False
    for group in groups:
        if group.term_system:
            system, derive = term_system(group.term_system, f"группа «{group.label}»"), True
        replaced = {vacation.kind for vacation in group.vacations if vacation.kind is not VacationKind.EXTRA}
        derive = derive or bool(replaced & system.split_at)
        vacations = tuple(v for v in vacations if v.kind not in replaced) + group.vacations
        first, last = group.first_day or first, group.last_day or last
        if group.terms:
            terms, derive = group.terms, False
    vacations = tuple(sorted(vacations, key=lambda v: v.start))
    if not any(v.kind is VacationKind.SUMMER for group in groups for v in group.vacations):
        vacations = _summer_after(vacations, last)
    if derive and system.derivable:
        source = f"{DERIVED_TERMS} группы «{groups[-1].label}»"
        terms = derive_terms(system, first, last, vacations, f"группа «{groups[-1].label}»", source)
    return Schedule(tuple(group.label for group in groups), system, _fit(terms, first, last), vacations, first, last)


def _fit(terms: Sequence[Term], first: date, last: date) -> tuple[Term, ...]:
    """Terms cut to a year from `first` to `last`; the last one extended when the year runs longer."""
    inside = [term for term in terms if term.end >= first and term.start <= last]
    if not inside:
        return ()
    fitted = [replace(term, start=max(term.start, first), end=min(term.end, last)) for term in inside]
    fitted[0] = replace(fitted[0], start=first)
    fitted[-1] = replace(fitted[-1], end=last)
    return tuple(fitted)


def _summer_after(vacations: tuple[Vacation, ...], last: date) -> tuple[Vacation, ...]:
    """A summer vacation that would start before a class's later last day starts the day after it."""
    return tuple(
        replace(v, start=last + ONE_DAY) if v.kind is VacationKind.SUMMER and v.start <= last else v for v in vacations
    )


def load_calendar(
    region_code: str, year: SchoolYear | str, week: int | None = None, *,
    school: str | None = None, session: Session | None = None,
) -> AcademicCalendar:
    """The academic calendar of a region and school year (for one school when given), with an optional week.

    With a session, a calendar imported into the database overrides the
    bundled one: the school's own first, then the region's.
    """
    reg = region(region_code)
    school_year = year if isinstance(year, SchoolYear) else SchoolYear.parse(year)
    record = None
    if session is not None:
        from calendars.stored import find_stored

        record = find_stored(session, reg.code, school_year, school)
    if record is not None:
        calendar = _stored(reg, school_year, json.dumps(record.body, sort_keys=True, ensure_ascii=False), record.origin)
    else:
        root = data_dir()
        calendar = _bundled(reg, school_year, str(root), _stamp(root / "calendars" / reg.code / f"{school_year}.toml"))
    return calendar.with_overrides(week=week) if week else calendar


def _stamp(path: Path) -> int | None:
    """When the region's file for the year last changed (None without one): an edited file is read again."""
    try:
        return path.stat().st_mtime_ns
    except FileNotFoundError:
        return None


@dataclass(frozen=True)
class RegionCalendars:
    """A region's (or a school's) academic calendars of every school year, as deadline expansion asks for them.

    Implements `calendars.deadlines.SchoolCalendar`: a stored deadline spec
    is expanded on the calendar of whichever school year each date falls in.
    With a session, the calendars imported into the database apply.
    """

    region_code: str
    session: Session | None = field(default=None, compare=False)
    school: str | None = None
    _years: dict[SchoolYear, AcademicCalendar] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_years", {})

    def calendar(self, school_year: SchoolYear) -> AcademicCalendar:
        if school_year not in self._years:
            self._years[school_year] = load_calendar(self.region_code, school_year, school=self.school, session=self.session)
        return self._years[school_year]

    def terms(self, school_year: SchoolYear) -> tuple[Period, ...]:
        return self.calendar(school_year).terms

    def vacations(self, school_year: SchoolYear) -> tuple[Period, ...]:
        return self.calendar(school_year).vacations

    def day_off(self, day: date) -> str | None:
        return self.calendar(SchoolYear.containing(day)).day_off(day)


def region_calendars(region_code: str, session: Session | None = None, school: str | None = None) -> RegionCalendars:
    """The school calendar of a region for deadline expansion; a Russian error for an unknown region."""
    return RegionCalendars(region(region_code).code, session, school)


def build_calendar(
    reg: Region, school_year: SchoolYear, spec: CalendarSpec, where: str, *,
    origin: CalendarOrigin, source_file: Path | None = None, stored: StoredOrigin | None = None,
) -> AcademicCalendar:
    """A checked calendar from what a file, a stored table or the federal rules state.

    Terms missing from `spec` are derived from its vacations (or generated by
    its modular rule), the summer vacation is added when not stated, and the
    production calendar and the region's own non-working days laid over it.
    Raises CalendarError naming `where` for anything that would silently give
    a wrong calendar.
    """
    system = term_system(spec.term_system, where)
    terms, vacations = spec.terms, spec.vacations
    first = spec.first_day or (terms[0].start if terms else None)
    last = spec.last_day or (terms[-1].end if terms else None)
    if first is None or last is None:
        raise CalendarError(
            f"{where}: terms: не указано ни одной четверти (триместра), а без них нужны calendar.first_day и calendar.last_day."
        )
    if spec.modular is not None and not terms:
        terms, breaks = spec.modular.generate(system, first, last, vacations, spec.source)
        vacations = tuple(sorted(vacations + breaks, key=lambda v: v.start))
    elif not terms:
        terms = derive_terms(system, first, last, vacations, where, DERIVED_TERMS)
    _check_bounds(where, terms, spec)
    if not any(v.kind is VacationKind.SUMMER for v in vacations):
        vacations = vacations + (summer_vacation(terms[-1].end, school_year, DERIVED_SUMMER),)
    calendar = AcademicCalendar(
        region=reg, year=school_year, week=spec.week, source=spec.source, federal_default=spec.federal_default,
        source_file=source_file, origin=origin, term_system=system, terms=terms, vacations=vacations,
        groups=spec.groups, stored=stored,
    )
    validate(calendar, where)
    return _with_holidays(calendar)


def validate(calendar: AcademicCalendar, where: str) -> None:
    """Reject what would silently give a wrong calendar: empty, unordered, overlapping or outside the year.

    Checked for the school's dates and for every grade group's: vacations may
    not overlap each other, nor a term when they are of a kind that ends
    terms in the system (a trimester holds its breaks; an extra vacation is a
    hole in a term), nor lie outside the school year.
    """
    if not calendar.terms:
        raise CalendarError(f"{where}: terms: не указано ни одной четверти (триместра).")
    _check_periods(where, calendar.year, calendar.term_system, _labelled("terms", calendar.terms),
                   _labelled("vacations", calendar.vacations))
    for number, group in enumerate(calendar.groups, start=1):
        prefix = f"groups[{number}] «{group.label}»"
        for day, key in ((group.first_day, "first_day"), (group.last_day, "last_day")):
            if day is not None and not calendar.year.start <= day <= calendar.year.end:
                raise CalendarError(f"{where}: {prefix}.{key} {day:%d.%m.%Y} вне учебного года {calendar.year}.")
        schedule = fold_groups(calendar, [group])
        if not schedule.terms:
            raise CalendarError(f"{where}: {prefix}: у группы не остаётся учебных дней.")
        own = {id(vacation) for vacation in group.vacations}
        labelled = [(f"{prefix}.vacations[{group.vacations.index(v) + 1}]" if id(v) in own else f"{prefix}: {_label_of(calendar, v)}", v)
                    for v in schedule.vacations]
        terms = [(f"{prefix}.terms[{i}]" if group.terms else f"{prefix}: «{t.name}»", t) for i, t in enumerate(schedule.terms, start=1)]
        _check_periods(where, calendar.year, schedule.term_system, terms, labelled)


def _label_of(calendar: AcademicCalendar, vacation: Vacation) -> str:
    return f"vacations[{calendar.vacations.index(vacation) + 1}]" if vacation in calendar.vacations else f"«{vacation.name}»"


def _labelled(key: str, periods: Iterable[P]) -> list[tuple[str, P]]:
    return [(f"{key}[{number}]", period) for number, period in enumerate(periods, start=1)]


def _check_periods(
    where: str, year: SchoolYear, system: TermSystem, terms: Sequence[tuple[str, Period]], vacations: Sequence[tuple[str, Vacation]],
) -> None:
    for label, period in (*terms, *vacations):
        named = f"{where}: {label} {_named(period)}" if not label.endswith("»") else f"{where}: {label}{_from(period)}"
        if period.end < period.start:
            raise CalendarError(f"{named}: конец {period.end:%d.%m.%Y} раньше начала {period.start:%d.%m.%Y}.")
        if period.start < year.start or period.end > year.end:
            raise CalendarError(
                f"{named}: даты {period.start:%d.%m.%Y}–{period.end:%d.%m.%Y} вне учебного года {year} "
                f"({year.start:%d.%m.%Y}–{year.end:%d.%m.%Y})."
            )
    for (_, earlier), (label, later) in pairwise(terms):
        if later.start <= earlier.end:
            raise CalendarError(f"{where}: {label} {_named(later)} пересекается с {_named(earlier)} или идёт не по порядку.")
    ordered = sorted(vacations, key=lambda pair: pair[1].start)
    for (_, earlier), (label, later) in pairwise(ordered):
        if later.start <= earlier.end:
            raise CalendarError(f"{where}: {label} {_named(later)} пересекается с {_named(earlier)}.")
    for label, vacation in vacations:
        if vacation.kind in system.split_at or vacation.kind is VacationKind.SUMMER:
            term = next((term for _, term in terms if term.overlaps(vacation)), None)
            if term is not None:
                raise CalendarError(f"{where}: {label} {_named(vacation)} пересекается с периодом {_named(term)}.")


def _named(period: Period) -> str:
    """«Осенние каникулы», with the row it was read from when it came from a document."""
    return f"«{period.name}»{_from(period)}"


def _from(period: Period) -> str:
    source = getattr(period, "source", "")
    return f" ({source})" if source and "строка" in source else ""


def _check_bounds(where: str, terms: Sequence[Term], spec: CalendarSpec) -> None:
    """A first or last day stated beside the terms must agree with them."""
    for day, term_day, key in ((spec.first_day, terms[0].start, "first_day"), (spec.last_day, terms[-1].end, "last_day")):
        if day is not None and day != term_day:
            raise CalendarError(
                f"{where}: calendar.{key} {day:%d.%m.%Y} не совпадает с {'началом первого' if key == 'first_day' else 'концом последнего'} "
                f"учебного периода ({term_day:%d.%m.%Y})."
            )


def _with_holidays(calendar: AcademicCalendar) -> AcademicCalendar:
    """The production calendar and the region's own non-working days over the year's span."""
    year = calendar.year
    production = production_calendar(year.first, year.second)
    last = max([calendar.last_day, *(g.last_day for g in calendar.groups if g.last_day)])
    span = Period("", min([calendar.first_day, *(g.first_day for g in calendar.groups if g.first_day)]), last)
    found = {day: name for day, name in production.holidays.items() if day in span}
    sources: dict[date, str] = {}
    for holiday in regional_holidays(data_dir(), calendar.region.code, [year.first, year.second], production.holidays):
        if holiday.day in span and holiday.day not in found:
            found[holiday.day] = holiday.name
            sources[holiday.day] = f"региональный: {holiday.source}"
    return replace(
        calendar,
        holidays=dict(sorted(found.items())),
        holiday_sources=sources,
        working_weekends=frozenset(day for day in production.working_weekends if day in span),
    )


@functools.lru_cache(maxsize=64)
def _bundled(reg: Region, school_year: SchoolYear, root: str, stamp: int | None) -> AcademicCalendar:
    """The bundled calendar, read once per version of its file (`stamp`)."""
    path = Path(root) / "calendars" / reg.code / f"{school_year}.toml"
    if path.exists():
        spec = read_spec(read_toml(path), path, reg.terms)
        return build_calendar(reg, school_year, spec, str(path), origin=CalendarOrigin.DATA, source_file=path)
    federal = Path(root) / "calendars" / "federal.toml"
    return build_calendar(reg, school_year, federal_spec(school_year, federal), str(federal), origin=CalendarOrigin.FEDERAL)


@functools.lru_cache(maxsize=64)
def _stored(reg: Region, school_year: SchoolYear, body: str, origin: StoredOrigin) -> AcademicCalendar:
    """A stored calendar, parsed once per content (deadline expansion asks for every date)."""
    where = f"календарь {origin.describe()}"
    spec = read_spec(json.loads(body), where, reg.terms)
    kind = CalendarOrigin.SCHOOL if origin.school_id else CalendarOrigin.REGION
    return build_calendar(reg, school_year, spec, where, origin=kind, stored=origin)
