"""A school's profile (classes, staff, venues, slots) read from TOML into checked dataclasses.

The coordinator writes the profile by hand and loads it with
`profplan school load school.toml`; everything the solver relies on is checked
here so that a typo is a Russian error naming the file and field, not a wrong
timetable; every refused field is reported at once (one line each), so a
coordinator fixes the file in one round instead of one error per run. The same parser re-reads the profile stored in the database
(`Profile.to_json()` keeps the file's shape).

Format::

    [school]
    id = "len-kudrovo-1"            # unique; letters, digits, "-", "_"
    name = "МОБУ «СОШ № 1»"
    address = "188691, Ленинградская обл., г. Кудрово, ул. Центральная, 1"   # optional: shown in calendars
    region = "RU-LEN"               # a region of data/calendars/regions.toml
    year = "2023-2024"
    municipality = "Всеволожский район"   # optional: the municipality (район, городской округ)
    level = "basic"                 # basic | main | advanced (профминимум level)
    week = 5                        # 5- or 6-day week (default: the region's)
    closed = [["2024-02-05", "2024-02-11"]]   # optional extra closures (quarantine, own breaks)
    course_slot = "14:20"           # optional: slot of the weekly course «Россия – мои горизонты»
                                    # (default the first slot; a class teacher of several classes
                                    # takes the following slots for the others)
    max_hours_per_day = 2           # optional, default 2: profminimum hours per class per day,
    max_hours_per_week = 4          # default 4: … and per week, both beyond the weekly course

    [[slots]]                       # after-lesson slots, the same every school day;
    start = "14:20"                 # one slot is one academic hour; back-to-back slots
    minutes = 45                    # (breaks up to 20 min) hold sessions of 2+ hours

    [evening]                       # the parent-meeting slot
    start = "18:30"
    minutes = 60

    [[classes]]
    name = "8А"
    grade = 8                       # 1..11; grades 6..11 take part
    students = 27
    teacher = "Иванова М. П."       # class teacher: a staff name with role class_teacher
    level = "main"                  # optional, overrides the school level
    max_hours_per_day = 2           # optional, overrides the school default
    max_hours_per_week = 4          # optional, overrides the school default
    leads = { project = "Петров П. П." }   # optional: who leads an activity for this class

    [[staff]]
    name = "Иванова М. П."
    roles = ["class_teacher", "navigator"]   # roles named by the norms' activities:
                                    # class_teacher, navigator, teacher, tutor, master
    max_hours_per_week = 4          # profminimum sessions (hours) this person may lead a week,
                                    # the weekly course and parent meetings included
    email = "ivanova@school.example"

    [[venues]]
    name = "Актовый зал"
    capacity = 120                  # seats; a class needs capacity >= its students
    kind = "hall"                   # hall | room | external (college or company venue);
                                    # the norms say which kinds an activity needs
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any, NoReturn, ParamSpec, TypeVar

from calendars.academic import Period, region
from calendars.data_files import read_toml
from calendars.errors import CalendarError
from calendars.fields import FieldReader
from calendars.school_year import SchoolYear
from scheduler.errors import FieldProblem, ProfileError
from scheduler.norms import LEVELS

DAY_OPENS = time(7, 0)
DAY_CLOSES = time(22, 0)
MAX_BREAK_MINUTES = 20
_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# The keys each table of the file may hold (FieldReader.only refuses others, suggesting the closest).
SECTIONS = ("school", "slots", "evening", "classes", "staff", "venues")
SCHOOL_KEYS = (
    "id", "name", "region", "year", "level", "week", "closed", "course_slot", "max_hours_per_day", "max_hours_per_week",
    "municipality", "address",
)
SLOT_KEYS = ("start", "minutes")
CLASS_KEYS = ("name", "grade", "students", "teacher", "level", "max_hours_per_day", "max_hours_per_week", "leads")
STAFF_KEYS = ("name", "roles", "max_hours_per_week", "email")
VENUE_KEYS = ("name", "capacity", "kind")
_P = ParamSpec("_P")
_T = TypeVar("_T")


@dataclass(frozen=True)
class Slot:
    """A time slot every school day: its start and length (one academic hour of profminimum)."""

    start: time
    minutes: int

    @property
    def end(self) -> time:
        return _add_minutes(self.start, self.minutes)

    def label(self) -> str:
        return f"{self.start:%H:%M}"


@dataclass(frozen=True)
class SchoolClass:
    name: str
    grade: int
    students: int
    teacher: str
    level: str
    max_hours_per_day: int
    max_hours_per_week: int
    leads: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Staff:
    name: str
    roles: tuple[str, ...]
    max_hours_per_week: int
    email: str


@dataclass(frozen=True)
class Venue:
    name: str
    capacity: int
    kind: str


@dataclass(frozen=True)
class Profile:
    """A checked school profile."""

    id: str
    name: str
    address: str | None
    region: str
    year: SchoolYear
    level: str
    week: int | None
    closed: tuple[Period, ...]
    slots: tuple[Slot, ...]
    evening: Slot
    course_slot: int
    classes: tuple[SchoolClass, ...]
    staff: tuple[Staff, ...]
    venues: tuple[Venue, ...]
    source: str
    municipality: str | None = None

    def staff_member(self, name: str) -> Staff:
        return next(person for person in self.staff if person.name == name)

    def consecutive(self, first: int, count: int) -> bool:
        """Whether slots first..first+count-1 exist and follow each other with short breaks."""
        if first + count > len(self.slots):
            return False
        return all(
            _minutes(self.slots[index].end, self.slots[index + 1].start) <= MAX_BREAK_MINUTES
            for index in range(first, first + count - 1)
        )

    def to_json(self) -> dict[str, Any]:
        """The profile in the file's own shape, so `parse_profile` reads it back unchanged."""
        return {
            "school": {
                "id": self.id,
                "name": self.name,
                **({"address": self.address} if self.address else {}),
                "region": self.region,
                "year": str(self.year),
                **({"municipality": self.municipality} if self.municipality else {}),
                "level": self.level,
                **({"week": self.week} if self.week else {}),
                "closed": [[period.start.isoformat(), period.end.isoformat()] for period in self.closed],
                "course_slot": self.slots[self.course_slot].label(),
            },
            "slots": [{"start": slot.label(), "minutes": slot.minutes} for slot in self.slots],
            "evening": {"start": self.evening.label(), "minutes": self.evening.minutes},
            "classes": [
                {
                    "name": cls.name, "grade": cls.grade, "students": cls.students, "teacher": cls.teacher,
                    "level": cls.level, "max_hours_per_day": cls.max_hours_per_day,
                    "max_hours_per_week": cls.max_hours_per_week, "leads": dict(cls.leads),
                }
                for cls in self.classes
            ],
            "staff": [
                {"name": p.name, "roles": list(p.roles), "max_hours_per_week": p.max_hours_per_week, "email": p.email}
                for p in self.staff
            ],
            "venues": [{"name": v.name, "capacity": v.capacity, "kind": v.kind} for v in self.venues],
        }


def load_profile(path: Path) -> Profile:
    """Read and check a profile file."""
    return parse_profile(read_toml(path), str(path))


class _Reader(FieldReader):
    """A FieldReader whose errors keep the field apart from the message (`ProfileError.problems`)."""

    def fail(self, where: str, message: str) -> NoReturn:
        raise ProfileError([FieldProblem(str(self.path), where, message)])


class _Problems:
    """The refused fields of one profile, collected so that one upload or one `school load` reports them all.

    Every independent check runs through `check`: a refused one is kept and
    gives None, and the checks after it still run; a check that needs a
    refused value (the slots for the course slot, the school year for the
    closures) is skipped rather than reported twice.
    """

    def __init__(self) -> None:
        self.found: list[FieldProblem] = []

    def check(self, read: Callable[_P, _T], *args: _P.args, **kwargs: _P.kwargs) -> _T | None:
        try:
            return read(*args, **kwargs)
        except ProfileError as exc:
            self.found.extend(exc.problems)
            return None

    def only(self, reader: FieldReader, table: dict[str, Any], where: str, keys: tuple[str, ...]) -> None:
        """`FieldReader.only` key by key, so two misspelled keys of one table are both named."""
        for key in table:
            self.check(reader.only, {key: None}, where, keys)


def _known(value: _T | None) -> _T:
    """A value that was read: parse_profile builds the Profile only after every check passed."""
    assert value is not None
    return value


def parse_profile(table: dict[str, Any], source: str) -> Profile:
    """Check a profile table; `source` (a file name) starts every error message.

    Every refused field is reported, not only the first: a ProfileError
    carries them all (each with its field path), and nothing is built until
    the whole profile is valid.
    """
    reader = _Reader(source, ProfileError)
    problems = _Problems()
    problems.only(reader, table, "", SECTIONS)
    head = problems.check(reader.table, table, "school")
    school = _head(reader, problems, head) if head is not None else _Head()
    slots = _slots(reader, problems, table)
    evening_table = problems.check(reader.table, table, "evening")
    evening = problems.check(_slot, reader, problems, evening_table, "evening") if evening_table is not None else None
    for index, slot in enumerate(slots or ()):
        if evening is not None and _overlap(slot, evening):
            problems.check(reader.fail, "evening", f"вечерний слот пересекается со slots[{index + 1}] ({slot.label()}).")
    course_slot = None
    if slots and head is not None:
        course_label = problems.check(reader.text, head, "course_slot", "school", slots[0].label())
        course_slot = next((index for index, slot in enumerate(slots) if slot.label() == course_label), None)
        if course_label is not None and course_slot is None:
            problems.check(reader.fail, "school.course_slot", f"«{course_label}» не начало ни одного из slots.")
    staff, staff_names = _staff(reader, problems, table)
    classes = _classes(reader, problems, table, school, staff, staff_names)
    venues = _venues(reader, problems, table)
    if problems.found:
        raise ProfileError(problems.found)
    return Profile(
        id=_known(school.id),
        name=_known(school.name),
        address=school.address,
        region=_known(school.region),
        year=_known(school.year),
        level=_known(school.level),
        week=school.week or None,
        closed=_known(school.closed),
        slots=_known(slots),
        evening=_known(evening),
        course_slot=_known(course_slot),
        classes=classes,
        staff=staff,
        venues=venues,
        source=source,
        municipality=school.municipality,
    )


@dataclass
class _Head:
    """The [school] table's values as read; None where a field was refused (or the table is missing)."""

    id: str | None = None
    name: str | None = None
    address: str | None = None
    municipality: str | None = None
    region: str | None = None
    year: SchoolYear | None = None
    level: str | None = None
    week: int | None = None
    max_hours_per_day: int | None = None
    max_hours_per_week: int | None = None
    closed: tuple[Period, ...] | None = None


def _head(reader: FieldReader, problems: _Problems, head: dict[str, Any]) -> _Head:
    problems.only(reader, head, "school", SCHOOL_KEYS)
    found = _Head()
    found.id = problems.check(reader.text, head, "id", "school")
    if found.id is not None and not _ID_RE.match(found.id):
        problems.check(reader.fail, "school.id", f"«{found.id}»: допустимы латинские буквы, цифры, «-» и «_».")
    found.name = problems.check(reader.text, head, "name", "school")
    if "address" in head:
        found.address = problems.check(reader.text, head, "address", "school")
    if "municipality" in head:
        found.municipality = problems.check(reader.text, head, "municipality", "school")
    found.region = problems.check(_region, reader, head)
    found.year = problems.check(_year, reader, head)
    found.level = problems.check(_level, reader, head, "school", None)
    found.week = problems.check(reader.integer, head, "week", "school", 0)
    if found.week not in (None, 0, 5, 6):
        problems.check(reader.fail, "school.week", f"учебная неделя должна быть 5 или 6 дней, указано {found.week}.")
    found.max_hours_per_day = problems.check(reader.integer, head, "max_hours_per_day", "school", 2, low=1, high=8)
    found.max_hours_per_week = problems.check(reader.integer, head, "max_hours_per_week", "school", 4, low=1, high=40)
    found.closed = _closures(reader, problems, head, found.year)
    return found


def _region(reader: FieldReader, head: dict[str, Any]) -> str:
    code = reader.text(head, "region", "school")
    try:
        return region(code).code
    except CalendarError as exc:
        reader.fail("school.region", str(exc))


def _year(reader: FieldReader, head: dict[str, Any]) -> SchoolYear:
    text = reader.text(head, "year", "school")
    try:
        return SchoolYear.parse(text)
    except CalendarError as exc:
        reader.fail("school.year", str(exc))


def _level(reader: FieldReader, table: dict[str, Any], where: str, default: str | None) -> str:
    level = reader.text(table, "level", where) if default is None else reader.text(table, "level", where, default)
    if level not in LEVELS:
        reader.fail(f"{where}.level", f"неизвестный уровень «{level}» (допустимы: {', '.join(LEVELS)}).")
    return level


def _slot(reader: FieldReader, problems: _Problems, entry: dict[str, Any], where: str) -> Slot:
    """One slot; its start and length are checked apart (both reported), then whether it fits the day."""
    problems.only(reader, entry, where, SLOT_KEYS)
    start_value = problems.check(reader.value, entry, "start", where)
    start = problems.check(reader.clock, start_value, f"{where}.start") if start_value is not None else None
    minutes = problems.check(reader.integer, entry, "minutes", where, low=30, high=120)
    if start is None or minutes is None:
        raise ProfileError([])  # the refused fields are already in `problems`
    slot = Slot(start, minutes)
    if start < DAY_OPENS or _minutes(start, DAY_CLOSES) < slot.minutes:
        reader.fail(where, f"слот {slot.label()} на {slot.minutes} мин выходит за пределы дня ({DAY_OPENS:%H:%M}–{DAY_CLOSES:%H:%M}).")
    return slot


def _slots(reader: FieldReader, problems: _Problems, table: dict[str, Any]) -> tuple[Slot, ...] | None:
    """The slots in time order; None when one was refused (the course slot is then not checked)."""
    entries = problems.check(reader.tables, table, "slots")
    if entries is None:
        return None
    if not entries:
        problems.check(reader.fail, "slots", "нужен хотя бы один слот после уроков.")
        return None
    read = [problems.check(_slot, reader, problems, entry, where) for where, entry in reader.each(table, "slots")]
    slots = [slot for slot in read if slot is not None]
    if len(slots) != len(read):
        return None
    order = sorted(range(len(slots)), key=lambda index: slots[index].start)
    for earlier, later in pairwise(order):
        if _overlap(slots[earlier], slots[later]):
            problems.check(reader.fail, f"slots[{later + 1}]",
                           f"слот {slots[later].label()} пересекается со slots[{earlier + 1}] ({slots[earlier].label()}).")
    return tuple(slots[index] for index in order)


def _entries(reader: FieldReader, problems: _Problems, table: dict[str, Any], key: str,
             default: Any = None) -> list[tuple[str, dict[str, Any]]]:
    """The entries of an array of tables with their names; [] (the error kept) when it is not one."""
    args = (table, key) if default is None else (table, key, "", default)
    if problems.check(reader.tables, *args) is None:
        return []
    return list(reader.each(*args))


def _staff(reader: FieldReader, problems: _Problems,
           table: dict[str, Any]) -> tuple[tuple[Staff, ...], set[str] | None]:
    """The valid staff, and every name the staff entries give (a class naming a refused person is not
    reported again for it); None for the names when the staff list itself is refused."""
    staff = []
    names: set[str] = set()
    if problems.check(reader.tables, table, "staff") is None:
        return (), None
    for where, entry in reader.each(table, "staff"):
        problems.only(reader, entry, where, STAFF_KEYS)
        name = problems.check(reader.text, entry, "name", where)
        roles = problems.check(reader.entries, entry, "roles", where)
        if roles is not None and (not roles or not all(isinstance(role, str) and role.strip() for role in roles)):
            roles = problems.check(reader.fail, f"{where}.roles", "нужен непустой список ролей (строк).")
        email = problems.check(reader.text, entry, "email", where)
        if email is not None and not _EMAIL_RE.match(email):
            email = problems.check(reader.fail, f"{where}.email", f"«{email}» не адрес электронной почты.")
        hours = problems.check(reader.integer, entry, "max_hours_per_week", where, low=0, high=40)
        if name is not None:
            names.add(name)
        if name is not None and roles is not None and email is not None and hours is not None:
            staff.append(Staff(name, tuple(role.strip() for role in roles), hours, email))
    _unique(reader, problems, "staff", table.get("staff"))
    return tuple(staff), names


def _classes(reader: FieldReader, problems: _Problems, table: dict[str, Any], school: _Head,
             staff: tuple[Staff, ...], staff_names: set[str] | None) -> tuple[SchoolClass, ...]:
    """The valid classes; whom they name is checked against the staff unless the staff list is refused."""
    by_name = {person.name: person for person in staff}
    classes = []
    for where, entry in _entries(reader, problems, table, "classes"):
        problems.only(reader, entry, where, CLASS_KEYS)
        teacher = problems.check(reader.text, entry, "teacher", where)
        if teacher is not None and staff_names is not None and teacher not in staff_names:
            teacher = problems.check(reader.fail, f"{where}.teacher", f"«{teacher}» нет среди staff.")
        elif teacher in by_name and "class_teacher" not in by_name[teacher].roles:
            teacher = problems.check(reader.fail, f"{where}.teacher", f"у «{teacher}» нет роли class_teacher.")
        leads = problems.check(reader.table, entry, "leads", where, {})
        for activity, person in (leads or {}).items():
            if staff_names is not None and not (isinstance(person, str) and person in staff_names):
                leads = problems.check(reader.fail, f"{where}.leads.{activity}", f"«{person}» нет среди staff.")
        # Without its own level a class takes the school's; a refused school level is reported once, there.
        level = problems.check(_level, reader, entry, where, school.level) \
            if "level" in entry or school.level is not None else None
        school_class = (
            problems.check(reader.text, entry, "name", where),
            problems.check(reader.integer, entry, "grade", where, low=1, high=11),
            problems.check(reader.integer, entry, "students", where, low=1, high=60),
            problems.check(reader.integer, entry, "max_hours_per_day", where, school.max_hours_per_day or 2,
                           low=1, high=8),
            problems.check(reader.integer, entry, "max_hours_per_week", where, school.max_hours_per_week or 4,
                           low=1, high=40),
        )
        name, grade, students, per_day, per_week = school_class
        if None in school_class or teacher is None or leads is None or level is None:
            continue
        classes.append(SchoolClass(
            name=_known(name), grade=_known(grade), students=_known(students), teacher=teacher, level=level,
            max_hours_per_day=_known(per_day), max_hours_per_week=_known(per_week),
            leads={str(activity): str(person) for activity, person in leads.items()},
        ))
    _unique(reader, problems, "classes", table.get("classes"))
    return tuple(classes)


def _venues(reader: FieldReader, problems: _Problems, table: dict[str, Any]) -> tuple[Venue, ...]:
    venues = []
    for where, entry in _entries(reader, problems, table, "venues", default=[]):
        problems.only(reader, entry, where, VENUE_KEYS)
        name = problems.check(reader.text, entry, "name", where)
        capacity = problems.check(reader.integer, entry, "capacity", where, low=1, high=10000)
        kind = problems.check(reader.text, entry, "kind", where, "room")
        if name is not None and capacity is not None and kind is not None:
            venues.append(Venue(name, capacity, kind))
    _unique(reader, problems, "venues", table.get("venues"))
    return tuple(venues)


def _closures(reader: FieldReader, problems: _Problems, head: dict[str, Any],
              year: SchoolYear | None) -> tuple[Period, ...] | None:
    """The extra closures; None when one was refused. Their range is checked only against a valid year."""
    pairs = problems.check(reader.entries, head, "closed", "school", [])
    if pairs is None:
        return None
    read = [problems.check(_closure, reader, pair, f"school.closed[{number}]", year)
            for number, pair in enumerate(pairs, start=1)]
    closures = [period for period in read if period is not None]
    return tuple(closures) if len(closures) == len(read) else None


def _closure(reader: FieldReader, pair: Any, where: str, year: SchoolYear | None) -> Period:
    if not isinstance(pair, list) or len(pair) != 2:
        reader.fail(where, "ожидается пара дат [\"ГГГГ-ММ-ДД\", \"ГГГГ-ММ-ДД\"].")
    start, end = reader.day(pair[0], where), reader.day(pair[1], where)
    if end < start:
        reader.fail(where, f"конец {end:%d.%m.%Y} раньше начала {start:%d.%m.%Y}.")
    if year is not None and (start < year.start or end > year.end):
        reader.fail(where, f"даты вне учебного года {year}.")
    return Period("Закрытие школы", start, end)


def _unique(reader: FieldReader, problems: _Problems, where: str, entries: Any) -> None:
    """A name given twice in one list, at its second place (entries that are not tables are refused elsewhere)."""
    given = [entry.get("name") if isinstance(entry, dict) else None for entry in entries] \
        if isinstance(entries, list) else []
    names = [name.strip() if isinstance(name, str) else None for name in given]
    for index, name in enumerate(names):
        if name and names.index(name) != index:
            problems.check(reader.fail, f"{where}[{index + 1}].name", f"«{name}» повторяется.")


def _add_minutes(start: time, minutes: int) -> time:
    moment = datetime.combine(date(2000, 1, 1), start) + timedelta(minutes=minutes)
    return moment.time()


def _minutes(start: time, end: time) -> int:
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


def _overlap(first: Slot, second: Slot) -> bool:
    a0, b0 = _minutes(DAY_OPENS, first.start), _minutes(DAY_OPENS, second.start)
    return a0 < b0 + second.minutes and b0 < a0 + first.minutes
