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
from tests.calendar_docs import REGION_ORDER, SCHOOL_KUG, TRIMESTER_KUG, write_docx, write_text
from tests.scheduler_helpers import check_timetable, read_current, write_profile
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


def test_a_trimester_school_gets_one_parent_meeting_per_trimester_and_nothing_in_its_breaks(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
    store_import(engine, preview_import(engine, write_docx(tmp_path / "trimesters.docx", TRIMESTER_KUG), "RU-MOW", YEAR))
    path = write_profile(tmp_path, id="tri", region="RU-MOW", year=YEAR)
    # At the advanced level the norms ask 4 h with parents of a class, one meeting a term: three terms give 3 h
    # (the solver says so: «10А: … взаимодействие с родителями — нужно 4 ч, можно не больше 3»).
    path.write_text(path.read_text(encoding="utf-8").replace('level = "advanced"', 'level = "main"'), encoding="utf-8")
    service.load_school(engine, path)
    result = service.schedule(engine, "tri", *WHOLE_YEAR, time_limit=LIMIT, seed=1, workers=1)
    assert result.ok, result.to_json()
    with transaction(engine) as session:
        calendar = load_calendar("RU-MOW", YEAR, session=session)
    assert [term.name for term in calendar.terms] == ["1 триместр", "2 триместр", "3 триместр"]
    stored = read_current(engine, "tri")
    for name in {cls["name"] for cls in stored.profile["classes"]}:
        meetings = [p.day for p in stored.placements if p.class_name == name and p.kind == "meeting"]
        assert [sum(1 for day in meetings if day in term) for term in calendar.terms] == [1, 1, 1], (name, meetings)
    breaks = [vacation for vacation in calendar.vacations if vacation.start.year == 2026 or vacation.end.month < 6]
    assert not [p.uid for p in stored.placements if any(p.day in vacation for vacation in breaks)]


def test_a_six_day_week_plans_saturdays_as_school_days(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
    service.load_school(engine, write_profile(tmp_path, id="six", week=6))
    span = (date(2024, 1, 9), date(2024, 3, 22))
    profile = load_profile(tmp_path / "six.toml")
    problem = build_problem(profile, load_norms(profile.year), span=span)
    assert any(day.weekday() == 5 for day in problem.days)  # Saturdays are school days
    result = service.schedule(engine, "six", *span, time_limit=LIMIT, seed=1, workers=1)
    assert result.ok, result.to_json()
    stored = read_current(engine, "six")
    assert check_timetable(stored) == []  # the checker reads the week from the stored profile
    assert not [p.uid for p in stored.placements if p.day.weekday() == 6]
