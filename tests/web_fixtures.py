"""Fixtures of the web tests, loaded with `pytest_plugins = ["web_fixtures"]`.

`web_engine` is the seeded store on SQLite (a copy of one built per run),
`web_store` the same on SQLite and PostgreSQL, `committee_store` an empty
store with the committee accounts only, on both.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright
from services import unavailable
from sqlalchemy.engine import Engine
from web_helpers import CHROMIUM, CHROMIUM_FLAGS, SCHOOL, add_accounts, seed_store, server

from scheduler.service import schedule
from store.db import open_store


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeded SQLite store, built once per test run."""
    folder = tmp_path_factory.mktemp("seeded")
    seed_store(f"sqlite:///{folder / 'seeded.db'}", folder).dispose()
    return folder / "seeded.db"


@pytest.fixture
def web_engine(seeded_template: Path, tmp_path: Path) -> Iterator[Engine]:
    """A fresh copy of the seeded store on SQLite."""
    shutil.copyfile(seeded_template, tmp_path / "profplan.db")
    engine = open_store(f"sqlite:///{tmp_path / 'profplan.db'}")
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def web_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """The seeded store on SQLite (a copy) and on a scratch PostgreSQL database (seeded afresh)."""
    if request.param == "sqlite":
        yield request.getfixturevalue("web_engine")
        return
    engine = seed_store(request.getfixturevalue("pg_url"), tmp_path)
    yield engine
    engine.dispose()


@pytest.fixture
def committee_store(db_url: str) -> Iterator[Engine]:
    """An empty store with the two committee accounts, on SQLite and PostgreSQL (for what needs no data)."""
    engine = open_store(db_url)
    add_accounts(engine, with_schools=False)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def planned_template(seeded_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeded store with the demo school's year planned by the real solver (a fixed seed), built once."""
    folder = tmp_path_factory.mktemp("planned")
    shutil.copyfile(seeded_template, folder / "planned.db")
    engine = open_store(f"sqlite:///{folder / 'planned.db'}")
    result = schedule(engine, SCHOOL, time_limit=10, seed=0, workers=1)
    assert result.ok, result.solution.message
    engine.dispose()
    return folder / "planned.db"


@pytest.fixture
def planned_engine(planned_template: Path, tmp_path: Path) -> Iterator[Engine]:
    """A fresh copy of the seeded store with the demo school's timetable."""
    shutil.copyfile(planned_template, tmp_path / "profplan.db")
    engine = open_store(f"sqlite:///{tmp_path / 'profplan.db'}")
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    """Debian's Chromium driven by Playwright (its own browser download cannot work here): skipped on a
    developer's machine without it, a failure under CI."""
    if not Path(CHROMIUM).exists():
        unavailable(f"Chromium не установлен ({CHROMIUM}): apt-get install -y chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def site(web_engine: Engine) -> Iterator[str]:
    """The whole app over the seeded store, on real uvicorn."""
    with server(web_engine) as url:
        yield url
