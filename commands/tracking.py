"""`profplan done`, `reopen`, `cancel`, `history`, `overdue`, `summary`, `contacts`, `alerts`: deadline tracking."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click

from commands.base import Context, date_option, json_option, out, pass_context, print_json
from tracking.policy import AlertPolicy


@click.command("done")
@click.argument("item")
@click.option("--occurrence", help="Какой срок: дата срока или номер (1, 2, …), если их несколько.")
@click.option("--on", callback=date_option, help="Когда выполнено (по умолчанию сегодня).")
@click.option("--by", help="Кто отмечает.")
@click.option("--evidence", help="Подтверждение: текст или ссылка.")
@json_option
@pass_context
def done_command(context: Context, item: str, occurrence: str | None, on: date | None, by: str | None,
                 evidence: str | None, as_json: bool) -> None:
    """Отметить срок пункта выполненным. ПУНКТ: КАРТА#ПОРЯДКОВЫЙ, КАРТА:НОМЕР или id."""
    from tracking.status import mark_done

    show_change(mark_done(context.engine, item, occurrence, on=on, by=by, evidence=evidence), as_json)


@click.command("reopen")
@click.argument("item")
@click.option("--occurrence", help="Дата срока или его номер.")
@click.option("--by", help="Кто открывает.")
@click.option("--why", help="Причина.")
@json_option
@pass_context
def reopen_command(context: Context, item: str, occurrence: str | None, by: str | None, why: str | None, as_json: bool) -> None:
    """Снова открыть выполненный или отменённый срок."""
    from tracking.status import reopen

    show_change(reopen(context.engine, item, occurrence, by=by, why=why), as_json)


@click.command("cancel")
@click.argument("item")
@click.option("--why", required=True, help="Причина отмены.")
@click.option("--occurrence", help="Дата срока или его номер.")
@click.option("--by", help="Кто отменяет.")
@json_option
@pass_context
def cancel_command(context: Context, item: str, why: str, occurrence: str | None, by: str | None, as_json: bool) -> None:
    """Отменить срок пункта (с причиной)."""
    from tracking.status import cancel

    show_change(cancel(context.engine, item, why, occurrence, by=by), as_json)


def show_change(change: Any, as_json: bool) -> None:
    if as_json:
        print_json(change.to_json())
    else:
        out.print(change.render())


@click.command("history")
@click.argument("item")
@click.option("--occurrence", help="Дата срока или его номер.")
@json_option
@pass_context
def history_command(context: Context, item: str, occurrence: str | None, as_json: bool) -> None:
    """История отметок по срокам пункта."""
    from tracking.status import occurrence_history

    entries = occurrence_history(context.engine, item, occurrence)
    if as_json:
        print_json([entry.to_json() for entry in entries])
        return
    for entry in entries:
        out.print(entry.render())


@click.command("overdue")
@click.option("--as-of", callback=date_option, help="На какую дату (по умолчанию сегодня в часовом поясе региона).")
@click.option("--executor", help="Часть названия исполнителя.")
@click.option("--roadmap", help="Ключ дорожной карты.")
@click.option("--soon", type=int, default=7, show_default=True, help="«Скоро»: срок в ближайшие N дней.")
@click.option("--csv", "csv_path", type=click.Path(path_type=Path), help="Сохранить в CSV.")
@click.option("--xlsx", "xlsx_path", type=click.Path(path_type=Path), help="Сохранить в XLSX (лист на дорожную карту).")
@json_option
@pass_context
def overdue_command(context: Context, as_of: date | None, executor: str | None, roadmap: str | None, soon: int,
                    csv_path: Path | None, xlsx_path: Path | None, as_json: bool) -> None:
    """Просроченные и скоро наступающие сроки по исполнителям."""
    from tracking.export import export_csv, export_xlsx
    from tracking.overdue import overdue_report, render_overdue

    report = overdue_report(context.engine, as_of=as_of, executor=executor, roadmap=roadmap, soon=soon)
    if csv_path:
        out.print(f"CSV: {csv_path} (строк {export_csv(report, csv_path)}).")
    if xlsx_path:
        out.print(f"XLSX: {xlsx_path} (строк {export_xlsx(report, xlsx_path)}).")
    if as_json:
        print_json(report.to_json())
    elif not (csv_path or xlsx_path):
        out.print(render_overdue(report))


@click.command("summary")
@click.option("--as-of", callback=date_option, help="На какую дату.")
@click.option("--soon", type=int, default=7, show_default=True, help="«Скоро»: срок в ближайшие N дней.")
@json_option
@pass_context
def summary_command(context: Context, as_of: date | None, soon: int, as_json: bool) -> None:
    """Сводка комитета: по картам и исполнителям — выполнено, в срок, просрочено, скоро, без даты."""
    from tracking.summary import render_summary, summary

    report = summary(context.engine, as_of=as_of, soon=soon)
    if as_json:
        print_json(report.to_json())
    else:
        out.print(render_summary(report))


@click.group("contacts")
def contacts_group() -> None:
    """Адреса исполнителей и контролёров."""


@contacts_group.command("load")
@click.argument("path", type=click.Path(path_type=Path))
@json_option
@pass_context
def contacts_load(context: Context, path: Path, as_json: bool) -> None:
    """Загрузить адреса из файла TOML (см. data/contacts.example.toml)."""
    from tracking.contacts import load_contacts

    result = load_contacts(context.store(create=True), path)
    if as_json:
        print_json(result.to_json())
    else:
        out.print(result.render())


@click.command("alerts")
@click.option("--as-of", callback=date_option, help="На какую дату.")
@click.option("--smtp", default="localhost:25", show_default=True, metavar="ХОСТ:ПОРТ", help="Почтовый сервер.")
@click.option("--sender", default=AlertPolicy().sender, show_default=True, help="Адрес отправителя.")
@click.option("--grace", type=int, default=AlertPolicy().escalate_after_days, show_default=True,
              help="Через сколько дней просрочки сообщать контролёру.")
@click.option("--remind-every", type=int, default=AlertPolicy().remind_every_days, show_default=True,
              help="Повторять напоминание о просрочке каждые N дней.")
@click.option("--dry-run", is_flag=True, help="Только показать письма, ничего не отправлять.")
@json_option
@pass_context
def alerts_command(context: Context, as_of: date | None, smtp: str, sender: str, grace: int, remind_every: int,
                   dry_run: bool, as_json: bool) -> None:
    """Разослать исполнителям сводки просроченных и близких сроков; контролёру — эскалации."""
    from tracking.alerts import AlertsNotDelivered, render_alert_run, send_alerts

    policy = AlertPolicy(remind_every_days=remind_every, escalate_after_days=grace, sender=sender)
    try:
        run = send_alerts(context.engine, as_of=as_of, smtp=smtp, policy=policy, dry_run=dry_run)
    except AlertsNotDelivered as exc:
        out.print(render_alert_run(exc.run))
        raise
    if as_json:
        print_json(run.to_json())
    else:
        out.print(render_alert_run(run))
