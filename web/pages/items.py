"""/items/{id}: an item, its occurrences with their full history, and the done / reopen / cancel forms.

The forms post to /items/{id}/{action} and call `tracking.status` exactly as
`profplan done|reopen|cancel` does, so two people marking the same
occurrence at once both end up in its history (the library's guarantee).
Without JavaScript a change answers with a redirect back to the item (the
page then shows what changed); with htmx only the changed occurrence is
swapped. A refused change (a date in the future, a cancel without a reason)
is shown next to its form with the values kept.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.engine import Engine
from starlette.responses import Response

from calendars.dates import parse_date
from calendars.errors import ProfplanError
from tracking.status import StatusChange, cancel, mark_done, reopen
from web.catalog import item_page, occurrence_selector
from web.http import Visit, blocking, page
from web.roles import NotFound, Role


@page(Role.COMMITTEE)
async def item_detail(visit: Visit) -> Response:
    view = await blocking(item_page, visit.engine, visit.viewer, visit.request.path_params["item_id"])
    changed = visit.request.query_params.get("changed", "")
    return await visit.render("item.html", view=view, changed=int(changed) if changed.isdigit() else None,
                              failed=None, error=None, values={})


def _done(engine: Engine, item: str, occurrence: str, fields: dict[str, str]) -> StatusChange:
    on = parse_date(fields["on"], "Дата выполнения") if fields["on"] else None
    return mark_done(engine, item, occurrence, on=on, by=fields["by"] or None, evidence=fields["evidence"] or None)


def _reopen(engine: Engine, item: str, occurrence: str, fields: dict[str, str]) -> StatusChange:
    return reopen(engine, item, occurrence, by=fields["by"] or None, why=fields["why"] or None)


def _cancel(engine: Engine, item: str, occurrence: str, fields: dict[str, str]) -> StatusChange:
    return cancel(engine, item, fields["why"], occurrence, by=fields["by"] or None)


# The status changes a page may post: action → (fields of its form, the library call).
ACTIONS: dict[str, tuple[tuple[str, ...], Callable[[Engine, str, str, dict[str, str]], StatusChange]]] = {
    "done": (("on", "by", "evidence"), _done),
    "reopen": (("by", "why"), _reopen),
    "cancel": (("why", "by"), _cancel),
}


@page(Role.COMMITTEE)
async def change_status(visit: Visit) -> Response:
    item_id: int = visit.request.path_params["item_id"]
    action = visit.request.path_params["action"]
    if action not in ACTIONS:
        raise NotFound(f"Неизвестное действие «{action}».")
    names, call = ACTIONS[action]
    fields = {name: visit.field(name) for name in names}
    occurrence = visit.field("occurrence")
    if not occurrence.isdigit():
        raise NotFound("Не указан срок, который нужно изменить.")
    try:
        selector = await blocking(occurrence_selector, visit.engine, visit.viewer, item_id, int(occurrence))
        change = await blocking(call, visit.engine, str(item_id), selector, fields)
    except ProfplanError as exc:
        view = await blocking(item_page, visit.engine, visit.viewer, item_id)
        values: dict[str, Any] = {"action": action, **fields}
        return await visit.render("item.html", status_code=422, view=view, changed=None, failed=int(occurrence),
                                  error=str(exc), values=values)
    return await visit.redirect(f"/items/{item_id}?changed={occurrence}#occ-{occurrence}", flash=change.render())
