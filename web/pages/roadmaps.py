"""/roadmaps, /roadmaps/{key} and the import: /roadmaps/import → /roadmaps/import/{token} (preview, then result)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.engine import Engine
from starlette.datastructures import UploadFile
from starlette.responses import Response

from calendars.academic import regions
from calendars.dates import parse_date
from calendars.errors import ProfplanError
from web.catalog import roadmap_cards, roadmap_page
from web.http import Visit, blocking, page
from web.imports import MAX_UPLOAD_BYTES, confirm, preview, store_upload
from web.roles import Role, Viewer

T = TypeVar("T")


@page(Role.COMMITTEE)
async def roadmaps_page(visit: Visit) -> Response:
    cards = await blocking(roadmap_cards, visit.engine, visit.viewer)
    return await visit.render("roadmaps.html", cards=cards)


@page(Role.COMMITTEE)
async def roadmap_detail(visit: Visit) -> Response:
    key = visit.request.path_params["key"]
    typed = visit.request.query_params.get("as_of", "").strip()
    try:
        as_of = parse_date(typed, "Дата отчёта") if typed else None
    except ProfplanError as exc:
        return await visit.render("error.html", status_code=400, title="Неверная дата", message=str(exc))
    view = await blocking(roadmap_page, visit.engine, visit.viewer, key, as_of)
    return await visit.render("roadmap.html", view=view)


@page(Role.COMMITTEE)
async def import_form(visit: Visit) -> Response:
    return await _import_form(visit)


@page(Role.COMMITTEE)
async def upload(visit: Visit) -> Response:
    """Keep the uploaded file and show its preview at its own address (reloadable, confirmable once)."""
    assert visit.form is not None
    document = visit.form.get("document")
    region, year = visit.field("region"), visit.field("year")
    try:
        if not isinstance(document, UploadFile) or not document.filename:
            raise ProfplanError("Выберите файл дорожной карты.")
        content = await document.read(MAX_UPLOAD_BYTES + 1)
        token = await blocking(store_upload, visit.engine, visit.viewer, document.filename, content, region or None,
                               year or None)
    except ProfplanError as exc:
        return await _import_form(visit, error=str(exc), region=region, year=year, status_code=422)
    return await visit.redirect(f"/roadmaps/import/{token}")


@page(Role.COMMITTEE)
async def upload_preview(visit: Visit) -> Response:
    view = await _upload_step(visit, preview)
    return view if isinstance(view, Response) else await visit.render("import_preview.html", view=view)


@page(Role.COMMITTEE)
async def upload_confirm(visit: Visit) -> Response:
    typed = visit.field("track_from")
    try:
        track_from = parse_date(typed, "Начало отслеживания") if typed else None
    except ProfplanError as exc:
        return await _import_form(visit, error=str(exc), status_code=422)
    result = await _upload_step(visit, lambda engine, viewer, token: confirm(engine, viewer, token, track_from))
    if isinstance(result, Response):
        return result
    keys = ", ".join(f"«{report['roadmap']}»" for report in result)
    return await visit.redirect(visit.request.url.path, flash=f"Загружено: {keys}.")


async def _upload_step(visit: Visit, step: Callable[[Engine, Viewer, str], T]) -> T | Response:
    """A step on the upload of the address's token; a document that cannot be read goes back to the form."""
    try:
        return await blocking(step, visit.engine, visit.viewer, visit.request.path_params["token"])
    except ProfplanError as exc:
        return await _import_form(visit, error=str(exc), status_code=422)


async def _import_form(visit: Visit, error: str | None = None, region: str = "", year: str = "",
                       status_code: int = 200) -> Response:
    choices = [(code, f"{item.name} ({code})") for code, item in sorted(regions().items())
               if visit.viewer.region in (None, code)]
    return await visit.render("import.html", status_code=status_code, error=error, region=region, year=year,
                              regions=choices, max_mb=MAX_UPLOAD_BYTES // (1024 * 1024))
