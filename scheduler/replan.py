"""What a re-plan changed: placements moved, added or removed, matched by their stable uid.

The solver keeps the uid of every session that keeps its place and hands
the old uids of a task to its moved sessions (scheduler.solve), so comparing
two timetables is a comparison of uid sets and of each common uid's slot.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from scheduler.placement import Placement


@dataclass(frozen=True)
class Change:
    """One difference between the previous and the new timetable."""

    kind: str  # moved | added | removed
    uid: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "uid": self.uid, "before": self.before, "after": self.after}


def changes(before: Iterable[Placement], after: Iterable[Placement]) -> list[Change]:
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
