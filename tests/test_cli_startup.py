"""The command line starts light, lists its commands with no arguments, and never shows a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

import cli

HEAVY = ("sqlalchemy", "sqlmodel", "alembic", "ortools", "pandas", "numpy", "openpyxl", "icalendar", "starlette",
         "uvicorn", "docx", "holidays")


def _loaded_after(code: str) -> list[str]:
    probe = f"import sys\n{code}\nprint(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    return subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split()


def test_starting_the_program_loads_no_heavy_library() -> None:
    assert _loaded_after("import cli") == []


def test_every_help_page_renders_without_loading_the_store_or_solver() -> None:
    code = (
        "import click, cli\n"
        "def walk(command, path):\n"
        "    ctx = click.Context(command, info_name=' '.join(path))\n"
        "    command.get_help(ctx)\n"
        "    for name, sub in getattr(command, 'commands', {}).items():\n"
        "        walk(sub, path + [name])\n"
        "walk(cli.cli, ['profplan'])"
    )
    assert _loaded_after(code) == []


@pytest.mark.parametrize(
    "args", [["deadline", "до 01 сентября 2023 г.", "--year", "2023-2024"], ["calendar", "--region", "RU-LEN", "--year", "2023-2024"]],
)
def test_light_commands_without_a_database_load_no_heavy_library(tmp_path: Path, args: list[str]) -> None:
    """With no profplan.db the bundled calendars apply: neither SQLAlchemy nor, once cached, `holidays` is needed.

    The first run computes the production calendar (calendars.production) and keeps it in the cache folder.
    """
    root = Path(cli.__file__).resolve().parent
    probe = (f"import sys\nsys.path.insert(0, {str(root)!r})\nsys.argv = ['profplan', *{args!r}]\nimport cli\n"
             f"try:\n    cli.main()\nexcept SystemExit:\n    pass\n"
             f"sys.stderr.write('LOADED ' + ' '.join(m for m in {HEAVY!r} if m in sys.modules))")
    environment = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    runs = [subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=tmp_path, env=environment)
            for _ in range(2)]
    assert all(run.returncode == 0 for run in runs), runs[-1].stderr
    assert runs[0].stdout == runs[1].stdout and runs[1].stdout.strip() and not (tmp_path / "profplan.db").exists()
    assert runs[1].stderr.rsplit("LOADED", 1)[1].split() == []


def test_no_arguments_prints_the_command_list() -> None:
    result = subprocess.run([sys.executable, "-c", "import cli; cli.main()"], capture_output=True, text=True)
    assert result.returncode == 0 and "Команды:" in result.stdout and "demo" in result.stdout
    assert "Ошибка" not in result.stderr


def test_an_unexpected_error_is_one_russian_line_and_a_log_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    @click.command("explode")
    def explode() -> None:
        raise RuntimeError("boom")

    monkeypatch.setitem(cli.cli.commands, "explode", explode)
    monkeypatch.setenv("PROFPLAN_LOG_DIR", str(tmp_path))
    monkeypatch.setattr(sys, "argv", ["profplan", "explode"])
    with pytest.raises(SystemExit) as exited:
        cli.main()
    assert exited.value.code == 1
    message = capsys.readouterr().err.strip()
    assert message.startswith("Ошибка: внутренняя ошибка profplan (RuntimeError)") and "Traceback" not in message
    logs = list(tmp_path.glob("profplan-crash-*.log"))
    assert len(logs) == 1 and str(logs[0]) in message
    assert "RuntimeError: boom" in logs[0].read_text(encoding="utf-8")


def test_a_report_on_a_database_that_does_not_exist_says_so_and_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "typo.db"
    result = subprocess.run([sys.executable, "-c", "import cli; cli.main()", "--db", str(missing), "overdue"],
                            capture_output=True, text=True)
    assert result.returncode == 1 and "не найдена" in result.stderr and "Traceback" not in result.stderr
    assert not missing.exists()
