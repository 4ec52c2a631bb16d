"""Opening the store: which database, its schema brought up to date, and transactions.

SQLite (`./profplan.db`) is the embedded default so a coordinator needs no
server; a URL (from `--db` or `PROFPLAN_DATABASE_URL`, see `store.settings`)
points the same code at PostgreSQL.
Opening runs the Alembic migrations first, so a fresh file or an old one is
always at the schema the code expects.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlmodel import Session, create_engine

from calendars.errors import ProfplanError
from store.settings import DEFAULT_DATABASE_URL

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Every module holding tables; a new concern with tables adds itself here.
TABLE_MODULES = ("roadmaps.tables", "tracking.tables", "feeds.tables", "scheduler.tables", "web.tables")


class StoreError(ProfplanError):
    """The database cannot be reached or used."""


def resolve_url(db: str | os.PathLike[str] | None = None) -> str:
    """A SQLAlchemy URL for a URL or an SQLite file path; None is the embedded default, ./profplan.db."""
    value = str(db) if db else DEFAULT_DATABASE_URL
    if "://" not in value:
        value = f"sqlite:///{value}"
    if value.startswith("postgresql://") or value.startswith("postgres://"):
        value = "postgresql+psycopg://" + value.split("://", 1)[1]
    return value


def _safe(url: str) -> str:
    """The URL with its password hidden, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def create_store_engine(url: str) -> Engine:
    """An engine for the URL; SQLite gets foreign keys and a busy timeout for concurrent CLI runs."""
    try:
        if url.startswith("sqlite"):
            engine = create_engine(url, connect_args={"timeout": 30})
            event.listen(engine, "connect", _sqlite_pragmas)
        else:
            engine = create_engine(url, pool_pre_ping=True)
    except (ArgumentError, ImportError) as exc:
        raise StoreError(f"Неверный адрес базы данных «{_safe(url)}»: {exc}.") from None
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _alembic_config(engine: Engine | None = None) -> Config:
    """Alembic's configuration in code: no alembic.ini to ship or find at run time."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def current_revisions(engine: Engine) -> frozenset[str]:
    """The schema revisions the database is at (empty for an empty database)."""
    with engine.connect() as connection:
        return frozenset(MigrationContext.configure(connection).get_current_heads())


def head_revisions() -> frozenset[str]:
    """The newest schema revisions this code knows."""
    return frozenset(ScriptDirectory.from_config(_alembic_config()).get_heads())


def upgrade(engine: Engine) -> tuple[frozenset[str], frozenset[str]]:
    """Bring the schema to the newest revisions; returns (before, after)."""
    before = current_revisions(engine)
    command.upgrade(_alembic_config(engine), "heads")
    return before, head_revisions()


def sqlite_file(url: str) -> Path | None:
    """The database file of an SQLite URL; None for other servers and for in-memory SQLite."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite") or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def open_store(db: str | os.PathLike[str] | None = None, create: bool = True) -> Engine:
    """Connect, check the server answers, and migrate the schema if it is behind.

    With `create=False` a missing SQLite file is an error instead of a new
    empty database: a report run against a mistyped path must say so, not
    answer "nothing overdue".
    """
    url = resolve_url(db)
    missing = sqlite_file(url)
    if not create and missing is not None and not missing.exists():
        raise StoreError(
            f"База данных {missing} не найдена. Сначала загрузите данные (profplan import …, profplan school load …, "
            "profplan demo) или укажите другую базу: --db ПУТЬ."
        )
    engine = create_store_engine(url)
    try:
        if current_revisions(engine) != head_revisions():
            upgrade(engine)
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise StoreError(f"База данных {_safe(url)} недоступна: {reason}") from None
    return engine


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """A session whose work is committed whole at the end, or rolled back whole on any error."""
    with Session(engine, expire_on_commit=False) as session:
        with session.begin():
            yield session
