"""Importing the real seed roadmaps into the store: every row, idempotent, transactional, .docx = .txt."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx_fixtures import build_docx
from sqlmodel import func, select

from calendars.academic import load_calendar
from calendars.errors import ProfplanError
from cli import cli
from roadmaps.importer import import_documents
from roadmaps.queries import list_executors, list_items
from roadmaps.tables import Executor, Item, Roadmap
from store.db import open_store, transaction
from tracking.imports import ImportTracker
from tracking.tables import DeadlineOccurrence

SEEDS = sorted((Path(__file__).resolve().parent.parent / "data" / "roadmaps").glob("*.txt"))
# Item rows per document, counted by hand in tests/test_reader.py (section rows and page headers excluded).
ROWS = {"000": 44, "001": 34, "002": 52, "003": 46, "004": 40}


def _count(engine, model) -> int:  # type: ignore[no-untyped-def]
    with transaction(engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def test_all_seeds_import_with_every_row_and_no_review(db_url: str) -> None:
    engine = open_store(db_url)
    reports = import_documents(engine, SEEDS, on_stored=ImportTracker(date(2023, 9, 1)))
    assert {r.source[:3]: r.rows for r in reports} == ROWS
    assert [r.needs_review for r in reports] == [[]] * 5
    assert _count(engine, Item) == sum(ROWS.values())
    with transaction(engine) as session:
        regions = dict(session.exec(select(Roadmap.key, Roadmap.region)).all())
        assert regions == {
            "2448-р_2023-10-09": "RU-LEN",
            "1302-б_2020-07-27": "RU-LEN",
            "ПД-КПО-242_2023-05-11": "RU-KGD",
            "003_95c3605fb32b2d2e": "RU-LIP",
            "1828-у_2023-08-07": "RU-CHE",
        }
        # Row 17 of the Leningrad plan is the weekly Thursday course: one occurrence per school Thursday,
        # none on the 9 May holiday (a Thursday in 2024) or in vacations of RU-LEN's calendar.
        course = next(i for i in list_items(session, roadmap="2448-р_2023-10-09") if i.number == "17")
        assert course.kind == "recurring" and "четверг" in course.deadline_text
        row = session.get(Item, course.id)
        assert row is not None
        occurrences = session.exec(select(DeadlineOccurrence).where(DeadlineOccurrence.item_id == row.id)).all()
        calendar = load_calendar("RU-LEN", "2023-2024")
        assert all(o.due.weekday() == 3 and calendar.is_school_day(o.due) for o in occurrences) and len(occurrences) == 29
        assert date(2024, 5, 9) not in {o.due for o in occurrences}


def test_reimport_changes_nothing(db_url: str) -> None:
    engine = open_store(db_url)
    import_documents(engine, SEEDS)
    before = (_count(engine, Item), _count(engine, Executor))
    again = import_documents(engine, SEEDS)
    assert all(r.unchanged for r in again)
    assert (_count(engine, Item), _count(engine, Executor)) == before


def test_changed_document_updates_its_items_and_says_what_changed(tmp_path: Path) -> None:
    engine = open_store(tmp_path / "p.db")
    source = tmp_path / "000.txt"
    shutil.copy(SEEDS[0], source)
    import_documents(engine, [source])
    text = source.read_text(encoding="utf-8")
    assert "еженедельно по четвергам" in text
    source.write_text(text.replace("еженедельно по четвергам", "ежемесячно", 1), encoding="utf-8")
    report = import_documents(engine, [source])[0]
    assert not report.unchanged and report.added == [] and report.removed == []
    assert len(report.changed) == 1 and report.changed[0].startswith("17 ")
    with transaction(engine) as session:
        item = next(i for i in list_items(session) if i.number == "17")
        assert "ежемесячно" in item.deadline_text
    assert _count(engine, Item) == ROWS["000"]


def test_a_bad_file_in_the_batch_writes_nothing(tmp_path: Path) -> None:
    engine = open_store(tmp_path / "p.db")
    bad = tmp_path / "empty.txt"
    bad.write_text("Просто текст без таблицы.\n", encoding="utf-8")
    with pytest.raises(ProfplanError, match="empty.txt"):
        import_documents(engine, [SEEDS[0], bad])
    assert _count(engine, Roadmap) == 0 and _count(engine, Item) == 0


def test_docx_versions_import_to_the_same_items(tmp_path: Path) -> None:
    txt_engine = open_store(tmp_path / "txt.db")
    docx_engine = open_store(tmp_path / "docx.db")
    import_documents(txt_engine, SEEDS)
    import_documents(docx_engine, [build_docx(seed, tmp_path / f"{seed.stem}.docx") for seed in SEEDS])

    def shape(engine):  # type: ignore[no-untyped-def]
        with transaction(engine) as session:
            return [(i.roadmap, i.number, i.title, i.deadline_text, i.kind, i.start, i.end, i.executors) for i in list_items(session)]

    assert shape(docx_engine) == shape(txt_engine)


def test_executors_are_deduplicated_across_documents(tmp_path: Path) -> None:
    engine = open_store(tmp_path / "p.db")
    import_documents(engine, SEEDS)
    with transaction(engine) as session:
        rows = list_executors(session)
    names = [r.name for r in rows]
    assert len(names) == len(set(names))
    loiro = [r for r in rows if "ЛОИРО" in r.name or "Ленинградский областной институт развития образования" in r.name]
    assert len(loiro) == 1 and set(loiro[0].roadmaps) == {"2448-р_2023-10-09", "1302-б_2020-07-27"}


def test_cli_import_json_and_items_filter(tmp_path: Path) -> None:
    db = str(tmp_path / "p.db")
    runner = CliRunner()
    result = runner.invoke(cli, ["--db", db, "import", str(SEEDS[0]), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)[0]["rows"] == 44
    result = runner.invoke(cli, ["--db", db, "items", "--executor", "ЛОИРО", "--json"])
    items = json.loads(result.output)
    assert items and all(any("ЛОИРО" in e or "институт развития" in e for e in i["executors"]) for i in items)


def test_deadline_per_quarter_of_the_region() -> None:
    result = CliRunner().invoke(
        cli, ["deadline", "не реже 1 раза в четверть", "--year", "2023-2024", "--region", "RU-LEN", "--json"]
    )
    data = json.loads(result.output)
    assert data["kind"] == "recurring"
    assert data["occurrences"] == [
        {"start": "2023-09-01", "due": "2023-10-27"},
        {"start": "2023-11-06", "due": "2023-12-29"},
        {"start": "2024-01-09", "due": "2024-03-22"},
        {"start": "2024-04-01", "due": "2024-05-24"},
    ]


def test_deadline_every_thursday_of_the_span() -> None:
    text = "сентябрь 2023 г. – май 2024 г. (еженедельно по четвергам)"
    data = json.loads(CliRunner().invoke(cli, ["deadline", text, "--year", "2023-2024", "--json"]).output)
    dues = [o["due"] for o in data["occurrences"]]
    assert data["text"] == text and data["start"] == "2023-09-07" and data["end"] == "2024-05-30"  # first and last Thursday
    assert dues[0] == "2023-09-07" and dues[-1] == "2024-05-30" and len(dues) == 39


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", "import cli; cli.main()", *args], capture_output=True, text=True)


def test_exit_codes_and_russian_usage_errors() -> None:
    missing = _run("calendar", "--region", "RU-LEN")
    assert missing.returncode == 2 and "Не указан параметр '--year'" in missing.stderr
    unknown = _run("calendar", "--region", "RU-XX", "--year", "2023-2024")
    assert unknown.returncode == 1 and unknown.stderr.startswith("Ошибка: Неизвестный регион «RU-XX»")
    assert "Traceback" not in unknown.stderr
