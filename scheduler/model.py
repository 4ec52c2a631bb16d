"""The CP-SAT formulation, in two stages that scale where one Boolean per (day, slot, class, activity) does not.

Stage 1, `WeekModel`: an integer per (task, bucket) — how many sessions of a
class's activity fall in that part of a week (a bucket is a week, cut where a
task's window starts or ends, so every window is a whole number of buckets).
The rules that live at week level are exact here (quotas, windows, order,
staff weekly limits, class weekly limits); those that live at day level are
enforced as bucket capacities (the class day limit over its days, free
slots and free two-slot blocks of a class, a staff member or a venue, free
evenings). The soft goals are week-level, so the stage-1 objective and bound
carry almost all of the optimisation; they are all counted class by class
(see `_penalties`), which is what lets scheduler.decompose solve classes
separately.

Where a task has candidates (staff members, venues; see scheduler.problem),
stage 1 also chooses: one literal per (class, activity, candidate), exactly
one true per kind, and the task's sessions split into a part per candidate
that is zero unless its literal is (`_uses`); every capacity rule of a
candidate counts its part. Stage 2 then sees the choice made.

Stage 2, `DayModel`: for one week, a Boolean per (task, day, start slot),
with no-overlap per class, staff member and venue, the class day limit, and
each task's sessions in the buckets stage 1 chose. Weeks are independent
given stage 1. A session stage 2 cannot place (bucket capacities are
necessary, not sufficient) is reported back; `solve` then lowers that
class's capacity for that week and re-plans it. A week that first fit lays
out with no penalty at all needs no model (see scheduler.layout).

A stage-1 model over a scope of classes may also carry each class's floor
(its objective when solved alone: a valid lower bound, so CP-SAT stops as
soon as a scope reaches its floors) and contention prices per shared staff
member or venue and bucket (tie-breaks, scaled below one unit of the true
objective, see scheduler.decompose).

Every hard rule of stage 1 goes through `_rule`, which in explanation mode
makes it conditional on the rule's own assumption literal, so an infeasible
instance yields the rules that conflict (see explain.py).

Order (diagnostics stage 1, stage 2, review) is by buckets: a successor's
sessions lie in buckets after every session of its predecessors.

Soft goals (weights in the norms file's [soft] section), per class:
spread_week / spread_month — hours above the class's even share of a week /
month; quarter_end, exam — hours in a quarter's last week, in the exam
grades' preparation weeks; staff_balance — for each staff member serving
the class, their hours for it above its even share of a week (per class so
the model stays separable; together it evens out each person's weeks);
elective — every elective hour; change — on re-plan, each session that
leaves its bucket (stage 1) or its day and slot (stage 2); stacking (stage 2)
— sessions beyond one per class and day.

Stage 1 also carries a floor of stage 2's stacking (`_stacking_floor`): a
class's sessions in a bucket beyond its days there that hold no fixed
session. It is not a penalty of its own (stage 2 counts the real stacking)
but part of each class's objective in stage 1 (`class_objective`), so the
plan leaves no stacking it could avoid and the per-class floors, hence the
school's bound, count the stacking that no timetable escapes. Proof that it
never exceeds the real stacking: on a day d of bucket b with s_d sessions
and f_d fixed ones, stage 2 counts max(0, s_d + f_d − 1), which is at least
s_d − 1 when f_d = 0 and at least s_d when f_d ≥ 1; summed over the days of
b (sessions land only on their tasks' days), that is at least S_b − D_b with
S_b = Σ s_d and D_b the days without a fixed session, and never below 0.
`objective` (the true stage-1 objective, used by scheduler.exact) and
`class_terms` leave it out.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from enum import IntEnum, StrEnum
from functools import cache
from typing import ClassVar, NamedTuple

from ortools.sat.python import cp_model, cp_model_helper

from scheduler.penalties import Penalty
from scheduler.placement import Placement
from scheduler.problem import TOTAL, Choice, Problem, Rule, RuleKind, Task
from scheduler.settings import SolverSettings

UNPLACED_WEIGHT = 10_000
# Deterministic seconds allowed to complete a hint (see `WeekModel.hint`).
HINT_BUDGET = 0.05


class Load(NamedTuple):
    """What sessions take of (or leave free in) a resource over some days: hours, day-slot hours,
    sessions of two or more slots, evenings. A named tuple: models make hundreds of thousands."""

    hours: int = 0
    day_hours: int = 0
    long: int = 0
    evenings: int = 0

    def __add__(self, other: Load) -> Load:  # type: ignore[override]
        return Load(self.hours + other.hours, self.day_hours + other.day_hours,
                    self.long + other.long, self.evenings + other.evenings)

    def __sub__(self, other: Load) -> Load:
        return Load(self.hours - other.hours, self.day_hours - other.day_hours,
                    self.long - other.long, self.evenings - other.evenings)

    def clamped(self) -> Load:
        return Load(max(0, self.hours), max(0, self.day_hours), max(0, self.long), max(0, self.evenings))


class Part(IntEnum):
    """A measure of a `Load`, by its position: what a capacity rule caps."""

    HOURS = 0
    DAY_HOURS = 1
    LONG = 2
    EVENINGS = 3


class Limit(NamedTuple):
    """One capacity rule of a resource before its cap is known: `load` (the sessions' hours or count
    in `buckets`) ≤ the resource's free `part` in `days` (`Occupancy.free_in` by `key`: the bucket, or
    −1 − week) less what other classes reserve there. `most` is what the load can reach at most: the
    rule is set only where that exceeds the cap. The load names no resource, so a twin model (see
    `WeekModel.twin`) shares it, and `at` the rule at each cap set so far: nine in ten rules the twins
    of a kind set are set at a cap set before, and building `load <= cap` was most of the cost."""

    key: int
    days: list[int]
    buckets: tuple[int, ...]
    part: Part
    most: int
    load: cp_model.LinearExpr
    at: dict[int, cp_model.BoundedLinearExpression | bool]  # `<=` is typed bool in OR-Tools' stubs


class ResourceKind(StrEnum):
    """What a session occupies: its class, its staff member, its venue."""

    CLASS = "class"
    STAFF = "staff"
    VENUE = "venue"


# The rule a resource's capacity constraints stand for (explanations name it).
CAPACITY_RULE = {ResourceKind.CLASS: RuleKind.SLOTS, ResourceKind.STAFF: RuleKind.STAFF, ResourceKind.VENUE: RuleKind.VENUE}


class Resource:
    """One class, staff member or venue, as the models key their capacities.

    Interned, one object per (kind, name), and hashed and compared by identity: the models look
    millions of (resource, bucket) keys up per solve, and a dataclass's hash of an enum and a name
    was the largest part of the Python around CP-SAT at 120 classes."""

    __slots__ = ("kind", "name")
    kind: ResourceKind
    name: str
    _interned: ClassVar[dict[tuple[str, str], Resource]] = {}

    def __new__(cls, kind: ResourceKind, name: str) -> Resource:
        key = (kind.value, name)
        resource = cls._interned.get(key)
        if resource is None:
            resource = super().__new__(cls)
            object.__setattr__(resource, "kind", kind)
            object.__setattr__(resource, "name", name)
            resource = cls._interned.setdefault(key, resource)
        return resource

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Resource is immutable")

    def __reduce__(self) -> tuple[type[Resource], tuple[ResourceKind, str]]:
        return Resource, (self.kind, self.name)

    def __lt__(self, other: Resource) -> bool:
        return (self.kind.value, self.name) < (other.kind.value, other.name)

    def __repr__(self) -> str:
        return f"Resource({self.kind.value}, {self.name!r})"


# The three constructors by kind are cached (Resource interns too, but hashes its key in Python):
# the models and loads ask for them by name hundreds of thousands of times per solve.
@cache
def class_resource(name: str) -> Resource:
    return Resource(ResourceKind.CLASS, name)


@cache
def staff_resource(name: str) -> Resource:
    return Resource(ResourceKind.STAFF, name)


@cache
def venue_resource(name: str) -> Resource:
    return Resource(ResourceKind.VENUE, name)


def owners(task: Task | Placement) -> list[Resource]:
    """The resources a session occupies: its class, its staff member and its venue."""
    return [class_resource(task.class_name), *shared_owners(task)]


def shared_owners(task: Task | Placement, choice: Choice | None = None) -> list[Resource]:
    """The resources a session may share with other classes: its staff member and its venue (with a
    `choice`, the solver's instead of the task's proposal)."""
    staff, venue = choice or (task.staff, task.venue)
    return [staff_resource(staff)] + ([venue_resource(venue)] if venue else [])


def candidates(task: Task) -> list[list[Resource]]:
    """The staff members, then the venues (when it needs one), the solver may choose among for a task."""
    groups = [[staff_resource(name) for name in task.staff_options]]
    if task.venue_options:
        groups.append([venue_resource(name) for name in task.venue_options])
    return groups


class Occupancy:
    """Slots the fixed sessions (weekly course, kept past) take, per resource and day."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.busy: dict[tuple[Resource, int], set[int]] = defaultdict(set)
        self.limited: dict[tuple[str, int], int] = defaultdict(int)
        self.sessions: dict[tuple[str, int], int] = defaultdict(int)
        self.hours: dict[tuple[Resource, int], int] = defaultdict(int)
        # joined[slot]: the slot and the next one follow each other (a two-hour session fits).
        self.joined = [problem.profile.consecutive(slot, 2) for slot in range(len(problem.slots))]
        self._free: dict[tuple[Resource, tuple[int, ...]], Load] = {}
        self._free_in: dict[tuple[Resource, int], Load] = {}
        self._free_days: dict[tuple[Resource, int], Load] = {}
        self.days_of: dict[Resource, set[int]] = defaultdict(set)  # the days a resource has fixed sessions
        self._alike: dict[Resource, Resource] = {}
        self._first: dict[tuple[object, ...], Resource] = {}
        for placed in problem.fixed:
            day = problem.day_index(placed.day)
            if day is None:
                continue
            covered = range(placed.slot, placed.slot + (1 if placed.slot == problem.evening else placed.hours))
            for owner in owners(placed):
                self.busy[(owner, day)].update(covered)
                self.days_of[owner].add(day)
            self.hours[(staff_resource(placed.staff), day)] += placed.hours
            if problem.is_limited(placed):
                self.limited[(placed.class_name, day)] += placed.hours
                self.sessions[(placed.class_name, day)] += 1

    def free(self, owner: Resource, days: Iterable[int]) -> Load:
        """Capacity left in these days: hours under a staff member's weekly limit (else unlimited),
        free day slots, disjoint two-slot blocks, free evenings. Cached: models ask it again and again,
        and resources alike (`alike`: a school's class teachers, its classes of one grade) share it."""
        owner = self.alike(owner)
        key = (owner, tuple(days))
        if key not in self._free:
            free = Load()
            for day in key[1]:
                if (owner, day) not in self._free_days:
                    self._free_days[(owner, day)] = self._free_day(owner, day)
                free += self._free_days[(owner, day)]
            hours = self.problem.profile.staff_member(owner.name).max_hours_per_week - free.hours \
                if owner.kind is ResourceKind.STAFF else free.day_hours + free.evenings
            self._free[key] = Load(hours, free.day_hours, free.long, free.evenings)
        return self._free[key]

    def alike(self, owner: Resource) -> Resource:
        """The first resource seen with the same `signature`: the same capacity in any days."""
        found = self._alike.get(owner)
        if found is None:
            found = self._alike[owner] = self._first.setdefault(self.signature(owner), owner)
        return found

    def signature(self, owner: Resource) -> tuple[object, ...]:
        """All that `free` reads of a resource: two with equal signatures have the same capacity in
        any days (computed from its fixed sessions alone, far quicker than comparing `free` bucket by
        bucket)."""
        limit = self.problem.profile.staff_member(owner.name).max_hours_per_week if owner.kind is ResourceKind.STAFF else None
        return owner.kind, limit, tuple(
            (day, tuple(sorted(self.busy.get((owner, day), ()))), self.hours.get((owner, day), 0))
            for day in sorted(self.days_of.get(owner, ()))
        )

    def free_in(self, owner: Resource, key: int, days: Iterable[int]) -> Load:
        """`free` of one bucket (`key` ≥ 0) or week (`key` = −1 − week), cached by the key: callers pass
        the same days for the same key (a class's own days there, every day for staff and venues), and
        a resource and an int hash far quicker than the days."""
        found = self._free_in.get((owner, key))
        if found is None:
            found = self._free_in[(owner, key)] = self.free(owner, days)
        return found

    def _free_day(self, owner: Resource, day: int) -> Load:
        """One day: fixed hours (in `hours`), free slots, free two-slot blocks, free evening."""
        busy = self.busy.get((owner, day), set())
        blocks = run = 0
        for slot in range(len(self.joined) + 1):
            free = slot < len(self.joined) and slot not in busy
            if free and (run == 0 or self.joined[slot - 1]):
                run += 1
                continue
            blocks += run // 2
            run = 1 if free else 0
        free_slots = sum(1 for slot in range(len(self.joined)) if slot not in busy)
        return Load(self.hours[(owner, day)], free_slots, blocks, int(self.problem.evening not in busy))


class WeekModel:
    """Stage 1 over a scope of classes: sessions per (task, bucket), and where a task has candidates,
    which of them leads it and hosts it (unless `fixed_choices` are given).

    `reserved` is what classes outside the scope already take of each shared
    resource per bucket, so a scope can be solved alone and still respect the
    staff and venue limits. `explain=True` guards every hard rule by an
    assumption literal.
    """

    def __init__(
        self, problem: Problem, occupancy: Occupancy, scope: Iterable[str] | None = None, explain: bool = False,
        reserved: dict[tuple[Resource, int], Load] | None = None, class_caps: dict[tuple[str, int], int] | None = None,
        floors: dict[str, int] | None = None, prices: dict[tuple[Resource, int], int] | None = None,
        fixed_choices: Mapping[int, Choice] | None = None, finish: bool = True,
    ):
        self.problem = problem
        self.occupancy = occupancy
        self.scope = frozenset(problem.classes if scope is None else scope)
        self.explain = explain
        self.reserved = reserved or {}
        self.class_caps = class_caps or {}
        self.floors = floors or {}
        self.prices = prices or {}
        # With fixed choices, every task takes the staff member and venue chosen (else its proposal).
        self.fixed_choices = fixed_choices
        self.scale = 1
        self.model = cp_model.CpModel()
        self.objective: cp_model.LinearExprT = 0  # the true objective (without tie-break prices)
        self.literals: dict[Rule, cp_model.IntVar] = {}
        self.counts: dict[int, dict[int, cp_model.IntVar]] = {}
        # The same by the variables' numbers in the model: reading a solution or writing a hint by
        # number is twice as quick as through the variables.
        self.count_numbers: dict[int, dict[int, int]] = {}
        # Per task, per resource it may take: its sessions there per bucket (the counts themselves for
        # the class and a fixed staff member or venue; a part of them for each candidate, see `_uses`).
        self.uses: dict[int, dict[Resource, dict[int, cp_model.IntVar]]] = {}
        # Per (class, activity, candidate): whether the candidate leads it (hosts it); per (class,
        # activity, kind): the candidates' literals, exactly one of them true.
        self.picks: dict[tuple[str, str, Resource], cp_model.IntVar] = {}
        self.pick_groups: dict[tuple[str, str, ResourceKind], list[cp_model.IntVar]] = defaultdict(list)
        # Per task with candidates, per kind: each candidate and its literal (read by `choices`, the
        # hints and the exact model's stage 2).
        self.chosen: dict[int, list[list[tuple[Resource, cp_model.IntVar]]]] = {}
        self.upper: dict[int, int] = {}  # a count variable's upper bound, by its index in the model
        # Per class: (penalty, weight, expression) of every soft-goal term (see `_penalties`).
        self.objective_terms: dict[str, list[tuple[Penalty, int, cp_model.LinearExprT]]] = defaultdict(list)
        # Per class: the stacking floor's expressions (see the module docstring).
        self.stacking_floors: dict[str, list[cp_model.LinearExprT]] = defaultdict(list)
        self.measures: dict[Rule, list[tuple[cp_model.LinearExprT, int]]] = {}
        self.tasks = [index for index, task in enumerate(problem.tasks) if task.class_name in self.scope]
        self.bucket_week = problem.bucket_week
        self.bucket_days: dict[int, list[int]] = defaultdict(list)
        for day, bucket in enumerate(problem.bucket_of):
            self.bucket_days[bucket].append(day)
        self.week_buckets: dict[int, list[int]] = defaultdict(list)
        for bucket, week in enumerate(self.bucket_week):
            self.week_buckets[week].append(bucket)
        # Per resource, the tasks that may take it (in order of first use, see `_build`).
        self.by_owner: dict[Resource, list[int]] = defaultdict(list)
        # Per staff member or venue, its capacity rules waiting for `_finish` (see `_capacity`).
        self.limits: dict[Resource, list[Limit]] = {}
        self._build()
        if finish:
            self._finish()

    # -- rules -------------------------------------------------------------------------------
    def literal(self, rule: Rule) -> cp_model.IntVar:
        if rule not in self.literals:
            self.literals[rule] = self.model.new_bool_var(f"{rule.kind}:{rule.subject}:{rule.detail}")
        return self.literals[rule]

    def _rule(self, constraint: cp_model.Constraint, rule: Rule) -> None:
        if self.explain:
            constraint.only_enforce_if(self.literal(rule))

    # -- build -------------------------------------------------------------------------------
    def _build(self) -> None:
        for index in self.tasks:
            self._task_counts(index, self.problem.tasks[index])
            self._uses(index, self.problem.tasks[index])
        for literals in self.pick_groups.values():
            self.model.add_exactly_one(literals)
        self._requirements()
        self._order()
        for index in self.tasks:
            for owner in self.uses[index]:
                self.by_owner[owner].append(index)
        # In order of first use (the class, then its candidates by position), so that classes alike
        # in everything but names get the same model (see decompose.Planner._inputs).
        for owner, tasks in self.by_owner.items():
            self._capacity(owner, tasks)
        if not self.explain:
            self._penalties()

    def _finish(self) -> None:
        """The parts that read `reserved` and `prices`: the limits of shared staff and venues, and the
        objective. Apart, so that one model of a class, built unfinished, serves every solve of its
        twins (see `twin`)."""
        for owner, limits in self.limits.items():
            self._apply(owner, limits)
        if not self.explain:
            self._minimize()

    def twin(
        self, name: str, tasks: list[int], resources: Mapping[Resource, Resource],
        reserved: dict[tuple[Resource, int], Load], prices: dict[tuple[Resource, int], int],
        fixed_choices: Mapping[int, Choice] | None,
    ) -> WeekModel:
        """This model of one class, built unfinished, as the model of a class with the same inputs
        (see decompose.Planner._inputs), finished with that class's reservations and prices: a copy of
        the proto and of the indexes, its tasks (`tasks`, in the order of this model's) and resources
        (`resources`: this model's to the twin's) put in. Building the same model from scratch for each
        of a school's classes was most of the Python around CP-SAT; a class is its own twin."""
        (own,) = self.scope
        task_of = dict(zip(self.tasks, tasks, strict=True))
        twin = copy.copy(self)
        twin.model = Copy(self.model)
        twin.scope, twin.tasks = frozenset([name]), list(tasks)
        twin.reserved, twin.prices, twin.fixed_choices = reserved, prices, fixed_choices
        twin.floors = {name: self.floors[own]} if own in self.floors else {}
        twin.counts = {task_of[index]: counts for index, counts in self.counts.items()}
        twin.count_numbers = {task_of[index]: numbers for index, numbers in self.count_numbers.items()}
        twin.uses = {task_of[index]: {resources[owner]: parts for owner, parts in uses.items()}
                     for index, uses in self.uses.items()}
        twin.chosen = {task_of[index]: [[(resources[owner], literal) for owner, literal in group] for group in groups]
                       for index, groups in self.chosen.items()}
        twin.by_owner = defaultdict(list, {resources[owner]: [task_of[index] for index in tasks]
                                           for owner, tasks in self.by_owner.items()})
        twin.limits = {resources[owner]: limits for owner, limits in self.limits.items()}
        twin.objective_terms = defaultdict(list, {name: self.objective_terms[own]} if own in self.objective_terms else {})
        twin.stacking_floors = defaultdict(list, {name: self.stacking_floors[own]} if own in self.stacking_floors else {})
        twin.picks, twin.pick_groups = {}, defaultdict(list)  # read only while building
        twin._finish()
        return twin

    def _days_of(self, owner: Resource, days: list[int]) -> list[int]:
        if owner.kind is ResourceKind.CLASS:
            return [day for day in days if day in self.problem.classes[owner.name].days]
        return days

    def _capacity(self, owner: Resource, tasks: list[int]) -> None:
        """Limits of one resource: slots, blocks and evenings per bucket; hours per week. A class's
        are set at once; a staff member's or venue's, which read `reserved`, are kept for `_finish`."""
        limits = self._limits(owner, tasks)
        if owner.kind is not ResourceKind.CLASS:
            self.limits[owner] = limits
            return
        self._apply(owner, limits)

    def _limits(self, owner: Resource, tasks: list[int]) -> list[Limit]:
        """The capacity rules of one resource that its sessions here could break, without their caps
        (those of a class's own day and week limits are set here, with theirs)."""
        kind, name = owner.kind, owner.name
        occupancy = self.occupancy
        # Only buckets some task may use carry rules (in the others the load is zero).
        in_bucket: dict[int, list[int]] = defaultdict(list)
        for index in tasks:
            for bucket in self.uses[index][owner]:
                in_bucket[bucket].append(index)
        tasks_of = self.problem.tasks
        is_limited = self.problem.is_limited
        # The most each kind of load can reach per bucket (the variables' upper bounds): most rules can
        # never bind (a class's few sessions in a bucket of fifteen free slots), and leaving them out
        # before any term is built keeps the model small and is most of the speed of its build.
        hours_most: dict[int, int] = defaultdict(int)
        limited_most_in: dict[int, int] = defaultdict(int)
        limits: list[Limit] = []
        for bucket in sorted(in_bucket):
            here = in_bucket[bucket]
            limited_most = day_most = long_most = evening_most = 0
            for index in here:
                task, upper = tasks_of[index], self.upper[self.uses[index][owner][bucket].index]
                hours_most[bucket] += task.hours * upper
                if task.evening:
                    evening_most += upper
                    continue
                day_most += task.hours * upper
                long_most += upper if task.hours > 1 else 0
                limited_most += task.hours * upper if task.series is None else 0
            limited_most_in[bucket] = limited_most
            days = self._days_of(owner, self.bucket_days[bucket])
            if not days:
                continue
            day_tasks = [i for i in here if not tasks_of[i].evening]
            for part, most, chosen, hours in (
                (Part.DAY_HOURS, day_most, day_tasks, True),
                (Part.LONG, long_most, [i for i in day_tasks if tasks_of[i].hours > 1], False),
                (Part.EVENINGS, evening_most, [i for i in here if tasks_of[i].evening], False),
            ):
                if most > 0:
                    limits.append(Limit(bucket, days, (bucket,), part, most, self._sum(chosen, (bucket,), owner, hours), {}))
            if kind is ResourceKind.CLASS and limited_most:
                cls = self.problem.classes[name].school_class
                day_cap = sum(max(0, cls.max_hours_per_day - occupancy.limited[(name, day)]) for day in days)
                if limited_most > day_cap:
                    self._at_most(self._terms([i for i in here if is_limited(tasks_of[i])], [bucket]), day_cap,
                                  Rule(RuleKind.CLASS_DAY, name))
        if kind is ResourceKind.VENUE:
            return limits
        for week, buckets in self.week_buckets.items():
            if not any(bucket in in_bucket for bucket in buckets):
                continue
            days = self._days_of(owner, [day for bucket in buckets for day in self.bucket_days[bucket]])
            if not days:
                continue
            if kind is ResourceKind.STAFF:
                most = sum(hours_most.get(bucket, 0) for bucket in buckets)
                limits.append(Limit(-1 - week, days, tuple(buckets), Part.HOURS, most,
                                    self._sum(self._in(in_bucket, buckets), tuple(buckets), owner, True), {}))
                continue
            cls = self.problem.classes[name].school_class
            cap = self.class_caps.get((name, week), cls.max_hours_per_week) - sum(occupancy.limited[(name, day)] for day in days)
            if sum(limited_most_in.get(bucket, 0) for bucket in buckets) > cap:
                self._at_most(self._terms([i for i in self._in(in_bucket, buckets) if is_limited(tasks_of[i])], buckets),
                              cap, Rule(RuleKind.CLASS_WEEK, name))
        return limits

    def _sum(self, tasks: list[int], buckets: tuple[int, ...], owner: Resource, hours: bool) -> cp_model.LinearExpr:
        """The tasks' sessions on the resource in these buckets, each weighted by its hours (or 1)."""
        return _weighted(self._terms(tasks, buckets, hours, owner))

    def _apply(self, owner: Resource, limits: list[Limit]) -> None:
        """The rules among `limits` that can bind: where the most the sessions can take exceeds what is
        free less what the classes outside the scope reserve. (A twin model applies hundreds, the
        loop is kept lean.)"""
        rule = Rule(CAPACITY_RULE[owner.kind], owner.name)
        free_in, reserved, add = self.occupancy.free_in, self.reserved, self.model.add
        for limit in limits:
            cap = free_in(owner, limit.key, limit.days)[limit.part]
            for bucket in limit.buckets:
                taken = reserved.get((owner, bucket))
                if taken is not None:
                    cap -= taken[limit.part]
            if limit.most > cap:
                cap = max(0, cap)
                if (bounded := limit.at.get(cap)) is None:
                    bounded = limit.at[cap] = limit.load <= cap
                self._rule(add(bounded), rule)

    @staticmethod
    def _in(in_bucket: dict[int, list[int]], buckets: Iterable[int]) -> list[int]:
        """The tasks that may have sessions in any of these buckets, in order."""
        return sorted({index for bucket in buckets for index in in_bucket.get(bucket, [])})

    def _terms(
        self, tasks: Iterable[int], buckets: Iterable[int], hours: bool = True, owner: Resource | None = None,
    ) -> list[tuple[cp_model.IntVar, int]]:
        """(count variable, hours per session or 1) of these tasks in these buckets (with `owner`,
        their sessions on that resource)."""
        problem = self.problem
        return [
            (counts[bucket], problem.tasks[index].hours if hours else 1)
            for index in tasks for bucket in buckets
            if bucket in (counts := self.counts[index] if owner is None else self.uses[index][owner])
        ]

    def _at_most(self, terms: list[tuple[cp_model.IntVar, int]], cap: int, rule: Rule) -> None:
        """Σ coefficient × variable ≤ cap, under the rule (`_capacity` calls it only where the
        variables' upper bounds can exceed the cap)."""
        self._rule(self.model.add(_weighted(terms) <= cap), rule)

    def _load(
        self, tasks: Iterable[int], buckets: Iterable[int], keep: Callable[[Task], bool], owner: Resource | None = None,
    ) -> cp_model.LinearExprT:
        return _weighted(self._terms([index for index in tasks if keep(self.problem.tasks[index])], buckets, owner=owner))

    def _task_counts(self, index: int, task: Task) -> None:
        problem = self.problem
        allowed: dict[int, int] = defaultdict(int)
        for day in task.days:
            allowed[problem.bucket_of[day]] += 1
        domain: dict[int, int] = defaultdict(int)
        for day in task.open_days if self.explain else task.days:
            domain[problem.bucket_of[day]] += 1
        counts = {
            bucket: self.model.new_int_var(0, min(cap, task.count), f"n[{task.key}][{bucket}]")
            for bucket, cap in sorted(domain.items())
        }
        for bucket, var in counts.items():
            self.upper[var.index] = min(domain[bucket], task.count)
        self.counts[index] = counts
        self.count_numbers[index] = {bucket: var.index for bucket, var in counts.items()}
        if self.explain:
            for bucket, var in counts.items():
                if allowed.get(bucket, 0) < domain[bucket]:
                    self._rule(self.model.add(var <= allowed.get(bucket, 0)), Rule(RuleKind.WINDOW, task.activity, task.window))
        total = cp_model.LinearExpr.sum(list(counts.values()))
        if task.elective:
            return
        if self.explain:
            self.model.add(total <= task.count)
        self._rule(self.model.add(total == task.count), task.rule)

    def _uses(self, index: int, task: Task) -> None:
        """The task's sessions per resource and bucket. Where it has candidates, each gets a part of the
        counts, zero unless its literal (shared by the class's tasks of the activity) is chosen."""
        counts = self.counts[index]
        uses = {class_resource(task.class_name): counts}
        if self.fixed_choices is not None:
            uses.update((owner, counts) for owner in shared_owners(task, self.fixed_choices.get(index)))
            self.uses[index] = uses
            return
        chosen = []
        for group in candidates(task):
            if len(group) == 1:
                uses[group[0]] = counts
                continue
            literals = []
            for owner in group:
                key = (task.class_name, task.activity, owner)
                if key not in self.picks:
                    self.picks[key] = self.model.new_bool_var(f"pick[{task.class_name}][{task.activity}][{owner.name}]")
                    self.pick_groups[(task.class_name, task.activity, owner.kind)].append(self.picks[key])
                part = {}
                for bucket, var in counts.items():
                    upper = self.upper[var.index]
                    part[bucket] = share = self.model.new_int_var(0, upper, "")
                    self.upper[share.index] = upper
                    self.model.add(share <= upper * self.picks[key])
                uses[owner] = part
                literals.append((owner, self.picks[key]))
            for bucket, var in counts.items():
                self.model.add(cp_model.LinearExpr.sum([uses[owner][bucket] for owner in group]) == var)
            chosen.append(literals)
        self.uses[index] = uses
        if chosen:
            self.chosen[index] = chosen

    def _requirements(self) -> None:
        """Direction minima and level totals, counting the fixed sessions (course, kept past).

        An explanation model also records in `measures`, per requirement, what it maximises to tell
        how much is short: the named (non-elective) sessions it demands, then its minimum. The sums are
        written as weighted sums at once: Python's `sum` of CP-SAT expressions nests one node per term,
        which took a tenth of the time of a class's model."""
        problem = self.problem
        fixed = problem.fixed_hours
        planned: dict[tuple[str, str], list[tuple[cp_model.IntVar, int]]] = defaultdict(list)
        named: dict[Rule, list[tuple[cp_model.IntVar, int]]] = defaultdict(list)
        needed: dict[Rule, int] = defaultdict(int)
        for index in self.tasks:
            task = problem.tasks[index]
            counts = self.counts[index].values()
            planned[(task.class_name, task.direction)].extend((var, task.hours) for var in counts)
            planned[(task.class_name, TOTAL)].extend((var, task.hours) for var in counts)
            if self.explain and not task.elective:
                unit = 1 if task.rule.kind in (RuleKind.TERM, RuleKind.COURSE) else task.hours
                named[task.rule].extend((var, unit) for var in counts)
                needed[task.rule] += unit * task.count
        for rule, terms in named.items():
            self.measures[rule] = [(_weighted(terms), needed[rule])]
        for (name, direction), required in sorted(problem.required.items()):
            if name not in self.scope:
                continue
            rule = Rule(RuleKind.TOTAL, name) if direction == TOTAL else Rule(RuleKind.DIRECTION, name, direction)
            achieved = _weighted(planned[(name, direction)]) + fixed.get((name, direction), 0)
            if self.explain:
                self.measures.setdefault(rule, []).append((achieved, required))
            if required > 0:
                self._rule(self.model.add(achieved >= required), rule)

    def _order(self) -> None:
        """A successor's sessions come in buckets after every session of its predecessors."""
        problem = self.problem
        by_key = {problem.tasks[index].key: index for index in self.tasks}
        fixed_buckets = problem.fixed_bucket
        for index in self.tasks:
            task = problem.tasks[index]
            for key in task.after:
                rule = Rule(RuleKind.ORDER, task.activity, key.split("/", 1)[1])
                earlier = by_key.get(key)
                for bucket, var in self.counts[index].items():
                    if fixed_buckets.get(key, -1) >= bucket:
                        self._rule(self.model.add(var == 0), rule)
                    if earlier is None:
                        continue
                    later = [v for b, v in self.counts[earlier].items() if b >= bucket]
                    if later:
                        used = self.model.new_bool_var("")
                        self.model.add(var == 0).only_enforce_if(used.negated())
                        constraint = self.model.add(cp_model.LinearExpr.sum(later) == 0)
                        constraint.only_enforce_if(used)
                        self._rule(constraint, rule)

    def _penalties(self) -> None:
        """Soft goals (see the module docstring), all counted class by class."""
        by_owner = self.by_owner
        problem = self.problem
        soft = problem.norms.soft
        week_month = {week: problem.month_of[self.bucket_days[buckets[0]][0]] for week, buckets in self.week_buckets.items()}
        for name in sorted(self.scope):
            tasks = by_owner.get(class_resource(name), [])
            if not tasks:
                continue
            own_days: dict[int, int] = defaultdict(int)
            for day in problem.classes[name].days:
                own_days[problem.week_of[day]] += 1
            weekly = {week: self._load(tasks, self.week_buckets[week], problem.is_limited) for week in own_days}
            month_days: dict[int, int] = defaultdict(int)
            month_weeks: dict[int, list[cp_model.LinearExprT]] = defaultdict(list)
            for week, days in own_days.items():
                month_days[week_month[week]] += days
                month_weeks[week_month[week]].append(weekly[week])
            monthly = {month: cp_model.LinearExpr.sum(loads) for month, loads in month_weeks.items()}
            limited = [i for i in tasks if problem.is_limited(problem.tasks[i])]
            self._stacking_floor(name, limited, soft.stacking)
            self._spread(name, limited, weekly, own_days, Penalty.SPREAD_WEEK, soft.spread_week)
            self._spread(name, limited, monthly, month_days, Penalty.SPREAD_MONTH, soft.spread_month)
            for week, weights in problem.penalty_weeks.get(name, {}).items():
                if week in weekly:
                    for term, weight in weights.items():
                        self.objective_terms[name].append((term, weight, weekly[week]))
            by_staff: dict[Resource, list[int]] = defaultdict(list)
            for index in tasks:
                for owner in self.uses[index]:
                    if owner.kind is ResourceKind.STAFF:
                        by_staff[owner].append(index)
            for owner, staff_tasks in by_staff.items():
                loads = {week: self._load(staff_tasks, self.week_buckets[week], lambda t: True, owner) for week in own_days}
                self._spread(name, staff_tasks, loads, own_days, Penalty.STAFF_BALANCE, soft.staff_balance)
        for index in self.tasks:
            task = problem.tasks[index]
            if task.elective:
                self.objective_terms[task.class_name].append(
                    (Penalty.ELECTIVE, soft.elective * task.hours, cp_model.LinearExpr.sum(list(self.counts[index].values()))))
            before: dict[int, int] = defaultdict(int)
            for _, when, _ in problem.previous.get(task.key, []):
                position = problem.day_index(when)
                if position is not None:
                    before[problem.bucket_of[position]] += 1
            for bucket, count in before.items():
                left = self.model.new_int_var(0, count, f"left[{task.key}][{bucket}]")
                self.model.add(left >= count - self.counts[index].get(bucket, 0))
                self.objective_terms[task.class_name].append((Penalty.CHANGE, soft.change, left))
        for name, floor in sorted(self.floors.items()):
            if name in self.scope and floor > 0:
                self.model.add(self.class_objective(name) >= floor)
        self.objective = cp_model.LinearExpr.sum([self._true_objective(name) for name in sorted(self.objective_terms)])

    def _minimize(self) -> None:
        """The objective: the soft goals, and the contention prices as tie-breaks below them."""
        problem = self.problem
        true = cp_model.LinearExpr.sum([self.class_objective(name) for name in sorted(self.scope)])
        # (price, variable, hours per session): a price per hour, not an expression per term, which
        # took longer to build than the rest of the objective.
        ties = [
            (price, var, problem.tasks[index].hours)
            for index in self.tasks for owner, parts in self.uses[index].items() for bucket, var in parts.items()
            if (price := self.prices.get((owner, bucket), 0))
        ]
        if not ties:
            minimize(self.model, true)
            return
        # Contention prices only break ties: the true objective is scaled above their largest possible
        # sum (every session of every task at the highest price for each resource it occupies).
        top = max(price for price, _, _ in ties)
        self.scale = 1 + top * sum(
            len(owners(task)) * task.hours * task.count for task in (problem.tasks[index] for index in self.tasks)
        )
        minimize(self.model, cp_model.LinearExpr.weighted_sum(
            [true, *(var for _, var, _ in ties)], [self.scale, *(price * hours for price, _, hours in ties)]
        ))

    def class_objective(self, name: str) -> cp_model.LinearExpr:
        """One class's part of the objective, its stacking floor included: the model is a sum of these
        (see `_penalties`)."""
        return cp_model.LinearExpr.sum([self._true_objective(name), *self.stacking_floors.get(name, [])])

    def _true_objective(self, name: str) -> cp_model.LinearExpr:
        terms = self.objective_terms.get(name, [])
        return cp_model.LinearExpr.weighted_sum([expr for _, _, expr in terms], [weight for _, weight, _ in terms])

    def _stacking_floor(self, name: str, limited: list[int], weight: int) -> None:
        """Per bucket, the class's sessions beyond its days there without a fixed session, times the
        stacking weight (a floor of stage 2's stacking, see the module docstring); a bucket whose
        sessions can never outnumber those days gets no variable."""
        if not weight:
            return
        problem = self.problem
        fixed = self.occupancy.sessions
        in_bucket: dict[int, list[int]] = defaultdict(list)
        free_days: dict[int, set[int]] = defaultdict(set)
        for index in limited:
            for bucket in self.counts[index]:
                in_bucket[bucket].append(index)
            for day in problem.tasks[index].days:
                if not fixed.get((name, day)):
                    free_days[problem.bucket_of[day]].add(day)
        for bucket, tasks in sorted(in_bucket.items()):
            variables = [self.counts[index][bucket] for index in tasks]
            most = sum(self.upper[variable.index] for variable in variables)
            days = len(free_days.get(bucket, ()))
            if most <= days:
                continue
            excess = self.model.new_int_var(0, most - days, "")
            self.model.add(excess >= cp_model.LinearExpr.sum(variables) - days)
            self.stacking_floors[name].append(weight * excess)

    def class_terms(self, name: str) -> dict[Penalty, cp_model.LinearExpr]:
        """One class's objective split by penalty term."""
        by_term: dict[Penalty, list[tuple[int, cp_model.LinearExprT]]] = defaultdict(list)
        for term, weight, expr in self.objective_terms.get(name, []):
            by_term[term].append((weight, expr))
        return {term: cp_model.LinearExpr.weighted_sum([e for _, e in parts], [w for w, _ in parts])
                for term, parts in by_term.items()}

    def _spread(
        self, name: str, tasks: list[int], loads: Mapping[int, cp_model.LinearExprT], days: dict[int, int],
        term: Penalty, weight: int,
    ) -> None:
        """Penalise each period's hours above its even share of the (non-elective) demand; the share is
        never less than one session, so a single long session is not a fault."""
        tasks_of = self.problem.tasks
        demand = sum(tasks_of[i].hours * tasks_of[i].count for i in tasks if not tasks_of[i].elective)
        ceiling = sum(tasks_of[i].hours * tasks_of[i].count for i in tasks)
        longest = max((tasks_of[i].hours for i in tasks), default=1)
        total = sum(days.values())
        if not total or not weight or not ceiling:
            return
        for period, load in loads.items():
            excess = self.model.new_int_var(0, ceiling, "")
            self.model.add(excess >= load - max(longest, -(-demand * days[period] // total)))
            self.objective_terms[name].append((term, weight, excess))

    # -- results -----------------------------------------------------------------------------
    def hint(
        self, values: dict[int, dict[int, int]], settings: SolverSettings, complete: bool = True,
        choices: Mapping[int, Choice] | None = None,
    ) -> None:
        """Hint these sessions per task and bucket, and these staff members and venues (else the
        proposals). From counts alone CP-SAT completes the auxiliary variables (excesses, order)
        poorly and may start far above the hinted plan, so with `complete`, where the counts and
        choices fit the model, a solve with them fixed (propagation) completes the hint."""
        picked = self._picked(choices or {})
        if not complete:
            self._hint_counts(values, picked)
            return
        fixed = Copy(self.model)
        wanted = {number: values.get(index, {}).get(bucket, 0)
                  for index, buckets in self.count_numbers.items() for bucket, number in buckets.items()}
        wanted.update((var.index, value) for var, value in picked.items())
        if _fix(fixed, wanted):
            solver = cp_model.CpSolver()
            settings.configure(solver, HINT_BUDGET)
            if settings.solve(solver, fixed) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                hint = self.model.proto.solution_hint
                hint.vars.extend(range(len(self.model.proto.variables)))
                hint.values.extend(solver.response_proto.solution)
                return
        self._hint_counts(values, picked)

    def _hint_counts(self, values: dict[int, dict[int, int]], picked: dict[cp_model.IntVar, int]) -> None:
        # Written into the proto at once: one add_hint call per variable cost more than the rest of the hint.
        hint = self.model.proto.solution_hint
        for index, buckets in self.count_numbers.items():
            hint.vars.extend(buckets.values())
            hint.values.extend(values.get(index, {}).get(bucket, 0) for bucket in buckets)
        hint.vars.extend(var.index for var in picked)
        hint.values.extend(picked.values())

    def _picked(self, choices: Mapping[int, Choice]) -> dict[cp_model.IntVar, int]:
        """The candidates' literals set by these choices (a task without one: its proposal)."""
        picked: dict[cp_model.IntVar, int] = {}
        for index, groups in self.chosen.items():
            task = self.problem.tasks[index]
            wanted = set(shared_owners(task, choices.get(index)))
            for group in groups:
                for owner, literal in group:
                    picked[literal] = int(owner in wanted)
        return picked

    def choices(self, solver: cp_model.CpSolver) -> dict[int, Choice]:
        """The staff member and venue chosen for each task that had candidates (or was given them)."""
        if self.fixed_choices is not None:
            return {index: self.fixed_choices[index] for index in self.tasks if index in self.fixed_choices}
        result: dict[int, Choice] = {}
        for index, groups in self.chosen.items():
            task = self.problem.tasks[index]
            staff, venue = task.staff, task.venue
            for group in groups:
                owner = next(owner for owner, literal in group if solver.value(literal))
                if owner.kind is ResourceKind.STAFF:
                    staff = owner.name
                else:
                    venue = owner.name
            result[index] = (staff, venue)
        return result

    def values(self, solver: cp_model.CpSolver) -> dict[int, dict[int, int]]:
        """Sessions per task and bucket (zeros left out)."""
        solution = solver.response_proto.solution
        return {
            index: {bucket: value for bucket, number in buckets.items() if (value := solution[number])}
            for index, buckets in self.count_numbers.items()
        }


def bucket_loads(
    problem: Problem, values: dict[int, dict[int, int]], choices: Mapping[int, Choice],
    skip: frozenset[str] = frozenset(),
) -> dict[tuple[Resource, int], Load]:
    """What a stage-1 plan takes of every resource per bucket, with its choices of staff and venues
    (classes in `skip` left out)."""
    loads: dict[tuple[Resource, int], Load] = defaultdict(Load)
    for index, buckets in values.items():
        task = problem.tasks[index]
        if task.class_name in skip:
            continue
        for bucket, count in buckets.items():
            load = Load(
                task.hours * count,
                0 if task.evening else task.hours * count,
                count if not task.evening and task.hours > 1 else 0,
                count if task.evening else 0,
            )
            for owner in [class_resource(task.class_name), *shared_owners(task, choices.get(index))]:
                loads[(owner, bucket)] += load
    return dict(loads)


class Copy(cp_model.CpModel):
    """`model.clone()` without what CpModel's constructor adds to every instance: aliases of its
    methods under their pre-PEP 8 names, found with dir() and set one by one, half of the time of a
    clone; the models here copy one or two models per CP-SAT call."""

    def __init__(self, source: cp_model.CpModel) -> None:
        cp_model_helper.CpBaseModel.__init__(self, None)
        self.proto.copy_from(source.proto)
        self.rebuild_constant_map()


def _weighted(terms: list[tuple[cp_model.IntVar, int]]) -> cp_model.LinearExpr:
    """Σ coefficient × variable of (variable, coefficient) pairs, as one expression."""
    return cp_model.LinearExpr.weighted_sum([var for var, _ in terms], [coefficient for _, coefficient in terms])


def minimize(model: cp_model.CpModel, expression: cp_model.LinearExpr) -> None:
    """`model.minimize(expression)`, the flattened expression written into the proto at once:
    CpModel.minimize appends its variables one call each, which took longer than building it."""
    flat = cp_model_helper.FlatIntExpr(expression)
    model.clear_objective()
    objective = model.proto.objective
    objective.vars.extend([var.index for var in flat.vars])
    objective.coeffs.extend(flat.coeffs)
    objective.offset = flat.offset
    objective.scaling_factor = 1.0


def session_starts(problem: Problem, task: Task) -> list[tuple[int, range]]:
    """Where a task's session may start (the evening, or a day slot followed by enough consecutive
    ones), each with the slots it then covers."""
    length = 1 if task.evening else task.hours
    return [(start, range(start, start + length)) for start in problem.starts(task)]


def _fix(model: cp_model.CpModel, values: Mapping[int, int]) -> bool:
    """Narrow each variable's domain (by its index) to one value: the quickest way to fix a copy of a
    model. False, leaving the copy half fixed, when a value is outside its variable's domain (such a
    hint cannot be completed)."""
    variables = model.proto.variables
    for index, value in values.items():
        domain = variables[index].domain
        if len(domain) != 2 or not domain[0] <= value <= domain[1]:
            return False
        domain[0] = domain[1] = value
    return True


class DayModel:
    """Stage 2 for one week: which day and start slot each session takes, inside its stage-1 bucket."""

    def __init__(
        self, problem: Problem, week: int, counts: Mapping[int, Mapping[int, cp_model.LinearExprT]], occupancy: Occupancy,
        model: cp_model.CpModel | None = None,
        picks: Mapping[int, list[list[tuple[Resource, cp_model.IntVar]]]] | None = None,
    ):
        """`counts` are stage 1's sessions per task and bucket: numbers, or, with `model` (the exact
        model of scheduler.exact, which shares one CpModel between both stages), stage 1's variables;
        then every session must be placed and the objective is left to the caller (`objective`), and
        `picks` (stage 1's `chosen`) are the candidates' literals of the tasks that have a choice:
        a session then occupies the candidate whose literal is true. Otherwise each task's staff
        member and venue are its own (the solver's choices put in the problem)."""
        self.problem = problem
        self.week = week
        self.fixed = occupancy
        self.shared = model is not None
        self.picks = picks or {}
        self.model = model if model is not None else cp_model.CpModel()
        self.starts: dict[int, dict[tuple[int, int], cp_model.IntVar]] = {}
        self.unplaced: dict[int, cp_model.LinearExprT] = {}
        self.objective: list[cp_model.LinearExprT] = []
        # Per class: (penalty, expression) of the day-level terms, weights included.
        self.terms: dict[str, list[tuple[Penalty, cp_model.LinearExprT]]] = defaultdict(list)
        self._build(counts)

    def _build(self, counts: Mapping[int, Mapping[int, cp_model.LinearExprT]]) -> None:
        problem = self.problem
        model = self.model
        fixed = self.fixed
        occupancy: dict[tuple[Resource, int, int], list] = defaultdict(list)
        # Per (class, day): each limited session start and its hours.
        day_load: dict[tuple[str, int], list[tuple[cp_model.IntVar, int]]] = defaultdict(list)
        soft = problem.norms.soft
        objective = self.objective
        for index, buckets in sorted(counts.items()):
            task = problem.tasks[index]
            picks = self.picks.get(index, [])
            chosen_kinds = {group[0][0].kind for group in picks}
            resources = [owner for owner in owners(task) if owner.kind not in chosen_kinds]
            options: dict[tuple[int, int], cp_model.IntVar] = {}
            in_bucket: dict[int, list[cp_model.IntVar]] = defaultdict(list)
            starts = session_starts(problem, task)
            limited = problem.is_limited(task)
            for day in task.days:
                bucket = problem.bucket_of[day]
                if bucket not in buckets:
                    continue
                blocked = set().union(*(fixed.busy.get((owner, day), ()) for owner in resources))
                chosen = [(owner, pick, fixed.busy.get((owner, day), set())) for group in picks for owner, pick in group]
                for start, covered in starts:
                    if not blocked.isdisjoint(covered):
                        continue
                    # Unnamed: nothing reads a start's name, and formatting one per start is measurable.
                    var = model.new_bool_var("")
                    options[(day, start)] = var
                    in_bucket[bucket].append(var)
                    for owner in resources:
                        for slot in covered:
                            occupancy[(owner, day, slot)].append(var)
                    for owner, pick, busy in chosen:
                        if not busy.isdisjoint(covered):
                            model.add(var + pick <= 1)
                            continue
                        both = model.new_bool_var("")
                        model.add(both >= var + pick - 1)
                        for slot in covered:
                            occupancy[(owner, day, slot)].append(both)
                    if limited:
                        day_load[(task.class_name, day)].append((var, task.hours))
            self.starts[index] = options
            missing = []
            for bucket, count in sorted(buckets.items()):
                if self.shared:
                    model.add(cp_model.LinearExpr.sum(in_bucket[bucket]) == count)
                    continue
                short = model.new_int_var(0, task.count, "")
                model.add(cp_model.LinearExpr.sum([*in_bucket[bucket], short]) == count)
                missing.append(short)
            self.unplaced[index] = sum(missing)
            per_day: dict[int, list] = defaultdict(list)
            for (day, _), var in options.items():
                per_day[day].append(var)
            for vars_of_day in per_day.values():
                model.add_at_most_one(vars_of_day)
            objective.append(UNPLACED_WEIGHT * task.hours * self.unplaced[index])
            for _, when, slot in problem.previous.get(task.key, []):
                position = problem.day_index(when)
                kept = options.get((position, slot)) if position is not None else None
                if kept is not None:
                    objective.append(soft.change * (1 - kept))
                    self.terms[task.class_name].append((Penalty.CHANGE, soft.change * (1 - kept)))
        for vars_at in occupancy.values():
            if len(vars_at) > 1:
                model.add_at_most_one(vars_at)
        for (name, day), loads in day_load.items():
            cap = problem.classes[name].school_class.max_hours_per_day - fixed.limited[(name, day)]
            in_day = [var for var, _ in loads]
            model.add(cp_model.LinearExpr.weighted_sum(in_day, [hours for _, hours in loads]) <= cap)
            stacked = model.new_int_var(0, len(problem.slots), "")
            model.add(stacked >= cp_model.LinearExpr.sum(in_day) + fixed.sessions[(name, day)] - 1)
            objective.append(soft.stacking * stacked)
            self.terms[name].append((Penalty.STACKING, soft.stacking * stacked))
        if not self.shared:
            minimize(model, cp_model.LinearExpr.sum(objective))

    def placements(self, solver: cp_model.CpSolver) -> dict[int, list[tuple[int, int]]]:
        """Per task, the (day, start slot) of each placed session, in order."""
        solution = solver.response_proto.solution  # read by index: a `solver.value` call per start is slower
        return {
            index: sorted(position for position, var in options.items() if solution[var.index])
            for index, options in self.starts.items()
        }

    def term_values(self, solver: cp_model.CpSolver) -> dict[str, dict[str, int]]:
        """Per class, the value of each day-level penalty term in the solution."""
        values: dict[str, dict[str, int]] = {}
        for name, parts in self.terms.items():
            for term, expr in parts:
                value = round(solver.value(expr))
                if value:
                    values.setdefault(name, {})
                    values[name][term] = values[name].get(term, 0) + value
        return values

    def missing(self, solver: cp_model.CpSolver) -> dict[int, int]:
        return {index: solver.value(expr) for index, expr in self.unplaced.items() if solver.value(expr)}

