"""Solving a Problem: stage 1 (weeks), stage 2 (days, week by week), identities, and the record of how.

Determinism: every CP-SAT call is single-threaded with the seed and a
deterministic-time budget (see `SolverSettings`); `workers` threads run
independent calls (classes in stage 1, weeks in stage 2) side by side and the
results are merged in a fixed order, so the timetable depends on the input
and the seed only. The result records the seed, workers, OR-Tools version and
the input fingerprint, so a stored timetable can be reproduced exactly.

Identity: a placement's uid is `<class>/<activity>[/<part>]#<n>` (the weekly
course: `<class>/<activity>/<date>`). On a re-plan a session that keeps its
date and slot keeps its uid; the others of the same task take the remaining
old uids in date order (they *moved*); anything beyond is *added*, old uids
left over are *removed*.
"""

from __future__ import annotations

import gc
import itertools
import time as clock
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from importlib.metadata import version
from typing import Any

from ortools.sat.python import cp_model

from scheduler.capacity import check_capacity
from scheduler.decompose import MIN_BUDGET, Planner
from scheduler.explain import Explanation, explain
from scheduler.layout import lay_out_week
from scheduler.model import UNPLACED_WEIGHT, DayModel, Occupancy
from scheduler.penalties import Terms, add_terms, summed
from scheduler.placement import Placement
from scheduler.problem import Problem, Task
from scheduler.settings import CpuMeter, Progress, SolverSettings, SolveStage

MAX_REPAIRS = 6
# Allocations between two runs of the cyclic garbage collector during a solve (see `_rare_collections`).
GC_ALLOCATIONS = 20_000


@dataclass
class Solution:
    """What one solve produced: status, objective and bound, placements and how they were obtained."""

    status: str
    objective: int | None
    bound: int | None
    seconds: float
    placements: tuple[Placement, ...]
    settings: SolverSettings
    fingerprint: str
    explanation: Explanation | None = None
    message: str | None = None
    stats: dict[str, Any] = field(default_factory=dict)
    objective_terms: Terms = field(default_factory=dict)  # class → penalty term → its part of the objective
    ortools_version: str = version("ortools")

    @property
    def ok(self) -> bool:
        return self.status in ("optimal", "feasible")

    @property
    def gap(self) -> float | None:
        """Relative distance of the objective from the bound valid for the whole school (0 = proven optimal)."""
        return relative_gap(self.objective, self.bound)

    @property
    def plan_gap(self) -> float | None:
        """The old per-plan figure: distance from a bound that holds only for the chosen week plan."""
        return relative_gap(self.objective, self.stats.get("plan_bound"))

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "objective": self.objective,
            "bound": self.bound,
            "gap": self.gap,
            "plan_gap": self.plan_gap,
            "solve_seconds": round(self.seconds, 3),
            "seed": self.settings.seed,
            "workers": self.settings.workers,
            "time_limit": self.settings.time_limit,
            "ortools_version": self.ortools_version,
            "input_hash": self.fingerprint,
            "explanation": self.explanation.to_json() if self.explanation else None,
            "message": self.message,
            "stats": self.stats,
            "objective_terms": self.objective_terms,
        }


def relative_gap(objective: int | None, bound: int | None) -> float | None:
    """(objective − bound) / objective, 0 when they meet, None when either is missing."""
    if objective is None or bound is None:
        return None
    return 0.0 if objective == bound else (objective - bound) / max(1, abs(objective))


def solve(problem: Problem, settings: SolverSettings) -> Solution:
    """Solve the instance; an infeasible one comes back with its explanation and no placements."""
    with _rare_collections():
        return _solve(problem, settings)


@contextmanager
def _rare_collections() -> Iterator[None]:
    """Python's cyclic garbage collector run every GC_ALLOCATIONS allocations instead of 700 while a
    solve runs (the thresholds restored after). A solve makes hundreds of thousands of short-lived
    objects and almost no cycles; at the default thresholds the collector ran about 400 times per
    120-class solve, each full pass scanning every model alive, a tenth of the Python around CP-SAT."""
    before = gc.get_threshold()
    gc.set_threshold(GC_ALLOCATIONS, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _solve(problem: Problem, settings: SolverSettings) -> Solution:
    started = clock.perf_counter()
    settings = replace(settings.running(), cpu=CpuMeter())  # this solve's CP-SAT time only
    fingerprint = problem.fingerprint()

    def finish(status: str, **fields: Any) -> Solution:
        fields.setdefault("stats", {})["cpsat_seconds"] = round(settings.cpu.seconds, 3)
        return Solution(status, fields.pop("objective", None), fields.pop("bound", None),
                        clock.perf_counter() - started, fields.pop("placements", ()), settings, fingerprint, **fields)

    if problem.issues:
        return finish("infeasible", explanation=explain(problem, problem.classes, settings))
    if settings.out_of_time:
        return finish("unknown", message=_late(settings, problem, {}))
    occupancy = Occupancy(problem)
    shortages = check_capacity(problem, occupancy)
    if shortages:
        return finish("infeasible", explanation=Explanation(shortages=shortages),
                      stats={"tasks": len(problem.tasks), "capacity_seconds": round(clock.perf_counter() - started, 3)})
    planner = Planner(problem, occupancy, settings)
    plan = planner.plan()
    caps: dict[tuple[str, int], int] = {}
    solved_weeks: dict[tuple[int, str], WeekResult] = {}
    stats: dict[str, Any] = {"tasks": len(problem.tasks), "fixed": len(problem.fixed)}
    for repair in range(MAX_REPAIRS):
        stats.update(stage1=plan.status, stage1_seconds=round(clock.perf_counter() - started, 3),
                     repairs=repair, repaired_classes=len(set(plan.repaired)))
        if plan.status == "infeasible" and not caps:
            return finish("infeasible", stats=stats,
                          explanation=explain(problem, plan.infeasible_scope or problem.classes, settings))
        if plan.status not in ("optimal", "feasible"):
            return finish("unknown", stats=stats, message=_late(settings, problem, plan.objective))
        # Stage 2 and the placements see the staff members and venues stage 1 chose.
        assigned = problem.with_choices(plan.choices)
        placed = _place_days(assigned, occupancy, plan.values, settings, solved_weeks)
        if None in placed:
            return finish("unknown", stats=stats, message=_late(settings, problem, plan.objective))
        weeks = [week for week in placed if week is not None]
        if not any(week.missing for week in weeks):
            break
        for week in weeks:
            _tighten(problem, caps, week)
        plan = planner.repair(plan, caps)
    else:
        return finish("unknown", stats=stats, message=(
            "Не удалось разложить занятия по дням недели: проверьте лимиты сотрудников, площадок и слоты."
        ))
    # Stage 1's objective carries a floor of the stacking that stage 2 counts for real (see
    # scheduler.model): the timetable's penalty is stage 1's terms without it, plus stage 2's.
    stage1 = sum(summed(plan.terms).values())
    objective = stage1 + sum(week.objective for week in weeks)
    # The honest bound: each class alone can do no better than its floor (stage-1 terms plus the
    # stacking floor, which never exceeds the real stacking), and the other day-level terms are never
    # negative, so the sum of the floors bounds every timetable of the school. The week bounds hold
    # only for the week plan stage 1 chose: kept as a diagnostic (`plan_bound`).
    bound = min(sum(plan.bound.values()), objective)
    plan_stage1 = plan.lower_bound - (plan.total - stage1)
    stats.update(
        reassigned=sum(1 for index, (staff, venue) in plan.choices.items()
                       if (staff, venue) != (problem.tasks[index].staff, problem.tasks[index].venue)),
        weeks=len(weeks), stage1_objective=stage1, stage2_objective=objective - stage1,
        plan_bound=min(max(bound, plan_stage1 + sum(week.bound for week in weeks)), objective),
        plan_optimal=plan.status == "optimal" and all(week.optimal for week in weeks),
    )
    terms: Terms = {}
    add_terms(terms, plan.terms)
    for week in weeks:
        add_terms(terms, week.terms)
    return finish("optimal" if objective == bound else "feasible", objective=objective, bound=bound,
                  placements=_identities(assigned, weeks), stats=stats, objective_terms=terms)


def _late(settings: SolverSettings, problem: Problem, planned: dict[str, int]) -> str:
    """«Не успел»: what was found when the time limit ran out (nothing is stored)."""
    return (
        f"Не успел за {settings.time_limit:g} с: по неделям расписаны {len(planned)} из {len(problem.classes)} "
        "классов, расписание не закончено и не сохранено (прежнее не изменилось). "
        "Увеличьте --time-limit или сократите период (--from/--to)."
    )


@dataclass(frozen=True)
class WeekResult:
    """Stage 2 of one week: where each task's sessions went and which could not be placed."""

    week: int
    optimal: bool
    objective: int
    bound: int
    positions: dict[int, list[tuple[int, int]]]
    missing: dict[int, int]
    terms: dict[str, dict[str, int]]


def _place_days(
    problem: Problem, occupancy: Occupancy, counts: dict[int, dict[int, int]], settings: SolverSettings,
    solved: dict[tuple[int, str], WeekResult],
) -> list[WeekResult | None]:
    """Stage 2 for every week, in parallel threads; a week whose counts did not change is not re-solved;
    None for a week the wall clock left no time to solve."""
    by_week: dict[int, dict[int, dict[int, int]]] = defaultdict(lambda: defaultdict(dict))
    bucket_week = problem.bucket_week
    for index, buckets in counts.items():
        for bucket, count in buckets.items():
            by_week[bucket_week[bucket]][index][bucket] = count
    budget = max(MIN_BUDGET, 2 * settings.budget / max(1, len(by_week)))
    laid_out = itertools.count(1)

    def run(week: int) -> WeekResult | None:
        key = (week, repr(sorted((index, problem.tasks[index].staff, problem.tasks[index].venue, sorted(buckets.items()))
                                 for index, buckets in by_week[week].items())))
        if key not in solved:
            result = _place_week(problem, occupancy, week, by_week[week], settings, budget)
            if result is None:
                return None
            solved[key] = result
        settings.report(Progress(SolveStage.DAYS, next(laid_out), len(by_week)))
        return solved[key]

    with ThreadPoolExecutor(max_workers=max(1, settings.workers)) as pool:
        return list(pool.map(run, sorted(by_week)))


def _place_week(
    problem: Problem, occupancy: Occupancy, week: int, counts: dict[int, dict[int, int]],
    settings: SolverSettings, budget: float,
) -> WeekResult | None:
    """One week's days and slots: laid out by first fit when that finds no penalty (see
    scheduler.layout), else by the week's model; None when the time ran out first (every session may
    stay unplaced, so the model is always feasible)."""
    if settings.out_of_time:
        return None
    positions = lay_out_week(problem, occupancy, counts)
    if positions is not None:  # no penalty: nothing to search for
        return WeekResult(week, True, 0, 0, positions, {}, {})
    model = DayModel(problem, week, counts, occupancy)
    solver = cp_model.CpSolver()
    settings.configure(solver, budget)
    # A week's model is easy (most weeks reach zero at once): presolve took three quarters of its
    # time (0.23 s of CPU a week at 60 classes, 0.06 s without).
    solver.parameters.cp_model_presolve = False
    status = settings.solve(solver, model.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    missing = model.missing(solver)
    penalty = UNPLACED_WEIGHT * sum(problem.tasks[i].hours * n for i, n in missing.items())
    return WeekResult(week, status == cp_model.OPTIMAL, round(solver.objective_value) - penalty,
                      max(0, round(solver.best_objective_bound) - penalty), model.placements(solver), missing,
                      model.term_values(solver))


def _tighten(problem: Problem, caps: dict[tuple[str, int], int], week: WeekResult) -> None:
    """Lower the weekly capacity of each class stage 2 could not fit to what it did fit."""
    for index in week.missing:
        name = problem.tasks[index].class_name
        fitted = sum(
            problem.tasks[i].hours * len(positions)
            for i, positions in week.positions.items()
            if problem.tasks[i].class_name == name and problem.is_limited(problem.tasks[i])
        )
        fixed = sum(
            p.hours for p in problem.fixed
            if p.class_name == name and problem.is_limited(p)
            and (day := problem.day_index(p.day)) is not None and problem.week_of[day] == week.week
        )
        cap = problem.classes[name].school_class.max_hours_per_week
        caps[(name, week.week)] = min(caps.get((name, week.week), cap), fitted + fixed)


def _identities(problem: Problem, weeks: list[WeekResult]) -> tuple[Placement, ...]:
    positions: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for week in weeks:
        for index, found in week.positions.items():
            positions[index].extend(found)
    placements = list(problem.fixed)
    fixed_uids: dict[str, set[str]] = defaultdict(set)
    for placed in problem.fixed:
        fixed_uids[placed.task].add(placed.uid)
    for index, task in enumerate(problem.tasks):
        placements.extend(_assign_uids(problem, task, sorted(positions.get(index, [])), fixed_uids[task.key]))
    return tuple(sorted(placements, key=lambda p: (p.day, p.slot, p.class_name, p.uid)))


def _assign_uids(problem: Problem, task: Task, positions: list[tuple[int, int]], fixed: set[str]) -> list[Placement]:
    """Keep the uid of an unmoved session, hand the old uids to moved ones, number the rest after them
    (`fixed`: the uids of the task's fixed sessions)."""
    previous = sorted(problem.previous.get(task.key, []), key=lambda entry: (entry[1], entry[2], entry[0]))
    at: dict[tuple[date, int], str] = {(day, slot): uid for uid, day, slot in previous}
    used = {uid for uid, _, _ in previous} | fixed
    taken = {(problem.days[day], slot) for day, slot in positions}
    free = [uid for uid, day, slot in previous if (day, slot) not in taken]
    counter = max((int(uid.rsplit("#", 1)[1]) for uid in used if "#" in uid), default=0)
    result = []
    for day_index, slot in positions:
        day = problem.days[day_index]
        uid = at.get((day, slot))
        if uid is None:
            if free:
                uid = free.pop(0)
            else:
                counter += 1
                uid = f"{task.key}#{counter}"
        result.append(problem.place(task, uid, day, slot))
    return result
