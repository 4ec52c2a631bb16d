"""`profplan demo` run twice on one database leaves it exactly as the first run did."""

from __future__ import annotations

from pathlib import Path

from cli_helpers import fingerprint, run


def test_a_second_demo_changes_nothing(tmp_path: Path) -> None:
    database = tmp_path / "profplan.db"
    first = run("demo", "--time-limit", "10", db=database, logs=tmp_path / "logs", cwd=tmp_path).ok()
    assert first.count("http://127.0.0.1:8080/feeds/") == 4
    after_first = fingerprint(database)
    second = run("demo", "--time-limit", "10", db=database, logs=tmp_path / "logs", cwd=tmp_path).ok()
    assert fingerprint(database) == after_first
    assert "Расписание уже составлено" in second and second.count("подписка уже есть") == 4
    assert "уже отмечены выполненными при первом запуске" in second
    assert "без изменений" in second
