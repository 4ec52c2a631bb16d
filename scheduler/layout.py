"""A week of stage 2 laid out without search, when first fit finds it with no penalty at all.

Stage 2's penalties (stacking: a class's sessions beyond one a day; change:
a re-plan's session off its old day and slot) are never negative, so a week
where every session is placed on its own day of the class, with every hard
rule of `DayModel` kept, is optimal: CP-SAT could only find another layout
of the same cost. Most weeks are such (stage 1 leaves no stacking it could
avoid), and building the week's model cost more than solving it, so
`solve` tries this first and builds the model only for the weeks where
first fit fails. A re-plan's weeks with old positions always go to the
model, which weighs moving them.

The hard rules are the model's: a session starts where `session_starts`
allows, on a day of its task in the bucket stage 1 gave it, one a day per
task, on slots that no fixed session or other session of its class, staff
member or venue takes, within the class's day limit.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping
from typing import NamedTuple

from scheduler.model import Occupancy, Resource, owners, session_starts
from scheduler.problem import Problem

PASSES = 8  # first-fit tries per week before the week goes to its model


class _Task(NamedTuple):
    """What first fit reads of a task, worked out once per week rather than once per try."""

    task_index: int
    class_name: str
    hours: int
    resources: list[Resource]
    limited: bool
    day_cap: int
    starts: list[tuple[int, range]]
    days: list[tuple[int, tuple[int, ...]]]  # per bucket (in order) its sessions and the task's days there


def lay_out_week(
    problem: Problem, occupancy: Occupancy, counts: Mapping[int, Mapping[int, int]],
) -> dict[int, list[tuple[int, int]]] | None:
    """Per task, the (day, start slot) of each of its sessions this week with no penalty, or None
    when first fit finds no such layout (or the week holds a re-plan's old positions).

    Tasks go with the fewest days per session first; a task that does not fit goes first in the
    next of up to PASSES tries (the squeaky wheel: what failed gets the pick of the slots)."""
    tasks = problem.tasks
    if any(problem.previous.get(tasks[index].key) for index in counts):
        return None
    bounds = problem.bucket_start
    week: dict[int, _Task] = {}
    for index, buckets in counts.items():
        task = tasks[index]
        days = []
        for bucket, count in sorted(buckets.items()):
            inside = task.days[bisect_left(task.days, bounds[bucket]):bisect_left(task.days, bounds[bucket + 1])]
            # Classes start on different days of the bucket, so they contend less for shared staff.
            shift = index % len(inside) if inside else 0
            days.append((count, inside[shift:] + inside[:shift]))
        week[index] = _Task(index, task.class_name, task.hours, owners(task), problem.is_limited(task),
                            problem.classes[task.class_name].school_class.max_hours_per_day,
                            session_starts(problem, task), days)
    order = sorted(counts, key=lambda index: (len(tasks[index].days) / max(1, tasks[index].count), index))
    for _ in range(PASSES):
        positions, failed = _first_fit(occupancy, [week[index] for index in order])
        if failed is None:
            return positions
        order.remove(failed)
        order.insert(0, failed)
    return None


def _first_fit(occupancy: Occupancy, tasks: list[_Task]) -> tuple[dict[int, list[tuple[int, int]]], int | None]:
    """The tasks' sessions placed in this order, each at the first day and start that keeps every
    rule and adds no penalty; with the first task that did not fit (None when all did)."""
    # Per (resource, day), the slots taken: the fixed sessions', then those placed here.
    taken: dict[tuple[Resource, int], set[int]] = {}
    # (class, day) pairs that hold a limited session: a second one would stack.
    stacked = {key for key, sessions in occupancy.sessions.items() if sessions}
    positions: dict[int, list[tuple[int, int]]] = {}
    for task in tasks:
        placed: list[tuple[int, int]] = []
        for count, days in task.days:
            for day in days:
                if count == 0:
                    break
                if task.limited and ((task.class_name, day) in stacked
                                     or occupancy.limited.get((task.class_name, day), 0) + task.hours > task.day_cap):
                    continue
                busy = []
                for owner in task.resources:
                    slots = taken.get((owner, day))
                    if slots is None:
                        slots = taken[(owner, day)] = set(occupancy.busy.get((owner, day), ()))
                    busy.append(slots)
                for start, covered in task.starts:
                    if all(slots.isdisjoint(covered) for slots in busy):
                        for slots in busy:
                            slots.update(covered)
                        if task.limited:
                            stacked.add((task.class_name, day))
                        placed.append((day, start))
                        count -= 1
                        break
            if count:
                return positions, task.task_index
        positions[task.task_index] = sorted(placed)
    return positions, None
