"""Importing a vacation order or a school's КУГ: read, preview, confirm, store — or nothing at all.

`preview_import` reads the document, builds the calendar it sets over the
one in force (`build`), checks it whole and lists how it differs (`diff`);
nothing is written. `store_import` keeps it in the database (the region's
calendar for the year, or one school's with `school`) with the file's name
and SHA-256, in one transaction that also brings the deadline occurrences of
the region's roadmaps in line with the new terms; importing the same file
again changes nothing. It names the schools whose current timetable was
planned on the old dates, since re-planning is the coordinator's decision.
The calendar that applies is `calendar_orders.applicable`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from calendar_orders.applicable import school_of_region
from calendar_orders.diff import Difference, differences
from calendar_orders.errors import CalendarImportError
from calendars.academic import AcademicCalendar, CalendarOrigin, build_calendar, load_calendar
from calendars.calendar_format import plain, spec_body, to_toml
from calendars.regions import Region, region
from calendars.school_year import SchoolYear
from calendars.stored import StoredCalendar, StoredOrigin, find_stored, stored_exactly
from calendars.term_systems import term_system
from roadmaps.tables import Roadmap
from scheduler.tables import School, Timetable
from store.db import transaction
from tracking.occurrences import SyncResult, sync_roadmap

if TYPE_CHECKING:
    from calendar_orders.build import Reading

WEEKS_TOLERANCE = 1.5
"""How far a stated week count may be from the school days counted (in weeks) before it is pointed out."""


@dataclass
class Preview:
    """What an import would store, and how it differs from the calendar in force."""

    path: Path
    region: Region
    year: SchoolYear
    school: str | None
    content_hash: str
    reading: Reading
    current: AcademicCalendar
    calendar: AcademicCalendar
    differences: list[Difference]
    unchanged: bool

    @property
    def body(self) -> dict[str, Any]:
        """The calendar as it is stored (and exported)."""
        return plain(spec_body(self.reading.spec))

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.path.name,
            "sha256": self.content_hash,
            "region": self.region.code,
            "year": str(self.year),
            "school": self.school,
            "unchanged": self.unchanged,
            "current": self.current.describe_origin(),
            "calendar": self.calendar.to_json(),
            "differences": [difference.to_json() for difference in self.differences],
            "inherited": self.reading.inherited,
            "notes": self.reading.notes,
            "warnings": self.reading.warnings,
            "skipped": [{"where": entry.where, "text": entry.text, "reason": entry.name} for entry in self.reading.skipped],
        }


@dataclass
class StoreResult:
    """What storing did: created or replaced (or nothing), the occurrences re-synced, the timetables now stale."""

    created: bool
    unchanged: bool
    synced: SyncResult
    stale_timetables: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"created": self.created, "unchanged": self.unchanged, "occurrences": self.synced.to_json(),
                "replan": self.stale_timetables}


def preview_import(
    engine: Engine | None, path: Path, region_code: str, year: SchoolYear | str, school: str | None = None,
    terms: str | None = None,
) -> Preview:
    """Read the document and build the calendar it sets; nothing is written. Any bad row is a CalendarImportError."""
    # The document readers (PDF, spreadsheets, ODF …) load only when a document is read: `profplan calendar`
    # uses this module for the calendar that applies and must start as a light command.
    from calendar_orders.build import build_reading
    from calendar_orders.document import read_document

    reg = region(region_code)
    school_year = year if isinstance(year, SchoolYear) else SchoolYear.parse(year)
    if terms is not None:
        term_system(terms, "--terms")
    path = Path(path)
    document = read_document(path, school_year)
    content_hash = hashlib.sha256(path.read_bytes()).hexdigest()
    if engine is None:
        if school is not None:
            raise CalendarImportError("Календарь школы хранится в базе: загрузите школу (profplan school load) в эту базу.")
        current, stored = load_calendar(reg.code, school_year), None
    else:
        with transaction(engine) as session:
            if school is not None:
                school_of_region(session, school, reg)
            current = load_calendar(reg.code, school_year, school=school, session=session)
            stored = stored_exactly(session, reg.code, school_year, school)
    reading = build_reading(document, current, school_year, terms)
    origin = StoredOrigin(path.name, content_hash, datetime.now(UTC), school)
    calendar = build_calendar(reg, school_year, reading.spec, path.name,
                              origin=CalendarOrigin.SCHOOL if school else CalendarOrigin.REGION, stored=origin)
    reading.warnings = list(_count_warnings(calendar))
    preview = Preview(path, reg, school_year, school, content_hash, reading, current, calendar, differences(current, calendar),
                      unchanged=False)
    preview.unchanged = stored is not None and stored.content_hash == content_hash and stored.body == preview.body
    return preview


def store_import(engine: Engine, preview: Preview) -> StoreResult:
    """Keep the previewed calendar, re-sync the region's deadline occurrences, name the stale timetables."""
    if preview.unchanged:
        return StoreResult(created=False, unchanged=True, synced=SyncResult(0, 0, 0))
    with transaction(engine) as session:
        record = stored_exactly(session, preview.region.code, preview.year, preview.school)
        created = record is None
        if record is None:
            record = StoredCalendar(region=preview.region.code, school_year=str(preview.year), school_id=preview.school,
                                    source_name="", content_hash="", imported_at=datetime.now(UTC))
        record.source_name, record.content_hash = preview.path.name, preview.content_hash
        record.body, record.imported_at = preview.body, datetime.now(UTC)
        session.add(record)
        session.flush()
        return StoreResult(created, False, _resync(session, preview.region.code, preview.school),
                           _stale(session, preview.region.code, preview.year, preview.school))


def remove_calendar(engine: Engine, region_code: str, year: SchoolYear | str, school: str | None = None) -> StoreResult:
    """Forget an imported calendar: the bundled one (or the region's, for a school) applies again."""
    reg = region(region_code)
    school_year = year if isinstance(year, SchoolYear) else SchoolYear.parse(year)
    with transaction(engine) as session:
        record = stored_exactly(session, reg.code, school_year, school)
        if record is None:
            whose = f"школы «{school}»" if school else f"региона {reg.code}"
            raise CalendarImportError(f"В базе нет загруженного календаря {whose} на {school_year} учебный год.")
        session.delete(record)
        session.flush()
        return StoreResult(False, False, _resync(session, reg.code, school), _stale(session, reg.code, school_year, school))


def export_calendar(session: Session | None, region_code: str, year: SchoolYear | str, school: str | None = None) -> str:
    """The calendar in force as a data file for `data/calendars/<region>/<year>.toml`, with its source in the header.

    A stored calendar is written from the table kept in the database; a
    bundled file as it is; the federal rules as the dates they give.
    """
    reg = region(region_code)
    school_year = year if isinstance(year, SchoolYear) else SchoolYear.parse(year)
    if school is not None and session is not None:
        school_of_region(session, school, reg)
    calendar = load_calendar(reg.code, school_year, school=school, session=session)
    if calendar.stored is None and calendar.source_file is not None:
        return calendar.source_file.read_text(encoding="utf-8")
    record = find_stored(session, reg.code, school_year, school) if session is not None else None
    body = record.body if record is not None else plain(spec_body(calendar.to_spec()))
    header = "\n".join([
        f"{reg.name} ({reg.code}), {school_year} учебный год" + (f", школа {school}" if school else "") + ".",
        f"Источник: {calendar.source}.",
        f"Выгружено командой profplan calendar export: {calendar.describe_origin()}.",
    ])
    return to_toml(body, header)


def _count_warnings(calendar: AcademicCalendar) -> Iterator[str]:
    """Terms whose stated school days or weeks differ from what the calendar counts: shown for a person to check.

    Not an error: a school may count a shortened day or a 6-day week its
    own way; a typed date is the likelier mistake and this points to it.
    """
    schedules = [(None, None, "")] + [(min(g.grades) if g.grades else None, min(g.classes) if g.classes else None,
                                       f" (группа «{g.label}»)") for g in calendar.groups if g.terms or g.term_system]
    for grade, name, whose in schedules:
        for term in calendar.schedule(grade, name).terms:
            days = len(calendar.school_days(term.start, term.end, grade, name))
            if term.stated_days is not None and term.stated_days != days:
                yield (f"{term.source}: «{term.name}»{whose} — указано учебных дней: {term.stated_days}, "
                       f"а по календарю ({calendar.week}-дневная неделя, праздники) — {days}.")
            if term.weeks is not None and abs(days / calendar.week - term.weeks) > WEEKS_TOLERANCE:
                yield (f"{term.source}: «{term.name}»{whose} — указано учебных недель: {term.weeks}, "
                       f"а учебных дней по календарю {days} (около {days / calendar.week:.0f} нед.).")


def _resync(session: Session, region_code: str, school: str | None) -> SyncResult:
    """The region's roadmaps' occurrences on the new terms (a school's own calendar changes no roadmap)."""
    if school is not None:
        return SyncResult(0, 0, 0)
    roadmaps = session.exec(select(Roadmap).where(Roadmap.region == region_code)).all()
    return sum((sync_roadmap(session, roadmap) for roadmap in roadmaps), SyncResult(0, 0, 0))


def _stale(session: Session, region_code: str, year: SchoolYear, school: str | None) -> list[str]:
    """Schools of the region and year whose current timetable was planned on the calendar just replaced."""
    query = (select(School.id).join(Timetable, col(Timetable.school_id) == col(School.id))
             .where(School.region == region_code, School.year == str(year), col(Timetable.current).is_(True)))
    if school is not None:
        query = query.where(School.id == school)
    return sorted(set(session.exec(query).all()))
