"""Stage 1 by decomposition: every class alone for the bound, then one after the other for the plan.

The stage-1 objective is a sum of per-class terms (see model.py), and the
only rules between classes are the limits of shared staff and venues. So:

1. each class is solved alone (its own rules, and the shared limits as if it
   were the only user). Classes whose models are identical (same grade,
   level and kind of staff) are solved once, the rest in parallel threads.
   This is a relaxation of the school's problem: each class's bound is a
   floor its objective can never go below, and the sum of the floors is a
   valid lower bound for the whole school;
2. the plan is built class by class, most constrained (highest floor)
   first, each solved around what the classes before it already take of
   shared staff and venues (alone, identical classes would all pick the
   same weeks of the navigator they share). While classes wait, contention
   prices break ties towards weeks where shared staff and venues are in
   less demand, counting what the waiting classes are expected to need.
   Each class is placed with its proposed staff and venues (a model several
   times smaller); one that does not fit so chooses among its candidates,
   and one that cannot fit even then sends the whole school to one joint
   solve. Classes sharing no proposed staff member or venue cannot change
   each other's models and are solved side by side;
3. polish: each class left above its floor is re-solved once more, now that
   the others have settled, choosing its staff and venues again; then, in
   rounds, each such class is re-solved (with its staff and venues kept)
   together with a few others drawn with the seed, so they can trade weeks:
   in alternate rounds from the classes in its way (holding shared staff and
   venues in the weeks its own optimal plan needs them) and from all that
   share its staff or venues; until two rounds in a row improve nothing. A
   re-solve is kept only when it is better.

Every scoped model carries its classes' floors as constraints (valid, since
no plan beats a class's own optimum): CP-SAT then stops as soon as a scope
reaches its floors instead of searching for a proof it already has. The same
`_repair` loop re-plans the classes whose weekly capacity stage 2 lowered.

Every CP-SAT call runs on one worker with a deterministic-time budget that
does not depend on the number of threads, so the plan depends on the seed
only, never on `workers`. The reported bound is always the sum of the
floors of step 1, valid whatever the later steps did: when the plan reaches
it, the plan is proven optimal.
"""

from __future__ import annotations

import random
import threading
from collections import ChainMap, Counter, defaultdict
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from scheduler.model import (
    Load,
    Occupancy,
    Resource,
    ResourceKind,
    WeekModel,
    bucket_loads,
    candidates,
    class_resource,
    shared_owners,
)
from scheduler.problem import Choice, Problem, Task
from scheduler.settings import WALL_MARGIN, Progress, SolverSettings, SolveStage

MIN_BUDGET = 0.2  # deterministic seconds: the least any one class solve gets
# The most a class solve may take, in even shares of the budget (most stop far sooner, at their
# floor). Two shares left the polish's single re-solves short of what one more share finds: 60
# classes in 30 s reached the bound for 6 seeds of 8 with two, 8 of 8 with four.
CLASS_SHARES = 4
MAX_PASSES = 3  # over-capacity re-solves allowed per class before the joint fallback
MAX_GROUP = 4  # classes in a polish neighbourhood: larger ones solve too slowly to pay off
GROUP_BUDGET = 1.0  # deterministic seconds per neighbourhood solve
POLISH_SHARE = 0.8  # part of the budget stage 1 may spend in all; stage 2 runs after it
# Wall seconds per task that polishing leaves for stage 2 (beyond the settings' final margin) when
# that is more than the rest of the budget: building and solving the weeks took 9 s at 120 classes (2 520 tasks) on 2 cores.
STAGE2_SECONDS_PER_TASK = 0.005
BATCH = 2  # calls solved side by side (fixed, so the thread count never changes the result)
PRICE_MAX = 4  # highest contention price per hour (tie-breaks only)
BALANCE_MAX = 2  # highest load-balance price per hour of a candidate (tie-breaks only)
MAX_STALLED = 2  # polish stops after this many rounds in a row without improvement
_SOLVED = (cp_model.OPTIMAL, cp_model.FEASIBLE)


@dataclass
class WeekPlan:
    """The school's stage-1 plan: sessions per (task, bucket), and each class's objective and floor."""

    status: str
    values: dict[int, dict[int, int]] = field(default_factory=dict)
    objective: dict[str, int] = field(default_factory=dict)
    bound: dict[str, int] = field(default_factory=dict)
    infeasible_scope: frozenset[str] | None = None
    repaired: list[str] = field(default_factory=list)
    terms: dict[str, dict[str, int]] = field(default_factory=dict)  # class → penalty term → value
    choices: dict[int, Choice] = field(default_factory=dict)  # the staff and venue chosen, by task index

    @property
    def total(self) -> int:
        return sum(self.objective.values())

    @property
    def lower_bound(self) -> int:
        return min(sum(self.bound.values()), self.total)


@dataclass(frozen=True)
class Run:
    """One CP-SAT call: its status, objective and bound, each class's share of the objective, and
    the sessions per task and bucket it chose."""

    status: cp_model.CpSolverStatus
    objective: int = 0
    bound: int = 0
    objectives: dict[str, int] = field(default_factory=dict)
    values: dict[int, dict[int, int]] = field(default_factory=dict)
    terms: dict[str, dict[str, int]] = field(default_factory=dict)
    choices: dict[int, Choice] = field(default_factory=dict)

    @property
    def solved(self) -> bool:
        return self.status in _SOLVED


class Planner:
    """Runs the decomposition for one problem; `repair` re-plans classes after stage 2 reports misses."""

    def __init__(self, problem: Problem, occupancy: Occupancy, settings: SolverSettings) -> None:
        self.problem = problem
        self.occupancy = occupancy
        self.settings = settings
        self.caps: dict[tuple[str, int], int] = {}
        self.classes = sorted(problem.classes)
        self.class_budget = max(MIN_BUDGET, CLASS_SHARES * settings.budget / max(1, len(self.classes)))
        # Deterministic time spent, in integer milliseconds so that threads add it up exactly.
        self.spent_ms = 0
        self.lock = threading.Lock()
        self.bucket_week = problem.bucket_week
        self.bucket_days: dict[int, list[int]] = defaultdict(list)
        for day, bucket in enumerate(problem.bucket_of):
            self.bucket_days[bucket].append(day)
        self.week_days: dict[int, list[int]] = defaultdict(list)
        for day, week in enumerate(problem.week_of):
            self.week_days[week].append(day)
        self.week_buckets: dict[int, list[int]] = defaultdict(list)
        for bucket, week in enumerate(self.bucket_week):
            self.week_buckets[week].append(bucket)
        self.tasks_of: dict[str, list[int]] = defaultdict(list)
        for index, task in enumerate(problem.tasks):
            self.tasks_of[task.class_name].append(index)
        # Classes not placed yet, who uses each shared resource, and what each class is expected to take
        # of it per bucket (its sessions spread evenly over their allowed days): see `_prices`.
        self.waiting = frozenset(self.classes)
        self.users: dict[Resource, set[str]] = defaultdict(set)
        self.expected: dict[str, dict[Resource, dict[int, float]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(float)))
        self.shared: dict[str, set[Resource]] = defaultdict(set)
        self.expected_of: dict[tuple[Resource, tuple[str, ...]], dict[int, float]] = {}  # see `_expected`
        # Every candidate a class may choose: what a solve that chooses must see the loads of.
        self.candidates: dict[str, set[Resource]] = defaultdict(set)
        # A task's days counted per bucket, once per set of days (a school's classes share a few).
        in_buckets: dict[tuple[int, ...], Counter[int]] = {}
        for task in problem.tasks:
            share = task.hours * task.count / max(1, len(task.days))
            if (days := in_buckets.get(task.days)) is None:
                days = in_buckets[task.days] = Counter(problem.bucket_of[day] for day in task.days)
            for owner in shared_owners(task):
                self.users[owner].add(task.class_name)
                self.shared[task.class_name].add(owner)
                expected = self.expected[task.class_name][owner]
                for bucket, count in days.items():
                    expected[bucket] += share * count
            self.candidates[task.class_name].update(owner for group in candidates(task) for owner in group)
        # Each class's plan (and choices of staff and venues) when alone: the hint for a class not yet placed.
        self.alone: dict[int, dict[int, int]] = {}
        self.alone_choices: dict[int, Choice] = {}
        # Each class's bound when alone: a constraint of every scoped model after step 1.
        self.floors: dict[str, int] = {}
        self.year_capacity: dict[Resource, int] = {}
        self.capacity_of: dict[Resource, dict[int, int]] = {}  # see `_capacities`
        # Each class's kind (the first class with equal `_inputs`, set by `plan`), and per kind and
        # what else a class's model reads, that model built unfinished (see `_model`).
        self.kind: dict[str, str] = {}
        self.templates: dict[tuple[object, ...], WeekModel] = {}
        self.building = threading.Lock()
        # Wall seconds the solves of the moment must leave for stage 2 (while polishing).
        self.reserve = 0.0

    def plan(self) -> WeekPlan:
        """The school's week plan; "unknown" when the wall clock runs out before every class has one."""
        # Classes that are the same problem alone (same grade and level, same kind of staff, see
        # `_inputs`) are solved once: their models are built for the first of each kind only.
        inputs = {name: self._inputs(name) for name in self.classes}
        first: dict[tuple[object, ...], str] = {}
        for name in self.classes:
            first.setdefault(inputs[name], name)
        source_of = self.kind = {name: first[inputs[name]] for name in self.classes}
        unique = sorted(set(first.values()))
        models = {}
        for name in unique:
            if self.settings.out_of_time:
                return WeekPlan("unknown")
            models[name] = self._model(frozenset([name]), {})
        with ThreadPoolExecutor(max_workers=max(1, self.settings.workers)) as pool:
            solved = dict(zip(unique, pool.map(lambda name: self._run(models[name], None), unique), strict=True))
        plan = WeekPlan("optimal")
        for name in self.classes:
            source = source_of[name]
            run = solved[source]
            if run.status == cp_model.INFEASIBLE:
                return WeekPlan("infeasible", infeasible_scope=frozenset([name]))
            if not run.solved:
                return WeekPlan("unknown")
            for index, twin in zip(self.tasks_of[name], self.tasks_of[source], strict=True):
                self.alone[index] = run.values.get(twin, {})
                if twin in run.choices:
                    self.alone_choices[index] = _translate(self.problem.tasks[twin], self.problem.tasks[index],
                                                           run.choices[twin])
            plan.bound[name] = run.bound
        self.floors = dict(plan.bound)
        # Nothing placed yet: every class is pending, so each is solved around those placed before it.
        return self._repair(plan, set(self.classes))

    def repair(self, plan: WeekPlan, caps: dict[tuple[str, int], int]) -> WeekPlan:
        """Re-plan the classes whose weekly capacity stage 2 lowered, keeping the others."""
        changed = {name for name, week in caps if self.caps.get((name, week)) != caps[(name, week)]}
        self.caps = dict(caps)
        return self._repair(plan, changed)

    def _inputs(self, name: str) -> tuple[object, ...]:
        """Everything a class's model alone reads (see WeekModel), without names: its days and limits,
        minima, fixed sessions, penalty weeks; per task its activity, size, days, order and previous
        buckets, and which of the class's staff members and venues it takes; the class's free capacity
        in every bucket and week, and per such resource the first one alike (`Occupancy.alike`).
        Two classes with equal inputs have the same model up to names and order, hence the same floor,
        and one's plan alone fits the other task by task. The cache of `Occupancy.free` makes this far
        cheaper than building the model."""
        problem, occupancy = self.problem, self.occupancy
        fixed_bucket = problem.fixed_bucket
        info = problem.classes[name]
        days = sorted(info.days)
        resources = {owner: position for position, owner in enumerate(self._resources(name))}
        rows = []
        for index in self.tasks_of[name]:
            task = problem.tasks[index]
            rows.append((
                task.key.split("/", 1)[1], task.direction, task.hours, task.count, task.elective, task.evening,
                task.series is None, task.days, task.rule.kind,
                tuple((key.split("/", 1)[1], fixed_bucket.get(key, -1)) for key in task.after),
                fixed_bucket.get(task.key, -1),
                tuple(sorted(problem.bucket_of[day] for _, when, _ in problem.previous.get(task.key, [])
                             if (day := problem.day_index(when)) is not None)),
                tuple(tuple(resources[owner] for owner in group) for group in candidates(task)),
            ))
        class_owner = class_resource(name)
        capacity: list[object] = [(
            tuple(occupancy.free_in(class_owner, b, [d for d in self.bucket_days[b] if d in info.days])
                  for b in sorted(self.bucket_days)),
            tuple(occupancy.free_in(class_owner, -1 - w, [d for d in self.week_days[w] if d in info.days]).hours
                  for w in sorted(self.week_days)),
        )]
        capacity += [occupancy.alike(owner) for owner in resources]
        school_class = info.school_class
        return (
            tuple(days), school_class.max_hours_per_day, school_class.max_hours_per_week,
            tuple((occupancy.limited.get((name, day), 0), occupancy.sessions.get((name, day), 0)) for day in days),
            tuple(sorted((direction, hours) for (owner, direction), hours in problem.required.items() if owner == name)),
            tuple(sorted((direction, hours) for (owner, direction), hours in problem.fixed_hours.items() if owner == name)),
            tuple(sorted((week, tuple(sorted(weights.items())))
                         for week, weights in problem.penalty_weeks.get(name, {}).items())),
            tuple(rows), tuple(capacity),
        )

    def _resources(self, name: str) -> list[Resource]:
        """The staff members and venues a class's tasks may take, in order of first use: the same
        positions for classes of one kind."""
        found: dict[Resource, None] = {}
        for index in self.tasks_of[name]:
            for group in candidates(self.problem.tasks[index]):
                found.update(dict.fromkeys(group))
        return list(found)

    def _repair(self, plan: WeekPlan, pending: set[str]) -> WeekPlan:
        """Solve the pending classes in turn, each around all the others; then, while a shared limit is
        exceeded, re-solve the class taking the most of the exceeded resources; then polish."""
        loads = bucket_loads(self.problem, plan.values, plan.choices)
        # Most constrained first: the classes whose own optimum costs most have the fewest good choices.
        queue = sorted(pending, key=lambda name: (-self.floors.get(name, 0), name))
        # What each waiting class holds: its choices change only when it is solved, and it leaves the queue.
        held = {name: self._held(name, plan.choices) for name in queue}
        with ThreadPoolExecutor(max_workers=max(1, self.settings.workers)) as pool:
            while queue:
                if self.settings.out_of_time:
                    plan.status = "unknown"  # the classes placed so far stay in `plan.objective`
                    return plan
                batch = self._independent(queue, held)
                runs = list(pool.map(lambda name: self._solve_around(plan, loads, frozenset([name]), choose=False), batch))
                for position, (name, run) in enumerate(zip(batch, runs, strict=True)):
                    if not run.solved:
                        # The proposed staff and venues are taken: the class chooses among its candidates,
                        # around the classes accepted so far; the rest of the batch waits for it.
                        run = self._solve_around(plan, loads, frozenset([name]))
                        if not run.solved:
                            return self._joint(plan)
                        queue[0:0] = batch[position + 1:]
                        self._accept(plan, loads, frozenset([name]), run, check=False)
                        break
                    self._accept(plan, loads, frozenset([name]), run, check=False)
                done = len(self.classes) - len(queue)
                self.settings.report(Progress(SolveStage.PLAN, done, len(self.classes), plan.total))
        for _ in range(MAX_PASSES * len(self.classes)):
            worst = self._worst(plan, loads)
            if worst is None:
                break
            if not self._resolve(plan, loads, frozenset([worst]), better_only=False):
                return self._joint(plan)
        else:
            return self._joint(plan)
        self._polish(plan, loads)
        return self._status(plan)

    @staticmethod
    def _independent(queue: list[str], held: dict[str, set[Resource]]) -> list[str]:
        """Take from the queue its first class and up to BATCH - 1 later ones sharing no staff
        member or venue (`held`: as chosen so far, else proposed) with any taken: with their staff and
        venues kept, they cannot change each other's models, so solving them side by side gives what
        solving them in turn would."""
        batch = [queue.pop(0)]
        taken = set(held[batch[0]])
        for name in list(queue):
            if len(batch) == BATCH:
                break
            if not held[name] & taken:
                queue.remove(name)
                batch.append(name)
                taken |= held[name]
        return batch

    def _held(self, name: str, choices: dict[int, Choice]) -> set[Resource]:
        """The staff members and venues a class's tasks take with these choices (else the proposals)."""
        return {owner for index in self.tasks_of[name] for owner in shared_owners(self.problem.tasks[index], choices.get(index))}

    def _polish(self, plan: WeekPlan, loads: dict[tuple[Resource, int], Load]) -> None:
        """Re-solve each class above its floor alone; then rounds of neighbourhoods (each such class with
        a few of the classes in its way, or in alternate rounds of those sharing its staff or venues),
        keeping only improvements, until every class is at its floor, two rounds in a row improve
        nothing, or the time budget is mostly spent. Groups go in batches of
        BATCH disjoint groups solved side by side; a later result of a batch is kept only if
        it still fits after the earlier ones (the batch size is fixed, so threads never change the
        outcome)."""
        # Wall seconds kept for stage 2: no polishing solve may run into them (see `_run`).
        limit = self.settings.time_limit
        self.reserve = max((1 - POLISH_SHARE) * limit, STAGE2_SECONDS_PER_TASK * len(self.problem.tasks) + WALL_MARGIN * limit)
        for name in self.classes:
            if plan.objective[name] > plan.bound[name] and not self.settings.out_of_time:
                self._resolve(plan, loads, frozenset([name]), better_only=True)
        rng = random.Random(self.settings.seed)
        groups: list[frozenset[str]] = []
        # Rounds of neighbourhoods in a row that improved nothing.
        stalled, improved, rounds = 0, True, 0
        while (self.spent_ms + 1000 * GROUP_BUDGET * BATCH <= 1000 * POLISH_SHARE * self.settings.budget
               and self.settings.remaining() > self.reserve):
            if not groups:
                stalled = 0 if improved else stalled + 1
                groups = self._neighbourhoods(plan, rng, directed=rounds % 2 == 0) if stalled < MAX_STALLED else []
                improved, rounds = False, rounds + 1
                if not groups:
                    break
            batch: list[frozenset[str]] = []
            for group in list(groups):
                if len(batch) < BATCH and not any(group & other for other in batch):
                    batch.append(group)
                    groups.remove(group)
            with ThreadPoolExecutor(max_workers=max(1, self.settings.workers)) as pool:
                found = list(pool.map(lambda group: self._solve_around(plan, loads, group, choose=False), batch))
            for group, run in zip(batch, found, strict=True):
                if run.solved and run.objective < sum(plan.objective[name] for name in group):
                    improved |= self._accept(plan, loads, group, run, check=True)
        self.reserve = 0.0

    def _neighbourhoods(self, plan: WeekPlan, rng: random.Random, directed: bool) -> list[frozenset[str]]:
        """For each class above its floor, itself and up to MAX_GROUP - 1 others drawn by the seeded
        generator: `directed`, from the twice as many classes most in its way (see `_in_the_way`);
        else from all the classes sharing a staff member or venue with it, which finds what the
        first kind misses."""
        above = [name for name in self.classes if plan.objective[name] > plan.bound[name]]
        in_the_way = self._in_the_way(plan, above) if directed else {}
        result = []
        for name in above:
            if directed:
                others = in_the_way[name][: 2 * (MAX_GROUP - 1)]
            else:
                others = sorted(set().union(*(self.users[owner] for owner in self.shared[name])) - {name})
            result.append(frozenset([name, *rng.sample(others, min(len(others), MAX_GROUP - 1))]))
        return result

    def _in_the_way(self, plan: WeekPlan, names: list[str]) -> dict[str, list[str]]:
        """Per class, the other classes ranked by how much they hold of shared staff and venues in the
        weeks where the class's own optimal plan (alone) needs them."""
        held: dict[tuple[Resource, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for index, buckets in plan.values.items():
            task = self.problem.tasks[index]
            for bucket, count in buckets.items():
                for owner in shared_owners(task, plan.choices.get(index)):
                    held[(owner, self.bucket_week[bucket])][task.class_name] += task.hours * count
        ranked = {}
        for name in names:
            weight: dict[str, int] = defaultdict(int)
            for index in self.tasks_of[name]:
                task = self.problem.tasks[index]
                for bucket, count in self.alone.get(index, {}).items():
                    for owner in shared_owners(task, self.alone_choices.get(index)):
                        for other, hours in held[(owner, self.bucket_week[bucket])].items():
                            if other != name:
                                weight[other] += hours * task.hours * count
            ranked[name] = sorted(weight, key=lambda other: (-weight[other], other))
        return ranked

    def _resolve(
        self, plan: WeekPlan, loads: dict[tuple[Resource, int], Load], scope: frozenset[str], better_only: bool
    ) -> bool:
        """Re-solve a scope around everything else; False when it cannot fit at all."""
        run = self._solve_around(plan, loads, scope)
        if not run.solved:
            return False
        if not better_only or run.objective < sum(plan.objective[name] for name in scope):
            self._accept(plan, loads, scope, run, check=False)
        return True

    def _solve_around(
        self, plan: WeekPlan, loads: dict[tuple[Resource, int], Load], scope: frozenset[str], choose: bool = True,
    ) -> Run:
        """Solve a scope around what every other class takes; without `choose`, with the staff and
        venues chosen so far (else the proposals): the first placement of each class, which is
        several times quicker and rarely worse."""
        own = bucket_loads(self.problem, self._values_of(plan.values, scope), plan.choices)
        if choose:
            used: set[Resource] = set().union(*(self.candidates[name] for name in scope))
        else:
            used = set().union(*(self._held(name, plan.choices) for name in scope))
        # Looked up by the resources used (a few dozen), not filtered from every resource's loads.
        reserved = {key: load if (mine := own.get(key)) is None else load - mine
                    for owner in sorted(used) for bucket in self.bucket_days if (load := loads.get(key := (owner, bucket)))}
        budget = self.class_budget if len(scope) == 1 else GROUP_BUDGET
        model = self._model(scope, reserved, self._prices(scope, used, reserved, choose), None if choose else plan.choices)
        # A class still waiting is hinted with its plan alone, which rarely fits around the others:
        # completing that hint would cost a solve for nothing.
        return self._run(model, {**self.alone, **plan.values}, budget, complete=not scope & self.waiting,
                         choices={**self.alone_choices, **plan.choices})

    def _prices(
        self, scope: frozenset[str], used: set[Resource], reserved: dict[tuple[Resource, int], Load], choose: bool,
    ) -> dict[tuple[Resource, int], int]:
        """Tie-break prices per hour of a shared staff member or venue in a bucket. While classes wait
        to be placed: 0..PRICE_MAX by the share of its capacity already taken there or expected by the
        waiting classes; a class then leaves the weeks others will need (the navigator's December,
        when every class has its reflection lesson) to those that cannot go elsewhere. When the scope
        chooses its staff and venues, each candidate also costs 0..BALANCE_MAX in every bucket by the
        share of its year the others already take: the load-balancing goal, below every penalty."""
        prices: dict[tuple[Resource, int], int] = defaultdict(int)
        if choose:
            taken_of: dict[Resource, int] = defaultdict(int)
            for (resource, _), load in reserved.items():
                taken_of[resource] += load.hours
            for owner in sorted(used):
                taken = taken_of[owner]
                if taken > 0 and (year := self._year_capacity(owner)) > 0:
                    price = min(BALANCE_MAX, round(BALANCE_MAX * taken / year))
                    for bucket in self.bucket_days:
                        prices[(owner, bucket)] += price
        coming = self.waiting - scope
        if not coming:
            return {key: price for key, price in prices.items() if price}
        for owner in sorted(used):
            expected = self._expected(owner, tuple(sorted(coming & self.users[owner])))
            capacities = self._capacities(owner)
            for bucket in self.bucket_days:
                held = reserved.get((owner, bucket))
                hours = (0 if held is None else held.hours) + expected.get(bucket, 0.0)
                if hours <= 0:
                    continue
                capacity = capacities[bucket]
                prices[(owner, bucket)] += min(PRICE_MAX, round(PRICE_MAX * hours / capacity)) if capacity > 0 else PRICE_MAX
        return {key: price for key, price in prices.items() if price}

    def _expected(self, owner: Resource, others: tuple[str, ...]) -> dict[int, float]:
        """What these waiting classes are expected to take of a staff member or venue per bucket (see
        `expected`): remembered, since it changes only when one of them is placed."""
        key = (owner, others)
        found = self.expected_of.get(key)
        if found is None:
            totals: dict[int, float] = defaultdict(float)
            for name in others:
                for bucket, share in self.expected[name].get(owner, {}).items():
                    totals[bucket] += share
            found = self.expected_of[key] = {bucket: total for bucket, total in totals.items() if total}
        return found

    def _capacities(self, owner: Resource) -> dict[int, int]:
        """A staff member's or venue's hours per bucket: the lesser of its free slots and (staff) its
        weekly hour limit less the fixed sessions, which is usually far below them. Remembered: every
        solve prices each resource it may use in every bucket."""
        found = self.capacity_of.get(owner)
        if found is None:
            frees = {bucket: self.occupancy.free_in(owner, bucket, days) for bucket, days in self.bucket_days.items()}
            found = self.capacity_of[owner] = {
                bucket: min(free.day_hours + free.evenings, free.hours) for bucket, free in frees.items()
            }
        return found

    def _year_capacity(self, owner: Resource) -> int:
        """A staff member's or venue's hours in the span: per week the lesser of its free slots and
        (staff) its weekly limit less the fixed sessions."""
        if owner not in self.year_capacity:
            weeks = (self.occupancy.free_in(owner, -1 - week, days) for week, days in self.week_days.items())
            self.year_capacity[owner] = sum(min(free.day_hours + free.evenings, free.hours) for free in weeks)
        return self.year_capacity[owner]

    def _accept(
        self, plan: WeekPlan, loads: dict[tuple[Resource, int], Load], scope: frozenset[str], run: Run, check: bool,
    ) -> bool:
        """Put a scope's new plan in place (with `check`, only if it still fits beside the others)."""
        own = bucket_loads(self.problem, self._values_of(plan.values, scope), plan.choices)
        new_own = bucket_loads(self.problem, run.values, run.choices)
        # Only the scope's (resource, bucket) pairs change: copying every load per call was slow.
        changed = {key: loads.get(key, Load()) - own.get(key, Load()) + new_own.get(key, Load())
                   for key in own.keys() | new_own.keys()}
        if check and self._over({key: changed[key] for key in new_own}, ChainMap(changed, loads)):
            return False
        loads.update(changed)
        for index in self._values_of(plan.values, scope):
            plan.values[index] = run.values.get(index, {})
        plan.objective.update(run.objectives)
        plan.terms.update(run.terms)
        plan.choices.update(run.choices)
        plan.repaired.extend(sorted(scope))
        self.waiting -= scope
        return True

    def _values_of(self, values: dict[int, dict[int, int]], scope: frozenset[str]) -> dict[int, dict[int, int]]:
        return {index: values.get(index, {}) for name in sorted(scope) for index in self.tasks_of[name]}

    def _joint(self, plan: WeekPlan) -> WeekPlan:
        """The whole school in one model, hinted by the current plan: the fallback of the repair."""
        everyone = frozenset(self.classes)
        run = self._run(self._model(everyone, {}), {**self.alone, **plan.values}, self.settings.budget,
                        choices={**self.alone_choices, **plan.choices})
        if run.status == cp_model.INFEASIBLE:
            return WeekPlan("infeasible", infeasible_scope=everyone)
        if not run.solved:
            return WeekPlan("unknown")
        plan.values = run.values
        plan.objective = dict(run.objectives)
        plan.terms = dict(run.terms)
        plan.choices = dict(run.choices)
        plan.repaired = list(self.classes)
        self.waiting = frozenset()
        return self._status(plan)

    @staticmethod
    def _status(plan: WeekPlan) -> WeekPlan:
        """Optimal exactly when the plan reaches the sum of the floors (a valid lower bound)."""
        plan.status = "optimal" if plan.total == sum(plan.bound.values()) else "feasible"
        return plan

    def _model(
        self, scope: frozenset[str], reserved: dict[tuple[Resource, int], Load],
        prices: dict[tuple[Resource, int], int] | None = None, fixed_choices: dict[int, Choice] | None = None,
    ) -> WeekModel:
        """The model of a scope. A class alone is the twin (see WeekModel.twin) of the model of the
        first class of its kind with the same positions of staff and venues chosen, the same weekly caps
        and floor, built once per solve: its twins differ only in names and in what others take."""
        if len(scope) != 1 or not self.kind:
            return WeekModel(self.problem, self.occupancy, scope, reserved=reserved, class_caps=self.caps,
                             floors=self.floors, prices=prices, fixed_choices=fixed_choices)
        (name,) = scope
        kind = self.kind[name]
        own, theirs = self._resources(name), self._resources(kind)
        position = {owner: number for number, owner in enumerate(own)}
        tasks = self.tasks_of[name]
        chosen = None if fixed_choices is None else tuple(
            tuple(position[owner] for owner in shared_owners(self.problem.tasks[index], fixed_choices.get(index)))
            for index in tasks
        )
        weeks = tuple(sorted((week, cap) for (owner, week), cap in self.caps.items() if owner == name))
        key = (kind, chosen, weeks, self.floors.get(name))
        # Built once, for the kind's first class with its own staff and venues at the same positions;
        # under a lock, since both workers often ask for the same new template at once.
        with self.building:
            template = self.templates.get(key)
            if template is None:
                translated = None if chosen is None else {
                    index: _choice(self.problem.tasks[index], [theirs[number] for number in numbers])
                    for index, numbers in zip(self.tasks_of[kind], chosen, strict=True)
                }
                caps = {(kind, week): cap for week, cap in weeks}
                floors = {kind: self.floors[name]} if name in self.floors else {}
                template = self.templates[key] = WeekModel(
                    self.problem, self.occupancy, [kind], class_caps=caps, floors=floors, fixed_choices=translated,
                    finish=False,
                )
        resources = dict(zip(theirs, own, strict=True))
        resources[class_resource(kind)] = class_resource(name)
        return template.twin(name, tasks, resources, reserved, prices or {}, fixed_choices)

    def _run(
        self, model: WeekModel, hint: dict[int, dict[int, int]] | None, budget: float | None = None,
        complete: bool = True, choices: dict[int, Choice] | None = None,
    ) -> Run:
        if hint:
            model.hint(hint, self.settings, complete, choices)
        solver = cp_model.CpSolver()
        self.settings.configure(solver, budget or self.class_budget)
        if self.reserve:
            solver.parameters.max_time_in_seconds = max(
                0.01, min(solver.parameters.max_time_in_seconds, self.settings.remaining() - self.reserve))
        solver.parameters.absolute_gap_limit = model.scale - 0.5
        # A hinted class alone is small and near its floor: CP-SAT's presolve took three quarters of
        # its time (0.3 s of CPU a class at 60 classes, 0.08 s without, the same objective).
        solver.parameters.cp_model_presolve = not (hint and len(model.scope) == 1)
        status = self.settings.solve(solver, model.model)
        with self.lock:
            self.spent_ms += round(1000 * solver.deterministic_time)
        if status not in _SOLVED:
            return Run(status)
        objectives = {name: round(solver.value(model.class_objective(name))) for name in model.scope}
        terms = {
            name: {term.value: value for term, expr in model.class_terms(name).items() if (value := round(solver.value(expr)))}
            for name in model.scope
        }
        return Run(status, sum(objectives.values()), round(solver.best_objective_bound) // model.scale, objectives,
                   model.values(solver), terms, model.choices(solver))

    def _worst(self, plan: WeekPlan, loads: dict[tuple[Resource, int], Load]) -> str | None:
        """The class with the most sessions where a shared staff member or venue is over capacity."""
        over = self._over(loads)
        if not over:
            return None
        share: dict[str, int] = defaultdict(int)
        for index, buckets in plan.values.items():
            task = self.problem.tasks[index]
            for bucket, count in buckets.items():
                for owner in shared_owners(task, plan.choices.get(index)):
                    if (owner, bucket) in over or (owner, -1 - self.bucket_week[bucket]) in over:
                        share[task.class_name] += count * task.hours
        return min(share, key=lambda name: (-share[name], name))

    def _over(
        self, loads: dict[tuple[Resource, int], Load], weekly: Mapping[tuple[Resource, int], Load] | None = None
    ) -> set[tuple[Resource, int]]:
        """(resource, bucket) pairs of `loads` over their slots, and (resource, -1 - week) over a
        weekly hour limit (summed over `weekly`, default `loads`)."""
        over = set()
        for (owner, bucket), load in loads.items():
            if owner.kind is ResourceKind.CLASS:
                continue
            free = self.occupancy.free_in(owner, bucket, self.bucket_days[bucket])
            if load.day_hours > free.day_hours or load.long > free.long or load.evenings > free.evenings:
                over.add((owner, bucket))
        summed = loads if weekly is None else weekly
        for owner, week in {(owner, self.bucket_week[bucket]) for owner, bucket in loads if owner.kind is ResourceKind.STAFF}:
            total = sum(held.hours for bucket in self.week_buckets[week] if (held := summed.get((owner, bucket))))
            if total > self.occupancy.free_in(owner, -1 - week, self.week_days[week]).hours:
                over.add((owner, -1 - week))
        return over



def _choice(task: Task, owners: list[Resource]) -> Choice:
    """A task's choice from the resources it takes (its staff member, then its venue if any)."""
    staff = next(owner.name for owner in owners if owner.kind is ResourceKind.STAFF)
    venue = next((owner.name for owner in owners if owner.kind is ResourceKind.VENUE), None)
    return staff, venue


def _translate(twin: Task, task: Task, choice: Choice) -> Choice:
    """A twin class's choice for the same task of another class: the candidate at the same position."""
    staff = task.staff_options[twin.staff_options.index(choice[0])]
    venue = task.venue_options[twin.venue_options.index(choice[1])] if choice[1] is not None else None
    return staff, venue
