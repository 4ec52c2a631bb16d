"""The five seed roadmaps imported through the command line: tracking start, indicators, reports that fit a screen."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from rich.console import Console
from sqlmodel import select

from cli import cli
from store.db import open_store, transaction
from tracking.overdue import overdue_report, render_overdue
from tracking.tables import DeadlineOccurrence, RoadmapTracking
from tracking.values import OccurrenceKind

SEEDS = sorted((Path(__file__).resolve().parent.parent / "data" / "roadmaps").glob("*.txt"))
AS_OF = date(2024, 2, 15)
KALININGRAD = "ПД-КПО-242_2023-05-11"
LENINGRAD_2020 = "1302-б_2020-07-27"


def run(db: str, *args: str) -> Result:
    result = CliRunner().invoke(cli, ["--db", db, *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The seeds imported once with a tracking start of 01.12.2023 (the import report is checked below)."""
    db = str(tmp_path_factory.mktemp("seeds") / "seeds.db")
    result = run(db, "import", *map(str, SEEDS), "--track-from", "2023-12-01", "--json")
    assert result.exit_code == 0, result.output
    return db


def test_the_import_reports_what_tracking_did_for_each_roadmap(imported: str) -> None:
    again = run(imported, "import", *map(str, SEEDS))  # unchanged documents: nothing re-tracked
    assert again.exit_code == 0 and "Отслеживание с" not in again.output
    moved = run(imported, "import", str(SEEDS[2]), "--track-from", "2023-12-01")
    assert "без изменений" in moved.output and "Отслеживание с 01.12.2023; сроки и отчёты: новых — 0" in moved.output
    fresh = str(Path(imported).with_name("fresh.db"))
    first = run(fresh, "import", str(SEEDS[2]), "--track-from", "2023-12-01")
    assert "Отслеживание с 01.12.2023; сроки и отчёты: новых —" in first.output
    assert "Показатели: новых — 17, сохранено — 0, снято — 0." in first.output


def test_on_the_seeds_no_check_in_is_due_before_the_tracking_start(imported: str) -> None:
    engine = open_store(imported)
    report = overdue_report(engine, as_of=AS_OF)
    checkins = [row for row in report.rows() if row.kind is OccurrenceKind.CHECKIN]
    assert checkins, "the seeds have items with no fixed date"
    assert min(row.due for row in checkins) >= date(2023, 12, 1)
    with transaction(engine) as session:
        starts = set(session.exec(select(RoadmapTracking.track_from)).all())
        earliest = session.exec(select(DeadlineOccurrence.due).where(
            DeadlineOccurrence.kind == OccurrenceKind.CHECKIN, DeadlineOccurrence.active)).all()
    assert starts == {date(2023, 12, 1)} and min(earliest) >= date(2023, 12, 1)
    assert not [row for row in report.rows() if row.days_overdue > 1200]  # no «просрочено на 1233 дня» check-ins


def test_a_default_tracking_start_is_the_import_day_for_a_roadmap_whose_period_began_long_ago(tmp_path: Path) -> None:
    db = str(tmp_path / "today.db")
    run(db, "import", str(SEEDS[1]))  # the 2020–2030 Leningrad concept
    settings = json.loads(run(db, "tracking", LENINGRAD_2020, "--json").output)
    today = date.fromisoformat(settings["track_from"])
    assert abs((today - date.today()).days) <= 1 and settings["period"][0] < "2021"  # today, not 2020
    engine = open_store(db)
    with transaction(engine) as session:
        dues = session.exec(select(DeadlineOccurrence.due).where(
            DeadlineOccurrence.kind == OccurrenceKind.CHECKIN, DeadlineOccurrence.active)).all()
    assert dues and min(dues) >= today - timedelta(days=1)
    changed = run(db, "tracking", LENINGRAD_2020, "--from", "2023-09-01")
    assert "Отслеживание с 01.09.2023" in changed.output and "отслеживается с 01.09.2023" in changed.output


def test_the_overdue_report_of_the_seeds_fits_a_screen_at_100_columns(imported: str) -> None:
    console = Console(record=True, width=100)
    console.print(render_overdue(overdue_report(open_store(imported), as_of=AS_OF), 100))
    lines = console.export_text().splitlines()
    assert len(lines) <= 150 and max(len(line) for line in lines) <= 100


def test_unknown_executor_and_roadmap_exit_1_with_suggestions(imported: str) -> None:
    def profplan(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", "import cli; cli.main()", "--db", imported, *args],
                              capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent)

    typo = profplan("overdue", "--as-of", "2024-02-15", "--executor", "Комитет обшего")
    assert typo.returncode == 1 and "Traceback" not in typo.stderr
    assert "Исполнитель «Комитет обшего» не найден" in typo.stderr and "Возможно, имелось в виду: «Комитет общего" in typo.stderr
    assert "Просроченных сроков" not in typo.stdout
    roadmap = profplan("summary", "--as-of", "2024-02-15")
    assert roadmap.returncode == 0
    unknown = profplan("overdue", "--roadmap", "1302-6_2020-07-27")  # a digit 6 for the Cyrillic б
    assert unknown.returncode == 1 and f"«{LENINGRAD_2020}»" in unknown.stderr
    part = profplan("overdue", "--as-of", "2024-02-15", "--executor", "ЛОИР")
    assert part.returncode == 0 and "ЛОИРО" in part.stdout  # a part of a name that exists: a real filter


def test_an_executors_whole_name_keeps_that_executor_only(imported: str) -> None:
    engine = open_store(imported)
    part = {g.executor for g in overdue_report(engine, as_of=AS_OF, executor="общеобразовательные").executors}
    assert "Общеобразовательные организации" in part and len(part) > 1  # a part of a name: every executor containing it
    whole = overdue_report(engine, as_of=AS_OF, executor="Общеобразовательные  организации").executors
    assert {g.executor for g in whole} == {"Общеобразовательные организации"}


def test_indicators_are_stored_with_unit_planned_and_measured_and_shown_in_the_summary(imported: str) -> None:
    listing = json.loads(run(imported, "indicators", "--roadmap", KALININGRAD, "--as-of", "2024-02-15", "--json").output)
    rows = listing["indicators"]
    assert len(rows) == 17 and rows[1]["unit"] == "человек" and rows[4]["unit"] is None
    ref = rows[1]["ref"]
    assert ref == f"{KALININGRAD}#2"
    planned = run(imported, "indicator", "plan", ref, "--baseline", "120", "--target", "2024=150", "--target", "2025=180")
    assert "базовое 120 человек; цели — 2024: 150 человек, 2025: 180 человек." in planned.output
    measured = run(imported, "indicator", "set", ref, "135,5", "--on", "2024-01-31", "--by", "Комитет")
    assert "факт 135,5 человек на 31.01.2024; цель 2024: 150 человек." in measured.output
    shown = json.loads(run(imported, "indicators", "--as-of", "2024-02-15", "--json").output)["indicators"][1]
    assert (shown["baseline"], shown["target"], shown["actual"]["value"], shown["actual"]["on_date"]) == (
        120, 150, 135.5, "2024-01-31")
    summary = json.loads(run(imported, "summary", "--as-of", "2024-02-15", "--json").output)
    assert summary["indicators"][1]["actual"]["value"] == 135.5
    assert "Показатели дорожных карт" in run(imported, "summary", "--as-of", "2024-02-15").output
    bad = CliRunner().invoke(cli, ["--db", imported, "indicator", "set", ref, "много"])
    assert bad.exit_code == 2 and "ожидается число" in bad.output
    unknown = CliRunner().invoke(cli, ["--db", imported, "indicator", "set", f"{KALININGRAD}#99", "1"])
    assert unknown.exit_code == 1 and "не найден" in str(unknown.exception)
    future = CliRunner().invoke(cli, ["--db", imported, "indicator", "set", ref, "1", "--on", "2999-01-01"])
    assert future.exit_code == 1 and "ещё не наступила" in str(future.exception)


def test_a_reimported_document_keeps_indicator_values(imported: str, tmp_path: Path) -> None:
    changed = tmp_path / SEEDS[2].name
    changed.write_text(SEEDS[2].read_text(encoding="utf-8").replace("Принятие управленческих", "Принятие решений"),
                       encoding="utf-8")
    run(imported, "indicator", "set", f"{KALININGRAD}#3", "42", "--on", "2024-02-01")
    result = run(imported, "import", str(changed), "--json")
    [report] = json.loads(result.output)
    assert report["changed"] and report["tracking"]["indicators"] == {"created": 0, "kept": 17, "retired": 0}
    row = json.loads(run(imported, "indicators", "--roadmap", KALININGRAD, "--json").output)["indicators"][2]
    assert row["actual"]["value"] == 42


def test_checkins_are_set_on_the_command_line_for_a_roadmap_or_one_item(imported: str) -> None:
    monthly = run(imported, "checkins", KALININGRAD, "--every", "month")
    assert monthly.exit_code == 0 and f"дорожной карты {KALININGRAD}: ежемесячно" in monthly.output
    item = run(imported, "checkins", f"{KALININGRAD}#1", "--every", "none", "--json")
    assert json.loads(item.output)["effective"] == "none"
    back = run(imported, "checkins", f"{KALININGRAD}#1", "--as-roadmap")
    assert "как у дорожной карты (ежемесячно)" in " ".join(back.output.split())
    both = CliRunner().invoke(cli, ["--db", imported, "checkins", KALININGRAD, "--every", "month", "--as-roadmap"])
    assert both.exit_code == 2
    unknown = CliRunner().invoke(cli, ["--db", imported, "checkins", KALININGRAD, "--every", "weekly"])
    assert unknown.exit_code == 2 and "weekly" in unknown.output
    run(imported, "checkins", KALININGRAD, "--every", "quarter")
