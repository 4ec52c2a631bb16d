"""Reading stored roadmaps back: items with their executors, executors with their item counts."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, select

from calendars.errors import ProfplanError
from roadmaps.tables import Executor, Item, ItemExecutor, Roadmap


@dataclass(frozen=True)
class ItemRow:
    """One item as `profplan items` shows it."""

    id: int
    roadmap: str
    ordinal: int
    number: str | None
    section: str | None
    title: str
    deadline_text: str
    kind: str
    start: date | None
    end: date | None
    needs_review: bool
    executors: tuple[str, ...]
    result: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "roadmap": self.roadmap,
            "ordinal": self.ordinal,
            "number": self.number,
            "section": self.section,
            "title": self.title,
            "deadline_text": self.deadline_text,
            "kind": self.kind,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "needs_review": self.needs_review,
            "executors": list(self.executors),
            "result": self.result,
        }


@dataclass(frozen=True)
class ExecutorRow:
    """One executor with how many items (and of which roadmaps) it answers for."""

    name: str
    key: str
    items: int
    roadmaps: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "key": self.key, "items": self.items, "roadmaps": list(self.roadmaps)}


def find_roadmap(session: Session, key: str) -> Roadmap:
    """The roadmap with this key, or a Russian error listing the stored ones."""
    roadmap = session.exec(select(Roadmap).where(Roadmap.key == key)).first()
    if roadmap is None:
        known = ", ".join(r.key for r in session.exec(select(Roadmap).order_by(Roadmap.key))) or "нет ни одной"
        raise ProfplanError(f"Дорожная карта «{key}» не найдена. Загруженные: {known}.")
    return roadmap


def executors_by_item(session: Session, item_ids: list[int] | None = None) -> dict[int, list[Executor]]:
    """Each item's executors in document order (all items when no ids are given)."""
    query = select(ItemExecutor, Executor).join(Executor).order_by(ItemExecutor.item_id, ItemExecutor.position)
    if item_ids is not None:
        query = query.where(ItemExecutor.item_id.in_(item_ids))  # type: ignore[attr-defined]
    result: dict[int, list[Executor]] = defaultdict(list)
    for link, executor in session.exec(query):
        result[link.item_id].append(executor)
    return result


def list_items(session: Session, roadmap: str | None = None, executor: str | None = None) -> list[ItemRow]:
    """Items in document order, optionally of one roadmap and/or one executor (a part of its name)."""
    query = select(Item, Roadmap).join(Roadmap).order_by(Roadmap.key, Item.ordinal)
    if roadmap:
        query = query.where(Item.roadmap_id == find_roadmap(session, roadmap).id)
    pairs = session.exec(query).all()
    names = executors_by_item(session, [item.id for item, _ in pairs if item.id is not None])
    needle = executor.casefold() if executor else None
    rows = []
    for item, owner in pairs:
        assert item.id is not None
        executors = tuple(e.name for e in names.get(item.id, []))
        if needle and not any(needle in name.casefold() for name in executors):
            continue
        rows.append(
            ItemRow(
                id=item.id,
                roadmap=owner.key,
                ordinal=item.ordinal,
                number=item.number,
                section=item.section,
                title=item.title,
                deadline_text=item.deadline_text,
                kind=item.kind,
                start=item.span_start,
                end=item.span_end,
                needs_review=item.needs_review,
                executors=executors,
                result=item.result_text,
            )
        )
    return rows


def list_executors(session: Session) -> list[ExecutorRow]:
    """Every executor with its item count, busiest first."""
    query = (
        select(Executor, Roadmap.key)
        .join(ItemExecutor, ItemExecutor.executor_id == Executor.id)  # type: ignore[arg-type]
        .join(Item, Item.id == ItemExecutor.item_id)  # type: ignore[arg-type]
        .join(Roadmap, Roadmap.id == Item.roadmap_id)  # type: ignore[arg-type]
    )
    counts: dict[int, int] = defaultdict(int)
    roadmaps: dict[int, set[str]] = defaultdict(set)
    executors: dict[int, Executor] = {}
    for executor, key in session.exec(query):
        assert executor.id is not None
        executors[executor.id] = executor
        counts[executor.id] += 1
        roadmaps[executor.id].add(key)
    rows = [ExecutorRow(e.name, e.key, counts[i], tuple(sorted(roadmaps[i]))) for i, e in executors.items()]
    return sorted(rows, key=lambda row: (-row.items, row.name.casefold()))
