"""The whole school in one CP-SAT model: both stages at once, to check the decomposition's figures.

`solve` (scheduler.solve) splits the problem in weeks then days and reports a
bound that must hold for the school as a whole, not for the week plan it
happened to choose. This module states the problem without the split: the
stage-1 model (sessions per task and bucket, every week-level rule and soft
goal) and, in the same CpModel, every week's stage-2 model (a Boolean per
task, day and start slot, every session placed, no overlaps, day limits,
stacking) linked to stage 1's variables and to its choice of staff members and
venues (a session occupies the candidate chosen). Its optimum is the true optimum of
the school; it only scales to small schools and short spans, which is what
the tests and the benchmark's check need.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ortools.sat.python import cp_model

from scheduler.model import DayModel, Occupancy, WeekModel, minimize
from scheduler.problem import Problem
from scheduler.settings import SolverSettings


@dataclass(frozen=True)
class ExactResult:
    """The exact model's outcome: `optimal` when `objective` is proven to be the school's optimum."""

    optimal: bool
    objective: int | None
    bound: int


def solve_exact(problem: Problem, settings: SolverSettings) -> ExactResult:
    """Solve the school in one model within the settings' budget (one worker, seeded)."""
    occupancy = Occupancy(problem)
    weeks = WeekModel(problem, occupancy)
    by_week: dict[int, dict[int, dict[int, cp_model.IntVar]]] = defaultdict(lambda: defaultdict(dict))
    for index, buckets in weeks.counts.items():
        for bucket, var in buckets.items():
            by_week[problem.bucket_week[bucket]][index][bucket] = var
    days = [DayModel(problem, week, counts, occupancy, model=weeks.model, picks=weeks.chosen)
            for week, counts in sorted(by_week.items())]
    minimize(weeks.model, cp_model.LinearExpr.sum([weeks.objective, *(term for day in days for term in day.objective)]))
    solver = cp_model.CpSolver()
    settings.configure(solver, settings.budget)
    status = solver.solve(weeks.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return ExactResult(False, None, round(solver.best_objective_bound))
    return ExactResult(status == cp_model.OPTIMAL, round(solver.objective_value), round(solver.best_objective_bound))
