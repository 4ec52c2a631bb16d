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

from collections.abc import Mapping

from scheduler.model import Occupancy, Resource, owners, session_starts
from scheduler.problem import Problem

PASSES = 8  # first-fit tries per week before the week goes to its model


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
    order = sorted(counts, key=lambda index: (len(tasks[index].days) / max(1, tasks[index].count), index))
    for _ in range(PASSES):
        positions, failed = _first_fit(problem, occupancy, counts, order)
        if failed is None:
            return positions
        order.remove(failed)
        order.insert(0, failed)
    return None


def _first_fit(
    problem: Problem, occupancy: Occupancy, counts: Mapping[int, Mapping[int, int]], order: list[int],
) -> tuple[dict[int, list[tuple[int, int]]], int | None]:
    """The tasks' sessions placed in this order, each at the first day and start that keeps every
    rule and adds no penalty; with the first task that did not fit (None when all did)."""
    tasks = problem.tasks
    taken: dict[tuple[Resource, int], set[int]] = {}
    # (class, day) pairs that hold a limited session: a second one would stack.
    stacked = {key for key, sessions in occupancy.sessions.items() if sessions}
    positions: dict[int, list[tuple[int, int]]] = {}
    for index in order:
        task = tasks[index]
        resources = owners(task)
        limited = problem.is_limited(task)
        day_cap = problem.classes[task.class_name].school_class.max_hours_per_day
        starts = session_starts(problem, task)
        placed: list[tuple[int, int]] = []
        for bucket, count in sorted(counts[index].items()):
            days = [day for day in task.days if problem.bucket_of[day] == bucket]
            # Classes start on different days of the bucket, so they contend less for shared staff.
            shift = index % len(days) if days else 0
            for day in days[shift:] + days[:shift]:
                if count == 0:
                    break
                if limited and ((task.class_name, day) in stacked
                                or occupancy.limited.get((task.class_name, day), 0) + task.hours > day_cap):
                    continue
                busy = [(taken.setdefault((owner, day), set()), occupancy.busy.get((owner, day), set()))
                        for owner in resources]
                for start, covered in starts:
                    if all(mine.isdisjoint(covered) and fixed.isdisjoint(covered) for mine, fixed in busy):
                        for mine, _ in busy:
                            mine.update(covered)
                        if limited:
                            stacked.add((task.class_name, day))
                        placed.append((day, start))
                        count -= 1
                        break
            if count:
                return positions, index
        positions[index] = sorted(placed)
    return positions, None
