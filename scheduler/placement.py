"""One session of a school timetable, the same record from the solver to the web page and the feeds.

The solver creates it (up to ~15 000 per solve at 120 classes, so it is a
slotted frozen dataclass filled once, with both the slot index the model
reasons in and the local start and end times users see); the store keeps it
as a `StoredPlacement` row, converted by field name exactly once each way.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, time
from typing import Any

from sqlalchemy import Row

from scheduler.tables import StoredPlacement


@dataclass(frozen=True, kw_only=True, slots=True)
class SessionInfo:
    """What a session is and who leads it where: the same for a task still to place and each placement of it."""

    class_name: str
    activity: str
    title: str
    direction: str
    kind: str
    series: str | None
    hours: int
    staff: str
    venue: str | None


@dataclass(frozen=True, kw_only=True, slots=True)
class Placement(SessionInfo):
    """A session at a date and slot: a fixed input (weekly course, kept past) or a solver output.

    `slot` indexes the profile's day slots (`len(slots)` is the evening slot);
    `start` and `end` are the local times of that slot for `hours` slots.
    """

    uid: str
    task: str
    day: date
    slot: int
    start: time
    end: time
    item_ref: str | None
    item_id: int | None
    pinned: bool = False  # pinned or moved by hand: every later solve keeps it where it is

    @property
    def where(self) -> tuple[Any, ...]:
        """What a re-plan compares to call a session moved."""
        return (self.day, self.start, self.end, self.staff, self.venue)

    @classmethod
    def of(cls, row: StoredPlacement | Row[Any]) -> Placement:
        """The stored row (or its plain columns, which the feeds read for speed) as a placement; the table
        keeps times as "HH:MM"."""
        return cls(**{name: getattr(row, name) for name in _SHARED},
                   start=time.fromisoformat(row.start_time), end=time.fromisoformat(row.end_time))

    def stored(self, timetable_id: int) -> StoredPlacement:
        """The row that stores this placement in timetable `timetable_id`."""
        return StoredPlacement(timetable_id=timetable_id, **{name: getattr(self, name) for name in _SHARED},
                               start_time=f"{self.start:%H:%M}", end_time=f"{self.end:%H:%M}")

    def to_json(self) -> dict[str, Any]:
        return {
            "uid": self.uid, "class": self.class_name, "activity": self.activity, "title": self.title,
            "direction": self.direction, "kind": self.kind, "series": self.series, "date": self.day.isoformat(),
            "start": f"{self.start:%H:%M}", "end": f"{self.end:%H:%M}", "hours": self.hours, "staff": self.staff,
            "venue": self.venue, "item": self.item_ref, "pinned": self.pinned,
        }


# The fields the record and the table share by name; only the times change form.
_SHARED = tuple(field.name for field in fields(Placement) if field.name not in ("start", "end"))
