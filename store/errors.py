"""What can go wrong with the database, as one Russian line each, for every command at once.

The engine's `handle_error` hook (see `store.db.create_store_engine`) passes
every driver error through `translate`: a read-only or locked file, a file
that is not a database, a full disk, a refused connection or a missing
permission becomes a `StoreError` naming the database and what to do.
Errors that mean a bug in profplan (a constraint violated, a bad query) are
left alone, so the CLI's crash guard still logs them with their traceback.

SQLite reports failures as message texts, PostgreSQL as SQLSTATE codes (but
as texts when it refuses a connection); each `Failure` lists both, so one
registry covers both servers.
"""

from __future__ import annotations

from dataclasses import dataclass

from calendars.errors import ProfplanError


class StoreError(ProfplanError):
    """The database cannot be reached or used."""


class StoreBusy(StoreError):
    """Another profplan process holds the database (or the lock asked for) longer than the lock timeout."""


@dataclass(frozen=True)
class Failure:
    """One kind of database failure: how each server reports it and the message a user gets.

    `phrases` are parts of the driver's message, lower-case: all SQLite
    reports, and PostgreSQL's refusals at connection time, which come before
    any SQLSTATE. `sqlstates` are codes or code prefixes ("08" is the whole class of
    connection exceptions). `message` may use {db} (the database, password
    hidden) and {reason} (the driver's first line, where its details help).
    """

    phrases: tuple[str, ...]
    sqlstates: tuple[str, ...]
    message: str
    error: type[StoreError] = StoreError


FAILURES = (
    Failure(
        ("attempt to write a readonly database", "readonly database"),
        ("25006",),
        "База данных {db} открыта только для чтения (нет права записи в файл или его папку); ничего не изменено. "
        "Дайте права на запись или укажите другую базу: --db ПУТЬ.",
    ),
    Failure(
        ("database is locked", "database table is locked", "database schema is locked"),
        ("55P03", "40P01"),
        "База данных {db} занята другой командой profplan дольше времени ожидания; ничего не изменено. "
        "Повторите позже (время ожидания задаёт PROFPLAN_LOCK_TIMEOUT, с).",
        StoreBusy,
    ),
    Failure(
        ("file is not a database", "database disk image is malformed", "file is encrypted"),
        (),
        "{db} — не база данных SQLite (файл другого формата или повреждён); он не изменён. "
        "Укажите файл базы profplan или новый путь: --db ПУТЬ.",
    ),
    Failure(
        ("database or disk is full", "disk i/o error"),
        ("53100", "58030"),
        "Не удалось записать в базу данных {db}: нет места на диске или превышен предел размера файла; "
        "изменения не сохранены. Освободите место и повторите.",
    ),
    Failure(
        ("unable to open database file",),
        (),
        "Не удалось открыть базу данных {db}: нет такой папки или нет прав на чтение и запись.",
    ),
    Failure(
        ('fatal:  role "', "password authentication failed", "no pg_hba.conf entry", "fatal:  permission denied"),
        ("42501", "28000", "28P01"),
        "Нет доступа к базе данных {db}: {reason}. Проверьте права пользователя базы данных.",
    ),
    Failure(
        ('fatal:  database "',),
        ("3D000",),
        "База данных {db} не существует на сервере: {reason}. Создайте её (createdb) или исправьте адрес.",
    ),
    Failure(
        (),
        ("08", "57P01", "57P02", "57P03", "53300"),
        "Сервер базы данных {db} недоступен: {reason}. Проверьте, что он запущен, и адрес в --db или PROFPLAN_DATABASE_URL.",
    ),
)

CONNECTION_FAILED = Failure(
    (), (), "Сервер базы данных {db} недоступен: {reason}. Проверьте, что он запущен, и адрес в --db или PROFPLAN_DATABASE_URL."
)
"""A PostgreSQL connection that failed before the server said anything (refused, no such host): no SQLSTATE."""


def first_line(exc: BaseException) -> str:
    """The driver's message without its context lines, for a one-line report."""
    lines = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
    return lines[0].rstrip(".") if lines else type(exc).__name__


def failure_of(exc: BaseException, connecting: bool) -> Failure | None:
    """The registered failure a driver exception is, or None for one that is a bug in profplan."""
    sqlstate = getattr(exc, "sqlstate", None) or getattr(exc, "pgcode", None)
    text = str(exc).casefold()
    for failure in FAILURES:
        if (sqlstate and sqlstate.startswith(failure.sqlstates)) or any(phrase in text for phrase in failure.phrases):
            return failure
    if connecting and sqlstate is None and type(exc).__module__.startswith("psycopg"):
        return CONNECTION_FAILED
    return None


def translate(exc: BaseException, db: str, connecting: bool = False) -> StoreError | None:
    """The StoreError a driver exception means for the user of database `db`, or None if it is a bug."""
    failure = failure_of(exc, connecting)
    if failure is None:
        return None
    return failure.error(failure.message.format(db=db, reason=first_line(exc)))
