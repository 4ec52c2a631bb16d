"""The scheduler's library API for the CLI and tests: load a school, schedule, re-plan, query.

Each function takes an Engine, works in one transaction (an infeasible or
failed solve writes nothing, so the previous timetable stays current) and
returns plain data with `to_json()`; the CLI only renders it.

- `load_school(engine, path)` → SchoolResult
- `schedule(engine, school_id, start=None, end=None, time_limit=60, seed=0, workers=2)` → ScheduleResult
- `replan(engine, school_id, closed, as_of=None, time_limit=60, seed=0, workers=2)` → ReplanResult
- `timetable(engine, school_id, class_name=None, staff=None, venue=None)` → TimetableView
- `compliance_report(engine, school_id)` → ComplianceReport
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from calendars.academic import AcademicCalendar, Period, load_calendar, region
from calendars.deadlines.spec import DeadlineDataError, DeadlineSpec
from calendars.suggest import did_you_mean
from roadmaps.importer import ROADMAPS_LOCK
from roadmaps.tables import Item, Roadmap
from scheduler.compliance import ComplianceRow, compliance, required_from_json, required_json
from scheduler.errors import SchedulingError
from scheduler.norms import Norms, load_norms
from scheduler.placement import Placement
from scheduler.problem import ItemWindow, Problem, build_problem, normalise
from scheduler.profile import Profile, load_profile, parse_profile
from scheduler.replan import Change, changes
from scheduler.settings import Progress, SolverSettings
from scheduler.solve import Solution, relative_gap, solve
from scheduler.tables import School, StoredPlacement, Timetable, current_timetable
from store.db import transaction
from store.locks import Lock

DEFAULT_TIME_LIMIT = 60.0
CLOSURE = "Закрытие школы"
DEFAULT_WORKERS = 2


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
    placements: list[Placement]

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


@dataclass(frozen=True)
class SchoolDetails:
    """What `profplan school show` lists: the profile, the closures, and the current timetable with its figures."""

    profile: Profile
    closures: list[Period]
    timetable: Timetable | None
    placements: list[Placement]

    @property
    def gap(self) -> float | None:
        return relative_gap(self.timetable.objective, self.timetable.bound) if self.timetable else None

    def to_json(self) -> dict[str, Any]:
        profile, record = self.profile, self.timetable
        # Hours each staff member leads and each venue hosts in the current timetable (None without one).
        led, hosted = scheduled_hours(self.placements)

        def hours(loads: Counter[str], name: str) -> int | None:
            return loads[name] if record is not None else None

        return {
            "school": profile.id, "name": profile.name, "region": profile.region, "year": str(profile.year),
            "level": profile.level, "address": profile.address, "municipality": profile.municipality,
            "classes": [{"name": c.name, "grade": c.grade, "students": c.students, "level": c.level,
                         "teacher": c.teacher, "leads": c.leads} for c in profile.classes],
            "staff": [{"name": p.name, "roles": list(p.roles), "max_hours_per_week": p.max_hours_per_week,
                       "scheduled_hours": hours(led, p.name)} for p in profile.staff],
            "venues": [{"name": v.name, "kind": v.kind, "capacity": v.capacity, "scheduled_hours": hours(hosted, v.name)}
                       for v in profile.venues],
            "closures": {
                "profile": [[p.start.isoformat(), p.end.isoformat()] for p in profile.closed],
                "replans": [[p.start.isoformat(), p.end.isoformat()] for p in self.closures],
            },
            "timetable": None if record is None else {
                "id": record.id, "status": record.status, "objective": record.objective, "bound": record.bound,
                "gap": self.gap, "created_at": record.created_at.isoformat(), "from": record.span_start.isoformat(),
                "to": record.span_end.isoformat(), "as_of": record.as_of.isoformat() if record.as_of else None,
                "seed": record.seed, "placements": len(self.placements),
                "pinned": sum(1 for p in self.placements if p.pinned),
                "objective_terms": record.objective_terms,
            },
            "placements": [p.to_json() for p in self.placements],
        }


def scheduled_hours(placements: Iterable[Placement]) -> tuple[Counter[str], Counter[str]]:
    """Hours each staff member leads and each venue hosts in these placements: the loads the solver's
    choice of staff and venues gave them (`school show`, the school's web page)."""
    led: Counter[str] = Counter()
    hosted: Counter[str] = Counter()
    for placed in placements:
        led[placed.staff] += placed.hours
        if placed.venue:
            hosted[placed.venue] += placed.hours
    return led, hosted


def school_details(engine: Engine, school_id: str) -> SchoolDetails:
    """The stored school with its closures and current timetable (None before the first schedule)."""
    with transaction(engine) as session:
        school = stored_school(session, school_id)
        record = current_timetable(session, school_id)
        rows = _rows(session, record.id) if record is not None else []
        return SchoolDetails(profile_of(school), closure_periods(school.closures), record, rows)


def load_school(engine: Engine, path: Path) -> SchoolResult:
    """Store a school profile (or replace the stored one of the same id)."""
    profile = load_profile(path)
    with transaction(engine, school_lock(profile.id)) as session:
        school = session.get(School, profile.id)
        created = school is None
        if school is None:
            school = School(id=profile.id, name=profile.name, region=profile.region, year=str(profile.year),
                            profile={}, updated_at=utc_now())
        school.name, school.region, school.year = profile.name, profile.region, str(profile.year)
        if created or school.profile != profile.to_json() or school.address != profile.address:
            # loading the same file again changes nothing
            school.address = profile.address
            school.profile, school.updated_at = profile.to_json(), utc_now()
        session.add(school)
    return SchoolResult(profile.id, profile.name, profile.region, str(profile.year), created,
                        len(profile.classes), len(profile.staff), len(profile.venues))


def schedule(
    engine: Engine, school_id: str, start: date | None = None, end: date | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT, seed: int = 0, workers: int = DEFAULT_WORKERS,
    on_progress: Callable[[Progress], None] | None = None,
) -> ScheduleResult:
    """Solve the school's timetable over [start, end] (default the school year) and store it as current;
    the school's stored closures apply and its pinned placements stay where they are. `on_progress` hears
    how far the solve is (the web's schedule job shows it)."""
    settings = SolverSettings(time_limit, seed, workers, on_progress=on_progress)
    with transaction(engine, ROADMAPS_LOCK.as_shared(), school_lock(school_id)) as session:
        settings = settings.running()  # the time limit counts from here: waiting for another schedule is not solving
        school = stored_school(session, school_id)
        profile = profile_of(school)
        norms = load_norms(profile.year)
        calendar = school_calendar(session, profile)
        for given, name in ((start, "--from"), (end, "--to")):
            if given is not None:
                _inside_year(calendar, given, name)
        current = current_timetable(session, school_id)
        pinned = [p for p in _rows(session, current.id) if p.pinned] if current is not None else []
        problem = build_problem(profile, norms, item_windows(session, profile, norms), span=(start, end),
                                closures=closure_periods(school.closures), previous=pinned, session=session)
        solution = solve(problem, settings)
        timetable_id = store_solution(session, problem, solution, settings, parent=None) if solution.ok else None
    return ScheduleResult(school_id, timetable_id, problem.span, solution, _compliance(problem, solution))


def replan(
    engine: Engine, school_id: str, closed: Sequence[Period] = (), as_of: date | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT, seed: int = 0, workers: int = DEFAULT_WORKERS,
    reopen: Sequence[Period] = (), preview: bool = False,
) -> ReplanResult:
    """Re-plan the current timetable after closures are added (`closed`) or removed (`reopen`): sessions
    before `as_of` stay, the rest moves only as needed (each change costs `change` in the objective).
    With `preview` nothing is stored: the result lists what would move, be added and be removed (the
    same seed re-plans to the same timetable when confirmed).

    The school keeps its closures, so every later schedule and re-plan honours them; they are stored
    only when the re-plan succeeds. `as_of` defaults to today inside the school year and to its first
    day before it; a date after the year, or a closure outside it, is refused."""
    settings = SolverSettings(time_limit, seed, workers)
    if not closed and not reopen:
        raise SchedulingError("Укажите закрытие (--closed С:ПО) или что открыть снова (--reopen С:ПО).")
    with transaction(engine, ROADMAPS_LOCK.as_shared(), school_lock(school_id)) as session:
        settings = settings.running()  # the time limit counts from here: waiting for another schedule is not solving
        school = stored_school(session, school_id)
        profile = profile_of(school)
        current = require_current_timetable(session, school_id)
        norms = load_norms(profile.year)
        calendar = school_calendar(session, profile)
        for period in (*closed, *reopen):
            _inside_year(calendar, period.start, "закрытие")
            _inside_year(calendar, period.end, "закрытие")
        as_of = default_as_of(calendar, profile, as_of)
        stored = closure_periods(school.closures)
        kept = reopened(stored, reopen) if reopen else stored
        if reopen and kept == stored:
            listed = ", ".join(f"{p.start:%d.%m.%Y}–{p.end:%d.%m.%Y}" for p in stored) or "нет"
            raise SchedulingError(
                f"Среди закрытий школы «{school_id}» нет дней {', '.join(_span_text(p) for p in reopen)} "
                f"(сохранённые закрытия: {listed}; закрытия из файла школы, closed, меняются в файле)."
            )
        closures = merged([*kept, *closed])
        rows = _rows(session, current.id)
        items = item_windows(session, profile, norms)

        def instance(keep_open: bool) -> Problem:
            return build_problem(
                profile, norms, items, span=(current.span_start, current.span_end), closures=closures, as_of=as_of,
                previous=rows, session=session, keep_open=keep_open,
            )

        # Incremental first: only what the new closures displace (and the make-ups of lost course days) is
        # placed, everything else stays. When that cannot fit, or days were reopened (a make-up may have to
        # give way to its course day), the whole rest of the year is re-planned.
        solution: Solution | None = None
        if not reopen:
            problem = instance(True)
            solution = solve(problem, settings)
            if solution.ok:
                # Optimal, if at all, for the sessions it placed: no bound is claimed for the rest of the year.
                solution = replace(solution, status="feasible", bound=None,
                                   stats={**solution.stats, "incremental": True})
        if solution is None or not solution.ok:
            problem = instance(False)
            solution = solve(problem, settings)
        timetable_id = None
        if solution.ok and not preview:
            timetable_id = store_solution(session, problem, solution, settings, parent=current)
            school.closures = [[p.start.isoformat(), p.end.isoformat()] for p in closures]
            session.add(school)
        diff = changes(rows, solution.placements) if solution.ok else []
    return ReplanResult(school_id, timetable_id, problem.span, solution, _compliance(problem, solution),
                        previous_id=current.id, as_of=as_of, changes=diff)


def default_as_of(calendar: AcademicCalendar, profile: Profile, as_of: date | None, today: date | None = None) -> date:
    """The re-plan's as-of date: the given one inside the school year; else today (in the school's time
    zone) inside it, the year's first day before it; after the year there is nothing left to re-plan."""
    if as_of is not None:
        _inside_year(calendar, as_of, "--as-of")
        return as_of
    today = today or datetime.now(ZoneInfo(_timezone(profile))).date()
    if today < calendar.first_day:
        return calendar.first_day
    if today > calendar.last_day:
        raise SchedulingError(
            f"Учебный год {profile.year} закончился {calendar.last_day:%d.%m.%Y}: перепланировать нечего. "
            f"Укажите --as-of внутри года ({_year_text(calendar)})."
        )
    return today


def _inside_year(calendar: AcademicCalendar, day: date, what: str) -> None:
    if not calendar.first_day <= day <= calendar.last_day:
        raise SchedulingError(f"{what}: {day:%d.%m.%Y} вне учебного года ({_year_text(calendar)}).")


def _year_text(calendar: AcademicCalendar) -> str:
    return f"{calendar.first_day:%d.%m.%Y}–{calendar.last_day:%d.%m.%Y}"


def _span_text(period: Period) -> str:
    return f"{period.start:%d.%m.%Y}–{period.end:%d.%m.%Y}"


def merged(periods: Iterable[Period]) -> list[Period]:
    """Closures sorted, overlapping and adjacent ones joined."""
    result: list[Period] = []
    for period in sorted(periods, key=lambda p: (p.start, p.end)):
        if result and period.start <= result[-1].end + timedelta(days=1):
            last = result[-1]
            result[-1] = Period(CLOSURE, last.start, max(last.end, period.end))
        else:
            result.append(Period(CLOSURE, period.start, period.end))
    return result


def reopened(closures: Iterable[Period], reopen: Iterable[Period]) -> list[Period]:
    """The closures with the reopened days taken out (a closure may split in two)."""
    result = list(merged(closures))
    for gap in reopen:
        left = []
        for period in result:
            if period.end < gap.start or period.start > gap.end:
                left.append(period)
                continue
            if period.start < gap.start:
                left.append(Period(CLOSURE, period.start, gap.start - timedelta(days=1)))
            if period.end > gap.end:
                left.append(Period(CLOSURE, gap.end + timedelta(days=1), period.end))
        result = left
    return result


def require_known(profile: Profile, class_name: str | None = None, staff: str | None = None,
                  venue: str | None = None) -> None:
    """Refuse a class, staff member or venue the school does not have, with suggestions: a filter naming
    nothing is an error, never an empty timetable (the CLI's filters, the web's grids)."""
    for given, known, what, missing in ((class_name, [c.name for c in profile.classes], "Класс", "не найден"),
                                        (staff, [p.name for p in profile.staff], "Сотрудник", "не найден"),
                                        (venue, [v.name for v in profile.venues], "Площадка", "не найдена")):
        if given and given not in known:
            raise SchedulingError(f"{what} «{given}» в школе «{profile.id}» {missing}.{did_you_mean(given, known)}")


def timetable(engine: Engine, school_id: str, class_name: str | None = None, staff: str | None = None,
              venue: str | None = None) -> TimetableView:
    """The current timetable's placements, optionally of one class, one staff member or one venue."""
    with transaction(engine) as session:
        profile = read_profile(session, school_id)
        require_known(profile, class_name, staff, venue)
        current = require_current_timetable(session, school_id)
        query = select(StoredPlacement).where(StoredPlacement.timetable_id == current.id)
        if class_name:
            query = query.where(StoredPlacement.class_name == class_name)
        if staff:
            query = query.where(StoredPlacement.staff == staff)
        if venue:
            query = query.where(StoredPlacement.venue == venue)
        rows = session.exec(query.order_by(col(StoredPlacement.day), col(StoredPlacement.start_time), col(StoredPlacement.class_name))).all()
        return TimetableView(school_id, current.id or 0, current.status, Period("", current.span_start, current.span_end),
                             [Placement.of(row) for row in rows])


def compliance_report(engine: Engine, school_id: str) -> ComplianceReport:
    """Per class, hours per direction planned by the current timetable against the requirement."""
    with transaction(engine) as session:
        profile = read_profile(session, school_id)
        current = require_current_timetable(session, school_id)
        rows = compliance(required_from_json(current.required), _rows(session, current.id), load_norms(profile.year))
        return ComplianceReport(school_id, current.id or 0, rows)


def utc_now() -> datetime:
    """When a timetable or a hand change is recorded: an aware UTC timestamp, the same on every server."""
    return datetime.now(UTC)


def school_lock(school_id: str) -> Lock:
    """Held while a school's profile or timetable is written: two schedules of one school take turns."""
    return Lock(f"school:{school_id}", f"расписание школы {school_id}")


def stored_school(session: Session, school_id: str) -> School:
    """The stored school; a Russian error naming the closest ids when it is not stored."""
    school = session.get(School, school_id)
    if school is None:
        known = list(session.exec(select(School.id)).all())
        raise SchedulingError(
            f"Школа «{school_id}» не найдена: загрузите её командой profplan school load.{did_you_mean(school_id, known)}"
        )
    return school


def profile_of(school: School) -> Profile:
    """The stored school's profile, checked again (its text is what was loaded, the rules may be newer)."""
    return parse_profile(school.profile, f"школа {school.id}")


def read_profile(session: Session, school_id: str) -> Profile:
    """The stored school's checked profile; a Russian error naming the school when it is not stored."""
    return profile_of(stored_school(session, school_id))


def school_calendar(session: Session, profile: Profile) -> AcademicCalendar:
    """The calendar the school plans on (its region's, or its own imported one), without re-plan closures."""
    return load_calendar(profile.region, profile.year, profile.week, school=profile.id, session=session)



def require_current_timetable(session: Session, school_id: str) -> Timetable:
    """The school's current timetable; a Russian error saying how to make one before the first schedule."""
    current = current_timetable(session, school_id)
    if current is None:
        raise SchedulingError(f"У школы «{school_id}» ещё нет расписания: выполните profplan schedule {school_id}.")
    return current


def _rows(session: Session, timetable_id: int | None) -> list[Placement]:
    """The placements of a timetable in (day, uid) order."""
    return [Placement.of(row) for row in session.exec(
        select(StoredPlacement).where(StoredPlacement.timetable_id == timetable_id)
        .order_by(col(StoredPlacement.day), col(StoredPlacement.uid))
    )]


def _timezone(profile: Profile) -> str:
    return region(profile.region).timezone


def closure_periods(pairs: list[list[str]]) -> list[Period]:
    """Closures as stored with the profile ([start, end] ISO dates) as periods of the calendar."""
    return [Period(CLOSURE, date.fromisoformat(start), date.fromisoformat(end)) for start, end in pairs]


def item_windows(session: Session, profile: Profile, norms: Norms) -> dict[str, ItemWindow]:
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


def _compliance(problem: Problem, solution: Solution) -> list[ComplianceRow]:
    return compliance(problem.required, solution.placements, problem.norms) if solution.ok else []


def store_solution(session: Session, problem: Problem, solution: Solution, settings: SolverSettings,
                   parent: Timetable | None) -> int:
    """Write the solved timetable and make it the school's current one."""
    school_id = problem.profile.id
    old = current_timetable(session, school_id)
    if old is not None:
        old.current = False
        session.add(old)
    record = Timetable(
        school_id=school_id, parent_id=parent.id if parent else None, created_at=utc_now(),
        status=solution.status, objective=solution.objective, bound=solution.bound,
        solve_seconds=round(solution.seconds, 3), seed=settings.seed, workers=settings.workers,
        time_limit=settings.time_limit, ortools_version=solution.ortools_version, input_hash=solution.fingerprint,
        span_start=problem.span.start, span_end=problem.span.end, as_of=problem.as_of, current=True,
        closures=[[p.start.isoformat(), p.end.isoformat()] for p in problem.calendar.closures
                  if p not in problem.profile.closed],
        required=required_json(problem.required), objective_terms=solution.objective_terms,
    )
    session.add(record)
    session.flush()
    assert record.id is not None  # the flush gave it one
    session.add_all(placed.stored(record.id) for placed in solution.placements)
    return record.id
