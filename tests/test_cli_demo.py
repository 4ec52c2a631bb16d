"""The whole chain through the thin CLI: demo, then the commands a coordinator and the committee use."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import icalendar
from click.testing import CliRunner
from rich.console import Console
from sqlmodel import col, select

from cli import cli
from scheduler.tables import StoredPlacement, Timetable
from store.db import open_store, transaction
from tracking.overdue import overdue_report, render_overdue
from tracking.tables import DeadlineOccurrence

HEADINGS = ("1. Загрузка дорожных карт", "2. Расписание профминимума", "3. Календари для подписки",
            "4. Контроль сроков на 15.02.2024")
SCREEN = 45  # lines a step may take: one screen


def test_demo_then_every_report_command(tmp_path: Path) -> None:
    db = str(tmp_path / "demo.db")
    runner = CliRunner(env={"PROFPLAN_FEEDS_KEY_FILE": str(tmp_path / "feeds.key")})
    demo = runner.invoke(cli, ["--db", db, "demo", "--feeds-dir", str(tmp_path / "feeds"), "--time-limit", "20"])
    assert demo.exit_code == 0, demo.output
    steps = [demo.output.index(heading) for heading in HEADINGS]
    assert steps == sorted(steps)
    assert "Статус: оптимально" in demo.output or "Статус: допустимо, не хуже границы на" in demo.output
    for start, end in zip(steps, [*steps[1:], len(demo.output)], strict=True):
        assert demo.output[start:end].count("\n") <= SCREEN, demo.output[start:start + 60]
    flat = " ".join(demo.output.split())
    for meaning in ("Пункт — строка плана", "Штраф — сумма нарушений", "Всего — сроки и отчёты", "в плане — открытые сроки"):
        assert meaning in flat
    urls = re.findall(r"http://127\.0\.0\.1:8080/feeds/([A-Za-z0-9_-]+)\.ics", demo.output)
    assert len(urls) == 4  # one subscription URL per kind
    assert sorted(path.name for path in (tmp_path / "feeds").glob("*.ics")) == sorted(f"{token}.ics" for token in urls)
    class_token = urls[1]

    placements = json.loads(runner.invoke(cli, ["--db", db, "timetable", "demo-kudrovo", "--class", "8А", "--json"]).output)
    assert placements and {p["class"] for p in placements} == {"8А"}
    assert {"class", "activity", "direction", "date", "start", "end", "hours", "staff", "venue", "item"} <= set(placements[0])

    for option, typo, hint in (("--class", "8В", "«8Б»"), ("--staff", "Иванова М.П.", "«Иванова М. П.»")):
        wrong = runner.invoke(cli, ["--db", db, "timetable", "demo-kudrovo", option, typo])
        assert wrong.exit_code == 1 and f"Возможно, имелось в виду: {hint}" in str(wrong.exception)

    compliance = json.loads(runner.invoke(cli, ["--db", db, "compliance", "demo-kudrovo", "--json"]).output)
    assert compliance["met"] is True

    overdue = json.loads(runner.invoke(cli, ["--db", db, "overdue", "--as-of", "2024-02-15", "--json"]).output)
    summary = json.loads(runner.invoke(cli, ["--db", db, "summary", "--as-of", "2024-02-15", "--json"]).output)
    rows = [row for group in overdue["executors"] for row in (*group["overdue"], *group["soon"])]
    course = [row for row in rows if "Россия – мои горизонты" in row["title"]]
    assert course and all(row["planned"][0]["school_id"] == "demo-kudrovo" for row in course)  # planned, still overdue
    leningrad = next(row for row in summary["roadmaps"] if row["key"] == "2448-р_2023-10-09")
    assert leningrad["planned"] >= len({row["occurrence_id"] for row in course}) and leningrad["done"] == 3
    assert all(row["due"] >= "2023-09-01" for row in rows if row["kind"] == "checkin")  # nothing before tracking start

    terminal = runner.invoke(cli, ["--db", db, "overdue", "--as-of", "2024-02-15"], terminal_width=100)
    console = Console(record=True, width=100)
    console.print(render_overdue(overdue_report(open_store(db, create=False), as_of=date(2024, 2, 15)), 100))
    lines = console.export_text().splitlines()
    assert terminal.exit_code == 0 and len(lines) <= 150 and max(len(line) for line in lines) <= 100

    class_feed = icalendar.Calendar.from_ical((tmp_path / "feeds" / f"{class_token}.ics").read_bytes())
    summaries = [str(event["SUMMARY"]) for event in class_feed.walk("VEVENT")]
    assert not [text for text in summaries if text.startswith("Срок: Проведение курса")]  # the course is its series
    assert [event for event in class_feed.walk("VEVENT") if "RRULE" in event]
    located = {str(event["LOCATION"]) for event in class_feed.walk("VEVENT") if "LOCATION" in event}
    assert located and all("Пражская ул., 1" in text and "Кудровский центр образования" in text for text in located)
    engine = open_store(db, create=False)
    deadlines = [e for e in class_feed.walk("VEVENT") if str(e["UID"]).startswith(("occurrence-", "window-"))]
    with transaction(engine) as session:
        days = session.exec(select(StoredPlacement.item_id, StoredPlacement.day).join(Timetable).where(
            col(Timetable.current), StoredPlacement.class_name == "10А", col(StoredPlacement.item_id).is_not(None))).all()
        for event in deadlines:  # every deadline or window in a class feed is one the class's own sessions serve
            occurrence = session.get_one(DeadlineOccurrence, int(str(event["UID"]).split("-")[1].split("@")[0]))
            assert occurrence.kind == "deadline", str(event["SUMMARY"])
            assert any(item == occurrence.item_id and (occurrence.start or day) <= day <= occurrence.due
                       for item, day in days), str(event["SUMMARY"])
    assert len(deadlines) < 15, [str(event["SUMMARY"]) for event in deadlines]  # not the 39 organisation-wide ones

    replan = runner.invoke(cli, ["--db", db, "replan", "demo-kudrovo", "--closed", "2024-02-05:2024-02-11",
                                 "--as-of", "2024-02-01", "--time-limit", "20", "--json"])
    assert replan.exit_code == 0, replan.output
    after = json.loads(runner.invoke(cli, ["--db", db, "timetable", "demo-kudrovo", "--json"]).output)
    assert not [p for p in after if "2024-02-05" <= p["date"] <= "2024-02-11"]

    todos = runner.invoke(cli, ["--db", db, "subscribe", "--class", "demo-kudrovo/8А", "--deadlines-as", "todos"])
    assert todos.exit_code == 0 and "не показывают задачи (VTODO)" in " ".join(todos.output.split())
    old_token = re.findall(r"/feeds/([A-Za-z0-9_-]+)\.ics", todos.output)[0]
    rotated = runner.invoke(cli, ["--db", db, "subscription", "rotate", old_token[:8], "--json"])
    assert rotated.exit_code == 0, rotated.output
    new_token = json.loads(rotated.output)["token"]
    assert new_token != old_token and json.loads(rotated.output)["target"] == "demo-kudrovo/8А"
    exported = runner.invoke(cli, ["--db", db, "feeds", "export", str(tmp_path / "feeds")])
    assert exported.exit_code == 0 and "удалено файлов отозванных и заменённых подписок: 0" in exported.output
    names = {path.name for path in (tmp_path / "feeds").glob("*.ics")}
    assert f"{new_token}.ics" in names and f"{old_token}.ics" not in names and len(names) == 5
    missing = runner.invoke(cli, ["--db", str(tmp_path / "typo.db"), "indicators"])
    assert missing.exit_code == 1 and not (tmp_path / "typo.db").exists()

    future = runner.invoke(cli, ["--db", db, "done", "2448-р_2023-10-09#3", "--on", "2999-01-01"])
    assert future.exit_code == 1 and "ещё не наступила" in str(future.exception)
