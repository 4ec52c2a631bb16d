"""Backups: every table of the store in one portable JSON file, and back, on SQLite and PostgreSQL alike.

One format for both servers (no `pg_dump` needed on the coordinator's
machine), readable by a person and by any tool, and a backup of an SQLite
file restores into PostgreSQL when a school moves to a server. The file
names the schema revision it was taken at; it restores only into a database
of the same revision, because columns change meaning between revisions.

- `backup` reads every table in one snapshot (a read transaction; REPEATABLE
  READ on PostgreSQL), writes a temporary file and renames it, so a full disk
  never leaves a half-written backup under the given name.
- `restore` replaces the whole content in one transaction that holds every
  table (BEGIN IMMEDIATE on SQLite, LOCK TABLE on PostgreSQL): a bad file or
  a failure half-way leaves the database as it was.
"""

from __future__ import annotations

import base64
import importlib
import json
import os
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy import Table, delete, func, insert, select, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.types import JSON, Date, DateTime, LargeBinary, Time, TypeDecorator, TypeEngine
from sqlmodel import SQLModel

from calendars.data_files import os_error_message
from calendars.errors import ProfplanError
from store.db import TABLE_MODULES, connection_revisions, head_revisions, safe_url
from store.errors import first_line
from store.locks import WRITER

FORMAT = "profplan-backup"
VERSION = 1


class BackupError(ProfplanError):
    """A backup that cannot be written, or a file that cannot be restored."""


@dataclass(frozen=True)
class BackupReport:
    """What a backup or a restore moved: rows per table, and the schema revision."""

    path: Path
    revision: str
    rows: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.rows.values())

    def to_json(self) -> dict[str, Any]:
        return {"file": str(self.path), "revision": self.revision, "rows": self.rows, "total": self.total}


def tables() -> list[Table]:
    """Every table of the store, parents before children (the order rows can be inserted in)."""
    for module in TABLE_MODULES:
        importlib.import_module(module)
    return list(SQLModel.metadata.sorted_tables)


def backup(engine: Engine, path: Path) -> BackupReport:
    """Write every row of every table to `path` (replaced only when the whole backup is written)."""
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            revision = _revision(connection, engine)
            content: dict[str, dict[str, Any]] = {
                table.name: {
                    "columns": [column.name for column in table.columns],
                    "rows": [[_dump(value) for value in row] for row in connection.execute(select(table).order_by(*table.primary_key))],
                }
                for table in tables()
            }
    document = {"format": FORMAT, "version": VERSION, "revision": revision, "tables": content}
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        with temporary.open("w", encoding="utf-8") as handle:
            json.dump(document, handle, ensure_ascii=False, separators=(",", ":"))
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise BackupError(f"Резервная копия не записана: {os_error_message(exc)}") from None
    return BackupReport(path, revision, {name: len(table["rows"]) for name, table in content.items()})


def restore(engine: Engine, path: Path) -> BackupReport:
    """Replace the whole content of the database with the backup in `path`, in one transaction."""
    document = _read(path)
    known = {table.name: table for table in tables()}
    content: dict[str, Any] = document["tables"]
    unknown = sorted(set(content) - set(known))
    if unknown:
        raise BackupError(f"{path}: таблицы {', '.join(unknown)} неизвестны этой версии profplan.")
    rows: dict[str, int] = {}
    with engine.connect() as connection:
        connection.execution_options(**{WRITER: True})
        with connection.begin():
            revision = _revision(connection, engine)
            if document["revision"] != revision:
                raise BackupError(
                    f"{path}: копия сделана на схеме {document['revision'] or 'пустой базы'}, а база {safe_url(str(engine.url))} — "
                    f"на схеме {revision}; восстановите её той версией profplan, которая её сделала."
                )
            _hold_every_table(connection, list(known.values()))
            for table in reversed(list(known.values())):
                connection.execute(delete(table))
            for table in known.values():
                rows[table.name] = _insert(connection, table, content.get(table.name), path)
            _reset_sequences(connection, list(known.values()))
    return BackupReport(path, revision, rows)


def _revision(connection: Connection, engine: Engine) -> str:
    revisions = connection_revisions(connection)
    if revisions != head_revisions():
        raise BackupError(f"Схема базы данных {safe_url(str(engine.url))} не последняя: выполните profplan db upgrade.")
    return ",".join(sorted(revisions))


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open(encoding="utf-8") as handle:
            document = json.load(handle)
    except FileNotFoundError:
        raise BackupError(f"{path}: файл не найден.") from None
    except OSError as exc:
        raise BackupError(f"Резервная копия не прочитана: {os_error_message(exc)}") from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BackupError(f"{path}: не резервная копия profplan (файл не JSON или обрезан).") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT or not isinstance(document.get("tables"), dict):
        raise BackupError(f"{path}: не резервная копия profplan (нет признака формата «{FORMAT}»).")
    if document.get("version") != VERSION:
        raise BackupError(f"{path}: версия формата {document.get('version')} не поддерживается (эта программа читает {VERSION}).")
    return document


def _hold_every_table(connection: Connection, every: list[Table]) -> None:
    """PostgreSQL: no other process may read or write while the content is replaced (SQLite: BEGIN IMMEDIATE did it).

    Waiting for the tables is bounded by the session's lock_timeout (store.db), like any other lock.
    """
    if connection.dialect.name != "postgresql":
        return
    names = ", ".join(connection.dialect.identifier_preparer.quote(table.name) for table in every)
    connection.execute(text(f"LOCK TABLE {names} IN ACCESS EXCLUSIVE MODE"))


def _insert(connection: Connection, table: Table, stored: Any, path: Path) -> int:
    if stored is None:
        return 0
    columns = stored.get("columns") if isinstance(stored, dict) else None
    rows = stored.get("rows") if isinstance(stored, dict) else None
    if not isinstance(columns, list) or not isinstance(rows, list) or set(columns) != set(table.columns.keys()):
        raise BackupError(f"{path}: таблица {table.name}: столбцы не совпадают со схемой этой версии profplan.")
    types = [table.columns[name].type for name in columns]
    try:
        values = [{name: _load(value, kind) for name, value, kind in zip(columns, row, types, strict=True)} for row in rows]
    except (TypeError, ValueError):
        raise BackupError(f"{path}: таблица {table.name}: строка с неверными значениями.") from None
    if values:
        try:
            connection.execute(insert(table), values)
        except IntegrityError as exc:
            raise BackupError(f"{path}: таблица {table.name}: строки противоречат друг другу или другим таблицам "
                              f"({first_line(exc.orig or exc)}); база не изменена.") from None
    return len(values)


def _reset_sequences(connection: Connection, every: list[Table]) -> None:
    """PostgreSQL: new rows get ids after the restored ones (SQLite takes max(id) + 1 by itself)."""
    if connection.dialect.name != "postgresql":
        return
    for table in every:
        for column in table.primary_key.columns:
            sequence = connection.execute(text("SELECT pg_get_serial_sequence(:table, :column)"),
                                          {"table": table.name, "column": column.name}).scalar()
            if sequence:
                top = connection.execute(select(func.max(column))).scalar()
                connection.execute(text("SELECT setval(:sequence, :value, :called)"),
                                   {"sequence": sequence, "value": top or 1, "called": top is not None})


def _base(kind: TypeEngine[Any]) -> TypeEngine[Any]:
    while isinstance(kind, TypeDecorator):
        kind = kind.impl_instance
    return kind


def _dump(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value


def _load(value: Any, kind: TypeEngine[Any]) -> Any:
    base = _base(kind)
    if value is None or isinstance(base, JSON):
        return value
    if isinstance(base, DateTime):
        return datetime.fromisoformat(value)
    if isinstance(base, Date):
        return date.fromisoformat(value)
    if isinstance(base, Time):
        return time.fromisoformat(value)
    if isinstance(base, LargeBinary):
        return base64.b64decode(value)
    return value
