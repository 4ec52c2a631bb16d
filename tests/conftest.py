"""Shared fixtures: a fresh database per test on SQLite and on PostgreSQL (scratch databases: `services`)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from services import scratch_postgres


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A URL of an empty scratch PostgreSQL database, dropped after the test."""
    with scratch_postgres() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path) -> str:  # type: ignore[no-untyped-def]
    """Each store test runs twice: on an SQLite file and on a scratch PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'profplan.db'}"
    return request.getfixturevalue("pg_url")
