"""The whole chain through the thin CLI: demo, then the commands a coordinator and the committee use."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from cli import cli


def test_demo_then_every_report_command(tmp_path: Path) -> None:
    db = str(tmp_path / "demo.db")
    runner = CliRunner()
    demo = runner.invoke(cli, ["--db", db, "demo", "--feeds-dir", str(tmp_path / "feeds"), "--time-limit", "20"])
    assert demo.exit_code == 0, demo.output
    for heading in ("1. Загрузка дорожных карт", "2. Расписание профминимума", "3. Календари для подписки",
                    "4. Контроль сроков на 15.02.2024", "Статус: оптимально"):
        assert heading in demo.output
    assert demo.output.count("http://127.0.0.1:8080/feeds/") == 4  # one subscription URL per kind
    assert len(list((tmp_path / "feeds").glob("*.ics"))) == 4

    placements = json.loads(runner.invoke(cli, ["--db", db, "timetable", "demo-kudrovo", "--class", "8А", "--json"]).output)
    assert placements and {p["class"] for p in placements} == {"8А"}
    assert {"class", "activity", "direction", "date", "start", "end", "hours", "staff", "venue", "item"} <= set(placements[0])

    compliance = json.loads(runner.invoke(cli, ["--db", db, "compliance", "demo-kudrovo", "--json"]).output)
    assert compliance["met"] is True

    overdue = json.loads(runner.invoke(cli, ["--db", db, "overdue", "--as-of", "2024-02-15", "--json"]).output)
    summary = json.loads(runner.invoke(cli, ["--db", db, "summary", "--as-of", "2024-02-15", "--json"]).output)
    assert overdue and summary

    replan = runner.invoke(cli, ["--db", db, "replan", "demo-kudrovo", "--closed", "2024-02-05:2024-02-11",
                                 "--as-of", "2024-02-01", "--time-limit", "20", "--json"])
    assert replan.exit_code == 0, replan.output
    after = json.loads(runner.invoke(cli, ["--db", db, "timetable", "demo-kudrovo", "--json"]).output)
    assert not [p for p in after if "2024-02-05" <= p["date"] <= "2024-02-11"]

    future = runner.invoke(cli, ["--db", db, "done", "2448-р_2023-10-09#3", "--on", "2999-01-01"])
    assert future.exit_code == 1 and "ещё не наступила" in str(future.exception)
