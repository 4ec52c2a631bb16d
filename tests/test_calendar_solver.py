"""The real solver on imported calendars: a school's own КУГ, and a region's own non-working day."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy.engine import Engine

from calendar_orders.importer import preview_import, store_import
from calendars.academic import load_calendar
from scheduler import service
from scheduler.norms import load_norms
from scheduler.problem import build_problem
from scheduler.profile import load_profile
from store.db import open_store, transaction
from tests.calendar_docs import REGION_ORDER, SCHOOL_KUG, write_docx, write_text
from tests.scheduler_helpers import read_current, write_profile
from tests.test_calendar_import import HALF_YEARS, KUG_TERMS, KUG_VACATIONS, YEAR, expected_day_off

AUTUMN_TERM = (date(2026, 9, 1), date(2026, 12, 29))
WHOLE_YEAR = (None, None)
LIMIT = 10.0
COURSE = "horizons"


def _engine(tmp_path: Path) -> Engine:
    return open_store(f"sqlite:///{tmp_path / 'profplan.db'}")


def test_the_solver_plans_a_school_on_its_imported_kug_and_nothing_in_its_vacations(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
    service.load_school(engine, write_profile(tmp_path, id="kug-len", region="RU-LEN", year=YEAR))
    store_import(engine, preview_import(engine, write_docx(tmp_path / "kug.docx", SCHOOL_KUG), "RU-LEN", YEAR, school="kug-len"))
    result = service.schedule(engine, "kug-len", *WHOLE_YEAR, time_limit=LIMIT, seed=1, workers=1)
    assert result.ok, result.to_json()
    stored = read_current(engine, "kug-len")
    assert (stored.timetable.span_start, stored.timetable.span_end) == (date(2026, 9, 1), date(2027, 5, 26))  # the КУГ's year
    grades = {cls["name"]: cls["grade"] for cls in stored.profile["classes"]}
    for placement in stored.placements:
        grade = grades[placement.class_name]
        terms = HALF_YEARS if grade >= 10 else KUG_TERMS
        reason = expected_day_off(placement.day, terms, KUG_VACATIONS)
        assert reason is None, (placement.class_name, placement.day, placement.title, reason)
    course = {(p.class_name, p.day) for p in stored.placements if p.activity == COURSE and p.kind == "session"}
    # The school's autumn break is 24.10–01.11; the region's bundled one 31.10–08.11.
    bundled = load_calendar("RU-LEN", YEAR)
    assert bundled.day_off(date(2026, 11, 5)) == "Осенние каникулы" and bundled.is_school_day(date(2026, 10, 29))
    assert {(name, date(2026, 11, 5)) for name in grades} <= course
    assert not any(day == date(2026, 10, 29) for _, day in course)


def test_a_regional_holiday_gets_no_session(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
    order = write_text(tmp_path / "order.txt", REGION_ORDER)  # autumn break 24.10–01.11: Friday 6 November is a school day
    for region_code in ("RU-TA", "RU-LEN"):
        store_import(engine, preview_import(engine, order, region_code, YEAR))
        service.load_school(engine, write_profile(tmp_path, id=f"school-{region_code.lower()}", region=region_code, year=YEAR))
    holiday = date(2026, 11, 6)
    norms = load_norms(YEAR)
    with transaction(engine) as session:
        days = {
            code: build_problem(load_profile(tmp_path / f"school-{code.lower()}.toml"), norms, span=AUTUMN_TERM, session=session).days
            for code in ("RU-TA", "RU-LEN")
        }
        tatarstan = load_calendar("RU-TA", YEAR, session=session)
    assert tatarstan.day_off(holiday) == "праздник: День Конституции Республики Татарстан"
    assert holiday in days["RU-LEN"] and holiday not in days["RU-TA"]
    assert set(days["RU-TA"]) == set(days["RU-LEN"]) - {holiday}
    result = service.schedule(engine, "school-ru-ta", *WHOLE_YEAR, time_limit=LIMIT, seed=1, workers=1)
    assert result.ok, result.to_json()
    placements = read_current(engine, "school-ru-ta").placements
    assert placements and not any(p.day == holiday for p in placements)
