"""The school pages: /schools, /schools/{id} (profile, upload), /year, /week, a session, /compliance; and /me.

A coordinator opens only their own school, the committee the schools of its
region (`Viewer.check_school`, asked by `web.schools.visible_school` on
every request); staff have /me. Filters are query parameters (class=,
staff=, venue=, date=) so every view is bookmarkable.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

from starlette.datastructures import UploadFile
from starlette.responses import Response

from calendars.dates import parse_date
from calendars.errors import ProfplanError
from scheduler.errors import SchedulingError
from scheduler.norms import LEVELS, load_norms
from scheduler.penalties import quality_line
from scheduler.profile import Profile
from web.grid import grid_page
from web.http import Visit, blocking, page
from web.jobs import TIME_LIMITS, cancel_job, latest_job, start_job
from web.printout import printout, timetable_pdf, timetable_xlsx
from web.profile_form import VENUE_KIND_TITLES, ProfileForm
from web.roles import NotFound, Role
from web.schools import (
    MAX_PROFILE_BYTES,
    ReplanAsk,
    activity_titles,
    allowed_times,
    change_session,
    compliance,
    direction_titles,
    profile_form,
    replan_school,
    save_profile_form,
    school_cards,
    school_page,
    session_detail,
    staff_page,
    stored_profile,
    upload_profile,
)
from web.subscriptions import IssuedFeed, own_subscriptions, revoke, rotate, subscribe

SCHOOL_ROLES = (Role.COMMITTEE, Role.COORDINATOR)


@page(*SCHOOL_ROLES)
async def schools_list(visit: Visit) -> Response:
    cards = await blocking(school_cards, visit.engine, visit.viewer)
    return await visit.render("schools.html", cards=cards)


@page(*SCHOOL_ROLES)
async def school_detail(visit: Visit) -> Response:
    view = await blocking(school_page, visit.engine, visit.viewer, visit.request.path_params["school_id"])
    return await visit.render("school.html", view=view, upload=None)


@page(*SCHOOL_ROLES)
async def school_upload(visit: Visit) -> Response:
    """Upload school.toml: stored only when every field is valid, else the form with the error at its field."""
    assert visit.form is not None
    school_id = visit.request.path_params["school_id"]
    document = visit.form.get("profile")
    name, content = "", b""
    if isinstance(document, UploadFile):
        name, content = document.filename or "", await document.read(MAX_PROFILE_BYTES + 1)
    upload = await blocking(upload_profile, visit.engine, visit.viewer, school_id, name, content)
    if upload.stored is None:
        view = await blocking(school_page, visit.engine, visit.viewer, school_id)
        return await visit.render("school.html", status_code=422, view=view, upload=upload)
    stored = upload.stored
    return await visit.redirect(f"/schools/{school_id}", flash=(
        f"Профиль «{upload.file_name}» загружен: классов {stored.classes}, сотрудников {stored.staff}, "
        f"площадок {stored.venues}. Составьте расписание заново, чтобы оно учло изменения."))


@page(*SCHOOL_ROLES)
async def profile_page(visit: Visit) -> Response:
    """The profile's classes, staff, venues, slots and closures as forms."""
    profile, form = await blocking(profile_form, visit.engine, visit.viewer, visit.request.path_params["school_id"])
    return await _profile(visit, profile, form)


@page(*SCHOOL_ROLES)
async def profile_save(visit: Visit) -> Response:
    """Save the forms: stored whole only when every field is valid, else the forms as sent with each error at
    its input."""
    assert visit.form is not None
    school_id = visit.request.path_params["school_id"]
    sent = {name: value for name, value in visit.form.items() if isinstance(value, str)}
    saved = await blocking(save_profile_form, visit.engine, visit.viewer, school_id, sent)
    if saved.stored is None:
        profile = await blocking(stored_profile, visit.engine, visit.viewer, school_id)
        return await _profile(visit, profile, saved.form, status_code=422)
    stored = saved.stored
    return await visit.redirect(f"/schools/{school_id}/profile", flash=(
        f"Профиль сохранён: классов {stored.classes}, сотрудников {stored.staff}, площадок {stored.venues}. "
        "Составьте расписание заново, чтобы оно учло изменения."))


async def _profile(visit: Visit, profile: Profile, form: ProfileForm, status_code: int = 200) -> Response:
    return await visit.render("profile.html", status_code=status_code, profile=profile, form=form, levels=LEVELS,
                              level_titles=load_norms(profile.year).level_titles, venue_kinds=VENUE_KIND_TITLES)


@page(*SCHOOL_ROLES)
async def year_page(visit: Visit) -> Response:
    return await _grid(visit, "year.html", week=False)


@page(*SCHOOL_ROLES)
async def week_page(visit: Visit) -> Response:
    return await _grid(visit, "week.html", week=True)


async def _grid(visit: Visit, template: str, week: bool) -> Response:
    school_id = visit.request.path_params["school_id"]
    params = dict(visit.request.query_params)
    try:
        day = parse_date(params["date"], "Дата") if week and params.get("date") else None
        view = await blocking(grid_page, visit.engine, visit.viewer, school_id, params, week, day)
    except ProfplanError as exc:
        return await visit.render("error.html", status_code=400, title="Неверный запрос", message=str(exc))
    return await visit.render(template, view=view, school_id=school_id)


@page(*SCHOOL_ROLES)
async def session_page(visit: Visit) -> Response:
    """One session; with `moves=1`, the dates and times a move may choose (the hard-rule check is not free)."""
    return await _session(visit, with_moves=visit.request.query_params.get("moves") == "1")


@page(Role.COORDINATOR)
async def session_change(visit: Visit) -> Response:
    """Pin, unpin or move the session; a refused move stays on the page with the rule it would break."""
    school_id, uid = visit.request.path_params["school_id"], visit.request.path_params["uid"]
    try:
        done = await blocking(change_session, visit.engine, visit.viewer, school_id, uid, visit.field("action"),
                              visit.field("to"))
    except SchedulingError as exc:
        return await _session(visit, with_moves=True, error=str(exc), status_code=409)
    return await visit.redirect(f"/schools/{school_id}/sessions/{quote(uid)}", flash=done)


async def _session(visit: Visit, with_moves: bool, error: str | None = None, status_code: int = 200) -> Response:
    school_id, uid = visit.request.path_params["school_id"], visit.request.path_params["uid"]
    profile, row = await blocking(session_detail, visit.engine, visit.viewer, school_id, uid)
    moves: list[datetime] | None = None
    fixed: str | None = None
    if with_moves and visit.viewer.role is Role.COORDINATOR:
        try:
            moves = await blocking(allowed_times, visit.engine, visit.viewer, school_id, uid)
        except SchedulingError as exc:
            fixed = str(exc)
    return await visit.render("session.html", status_code=status_code, profile=profile, row=row,
                              directions=direction_titles(profile), activities=activity_titles(profile),
                              school_id=school_id, moves=moves, fixed=fixed,
                              error=error)


@page(*SCHOOL_ROLES)
async def compliance_page(visit: Visit) -> Response:
    profile, report, missing = await blocking(compliance, visit.engine, visit.viewer,
                                              visit.request.path_params["school_id"])
    return await visit.render("compliance.html", profile=profile, report=report, missing=missing)


@page(*SCHOOL_ROLES)
async def schedule_page(visit: Visit) -> Response:
    """The school's schedule job: start, progress (htmx polls this page while it runs), cancel, outcome."""
    school_id = visit.request.path_params["school_id"]
    job = await blocking(latest_job, visit.engine, visit.viewer, school_id)
    profile = await blocking(stored_profile, visit.engine, visit.viewer, school_id)
    return await visit.render("schedule.html", profile=profile, job=job, limits=TIME_LIMITS, error=None)


@page(*SCHOOL_ROLES)
async def schedule_start(visit: Visit) -> Response:
    school_id = visit.request.path_params["school_id"]
    typed = visit.field("time_limit")
    try:
        await blocking(start_job, visit.engine, visit.viewer, school_id, float(typed) if typed.isdigit() else -1.0)
    except ProfplanError as exc:
        job = await blocking(latest_job, visit.engine, visit.viewer, school_id)
        profile = await blocking(stored_profile, visit.engine, visit.viewer, school_id)
        return await visit.render("schedule.html", status_code=409, profile=profile, job=job, limits=TIME_LIMITS,
                                  error=str(exc))
    return await visit.redirect(f"/schools/{school_id}/schedule")


@page(*SCHOOL_ROLES)
async def schedule_cancel(visit: Visit) -> Response:
    school_id = visit.request.path_params["school_id"]
    try:
        await blocking(cancel_job, visit.engine, visit.viewer, school_id)
    except ProfplanError as exc:
        return await visit.redirect(f"/schools/{school_id}/schedule", flash=str(exc))
    return await visit.redirect(f"/schools/{school_id}/schedule", flash="Составление расписания отменяется.")


@page(Role.COORDINATOR)
async def replan_page(visit: Visit) -> Response:
    """The re-plan form: closed days in, a preview of what moves out."""
    profile = await blocking(stored_profile, visit.engine, visit.viewer, visit.request.path_params["school_id"])
    return await visit.render("replan.html", profile=profile, result=None, ask=None, error=None, fields={})


@page(Role.COORDINATOR)
async def replan_post(visit: Visit) -> Response:
    """Preview (nothing stored) or confirm (the same seed stores the previewed timetable and the closure)."""
    school_id = visit.request.path_params["school_id"]
    profile = await blocking(stored_profile, visit.engine, visit.viewer, school_id)
    fields = {name: visit.field(name) for name in ("start", "end", "as_of")}
    confirm = visit.field("action") == "confirm"
    try:
        ask = ReplanAsk.from_form(fields["start"], fields["end"], fields["as_of"])
        result = await blocking(replan_school, visit.engine, visit.viewer, school_id, ask, confirm)
    except ProfplanError as exc:
        return await visit.render("replan.html", status_code=400, profile=profile, result=None, ask=None,
                                  error=str(exc), fields=fields)
    if confirm and result.ok:
        return await visit.redirect(
            f"/schools/{school_id}/year", flash=f"Перепланировано: изменений {len(result.changes)}; закрытие "
            f"{ask.closed.start:%d.%m.%Y}–{ask.closed.end:%d.%m.%Y} сохранено со школой.")
    return await visit.render("replan.html", status_code=200 if result.ok else 409, profile=profile, result=result,
                              ask=ask, error=None, fields=fields, quality=quality_line(result.to_json()))


# The printouts: media type by file suffix.
PRINTOUTS: dict[str, str] = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@page(*SCHOOL_ROLES)
async def timetable_file(visit: Visit) -> Response:
    """/schools/{id}/timetable.pdf and .xlsx for class= or staff=: every session, to print or take away."""
    suffix = visit.request.path_params["suffix"]
    if suffix not in PRINTOUTS:
        raise NotFound(f"Расписание выгружается только в форматах {', '.join(PRINTOUTS)}.")
    try:
        made = await blocking(printout, visit.engine, visit.viewer, visit.request.path_params["school_id"],
                              dict(visit.request.query_params))
    except ProfplanError as exc:
        return await visit.render("error.html", status_code=400, title="Расписание не выгружено", message=str(exc))
    content = await (blocking(timetable_pdf, visit.web.templates, made) if suffix == "pdf"
                     else blocking(timetable_xlsx, made))
    name = quote(f"{made.file_stem}.{suffix}")
    return Response(content, media_type=PRINTOUTS[suffix],
                    headers={"content-disposition": f"attachment; filename*=UTF-8''{name}"})


@page(Role.STAFF)
async def my_page(visit: Visit) -> Response:
    return await _me(visit)


async def _me(visit: Visit, issued: IssuedFeed | None = None) -> Response:
    view = await blocking(staff_page, visit.engine, visit.viewer)
    subscriptions = await blocking(own_subscriptions, visit.engine, visit.viewer)
    return await visit.render("me.html", view=view, subscriptions=subscriptions, issued=issued)


@page(Role.STAFF)
async def subscription_create(visit: Visit) -> Response:
    """A new feed of one's own sessions: its address and QR code are shown on this answer only."""
    issued = await blocking(subscribe, visit.engine, visit.settings, visit.viewer)
    return await _me(visit, issued)


@page(Role.STAFF)
async def subscription_change(visit: Visit) -> Response:
    subscription_id: int = visit.request.path_params["subscription_id"]
    action = visit.request.path_params["action"]
    if action == "rotate":
        issued = await blocking(rotate, visit.engine, visit.settings, visit.viewer, subscription_id)
        return await _me(visit, issued)
    if action != "revoke":
        raise NotFound(f"Неизвестное действие «{action}».")
    info = await blocking(revoke, visit.engine, visit.viewer, subscription_id)
    return await visit.redirect("/me", flash=f"Подписка {info.prefix}… отозвана: её адрес больше не работает.")
