"""/region and its download /region.xlsx (the same query parameters): the committee's region report."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from calendars.errors import ProfplanError
from web.http import Visit, blocking, page
from web.region import STATE_BADGES, STATE_HEADINGS, XLSX_TYPE, RegionQuery, file_name, in_utc, region_workbook, stored_regions
from web.roles import Role


@page(Role.COMMITTEE)
async def region_page(visit: Visit) -> Response:
    """Per municipality and school: classes, level, timetable, norms, overdue items; a bad filter is a 400 with why."""
    params = visit.request.query_params
    regions = [visit.viewer.region] if visit.viewer.region else await blocking(stored_regions, visit.engine)
    context: dict[str, Any] = {"typed": dict(params), "regions": regions, "headings": STATE_HEADINGS,
                               "badges": STATE_BADGES, "in_utc": in_utc}
    try:
        query = RegionQuery.from_params(params, visit.viewer)
        report = await blocking(query.report, visit.engine)
    except ProfplanError as exc:
        return await visit.render("region.html", status_code=400, error=str(exc), report=None, query=None, **context)
    return await visit.render("region.html", error=None, report=report, query=query, **context)


@page(Role.COMMITTEE)
async def region_file(visit: Visit) -> Response:
    """The page's report as the workbook of `profplan region report --xlsx`."""
    query = RegionQuery.from_params(visit.request.query_params, visit.viewer)
    content = await blocking(region_workbook, visit.engine, query)
    return Response(content, media_type=XLSX_TYPE,
                    headers={"content-disposition": f'attachment; filename="{file_name(query)}"'})
