"""`profplan subscribe`, `subscriptions`, `unsubscribe`, `subscription rotate`, `feeds export`: calendar feeds."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from commands.base import Context, json_option, out, pass_context, print_json, table
from feeds.kinds import FeedKind

if TYPE_CHECKING:
    from feeds.subscriptions import NewSubscription

# What every subscriber of to-dos must know before relying on them.
TODOS_WARNING = ("Внимание: Google Календарь, Календарь iOS и Outlook не показывают задачи (VTODO) из календаря по "
                 "подписке — сроки увидят только Thunderbird и другие программы с задачами. Чтобы сроки были видны "
                 "везде, подпишитесь с --deadlines-as events или both.")


def target_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """One option per feed kind (--executor, --school, --class, --staff), from the kinds registry."""
    for kind in reversed(FeedKind):
        function = click.option(f"--{kind.value}", f"{kind.value}_target", metavar=kind.info.metavar,
                                help=kind.info.help)(function)
    return function


@click.command("subscribe")
@target_options
@click.option("--base-url", help="Внешний адрес сервера календарей (по умолчанию $PROFPLAN_FEEDS_URL).")
@click.option("--deadlines-as", type=click.Choice(["events", "todos", "both"]), default="events", show_default=True,
              help="Сроки как события (видны во всех программах), задачи VTODO или оба.")
@json_option
@pass_context
def subscribe_command(context: Context, base_url: str | None, deadlines_as: str, as_json: bool, **targets: str | None) -> None:
    """Создать подписку на календарь и напечатать её адрес."""
    from feeds.model import FeedOptions
    from feeds.subscriptions import create_subscription
    from feeds.tokens import load_key

    chosen = [(kind, targets[f"{kind.value}_target"]) for kind in FeedKind if targets[f"{kind.value}_target"]]
    if len(chosen) != 1:
        raise click.UsageError("Укажите ровно одно из: " + ", ".join(f"--{kind.value}" for kind in FeedKind) + ".")
    kind, target = chosen[0]
    assert target is not None
    options = FeedOptions(deadlines_as=deadlines_as)  # type: ignore[arg-type]  # click.Choice checked the value
    created = create_subscription(context.engine, kind, target, key=load_key(context.settings.feeds_key_file),
                                  base=base_url or context.settings.feeds_url, options=options)
    warnings = [TODOS_WARNING] if deadlines_as == "todos" else []
    if as_json:
        print_json({**created.to_json(), "warnings": warnings})
        return
    show_new_address("Подписка создана.", created)
    for warning in warnings:
        out.print(warning)


def show_new_address(heading: str, created: NewSubscription) -> None:
    out.print(f"{heading} Адрес календаря ({created.info.kind.label} «{created.info.label}»):\n"
              f"  {created.url}\n  {created.webcal_url}")
    out.print("Сохраните адрес: токен показывается только один раз.")


@click.command("subscriptions")
@json_option
@pass_context
def subscriptions_command(context: Context, as_json: bool) -> None:
    """Список подписок (токены показаны только началом)."""
    from feeds.subscriptions import list_subscriptions

    rows = list_subscriptions(context.engine)
    if as_json:
        print_json([row.to_json() for row in rows])
        return
    out.print(table("Подписки", ["Токен", "Вид", "Цель", "Создана", "Отозвана"],
                    ([r["prefix"] + "…", r["kind_name"], r["label"], r["created_at"], r["revoked_at"] or ""]
                     for r in (row.to_json() for row in rows))))


@click.command("unsubscribe")
@click.argument("token")
@pass_context
def unsubscribe_command(context: Context, token: str) -> None:
    """Отозвать подписку (токен, адрес или начало токена)."""
    from feeds.subscriptions import revoke_subscription

    info = revoke_subscription(context.engine, token)
    out.print(f"Подписка {info.prefix}… ({info.kind.label}: {info.label}) отозвана.")


@click.group("subscription")
def subscription_group() -> None:
    """Одна подписка: новый адрес взамен утёкшего."""


@subscription_group.command("rotate")
@click.argument("token")
@click.option("--base-url", help="Внешний адрес сервера календарей (по умолчанию $PROFPLAN_FEEDS_URL).")
@json_option
@pass_context
def subscription_rotate(context: Context, token: str, base_url: str | None, as_json: bool) -> None:
    """Выпустить новый адрес той же подписки (токен, адрес или начало токена); старый сразу перестаёт работать."""
    from feeds.subscriptions import rotate_subscription
    from feeds.tokens import load_key

    rotated = rotate_subscription(context.engine, token, key=load_key(context.settings.feeds_key_file),
                                  base=base_url or context.settings.feeds_url)
    if as_json:
        print_json(rotated.to_json())
        return
    show_new_address("Выпущен новый адрес; прежний больше не открывается.", rotated)


@click.group("feeds")
def feeds_group() -> None:
    """Файлы календарей."""


@feeds_group.command("export")
@click.argument("directory", type=click.Path(path_type=Path))
@json_option
@pass_context
def feeds_export(context: Context, directory: Path, as_json: bool) -> None:
    """Записать календарь каждой подписки в файл <токен>.ics (для публикации папки веб-сервером, см. README)."""
    from feeds.export import export_feeds
    from feeds.tokens import load_key

    result = export_feeds(context.engine, directory, load_key(context.settings.feeds_key_file))
    if as_json:
        print_json(result.to_json())
        return
    out.print(result.render())
