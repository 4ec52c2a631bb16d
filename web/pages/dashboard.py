"""/: the committee's dashboard (counts per roadmap and overdue by executor); other roles go to their own page."""

from __future__ import annotations

from starlette.responses import RedirectResponse, Response

from calendars.dates import parse_date
from calendars.errors import ProfplanError
from web.chart import bar_chart
from web.http import Visit, blocking, page
from web.reports import dashboard
from web.roles import Role


@page()
async def dashboard_page(visit: Visit) -> Response:
    if visit.viewer.role is not Role.COMMITTEE:
        return RedirectResponse(visit.viewer.home, status_code=303)
    typed = visit.request.query_params.get("as_of", "").strip()
    try:
        chosen = parse_date(typed, "Дата отчёта") if typed else None
        report = await blocking(dashboard, visit.engine, visit.viewer, chosen)
    except ProfplanError as exc:
        return await visit.render("dashboard.html", status_code=400, error=str(exc), typed=typed, report=None,
                                  chart=None)
    return await visit.render("dashboard.html", error=None, typed=typed, report=report, chart=bar_chart(report.bars))
