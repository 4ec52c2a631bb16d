"""The calendar a region, or one school, plans on: what the solver sees, with the school's own closures and week.

Kept apart from `calendar_orders.importer` because `profplan calendar` and
`profplan deadline` are light commands (≤ 0.5 s to start, bench/bench_startup.py):
without a database they need only the bundled calendars, and the database
layer (SQLAlchemy, the tables) loads only when there is a store to read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from calendar_orders.errors import CalendarImportError
from calendars.academic import AcademicCalendar, load_calendar
from calendars.periods import Period
from calendars.regions import Region, region
from calendars.school_year import SchoolYear
from calendars.suggest import did_you_mean

if TYPE_CHECKING:
    from sqlmodel import Session

    from scheduler.tables import School


def applicable_calendar(
    session: Session | None, region_code: str, year: SchoolYear | str, school: str | None = None, week: int | None = None,
) -> AcademicCalendar:
    """The calendar a region (or one school, with its closures and week) plans on."""
    reg = region(region_code)
    if school is None or session is None:
        return load_calendar(reg.code, year, week, session=session)
    from scheduler.profile import parse_profile

    stored = school_of_region(session, school, reg)
    profile = parse_profile(stored.profile, f"школа {school}")
    calendar = load_calendar(reg.code, year, week or profile.week, school=school, session=session)
    return calendar.with_overrides(closures=[Period(p.name or "Закрытие школы", p.start, p.end) for p in profile.closed])


def school_of_region(session: Session, school_id: str, reg: Region) -> School:
    """The stored school, which must be of the region; a Russian error naming close ids otherwise."""
    from sqlmodel import select

    from scheduler.tables import School

    school = session.get(School, school_id)
    if school is None:
        known = session.exec(select(School.id)).all()
        raise CalendarImportError(f"Школа «{school_id}» не загружена (profplan school load ФАЙЛ).{did_you_mean(school_id, known)}")
    if school.region != reg.code:
        raise CalendarImportError(f"Школа «{school_id}» относится к региону {school.region}, а не к {reg.code}.")
    return school
