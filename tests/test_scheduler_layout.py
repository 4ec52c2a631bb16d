"""Stage 2's first fit (scheduler.layout) against the week's CP-SAT model: a week it lays out is one
the model accepts at no penalty, and a week that must stack is left to the model."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from ortools.sat.python import cp_model

from scheduler.decompose import Planner
from scheduler.layout import lay_out_week
from scheduler.model import DayModel, Occupancy
from scheduler.norms import load_norms
from scheduler.problem import Problem, build_problem
from scheduler.profile import load_profile
from scheduler.settings import SolverSettings
from tests.test_scheduler_decompose import shared_staff_profile


def _weeks(tmp_path: Path) -> tuple[Problem, Occupancy, dict[int, dict[int, dict[int, int]]]]:
    """A school of shared staff planned by stage 1: the problem with its choices, and per week the
    sessions per task and bucket."""
    profile = load_profile(shared_staff_profile(tmp_path))
    problem = build_problem(profile, load_norms(profile.year))
    occupancy = Occupancy(problem)
    plan = Planner(problem, occupancy, SolverSettings(20.0, 0, 1)).plan()
    by_week: dict[int, dict[int, dict[int, int]]] = defaultdict(dict)
    for index, buckets in plan.values.items():
        for bucket, count in buckets.items():
            by_week[problem.bucket_week[bucket]].setdefault(index, {})[bucket] = count
    return problem.with_choices(plan.choices), occupancy, by_week


def _solve(model: DayModel) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 20
    assert solver.solve(model.model) == cp_model.OPTIMAL
    return solver


def test_a_week_laid_out_by_first_fit_is_one_the_week_model_accepts_at_no_penalty(tmp_path: Path) -> None:
    problem, occupancy, by_week = _weeks(tmp_path)
    laid = 0
    for week, counts in sorted(by_week.items()):
        positions = lay_out_week(problem, occupancy, counts)
        if positions is None:
            continue
        laid += 1
        assert {index: len(places) for index, places in positions.items()} == {
            index: sum(buckets.values()) for index, buckets in counts.items()
        }
        model = DayModel(problem, week, counts, occupancy)
        for index, options in model.starts.items():
            assert set(positions[index]) <= set(options), (week, index)
            for position, var in options.items():
                model.model.add(var == int(position in positions[index]))
        assert _solve(model).objective_value == 0, week
    assert laid >= 0.8 * len(by_week)


def test_a_week_that_must_stack_is_left_to_the_week_model(tmp_path: Path) -> None:
    """Six limited sessions of one class in a five-day week: some day holds two, a penalty first fit
    never takes; the model places them all and counts it."""
    problem, occupancy, by_week = _weeks(tmp_path)
    name = sorted(problem.classes)[0]
    bucket = next(
        bucket for bucket in range(len(problem.bucket_week))
        if len(days := [d for d, b in enumerate(problem.bucket_of) if b == bucket]) == 5
        and all(day in problem.classes[name].days and not occupancy.sessions.get((name, day)) for day in days)
        and sum(1 for task in problem.tasks if task.class_name == name and problem.is_limited(task)
                and any(problem.bucket_of[day] == bucket for day in task.days)) >= 6
    )
    tasks = [index for index, task in enumerate(problem.tasks) if task.class_name == name and problem.is_limited(task)
             and any(problem.bucket_of[day] == bucket for day in task.days)][:6]
    counts = {index: {bucket: 1} for index in tasks}
    assert lay_out_week(problem, occupancy, counts) is None
    model = DayModel(problem, problem.bucket_week[bucket], counts, occupancy)
    solver = _solve(model)
    assert model.missing(solver) == {}
    assert solver.objective_value == problem.norms.soft.stacking > 0
