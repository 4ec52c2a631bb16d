"""Compliance: per class, hours planned in each direction and in total against what the norms require.

Computed from placements alone (stored or fresh) and the requirement table
saved with the timetable, so `profplan compliance` answers without solving.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from scheduler.norms import Norms
from scheduler.problem import TOTAL


class Counted(Protocol):
    """What compliance needs of a placement."""

    @property
    def class_name(self) -> str: ...

    @property
    def direction(self) -> str: ...

    @property
    def hours(self) -> int: ...


@dataclass(frozen=True)
class ComplianceRow:
    class_name: str
    direction: str
    title: str
    planned: int
    required: int

    @property
    def met(self) -> bool:
        return self.planned >= self.required

    def to_json(self) -> dict[str, Any]:
        return {"class": self.class_name, "direction": self.direction, "title": self.title,
                "planned": self.planned, "required": self.required, "met": self.met}


def compliance(
    required: Mapping[tuple[str, str], int], placements: Iterable[Counted], norms: Norms
) -> list[ComplianceRow]:
    """One row per (class, direction) and one per class for the level's total, in the norms' order."""
    planned: dict[tuple[str, str], int] = defaultdict(int)
    for placement in placements:
        planned[(placement.class_name, placement.direction)] += placement.hours
        planned[(placement.class_name, TOTAL)] += placement.hours
    titles = {key: direction.title for key, direction in norms.directions.items()} | {TOTAL: "всего"}
    order = list(titles)
    classes = list(dict.fromkeys(name for name, _ in required))
    return [
        ComplianceRow(name, direction, titles[direction], planned[(name, direction)], required[(name, direction)])
        for name in classes
        for direction in order
        if (name, direction) in required
    ]


def required_json(required: Mapping[tuple[str, str], int]) -> dict[str, dict[str, int]]:
    """The requirement table as stored with a timetable: {class: {direction: hours}}."""
    table: dict[str, dict[str, int]] = defaultdict(dict)
    for (name, direction), hours in required.items():
        table[name][direction] = hours
    return dict(table)


def required_from_json(table: Mapping[str, Mapping[str, int]]) -> dict[tuple[str, str], int]:
    return {(name, direction): hours for name, row in table.items() for direction, hours in row.items()}
