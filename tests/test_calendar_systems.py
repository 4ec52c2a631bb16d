"""Term systems, grade groups and regional non-working days, as the data files state them."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

from calendars.academic import load_calendar, region_calendars
from calendars.errors import CalendarError
from calendars.school_year import SchoolYear
from calendars.term_systems import term_systems

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the bundled calendars folder to add files to (PROFPLAN_DATA_DIR points at it)."""
    shutil.copytree(DATA / "calendars", tmp_path / "calendars")
    monkeypatch.setenv("PROFPLAN_DATA_DIR", str(tmp_path))
    return tmp_path / "calendars"


def test_term_systems_are_data() -> None:
    systems = term_systems()
    assert set(systems) == {"quarters", "trimesters", "half_years", "modules"}
    assert [systems["quarters"].term_name(n) for n in (1, 4)] == ["1 четверть", "4 четверть"]
    assert systems["half_years"].count == 2 and systems["half_years"].split_at == {"winter"}
    assert not systems["trimesters"].derivable and systems["modules"].count == 0


def test_modular_rule_gives_five_weeks_of_study_then_a_week_off(data: Path) -> None:
    (data / "RU-MOW" / "2026-2027.toml").parent.mkdir(exist_ok=True)
    (data / "RU-MOW" / "2026-2027.toml").write_text(
        '[calendar]\nsource = "Модульный год (тест)"\nterm_system = "modules"\n'
        "first_day = 2026-09-01\nlast_day = 2027-05-26\n"
        "[modular]\nstudy_weeks = 5\n"
        '[[vacations]]\nname = "Зимние каникулы"\nstart = 2026-12-31\nend = 2027-01-10\n',
        encoding="utf-8",
    )
    calendar = load_calendar("RU-MOW", "2026-2027")
    assert [(t.name, t.start, t.end) for t in calendar.terms] == [
        ("1 модуль", date(2026, 9, 1), date(2026, 10, 2)),
        ("2 модуль", date(2026, 10, 12), date(2026, 11, 13)),
        ("3 модуль", date(2026, 11, 23), date(2026, 12, 30)),  # stops before the fixed New Year break
        ("4 модуль", date(2027, 1, 11), date(2027, 2, 12)),
        ("5 модуль", date(2027, 2, 22), date(2027, 3, 26)),
        ("6 модуль", date(2027, 4, 5), date(2027, 5, 7)),
        ("7 модуль", date(2027, 5, 17), date(2027, 5, 26)),
    ]
    breaks = [(v.name, v.start, v.end) for v in calendar.vacations]
    assert breaks == [
        ("Осенние каникулы", date(2026, 10, 3), date(2026, 10, 11)),
        ("Осенние каникулы (вторые)", date(2026, 11, 14), date(2026, 11, 22)),
        ("Зимние каникулы", date(2026, 12, 31), date(2027, 1, 10)),
        ("Зимние каникулы (вторые)", date(2027, 2, 13), date(2027, 2, 21)),
        ("Весенние каникулы", date(2027, 3, 27), date(2027, 4, 4)),
        ("Весенние каникулы (вторые)", date(2027, 5, 8), date(2027, 5, 16)),
        ("Летние каникулы", date(2027, 5, 27), date(2027, 8, 31)),
    ]
    assert all((end - start).days + 1 == 9 for name, start, end in breaks if "Зимние" not in name and "Летние" not in name)
    assert region_calendars("RU-MOW").vacations(SchoolYear(2026))[1].name.startswith("Осенние каникулы")


def test_half_years_for_grades_10_and_11_come_from_the_winter_break(data: Path) -> None:
    path = data / "RU-LEN" / "2026-2027.toml"
    path.write_text(path.read_text(encoding="utf-8") + '\n[[groups]]\nlabel = "10–11 классы"\ngrades = [10, 11]\n'
                    'term_system = "half_years"\n', encoding="utf-8")
    calendar = load_calendar("RU-LEN", "2026-2027")
    assert [(t.name, t.start, t.end) for t in calendar.schedule(10).terms] == [
        ("1 полугодие", date(2026, 9, 1), date(2026, 12, 29)),
        ("2 полугодие", date(2027, 1, 11), date(2027, 5, 21)),
    ]
    assert [t.name for t in calendar.schedule(8).terms] == ["1 четверть", "2 четверть", "3 четверть", "4 четверть"]
    # Grade 11 is also an exam grade: its half-year ends on the exam grades' last day.
    assert calendar.schedule(11).terms[-1].end == date(2027, 5, 14)
    assert calendar.day_off(date(2026, 11, 2), 10) == "Осенние каникулы"  # the autumn break lies inside the half-year


def test_trimesters_cannot_be_found_from_vacations(data: Path) -> None:
    (data / "RU-MOS").mkdir(exist_ok=True)
    (data / "RU-MOS" / "2026-2027.toml").write_text(
        '[calendar]\nterm_system = "trimesters"\nfirst_day = 2026-09-01\nlast_day = 2027-05-26\n'
        '[[vacations]]\nname = "Осенние каникулы"\nstart = 2026-10-03\nend = 2026-10-11\n',
        encoding="utf-8",
    )
    with pytest.raises(CalendarError, match=r"2026-2027\.toml: учебные периоды \(триместры\) не указаны, а по каникулам их не найти"):
        load_calendar("RU-MOS", "2026-2027")


def test_grade_groups_of_a_data_file(data: Path) -> None:
    calendar = load_calendar("RU-LEN", "2025-2026")
    assert calendar.day_off(date(2026, 2, 17), grade=1) == "Дополнительные каникулы для 1 классов"
    assert calendar.is_school_day(date(2026, 2, 17), grade=2)
    assert calendar.day_off(date(2026, 5, 20), grade=11) == "для 11 класса учебный год окончен 15.05.2026"
    assert calendar.exam_grades == {9, 11} and calendar.exam_grades_last_day == date(2026, 5, 15)
    path = data / "RU-LEN" / "2025-2026.toml"
    path.write_text(path.read_text(encoding="utf-8") + '\n[[groups]]\nlabel = "7М, 8С"\nclasses = ["7М", "8 с"]\n'
                    '[[groups.vacations]]\nname = "Осенние каникулы"\nstart = 2025-10-26\nend = 2025-11-02\n', encoding="utf-8")
    calendar = load_calendar("RU-LEN", "2025-2026")
    assert calendar.day_off(date(2025, 10, 25), 8, "8C") == "выходной"  # a Saturday of their longer first quarter
    assert calendar.schedule(8, "8С").terms[0].end == date(2025, 10, 25)
    assert calendar.day_off(date(2025, 10, 27), 8, "8А") == calendar.day_off(date(2025, 10, 27), 8, "8 С") == "Осенние каникулы"


def test_a_group_vacation_overlapping_its_terms_is_an_error(data: Path) -> None:
    path = data / "RU-LEN" / "2025-2026.toml"
    path.write_text(path.read_text(encoding="utf-8") + '\n[[groups]]\nlabel = "5 классы"\ngrades = [5]\nterm_system = "trimesters"\n'
                    '[[groups.terms]]\nname = "1 триместр"\nstart = 2025-09-01\nend = 2025-11-28\n'
                    '[[groups.vacations]]\nname = "Летние каникулы"\nstart = 2026-05-20\nend = 2026-08-31\n', encoding="utf-8")
    with pytest.raises(CalendarError, match=r"groups\[3\] «5 классы»\.vacations\[1\] «Летние каникулы» пересекается с периодом «1 триместр»"):
        load_calendar("RU-LEN", "2025-2026")


def test_tatarstan_closes_schools_on_its_own_days() -> None:
    autumn = load_calendar("RU-TA", "2024-2025")  # the federal rules: 6 November 2024 is a Wednesday of lessons
    assert autumn.day_off(date(2024, 11, 6)) == "праздник: День Конституции Республики Татарстан"
    assert "Закон РТ" in autumn.holiday_sources[date(2024, 11, 6)]
    spring = load_calendar("RU-TA", "2025-2026")
    assert spring.day_off(date(2026, 3, 20)) == "праздник: Ураза-байрам"
    assert "Указ Раиса РТ" in spring.holiday_sources[date(2026, 3, 20)]
    assert region_calendars("RU-TA").day_off(date(2024, 11, 6)) == "праздник: День Конституции Республики Татарстан"
    assert load_calendar("RU-LEN", "2024-2025").is_school_day(date(2024, 11, 6))
    assert load_calendar("RU-LEN", "2025-2026").is_school_day(date(2026, 3, 20))
    # 30 August 2025 was a Saturday: the law moves the day off to Monday, 1 September.
    assert spring.day_off(date(2025, 9, 1)) == "праздник: День Республики Татарстан (перенос выходного с 30.08.2025)"
    assert len(spring.school_days()) == len(load_calendar("RU-KDA", "2025-2026").school_days()) - 2  # both on the federal rules


def test_a_holiday_on_a_weekend_moves_the_day_off_when_the_law_says_so(data: Path) -> None:
    (data / "RU-TA" / "holidays.toml").write_text(
        '[holidays]\nsource = "Закон (тест)"\n'
        '[[yearly]]\nname = "День Конституции"\ndate = "11-06"\nmoves_from_weekend = true\n'
        '[[yearly]]\nname = "День без переноса"\ndate = "12-12"\n',
        encoding="utf-8",
    )
    calendar = load_calendar("RU-TA", "2027-2028")
    saturday = date(2027, 11, 6)
    assert saturday.weekday() == 5 and calendar.holidays[saturday] == "День Конституции"
    assert calendar.day_off(saturday + timedelta(days=2)) == "праздник: День Конституции (перенос выходного с 06.11.2027)"
    assert date(2027, 12, 12).weekday() == 6 and calendar.is_school_day(date(2027, 12, 13))


def test_bashkortostan_republic_day() -> None:
    calendar = load_calendar("RU-BA", "2026-2027")
    assert calendar.day_off(date(2026, 10, 12)) is None and date(2026, 10, 11).weekday() == 6
    assert calendar.holidays[date(2026, 10, 11)] == "День Республики Башкортостан"
    assert load_calendar("RU-BA", "2025-2026").day_off(date(2026, 3, 20)) == "праздник: Ураза-байрам"
