"""The one module that knows the scheduler's internals: read a school's input, solve it anywhere, store it.

The scheduler's public API (`scheduler.service`) solves and stores in one
call on one machine. A region run splits that call in three, across
machines:

1. `InputReader.read` (client, inside a transaction): the school's checked
   profile, the roadmap item windows of its region and year, and a digest of
   the norms and calendar it is planned with — a picklable `SchoolInput`
   with no database handle in it;
2. `solve_input` (a Dask worker, no database): build the CP-SAT model there
   (a model does not pickle, its input does) and solve it with one search
   thread (the worker process is the unit of parallelism);
3. `store_solved` (client, inside the caller's transaction): the timetable
   and its placements, made the school's current one.

A worker loads the norms and the calendar from its own installation; the
digest shipped with the input proves they are the ones the client planned
with (a worker on another machine with other data or another OR-Tools
refuses the school instead of solving it differently).

The scheduler's public functions it builds on: `service.read_profile`,
`service.item_windows`, `build_problem` and `solve` (no database),
`service.store_solution` and `service.current_timetable`.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime
from functools import cached_property
from importlib.metadata import version
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from calendars.academic import Period, load_calendar
from calendars.data_files import data_dir
from calendars.errors import ProfplanError
from calendars.school_year import SchoolYear
from region.outcome import Outcome, OutcomeKind
from scheduler import service
from scheduler.compliance import ComplianceRow
from scheduler.norms import Norms, load_norms, norms_path
from scheduler.problem import ItemWindow, Problem, build_problem
from scheduler.profile import Profile, load_profile, parse_profile
from scheduler.settings import SolverSettings
from scheduler.solve import Solution, relative_gap, solve
from scheduler.tables import School, StoredPlacement

DEFAULT_TIME_LIMIT = service.DEFAULT_TIME_LIMIT


@dataclass(frozen=True)
class SchoolInput:
    """Everything a worker needs to solve one school: plain data, picklable, no database."""

    school_id: str
    profile: dict[str, Any]
    items: dict[str, ItemWindow]
    data_digest: str
    closures: tuple[tuple[str, str], ...] = ()  # the school's stored closures (re-plans), ISO dates

    @cached_property
    def input_hash(self) -> str:
        """A hash of everything the solve depends on but the seed: same hash and seed → same timetable."""
        payload = {"profile": self.profile, "items": {key: asdict(item) for key, item in sorted(self.items.items())},
                   "data": self.data_digest, **({"closures": self.closures} if self.closures else {})}
        return hashlib.sha256(json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str).encode()).hexdigest()


@dataclass(frozen=True)
class Solved:
    """A worker's solve: the instance and the solution, all `store_solved` needs to write the timetable."""

    problem: Problem
    solution: Solution

    def outcome(self, school_id: str, worker: str | None) -> Outcome:
        """The solve as a region outcome: solved, or why not (the infeasibility explanation kept whole)."""
        solution = self.solution
        ran = Outcome(school_id, OutcomeKind.SOLVED, status=solution.status, gap=solution.gap, worker=worker,
                      seconds=solution.seconds)
        if solution.ok:
            return ran
        if solution.explanation is not None:
            return replace(ran, kind=OutcomeKind.INFEASIBLE, reason=solution.explanation.text,
                           details=solution.explanation.to_json())
        return replace(ran, kind=OutcomeKind.UNSOLVED, reason=solution.message)


@dataclass(frozen=True)
class SchoolSummary:
    """A stored school as the region sees it: where it is, how big, at which levels its classes run."""

    school_id: str
    name: str
    region: str
    year: str
    municipality: str | None
    level: str
    classes: int
    levels: dict[str, int]

    @property
    def taking_part(self) -> int:
        """Classes the profminimum applies to (grades 6–11): what the solve's size grows with."""
        return sum(self.levels.values())

    @classmethod
    def of(cls, profile: Profile, norms_grades: frozenset[int]) -> SchoolSummary:
        levels = Counter(entry.level for entry in profile.classes if entry.grade in norms_grades)
        return cls(profile.id, profile.name, profile.region, str(profile.year), profile.municipality, profile.level,
                   len(profile.classes), dict(levels))


@dataclass(frozen=True)
class CurrentTimetable:
    """The record of a school's current timetable: how good it is and how it was obtained."""

    timetable_id: int
    status: str
    objective: int | None
    bound: int | None
    seed: int
    created_at: datetime

    @property
    def gap(self) -> float | None:
        return relative_gap(self.objective, self.bound)


@dataclass
class InputReader:
    """Reads school inputs in the client; norms, item windows and digests are shared by a region and year."""

    _norms: dict[str, Norms] = field(default_factory=dict)
    _items: dict[tuple[str, str], dict[str, ItemWindow]] = field(default_factory=dict)

    def read(self, session: Session, school_id: str) -> SchoolInput:
        """The school's input; a ProfplanError when the school or its norms cannot be used."""
        school = session.get(School, school_id)
        profile = service.read_profile(session, school_id)
        year = str(profile.year)
        norms = self.norms(year)
        key = (profile.region, year)
        if key not in self._items:
            self._items[key] = service.item_windows(session, profile, norms)
        closures = tuple((start, end) for start, end in school.closures) if school is not None else ()
        return SchoolInput(school_id, profile.to_json(), self._items[key], data_digest(profile.region, year), closures)

    def norms(self, year: str) -> Norms:
        if year not in self._norms:
            self._norms[year] = load_norms(year)
        return self._norms[year]


def solver_settings(time_limit: float, seed: int) -> SolverSettings:
    """One search thread per school: a Dask worker runs one school at a time on one core."""
    return SolverSettings(time_limit, seed, 1)


def solve_input(school: SchoolInput, settings: SolverSettings) -> Solved:
    """Build the model from the input and solve it, touching no database (runs on a Dask worker)."""
    profile = parse_profile(school.profile, f"школа {school.school_id}")
    closures = [Period(service.CLOSURE, date.fromisoformat(start), date.fromisoformat(end)) for start, end in school.closures]
    problem = build_problem(profile, load_norms(profile.year), school.items, closures=closures)
    return Solved(problem, solve(problem, settings))


def data_digest(region: str, year: str) -> str:
    """A digest of the norms, the academic calendar and the OR-Tools version a school is planned with."""
    return _digest(region, year, str(data_dir()))


@functools.lru_cache(maxsize=64)
def _digest(region: str, year: str, root: str) -> str:
    calendar = load_calendar(region, year).to_json()
    calendar.pop("source_file")  # where the data lie differs between machines; what they say must not
    norms = norms_path(SchoolYear.parse(year)).read_bytes()
    text = json.dumps(calendar, ensure_ascii=False, sort_keys=True) + version("ortools")
    return hashlib.sha256(text.encode() + norms).hexdigest()


def store_solved(session: Session, solved: Solved, settings: SolverSettings) -> int:
    """Write the solved timetable and make it the school's current one; returns its id."""
    return service.store_solution(session, solved.problem, solved.solution, settings, parent=None)


def lock_school(session: Session, school_id: str) -> bool:
    """Lock the school's row for this transaction (PostgreSQL); False when the school is gone."""
    return session.get(School, school_id, with_for_update=True) is not None


def current_record(session: Session, school_id: str) -> CurrentTimetable | None:
    """What the region reports of the school's current timetable (`service.current_timetable`'s row)."""
    row = service.current_timetable(session, school_id)
    if row is None or row.id is None:
        return None
    return CurrentTimetable(row.id, row.status, row.objective, row.bound, row.seed, row.created_at)


def stored_schools(session: Session, region: str | None = None) -> list[SchoolSummary]:
    """Every stored school (of one region), by id."""
    query = select(School).order_by(col(School.id))
    if region is not None:
        query = query.where(School.region == region)
    grades: dict[str, frozenset[int]] = {}
    summaries = []
    for school in session.exec(query).all():
        profile = parse_profile(school.profile, f"школа {school.id}")
        if school.year not in grades:
            grades[school.year] = _norms_grades(school.year)
        summaries.append(SchoolSummary.of(profile, grades[school.year]))
    return summaries


def _norms_grades(year: str) -> frozenset[int]:
    """The grades the norms of a year apply to; every grade when the year has no norms file yet."""
    try:
        return load_norms(year).grades
    except ProfplanError:
        return frozenset(range(1, 12))


def read_school_file(path: Path) -> Profile:
    """A school file checked as `profplan school load` checks it (a ProfileError names file and field)."""
    return load_profile(path)


def load_school_file(engine: Engine, path: Path) -> str:
    """Store a school file (replacing the stored school of the same id); returns the school id."""
    return service.load_school(engine, path).school_id


def compliance_rows(engine: Engine, school_id: str) -> list[ComplianceRow]:
    """Hours per class and direction of the current timetable against the norms, as `profplan compliance`."""
    return service.compliance_report(engine, school_id).rows


def level_titles(year: str) -> dict[str, str]:
    """Russian names of the profminimum levels of a school year's norms."""
    return load_norms(year).level_titles


def served_items(session: Session, timetable_id: int) -> dict[int, list[date]]:
    """Days on which the timetable's sessions serve roadmap items, by item id."""
    days: dict[int, list[date]] = defaultdict(list)
    for item_id, day in session.exec(
        select(col(StoredPlacement.item_id), col(StoredPlacement.day))
        .where(StoredPlacement.timetable_id == timetable_id, col(StoredPlacement.item_id).is_not(None))
    ).all():
        if item_id is not None:
            days[item_id].append(day)
    return dict(days)
