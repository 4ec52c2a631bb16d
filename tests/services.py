"""The local services tests use (PostgreSQL here), and what a test does when one is missing.

A scratch PostgreSQL database per test or module keeps `test` untouched and
lets tests run in any order. When a service is missing, a developer's run
skips those tests with the reason; under CI (`CI` set) the run fails
instead, because a skipped test proves nothing.
"""

from __future__ import annotations

import functools
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import psycopg
import pytest

PG_ADMIN = os.environ.get("PROFPLAN_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


def unavailable(reason: str) -> NoReturn:
    """Skip on a developer's machine, fail under CI: a service the suite needs is missing."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (под CI тесты не пропускаются)")
    pytest.skip(reason)


@functools.cache
def postgres_reason() -> str | None:
    """None when the test PostgreSQL server answers, else why it cannot be used."""
    try:
        with psycopg.connect(PG_ADMIN, connect_timeout=3):
            return None
    except psycopg.Error as exc:
        return f"PostgreSQL недоступен по адресу {PG_ADMIN}: {str(exc).strip().splitlines()[0]}"


@contextmanager
def scratch_postgres(prefix: str = "profplan_test") -> Iterator[str]:
    """The URL of a new empty PostgreSQL database, dropped afterwards (skipped or failed when the server is missing)."""
    reason = postgres_reason()
    if reason:
        unavailable(reason)
    with scratch_database(prefix) as url:
        yield url


@contextmanager
def scratch_database(prefix: str) -> Iterator[str]:
    """A new empty database on the test server, dropped afterwards; the benchmarks use it too."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{PG_ADMIN.rsplit('/', 1)[0]}/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
