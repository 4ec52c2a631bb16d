"""A greedy baseline: place each session at the first free slot near an evenly spaced target day.

It exists to measure the solver against (bench/bench_solver.py): it obeys
every hard rule it can check locally (free class, staff and venue, class day
and week limits, staff weekly limit, windows, order by week) but never
revisits a choice, so tight instances leave sessions unplaced and quotas unmet.
Most constrained tasks (fewest allowed days) go first; electives only top up
directions still short of their minimum.
"""

from __future__ import annotations

import time as clock
from collections import defaultdict
from dataclasses import dataclass

from scheduler.model import Occupancy, Resource, owners, staff_resource
from scheduler.placement import Placement
from scheduler.problem import TOTAL, Problem, Task


@dataclass
class GreedyResult:
    placements: list[Placement]
    unplaced: int
    seconds: float


class _State:
    """What is taken so far, checked and updated one session at a time."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        occupancy = Occupancy(problem)
        self.busy = {key: set(slots) for key, slots in occupancy.busy.items()}
        self.class_day: dict[tuple[str, int], int] = defaultdict(int, occupancy.limited)
        self.class_week: dict[tuple[str, int], int] = defaultdict(int)
        self.staff_week: dict[tuple[Resource, int], int] = defaultdict(int)
        for (name, day), hours in occupancy.limited.items():
            self.class_week[(name, problem.week_of[day])] += hours
        for (owner, day), hours in occupancy.hours.items():
            self.staff_week[(owner, problem.week_of[day])] += hours
        self.last_week: dict[str, int] = defaultdict(lambda: -1)
        for placed in problem.fixed:
            position = problem.day_index(placed.day)
            if position is not None:
                self.last_week[placed.task] = max(self.last_week[placed.task], problem.week_of[position])

    def fits(self, task: Task, day: int, start: int) -> bool:
        problem = self.problem
        week = problem.week_of[day]
        if any(problem.week_of[day] <= self.last_week[key] for key in task.after):
            return False
        covered = [start] if task.evening else list(range(start, start + task.hours))
        if any(slot in self.busy.get((owner, day), ()) for owner in owners(task) for slot in covered):
            return False
        cls = problem.classes[task.class_name].school_class
        if problem.is_limited(task) and (
            self.class_day[(task.class_name, day)] + task.hours > cls.max_hours_per_day
            or self.class_week[(task.class_name, week)] + task.hours > cls.max_hours_per_week
        ):
            return False
        limit = problem.profile.staff_member(task.staff).max_hours_per_week
        return self.staff_week[(staff_resource(task.staff), week)] + task.hours <= limit

    def take(self, task: Task, day: int, start: int) -> None:
        week = self.problem.week_of[day]
        covered = [start] if task.evening else list(range(start, start + task.hours))
        for owner in owners(task):
            self.busy.setdefault((owner, day), set()).update(covered)
        if self.problem.is_limited(task):
            self.class_day[(task.class_name, day)] += task.hours
            self.class_week[(task.class_name, week)] += task.hours
        self.staff_week[(staff_resource(task.staff), week)] += task.hours
        self.last_week[task.key] = max(self.last_week[task.key], week)


def greedy(problem: Problem) -> GreedyResult:
    started = clock.perf_counter()
    state = _State(problem)
    placements = list(problem.fixed)
    unplaced = 0
    hours: dict[tuple[str, str], int] = defaultdict(int)
    for fixed in problem.fixed:
        hours[(fixed.class_name, fixed.direction)] += fixed.hours
        hours[(fixed.class_name, TOTAL)] += fixed.hours
    named = sorted((t for t in problem.tasks if not t.elective), key=lambda t: (len(t.after), len(t.days), t.key))
    electives = [t for t in problem.tasks if t.elective]
    for task in named:
        placed = _place(problem, state, task, task.count)
        placements += placed
        unplaced += task.count - len(placed)
        hours[(task.class_name, task.direction)] += task.hours * len(placed)
        hours[(task.class_name, TOTAL)] += task.hours * len(placed)
    for task in electives:
        short = max(
            problem.required[(task.class_name, task.direction)] - hours[(task.class_name, task.direction)],
            problem.required[(task.class_name, TOTAL)] - hours[(task.class_name, TOTAL)],
        )
        if short > 0:
            placed = _place(problem, state, task, min(task.count, -(-short // task.hours)))
            placements += placed
            hours[(task.class_name, task.direction)] += task.hours * len(placed)
            hours[(task.class_name, TOTAL)] += task.hours * len(placed)
    return GreedyResult(placements, unplaced, clock.perf_counter() - started)


def _place(problem: Problem, state: _State, task: Task, count: int) -> list[Placement]:
    """Up to `count` sessions on distinct days, each as near as possible to its evenly spaced target."""
    days = list(task.days)
    starts = problem.starts(task)
    used: set[int] = set()
    result = []
    for number in range(count):
        if not days:
            break
        target = int((number + 0.5) * len(days) / count)
        order = sorted(range(len(days)), key=lambda i: (abs(i - target), i))
        spot = next(
            ((days[i], start) for i in order if days[i] not in used for start in starts if state.fits(task, days[i], start)),
            None,
        )
        if spot is None:
            continue
        state.take(task, *spot)
        used.add(spot[0])
        result.append(problem.place(task, f"{task.key}#{number + 1}", problem.days[spot[0]], spot[1]))
    return result
