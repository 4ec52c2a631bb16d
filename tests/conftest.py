"""Shared fixtures: a fresh database per test on SQLite and, where a server answers, PostgreSQL.

PostgreSQL tests get a scratch database of their own (created and dropped
here), so they never touch data in `test` and can run in any order.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import psycopg
import pytest

PG_ADMIN = os.environ.get("PROFPLAN_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


def _pg_reason() -> str | None:
    """None when PostgreSQL answers, else why PostgreSQL tests are skipped."""
    try:
        with psycopg.connect(PG_ADMIN, connect_timeout=3):
            return None
    except psycopg.Error as exc:
        return f"PostgreSQL недоступен по адресу {PG_ADMIN}: {str(exc).strip().splitlines()[0]}"


PG_SKIP_REASON = _pg_reason()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A URL of an empty scratch PostgreSQL database, dropped after the test."""
    if PG_SKIP_REASON:
        pytest.skip(PG_SKIP_REASON)
    name = f"profplan_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path) -> str:  # type: ignore[no-untyped-def]
    """Each store test runs twice: on an SQLite file and on a scratch PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'profplan.db'}"
    return request.getfixturevalue("pg_url")
