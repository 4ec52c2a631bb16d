"""Closures are part of the school: kept by every later schedule and re-plan, listed, removable; dates checked."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from calendars.academic import Period
from scheduler import service
from scheduler.errors import SchedulingError
from store.db import transaction
from tests import test_scheduler_replan as replanning
from tests.cli_helpers import run
from tests.scheduler_helpers import check_timetable, read_current
from tests.test_scheduler_replan import AS_OF, QUARANTINE, SEED, THIRD_QUARTER

engine = replanning.engine  # the fixture: the small school scheduled for its third quarter


def test_a_closure_stays_with_the_school_across_schedule_until_reopened(engine: Engine, tmp_path: Path) -> None:
    assert service.replan(engine, "small", [QUARANTINE], as_of=AS_OF, time_limit=10, seed=SEED).ok
    assert service.school_details(engine, "small").closures == [Period(service.CLOSURE, QUARANTINE.start, QUARANTINE.end)]
    # A later full schedule honours the stored closure without being told.
    assert service.schedule(engine, "small", *THIRD_QUARTER, time_limit=10, seed=SEED).ok
    again = read_current(engine, "small")
    assert again.timetable.closures == [["2024-02-05", "2024-02-11"]]
    assert not [p.uid for p in again.placements if p.day in QUARANTINE]
    assert check_timetable(again) == []
    shown = run("school", "show", "small", db=tmp_path / "profplan.db", logs=tmp_path / "logs").ok()
    assert "Закрытия: 05.02.2024–11.02.2024 — перепланирование (replan --closed)." in shown
    assert "Штраф по классам и мягким правилам" in shown or "Штраф по мягким правилам: нет." in shown
    # Reopening two days of it splits the closure; reopening the rest removes it, and the week is used again.
    result = service.replan(engine, "small", reopen=[Period("", date(2024, 2, 5), date(2024, 2, 6))], as_of=AS_OF,
                            time_limit=10, seed=SEED)
    assert result.ok
    assert service.school_details(engine, "small").closures == [Period(service.CLOSURE, date(2024, 2, 7), date(2024, 2, 11))]
    assert service.replan(engine, "small", reopen=[QUARANTINE], as_of=AS_OF, time_limit=10, seed=SEED).ok
    assert service.school_details(engine, "small").closures == []
    assert [p for p in read_current(engine, "small").placements if p.day in QUARANTINE and p.series]  # the course is back


def test_dates_outside_the_school_year_are_refused(engine: Engine) -> None:
    with pytest.raises(SchedulingError, match=r"закрытие: 01\.07\.2024 вне учебного года \(01\.09\.2023–"):
        service.replan(engine, "small", [Period("", date(2024, 7, 1), date(2024, 7, 5))], as_of=AS_OF)
    with pytest.raises(SchedulingError, match=r"--as-of: 15\.08\.2023 вне учебного года"):
        service.replan(engine, "small", [QUARANTINE], as_of=date(2023, 8, 15))
    # Today (after the 2023-2024 year) is no default: the message is about the date, not about make-ups.
    with pytest.raises(SchedulingError, match="Учебный год 2023-2024 закончился"):
        service.replan(engine, "small", [QUARANTINE])
    with pytest.raises(SchedulingError, match="нет дней 05.02.2024–11.02.2024"):
        service.replan(engine, "small", reopen=[QUARANTINE], as_of=AS_OF)
    with pytest.raises(SchedulingError, match="--from: 01.08.2023 вне учебного года"):
        service.schedule(engine, "small", date(2023, 8, 1), date(2023, 12, 1))


def test_as_of_defaults_to_today_inside_the_year_and_to_its_first_day_before_it(engine: Engine) -> None:
    with transaction(engine) as session:
        profile = service.read_profile(session, "small")
        calendar = service.school_calendar(session, profile)
    inside = date(2024, 2, 1)
    assert service.default_as_of(calendar, profile, inside) == inside
    assert service.default_as_of(calendar, profile, None, today=date(2023, 6, 1)) == calendar.first_day
    assert service.default_as_of(calendar, profile, None, today=inside) == inside
    with pytest.raises(SchedulingError, match="закончился"):
        service.default_as_of(calendar, profile, None, today=date(2024, 7, 1))
