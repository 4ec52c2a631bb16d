"""`profplan subscribe`, `subscriptions`, `unsubscribe`, `feeds export`: calendar feeds staff subscribe to."""

from __future__ import annotations

from pathlib import Path

import click

from commands.base import Context, json_option, out, pass_context, print_json, table


@click.command("subscribe")
@click.option("--executor", help="Исполнитель (организация).")
@click.option("--school", help="Код школы.")
@click.option("--class", "class_ref", metavar="ШКОЛА/КЛАСС", help="Класс, например len-kudrovo-1/8А.")
@click.option("--staff", help="Сотрудник (ФИО или ШКОЛА/ФИО).")
@click.option("--base-url", help="Внешний адрес сервера календарей (по умолчанию $PROFPLAN_FEEDS_URL).")
@click.option("--deadlines-as", type=click.Choice(["events", "todos", "both"]), default="events", show_default=True,
              help="Сроки как события (видны во всех программах), задачи VTODO или оба.")
@json_option
@pass_context
def subscribe_command(context: Context, executor: str | None, school: str | None, class_ref: str | None,
                      staff: str | None, base_url: str | None, deadlines_as: str, as_json: bool) -> None:
    """Создать подписку на календарь и напечатать её адрес."""
    from feeds.model import FeedOptions
    from feeds.subscriptions import create_subscription

    targets = [(kind, value) for kind, value in
               (("executor", executor), ("school", school), ("class", class_ref), ("staff", staff)) if value]
    if len(targets) != 1:
        raise click.UsageError("Укажите ровно одно из: --executor, --school, --class, --staff.")
    kind, target = targets[0]
    options = FeedOptions(deadlines_as=deadlines_as)  # type: ignore[arg-type]  # click.Choice checked the value
    created = create_subscription(context.engine, kind, target, base=base_url or context.settings.feeds_url, options=options)
    if as_json:
        print_json(created.to_json())
        return
    out.print(f"Подписка создана. Адрес календаря:\n  {created.url}\n  {created.webcal_url}")
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
                    ([r["prefix"] + "…", r["kind_name"], r["target"], r["created_at"], r["revoked_at"] or ""]
                     for r in (row.to_json() for row in rows))))


@click.command("unsubscribe")
@click.argument("token")
@pass_context
def unsubscribe_command(context: Context, token: str) -> None:
    """Отозвать подписку (токен, адрес или начало токена)."""
    from feeds.subscriptions import revoke_subscription

    info = revoke_subscription(context.engine, token).to_json()
    out.print(f"Подписка {info['prefix']}… ({info['kind_name']}: {info['target']}) отозвана.")


@click.group("feeds")
def feeds_group() -> None:
    """Файлы календарей."""


@feeds_group.command("export")
@click.argument("directory", type=click.Path(path_type=Path))
@json_option
@pass_context
def feeds_export(context: Context, directory: Path, as_json: bool) -> None:
    """Записать календарь каждой подписки в файл .ics."""
    from feeds.export import export_feeds

    written = export_feeds(context.engine, directory)
    if as_json:
        print_json([feed.to_json() for feed in written])
        return
    out.print(f"Записано календарей: {len(written)} в {directory}.")
