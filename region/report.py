"""The committee's region report: per municipality and school, the timetable's state, the norms, the overdue items.

`region_report` returns plain data (`to_json()` for scripts and the web
page at `/region`); `region.render` draws it in the terminal and
`region.export` writes it as a spreadsheet. Every number is the per-school
one: the timetable's status is the current timetable's (or the last region
run's failure when that came later), compliance is `profplan compliance` of
the school, overdue items are those of `profplan overdue` that are the
school's business (`region.overdue`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import or_
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from calendars.academic import region as known_region
from calendars.suggest import did_you_mean
from region import adapter
from region.adapter import CurrentTimetable, SchoolSummary
from region.errors import RegionError
from region.outcome import OutcomeKind, headline
from region.overdue import OverdueItem, overdue_by_school
from region.tables import RegionResult, RegionRun
from store.db import transaction
from tracking.clock import AsOf

NO_MUNICIPALITY = "Муниципалитет не указан"


class PlanState(StrEnum):
    """Where a school's timetable stands."""

    OPTIMAL = "optimal"
    WITHIN = "within"
    INFEASIBLE = "infeasible"
    FAILED = "failed"
    NOT_PLANNED = "not_planned"


@dataclass(frozen=True)
class PlanStatus:
    """The state, the gap to the proven bound (WITHIN), or why there is no timetable (INFEASIBLE, FAILED).

    `kept`: the last region run failed, and an earlier timetable is still the current one.
    """

    state: PlanState
    gap: float | None = None
    reason: str | None = None
    timetable_id: int | None = None
    kept: bool = False

    @property
    def text(self) -> str:
        """Russian, one line: "оптимально", "в пределах 1.2 % от оптимума", "невыполнимо: …"."""
        if self.state is PlanState.OPTIMAL:
            return "оптимально"
        if self.state is PlanState.WITHIN:
            return f"в пределах {100 * (self.gap or 0):.1f} % от оптимума"
        if self.state is PlanState.NOT_PLANNED:
            return "не составлено"
        head = "невыполнимо" if self.state is PlanState.INFEASIBLE else "сбой"
        kept = " (действует прежнее расписание)" if self.kept else ""
        return f"{head}: {headline(self.reason)}{kept}"

    def to_json(self) -> dict[str, Any]:
        return {"state": self.state.value, "text": self.text, "gap": self.gap, "reason": self.reason,
                "timetable": self.timetable_id, "kept": self.kept}


@dataclass(frozen=True)
class Shortfall:
    """A class below its norm in one direction."""

    class_name: str
    direction: str
    planned: int
    required: int

    def to_json(self) -> dict[str, Any]:
        return {"class": self.class_name, "direction": self.direction, "planned": self.planned, "required": self.required}


@dataclass(frozen=True)
class Compliance:
    """How many classes of the current timetable meet every norm, and where the others fall short."""

    classes: int
    met: int
    shortfalls: list[Shortfall]

    @property
    def all_met(self) -> bool:
        return self.met == self.classes

    def to_json(self) -> dict[str, Any]:
        return {"classes": self.classes, "met": self.met, "all_met": self.all_met,
                "shortfalls": [s.to_json() for s in self.shortfalls]}


@dataclass(frozen=True)
class SchoolRow:
    school_id: str
    name: str
    municipality: str
    classes: int
    taking_part: int
    level: str
    levels: dict[str, int]
    plan: PlanStatus
    compliance: Compliance | None
    overdue: list[OverdueItem]

    def to_json(self) -> dict[str, Any]:
        return {
            "school": self.school_id, "name": self.name, "municipality": self.municipality, "classes": self.classes,
            "taking_part": self.taking_part, "level": self.level, "levels": self.levels, "timetable": self.plan.to_json(),
            "compliance": self.compliance.to_json() if self.compliance else None,
            "overdue": [item.to_json() for item in self.overdue],
        }


@dataclass(frozen=True)
class Totals:
    """Sums over schools: counts by plan state, classes, schools meeting every norm, overdue items."""

    schools: int = 0
    classes: int = 0
    states: dict[str, int] = field(default_factory=dict)
    norms_met: int = 0
    overdue: int = 0

    @classmethod
    def of(cls, rows: list[SchoolRow]) -> Totals:
        states = {state.value: sum(1 for row in rows if row.plan.state is state) for state in PlanState}
        return cls(len(rows), sum(row.classes for row in rows), states,
                   sum(1 for row in rows if row.compliance and row.compliance.all_met), sum(len(row.overdue) for row in rows))

    def to_json(self) -> dict[str, Any]:
        return {"schools": self.schools, "classes": self.classes, "states": self.states, "norms_met": self.norms_met,
                "overdue": self.overdue}


@dataclass(frozen=True)
class Municipality:
    name: str
    schools: list[SchoolRow]

    @property
    def totals(self) -> Totals:
        return Totals.of(self.schools)

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "totals": self.totals.to_json(), "schools": [row.to_json() for row in self.schools]}


@dataclass(frozen=True)
class LastRun:
    """The latest region run: when, where, and how it ended (None while it is still running)."""

    run_id: int
    started_at: datetime
    finished_at: datetime | None
    cluster: str
    workers: int
    solved: int
    skipped: int
    failed: int

    def to_json(self) -> dict[str, Any]:
        return {"run": self.run_id, "started_at": self.started_at.isoformat(),
                "finished_at": self.finished_at.isoformat() if self.finished_at else None, "cluster": self.cluster,
                "workers": self.workers, "solved": self.solved, "skipped": self.skipped, "failed": self.failed}


@dataclass(frozen=True)
class RegionReport:
    region: str | None
    as_of: AsOf
    municipalities: list[Municipality]
    last_run: LastRun | None

    @property
    def schools(self) -> list[SchoolRow]:
        return [row for municipality in self.municipalities for row in municipality.schools]

    @property
    def totals(self) -> Totals:
        return Totals.of(self.schools)

    def to_json(self) -> dict[str, Any]:
        return {"region": self.region, "as_of": self.as_of.to_json(), "totals": self.totals.to_json(),
                "last_run": self.last_run.to_json() if self.last_run else None,
                "municipalities": [m.to_json() for m in self.municipalities]}


def region_report(engine: Engine, region: str | None = None, as_of: date | None = None) -> RegionReport:
    """The report over every stored school (of one region), municipalities and schools by name."""
    code = known_region(region).code if region else None
    with transaction(engine) as session:
        schools = adapter.stored_schools(session, code)
        if not schools:
            raise RegionError(_no_schools(session, code))
        plans = {school.school_id: _plan(adapter.current_record(session, school.school_id),
                                         session.get(RegionResult, school.school_id)) for school in schools}
        last = _last_run(session, code)
    report_date, overdue = overdue_by_school(engine, schools, as_of)
    titles: dict[str, dict[str, str]] = {}
    by_municipality: dict[str, list[SchoolRow]] = defaultdict(list)
    for school in schools:
        if school.year not in titles:
            titles[school.year] = adapter.level_titles(school.year)
        plan = plans[school.school_id]
        row = _row(school, plan, _compliance(engine, school.school_id) if plan.timetable_id else None,
                   overdue.get(school.school_id, []), titles[school.year])
        by_municipality[row.municipality].append(row)
    municipalities = [Municipality(name, sorted(rows, key=lambda row: (row.name, row.school_id)))
                      for name, rows in sorted(by_municipality.items(), key=lambda pair: (pair[0] == NO_MUNICIPALITY, pair[0]))]
    return RegionReport(code, report_date, municipalities, last)


def _no_schools(session: Session, code: str | None) -> str:
    hint = "загрузите их: profplan school load ФАЙЛ или profplan region schedule --schools ПАПКА."
    if code is None:
        return f"В базе нет школ: {hint}"
    others = sorted({school.region for school in adapter.stored_schools(session)})
    return f"В базе нет школ региона {code}.{did_you_mean(code, others)} Если их нужно добавить, {hint}"


def _plan(current: CurrentTimetable | None, result: RegionResult | None) -> PlanStatus:
    """The current timetable's state, unless the last region run failed after it was made."""
    if result is not None and not OutcomeKind(result.outcome).succeeded and (
        current is None or result.finished_at >= current.created_at
    ):
        state = PlanState.INFEASIBLE if result.outcome == OutcomeKind.INFEASIBLE else PlanState.FAILED
        return PlanStatus(state, reason=result.reason, timetable_id=current.timetable_id if current else None,
                          kept=current is not None)
    if current is None:
        return PlanStatus(PlanState.NOT_PLANNED)
    state = PlanState.OPTIMAL if current.status == "optimal" else PlanState.WITHIN
    return PlanStatus(state, gap=current.gap, timetable_id=current.timetable_id)


def _compliance(engine: Engine, school_id: str) -> Compliance:
    by_class: dict[str, bool] = {}
    shortfalls = []
    for row in adapter.compliance_rows(engine, school_id):
        by_class[row.class_name] = by_class.get(row.class_name, True) and row.met
        if not row.met:
            shortfalls.append(Shortfall(row.class_name, row.title, row.planned, row.required))
    return Compliance(len(by_class), sum(by_class.values()), shortfalls)


def _row(school: SchoolSummary, plan: PlanStatus, compliance: Compliance | None, overdue: list[OverdueItem],
         titles: dict[str, str]) -> SchoolRow:
    return SchoolRow(school.school_id, school.name, school.municipality or NO_MUNICIPALITY, school.classes,
                     school.taking_part, titles.get(school.level, school.level),
                     {title: school.levels[level] for level, title in titles.items() if level in school.levels},
                     plan, compliance, overdue)


def _last_run(session: Session, code: str | None) -> LastRun | None:
    query = select(RegionRun).order_by(col(RegionRun.id).desc())
    if code is not None:
        query = query.where(or_(col(RegionRun.region) == code, col(RegionRun.region).is_(None)))
    run = session.exec(query).first()
    if run is None or run.id is None:
        return None
    return LastRun(run.id, run.started_at, run.finished_at, run.cluster, run.workers, run.solved, run.skipped, run.failed)
