"""Importing a roadmap from the browser: upload, preview every row, confirm, see what changed.

The preview is `roadmaps.preview.preview_document`, which `profplan import
--preview` prints, read with the calendars stored in the database; the
confirmed import is the same transactional, idempotent
`roadmaps.importer.import_documents` with tracking's `ImportTracker` as its
hook, as `profplan import` runs it (a second confirmation changes nothing).
The uploaded bytes wait in the database between the steps, under the file's
own name when it is read, since the importer keys a roadmap without an order
number by its file name.
"""

from __future__ import annotations

import secrets
import tempfile
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
from calendars.errors import ProfplanError
from calendars.school_year import SchoolYear
from roadmaps.importer import import_documents
from roadmaps.preview import DocumentPreview, preview_document
from roadmaps.tables import Roadmap
from store.db import transaction
from tracking.imports import ImportTracker
from web.roles import AccessDenied, NotFound, Viewer
from web.tables import Upload

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
UPLOAD_KEPT = timedelta(days=1)  # an upload nobody confirmed is dropped after this


class UploadError(ProfplanError):
    """An upload that cannot be previewed or imported; one Russian line naming the file or field."""


@dataclass(frozen=True)
class Preview:
    """An uploaded document before (and after) its import: the library's preview and the upload's state."""

    token: str
    file_name: str
    document: DocumentPreview
    exists: bool
    result: list[dict[str, Any]] | None

    @property
    def refusal(self) -> str | None:
        """Why the importer will refuse the document (most rows unreadable), else None."""
        return str(self.document.refusal()) if self.document.refused else None


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
    with _as_file(upload) as path, transaction(engine) as session:
        document = preview_document(path, upload.region, upload.school_year, session=session)
        if document.region is None and viewer.region:
            # A document that names no region is stored under the committee member's own.
            document = preview_document(path, viewer.region, upload.school_year, session=session)
        stored = session.exec(select(Roadmap).where(Roadmap.key == document.key)).first()
    if viewer.region and document.region != viewer.region:
        raise AccessDenied(f"Документ относится к региону {document.region}, а ваша учётная запись — к региону "
                           f"{viewer.region}: его загружает комитет того региона.")
    if stored is not None:
        viewer.check_region(stored.region, f"Дорожная карта «{document.key}», уже загруженная,")
    return Preview(upload.token, upload.file_name, document, stored is not None, upload.result)


def confirm(engine: Engine, viewer: Viewer, token: str, track_from: date | None = None) -> list[dict[str, Any]]:
    """Import the previewed document (once; confirming again shows the same result) and keep the report.

    `track_from` is `profplan import --track-from`: the day tracking starts (default: the later of the
    roadmap's period start and today)."""
    upload = _upload(engine, viewer, token)
    if upload.result is not None:
        return upload.result
    checked = preview(engine, viewer, token)  # the same checks of region and reach as the preview showed
    tracker = ImportTracker(track_from)
    with _as_file(upload) as path:
        reports = import_documents(engine, [path], region=checked.document.region, year=upload.school_year,
                                   on_stored=tracker)
    outcomes = tracker.outcomes(engine, reports)
    result = [{**report.to_json(), "tracking": tracked.render() if (tracked := outcomes[report.roadmap]) else None}
              for report in reports]
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


@contextmanager
def _as_file(upload: Upload) -> Iterator[Path]:
    """The upload's bytes as a file of its own name in a fresh temporary folder (the readers take paths)."""
    with tempfile.TemporaryDirectory(prefix="profplan-upload-") as folder:
        path = Path(folder) / upload.file_name
        path.write_bytes(upload.content)
        yield path
