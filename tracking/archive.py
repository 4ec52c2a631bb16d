"""The tracking history of a roadmap about to be removed, as a record for the roadmap archive.

`profplan roadmap remove` deletes the roadmap and, by cascade, its deadline
occurrences with their status history; a committee's marks (done, reopened,
cancelled, planned — who, when, with what evidence) must survive that. This
hook gives `roadmaps.removal` everything tracking holds about the roadmap:
each occurrence that has any history, with all its events, the roadmap's
tracking settings (start, check-in frequency), the indicators with their
recorded values, and the items' own check-in frequencies.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from roadmaps.tables import Item, Roadmap
from tracking.tables import DeadlineOccurrence, Indicator, IndicatorTarget, IndicatorValue, ItemCheckins, OccurrenceEvent, RoadmapTracking


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
    tracking = session.get(RoadmapTracking, roadmap.id)
    item_ids = [item.id for item in session.exec(select(Item).where(Item.roadmap_id == roadmap.id))]
    own_checkins = session.exec(select(ItemCheckins, Item).join(Item, col(Item.id) == col(ItemCheckins.item_id))
                                .where(col(ItemCheckins.item_id).in_(item_ids))).all()
    return {
        "layer": "tracking",
        "marks": sum(len(entry["events"]) for entry in archived),
        "occurrences": archived,
        "tracking": tracking.model_dump(mode="json", exclude={"roadmap_id"}) if tracking else None,
        "item_checkins": [{"ordinal": item.ordinal, "every": str(rule.every)} for rule, item in own_checkins],
        "indicators": _indicators(session, roadmap),
    }


def _indicators(session: Session, roadmap: Roadmap) -> list[dict[str, Any]]:
    """Each indicator with its targets and the actual values the committee recorded."""
    found = []
    for indicator in session.exec(select(Indicator).where(Indicator.roadmap_id == roadmap.id).order_by(col(Indicator.id))):
        found.append({
            **indicator.model_dump(mode="json", exclude={"id", "roadmap_id"}),
            "targets": [row.model_dump(mode="json", exclude={"id", "indicator_id"}) for row in
                        session.exec(select(IndicatorTarget).where(IndicatorTarget.indicator_id == indicator.id))],
            "values": [row.model_dump(mode="json", exclude={"id", "indicator_id"}) for row in
                       session.exec(select(IndicatorValue).where(IndicatorValue.indicator_id == indicator.id))],
        })
    return found
