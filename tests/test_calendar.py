"""The academic calendar: regional files, the federal default for any year, the production calendar."""

from __future__ import annotations

import json
from datetime import date
from itertools import pairwise
from pathlib import Path

import pytest
from click.testing import CliRunner

from calendars.academic import Period, load_calendar
from calendars.errors import ProfplanError
from calendars.school_year import SchoolYear
from cli import cli

DATA = Path(__file__).resolve().parent.parent / "data" / "calendars"


def test_leningrad_2023_follows_the_production_calendar() -> None:
    calendar = load_calendar("RU-LEN", "2023-2024")
    assert calendar.holidays[date(2023, 11, 4)] == "День народного единства"
    assert date(2023, 11, 6) in calendar.holidays
    assert not calendar.is_school_day(date(2023, 11, 6))  # Monday, but the transferred holiday
    assert date(2024, 4, 27) in calendar.working_weekends
    assert calendar.is_school_day(date(2024, 4, 27))  # a Saturday that is a working day
    assert not calendar.is_school_day(date(2024, 4, 29))  # the day off it was moved to
    assert calendar.timezone == "Europe/Moscow"


def test_vacations_come_from_the_data_file() -> None:
    calendar = load_calendar("RU-LEN", "2023-2024")
    assert calendar.source_file == Path(__file__).resolve().parent.parent / "data/calendars/RU-LEN/2023-2024.toml"
    assert [(v.start, v.end) for v in calendar.vacations] == [
        (date(2023, 10, 28), date(2023, 11, 5)),
        (date(2023, 12, 30), date(2024, 1, 8)),
        (date(2024, 3, 23), date(2024, 3, 31)),
        (date(2024, 5, 25), date(2024, 8, 31)),  # the summer, from the day after the last lessons
    ]
    assert [v.kind for v in calendar.vacations] == ["autumn", "winter", "spring", "summer"]
    assert not calendar.is_school_day(date(2023, 10, 30))  # Monday in the autumn break


def test_counts_are_derived_from_the_days() -> None:
    calendar = load_calendar("RU-LEN", "2023-2024")
    days = calendar.school_days()
    # Counted by hand per quarter: 41 + 39 + 52 + 36 weekdays minus holidays, plus 27 April.
    assert [len(calendar.school_days(t.start, t.end)) for t in calendar.terms] == [41, 39, 52, 36]
    assert len(days) == 168
    assert sum(1 for d in days if d.weekday() == 3) == 34
    assert date(2024, 2, 23) not in days and date(2024, 3, 8) not in days


def test_six_day_week_adds_saturdays_but_never_sundays() -> None:
    five = load_calendar("RU-LEN", "2023-2024")
    six = load_calendar("RU-LEN", "2023-2024", week=6)
    assert six.is_school_day(date(2023, 9, 2)) and not five.is_school_day(date(2023, 9, 2))
    assert not six.is_school_day(date(2023, 9, 3))
    assert not six.is_school_day(date(2023, 11, 4))  # a holiday Saturday


def test_federal_default_for_the_current_year() -> None:
    calendar = load_calendar("RU-LEN", "2026-2027")
    assert calendar.federal_default and calendar.source_file is not None  # the federal dates, written out
    assert [(t.start, t.end) for t in calendar.terms] == [(t.start, t.end) for t in load_calendar("RU-TA", "2026-2027").terms]
    assert load_calendar("RU-TA", "2026-2027").source_file is None  # no file: the federal rules themselves
    assert [(t.start, t.end) for t in calendar.terms] == [
        (date(2026, 9, 1), date(2026, 10, 30)),
        (date(2026, 11, 9), date(2026, 12, 29)),
        (date(2027, 1, 11), date(2027, 3, 26)),
        (date(2027, 4, 5), date(2027, 5, 21)),
    ]
    assert date(2026, 11, 4) in [v for v in calendar.vacations[0].days()]
    assert 160 <= len(calendar.school_days()) <= 175


@pytest.mark.parametrize("first", range(2015, 2040))
def test_federal_default_is_sensible_for_any_year(first: int) -> None:
    calendar = load_calendar("RU-CHE", SchoolYear(first))
    assert calendar.terms[0].start.month == 9 and calendar.terms[0].start.weekday() < 5
    assert all(v.end.weekday() == 6 for v in (calendar.vacations[0], calendar.vacations[2]))
    assert all(later.start > earlier.end for earlier, later in pairwise(calendar.terms))
    assert 7 * 5 <= sum(1 for d in calendar.school_days(*_term(calendar, 0)))  # at least 7 weeks of lessons
    assert 155 <= len(calendar.school_days()) <= 180
    assert calendar.exam_grades_last_day and calendar.exam_grades_last_day < calendar.last_day


def _term(calendar, index):  # type: ignore[no-untyped-def]
    return calendar.terms[index].start, calendar.terms[index].end


def test_exam_grades_stop_earlier() -> None:
    calendar = load_calendar("RU-LEN", "2023-2024")
    assert calendar.is_school_day(date(2024, 5, 22), grade=8)
    assert not calendar.is_school_day(date(2024, 5, 22), grade=9)


def test_school_closures_remove_days() -> None:
    calendar = load_calendar("RU-LEN", "2023-2024").with_overrides([Period("Карантин", date(2024, 2, 5), date(2024, 2, 11))])
    assert not calendar.is_school_day(date(2024, 2, 7))
    assert len(calendar.school_days()) == 168 - 5


def _write_calendar(root: Path, body: str) -> Path:
    (root / "calendars" / "RU-LEN").mkdir(parents=True)
    (root / "calendars" / "regions.toml").write_text('[RU-LEN]\nname = "Ленинградская область"\ntimezone = "Europe/Moscow"\n')
    (root / "calendars" / "term_systems.toml").write_text((DATA / "term_systems.toml").read_text(encoding="utf-8"), encoding="utf-8")
    path = root / "calendars" / "RU-LEN" / "2023-2024.toml"
    path.write_text(body, encoding="utf-8")
    return path


TERMS = """
[[terms]]
name = "1 четверть"
start = 2023-09-01
end = 2023-10-27
[[terms]]
name = "2 четверть"
start = 2023-11-06
end = 2023-12-29
"""


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[calendar\nweek=5", "ошибка формата TOML"),
        (TERMS + '[[vacations]]\nname = "Осенние каникулы"\nstart = 2023-10-28\nend = 2023-11-05\n'
                 '[[vacations]]\nname = "Дополнительные каникулы"\nstart = 2023-11-01\nend = 2023-11-03\n',
         r"vacations\[2\] «Дополнительные каникулы» пересекается с «Осенние каникулы»"),
        (TERMS + '[[terms]]\nname = "3"\nstart = 2024-01-09\nend = 2024-09-30\n', r"terms\[3\] «3»: даты .* вне учебного года 2023-2024"),
        (TERMS + '[[vacations]]\nname = "Осенние"\nstart = 2023-10-20\nend = 2023-11-05\n',
         r"vacations\[1\] «Осенние» пересекается с периодом «1 четверть»"),
        (TERMS.replace("2023-10-27", '"27.10.2023"'), r"terms\[1\]\.end: «27\.10\.2023» не дата"),
        ("[calendar]\nweek = 7\n" + TERMS, r"calendar\.week: учебная неделя должна быть 5 или 6 дней"),
        ("[calendar]\n", r"terms: не указано ни одной четверти"),
        ("[calendar]\nweek = 5\nsorce = \"приказ\"\n" + TERMS, r"calendar\.sorce: нет такого поля; возможно, source\."),
        (TERMS.replace('name = "2 четверть"', 'name = "2 четверть"\nfinish = 2023-12-29'),
         r"terms\[2\]\.finish: нет такого поля; допустимы: name, start, end, weeks, days, source\."),
        ("[calender]\n" + TERMS, r"calender: нет такого раздела; возможно, calendar\."),
    ],
)
def test_bad_calendar_files_name_the_file_and_field(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str, message: str) -> None:
    path = _write_calendar(tmp_path, body)
    monkeypatch.setenv("PROFPLAN_DATA_DIR", str(tmp_path))
    with pytest.raises(ProfplanError, match=message) as caught:
        load_calendar("RU-LEN", "2023-2024")
    assert str(path) in str(caught.value)


def test_cli_json_lists_holidays_vacations_and_counts() -> None:
    result = CliRunner().invoke(cli, ["calendar", "--region", "RU-LEN", "--year", "2023-2024", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    holidays = {h["date"] for h in data["holidays"]}
    assert {"2023-11-04", "2023-11-06"} <= holidays
    assert data["working_weekends"] == ["2024-04-27"]
    assert {key: data["vacations"][0][key] for key in ("name", "start", "end", "kind", "days")} == {
        "name": "Осенние каникулы", "start": "2023-10-28", "end": "2023-11-05", "kind": "autumn", "days": 9}
    assert data["counts"] == {"school_days": 168, "school_thursdays": 34}
    assert data["timezone"] == "Europe/Moscow"


def test_cli_works_for_the_current_year_with_the_federal_default() -> None:
    result = CliRunner().invoke(cli, ["calendar", "--region", "RU-KGD", "--year", "2026-2027", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["federal_default"] is True and data["timezone"] == "Europe/Kaliningrad"
    assert len(data["terms"]) == 4


def test_cli_text_output_is_russian() -> None:
    result = CliRunner().invoke(cli, ["calendar", "--region", "RU-LEN", "--year", "2023-2024"])
    assert result.exit_code == 0
    assert "Учебных дней: 168; четвергов — учебных дней: 34." in result.output
    assert "Осенние каникулы" in result.output and "04.11.2023" in result.output
