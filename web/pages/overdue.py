"""/overdue with its downloads /overdue.xlsx and /overdue.csv (the same query parameters), and /executors."""

from __future__ import annotations

from starlette.responses import Response

from calendars.errors import ProfplanError
from web.catalog import executor_cards, roadmap_cards
from web.http import Visit, blocking, page
from web.reports import EXPORTS, OverdueQuery, overdue_download, overdue_page
from web.roles import NotFound, Role


@page(Role.COMMITTEE)
async def overdue_list(visit: Visit) -> Response:
    params = visit.request.query_params
    cards = await blocking(roadmap_cards, visit.engine, visit.viewer)
    try:
        query = OverdueQuery.from_params(params)
        report = await blocking(overdue_page, visit.engine, visit.viewer, query)
    except ProfplanError as exc:
        return await visit.render("overdue.html", status_code=400, error=str(exc), report=None, query=None,
                                  typed=dict(params), roadmaps=cards)
    return await visit.render("overdue.html", error=None, report=report, query=query, typed=dict(params),
                              roadmaps=cards)


@page(Role.COMMITTEE)
async def overdue_file(visit: Visit) -> Response:
    """The page's rows as a file: every row of the same query, most urgent first (tracking.export)."""
    suffix = visit.request.path_params["suffix"]
    if suffix not in EXPORTS:
        raise NotFound(f"Файлы отчёта выгружаются только в форматах {', '.join(EXPORTS)}.")
    query = OverdueQuery.from_params(visit.request.query_params)
    media_type, content = await blocking(overdue_download, visit.engine, visit.viewer, query, suffix)
    name = f"overdue-{query.as_of.isoformat()}.{suffix}" if query.as_of else f"overdue.{suffix}"
    return Response(content, media_type=media_type, headers={"content-disposition": f'attachment; filename="{name}"'})


@page(Role.COMMITTEE)
async def executors_page(visit: Visit) -> Response:
    cards = await blocking(executor_cards, visit.engine, visit.viewer)
    return await visit.render("executors.html", cards=cards, missing=sum(1 for card in cards if not card.email))
