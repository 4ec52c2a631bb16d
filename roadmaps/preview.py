"""What importing a document would store, row by row, without storing anything.

The import command and the web import page both show a person every row as
it will be stored — its deadline as understood, in words, and what needs a
look — and the importer stores exactly these rows, so the preview and the
import can never disagree. A document most of whose rows cannot be read
(random text under a valid header) is refused here, with counts, unless
forced.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from calendars.academic import region as find_region
from calendars.academic import region_calendars
from calendars.deadlines import DeadlineSpec, Window, parse_deadline
from calendars.deadlines.terms import SchoolCalendar
from calendars.school_year import SchoolYear
from roadmaps.document import RawItem, RoadmapDocument, Role
from roadmaps.errors import RoadmapError
from roadmaps.executors import read_executors
from roadmaps.reader import read_document
from roadmaps.vocabulary import headers

if TYPE_CHECKING:
    from sqlmodel import Session

UNREADABLE_SHARE = 0.5
"""A document is refused when more than this share of its rows cannot be read (unless forced)."""


class UnreadableDocumentError(RoadmapError):
    """Most rows of the document's table could not be read: probably not a plan at all."""


@dataclass(frozen=True)
class PreviewRow:
    """One row as the importer will store it: its cells, its deadline understood, and what to check."""

    raw: RawItem
    spec: DeadlineSpec
    span: tuple[date | None, date | None]
    executors: tuple[str, ...]
    participants: tuple[str, ...]
    explanation: str
    flags: tuple[str, ...]

    @property
    def unreadable(self) -> bool:
        """Nothing of the row could be read: no deadline understood and no executor named."""
        return self.spec.kind == "unrecognised" and not self.executors

    def item_fields(self) -> dict[str, Any]:
        """The stored columns of the row (see roadmaps.tables.Item)."""
        raw = self.raw
        return {
            "ordinal": raw.ordinal,
            "number": raw.number,
            "parent_number": raw.parent_number,
            "section": raw.section,
            "section_path": list(raw.section_path),
            "title": raw.title,
            "deadline_text": raw.deadline_text,
            "kind": self.spec.kind,
            "spec": self.spec.to_dict(),
            "span_start": self.span[0],
            "span_end": self.span[1],
            "needs_review": self.spec.needs_review,
            "review_reason": self.spec.review_reason,
            "executors_text": raw.executors_text,
            "result_text": raw.result_text,
            "extra": dict(raw.extra),
            "source_line": raw.source_line,
            "grades": list(raw.grades) if raw.grades is not None else None,
            "participants": list(self.participants),
        }

    def to_json(self) -> dict[str, Any]:
        """The row for the API and the web preview: the stored fields people read, the explanation and the flags."""
        fields = self.item_fields()
        shown = ("ordinal", "number", "section", "title", "deadline_text", "kind", "grades", "participants", "extra", "source_line")
        return {
            **{name: fields[name] for name in shown},
            "start": self.span[0].isoformat() if self.span[0] else None,
            "end": self.span[1].isoformat() if self.span[1] else None,
            "explanation": self.explanation,
            "executors": list(self.executors),
            "needs_review": bool(self.flags),
            "flags": list(self.flags),
            "unread": self.spec.unread,
        }


@dataclass(frozen=True)
class DocumentPreview:
    """A read document with its rows as they will be stored, in the context (region, year) they are read in."""

    path: Path
    document: RoadmapDocument
    key: str
    region: str | None
    school_year: SchoolYear | None
    rows: list[PreviewRow]

    @property
    def unreadable(self) -> int:
        return sum(row.unreadable for row in self.rows)

    @property
    def flagged(self) -> int:
        return sum(bool(row.flags) for row in self.rows)

    @property
    def refused(self) -> bool:
        """Most rows unreadable: the importer refuses it unless forced."""
        return bool(self.rows) and self.unreadable > UNREADABLE_SHARE * len(self.rows)

    def refusal(self) -> UnreadableDocumentError:
        examples = "; ".join(f"строка {row.raw.source_line}: «{_short(row.raw.deadline_text)}»" for row in self.rows if row.unreadable)
        return UnreadableDocumentError(
            f"Файл «{self.path.name}»: из {len(self.rows)} строк таблицы не прочитаны {self.unreadable} "
            f"(ни срок, ни исполнители не распознаны; например, {_short(examples, 160)}) — похоже, это не план мероприятий. "
            "Проверьте файл; загрузить его как есть можно с --force."
        )

    def to_json(self) -> dict[str, Any]:
        document = self.document
        return {
            "source": self.path.name,
            "roadmap": self.key,
            "title": document.title,
            "issuer": document.issuer,
            "number": document.number,
            "date": document.date.isoformat() if document.date else None,
            "region": self.region,
            "school_year": str(self.school_year) if self.school_year else None,
            "rows": [row.to_json() for row in self.rows],
            "unreadable": self.unreadable,
            "flagged": self.flagged,
            "refused": self.refused,
            "warnings": list(document.warnings),
        }


def preview_document(path: Path, region: str | None = None, year: str | SchoolYear | None = None,
                     session: Session | None = None) -> DocumentPreview:
    """Read a document and understand every row as the importer would, storing nothing.

    `region` and `year` override what the document says (an unknown region
    code is a Russian error). With a `session`, dates follow the calendars
    stored in the database (imported orders) as well as the bundled ones.
    Raises RoadmapError for an unreadable file.
    """
    path = Path(path)
    region_code = find_region(region).code if region else None
    school_year = year if isinstance(year, SchoolYear) else SchoolYear.parse(year) if year else None
    document = read_document(path)
    region_code = region_code or document.region
    school_year = school_year or context_year(document)
    calendar = region_calendars(region_code, session) if region_code else None
    period = document_period(document)
    rows = [_row(raw, school_year, period, calendar) for raw in document.items]
    return DocumentPreview(path, document, roadmap_key(document, path), region_code, school_year, rows)


def _row(raw: RawItem, school_year: SchoolYear | None, period: Window | None, calendar: SchoolCalendar | None) -> PreviewRow:
    spec = parse_deadline(raw.deadline_text, school_year, period)
    cell = read_executors(raw.executors_text)
    flags = []
    if spec.review_reason:
        flags.append(f"срок: {spec.review_reason}")
    grades_text = next((text for label, text in raw.extra.items() if label and _is_grades_label(label)), None)
    if grades_text is not None and raw.grades is None:
        flags.append(f"классы не распознаны: «{_short(grades_text)}»")
    return PreviewRow(raw, spec, spec.span(calendar), cell.executors, cell.participants, spec.explain(calendar), tuple(flags))


def _is_grades_label(label: str) -> bool:
    return headers().role_of(label) is Role.GRADES


def context_year(document: RoadmapDocument) -> SchoolYear | None:
    """The school year a document's yearless phrases ("в течение учебного года", "Октябрь") refer to.

    Its own school year when it names one; otherwise the school year its order
    was signed for: orders signed from May on are for the coming year.
    """
    if document.school_year or document.date is None:
        return document.school_year
    signed = document.date
    return SchoolYear(signed.year) if signed.month >= 5 else SchoolYear.containing(signed)


def document_period(document: RoadmapDocument) -> Window | None:
    """The period the document covers, for flagging dates outside it: its stated period, else its school
    year's calendar years, else none (then the parser uses the school year it is given)."""
    if document.period_start and document.period_end:
        start = min(document.period_start, document.date) if document.date else document.period_start
        return Window(date(start.year, 1, 1), date(document.period_end.year, 12, 31))
    return None


def roadmap_key(document: RoadmapDocument, path: Path) -> str:
    """A short readable identity: the order's number and date, else the file name."""
    if document.number and document.date:
        number = re.sub(r"\s+", "", document.number)
        return f"{number}_{document.date.isoformat()}"
    return path.stem


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
