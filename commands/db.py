"""`profplan db …`: looking after the database itself."""

from __future__ import annotations

import click

from commands.base import Context, json_option, out, pass_context, print_json


@click.group("db")
def db_group() -> None:
    """Обслуживание базы данных."""


@db_group.command("upgrade")
@json_option
@pass_context
def db_upgrade(context: Context, as_json: bool) -> None:
    """Привести схему базы данных к последней версии (миграции Alembic)."""
    from store.db import connect, resolve_url, upgrade

    settings = context.settings
    before, after = upgrade(connect(settings.database_url, create=True, lock_timeout=settings.lock_timeout))
    if as_json:
        print_json({"database": resolve_url(context.settings.database_url), "before": sorted(before), "after": sorted(after)})
        return
    was = ", ".join(sorted(before)) or "пустая база"
    out.print(f"Схема базы данных обновлена: {was} → {', '.join(sorted(after))}.")
