"""/schools/{id} (a coordinator's school, the committee's schools of its region) and /me (a staff member's sessions)."""

from __future__ import annotations

from starlette.responses import Response

from web.http import Visit, blocking, page
from web.roles import Role
from web.schools import school_page, staff_page


@page(Role.COMMITTEE, Role.COORDINATOR)
async def school_detail(visit: Visit) -> Response:
    view = await blocking(school_page, visit.engine, visit.viewer, visit.request.path_params["school_id"])
    return await visit.render("school.html", view=view)


@page(Role.STAFF)
async def my_page(visit: Visit) -> Response:
    view = await blocking(staff_page, visit.engine, visit.viewer)
    return await visit.render("me.html", view=view)
