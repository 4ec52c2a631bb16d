"""The tracking history of a roadmap about to be removed, as a record for the roadmap archive.

`profplan roadmap remove` deletes the roadmap and, by cascade, its deadline
occurrences with their status history; a committee's marks (done, reopened,
cancelled, planned — who, when, with what evidence) must survive that. This
hook gives `roadmaps.removal` everything tracking holds about the roadmap:
each occurrence that has any history, with all its events, and the
roadmap's check-in rule.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from roadmaps.tables import Item, Roadmap
from tracking.tables import CheckinRule, DeadlineOccurrence, OccurrenceEvent


def archive_marks(session: Session, roadmap: Roadmap) -> dict[str, Any]:
    """{"layer": "tracking", "marks": N, "occurrences": [...], "checkin": …}: JSON-ready, ordered by item and due date."""
    rows = session.exec(
        select(DeadlineOccurrence, Item)
        .join(Item, col(Item.id) == col(DeadlineOccurrence.item_id))
        .where(Item.roadmap_id == roadmap.id)
        .order_by(col(Item.ordinal), col(DeadlineOccurrence.due))
    ).all()
    ids = [occurrence.id for occurrence, _ in rows]
    events: dict[int, list[dict[str, Any]]] = {}
    for event in session.exec(
        select(OccurrenceEvent).where(col(OccurrenceEvent.occurrence_id).in_(ids)).order_by(col(OccurrenceEvent.version))
    ):
        events.setdefault(event.occurrence_id, []).append(event.model_dump(mode="json", exclude={"id", "occurrence_id"}))
    archived = [
        {
            "item": {"ordinal": item.ordinal, "number": item.number, "title": item.title},
            **occurrence.model_dump(mode="json", exclude={"id", "item_id"}),
            "events": events[occurrence.id],
        }
        for occurrence, item in rows
        if occurrence.id in events
    ]
    rule = session.get(CheckinRule, roadmap.id)
    return {
        "layer": "tracking",
        "marks": sum(len(entry["events"]) for entry in archived),
        "occurrences": archived,
        "checkin": rule.every if rule else None,
    }
