"""The federal default calendar: rules that give a sensible school year for any year without a file.

`data/calendars/federal.toml` holds the rules (general knowledge of the
federal educational programmes since 2023, every one a parameter): about
eight weeks of study then a nine-day break in autumn and spring, the winter
break around New Year, the first graders' extra February week, lessons
ending in the last week of May and earlier for the exam grades.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from calendars.calendar_format import WEEKS, CalendarSpec
from calendars.data_files import read_toml
from calendars.derive import ONE_DAY, first_weekday
from calendars.errors import CalendarError
from calendars.fields import FieldReader
from calendars.groups import GradeGroup, describe_grades
from calendars.school_periods import Term, Vacation, VacationKind
from calendars.school_year import SchoolYear

SUNDAY = 6
FRIDAY = 4


# The keys the [federal] rules may hold (FieldReader.only refuses others, naming the closest).
FEDERAL_KEYS = (
    "source", "week", "first_day", "autumn_vacation", "winter_vacation", "spring_vacation", "last_day_on_or_before",
    "exam_grades", "exam_grades_last_day_on_or_before", "term_names", "first_grade_vacation",
)
BREAK_KEYS = ("name", "days", "ends_first_sunday_on_or_after")


def federal_spec(school_year: SchoolYear, path: Path) -> CalendarSpec:
    """The federal rules applied to one school year: four quarters around the autumn, winter and spring breaks."""
    rules = read_toml(path).get("federal")
    if not isinstance(rules, dict):
        raise CalendarError(f"{path}: нет раздела [federal].")
    reader = FieldReader(path, CalendarError)
    reader.only(rules, "federal", FEDERAL_KEYS)
    for key in ("autumn_vacation", "spring_vacation"):
        if isinstance(rules.get(key), dict):
            reader.only(rules[key], f"federal.{key}", BREAK_KEYS)
    if isinstance(rules.get("winter_vacation"), dict):
        reader.only(rules["winter_vacation"], "federal.winter_vacation", ("name", "start", "end"))
    if isinstance(rules.get("first_grade_vacation"), dict):
        reader.only(rules["first_grade_vacation"], "federal.first_grade_vacation", ("name", "days", "starts_monday_on_or_after"))

    def on(key: str, default: str, first_year: bool) -> date:
        month, day = reader.month_day(rules.get(key, default), f"federal.{key}")
        return date(school_year.first if first_year else school_year.second, month, day)

    first_day = first_weekday(on("first_day", "09-01", True))
    autumn = _break_ending_on_sunday(reader, rules, "autumn_vacation", school_year.first, VacationKind.AUTUMN)
    spring = _break_ending_on_sunday(reader, rules, "spring_vacation", school_year.second, VacationKind.SPRING)
    winter_rule = reader.table(rules, "winter_vacation", "federal", default={})
    winter = Vacation(
        str(winter_rule.get("name", VacationKind.WINTER.label)),
        _on_rule(reader, winter_rule, "start", "12-30", school_year.first),
        _on_rule(reader, winter_rule, "end", "01-08", school_year.second),
        kind=VacationKind.WINTER,
    )
    last_day = _last_friday_on_or_before(on("last_day_on_or_before", "05-26", False))
    names = list(reader.entries(rules, "term_names", "federal", default=["1 четверть", "2 четверть", "3 четверть", "4 четверть"]))
    if len(names) != 4:
        raise CalendarError(f"{path}: federal.term_names: нужно четыре названия четвертей.")
    bounds = [
        (first_day, autumn.start - ONE_DAY),
        (autumn.end + ONE_DAY, winter.start - ONE_DAY),
        (first_weekday(winter.end + ONE_DAY), spring.start - ONE_DAY),
        (spring.end + ONE_DAY, last_day),
    ]
    week = reader.integer(rules, "week", "federal", default=5)
    if week not in WEEKS:
        reader.fail("federal.week", f"учебная неделя должна быть 5 или 6 дней, указано «{week}».")
    return CalendarSpec(
        source=reader.text(rules, "source", "federal", default="Федеральный календарь по умолчанию"),
        federal_default=True,
        week=week,
        term_system="quarters",
        first_day=None,
        last_day=None,
        terms=tuple(Term(str(name), start, end) for name, (start, end) in zip(names, bounds, strict=True)),
        vacations=(autumn, winter, spring),
        groups=tuple(_groups(reader, rules, school_year)),
    )


def _groups(reader: FieldReader, rules: dict[str, Any], school_year: SchoolYear) -> list[GradeGroup]:
    """The exam grades' earlier last day and the first graders' extra week, when the rules give them."""
    groups = []
    exam_grades = [int(grade) for grade in reader.entries(rules, "exam_grades", "federal", default=[])]
    if exam_grades and "exam_grades_last_day_on_or_before" in rules:
        month, day = reader.month_day(rules["exam_grades_last_day_on_or_before"], "federal.exam_grades_last_day_on_or_before")
        groups.append(GradeGroup(
            label=f"Выпускные классы ({describe_grades(exam_grades)})",
            grades=frozenset(exam_grades),
            last_day=_last_friday_on_or_before(date(school_year.second, month, day)),
        ))
    if "first_grade_vacation" in rules:
        rule = reader.table(rules, "first_grade_vacation", "federal")
        where = "federal.first_grade_vacation"
        anchor = date(school_year.second, *reader.month_day(reader.value(rule, "starts_monday_on_or_after", where), where))
        start = anchor + timedelta(days=(7 - anchor.weekday()) % 7)
        days = reader.integer(rule, "days", where, low=1, high=14)
        groups.append(GradeGroup(
            label="1 классы",
            grades=frozenset({1}),
            vacations=(Vacation(reader.text(rule, "name", where), start, start + timedelta(days=days - 1), kind=VacationKind.EXTRA),),
        ))
    return groups


def _on_rule(reader: FieldReader, rule: dict[str, Any], key: str, default: str, year: int) -> date:
    return date(year, *reader.month_day(rule.get(key, default), f"federal.winter_vacation.{key}"))


def _break_ending_on_sunday(reader: FieldReader, rules: dict[str, Any], key: str, year: int, kind: VacationKind) -> Vacation:
    rule = rules.get(key)
    if not isinstance(rule, dict) or "days" not in rule or "ends_first_sunday_on_or_after" not in rule:
        raise CalendarError(f"{reader.path}: federal.{key}: нужны поля days и ends_first_sunday_on_or_after.")
    anchor = date(year, *reader.month_day(rule["ends_first_sunday_on_or_after"], f"federal.{key}.ends_first_sunday_on_or_after"))
    end = anchor + timedelta(days=(SUNDAY - anchor.weekday()) % 7)
    return Vacation(str(rule.get("name", kind.label)), end - timedelta(days=int(rule["days"]) - 1), end, kind=kind)


def _last_friday_on_or_before(day: date) -> date:
    return day - timedelta(days=(day.weekday() - FRIDAY) % 7)
