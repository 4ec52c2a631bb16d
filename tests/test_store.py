"""The store opens, migrates itself and keeps transactions whole, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from calendars.errors import ProfplanError
from roadmaps.tables import Roadmap
from store.db import StoreError, current_revisions, head_revisions, open_store, transaction
from store.errors import FAILURES, failure_of, translate
from store.settings import Settings, resolve_url, sqlite_file


def _roadmap(key: str) -> Roadmap:
    return Roadmap(key=key, source_name=f"{key}.txt", content_hash="0" * 64, imported_at=datetime.now(UTC))


def test_open_migrates_an_empty_database_to_the_newest_schema(db_url: str) -> None:
    engine = open_store(db_url)
    assert current_revisions(engine) == head_revisions()
    tables = set(inspect(engine).get_table_names())
    assert {"roadmap", "item", "executor", "itemexecutor", "alembic_version"} <= tables


def test_opening_twice_keeps_stored_rows(db_url: str) -> None:
    with transaction(open_store(db_url)) as session:
        session.add(_roadmap("a"))
    with transaction(open_store(db_url)) as session:
        assert [r.key for r in session.exec(select(Roadmap))] == ["a"]


def test_a_failed_transaction_writes_nothing(db_url: str) -> None:
    engine = open_store(db_url)
    with pytest.raises(RuntimeError):
        with transaction(engine) as session:
            session.add(_roadmap("half"))
            session.flush()
            raise RuntimeError("boom")
    with transaction(engine) as session:
        assert session.exec(select(Roadmap)).all() == []


def test_unique_keys_are_enforced(db_url: str) -> None:
    engine = open_store(db_url)
    with transaction(engine) as session:
        session.add(_roadmap("dup"))
    with pytest.raises(IntegrityError):
        with transaction(engine) as session:
            session.add(_roadmap("dup"))
    with transaction(engine) as session:
        assert len(session.exec(select(Roadmap)).all()) == 1


def test_unreachable_server_is_a_russian_error_naming_the_address() -> None:
    with pytest.raises(StoreError, match=r"Сервер базы данных postgresql\+psycopg://nobody:\*\*\*@127\.0\.0\.1:1/none недоступен: .*refused"):
        open_store("postgresql://nobody:secret@127.0.0.1:1/none")


def test_password_is_not_shown_in_errors() -> None:
    with pytest.raises(StoreError) as caught:
        open_store("postgresql://nobody:secret@127.0.0.1:1/none")
    assert "secret" not in str(caught.value)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (None, "sqlite:///profplan.db"),
        ("my.db", "sqlite:///my.db"),
        ("postgresql://u@h/d", "postgresql+psycopg://u@h/d"),
        ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
    ],
)
def test_database_url_resolution(given: str | None, expected: str) -> None:
    assert resolve_url(given) == expected


@pytest.mark.parametrize(
    "url",
    ["sqlite:///a%20b.db", "sqlite:////abs/x.db", "sqlite://", "sqlite:///:memory:", "sqlite:///f.db?mode=ro",
     "sqlite+pysqlite:///f.db", "sqlite:///", "sqlite:///dir/with@at.db", "postgresql+psycopg://u@h/d", "mysql://h/f.db"],
)
def test_the_sqlite_file_is_read_from_the_url_as_sqlalchemy_reads_it(url: str) -> None:
    parsed = make_url(url)
    expected = Path(parsed.database) if parsed.drivername.startswith("sqlite") and parsed.database not in (None, "", ":memory:") else None
    assert sqlite_file(url) == expected


def test_settings_come_from_the_environment_and_db_option_wins() -> None:
    settings = Settings.from_environment({"PROFPLAN_DATABASE_URL": "postgresql://x@y/z", "PROFPLAN_LOG_DIR": "/tmp/logs"})
    assert resolve_url(settings.database_url) == "postgresql+psycopg://x@y/z"
    assert settings.log_dir == Path("/tmp/logs") and settings.feeds_url == "http://127.0.0.1:8080"
    assert settings.with_database("other.db").database_url == "other.db"
    assert settings.with_database(None) == settings
    assert Settings.from_environment(settings.environment()) == settings
    assert resolve_url("other.db") == "sqlite:///other.db"


def test_a_missing_sqlite_file_is_an_error_unless_the_command_creates_it(tmp_path: Path) -> None:
    missing = tmp_path / "typo.db"
    with pytest.raises(StoreError, match=r"База данных .*typo\.db не найдена"):
        open_store(missing, create=False)
    assert not missing.exists()
    open_store(missing)
    assert missing.exists()
    assert open_store(missing, create=False) is not None


def test_the_lock_timeout_comes_from_the_environment_and_must_be_a_number() -> None:
    assert Settings.from_environment({"PROFPLAN_LOCK_TIMEOUT": "2.5"}).lock_timeout == 2.5
    assert Settings.from_environment({}).lock_timeout == 120.0
    for wrong in ("долго", "-1", "nan"):
        with pytest.raises(ProfplanError, match=f"PROFPLAN_LOCK_TIMEOUT: ожидается число секунд не меньше 0, указано «{wrong}»"):
            Settings.from_environment({"PROFPLAN_LOCK_TIMEOUT": wrong})


def test_every_registered_failure_becomes_its_message() -> None:
    class Refused(Exception):
        sqlstate = None

    Refused.__module__ = "psycopg"
    assert "недоступен" in str(translate(Refused("connection refused"), "db", connecting=True))
    assert translate(Refused("connection refused"), "db", connecting=False) is None  # after connecting: a bug
    for failure in FAILURES:
        for phrase in failure.phrases:
            exc = Exception(f"x {phrase} y")
            assert failure_of(exc, connecting=False) is failure
            assert str(translate(exc, "база.db")) == failure.message.format(db="база.db", reason=f"x {phrase} y")
        for code in failure.sqlstates:
            coded = Exception("server said no")
            coded.sqlstate = code + "000"[: 5 - len(code)]  # type: ignore[attr-defined]
            assert failure_of(coded, connecting=False) is failure
