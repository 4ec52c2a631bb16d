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
from sqlalchemy.engine import Engine
from web_helpers import add_accounts, seed_store

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
