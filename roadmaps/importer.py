"""Importing roadmap documents into the store: every row kept, idempotent, one transaction.

A committee re-imports an order when it is amended, so an item is matched to
its stored row by its content's identity: its number (and, for repeated
numbers, by how many times that number came before); an un-numbered row by
its section, parent and title — never by the source line, so the same plan
as .txt and as .docx is "unchanged". A document whose bytes have not changed
is left alone; a changed one updates its items and reports what changed.
All documents of one call are written in a single transaction: a bad file
leaves the store untouched. What is stored is exactly what
`roadmaps.preview` shows.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from calendars.school_year import SchoolYear
from roadmaps.document import RoadmapDocument
from roadmaps.executors import executor_key
from roadmaps.preview import DocumentPreview, PreviewRow, preview_document
from roadmaps.tables import Executor, Item, ItemExecutor, Roadmap
from store.db import transaction
from store.locks import Lock

ROADMAPS_LOCK = Lock("roadmaps", "загрузка дорожных карт")
"""Held by an import while it writes roadmaps, items and executors; schedules read items under its shared form."""

# Item fields compared to tell an updated row from an unchanged one (not the source line: formats differ there).
_COMPARED = (
    "number", "parent_number", "section", "section_path", "title", "deadline_text",
    "executors_text", "result_text", "extra", "kind", "spec", "grades", "participants",
)  # fmt: skip


@dataclass
class ReviewRow:
    """A row whose deadline or cells were not fully understood: imported, but flagged for a person."""

    ordinal: int
    number: str | None
    deadline_text: str
    reason: str | None

    def to_json(self) -> dict[str, Any]:
        return {"ordinal": self.ordinal, "number": self.number, "deadline_text": self.deadline_text, "reason": self.reason}


@dataclass
class DocumentReport:
    """What one document's import did."""

    source: str
    roadmap: str
    title: str | None
    region: str | None
    school_year: str | None
    rows: int
    unchanged: bool = False
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    needs_review: list[ReviewRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    unreadable: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "roadmap": self.roadmap,
            "title": self.title,
            "region": self.region,
            "school_year": self.school_year,
            "rows": self.rows,
            "unchanged": self.unchanged,
            "added": self.added,
            "changed": self.changed,
            "removed": self.removed,
            "needs_review": [row.to_json() for row in self.needs_review],
            "warnings": self.warnings,
            "unreadable": self.unreadable,
        }


def import_documents(
    engine: Engine,
    paths: Sequence[Path],
    region: str | None = None,
    year: str | None = None,
    progress: Callable[[Path], None] | None = None,
    on_stored: Callable[[Session, Roadmap, RoadmapDocument], Any] | None = None,
    force: bool = False,
) -> list[DocumentReport]:
    """Read every document first (so a bad file fails before anything is written), then store them all.

    A document most of whose rows cannot be read is refused (UnreadableDocumentError
    with the counts) unless `force`. `on_stored` runs inside the same
    transaction for every new or changed roadmap, with the document read, so
    what is derived from the items and indicators downstream (deadline
    occurrences, stored indicators) is updated with them or not at all.
    """
    school_year = SchoolYear.parse(year) if year else None
    with transaction(engine, ROADMAPS_LOCK) as session:
        previews = []
        for path in paths:
            preview = preview_document(Path(path), region, school_year, session=session)
            if preview.refused and not force:
                raise preview.refusal()
            previews.append(preview)
            if progress:
                progress(Path(path))
        return [_store(session, preview, on_stored) for preview in previews]


def _store(
    session: Session, preview: DocumentPreview, on_stored: Callable[[Session, Roadmap, RoadmapDocument], Any] | None,
) -> DocumentReport:
    document, path = preview.document, preview.path
    content_hash = hashlib.sha256(path.read_bytes()).hexdigest()
    roadmap = session.exec(select(Roadmap).where(Roadmap.key == preview.key)).first()
    school_year = str(preview.school_year) if preview.school_year else None
    report = DocumentReport(
        source=path.name,
        roadmap=preview.key,
        title=document.title,
        region=preview.region,
        school_year=school_year,
        rows=len(preview.rows),
        warnings=list(document.warnings),
        unreadable=preview.unreadable,
        needs_review=[
            ReviewRow(row.raw.ordinal, row.raw.number, row.raw.deadline_text, "; ".join(row.flags))
            for row in preview.rows
            if row.flags
        ],
    )
    same_context = roadmap is not None and (roadmap.region, roadmap.school_year) == (preview.region, school_year)
    if roadmap is not None and roadmap.content_hash == content_hash and same_context:
        report.unchanged = True
        return report
    if roadmap is None:
        roadmap = Roadmap(key=preview.key, source_name=path.name, content_hash=content_hash, imported_at=_now())
        session.add(roadmap)
    _fill_roadmap(roadmap, preview, content_hash)
    session.flush()
    assert roadmap.id is not None
    _sync_items(session, roadmap.id, preview.rows, report)
    report.unchanged = same_context and not (report.added or report.changed or report.removed)
    if on_stored and not report.unchanged:
        on_stored(session, roadmap, document)
    return report


def _fill_roadmap(roadmap: Roadmap, preview: DocumentPreview, content_hash: str) -> None:
    document = preview.document
    roadmap.source_name = preview.path.name
    roadmap.content_hash = content_hash
    roadmap.title = document.title
    roadmap.issuer = document.issuer
    roadmap.number = document.number
    roadmap.doc_date = document.date
    roadmap.period_text = document.period_text
    roadmap.period_start = document.period_start
    roadmap.period_end = document.period_end
    roadmap.school_year = str(preview.school_year) if preview.school_year else None
    roadmap.region = preview.region
    roadmap.controller = document.controller
    roadmap.warnings = list(document.warnings)
    roadmap.imported_at = _now()


def _identities(items: Iterable[Any]) -> list[tuple[str, int]]:
    """Each row's identity inside its roadmap: its number (or section, parent and title) and the repeat count."""
    seen: Counter[str] = Counter()
    result = []
    for item in items:
        base = item.number or f"{item.section or ''}/{item.parent_number or ''}/{item.title.strip()[:120]}"
        result.append((base, seen[base]))
        seen[base] += 1
    return result


def _label(item: Any) -> str:
    return f"{item.number or '(без номера)'} {item.title.strip()[:60]}"


def _sync_items(session: Session, roadmap_id: int, rows: Sequence[PreviewRow], report: DocumentReport) -> None:
    stored = session.exec(select(Item).where(Item.roadmap_id == roadmap_id).order_by(col(Item.ordinal))).all()
    by_identity = dict(zip(_identities(stored), stored, strict=True))
    # Ordinals are unique per roadmap: move the stored rows out of the way before renumbering.
    for item in stored:
        item.ordinal = -item.ordinal
    session.flush()
    kept = set()
    for identity, row in zip(_identities([row.raw for row in rows]), rows, strict=True):
        fields = row.item_fields()
        existing = by_identity.get(identity)
        if existing is None:
            item = Item(roadmap_id=roadmap_id, **fields)
            session.add(item)
            report.added.append(_label(row.raw))
        else:
            item = existing
            kept.add(identity)
            if any(getattr(item, name) != fields[name] for name in _COMPARED):
                report.changed.append(_label(row.raw))
            for name, value in fields.items():
                setattr(item, name, value)
        session.flush()
        _link_executors(session, item, row.executors)
    for identity, item in by_identity.items():
        if identity not in kept:
            report.removed.append(_label(item))
            session.delete(item)
    session.flush()


def _link_executors(session: Session, item: Item, names: Sequence[str]) -> None:
    """Replace the item's executor links with the executors named in its cell."""
    assert item.id is not None
    for link in session.exec(select(ItemExecutor).where(ItemExecutor.item_id == item.id)).all():
        session.delete(link)
    session.flush()
    position = 0
    linked: set[int] = set()
    for name in names:
        key = executor_key(name)
        executor = session.exec(select(Executor).where(Executor.key == key)).first()
        if executor is None:
            executor = Executor(key=key, name=name)
            session.add(executor)
            session.flush()
        assert executor.id is not None
        if executor.id in linked:
            continue
        linked.add(executor.id)
        session.add(ItemExecutor(item_id=item.id, executor_id=executor.id, position=position))
        position += 1


def _now() -> datetime:
    return datetime.now(UTC)
