"""Stage 1 by decomposition: every class alone, then repairs where shared staff or venues clash.

The stage-1 objective is a sum of per-class terms (see model.py), and the
only rules between classes are the limits of shared staff and venues. So:

1. each class is solved alone (its own rules, and the shared limits as if it
   were the only user). Classes whose models are identical (same grade,
   level and kind of staff) are solved once, the rest in parallel threads.
   This is a relaxation of the school's problem: the sum of the per-class
   *bounds* is a valid lower bound for the whole school, and when the union
   of the per-class plans respects every shared limit it is optimal;
2. while some staff member or venue is over its capacity, the class taking
   most of the over-full resources is re-solved alone with what every other
   class takes reserved, so it fits around them; a class that cannot fit
   sends the whole school to one joint solve (hinted by the current plan);
3. polish: each class left above its own bound is re-solved once more, now
   that the others have settled, then each small group of classes sharing a
   staff member with such a class is re-solved together (so they can trade
   weeks); a re-solve is kept only when it is better.

Every CP-SAT call runs on one worker with a deterministic-time budget that
does not depend on the number of threads, so the plan depends on the seed
only, never on `workers`. The reported bound is always the per-class sum of
step 1, valid whatever the repairs did.
"""

from __future__ import annotations

import hashlib
import threading
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from scheduler.model import Load, Occupancy, SolverSettings, WeekModel, bucket_loads
from scheduler.problem import Problem

MIN_BUDGET = 0.2
MAX_PASSES = 3
MAX_GROUP = 6
GROUP_BUDGET = 1.0
POLISH_SHARE = 0.8
POLISH_BATCH = 2
_SOLVED = (cp_model.OPTIMAL, cp_model.FEASIBLE)


@dataclass
class WeekPlan:
    """The school's stage-1 plan: sessions per (task, bucket), per-class objective and bound."""

    status: str
    values: dict[int, dict[int, int]] = field(default_factory=dict)
    objective: dict[str, int] = field(default_factory=dict)
    bound: dict[str, int] = field(default_factory=dict)
    optimal: dict[str, bool] = field(default_factory=dict)
    infeasible_scope: frozenset[str] | None = None
    repaired: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.objective.values())

    @property
    def lower_bound(self) -> int:
        return min(sum(self.bound.values()), self.total)


class Planner:
    """Runs the decomposition for one problem; `repair` re-plans classes after stage 2 reports misses."""

    def __init__(self, problem: Problem, occupancy: Occupancy, settings: SolverSettings) -> None:
        self.problem = problem
        self.occupancy = occupancy
        self.settings = settings
        self.caps: dict[tuple[str, int], int] = {}
        self.classes = sorted(problem.classes)
        self.class_budget = max(MIN_BUDGET, 2 * settings.budget / max(1, len(self.classes)))
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
        self.free: dict[tuple[str, int], Load] = {}
        self.tasks_of: dict[str, list[int]] = defaultdict(list)
        for index, task in enumerate(problem.tasks):
            self.tasks_of[task.class_name].append(index)

    def plan(self) -> WeekPlan:
        models = {name: self._model(frozenset([name]), {}) for name in self.classes}
        # Classes whose models are identical (same grade and level, same kind of staff) are solved once.
        first: dict[str, str] = {}
        for name, model in models.items():
            first.setdefault(_signature(model), name)
        unique = sorted(set(first.values()))
        with ThreadPoolExecutor(max_workers=max(1, self.settings.workers)) as pool:
            solved = dict(zip(unique, pool.map(lambda name: self._run(models[name], None), unique)))
        plan = WeekPlan("optimal")
        for name, model in models.items():
            source = first[_signature(model)]
            status, objective, bound, values = solved[source]
            if status == cp_model.INFEASIBLE:
                return WeekPlan("infeasible", infeasible_scope=frozenset([name]))
            if status not in _SOLVED:
                return WeekPlan("unknown")
            for index, twin in zip(self.tasks_of[name], self.tasks_of[source]):
                plan.values[index] = values.get(twin, {})
            plan.objective[name], plan.bound[name] = objective, bound
            plan.optimal[name] = status == cp_model.OPTIMAL
        return self._repair(plan, set())

    def repair(self, plan: WeekPlan, caps: dict[tuple[str, int], int]) -> WeekPlan:
        """Re-plan the classes whose weekly capacity stage 2 lowered, keeping the others."""
        changed = {name for name, week in caps if self.caps.get((name, week)) != caps[(name, week)]}
        self.caps = dict(caps)
        return self._repair(plan, changed)

    def _repair(self, plan: WeekPlan, pending: set[str]) -> WeekPlan:
        """Re-solve the pending classes, then, while a shared limit is exceeded, the class taking the
        most of the exceeded resources (each fits around all the others); then polish."""
        loads = bucket_loads(self.problem, plan.values)
        queue = sorted(pending)
        for _ in range(MAX_PASSES * len(self.classes)):
            if not queue:
                worst = self._worst(plan, loads)
                if worst is None:
                    break
                queue = [worst]
            if not self._resolve(plan, loads, frozenset([queue.pop(0)]), better_only=False):
                return self._joint(plan)
        else:
            return self._joint(plan)
        self._polish(plan, loads)
        return self._status(plan)

    def _polish(self, plan: WeekPlan, loads: dict[tuple[str, int], Load]) -> None:
        """Re-solve each class above its own bound alone, then small groups sharing a staff member with
        one (so they can trade weeks), keeping only improvements. Groups go in batches of
        POLISH_BATCH disjoint groups solved side by side; a later result of a batch is kept only if
        it still fits after the earlier ones (the batch size is fixed, so threads never change the
        outcome). Groups stop when the time budget is mostly spent."""
        for name in self.classes:
            if plan.objective[name] > plan.bound[name]:
                self._resolve(plan, loads, frozenset([name]), better_only=True)
        groups = self._polish_groups(plan)
        while groups and self.spent_ms + 1000 * GROUP_BUDGET * POLISH_BATCH <= 1000 * POLISH_SHARE * self.settings.budget:
            batch: list[frozenset[str]] = []
            for group in list(groups):
                if len(batch) < POLISH_BATCH and not any(group & other for other in batch):
                    batch.append(group)
                    groups.remove(group)
            with ThreadPoolExecutor(max_workers=max(1, self.settings.workers)) as pool:
                found = list(pool.map(lambda group: self._solve_around(plan, loads, group), batch))
            for group, (status, objective, values) in zip(batch, found):
                if status in _SOLVED and objective < sum(plan.objective[name] for name in group):
                    self._accept(plan, loads, group, status, objective, values, check=True)

    def _polish_groups(self, plan: WeekPlan) -> list[frozenset[str]]:
        above = {name for name in self.classes if plan.objective[name] > plan.bound[name]}
        served: dict[str, set[str]] = defaultdict(set)
        for task in self.problem.tasks:
            served[task.staff].add(task.class_name)
        return sorted(
            {frozenset(names) for names in served.values() if 1 < len(names) <= MAX_GROUP and names & above},
            key=lambda group: (-sum(plan.objective[n] - plan.bound[n] for n in group), sorted(group)),
        )

    def _resolve(
        self, plan: WeekPlan, loads: dict[tuple[str, int], Load], scope: frozenset[str], better_only: bool
    ) -> bool:
        """Re-solve a scope around everything else; False when it cannot fit at all."""
        status, objective, values = self._solve_around(plan, loads, scope)
        if status not in _SOLVED:
            return False
        if not better_only or objective < sum(plan.objective[name] for name in scope):
            self._accept(plan, loads, scope, status, objective, values, check=False)
        return True

    def _solve_around(
        self, plan: WeekPlan, loads: dict[tuple[str, int], Load], scope: frozenset[str]
    ) -> tuple[int, int, dict[int, dict[int, int]]]:
        own = bucket_loads(self.problem, self._values_of(plan.values, scope))
        reserved = {key: loads.get(key, Load()) - own.get(key, Load()) for key in loads}
        budget = self.class_budget if len(scope) == 1 else GROUP_BUDGET
        status, objective, _, values = self._solve(scope, reserved, plan.values, budget)
        return status, objective, values

    def _accept(
        self, plan: WeekPlan, loads: dict[tuple[str, int], Load], scope: frozenset[str], status: int,
        objective: int, values: dict[int, dict[int, int]], check: bool,
    ) -> None:
        """Put a scope's new plan in place (with `check`, only if it still fits beside the others)."""
        own = bucket_loads(self.problem, self._values_of(plan.values, scope))
        new_own = bucket_loads(self.problem, values)
        trial = dict(loads)
        for key in set(own) | set(new_own):
            trial[key] = trial.get(key, Load()) - own.get(key, Load()) + new_own.get(key, Load())
        if check and self._over({key: trial[key] for key in new_own}, trial):
            return
        loads.update(trial)
        for index in self._values_of(plan.values, scope):
            plan.values[index] = values.get(index, {})
        for name in scope:
            plan.objective[name] = objective if len(scope) == 1 else self._evaluate(name, values)
            plan.optimal[name] = plan.optimal[name] and status == cp_model.OPTIMAL
        plan.repaired.extend(sorted(scope))

    def _values_of(self, values: dict[int, dict[int, int]], scope: frozenset[str]) -> dict[int, dict[int, int]]:
        return {index: values.get(index, {}) for name in sorted(scope) for index in self.tasks_of[name]}

    def _joint(self, plan: WeekPlan) -> WeekPlan:
        """The whole school in one model, hinted by the current plan: the fallback of the repair."""
        everyone = frozenset(self.classes)
        status, _, _, values = self._solve(everyone, {}, plan.values, self.settings.budget)
        if status == cp_model.INFEASIBLE:
            return WeekPlan("infeasible", infeasible_scope=everyone)
        if status not in _SOLVED:
            return WeekPlan("unknown")
        plan.values = values
        for name in self.classes:
            plan.objective[name] = self._evaluate(name, values)
            plan.optimal[name] = plan.optimal[name] and status == cp_model.OPTIMAL
        plan.repaired = list(self.classes)
        return self._status(plan)

    def _evaluate(self, name: str, values: dict[int, dict[int, int]]) -> int:
        """A class's share of the objective under given counts (its model with the counts fixed)."""
        model = self._model(frozenset([name]), {})
        for index, buckets in model.counts.items():
            for bucket, var in buckets.items():
                model.model.Add(var == values.get(index, {}).get(bucket, 0))
        status, objective, _, _ = self._run(model, None)
        return objective if status in _SOLVED else 0

    @staticmethod
    def _status(plan: WeekPlan) -> WeekPlan:
        proven = all(plan.optimal.values()) and plan.total == sum(plan.bound.values())
        plan.status = "optimal" if proven else "feasible"
        return plan

    def _solve(
        self, scope: frozenset[str], reserved: dict[tuple[str, int], Load],
        hint: dict[int, dict[int, int]] | None, budget: float | None = None,
    ) -> tuple[int, int, int, dict[int, dict[int, int]]]:
        return self._run(self._model(scope, reserved), hint, budget)

    def _model(self, scope: frozenset[str], reserved: dict[tuple[str, int], Load]) -> WeekModel:
        return WeekModel(self.problem, self.occupancy, scope, reserved=reserved, class_caps=self.caps)

    def _run(
        self, model: WeekModel, hint: dict[int, dict[int, int]] | None, budget: float | None = None
    ) -> tuple[int, int, int, dict[int, dict[int, int]]]:
        if hint:
            model.hint(hint)
        solver = cp_model.CpSolver()
        self.settings.configure(solver, budget or self.class_budget)
        status = solver.Solve(model.model)
        with self.lock:
            self.spent_ms += round(1000 * solver.deterministic_time)
        if status not in _SOLVED:
            return status, 0, 0, {}
        return status, round(solver.ObjectiveValue()), round(solver.BestObjectiveBound()), model.values(solver)

    def _worst(self, plan: WeekPlan, loads: dict[tuple[str, int], Load]) -> str | None:
        """The class with the most sessions where a shared staff member or venue is over capacity."""
        over = self._over(loads)
        if not over:
            return None
        share: dict[str, int] = defaultdict(int)
        for index, buckets in plan.values.items():
            task = self.problem.tasks[index]
            for bucket, count in buckets.items():
                for owner in (f"s:{task.staff}", f"v:{task.venue}"):
                    if (owner, bucket) in over or (owner, -1 - self.bucket_week[bucket]) in over:
                        share[task.class_name] += count * task.hours
        return min(share, key=lambda name: (-share[name], name))

    def _over(
        self, loads: dict[tuple[str, int], Load], weekly: dict[tuple[str, int], Load] | None = None
    ) -> set[tuple[str, int]]:
        """(resource, bucket) pairs of `loads` over their slots, and (resource, -1 - week) over a
        weekly hour limit (summed over `weekly`, default `loads`)."""
        over = set()
        for (owner, bucket), load in loads.items():
            if owner.startswith("c:"):
                continue
            free = self._free(owner, bucket, self.bucket_days[bucket])
            if load.day_hours > free.day_hours or load.long > free.long or load.evenings > free.evenings:
                over.add((owner, bucket))
        hours: dict[tuple[str, int], int] = defaultdict(int)
        weeks = {(owner, self.bucket_week[bucket]) for owner, bucket in loads}
        for (owner, bucket), load in (weekly or loads).items():
            if (owner, self.bucket_week[bucket]) in weeks:
                hours[(owner, self.bucket_week[bucket])] += load.hours
        for (owner, week), total in hours.items():
            if owner.startswith("s:") and total > self._free(owner, -1 - week, self.week_days[week]).hours:
                over.add((owner, -1 - week))
        return over

    def _free(self, owner: str, key: int, days: list[int]) -> Load:
        if (owner, key) not in self.free:
            self.free[(owner, key)] = self.occupancy.free(owner, days)
        return self.free[(owner, key)]


def _signature(model: WeekModel) -> str:
    """A hash of the model without its names: equal for classes that are the same problem."""
    proto = model.model.Clone().Proto()
    for variable in proto.variables:
        variable.clear_name()
    for constraint in proto.constraints:
        constraint.clear_name()
    return hashlib.sha256(str(proto).encode()).hexdigest()
