"""A school's profile (classes, staff, venues, slots) read from TOML into checked dataclasses.

The coordinator writes the profile by hand and loads it with
`profplan school load school.toml`; everything the solver relies on is checked
here so that a typo is a Russian error naming the file and field, not a wrong
timetable. The same parser re-reads the profile stored in the database
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
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

from calendars.academic import Period, region
from calendars.data_files import read_toml
from calendars.errors import CalendarError
from calendars.fields import FieldReader
from calendars.school_year import SchoolYear
from scheduler.errors import ProfileError
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


def parse_profile(table: dict[str, Any], source: str) -> Profile:
    """Check a profile table; `source` (a file name) starts every error message."""
    reader = FieldReader(source, ProfileError)
    reader.only(table, "", SECTIONS)
    head = reader.table(table, "school")
    reader.only(head, "school", SCHOOL_KEYS)
    school_id = reader.text(head, "id", "school")
    if not _ID_RE.match(school_id):
        reader.fail("school.id", f"«{school_id}»: допустимы латинские буквы, цифры, «-» и «_».")
    try:
        region_code = region(reader.text(head, "region", "school")).code
    except CalendarError as exc:
        reader.fail("school.region", str(exc))
    try:
        year = SchoolYear.parse(reader.text(head, "year", "school"))
    except CalendarError as exc:
        reader.fail("school.year", str(exc))
    level = _level(reader, head, "school", None)
    week = reader.integer(head, "week", "school", 0)
    if week not in (0, 5, 6):
        reader.fail("school.week", f"учебная неделя должна быть 5 или 6 дней, указано {week}.")
    slots = _slots(reader, table)
    evening = _slot(reader, reader.table(table, "evening"), "evening")
    for index, slot in enumerate(slots):
        if _overlap(slot, evening):
            reader.fail("evening", f"вечерний слот пересекается со slots[{index + 1}] ({slot.label()}).")
    course_label = reader.text(head, "course_slot", "school", slots[0].label())
    course_slot = next((index for index, slot in enumerate(slots) if slot.label() == course_label), None)
    if course_slot is None:
        reader.fail("school.course_slot", f"«{course_label}» не начало ни одного из slots.")
    staff = _staff(reader, table)
    by_name = {person.name: person for person in staff}
    default_day = reader.integer(head, "max_hours_per_day", "school", 2, low=1, high=8)
    default_week = reader.integer(head, "max_hours_per_week", "school", 4, low=1, high=40)
    classes = tuple(
        _school_class(reader, entry, where, level, by_name, default_day, default_week)
        for where, entry in reader.each(table, "classes")
    )
    _unique(reader, "classes", [cls.name for cls in classes])
    venues = tuple(_venue(reader, entry, where) for where, entry in reader.each(table, "venues", default=[]))
    _unique(reader, "venues", [venue.name for venue in venues])
    return Profile(
        id=school_id,
        name=reader.text(head, "name", "school"),
        address=reader.text(head, "address", "school") if "address" in head else None,
        region=region_code,
        year=year,
        level=level,
        week=week or None,
        closed=_closures(reader, head, year),
        slots=slots,
        evening=evening,
        course_slot=course_slot,
        classes=classes,
        staff=staff,
        venues=venues,
        source=source,
        municipality=reader.text(head, "municipality", "school") if "municipality" in head else None,
    )


def _level(reader: FieldReader, table: dict[str, Any], where: str, default: str | None) -> str:
    level = reader.text(table, "level", where) if default is None else reader.text(table, "level", where, default)
    if level not in LEVELS:
        reader.fail(f"{where}.level", f"неизвестный уровень «{level}» (допустимы: {', '.join(LEVELS)}).")
    return level


def _slot(reader: FieldReader, entry: dict[str, Any], where: str) -> Slot:
    reader.only(entry, where, SLOT_KEYS)
    start = reader.clock(reader.value(entry, "start", where), f"{where}.start")
    slot = Slot(start, reader.integer(entry, "minutes", where, low=30, high=120))
    if start < DAY_OPENS or _minutes(start, DAY_CLOSES) < slot.minutes:
        reader.fail(where, f"слот {slot.label()} на {slot.minutes} мин выходит за пределы дня ({DAY_OPENS:%H:%M}–{DAY_CLOSES:%H:%M}).")
    return slot


def _slots(reader: FieldReader, table: dict[str, Any]) -> tuple[Slot, ...]:
    entries = reader.tables(table, "slots")
    if not entries:
        reader.fail("slots", "нужен хотя бы один слот после уроков.")
    slots = [_slot(reader, entry, where) for where, entry in reader.each(table, "slots")]
    order = sorted(range(len(slots)), key=lambda index: slots[index].start)
    for earlier, later in pairwise(order):
        if _overlap(slots[earlier], slots[later]):
            reader.fail(f"slots[{later + 1}]", f"слот {slots[later].label()} пересекается со slots[{earlier + 1}] ({slots[earlier].label()}).")
    return tuple(slots[index] for index in order)


def _staff(reader: FieldReader, table: dict[str, Any]) -> tuple[Staff, ...]:
    staff = []
    for where, entry in reader.each(table, "staff"):
        reader.only(entry, where, STAFF_KEYS)
        roles = reader.entries(entry, "roles", where)
        if not roles or not all(isinstance(role, str) and role.strip() for role in roles):
            reader.fail(f"{where}.roles", "нужен непустой список ролей (строк).")
        email = reader.text(entry, "email", where)
        if not _EMAIL_RE.match(email):
            reader.fail(f"{where}.email", f"«{email}» не адрес электронной почты.")
        staff.append(Staff(
            reader.text(entry, "name", where),
            tuple(role.strip() for role in roles),
            reader.integer(entry, "max_hours_per_week", where, low=0, high=40),
            email,
        ))
    _unique(reader, "staff", [person.name for person in staff])
    return tuple(staff)


def _school_class(
    reader: FieldReader, entry: dict[str, Any], where: str, school_level: str,
    staff: dict[str, Staff], default_day: int, default_week: int,
) -> SchoolClass:
    reader.only(entry, where, CLASS_KEYS)
    teacher = reader.text(entry, "teacher", where)
    if teacher not in staff:
        reader.fail(f"{where}.teacher", f"«{teacher}» нет среди staff.")
    if "class_teacher" not in staff[teacher].roles:
        reader.fail(f"{where}.teacher", f"у «{teacher}» нет роли class_teacher.")
    leads = reader.table(entry, "leads", where, {})
    for activity, person in leads.items():
        if person not in staff:
            reader.fail(f"{where}.leads.{activity}", f"«{person}» нет среди staff.")
    return SchoolClass(
        name=reader.text(entry, "name", where),
        grade=reader.integer(entry, "grade", where, low=1, high=11),
        students=reader.integer(entry, "students", where, low=1, high=60),
        teacher=teacher,
        level=_level(reader, entry, where, school_level),
        max_hours_per_day=reader.integer(entry, "max_hours_per_day", where, default_day, low=1, high=8),
        max_hours_per_week=reader.integer(entry, "max_hours_per_week", where, default_week, low=1, high=40),
        leads={str(activity): str(person) for activity, person in leads.items()},
    )


def _venue(reader: FieldReader, entry: dict[str, Any], where: str) -> Venue:
    reader.only(entry, where, VENUE_KEYS)
    return Venue(
        reader.text(entry, "name", where),
        reader.integer(entry, "capacity", where, low=1, high=10000),
        reader.text(entry, "kind", where, "room"),
    )


def _closures(reader: FieldReader, head: dict[str, Any], year: SchoolYear) -> tuple[Period, ...]:
    closures = []
    for number, pair in enumerate(reader.entries(head, "closed", "school", []), start=1):
        where = f"school.closed[{number}]"
        if not isinstance(pair, list) or len(pair) != 2:
            reader.fail(where, "ожидается пара дат [\"ГГГГ-ММ-ДД\", \"ГГГГ-ММ-ДД\"].")
        start, end = reader.day(pair[0], where), reader.day(pair[1], where)
        if end < start:
            reader.fail(where, f"конец {end:%d.%m.%Y} раньше начала {start:%d.%m.%Y}.")
        if start < year.start or end > year.end:
            reader.fail(where, f"даты вне учебного года {year}.")
        closures.append(Period("Закрытие школы", start, end))
    return tuple(closures)


def _unique(reader: FieldReader, where: str, names: list[str]) -> None:
    for index, name in enumerate(names):
        if names.index(name) != index:
            reader.fail(f"{where}[{index + 1}].name", f"«{name}» повторяется.")


def _add_minutes(start: time, minutes: int) -> time:
    moment = datetime.combine(date(2000, 1, 1), start) + timedelta(minutes=minutes)
    return moment.time()


def _minutes(start: time, end: time) -> int:
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


def _overlap(first: Slot, second: Slot) -> bool:
    a0, b0 = _minutes(DAY_OPENS, first.start), _minutes(DAY_OPENS, second.start)
    return a0 < b0 + second.minutes and b0 < a0 + first.minutes
