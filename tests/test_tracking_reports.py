"""Overdue report, committee summary and their CSV/XLSX exports, on several report dates."""

from __future__ import annotations

import csv
import json
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from rich.console import Console
from sqlalchemy.engine import Engine

from store.db import transaction
from tests.tracking_helpers import KOMITET, LEN_KEY, LOIRO, MOUO, Row, add_roadmap, emptied, seed_len, store  # noqa: F401 - store is the module fixture
from tracking.clock import AsOf, today_in
from tracking.errors import TrackingError, UnknownItemError
from tracking.export import export_csv, export_xlsx
from tracking.overdue import OverdueReport, due_rows, overdue_report, render_overdue
from tracking.status import mark_done
from tracking.summary import render_summary, summary

CHE_KEY = "CHE-1828-у"
CHE_KOMITET = "Комитет по делам образования города Челябинска"


@pytest.fixture
def engine(store: Engine) -> Engine:  # noqa: F811 - the imported module fixture
    engine = emptied(store)
    seed_len(engine)
    with transaction(engine) as session:
        add_roadmap(session, CHE_KEY, [Row("1.1", "Ярмарка профессий", "Октябрь", [CHE_KOMITET])],
                    region="RU-CHE", controller="заместителя председателя Комитета Л.Ю. Манекину")
    return engine


def _listing(report: OverdueReport) -> list[tuple[str, str, int]]:
    """(executor, item, days overdue) in report order."""
    return [(g.executor, r.item, r.days_overdue) for g in report.executors for r in (*g.overdue, *g.soon)]


def _text(renderable: object, width: int = 100) -> str:
    console = Console(record=True, width=width)
    console.print(renderable)
    return console.export_text()


def _flat(text: str) -> str:
    """The text with line breaks as spaces, to find phrases a terminal wrapped."""
    return " ".join(text.split())


def test_overdue_on_the_first_of_november_per_executor_most_urgent_first(engine: Engine) -> None:
    report = overdue_report(engine, as_of=date(2023, 11, 1))
    assert _listing(report) == [  # executors with the most overdue first, each one's rows most overdue first
        (MOUO, f"{LEN_KEY}#3", 5),  # parent meetings, first term ended 27.10
        (MOUO, f"{LEN_KEY}#2", 1),
        (KOMITET, f"{LEN_KEY}#1", 1),
        (KOMITET, f"{LEN_KEY}#2", 1),
        (LOIRO, f"{LEN_KEY}#6", 32),  # the quarterly check-in of "Постоянно", due 30.09
        (CHE_KOMITET, f"{CHE_KEY}#1", 1),
    ]
    assert [(entry.first.item, entry.executors) for entry in report.urgent()][:2] == [
        (f"{LEN_KEY}#6", (LOIRO,)), (f"{LEN_KEY}#3", (MOUO,))]  # the urgent list: each occurrence once
    assert [entry.executors for entry in report.urgent() if entry.first.item == f"{LEN_KEY}#2"] == [(KOMITET, MOUO)]
    [row] = next(group for group in report.executors if group.executor == LOIRO).overdue
    assert (row.kind, row.due, row.title, row.deadline_text) == ("checkin", date(2023, 9, 30),
                                                                  "Информационное сопровождение", "Постоянно")
    assert row.controller == "первого заместителя председателя комитета"
    assert all(not group.soon for group in report.executors)


def test_due_soon_is_listed_apart_and_done_occurrences_disappear(engine: Engine) -> None:
    report = overdue_report(engine, as_of=date(2023, 10, 25), soon=7)
    mouo = next(g for g in report.executors if g.executor == MOUO)
    assert [(r.item, r.days_overdue) for r in mouo.soon] == [(f"{LEN_KEY}#3", -2), (f"{LEN_KEY}#2", -6)]
    assert mouo.overdue == [] and mouo.soon[0].state == "через 2 дня"

    mark_done(engine, f"{LEN_KEY}:1", on=date(2023, 10, 24), by="Петрова")
    later = overdue_report(engine, as_of=date(2023, 11, 1), executor="комитет общего")
    assert _listing(later) == [(KOMITET, f"{LEN_KEY}#2", 1)]


def test_nothing_is_overdue_early_in_the_year_and_filters_narrow_the_report(engine: Engine) -> None:
    assert overdue_report(engine, as_of=date(2023, 9, 10)).executors == []
    soon = overdue_report(engine, as_of=date(2023, 9, 15), soon=15)
    assert _listing(soon) == [(LOIRO, f"{LEN_KEY}#6", -15)]
    quiet = _text(render_overdue(overdue_report(engine, as_of=date(2023, 9, 10)), 100))
    assert "Просроченных сроков и сроков в ближайшие дни нет" in quiet and f"{LEN_KEY} (с 01.09.2023)" in _flat(quiet)
    only_che = overdue_report(engine, as_of=date(2024, 1, 10), roadmap=CHE_KEY)
    assert {g.executor for g in only_che.executors} == {CHE_KOMITET}
    assert {g.executor for g in overdue_report(engine, as_of=date(2024, 1, 10), executor="ЛОИРО").executors} == {LOIRO}


def test_each_region_is_reported_on_its_own_date(engine: Engine) -> None:
    """At 23:30 in Moscow it is already the next day in Chelyabinsk."""
    as_of = AsOf({"RU-LEN": date(2023, 10, 31), "RU-CHE": date(2023, 11, 1)})
    with transaction(engine) as session:
        rows = {(r.roadmap_key, r.days_overdue) for r in due_rows(session, as_of, 0) if r.due == date(2023, 10, 31)}
    assert rows == {(LEN_KEY, 0), (CHE_KEY, 1)}
    assert as_of.describe() == "01.11.2023 (RU-CHE), 31.10.2023 (RU-LEN)"


def test_report_renders_in_russian_and_serialises_to_json(engine: Engine) -> None:
    report = overdue_report(engine, as_of=date(2023, 11, 1))
    text = _text(render_overdue(report, 100))
    assert "Просроченные сроки на 01.11.2023" in text and "просрочено на" in text and "32 дня" in text
    assert "30.09.2023" in text and "отчёт" in text
    assert f"дорожные карты (2, в скобках — начало отслеживания): {CHE_KEY} (с 01.09.2023), {LEN_KEY}" in _flat(text)
    data = json.loads(json.dumps(report.to_json(), ensure_ascii=False))
    loiro = next(group for group in data["executors"] if group["executor"] == LOIRO)
    assert data["as_of"] == "2023-11-01" and loiro["overdue"][0]["days_overdue"] == 32 and loiro["overdue_count"] == 1


def test_summary_counts_per_roadmap_and_executor(engine: Engine) -> None:
    mark_done(engine, f"{LEN_KEY}:1", on=date(2023, 10, 30))
    mark_done(engine, f"{LEN_KEY}:40", occurrence="1", on=date(2023, 10, 30))  # three days late
    result = summary(engine, as_of=date(2023, 11, 1))
    by_roadmap = {row.name: row.counts.to_json() for row in result.roadmaps}
    assert by_roadmap[f"Дорожная карта {LEN_KEY}"] == {
        "total": 14, "done": 2, "on_time": 1, "overdue": 2, "due_soon": 0, "planned": 0, "no_fixed_date": 1}
    by_executor = {row.name: row.counts.to_json() for row in result.executors}
    assert by_executor[KOMITET] == {"total": 3, "done": 1, "on_time": 1, "overdue": 1, "due_soon": 0, "planned": 0,
                                    "no_fixed_date": 0}
    assert by_executor[LOIRO] == {"total": 7, "done": 0, "on_time": 0, "overdue": 1, "due_soon": 0, "planned": 0,
                                  "no_fixed_date": 1}
    assert by_executor[MOUO]["overdue"] == 1 and by_executor[MOUO]["done"] == 1
    text = _flat(_text(render_summary(result, 100)))
    assert "Без срока" in text and "в плане — открытые сроки" in text and f"{LEN_KEY} (с 01.09.2023)" in text
    assert json.loads(json.dumps(result.to_json()))["roadmaps"][0]["overdue"] == 2


def test_csv_export_opens_in_a_russian_spreadsheet(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "overdue.csv"
    assert export_csv(overdue_report(engine, as_of=date(2023, 11, 1)), path) == 6
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert rows[0][:5] == ["Дорожная карта", "Исполнитель", "Мероприятие", "№", "Наименование"]
    assert rows[1][1:3] == [LOIRO, f"{LEN_KEY}#6"] and "2023-09-30" in rows[1]


def test_xlsx_has_a_sheet_per_roadmap_russian_headers_frozen_row_and_real_dates(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "overdue.xlsx"
    export_xlsx(overdue_report(engine, as_of=date(2023, 11, 1)), path)
    book = load_workbook(path)
    assert book.sheetnames == [LEN_KEY, CHE_KEY]
    sheet = book[LEN_KEY]
    headers = [cell.value for cell in sheet[1]]
    assert headers[:3] == ["Дорожная карта", "Исполнитель", "Мероприятие"] and "Срок" in headers
    assert sheet.freeze_panes == "A2"
    due = sheet.cell(row=2, column=headers.index("Срок") + 1)
    assert isinstance(due.value, datetime) and due.value.date() == date(2023, 9, 30)
    assert due.number_format == "DD.MM.YYYY"
    assert sheet.cell(row=2, column=headers.index("Дней просрочки") + 1).value == 32
    assert sheet.max_row == 1 + 5


def test_xlsx_of_an_empty_report_still_opens(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    export_xlsx(overdue_report(engine, as_of=date(2023, 9, 10)), path)
    assert load_workbook(path).sheetnames == ["Нет просрочек"]


def test_bad_report_arguments_are_russian_errors(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(TrackingError, match="--soon: число дней не может быть отрицательным"):
        overdue_report(engine, as_of=date(2023, 11, 1), soon=-1)
    with pytest.raises(TrackingError, match="--soon"):
        summary(engine, as_of=date(2023, 11, 1), soon=-3)
    with pytest.raises(UnknownItemError, match="Дорожная карта «нет» не найдена.*Загруженные: "):
        overdue_report(engine, roadmap="нет")
    with pytest.raises(TrackingError, match="Не удалось записать файл .*нет-папки"):
        export_xlsx(overdue_report(engine, as_of=date(2023, 11, 1)), tmp_path / "нет-папки" / "x.xlsx")


def test_without_a_date_each_region_reports_on_its_own_today(engine: Engine) -> None:
    before = {code: today_in(code) for code in ("RU-LEN", "RU-CHE")}
    report = overdue_report(engine)
    after = {code: today_in(code) for code in ("RU-LEN", "RU-CHE")}
    assert report.as_of.dates in (before, after)  # equal unless midnight passed in between


def test_an_unknown_executor_or_roadmap_is_an_error_with_the_closest_names_never_an_all_clear(engine: Engine) -> None:
    with pytest.raises(UnknownItemError, match="Исполнитель «ЛОИР0» не найден.*Возможно, имелось в виду: «ЛОИРО»"):
        overdue_report(engine, as_of=date(2023, 11, 1), executor="ЛОИР0")
    with pytest.raises(UnknownItemError, match=f"Дорожная карта «CHE-1828-y» не найдена.*«{CHE_KEY}»"):
        overdue_report(engine, as_of=date(2023, 11, 1), roadmap="CHE-1828-y")
    # A known executor with nothing due is a true "nothing due", not an error.
    assert overdue_report(engine, as_of=date(2023, 9, 10), executor="лоиро").executors == []


def test_each_row_of_the_terminal_report_takes_one_or_two_lines_at_100_columns(engine: Engine) -> None:
    with transaction(engine) as session:
        add_roadmap(session, "LONG", [Row(str(n), "Очень длинное наименование мероприятия " * 6, "сентябрь 2023 г.",
                                         [f"Исполнитель с длинным названием номер {n} " * 3]) for n in range(1, 15)])
    report = overdue_report(engine, as_of=date(2023, 11, 1))
    total = len(report.urgent())
    lines = _text(render_overdue(report, 100)).splitlines()
    assert max(len(line) for line in lines) <= 100
    start = next(i for i, line in enumerate(lines) if line.startswith(f"Самые срочные: 10 из {total} (все — --all")) + 3
    body = lines[start:start + 20]
    assert sum(line.startswith("просрочено на") for line in body) == 10  # ten rows in twenty lines
    assert body[-1].startswith("32 дня") or body[-1].startswith("1 день")  # the tenth row's second line ends there
    assert any("мероприятия Очень длинное…" in line for line in body)  # the second line cut at a word
    everything = _text(render_overdue(report, 100, limit=None))
    assert f"Самые срочные: {total} из {total} Состояние" in _flat(everything)
    assert "Самые срочные: 3 из" in _text(render_overdue(report, 100, limit=3))


def test_the_summary_shows_the_most_overdue_executors_up_to_the_limit(engine: Engine) -> None:
    report = summary(engine, as_of=date(2023, 11, 1))
    text = _text(render_summary(report, 100, limit=2))
    assert f"По исполнителям: 2 из {len(report.executors)}" in _flat(text) and "--all" in text
    assert [row.name for row in report.executors[:2]] == [KOMITET, MOUO]  # two overdue each, more than the others
    assert max(len(line) for line in text.splitlines()) <= 100
