"""The calendar format: one shape for a bundled `data/calendars/<region>/<year>.toml` and a stored calendar.

A calendar imported from an order is kept in the database as exactly what a
data file would hold, so `profplan calendar export` writes the file for
`data/` and both are read by the same code:

    [calendar]
    source = "Распоряжение комитета … от 15.08.2026 № 1234-р"
    federal_default = false       # true: dates of the federal default, not a regional order
    week = 5                      # 5- or 6-day school week
    term_system = "quarters"      # a key of term_systems.toml (default: the region's)
    first_day = 2026-09-01        # optional: default the first term's start
    last_day = 2027-05-26         # optional: default the last term's end

    [[terms]]                     # optional when the system can find them from the vacations
    name = "1 четверть"
    start = 2026-09-01
    end = 2026-10-23
    weeks = 8                     # optional, as the order states
    days = 39                     # optional: school days, as the order states

    [[vacations]]
    name = "Осенние каникулы"     # the name carries the season word
    kind = "autumn"               # optional: autumn, winter, spring, summer, extra (else from the name)
    start = 2026-10-24
    end = 2026-11-01

    [modular]                     # optional: the modular year, N weeks of study then a week off
    study_weeks = 5

    [[groups]]                    # classes with dates of their own
    label = "1 классы"
    grades = [1]                  # and/or classes = ["7М", "8С"]
    term_system = "half_years"    # optional: their own system (terms derived from the vacations)
    last_day = 2027-05-19         # optional: their last day of lessons (exam grades)
    [[groups.vacations]]          # extra ones are added, others replace the school's of that kind
    name = "Дополнительные каникулы для 1 классов"
    start = 2027-02-15
    end = 2027-02-21
    [[groups.terms]]              # optional: their own terms
    …

Every period may carry `source`, where it came from when not from the file's own.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import tomli_w

from calendars.errors import CalendarError
from calendars.fields import FieldReader
from calendars.groups import GradeGroup, class_key
from calendars.modular import ModularRule
from calendars.school_periods import Term, Vacation, VacationKind, kind_of

WEEKS = (5, 6)

# The keys each table may hold (FieldReader.only refuses others, naming the closest valid one).
SECTIONS = ("calendar", "terms", "vacations", "modular", "groups")
HEAD_KEYS = ("source", "federal_default", "week", "term_system", "first_day", "last_day")
TERM_KEYS = ("name", "start", "end", "weeks", "days", "source")
VACATION_KEYS = ("name", "kind", "start", "end", "days", "source")
MODULAR_KEYS = ("study_weeks", "break_weeks")
GROUP_KEYS = ("label", "grades", "classes", "term_system", "first_day", "last_day", "source", "terms", "vacations")


@dataclass(frozen=True)
class CalendarSpec:
    """What a calendar states, before terms are derived and the summer and holidays added."""

    source: str
    federal_default: bool
    week: int
    term_system: str
    first_day: date | None
    last_day: date | None
    terms: tuple[Term, ...]
    vacations: tuple[Vacation, ...]
    groups: tuple[GradeGroup, ...] = ()
    modular: ModularRule | None = None


def read_spec(body: dict[str, Any], where: Path | str, default_system: str) -> CalendarSpec:
    """A calendar from its TOML-shaped table; every error names `where` and the field."""
    reader = FieldReader(where, CalendarError)
    reader.only(body, "", SECTIONS)
    head = reader.table(body, "calendar", default={})
    reader.only(head, "calendar", HEAD_KEYS)
    source = reader.text(head, "source", "calendar", default=str(where))
    week = reader.integer(head, "week", "calendar", default=5)
    if week not in WEEKS:
        reader.fail("calendar.week", f"учебная неделя должна быть 5 или 6 дней, указано «{week}».")
    modular = reader.table(body, "modular") if "modular" in body else None
    if modular is not None:
        reader.only(modular, "modular", MODULAR_KEYS)
    return CalendarSpec(
        source=source,
        federal_default=reader.flag(head, "federal_default", "calendar", default=False),
        week=week,
        term_system=reader.text(head, "term_system", "calendar", default=default_system),
        first_day=_optional_day(reader, head, "first_day", "calendar"),
        last_day=_optional_day(reader, head, "last_day", "calendar"),
        terms=tuple(_terms(reader, body, "terms", "")),
        vacations=tuple(_vacations(reader, body, "vacations", "")),
        groups=tuple(_groups(reader, body)),
        modular=ModularRule(
            reader.integer(modular, "study_weeks", "modular", low=1, high=20),
            reader.integer(modular, "break_weeks", "modular", default=1, low=1, high=4),
        ) if modular is not None else None,
    )


def spec_body(spec: CalendarSpec) -> dict[str, Any]:
    """The TOML-shaped table of a calendar (dates as dates), the inverse of `read_spec`."""
    head: dict[str, Any] = {"source": spec.source, "federal_default": spec.federal_default, "week": spec.week,
                            "term_system": spec.term_system}
    head.update(_days(first_day=spec.first_day, last_day=spec.last_day))
    body: dict[str, Any] = {"calendar": head}
    if spec.modular is not None:
        body["modular"] = {"study_weeks": spec.modular.study_weeks, "break_weeks": spec.modular.break_weeks}
    if spec.terms:
        body["terms"] = [_term_body(term) for term in spec.terms]
    if spec.vacations:
        body["vacations"] = [_vacation_body(vacation) for vacation in spec.vacations]
    if spec.groups:
        body["groups"] = [_group_body(group) for group in spec.groups]
    return body


def plain(value: Any) -> Any:
    """The same table with dates as ISO strings: how a calendar is kept in a JSON column."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def to_toml(body: dict[str, Any], header: str) -> str:
    """A data file: the commented header, then the table (dates written as TOML dates)."""
    comments = "".join(f"# {line}".rstrip() + "\n" for line in header.splitlines())
    return comments + tomli_w.dumps(_dated(body))


def _dated(value: Any) -> Any:
    """ISO strings of a stored table back to dates, so the file holds TOML dates."""
    if isinstance(value, dict):
        return {key: _dated(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_dated(item) for item in value]
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _optional_day(reader: FieldReader, table: dict[str, Any], key: str, where: str) -> date | None:
    return reader.day(table[key], f"{where}.{key}" if where else key) if key in table else None


def _days(**days: date | None) -> dict[str, date]:
    return {key: day for key, day in days.items() if day is not None}


def _counts(**counts: int | None) -> dict[str, int]:
    return {key: value for key, value in counts.items() if value is not None}


def _terms(reader: FieldReader, table: dict[str, Any], key: str, prefix: str) -> Iterator[Term]:
    for number, (where, entry) in enumerate(reader.each(table, key, prefix, default=[]), start=1):
        reader.only(entry, where, TERM_KEYS)
        yield Term(
            reader.text(entry, "name", where, default=f"{number}"),
            reader.day(reader.value(entry, "start", where), f"{where}.start"),
            reader.day(reader.value(entry, "end", where), f"{where}.end"),
            weeks=reader.integer(entry, "weeks", where, low=0, high=53) if "weeks" in entry else None,
            stated_days=reader.integer(entry, "days", where, low=0, high=366) if "days" in entry else None,
            source=reader.text(entry, "source", where, default="") if entry.get("source") else "",
        )


def _vacations(reader: FieldReader, table: dict[str, Any], key: str, prefix: str) -> Iterator[Vacation]:
    for where, entry in reader.each(table, key, prefix, default=[]):
        reader.only(entry, where, VACATION_KEYS)
        name = reader.text(entry, "name", where)
        if "kind" in entry:
            if entry["kind"] not in VacationKind.__members__.values():
                reader.fail(f"{where}.kind", f"неизвестный вид каникул «{entry['kind']}» (известны: {', '.join(VacationKind)}).")
            kind = VacationKind(entry["kind"])
        else:
            found = kind_of(name)
            if found is None:
                reader.fail(where, f"по названию «{name}» не понять, какие это каникулы (осенние, зимние, весенние, "
                                   "летние, дополнительные): укажите kind или назовите их по сезону.")
            kind = found
        yield Vacation(
            name,
            reader.day(reader.value(entry, "start", where), f"{where}.start"),
            reader.day(reader.value(entry, "end", where), f"{where}.end"),
            kind=kind,
            stated_days=reader.integer(entry, "days", where, low=1, high=366) if "days" in entry else None,
            source=reader.text(entry, "source", where, default="") if entry.get("source") else "",
        )


def _groups(reader: FieldReader, body: dict[str, Any]) -> Iterator[GradeGroup]:
    for where, entry in reader.each(body, "groups", default=[]):
        reader.only(entry, where, GROUP_KEYS)
        grades = []
        for grade in reader.entries(entry, "grades", where, default=[]):
            if isinstance(grade, bool) or not isinstance(grade, int) or not 1 <= grade <= 11:
                reader.fail(f"{where}.grades", f"класс (параллель) должен быть числом от 1 до 11, указано «{grade}».")
            grades.append(grade)
        classes = [class_key(str(name)) for name in reader.entries(entry, "classes", where, default=[])]
        if not grades and not classes:
            reader.fail(where, "группа должна назвать классы: grades = [1] или classes = [\"7М\"].")
        yield GradeGroup(
            label=reader.text(entry, "label", where),
            grades=frozenset(grades),
            classes=frozenset(classes),
            term_system=reader.text(entry, "term_system", where) if "term_system" in entry else None,
            terms=tuple(_terms(reader, entry, "terms", where)),
            vacations=tuple(_vacations(reader, entry, "vacations", where)),
            first_day=_optional_day(reader, entry, "first_day", where),
            last_day=_optional_day(reader, entry, "last_day", where),
            source=reader.text(entry, "source", where, default="") if entry.get("source") else "",
        )


def _term_body(term: Term) -> dict[str, Any]:
    return {"name": term.name, "start": term.start, "end": term.end, **_counts(weeks=term.weeks, days=term.stated_days),
            **({"source": term.source} if term.source else {})}


def _vacation_body(vacation: Vacation) -> dict[str, Any]:
    return {"name": vacation.name, "kind": str(vacation.kind), "start": vacation.start, "end": vacation.end,
            **_counts(days=vacation.stated_days), **({"source": vacation.source} if vacation.source else {})}


def _group_body(group: GradeGroup) -> dict[str, Any]:
    body: dict[str, Any] = {"label": group.label}
    if group.grades:
        body["grades"] = sorted(group.grades)
    if group.classes:
        body["classes"] = sorted(group.classes)
    if group.term_system:
        body["term_system"] = group.term_system
    body.update(_days(first_day=group.first_day, last_day=group.last_day))
    if group.source:
        body["source"] = group.source
    if group.terms:
        body["terms"] = [_term_body(term) for term in group.terms]
    if group.vacations:
        body["vacations"] = [_vacation_body(vacation) for vacation in group.vacations]
    return body
