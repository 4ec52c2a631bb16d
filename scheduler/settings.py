"""How the solves run: the user's time limit, the seed, the threads, and the wall clock they share.

Every CP-SAT call is single-threaded with the seed and a deterministic-time
budget derived from the time limit, so a seed reproduces the timetable on any
machine; `workers` is how many independent calls run side by side in threads,
which changes the speed, never the result.

The time limit is also a wall-clock promise: `running()` fixes a deadline
when a request starts (building the instance, both stages, any explanation),
and every call is capped by what is left of it. On the reference machine the
deterministic budgets finish well before the deadline; on a slow or busy one
the deadline wins and the answer is the best found so far.
"""

from __future__ import annotations

import threading
import time as clock
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum

from ortools.sat.python import cp_model

# Deterministic seconds of CP-SAT per wall second, measured for these models on the reference
# 2-core machine: turns the user's time limit into a budget that gives the same result anywhere.
DTIME_PER_SECOND = 0.3
# Wall seconds kept back from the deadline for what follows the last solve (identities, storing).
WALL_MARGIN = 0.05


class CpuMeter:
    """CPU seconds spent inside CP-SAT, added up over threads: what the benchmark compares with the
    process's CPU to tell how much the Python around the solver costs. Each call runs on one worker
    in its calling thread, so that thread's CPU time is the call's."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._lock = threading.Lock()

    def add(self, seconds: float) -> None:
        with self._lock:
            self.seconds += seconds

    # Settings travel to Dask workers (region.batch) by pickle: a meter goes as its count, with a lock of its own.
    def __getstate__(self) -> dict[str, float]:
        return {"seconds": self.seconds}

    def __setstate__(self, state: dict[str, float]) -> None:
        self.seconds = state["seconds"]
        self._lock = threading.Lock()


class SolveStage(StrEnum):
    """The two stages of a solve, in the units a watcher can count."""

    PLAN = "plan"  # stage 1: each class's sessions shared out over the weeks (counted in classes)
    DAYS = "days"  # stage 2: each week's sessions laid out on days and slots (counted in weeks)


@dataclass(frozen=True)
class Progress:
    """How far a solve is, for whoever watches it (the web's schedule job): `done` units of `total` in the
    stage, and the plan's penalty so far (None when the stage has no such figure)."""

    stage: SolveStage
    done: int
    total: int
    objective: int | None = None


@dataclass(frozen=True)
class SolverSettings:
    """`time_limit` (seconds) becomes a deterministic-time `budget` and, once `running()`, a wall-clock
    `deadline` (time.monotonic) that caps every CP-SAT call. `on_progress`, when given, hears how far the
    solve is (it may be called from the solver's worker threads; it never changes the result)."""

    time_limit: float
    seed: int
    workers: int
    deadline: float | None = None
    # Shared by the copies `running()` makes: one request's CP-SAT time, whatever the threads.
    cpu: CpuMeter = field(default_factory=CpuMeter, compare=False, repr=False)
    on_progress: Callable[[Progress], None] | None = field(default=None, compare=False, repr=False)

    def report(self, progress: Progress) -> None:
        if self.on_progress is not None:
            self.on_progress(progress)

    @property
    def budget(self) -> float:
        return self.time_limit * DTIME_PER_SECOND

    def running(self) -> SolverSettings:
        """These settings with the wall clock started now (unchanged when it already runs)."""
        if self.deadline is not None:
            return self
        return replace(self, deadline=clock.monotonic() + self.time_limit)

    def remaining(self) -> float:
        """Wall seconds left before the deadline (the whole limit when the clock has not started)."""
        if self.deadline is None:
            return self.time_limit
        return self.deadline - clock.monotonic()

    @property
    def out_of_time(self) -> bool:
        return self.remaining() <= WALL_MARGIN * self.time_limit

    def configure(self, solver: cp_model.CpSolver, budget: float) -> None:
        params = solver.parameters
        params.random_seed = self.seed
        params.num_workers = 1
        params.max_deterministic_time = max(0.05, budget)
        params.max_time_in_seconds = max(0.01, min(10 * budget / DTIME_PER_SECOND, self.remaining()))

    def solve(self, solver: cp_model.CpSolver, model: cp_model.CpModel) -> cp_model.CpSolverStatus:
        """`solver.solve(model)`, its CPU time counted in `cpu`."""
        started = clock.thread_time()
        try:
            return solver.solve(model)
        finally:
            self.cpu.add(clock.thread_time() - started)
