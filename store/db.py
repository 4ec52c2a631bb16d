"""Opening the store: which database, its schema brought up to date, and transactions.

SQLite (`./profplan.db`) is the embedded default so a coordinator needs no
server; a URL (from `--db` or `PROFPLAN_DATABASE_URL`, see `store.settings`)
points the same code at PostgreSQL.
Opening runs the Alembic migrations first, so a fresh file or an old one is
always at the schema the code expects; a database of a newer schema than this
program knows is refused untouched. Every driver failure a user can fix (a
read-only or locked file, a full disk, a server that does not answer) comes
out of the engine as one Russian line (`store.errors`), so every command gets
it without catching anything itself.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, ExceptionContext, make_url
from sqlalchemy.exc import ArgumentError
from sqlmodel import Session, create_engine

from store.errors import StoreBusy, StoreError, translate
from store.locks import LOCK_TIMEOUT, MIGRATIONS, WRITER, Lock, busy, hold
from store.settings import DEFAULT_LOCK_TIMEOUT, resolve_url, sqlite_file

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_FOLDER = Path(__file__).resolve().parent / "migrations"
# Every module holding tables; a new concern with tables adds itself here.
TABLE_MODULES = ("roadmaps.tables", "tracking.tables", "feeds.tables", "scheduler.tables", "calendars.stored", "region.tables",
                 "web.tables")
CONNECT_TIMEOUT = 10
"""Seconds to wait for a PostgreSQL server that does not answer (a wrong host) before saying so."""


def safe_url(url: str) -> str:
    """The URL with its password hidden, for messages; an SQLite URL is shown as its file path."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return url
    if parsed.drivername.startswith("sqlite") and parsed.database:
        return parsed.database
    return parsed.render_as_string(hide_password=True)


def create_store_engine(url: str, lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> Engine:
    """An engine for the URL whose every driver failure a user can fix is one Russian line (store.errors).

    SQLite gets foreign keys, BEGIN IMMEDIATE for writers under locks (see
    store.locks) and a busy timeout of `lock_timeout`; PostgreSQL the same
    `lock_timeout` for every lock a statement waits for.
    """
    try:
        if url.startswith("sqlite"):
            engine = create_engine(url, connect_args={"timeout": lock_timeout})
            event.listen(engine, "connect", _sqlite_connect)
            event.listen(engine, "begin", _sqlite_begin)
        else:
            # lock_timeout: a statement waiting for a lock another session holds gives up like SQLite's busy timeout.
            options = f"-c lock_timeout={int(lock_timeout * 1000)}"
            engine = create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": CONNECT_TIMEOUT, "options": options})
    except (ArgumentError, ImportError) as exc:
        raise StoreError(f"Неверный адрес базы данных «{safe_url(url)}»: {exc}.") from None
    event.listen(engine, "handle_error", _translator(safe_url(url)))
    return engine.execution_options(**{LOCK_TIMEOUT: lock_timeout})


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    """BEGIN IMMEDIATE for a writer under locks (store.locks); other transactions keep the driver's own BEGIN.

    The driver begins a transaction only at the first write, so a plain
    transaction's reads take no lock that a later write would have to
    upgrade: two such writers queue on the busy timeout instead of
    deadlocking. A writer under locks takes the write lock at once instead,
    before it reads what it is going to change.
    """
    if connection.get_execution_options().get(WRITER):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _translator(db: str) -> Callable[[ExceptionContext], None]:
    """The engine's handle_error hook: a failure the user can fix leaves the engine as a StoreError naming `db`."""

    def translate_error(context: ExceptionContext) -> None:
        if context.is_pre_ping:
            return  # the pool reconnects a stale connection itself
        error = translate(context.original_exception, db, connecting=context.connection is None)
        if error is not None:
            raise error from None

    return translate_error


def _alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration in code: no alembic.ini to ship or find at run time.

    Alembic is imported where it is used (here and below), not with the module: light commands that
    only name a database file (`profplan deadline`, `calendar`) must start fast."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_FOLDER))
    config.attributes["connection"] = connection
    return config


def connection_revisions(connection: Connection) -> frozenset[str]:
    """The schema revisions seen on an open connection (inside its transaction)."""
    from alembic.runtime.migration import MigrationContext

    return frozenset(MigrationContext.configure(connection).get_current_heads())


def current_revisions(engine: Engine) -> frozenset[str]:
    """The schema revisions the database is at (empty for an empty database)."""
    with engine.connect() as connection:
        return connection_revisions(connection)


def head_revisions() -> frozenset[str]:
    """The newest schema revisions this code knows."""
    from alembic.script import ScriptDirectory

    return frozenset(ScriptDirectory.from_config(_alembic_config()).get_heads())


def _known_revisions() -> frozenset[str]:
    from alembic.script import ScriptDirectory

    return frozenset(script.revision for script in ScriptDirectory.from_config(_alembic_config()).walk_revisions())


def _check_not_newer(revisions: frozenset[str], db: str) -> None:
    """A database migrated by a newer profplan must not be touched by this one: its tables may mean other things."""
    unknown = revisions - _known_revisions()
    if unknown:
        raise StoreError(
            f"База данных {db} создана более новой версией profplan (схема {', '.join(sorted(unknown))}; "
            f"эта версия знает схемы до {', '.join(sorted(head_revisions()))}); она не изменена. Обновите profplan."
        )


def upgrade(engine: Engine) -> tuple[frozenset[str], frozenset[str]]:
    """Bring the schema to the newest revisions in one locked transaction; returns (before, after).

    The migration lock makes two processes starting on a fresh database
    take turns: the second finds the schema already made and does nothing.
    """
    db = safe_url(engine.url.render_as_string(hide_password=False))
    with engine.connect() as connection:
        connection.execution_options(**{WRITER: True})
        with connection.begin():
            hold(connection, [MIGRATIONS], connection.get_execution_options()[LOCK_TIMEOUT], db)
            before = connection_revisions(connection)
            _check_not_newer(before, db)
            from alembic import command

            command.upgrade(_alembic_config(connection), "heads")
    return before, head_revisions()


def connect(db: str | os.PathLike[str] | None = None, create: bool = True, lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> Engine:
    """An engine for the database, checked to answer, its schema not yet touched (`profplan db upgrade` reports it).

    With `create=False` a missing SQLite file is an error instead of a new
    empty database: a report run against a mistyped path must say so, not
    answer "nothing overdue".
    """
    url = resolve_url(db)
    file = sqlite_file(url)
    if not create and file is not None and not file.exists():
        raise StoreError(
            f"База данных {file} не найдена. Сначала загрузите данные (profplan import …, profplan school load …, "
            "profplan demo) или укажите другую базу: --db ПУТЬ."
        )
    if file is not None and not file.parent.is_dir():
        raise StoreError(f"Папка {file.parent} для базы данных {file.name} не существует: создайте её или укажите другой путь: --db ПУТЬ.")
    if file is not None and file.is_dir():
        raise StoreError(f"{file} — папка, а не файл базы данных: укажите путь к файлу, например {file / 'profplan.db'}.")
    engine = create_store_engine(url, lock_timeout)
    _check_not_newer(current_revisions(engine), safe_url(url))
    return engine


def open_store(db: str | os.PathLike[str] | None = None, create: bool = True, lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> Engine:
    """Connect, check the server answers, and migrate the schema if it is behind (see `connect`)."""
    engine = connect(db, create, lock_timeout)
    if current_revisions(engine) != head_revisions():
        upgrade(engine)
    return engine


@contextmanager
def transaction(engine: Engine, *locks: Lock) -> Iterator[Session]:
    """A session whose work is committed whole at the end, or rolled back whole on any error.

    With `locks` (store.locks) the transaction writes data another process
    may be writing too: it waits for those locks first, up to the engine's
    lock timeout, and stops with a Russian message if they stay taken.
    """
    with Session(engine, expire_on_commit=False) as session:
        with session.begin():
            if locks:
                timeout = engine.get_execution_options().get(LOCK_TIMEOUT, DEFAULT_LOCK_TIMEOUT)
                db = safe_url(engine.url.render_as_string(hide_password=False))
                try:
                    connection = session.connection(execution_options={WRITER: True})
                except StoreBusy:  # SQLite: BEGIN IMMEDIATE waited the busy timeout in vain
                    raise busy(db, locks, timeout) from None
                hold(connection, locks, timeout, db)
            yield session
