"""The soft goals by name: what each penalty term counts, its Russian name, and per-class sums.

As in OR-Tools' shift_scheduling_sat.py, every soft rule adds named penalty
variables with a cost, so after solving each class's penalty splits into
its terms and the objective explains itself («штраф» in the CLI). The
weights are in the norms file's [soft] section.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any


class Penalty(StrEnum):
    """A soft goal of the timetable (one term of the objective)."""

    SPREAD_WEEK = "spread_week"  # hours above the class's even share of a week
    SPREAD_MONTH = "spread_month"  # … of a month
    QUARTER_END = "quarter_end"  # hours in a quarter's (term's) last week
    EXAM = "exam"  # hours in the exam grades' preparation weeks
    STAFF_BALANCE = "staff_balance"  # a staff member's hours for the class above their even weekly share
    ELECTIVE = "elective"  # every elective hour
    STACKING = "stacking"  # sessions beyond one per class and day
    CHANGE = "change"  # on re-plan, each session that leaves its week part, day or slot


PENALTY_NAMES = {
    Penalty.SPREAD_WEEK: "неравномерность по неделям",
    Penalty.SPREAD_MONTH: "неравномерность по месяцам",
    Penalty.QUARTER_END: "конец четверти",
    Penalty.EXAM: "недели подготовки к экзаменам",
    Penalty.STAFF_BALANCE: "нагрузка педагогов",
    Penalty.ELECTIVE: "часы по выбору",
    Penalty.STACKING: "несколько занятий в день",
    Penalty.CHANGE: "переносы при перепланировании",
}

# class → penalty → its part of the objective
Terms = dict[str, dict[str, int]]


def add_terms(total: Terms, more: Mapping[str, Mapping[str, int]]) -> None:
    """Add per-class penalty values into `total` (zeros left out)."""
    for name, terms in more.items():
        for term, value in terms.items():
            if value:
                total.setdefault(name, {})
                total[name][term] = total[name].get(term, 0) + value


def summed(terms: Mapping[str, Mapping[str, int]]) -> dict[str, int]:
    """The school's penalty per term."""
    result: dict[str, int] = {}
    for by_term in terms.values():
        for term, value in by_term.items():
            result[term] = result.get(term, 0) + value
    return result


def described(terms: Mapping[str, int], order: Iterable[Penalty] = Penalty) -> str:
    """«неравномерность по неделям 12, конец четверти 3» (or «нет»)."""
    parts = [f"{PENALTY_NAMES[term]} {terms[term]}" for term in order if terms.get(term)]
    return ", ".join(parts) or "нет"


STATUS_NAMES = {"optimal": "оптимально", "feasible": "допустимо", "infeasible": "невыполнимо", "unknown": "решение не найдено"}


def quality_line(data: Mapping[str, Any]) -> str:
    """The status in plain words: the penalty (штраф) of the timetable and how far it can be from the best
    (from a result's or a stored timetable's JSON; the CLI and the web say it alike)."""
    status = data["status"]
    if data["objective"] is None:
        return f"Статус: {STATUS_NAMES.get(status, status)}."
    if data["bound"] is None:
        return (f"Статус: допустимо: перепланированы только занятия закрытых дней и замены, штраф этой части "
                f"{data['objective']} (нижняя граница для всего года не считалась).")
    penalty = f"штраф {data['objective']}, нижняя граница штрафа для школы {data['bound']}"
    if status == "optimal":
        return f"Статус: оптимально ({penalty}: лучше расписания нет)."
    return f"Статус: допустимо, не хуже границы на {100 * (data['gap'] or 0):.1f} % ({penalty})."
