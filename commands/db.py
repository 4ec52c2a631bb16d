"""`profplan db …`: looking after the database itself."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from commands.base import Context, json_option, out, pass_context, print_json

if TYPE_CHECKING:
    from store.backup import BackupReport


@click.group("db")
def db_group() -> None:
    """Обслуживание базы данных."""


@db_group.command("upgrade")
@json_option
@pass_context
def db_upgrade(context: Context, as_json: bool) -> None:
    """Привести схему базы данных к последней версии (миграции Alembic)."""
    from store.db import connect, upgrade
    from store.settings import resolve_url

    settings = context.settings
    before, after = upgrade(connect(settings.database_url, create=True, lock_timeout=settings.lock_timeout))
    if as_json:
        print_json({"database": resolve_url(context.settings.database_url), "before": sorted(before), "after": sorted(after)})
        return
    was = ", ".join(sorted(before)) or "пустая база"
    out.print(f"Схема базы данных обновлена: {was} → {', '.join(sorted(after))}.")


@db_group.command("backup")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@json_option
@pass_context
def db_backup(context: Context, file: Path, as_json: bool) -> None:
    """Сохранить всю базу в файл (JSON, одинаковый для SQLite и PostgreSQL)."""
    from store.backup import backup

    print_copy(backup(context.engine, file), f"Резервная копия записана в {file}", as_json)


@db_group.command("restore")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@json_option
@pass_context
def db_restore(context: Context, file: Path, as_json: bool) -> None:
    """Заменить всё содержимое базы резервной копией (одной транзакцией: при ошибке база не меняется)."""
    from store.backup import restore

    print_copy(restore(context.store(create=True), file), f"База восстановлена из {file}", as_json)


def print_copy(report: BackupReport, done: str, as_json: bool) -> None:
    if as_json:
        print_json(report.to_json())
        return
    out.print(f"{done}: таблиц {len(report.rows)}, строк {report.total} (схема {report.revision}).")
