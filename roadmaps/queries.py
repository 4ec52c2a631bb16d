"""Reading stored roadmaps back: items with their executors, executors with their item counts."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from calendars.errors import ProfplanError
from calendars.suggest import did_you_mean
from roadmaps.tables import Executor, Item, ItemExecutor, RemovedRoadmap, Roadmap


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
    participants: tuple[str, ...] = ()
    grades: tuple[int, ...] | None = None

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
            "participants": list(self.participants),
            "grades": list(self.grades) if self.grades is not None else None,
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


@dataclass(frozen=True)
class RoadmapRow:
    """One stored roadmap as `profplan roadmap list` shows it."""

    key: str
    title: str | None
    source_name: str
    region: str | None
    school_year: str | None
    items: int
    needs_review: int
    imported_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key, "title": self.title, "source": self.source_name, "region": self.region,
            "school_year": self.school_year, "items": self.items, "needs_review": self.needs_review,
            "imported_at": self.imported_at.isoformat(),
        }  # fmt: skip


@dataclass(frozen=True)
class RemovedRow:
    """A removed roadmap kept in the archive."""

    id: int
    key: str
    title: str | None
    items: int
    marks: int
    removed_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "key": self.key, "title": self.title, "items": self.items, "marks": self.marks,
                "removed_at": self.removed_at.isoformat()}


def list_roadmaps(session: Session) -> list[RoadmapRow]:
    """Every stored roadmap with its item and review counts, by key."""
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for roadmap_id, review in session.exec(select(Item.roadmap_id, Item.needs_review)):
        counts[roadmap_id][0] += 1
        counts[roadmap_id][1] += bool(review)
    return [
        RoadmapRow(r.key, r.title, r.source_name, r.region, r.school_year, counts[r.id or 0][0], counts[r.id or 0][1], r.imported_at)
        for r in session.exec(select(Roadmap).order_by(col(Roadmap.key)))
    ]


def list_removed(session: Session) -> list[RemovedRow]:
    """The archive of removed roadmaps, most recent first."""
    query = select(RemovedRoadmap).order_by(col(RemovedRoadmap.removed_at).desc())
    return [RemovedRow(r.id or 0, r.key, r.title, r.items, r.marks, r.removed_at) for r in session.exec(query)]


def find_roadmap(session: Session, key: str) -> Roadmap:
    """The roadmap with this key, or a Russian error with the nearest stored keys."""
    roadmap = session.exec(select(Roadmap).where(Roadmap.key == key)).first()
    if roadmap is None:
        keys = list(session.exec(select(Roadmap.key).order_by(col(Roadmap.key))).all())
        if not keys:
            raise ProfplanError(f"Дорожная карта «{key}» не найдена: загруженных дорожных карт нет.")
        hint = did_you_mean(key, keys) or f" Загруженные: {', '.join(keys[:10])}{' …' if len(keys) > 10 else ''}."
        raise ProfplanError(f"Дорожная карта «{key}» не найдена.{hint}")
    return roadmap


def executors_by_item(session: Session, item_ids: list[int] | None = None) -> dict[int, list[Executor]]:
    """Each item's executors in document order (all items when no ids are given)."""
    query = select(ItemExecutor, Executor).join(Executor).order_by(col(ItemExecutor.item_id), col(ItemExecutor.position))
    if item_ids is not None:
        query = query.where(ItemExecutor.item_id.in_(item_ids))  # type: ignore[attr-defined]
    result: dict[int, list[Executor]] = defaultdict(list)
    for link, executor in session.exec(query):
        result[link.item_id].append(executor)
    return result


def list_items(session: Session, roadmap: str | None = None, executor: str | None = None) -> list[ItemRow]:
    """Items in document order, optionally of one roadmap and/or one executor (a part of its name)."""
    query = select(Item, Roadmap).join(Roadmap).order_by(col(Roadmap.key), col(Item.ordinal))
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
                participants=tuple(item.participants),
                grades=tuple(item.grades) if item.grades is not None else None,
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
