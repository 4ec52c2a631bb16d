"""The scheduler's library API for the CLI and tests: load a school, schedule, re-plan, query.

Each function takes an Engine, works in one transaction (an infeasible or
failed solve writes nothing, so the previous timetable stays current) and
returns plain data with `to_json()`; the CLI only renders it.

- `load_school(engine, path)` → SchoolResult
- `schedule(engine, school_id, start=None, end=None, time_limit=60, seed=0, workers=2)` → ScheduleResult
- `replan(engine, school_id, closed, as_of=None, time_limit=60, seed=0, workers=2)` → ReplanResult
- `timetable(engine, school_id, class_name=None, staff=None)` → TimetableView
- `compliance_report(engine, school_id)` → ComplianceReport
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from calendars.academic import Period, region
from calendars.deadlines.spec import DeadlineDataError, DeadlineSpec
from calendars.suggest import did_you_mean
from roadmaps.importer import ROADMAPS_LOCK
from roadmaps.tables import Item, Roadmap
from scheduler.compliance import ComplianceRow, compliance, required_from_json, required_json
from scheduler.errors import SchedulingError
from scheduler.norms import Norms, load_norms
from scheduler.problem import ItemWindow, Placed, Problem, build_problem, normalise
from scheduler.profile import Profile, load_profile, parse_profile
from scheduler.replan import Change, as_placed, changes
from scheduler.settings import SolverSettings
from scheduler.solve import Solution, solve
from scheduler.tables import Placement, School, Timetable
from store.db import transaction
from store.locks import Lock

DEFAULT_TIME_LIMIT = 60.0
DEFAULT_WORKERS = 2


@dataclass(frozen=True)
class PlacementRow:
    """One placement as users see it (local dates and times)."""

    uid: str
    class_name: str
    activity: str
    title: str
    direction: str
    kind: str
    series: str | None
    day: date
    start: time
    end: time
    hours: int
    staff: str
    venue: str | None
    item: str | None
    item_id: int | None

    @property
    def where(self) -> tuple[Any, ...]:
        return (self.day, self.start, self.end, self.staff, self.venue)

    @classmethod
    def of(cls, row: Placement) -> PlacementRow:
        return cls(row.uid, row.class_name, row.activity, row.title, row.direction, row.kind, row.series, row.day,
                   time.fromisoformat(row.start_time), time.fromisoformat(row.end_time), row.hours, row.staff,
                   row.venue, row.item_ref, row.item_id)

    def to_json(self) -> dict[str, Any]:
        return {
            "uid": self.uid, "class": self.class_name, "activity": self.activity, "title": self.title,
            "direction": self.direction, "kind": self.kind, "series": self.series, "date": self.day.isoformat(),
            "start": f"{self.start:%H:%M}", "end": f"{self.end:%H:%M}", "hours": self.hours, "staff": self.staff,
            "venue": self.venue, "item": self.item,
        }


@dataclass(frozen=True)
class SchoolResult:
    school_id: str
    name: str
    region: str
    year: str
    created: bool
    classes: int
    staff: int
    venues: int

    def to_json(self) -> dict[str, Any]:
        return {"school": self.school_id, "name": self.name, "region": self.region, "year": self.year,
                "created": self.created, "classes": self.classes, "staff": self.staff, "venues": self.venues}


@dataclass
class ScheduleResult:
    """A solve's outcome; `timetable_id` is None when nothing was stored (infeasible, no solution)."""

    school_id: str
    timetable_id: int | None
    span: Period
    solution: Solution
    compliance: list[ComplianceRow] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.solution.ok

    def to_json(self) -> dict[str, Any]:
        return {
            "school": self.school_id, "timetable": self.timetable_id,
            "from": self.span.start.isoformat(), "to": self.span.end.isoformat(),
            **self.solution.to_json(),
            "placements": len(self.solution.placements),
            "compliance": [row.to_json() for row in self.compliance],
        }


@dataclass
class ReplanResult(ScheduleResult):
    previous_id: int | None = None
    as_of: date | None = None
    changes: list[Change] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        grouped = {kind: [c.to_json() for c in self.changes if c.kind == kind] for kind in ("moved", "added", "removed")}
        return {**super().to_json(), "previous": self.previous_id,
                "as_of": self.as_of.isoformat() if self.as_of else None,
                "changed": len(self.changes), "changes": grouped}


@dataclass(frozen=True)
class TimetableView:
    school_id: str
    timetable_id: int
    status: str
    span: Period
    placements: list[PlacementRow]

    def to_json(self) -> dict[str, Any]:
        return {"school": self.school_id, "timetable": self.timetable_id, "status": self.status,
                "from": self.span.start.isoformat(), "to": self.span.end.isoformat(),
                "placements": [p.to_json() for p in self.placements]}


@dataclass(frozen=True)
class ComplianceReport:
    school_id: str
    timetable_id: int
    rows: list[ComplianceRow]

    @property
    def met(self) -> bool:
        return all(row.met for row in self.rows)

    def to_json(self) -> dict[str, Any]:
        return {"school": self.school_id, "timetable": self.timetable_id, "met": self.met,
                "rows": [row.to_json() for row in self.rows]}


def load_school(engine: Engine, path: Path) -> SchoolResult:
    """Store a school profile (or replace the stored one of the same id)."""
    profile = load_profile(path)
    with transaction(engine, _school_lock(profile.id)) as session:
        school = session.get(School, profile.id)
        created = school is None
        if school is None:
            school = School(id=profile.id, name=profile.name, region=profile.region, year=str(profile.year),
                            profile={}, updated_at=_now())
        school.name, school.region, school.year = profile.name, profile.region, str(profile.year)
        if created or school.profile != profile.to_json() or school.address != profile.address:
            # loading the same file again changes nothing
            school.address = profile.address
            school.profile, school.updated_at = profile.to_json(), _now()
        session.add(school)
    return SchoolResult(profile.id, profile.name, profile.region, str(profile.year), created,
                        len(profile.classes), len(profile.staff), len(profile.venues))


def schedule(
    engine: Engine, school_id: str, start: date | None = None, end: date | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT, seed: int = 0, workers: int = DEFAULT_WORKERS,
) -> ScheduleResult:
    """Solve the school's timetable over [start, end] (default the school year) and store it as current."""
    settings = SolverSettings(time_limit, seed, workers)
    with transaction(engine, ROADMAPS_LOCK.as_shared(), _school_lock(school_id)) as session:
        profile = _profile(session, school_id)
        norms = load_norms(profile.year)
        problem = build_problem(profile, norms, _item_windows(session, profile, norms), span=(start, end), session=session)
        solution = solve(problem, settings)
        timetable_id = _store(session, problem, solution, settings, parent=None) if solution.ok else None
    return ScheduleResult(school_id, timetable_id, problem.span, solution, _compliance(problem, solution))


def replan(
    engine: Engine, school_id: str, closed: Sequence[Period], as_of: date | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT, seed: int = 0, workers: int = DEFAULT_WORKERS,
) -> ReplanResult:
    """Re-plan the current timetable after closures: sessions before `as_of` (default today) stay,
    the rest moves only as needed (each change costs `change` in the objective)."""
    settings = SolverSettings(time_limit, seed, workers)
    with transaction(engine, ROADMAPS_LOCK.as_shared(), _school_lock(school_id)) as session:
        profile = _profile(session, school_id)
        current = _current(session, school_id)
        norms = load_norms(profile.year)
        closures = [*_periods(current.closures), *closed]
        as_of = as_of or datetime.now(ZoneInfo(_timezone(profile))).date()
        rows = _rows(session, current.id)
        problem = build_problem(
            profile, norms, _item_windows(session, profile, norms), span=(current.span_start, current.span_end),
            closures=closures, as_of=as_of, previous=as_placed(rows), session=session,
        )
        solution = solve(problem, settings)
        timetable_id = _store(session, problem, solution, settings, parent=current) if solution.ok else None
        after = [_row(problem, placed) for placed in solution.placements]
        diff = changes([PlacementRow.of(row) for row in rows], after) if solution.ok else []
    return ReplanResult(school_id, timetable_id, problem.span, solution, _compliance(problem, solution),
                        previous_id=current.id, as_of=as_of, changes=diff)


def timetable(engine: Engine, school_id: str, class_name: str | None = None, staff: str | None = None) -> TimetableView:
    """The current timetable's placements, optionally of one class or one staff member."""
    with transaction(engine) as session:
        profile = _profile(session, school_id)
        for given, known, what in ((class_name, [c.name for c in profile.classes], "Класс"),
                                   (staff, [p.name for p in profile.staff], "Сотрудник")):
            if given and given not in known:  # a filter naming nobody is an error, never an empty timetable
                raise SchedulingError(f"{what} «{given}» в школе «{school_id}» не найден.{did_you_mean(given, known)}")
        current = _current(session, school_id)
        query = select(Placement).where(Placement.timetable_id == current.id)
        if class_name:
            query = query.where(Placement.class_name == class_name)
        if staff:
            query = query.where(Placement.staff == staff)
        rows = session.exec(query.order_by(col(Placement.day), col(Placement.start_time), col(Placement.class_name))).all()
        return TimetableView(school_id, current.id or 0, current.status, Period("", current.span_start, current.span_end),
                             [PlacementRow.of(row) for row in rows])


def compliance_report(engine: Engine, school_id: str) -> ComplianceReport:
    """Per class, hours per direction planned by the current timetable against the requirement."""
    with transaction(engine) as session:
        profile = _profile(session, school_id)
        current = _current(session, school_id)
        rows = compliance(required_from_json(current.required), _rows(session, current.id), load_norms(profile.year))
        return ComplianceReport(school_id, current.id or 0, rows)


def _now() -> datetime:
    return datetime.now(UTC)


def _school_lock(school_id: str) -> Lock:
    """Held while a school's profile or timetable is written: two schedules of one school take turns."""
    return Lock(f"school:{school_id}", f"расписание школы {school_id}")


def _profile(session: Session, school_id: str) -> Profile:
    school = session.get(School, school_id)
    if school is None:
        raise SchedulingError(f"Школа «{school_id}» не найдена: загрузите её командой profplan school load.")
    return parse_profile(school.profile, f"школа {school_id}")


def _current(session: Session, school_id: str) -> Timetable:
    current = session.exec(
        select(Timetable).where(Timetable.school_id == school_id, col(Timetable.current).is_(True))
    ).first()
    if current is None:
        raise SchedulingError(f"У школы «{school_id}» ещё нет расписания: выполните profplan schedule {school_id}.")
    return current


def _rows(session: Session, timetable_id: int | None) -> list[Placement]:
    return list(session.exec(
        select(Placement).where(Placement.timetable_id == timetable_id).order_by(col(Placement.day), col(Placement.uid))
    ).all())


def _timezone(profile: Profile) -> str:
    return region(profile.region).timezone


def _periods(pairs: list[list[str]]) -> list[Period]:
    return [Period("Закрытие школы", date.fromisoformat(start), date.fromisoformat(end)) for start, end in pairs]


def _item_windows(session: Session, profile: Profile, norms: Norms) -> dict[str, ItemWindow]:
    """Roadmap items of the school's region and year that the norms' activities serve, by activity."""
    patterns = {a.key: normalise(a.item_pattern) for a in norms.activities if a.item_pattern}
    if not patterns:
        return {}
    items = session.exec(
        select(Item).join(Roadmap, col(Item.roadmap_id) == col(Roadmap.id))
        .where(Roadmap.region == profile.region, Roadmap.school_year == str(profile.year))
        .order_by(col(Roadmap.id), col(Item.ordinal))
    ).all()
    found = {}
    for key, pattern in patterns.items():
        item = next((item for item in items if pattern in normalise(item.title)), None)
        if item is not None:
            found[key] = _item_window(item)
    return found


def _item_window(item: Item) -> ItemWindow:
    """The item's own windows when its deadline names several ("октябрь, апрель"), else its span."""
    windows: tuple[Period, ...] = ()
    try:
        spec = DeadlineSpec.from_dict(item.spec)
        dated = [(w.start, w.end) for w in spec.windows if w.start is not None and w.end is not None]
        if spec.kind == "window" and len(dated) > 1 and len(dated) == len(spec.windows):
            windows = tuple(Period(f"{start:%d.%m}–{end:%d.%m}", start, end) for start, end in dated)
    except DeadlineDataError:
        windows = ()
    span = Period("", item.span_start, item.span_end) if item.span_start is not None and item.span_end is not None else None
    grades = frozenset(item.grades) if item.grades else None
    return ItemWindow(item.id, item.number, item.title, windows, span, grades)


def _row(problem: Problem, placed: Placed) -> PlacementRow:
    start, end = problem.slot_times(placed.slot, placed.hours)
    return PlacementRow(placed.uid, placed.class_name, placed.activity, placed.title, placed.direction, placed.kind,
                        placed.series, placed.day, start, end, placed.hours, placed.staff, placed.venue,
                        placed.item_ref, placed.item_id)


def _compliance(problem: Problem, solution: Solution) -> list[ComplianceRow]:
    return compliance(problem.required, solution.placements, problem.norms) if solution.ok else []


def _store(session: Session, problem: Problem, solution: Solution, settings: SolverSettings,
           parent: Timetable | None) -> int:
    """Write the solved timetable and make it the school's current one."""
    school_id = problem.profile.id
    for old in session.exec(
        select(Timetable).where(Timetable.school_id == school_id, col(Timetable.current).is_(True))
    ).all():
        old.current = False
        session.add(old)
    record = Timetable(
        school_id=school_id, parent_id=parent.id if parent else None, created_at=_now(),
        status=solution.status, objective=solution.objective, bound=solution.bound,
        solve_seconds=round(solution.seconds, 3), seed=settings.seed, workers=settings.workers,
        time_limit=settings.time_limit, ortools_version=solution.ortools_version, input_hash=solution.fingerprint,
        span_start=problem.span.start, span_end=problem.span.end, as_of=problem.as_of, current=True,
        closures=[[p.start.isoformat(), p.end.isoformat()] for p in problem.calendar.closures
                  if p not in problem.profile.closed],
        required=required_json(problem.required),
    )
    session.add(record)
    session.flush()
    assert record.id is not None  # the flush gave it one
    for placed in solution.placements:
        row = _row(problem, placed)
        session.add(Placement(
            timetable_id=record.id, uid=placed.uid, task=placed.task, class_name=placed.class_name,
            activity=placed.activity, title=placed.title, direction=placed.direction, kind=placed.kind,
            series=placed.series, day=placed.day, slot=placed.slot, start_time=f"{row.start:%H:%M}",
            end_time=f"{row.end:%H:%M}", hours=placed.hours, staff=placed.staff, venue=placed.venue,
            item_ref=placed.item_ref, item_id=placed.item_id,
        ))
    return record.id
