"""Why a timetable is impossible, in the coordinator's terms: which requirements, which limits, what to change.

The stage-1 model is rebuilt with every hard rule behind its own assumption
literal (per class and direction, per class and quarter, per staff member,
venue, class limit, activity window and order). CP-SAT's sufficient
assumptions give a conflicting subset; deleting one rule at a time while
the rest stays infeasible shrinks it to a minimal one. For each requirement
in it a last solve with the requirement dropped finds how many hours the
limits allow, so the message says how many are short.

`sufficient_assumptions_for_infeasibility` is not reliable with parallel
search, so every solve here runs on one worker (still seeded).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from scheduler.capacity import Shortage
from scheduler.model import Occupancy, WeekModel
from scheduler.problem import Problem, Rule, RuleKind
from scheduler.settings import SolverSettings

CHECK_BUDGET = 2.0


@dataclass(frozen=True)
class Gap:
    """A requirement that cannot be met: how much is required and how much the limits allow."""

    rule: Rule
    text: str
    required: int
    achievable: int | None

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule.kind, "class": self.rule.subject, "detail": self.rule.detail, "text": self.text,
            "required": self.required, "achievable": self.achievable,
            "short": None if self.achievable is None else self.required - self.achievable,
        }


@dataclass(frozen=True)
class Blocker:
    """A limit that takes part in the conflict, and what would lift it."""

    rule: Rule
    text: str
    fix: str

    def to_json(self) -> dict[str, Any]:
        return {"rule": self.rule.kind, "subject": self.rule.subject, "detail": self.rule.detail,
                "text": self.text, "fix": self.fix}


@dataclass
class Explanation:
    """Why there is no timetable: shortages found before search (capacity.py), or a minimal conflict."""

    gaps: list[Gap] = field(default_factory=list)
    blockers: list[Blocker] = field(default_factory=list)
    shortages: list[Shortage] = field(default_factory=list)

    @property
    def text(self) -> str:
        if self.shortages:
            return "\n".join(["Расписание невозможно: не хватает часов (проверено до поиска)."]
                             + [f"– {shortage.text}; {shortage.fix.rstrip('.')}." for shortage in self.shortages])
        lines = ["Расписание невозможно: эти требования не выполняются вместе."]
        lines += [f"– {gap.text}" for gap in self.gaps]
        if self.blockers:
            lines.append("Мешают ограничения:")
            lines += [f"– {blocker.text}" for blocker in self.blockers]
            lines.append("Что исправить (достаточно одного):")
            lines += [f"– {blocker.fix}" for blocker in self.blockers]
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "requirements": [g.to_json() for g in self.gaps],
                "limits": [b.to_json() for b in self.blockers], "capacity": [s.to_json() for s in self.shortages]}


def explain(problem: Problem, scope: Iterable[str], settings: SolverSettings) -> Explanation:
    """A minimal set of conflicting rules among the classes of `scope` (an infeasible part), in Russian."""
    if problem.issues:
        return Explanation(blockers=[_blocker(problem, rule, text) for rule, text in problem.issues])
    model = WeekModel(problem, Occupancy(problem), scope, explain=True)
    rules = sorted(model.literals)
    core = _core(model, rules, settings)
    if core is None:
        return Explanation(blockers=[Blocker(
            Rule(RuleKind.UNKNOWN, ""), f"не успел найти причину за {settings.time_limit:g} с", "увеличьте --time-limit",
        )])
    core = _minimise(model, core, settings)
    gaps = [_gap(problem, model, rule, core, settings) for rule in core if rule.is_requirement]
    return Explanation(gaps=gaps, blockers=[_blocker(problem, rule) for rule in core if not rule.is_requirement])


def _solver(settings: SolverSettings, budget: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    settings.configure(solver, budget)
    return solver


def _core(model: WeekModel, rules: list[Rule], settings: SolverSettings) -> list[Rule] | None:
    model.model.clear_assumptions()
    model.model.add_assumptions([model.literals[rule] for rule in rules])
    solver = _solver(settings, max(CHECK_BUDGET, settings.budget))
    if solver.solve(model.model) != cp_model.INFEASIBLE:
        return None
    by_index = {model.literals[rule].index: rule for rule in rules}
    return sorted(by_index[index] for index in solver.sufficient_assumptions_for_infeasibility())


def _infeasible(model: WeekModel, rules: list[Rule], settings: SolverSettings) -> bool:
    model.model.clear_assumptions()
    model.model.add_assumptions([model.literals[rule] for rule in rules])
    return _solver(settings, CHECK_BUDGET).solve(model.model) == cp_model.INFEASIBLE


def _minimise(model: WeekModel, core: list[Rule], settings: SolverSettings) -> list[Rule]:
    """Drop each rule whose removal leaves the rest infeasible: what remains is minimal."""
    kept = list(core)
    for rule in core:
        if settings.out_of_time:  # a conflict, if not a minimal one
            break
        trial = [other for other in kept if other != rule]
        if trial and _infeasible(model, trial, settings):
            kept = trial
    return kept


def _gap(problem: Problem, model: WeekModel, rule: Rule, core: list[Rule], settings: SolverSettings) -> Gap:
    """How much of a requirement the other rules of the conflict allow: its named sessions, then its minimum."""
    model.model.clear_assumptions()
    model.model.add_assumptions([model.literals[other] for other in core if other != rule])
    required, achievable = 0, None
    for expression, required in model.measures.get(rule, []):
        if settings.out_of_time:
            break
        model.model.maximize(expression)
        solver = _solver(settings, CHECK_BUDGET)
        status = solver.solve(model.model)
        achievable = round(solver.objective_value) if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None
        if achievable is None or achievable < required:
            break
    model.model.clear_objective()
    return Gap(rule, _requirement_text(problem, rule, required, achievable), required, achievable)


def _requirement_text(problem: Problem, rule: Rule, required: int, achievable: int | None) -> str:
    short = "" if achievable is None else f", можно не больше {achievable}, не хватает {required - achievable}"
    if rule.kind is RuleKind.DIRECTION:
        title = problem.norms.directions[rule.detail].title
        return f"{rule.subject}: направление «{title}» — нужно {required} ч{short} ч"
    if rule.kind is RuleKind.TOTAL:
        level = problem.norms.level_titles[problem.classes[rule.subject].school_class.level]
        return f"{rule.subject}: всего за период по уровню «{level}» — нужно {required} ч{short} ч"
    if rule.kind is RuleKind.TERM:
        return f"{rule.subject}: родительское собрание в периоде «{rule.detail}» не помещается"
    return f"{rule.subject}: замены пропущенных занятий курса «Россия – мои горизонты» — нужно {required}{short}"


def _blocker(problem: Problem, rule: Rule, text: str | None = None) -> Blocker:
    """The limit in words and the change that lifts it."""
    kind, subject = rule.kind, rule.subject
    if kind is RuleKind.STAFF:
        person = problem.profile.staff_member(subject)
        return Blocker(rule, f"«{subject}» ведёт не больше {person.max_hours_per_week} ч в неделю",
                       f"увеличьте max_hours_per_week у «{subject}» или добавьте сотрудника с той же ролью "
                       f"({', '.join(person.roles)})")
    if kind is RuleKind.VENUE:
        return Blocker(rule, f"площадка «{subject}» вмещает одно занятие в слот",
                       "добавьте площадку того же вида (venues) или слоты")
    if kind in (RuleKind.CLASS_WEEK, RuleKind.CLASS_DAY):
        cls = problem.classes[subject].school_class
        field_name, value, unit = (
            ("max_hours_per_week", cls.max_hours_per_week, "неделю") if kind is RuleKind.CLASS_WEEK
            else ("max_hours_per_day", cls.max_hours_per_day, "день")
        )
        return Blocker(rule, f"{subject}: не больше {value} ч профминимума в {unit} (кроме курса по четвергам)",
                       f"увеличьте {field_name} класса {subject}")
    if kind is RuleKind.SLOTS:
        return Blocker(rule, f"{subject}: свободные слоты после уроков в учебные дни периода",
                       "добавьте слоты ([[slots]]), расширьте период или уберите закрытия")
    if kind is RuleKind.WINDOW:
        title = problem.norms.activity(subject).title
        return Blocker(rule, f"окно «{title}»: {rule.detail}",
                       f"расширьте окно «{title}» (windows в файле нормативов) или срок пункта дорожной карты")
    if kind is RuleKind.ORDER:
        later, earlier = problem.norms.activity(subject).title, problem.norms.activity(rule.detail).title
        return Blocker(rule, f"«{later}» проводится в неделю после «{earlier}»",
                       f"начните «{earlier}» раньше или продлите окно «{later}»")
    if kind is RuleKind.STAFF_ROLE:
        return Blocker(rule, text or "", f"добавьте сотрудника с ролью «{subject}» (staff.roles)")
    if kind is RuleKind.VENUE_KIND:
        return Blocker(rule, text or "", f"добавьте площадку вида «{subject}» нужной вместимости (venues)")
    return Blocker(rule, text or kind, "проверьте профиль школы")
