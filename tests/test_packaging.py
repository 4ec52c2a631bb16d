"""The wheel carries what an installed profplan needs: its code, migrations, the data folder and the web files.

The wheel is built from a copy of the repository's tracked files (plus a
stand-in `web/` package, whose templates and static files must ship by the
generic package-data rules), with this environment's setuptools. `.ci/run`
goes further: it installs the wheel in a fresh venv and runs the demo.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from cli_helpers import ROOT


def test_the_wheel_ships_data_migrations_and_web_files(tmp_path: Path) -> None:
    source = tmp_path / "source"
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    for name in tracked:
        target = source / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    web = source / "web"
    if not (web / "__init__.py").exists():
        (web / "templates" / "pages").mkdir(parents=True)
        (web / "static" / "css").mkdir(parents=True)
        (web / "__init__.py").write_text('"""Stand-in web package."""\n', encoding="utf-8")
        (web / "templates" / "pages" / "index.html").write_text("<p>Привет</p>\n", encoding="utf-8")
        (web / "static" / "css" / "site.css").write_text("p { color: black; }\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(tmp_path / "dist"),
                    str(source)], check=True, capture_output=True)
    [wheel] = (tmp_path / "dist").glob("profplan-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())

    data = {name.removeprefix("data/") for name in tracked if name.startswith("data/")}
    assert {f"profplan_data/{name}" for name in data if not name.endswith(".po")} <= names
    migrations = {name for name in tracked if name.startswith("store/migrations/")}
    assert migrations <= names
    assert {"cli.py", "commands/demo.py", "calendars/deadlines/grammar.py"} <= names
    web_files = {str(path.relative_to(source)) for folder in ("templates", "static") for path in (web / folder).rglob("*")
                 if path.is_file()}
    assert web_files and {"web/__init__.py", *web_files} <= names
    entry_points = next(name for name in names if name.endswith("entry_points.txt"))
    assert "profplan = cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
