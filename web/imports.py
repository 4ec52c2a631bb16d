"""Importing a roadmap from the browser: upload, preview every row, confirm, see what changed.

The document is read by the same `roadmaps.reader.read_document` and its
deadlines by the same `calendars.deadlines.parse_deadline` as `profplan
import`, and the confirmed import is the same transactional, idempotent
`roadmaps.importer.import_documents` with `tracking.occurrences.sync_roadmap`
(a second confirmation changes nothing). The uploaded bytes wait in the
database between the steps, under the file's own name when it is read, since
the importer keys a roadmap without an order number by its file name.
"""

from __future__ import annotations

import secrets
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from calendars.academic import region as find_region
from calendars.academic import region_calendars
from calendars.deadlines import parse_deadline
from calendars.errors import ProfplanError
from calendars.school_year import SchoolYear
from commands.roadmaps import KIND_NAMES
from roadmaps.document import RoadmapDocument
from roadmaps.executors import split_executors
from roadmaps.importer import context_year, import_documents, roadmap_key
from roadmaps.reader import read_document
from roadmaps.tables import Roadmap
from store.db import transaction
from tracking.occurrences import sync_roadmap
from web.roles import AccessDenied, NotFound, Viewer
from web.tables import Upload

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
UPLOAD_KEPT = timedelta(days=1)  # an upload nobody confirmed is dropped after this


class UploadError(ProfplanError):
    """An upload that cannot be previewed or imported; one Russian line naming the file or field."""


@dataclass(frozen=True)
class PreviewRow:
    """One row of the document as the importer will store it, with how its deadline was understood."""

    ordinal: int
    number: str | None
    section: str | None
    title: str
    deadline_text: str
    kind: str
    start: date | None
    end: date | None
    explanation: str
    executors: tuple[str, ...]
    flags: tuple[str, ...]

    @property
    def kind_name(self) -> str:
        return KIND_NAMES.get(self.kind, self.kind)


@dataclass(frozen=True)
class Preview:
    """An uploaded document before (and after) its import."""

    token: str
    file_name: str
    key: str
    document: RoadmapDocument
    region: str | None
    school_year: str | None
    exists: bool
    rows: list[PreviewRow]
    result: list[dict[str, Any]] | None

    @property
    def flagged(self) -> int:
        return sum(1 for row in self.rows if row.flags)


def store_upload(engine: Engine, viewer: Viewer, file_name: str, content: bytes, region: str | None,
                 year: str | None) -> str:
    """Keep an uploaded document for its preview; returns the token of its page. Checks the fields first."""
    name = Path(file_name or "").name.strip()
    if not name:
        raise UploadError("Выберите файл дорожной карты.")
    if not content:
        raise UploadError(f"Файл «{name}» пуст.")
    if len(content) > MAX_UPLOAD_BYTES:
        raise UploadError(f"Файл «{name}» больше {MAX_UPLOAD_BYTES // (1024 * 1024)} МБ.")
    chosen_region = find_region(region).code if region else None
    if chosen_region and viewer.region and chosen_region != viewer.region:
        raise AccessDenied(f"Загружать можно только дорожные карты своего региона ({viewer.region}).")
    school_year = str(SchoolYear.parse(year)) if year else None
    token, now = secrets.token_urlsafe(24), datetime.now(UTC)
    with transaction(engine) as session:
        session.execute(delete(Upload).where(col(Upload.created_at) < now - UPLOAD_KEPT))
        session.add(Upload(token=token, user_id=viewer.user_id, file_name=name, content=content,
                           region=chosen_region, school_year=school_year, created_at=now))
    return token


def preview(engine: Engine, viewer: Viewer, token: str) -> Preview:
    """Read the upload as the importer will: every row, its deadline's kind, window, explanation and flags."""
    upload = _upload(engine, viewer, token)
    with _as_file(upload) as path:
        document = read_document(path)
        key = roadmap_key(document, path)
    region = _region(viewer, upload, document)
    school_year = SchoolYear.parse(upload.school_year) if upload.school_year else context_year(document)
    with transaction(engine) as session:
        stored = session.exec(select(Roadmap).where(Roadmap.key == key)).first()
    if stored is not None:
        viewer.check_region(stored.region, f"Дорожная карта «{key}», уже загруженная,")
    calendar = region_calendars(region) if region else None
    numbers = Counter(raw.number for raw in document.items if raw.number)
    rows = []
    for raw in document.items:
        spec = parse_deadline(raw.deadline_text, school_year)
        start, end = spec.span(calendar)
        executors = tuple(split_executors(raw.executors_text))
        flags = [f"требует проверки: {spec.review_reason}" if spec.needs_review else "",
                 f"номер {raw.number} повторяется" if raw.number and numbers[raw.number] > 1 else "",
                 "исполнители не указаны" if not executors else ""]
        rows.append(PreviewRow(raw.ordinal, raw.number, raw.section, raw.title, raw.deadline_text, spec.kind, start,
                               end, spec.explain(calendar), executors, tuple(flag for flag in flags if flag)))
    return Preview(upload.token, upload.file_name, key, document, region, str(school_year) if school_year else None,
                   stored is not None, rows, upload.result)


def confirm(engine: Engine, viewer: Viewer, token: str) -> list[dict[str, Any]]:
    """Import the previewed document (once; confirming again shows the same result) and keep the report."""
    upload = _upload(engine, viewer, token)
    if upload.result is not None:
        return upload.result
    checked = preview(engine, viewer, token)  # the same checks of region and reach as the preview showed
    with _as_file(upload) as path:
        reports = import_documents(engine, [path], region=checked.region, year=upload.school_year,
                                   on_stored=sync_roadmap)
    result = [report.to_json() for report in reports]
    with transaction(engine) as session:
        stored = session.exec(select(Upload).where(Upload.token == token)).one()
        stored.result, stored.imported_at = result, datetime.now(UTC)
    return result


def _upload(engine: Engine, viewer: Viewer, token: str) -> Upload:
    """The viewer's own upload of this token; another person's or an expired one is not found."""
    with transaction(engine) as session:
        upload = _find(session, token)
        if upload is None or upload.user_id != viewer.user_id:
            raise NotFound("Загруженный файл не найден: загрузите его снова (файлы хранятся сутки).")
        return upload


def _find(session: Session, token: str) -> Upload | None:
    return session.exec(select(Upload).where(Upload.token == token)).first()


def _region(viewer: Viewer, upload: Upload, document: RoadmapDocument) -> str | None:
    """The region the roadmap will be stored under: the one chosen, else the document's, else the viewer's."""
    region = upload.region or document.region or viewer.region
    if viewer.region and region != viewer.region:
        raise AccessDenied(f"Документ относится к региону {region}, а ваша учётная запись — к региону "
                           f"{viewer.region}: его загружает комитет того региона.")
    return region


@contextmanager
def _as_file(upload: Upload) -> Iterator[Path]:
    """The upload's bytes as a file of its own name in a fresh temporary folder (the readers take paths)."""
    with tempfile.TemporaryDirectory(prefix="profplan-upload-") as folder:
        path = Path(folder) / upload.file_name
        path.write_bytes(upload.content)
        yield path
