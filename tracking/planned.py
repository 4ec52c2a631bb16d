"""What the schools' current timetables plan for roadmap items: "planned by school X on 12.10.2023".

The solver ties a school's sessions to the roadmap item they serve (the
norms' `item_pattern`); a placement serves an occurrence of that item when
its day falls in the occurrence's window (from its start, when it has one,
to its due date). Reports show it next to the occurrence; it never counts as
done (see `tracking.state`). Read at report time from the current timetables
(tracking reads `scheduler.tables`, the scheduler never reads tracking), so a
re-plan shows on the next report with nothing to keep in step.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session, col, select

from scheduler.tables import School, StoredPlacement, Timetable
from tracking.wording import fmt_date

_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class PlannedBy:
    """One school's sessions inside an occurrence's window: the first day and how many."""

    school_id: str
    school: str
    first_day: date
    sessions: int

    def to_json(self) -> dict[str, Any]:
        return {"school_id": self.school_id, "school": self.school, "first_day": self.first_day.isoformat(),
                "sessions": self.sessions}

    def render(self) -> str:
        return f"{self.school_id} {fmt_date(self.first_day)}" + (f" (занятий: {self.sessions})" if self.sessions > 1 else "")


def describe(planned: Iterable[PlannedBy]) -> str:
    """Russian, for a report cell: "запланировано: demo-kudrovo 12.10.2023", "" when nothing is."""
    parts = [entry.render() for entry in planned]
    return "запланировано: " + "; ".join(parts) if parts else ""


class Coverage:
    """The session days of the current timetables per item and school, to look occurrences up in."""

    def __init__(self, rows: Iterable[tuple[int, str, str, date]]) -> None:
        days: dict[int, dict[tuple[str, str], list[date]]] = defaultdict(lambda: defaultdict(list))
        for item_id, school_id, school, day in rows:
            days[item_id][(school_id, school)].append(day)
        self._days = {item: {school: sorted(found) for school, found in schools.items()} for item, schools in days.items()}

    @property
    def items(self) -> frozenset[int]:
        return frozenset(self._days)

    def of(self, item_id: int, start: date | None, due: date) -> list[PlannedBy]:
        """Each school's sessions of the item from `start` (or any earlier day, when None) up to `due`."""
        result = []
        for (school_id, school), found in sorted(self._days.get(item_id, {}).items()):
            first = bisect_left(found, start) if start else 0
            last = bisect_left(found, due + _ONE_DAY)
            if last > first:
                result.append(PlannedBy(school_id, school, found[first], last - first))
        return result


def coverage(session: Session, item_ids: Iterable[int] | None = None) -> Coverage:
    """The placements of every school's current timetable that serve an item (of these items, if given)."""
    query = (
        select(col(StoredPlacement.item_id), col(School.id), col(School.name), col(StoredPlacement.day))
        .join(Timetable, col(Timetable.id) == StoredPlacement.timetable_id)
        .join(School, col(School.id) == Timetable.school_id)
        .where(col(Timetable.current).is_(True), col(StoredPlacement.item_id).is_not(None))
    )
    if item_ids is not None:
        query = query.where(col(StoredPlacement.item_id).in_(sorted(set(item_ids))))
    return Coverage((item_id, school_id, name, day) for item_id, school_id, name, day in session.exec(query)
                    if item_id is not None)

