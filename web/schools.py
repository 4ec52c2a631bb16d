"""What the school pages read: a school's profile and timetable, and a staff member's own sessions.

The pages of part 1 are the places a coordinator and a staff member land
after logging in (`web.roles.ROLE_HOMES`); they read the stored profile and
`scheduler.service.timetable`, the same function as `profplan timetable`.
The coordinator's planning pages (profile forms, scheduling, the year grid)
and the staff member's subscriptions build on these.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.engine import Engine

from calendars.academic import region as find_region
from scheduler.errors import SchedulingError
from scheduler.norms import load_norms
from scheduler.profile import Profile, parse_profile
from scheduler.service import PlacementRow, TimetableView, timetable
from scheduler.tables import School
from store.db import transaction
from tracking.clock import today_in
from web.roles import NotFound, Viewer

UPCOMING = timedelta(weeks=4)  # how far ahead a staff member's page lists sessions
# Russian names of the staff roles the norms' activities ask for (scheduler/profile.py); an unknown role shows as is.
STAFF_ROLE_TITLES = {
    "class_teacher": "классный руководитель",
    "navigator": "педагог-навигатор",
    "teacher": "учитель",
    "tutor": "тьютор",
    "master": "мастер производственного обучения",
}


@dataclass(frozen=True)
class SchoolPage:
    profile: Profile
    region_name: str
    level_titles: dict[str, str]  # the norms' Russian names of the profminimum levels
    timetable: TimetableView | None
    missing: str | None  # why there is no timetable yet, in Russian

    def level(self, code: str) -> str:
        return self.level_titles.get(code, code)

    @staticmethod
    def roles(codes: tuple[str, ...]) -> str:
        return ", ".join(STAFF_ROLE_TITLES.get(code, code) for code in codes)

    @property
    def sessions_by_class(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for placement in self.timetable.placements if self.timetable else ():
            counts[placement.class_name] = counts.get(placement.class_name, 0) + 1
        return counts


def school_page(engine: Engine, viewer: Viewer, school_id: str) -> SchoolPage:
    """A school's profile and current timetable: 404 for an unknown school, 403 for one out of reach."""
    with transaction(engine) as session:
        school = session.get(School, school_id)
        if school is None:
            raise NotFound(f"Школа «{school_id}» не найдена.")
        viewer.check_school(school_id, school.region)
        profile = parse_profile(school.profile, f"школа {school_id}")
    try:
        view: TimetableView | None = timetable(engine, school_id)
        missing = None
    except SchedulingError as exc:
        view, missing = None, str(exc)
    return SchoolPage(profile, find_region(profile.region).name, load_norms(profile.year).level_titles, view, missing)


@dataclass(frozen=True)
class StaffPage:
    school_id: str
    school_name: str
    staff_name: str
    today: date
    sessions: list[PlacementRow]
    missing: str | None


def staff_page(engine: Engine, viewer: Viewer) -> StaffPage:
    """The staff member's own sessions from today (in the school's region) for the coming weeks."""
    if viewer.school_id is None or viewer.staff_name is None:
        raise NotFound("У учётной записи не указаны школа и сотрудник.")
    with transaction(engine) as session:
        school = session.get(School, viewer.school_id)
        if school is None:
            raise NotFound(f"Школа «{viewer.school_id}» не найдена.")
        name, region = school.name, school.region
    today = today_in(region)
    try:
        view = timetable(engine, viewer.school_id, staff=viewer.staff_name)
    except SchedulingError as exc:
        return StaffPage(viewer.school_id, name, viewer.staff_name, today, [], str(exc))
    sessions = [row for row in view.placements if today <= row.day < today + UPCOMING]
    return StaffPage(viewer.school_id, name, viewer.staff_name, today, sessions, None)
