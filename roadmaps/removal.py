"""Removing a roadmap: its rows go, what was recorded about them is archived first.

`profplan roadmap remove KEY` deletes the roadmap, its items and executor
links, and by cascade what other layers derived from them (deadline
occurrences and their history). Lower layers may not know the upper ones,
so the archive is assembled through hooks: each `on_removed` callback is
given the roadmap inside the transaction and returns the JSON-ready record
of what its layer holds (tracking archives its marks that way), stored with
the roadmap's own record in `removed_roadmap`. All of it is one
transaction: the archive is written or nothing is removed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from roadmaps.queries import executors_by_item, find_roadmap
from roadmaps.tables import Item, RemovedRoadmap, Roadmap
from store.db import transaction

Archiver = Callable[[Session, Roadmap], dict[str, Any]]
"""A layer's hook: the JSON-ready record of what it holds about a roadmap about to be removed.

The record may carry "marks": the number of recorded changes it archives, shown in the report."""


@dataclass(frozen=True)
class RemovalReport:
    key: str
    title: str | None
    items: int
    marks: int
    archive_id: int

    def to_json(self) -> dict[str, Any]:
        return {"roadmap": self.key, "title": self.title, "items": self.items, "marks": self.marks, "archive_id": self.archive_id}


def remove_roadmap(engine: Engine, key: str, archivers: Sequence[Archiver] = ()) -> RemovalReport:
    """Archive the roadmap with everything the layers hold about it, then delete it, in one transaction."""
    with transaction(engine) as session:
        roadmap = find_roadmap(session, key)
        assert roadmap.id is not None
        items = session.exec(select(Item).where(Item.roadmap_id == roadmap.id).order_by(col(Item.ordinal))).all()
        names = executors_by_item(session, [item.id for item in items if item.id is not None])
        layers = [archive(session, roadmap) for archive in archivers]
        record = {
            "roadmap": roadmap.model_dump(mode="json"),
            "items": [
                {**item.model_dump(mode="json", exclude={"id", "roadmap_id"}), "executors": [e.name for e in names.get(item.id or 0, [])]}
                for item in items
            ],
            "layers": layers,
        }
        marks = sum(int(layer.get("marks", 0)) for layer in layers)
        archived = RemovedRoadmap(
            key=roadmap.key, title=roadmap.title, source_name=roadmap.source_name, items=len(items), marks=marks,
            record=record, removed_at=datetime.now(UTC),
        )
        session.add(archived)
        session.delete(roadmap)
        session.flush()
        assert archived.id is not None
        return RemovalReport(roadmap.key, roadmap.title, len(items), marks, archived.id)
