"""Importing roadmap documents into the store: every row kept, idempotent, one transaction.

A committee re-imports an order when it is amended, so an item is matched to
its stored row by its number (and, for repeated numbers, by how many times
that number came before; un-numbered sub-rows by their parent and title).
A document whose bytes have not changed is left alone; a changed one
updates its items and reports what changed. All documents of one call are
written in a single transaction: a bad file leaves the store untouched.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from calendars.academic import region as find_region
from calendars.academic import region_calendars
from calendars.deadlines import parse_deadline
from calendars.deadlines.terms import SchoolCalendar
from calendars.school_year import SchoolYear
from roadmaps.document import RawItem, RoadmapDocument
from roadmaps.executors import executor_key, split_executors
from roadmaps.reader import read_document
from roadmaps.tables import Executor, Item, ItemExecutor, Roadmap
from store.db import transaction

# Item fields compared to tell an updated row from an unchanged one.
_COMPARED = (
    "number", "parent_number", "section", "section_path", "title", "deadline_text",
    "executors_text", "result_text", "extra", "source_line", "kind", "spec",
)


@dataclass
class ReviewRow:
    """A row whose deadline was not fully understood: imported, but flagged for a person."""

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
        }


def import_documents(
    engine: Engine,
    paths: Sequence[Path],
    region: str | None = None,
    year: str | None = None,
    progress: Callable[[Path], None] | None = None,
    on_stored: Callable[[Session, Roadmap, RoadmapDocument], Any] | None = None,
) -> list[DocumentReport]:
    """Read every document first (so a bad file fails before anything is written), then store them all.

    `on_stored` runs inside the same transaction for every new or changed
    roadmap, with the document read, so what is derived from the items and
    indicators downstream (deadline occurrences, stored indicators) is
    updated with them or not at all.
    """
    region = find_region(region).code if region else None  # an unknown code fails before any reading
    school_year = SchoolYear.parse(year) if year else None
    documents = []
    for path in paths:
        documents.append(read_document(Path(path)))
        if progress:
            progress(Path(path))
    with transaction(engine) as session:
        return [
            _store(session, document, Path(path), region or document.region, school_year or context_year(document), on_stored)
            for document, path in zip(documents, paths, strict=True)
        ]


def context_year(document: RoadmapDocument) -> SchoolYear | None:
    """The school year a document's yearless phrases ("в течение учебного года", "Октябрь") refer to.

    Its own school year when it names one; otherwise the school year its order
    was signed for: orders signed from May on are for the coming year.
    """
    if document.school_year or document.date is None:
        return document.school_year
    signed = document.date
    return SchoolYear(signed.year) if signed.month >= 5 else SchoolYear.containing(signed)


def roadmap_key(document: RoadmapDocument, path: Path) -> str:
    """A short readable identity: the order's number and date, else the file name."""
    if document.number and document.date:
        number = re.sub(r"\s+", "", document.number)
        return f"{number}_{document.date.isoformat()}"
    return path.stem


def _store(
    session: Session,
    document: RoadmapDocument,
    path: Path,
    region: str | None,
    school_year: SchoolYear | None,
    on_stored: Callable[[Session, Roadmap, RoadmapDocument], Any] | None,
) -> DocumentReport:
    content_hash = hashlib.sha256(path.read_bytes()).hexdigest()
    key = roadmap_key(document, path)
    roadmap = session.exec(select(Roadmap).where(Roadmap.key == key)).first()
    report = DocumentReport(
        source=path.name,
        roadmap=key,
        title=document.title,
        region=region,
        school_year=str(school_year) if school_year else None,
        rows=len(document.items),
        warnings=list(document.warnings),
    )
    calendar = region_calendars(region) if region else None
    rows = [_item_fields(raw, school_year, calendar) for raw in document.items]
    report.needs_review = [
        ReviewRow(row["ordinal"], row["number"], row["deadline_text"], row["review_reason"])
        for row in rows
        if row["needs_review"]
    ]
    same_context = roadmap is not None and (roadmap.region, roadmap.school_year) == (region, report.school_year)
    if roadmap is not None and roadmap.content_hash == content_hash and same_context:
        report.unchanged = True
        return report
    if roadmap is None:
        roadmap = Roadmap(key=key, source_name=path.name, content_hash=content_hash, imported_at=_now())
        session.add(roadmap)
    _fill_roadmap(roadmap, document, path, content_hash, region, school_year)
    session.flush()
    assert roadmap.id is not None
    _sync_items(session, roadmap.id, document.items, rows, report)
    if on_stored:
        on_stored(session, roadmap, document)
    return report


def _fill_roadmap(
    roadmap: Roadmap, document: RoadmapDocument, path: Path, content_hash: str, region: str | None, school_year: SchoolYear | None
) -> None:
    roadmap.source_name = path.name
    roadmap.content_hash = content_hash
    roadmap.title = document.title
    roadmap.issuer = document.issuer
    roadmap.number = document.number
    roadmap.doc_date = document.date
    roadmap.period_text = document.period_text
    roadmap.period_start = document.period_start
    roadmap.period_end = document.period_end
    roadmap.school_year = str(school_year) if school_year else None
    roadmap.region = region
    roadmap.controller = document.controller
    roadmap.warnings = list(document.warnings)
    roadmap.imported_at = _now()


def _item_fields(raw: RawItem, school_year: SchoolYear | None, calendar: SchoolCalendar | None) -> dict[str, Any]:
    """The stored columns of one row, its deadline parsed into a spec."""
    spec = parse_deadline(raw.deadline_text, school_year)
    start, end = spec.span(calendar)
    return {
        "ordinal": raw.ordinal,
        "number": raw.number,
        "parent_number": raw.parent_number,
        "section": raw.section,
        "section_path": list(raw.section_path),
        "title": raw.title,
        "deadline_text": raw.deadline_text,
        "kind": spec.kind,
        "spec": spec.to_dict(),
        "span_start": start,
        "span_end": end,
        "needs_review": spec.needs_review,
        "review_reason": spec.review_reason,
        "executors_text": raw.executors_text,
        "result_text": raw.result_text,
        "extra": dict(raw.extra),
        "source_line": raw.source_line,
    }


def _identities(items: Iterable[Any]) -> list[tuple[str, int]]:
    """Each row's identity inside its roadmap: its number (or parent and title) and the repeat count."""
    seen: Counter[str] = Counter()
    result = []
    for item in items:
        base = item.number or f"{item.parent_number or ''}/{item.title.strip()[:120]}"
        result.append((base, seen[base]))
        seen[base] += 1
    return result


def _label(item: Any) -> str:
    return f"{item.number or '(без номера)'} {item.title.strip()[:60]}"


def _sync_items(
    session: Session, roadmap_id: int, raws: Sequence[RawItem], rows: Sequence[dict[str, Any]], report: DocumentReport
) -> None:
    stored = session.exec(select(Item).where(Item.roadmap_id == roadmap_id).order_by(Item.ordinal)).all()
    by_identity = dict(zip(_identities(stored), stored, strict=True))
    # Ordinals are unique per roadmap: move the stored rows out of the way before renumbering.
    for item in stored:
        item.ordinal = -item.ordinal
    session.flush()
    kept = set()
    for identity, raw, row in zip(_identities(raws), raws, rows, strict=True):
        item = by_identity.get(identity)
        if item is None:
            item = Item(roadmap_id=roadmap_id, **row)
            session.add(item)
            report.added.append(_label(raw))
        else:
            kept.add(identity)
            if any(getattr(item, name) != row[name] for name in _COMPARED):
                report.changed.append(_label(raw))
            for name, value in row.items():
                setattr(item, name, value)
        session.flush()
        _link_executors(session, item, raw.executors_text)
    for identity, item in by_identity.items():
        if identity not in kept:
            report.removed.append(_label(item))
            session.delete(item)
    session.flush()


def _link_executors(session: Session, item: Item, text: str) -> None:
    """Replace the item's executor links with the executors named in its cell."""
    assert item.id is not None
    for link in session.exec(select(ItemExecutor).where(ItemExecutor.item_id == item.id)).all():
        session.delete(link)
    session.flush()
    position = 0
    linked: set[int] = set()
    for name in split_executors(text):
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
