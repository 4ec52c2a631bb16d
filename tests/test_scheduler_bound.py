"""The reported bound holds for the whole school: it never exceeds the optimum of the undivided model."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from scheduler.exact import solve_exact
from scheduler.norms import load_norms
from scheduler.problem import build_problem
from scheduler.profile import load_profile
from scheduler.settings import SolverSettings
from scheduler.solve import solve
from tests.scheduler_helpers import write_profile

THIRD_QUARTER = (date(2024, 1, 9), date(2024, 3, 22))


@pytest.mark.parametrize(("span", "navigator_limit", "school"), [
    (THIRD_QUARTER, 6, {}),
    (THIRD_QUARTER, 3, {"max_hours_per_week": 2}),
    (THIRD_QUARTER, 2, {"max_hours_per_week": 3, "level": "advanced"}),
    ((date(2024, 4, 1), date(2024, 5, 24)), 2, {}),
])
def test_bound_never_exceeds_the_true_optimum(
    tmp_path: Path, span: tuple[date, date], navigator_limit: int, school: dict[str, object]
) -> None:
    start, end = span
    profile = load_profile(write_profile(tmp_path, navigator_limit=navigator_limit, **school))
    problem = build_problem(profile, load_norms(profile.year), span=(start, end))
    decomposed = solve(problem, SolverSettings(10, 0, 2))
    exact = solve_exact(problem, SolverSettings(60, 0, 1))
    assert decomposed.ok and exact.optimal and exact.objective is not None
    assert decomposed.bound is not None and decomposed.objective is not None
    assert decomposed.bound <= exact.objective <= decomposed.objective
    # «оптимально» only when the timetable meets the bound valid for the school.
    assert (decomposed.status == "optimal") == (decomposed.objective == decomposed.bound)
    assert decomposed.stats["plan_bound"] >= decomposed.bound
