"""Capacity checks before search, and the time limit as a wall-clock promise."""

from __future__ import annotations

import time

from bench.bench_solver import generate_profile
from scheduler.norms import load_norms
from scheduler.problem import build_problem
from scheduler.settings import SolverSettings
from scheduler.solve import solve


def test_too_few_external_venues_are_explained_with_the_numbers_before_any_search() -> None:
    """The issue's school: 60 advanced classes and two external venues (one per six classes solves)."""
    settings = SolverSettings(60, 0, 2).running()
    profile = generate_profile(60, external=2)
    solution = solve(build_problem(profile, load_norms(profile.year)), settings)
    assert solution.status == "infeasible" and solution.explanation is not None
    assert "stage1" not in solution.stats  # no CP-SAT search ran
    shortage = solution.explanation.shortages[0]
    # Trials (6 h), vocational training (10 h) and «Неделя без турникетов» for 60 classes: 60 × 18 h.
    assert (shortage.kind, shortage.needed, shortage.available) == ("venue_kind", 1080, 1008)
    text = solution.explanation.text
    assert "площадки вида external от 25 мест (2 шт.): нужно 1 080 ч, в году доступно 1 008 ч" in text
    assert "добавьте площадку вида external" in text and "«Профессиональные пробы»" in text
    assert settings.time_limit - settings.remaining() <= 10  # the promise for 60–120 classes


def test_the_time_limit_is_total_wall_clock_and_the_answer_says_what_was_found() -> None:
    limit = 6.0
    started = time.monotonic()
    settings = SolverSettings(limit, 0, 2).running()
    profile = generate_profile(60)
    solution = solve(build_problem(profile, load_norms(profile.year)), settings)
    assert time.monotonic() - started <= 1.1 * limit
    assert solution.ok or (solution.status == "unknown" and solution.message and "Не успел за 6 с" in solution.message)
