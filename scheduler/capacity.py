"""Capacity checks before search: hours needed against hours available, the way FET checks before it generates.

A school that cannot work by plain arithmetic (too few seat-hours of
external venues for the trials, a navigator role with too few hours a week,
a class with more sessions than free slots under its limits) makes CP-SAT
search for a long time and prove little. These checks take a fraction of a
second and name the numbers and the fix.

Each check is Hall's condition over a family of day sets: for a pool of
interchangeable resources (venues of the kinds an activity needs with
enough seats, the staff members of a role, one person's forced sessions,
one class's own slots) and for every window D among the pool's tasks (and
the union of them all), the hours of the tasks that must fall inside D
cannot exceed what the pool offers in D. Every check is a necessary
condition of the CP-SAT model (capacities counted the way the model counts
them, the fixed sessions already taken off), so a failing check proves the
school infeasible and a passing one proves nothing.

Electives are optional and not counted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

from scheduler.model import Load, Occupancy, Resource, class_resource, staff_resource, venue_resource
from scheduler.problem import Problem, Task

_WEEK = timedelta(days=7)
WINDOWS_FIX = "windows в файле нормативов или срок пункта дорожной карты"


@dataclass(frozen=True)
class Shortage:
    """One pool with fewer hours than its tasks need inside a window, with what to change."""

    kind: str  # venue_kind | staff_role | staff | class_hours | class_slots | class_evenings
    subject: str
    needed: int
    available: int
    period: str
    text: str
    fix: str

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "subject": self.subject, "needed": self.needed, "available": self.available,
                "period": self.period, "text": self.text, "fix": self.fix}


def number(value: int) -> str:
    """A count with thin groups, as Russian text writes it: 1 080."""
    return f"{value:,}".replace(",", " ")


class _Checker:
    def __init__(self, problem: Problem, occupancy: Occupancy) -> None:
        self.problem = problem
        self.occupancy = occupancy
        self.shortages: list[Shortage] = []
        self.required = [task for task in problem.tasks if not task.elective and task.count > 0]
        self.all_days = frozenset(range(len(problem.days)))
        self.hours_in: dict[tuple[tuple[object, ...], frozenset[int]], int] = {}  # see `class_hours`
        self.kinds: dict[str, tuple[object, ...]] = {}
        self.free_in: dict[tuple[Resource, frozenset[int]], Load] = {}  # see `free`
        self.hours_of: dict[tuple[Resource, frozenset[int]], int] = {}  # see `person_hours`

    # -- the condition ----------------------------------------------------------------------
    def worst(
        self, tasks: Iterable[Task], capacity: Callable[[frozenset[int]], int],
        demand: Callable[[Task], int] = lambda task: task.hours * task.count,
    ) -> tuple[frozenset[int], int, int] | None:
        """The window where the tasks' hours exceed the capacity the most (None when none does)."""
        by_days: dict[frozenset[int], int] = defaultdict(int)
        for task in tasks:
            by_days[frozenset(task.days)] += demand(task)
        if not by_days:
            return None
        windows = set(by_days) | {frozenset().union(*by_days)}
        found = None
        for window in sorted(windows, key=lambda days: (len(days), sorted(days))):
            needed = sum(hours for days, hours in by_days.items() if days <= window)
            if needed == 0:
                continue
            available = capacity(window)
            if needed > available and (found is None or needed - available > found[1] - found[2]):
                found = (window, needed, available)
        return found

    def period(self, days: frozenset[int]) -> str:
        problem = self.problem
        if not days:
            return "в периоде"
        first, last = problem.days[min(days)], problem.days[max(days)]
        if first == problem.span.start and last >= problem.span.end - _WEEK:
            whole = problem.span.start == problem.profile.year.start
            return "в году" if whole else f"за период {problem.span.start:%d.%m.%Y}–{problem.span.end:%d.%m.%Y}"
        return f"в день {first:%d.%m.%Y}" if first == last else f"с {first:%d.%m.%Y} по {last:%d.%m.%Y}"

    def weeks(self, days: frozenset[int]) -> dict[int, list[int]]:
        by_week: dict[int, list[int]] = defaultdict(list)
        for day in sorted(days):
            by_week[self.problem.week_of[day]].append(day)
        return by_week

    def titles(self, tasks: Iterable[Task], days: frozenset[int]) -> str:
        names = sorted({self.problem.norms.activity(task.activity).title for task in tasks if set(task.days) <= days})
        return ", ".join(f"«{name}»" for name in names[:4]) + (" …" if len(names) > 4 else "")

    def add(self, kind: str, subject: str, found: tuple[frozenset[int], int, int], text: str, fix: str) -> None:
        days, needed, available = found
        period = self.period(days)
        said = f"{text}: нужно {number(needed)} ч, " + (
            f"{period} доступно {number(available)} ч" if days
            else "а учебных дней для них не осталось (закрытия, дата --as-of или окна)"
        )
        self.shortages.append(Shortage(kind, subject, needed, available, period, said, fix))

    # -- pools ------------------------------------------------------------------------------
    def venues(self) -> None:
        """Venues of the kinds an activity needs and with seats for the class: day hours and evenings."""
        problem = self.problem
        students = {name: info.school_class.students for name, info in problem.classes.items()}
        groups: dict[tuple[tuple[str, ...], bool], list[Task]] = defaultdict(list)
        for task in self.required:
            kinds = problem.norms.activity(task.activity).venue
            if kinds:
                groups[(kinds, task.evening)].append(task)
        for (kinds, evening), tasks in sorted(groups.items()):
            for seats in sorted({students[task.class_name] for task in tasks}, reverse=True):
                pool = [v.name for v in problem.profile.venues if v.kind in kinds and v.capacity >= seats]
                members = [task for task in tasks if students[task.class_name] >= seats]

                def capacity(days: frozenset[int], pool: list[str] = pool, evening: bool = evening) -> int:
                    free = [self.free(venue_resource(name), days) for name in pool]
                    return sum(load.evenings if evening else load.day_hours for load in free)

                found = self.worst(members, capacity)
                if found:
                    what = ("вечера площадок" if evening else "площадки") + f" вида {', '.join(kinds)} от {seats} мест"
                    self.add("venue_kind", "/".join(kinds), found, f"{what} ({len(pool)} шт.)",
                             f"добавьте площадку вида {', '.join(kinds)} не меньше чем на {seats} мест (venues) "
                             f"или уменьшите число классов с занятиями {self.titles(members, found[0])}")
                    break

    def staff_hours(self, people: list[str], days: frozenset[int]) -> int:
        """Each person's weekly limit in each week the days touch, less the fixed sessions of that week."""
        return sum(self.person_hours(staff_resource(person), days) for person in people)

    def person_hours(self, resource: Resource, days: frozenset[int]) -> int:
        """`staff_hours` of one person, remembered as `free` is."""
        key = (self.occupancy.alike(resource), days)
        found = self.hours_of.get(key)
        if found is None:
            limit = self.problem.profile.staff_member(resource.name).max_hours_per_week
            hours = self.occupancy.hours
            found = self.hours_of[key] = sum(
                max(0, limit - sum(hours.get((resource, day), 0) for day in week_days))
                for week_days in self.weeks(days).values()
            )
        return found

    def day_hours(self, resource: Resource, days: frozenset[int]) -> int:
        return self.free(resource, days).day_hours

    def evenings(self, resource: Resource, days: frozenset[int]) -> int:
        return self.free(resource, days).evenings

    def free(self, resource: Resource, days: frozenset[int]) -> Load:
        """`Occupancy.free`, remembered for resources alike (`Occupancy.alike`) by the window as a set:
        classes alike, and their teachers, ask for the same windows."""
        key = (self.occupancy.alike(resource), days)
        found = self.free_in.get(key)
        if found is None:
            found = self.free_in[key] = self.occupancy.free(resource, sorted(days))
        return found

    def forced(self, task: Task) -> bool:
        """Whether the task's staff member is fixed (the class teacher, or `leads` in the profile)."""
        cls = self.problem.classes[task.class_name].school_class
        return self.problem.norms.activity(task.activity).role == "class_teacher" or task.activity in cls.leads

    def roles(self) -> None:
        problem = self.problem
        by_role: dict[str, list[Task]] = defaultdict(list)
        by_person: dict[str, list[Task]] = defaultdict(list)
        for task in self.required:
            if self.forced(task):
                by_person[task.staff].append(task)
            else:
                by_role[problem.norms.activity(task.activity).role].append(task)
        for role, tasks in sorted(by_role.items()):
            pool = [p.name for p in problem.profile.staff if role in p.roles and p.max_hours_per_week > 0]
            found = self.worst(tasks, partial(self.staff_hours, pool))
            if found:
                self.add("staff_role", role, found, f"сотрудники с ролью «{role}» ({len(pool)} чел.)",
                         f"добавьте сотрудника с ролью «{role}» или увеличьте max_hours_per_week у: {', '.join(pool)}")
        for person, tasks in sorted(by_person.items()):
            found = self.worst(tasks, partial(self.staff_hours, [person]))
            if found:
                self.add("staff", person, found, f"«{person}» (классный руководитель или leads)",
                         f"увеличьте max_hours_per_week у «{person}» или передайте часть занятий другому (leads)")
            evenings = [task for task in tasks if task.evening]
            found = self.worst(evenings, partial(self.evenings, staff_resource(person)))
            if found:
                self.add("staff", person, found, f"вечера «{person}» для собраний",
                         f"передайте часть собраний другому сотруднику (leads) у «{person}»")

    def class_hours(self, name: str, days: frozenset[int]) -> int:
        """A class's hours under its day and week limits in free slots, less the fixed sessions;
        remembered by what they depend on, since classes alike have the same windows."""
        key = (self.class_kind(name), days)
        found = self.hours_in.get(key)
        if found is None:
            cls = self.problem.classes[name].school_class
            limited, resource = self.occupancy.limited, class_resource(name)
            found = 0
            for week_days in self.weeks(days).values():
                per_day = sum(
                    min(max(0, cls.max_hours_per_day - limited[(name, day)]), self.occupancy.free(resource, [day]).day_hours)
                    for day in week_days
                )
                found += min(max(0, cls.max_hours_per_week - sum(limited[(name, day)] for day in week_days)), per_day)
            self.hours_in[key] = found
        return found

    def class_kind(self, name: str) -> tuple[object, ...]:
        """All that `class_hours` reads of a class: its limits, its days, its fixed sessions."""
        found = self.kinds.get(name)
        if found is None:
            cls, info = self.problem.classes[name].school_class, self.problem.classes[name]
            occupancy, resource = self.occupancy, class_resource(name)
            found = self.kinds[name] = (
                cls.max_hours_per_day, cls.max_hours_per_week, frozenset(info.days), occupancy.alike(resource),
                tuple(occupancy.limited.get((name, day), 0) for day in sorted(occupancy.days_of.get(resource, ()))),
            )
        return found

    def classes(self) -> None:
        problem = self.problem
        by_class: dict[str, list[Task]] = defaultdict(list)
        for task in self.required:
            by_class[task.class_name].append(task)
        for name, tasks in sorted(by_class.items()):
            cls = problem.classes[name].school_class
            resource = class_resource(name)

            found = self.worst([t for t in tasks if problem.is_limited(t)], partial(self.class_hours, name))
            if found:
                self.add("class_hours", name, found,
                         f"{name}: часы профминимума в пределах {cls.max_hours_per_day} ч в день и "
                         f"{cls.max_hours_per_week} ч в неделю (кроме курса), в свободных слотах",
                         f"увеличьте max_hours_per_week или max_hours_per_day класса {name}, добавьте слоты "
                         f"или расширьте окна {self.titles(tasks, found[0])} ({WINDOWS_FIX})")
                continue
            day_tasks = [t for t in tasks if not t.evening]
            found = self.worst(day_tasks, partial(self.day_hours, resource))
            if found:
                self.add("class_slots", name, found, f"{name}: свободные слоты после уроков",
                         f"добавьте слоты ([[slots]]) или расширьте окна {self.titles(day_tasks, found[0])} ({WINDOWS_FIX})")
            evenings = [t for t in tasks if t.evening]
            found = self.worst(evenings, partial(self.evenings, resource))
            if found:
                self.add("class_evenings", name, found, f"{name}: свободные вечера для собраний",
                         "уберите закрытия или расширьте период")


def check_capacity(problem: Problem, occupancy: Occupancy) -> list[Shortage]:
    """Every pool short of hours, worst window first per pool; empty when the arithmetic allows a timetable."""
    checker = _Checker(problem, occupancy)
    checker.venues()
    checker.roles()
    checker.classes()
    return checker.shortages
