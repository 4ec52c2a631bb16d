"""What a re-plan changed: placements moved, added or removed, matched by their stable uid.

The solver keeps the uid of every session that keeps its place and hands
the old uids of a task to its moved sessions (scheduler.solve), so comparing
two timetables is a comparison of uid sets and of each common uid's slot.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from scheduler.problem import Placed


class Slotted(Protocol):
    """What a change list needs of a placement."""

    @property
    def uid(self) -> str: ...

    def to_json(self) -> dict[str, Any]: ...

    @property
    def where(self) -> tuple[Any, ...]: ...


@dataclass(frozen=True)
class Change:
    """One difference between the previous and the new timetable."""

    kind: str  # moved | added | removed
    uid: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "uid": self.uid, "before": self.before, "after": self.after}


def changes(before: Iterable[Slotted], after: Iterable[Slotted]) -> list[Change]:
    """Moved (same uid, other date, time, staff or venue), added and removed placements, sorted by uid."""
    old = {placement.uid: placement for placement in before}
    new = {placement.uid: placement for placement in after}
    result = []
    for uid in sorted(old.keys() | new.keys()):
        if uid not in new:
            result.append(Change("removed", uid, old[uid].to_json(), None))
        elif uid not in old:
            result.append(Change("added", uid, None, new[uid].to_json()))
        elif old[uid].where != new[uid].where:
            result.append(Change("moved", uid, old[uid].to_json(), new[uid].to_json()))
    return result


def as_placed(rows: Iterable[Any]) -> list[Placed]:
    """Stored placement rows as the solver's `Placed`, for a re-plan's previous timetable."""
    return [
        Placed(uid=row.uid, task=row.task, class_name=row.class_name, activity=row.activity, title=row.title,
               direction=row.direction, kind=row.kind, series=row.series, day=row.day, slot=row.slot,
               hours=row.hours, staff=row.staff, venue=row.venue, item_ref=row.item_ref, item_id=row.item_id,
               pinned=row.pinned)
        for row in rows
    ]
