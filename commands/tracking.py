"""`profplan done`, `reopen`, `cancel`, `history`, `overdue`, `summary`, `tracking`, `checkins`, `indicators`,
`indicator`, `contacts`, `alerts`: deadline tracking for the committee."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import click

from commands.base import Context, date_option, json_option, out, pass_context, print_json, ru_date
from tracking.policy import DEFAULT_SMTP, DEFAULT_SOON_DAYS, AlertPolicy
from tracking.screen import DEFAULT_LIMIT
from tracking.values import CheckinEvery


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

    show(mark_done(context.engine, item, occurrence, on=on, by=by, evidence=evidence), as_json)


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

    show(reopen(context.engine, item, occurrence, by=by, why=why), as_json)


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

    show(cancel(context.engine, item, why, occurrence, by=by), as_json)


def show(result: Any, as_json: bool) -> None:
    """A library result: its JSON, or its Russian `render()`."""
    if as_json:
        print_json(result.to_json())
    else:
        out.print(result.render())


@click.command("history")
@click.argument("item")
@click.option("--occurrence", help="Дата срока или его номер.")
@json_option
@pass_context
def history_command(context: Context, item: str, occurrence: str | None, as_json: bool) -> None:
    """История отметок по срокам пункта и занятия школ, которые его планируют."""
    from tracking.status import occurrence_history

    entries = occurrence_history(context.engine, item, occurrence)
    if as_json:
        print_json([entry.to_json() for entry in entries])
        return
    for entry in entries:
        out.print(entry.render())


def limit_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """`--limit N` and `--all`: how many rows a terminal report shows."""
    function = click.option("--all", "show_all", is_flag=True, help="Показать все строки.")(function)
    return click.option("--limit", type=click.IntRange(min=1), default=DEFAULT_LIMIT, show_default=True,
                        help="Сколько строк показать.")(function)


@click.command("overdue")
@click.option("--as-of", callback=date_option, help="На какую дату (по умолчанию сегодня в часовом поясе региона).")
@click.option("--executor", help="Часть названия исполнителя.")
@click.option("--roadmap", help="Ключ дорожной карты.")
@click.option("--soon", type=int, default=DEFAULT_SOON_DAYS, show_default=True, help="«Скоро»: срок в ближайшие N дней.")
@limit_options
@click.option("--csv", "csv_path", type=click.Path(path_type=Path), help="Сохранить все строки в CSV.")
@click.option("--xlsx", "xlsx_path", type=click.Path(path_type=Path), help="Сохранить все строки в XLSX (лист на дорожную карту).")
@json_option
@pass_context
def overdue_command(context: Context, as_of: date | None, executor: str | None, roadmap: str | None, soon: int,
                    limit: int, show_all: bool, csv_path: Path | None, xlsx_path: Path | None, as_json: bool) -> None:
    """Просроченные и скоро наступающие сроки: число по исполнителям и самые срочные строки."""
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
        out.print(render_overdue(report, out.width, None if show_all else limit))


@click.command("summary")
@click.option("--as-of", callback=date_option, help="На какую дату.")
@click.option("--soon", type=int, default=DEFAULT_SOON_DAYS, show_default=True, help="«Скоро»: срок в ближайшие N дней.")
@limit_options
@json_option
@pass_context
def summary_command(context: Context, as_of: date | None, soon: int, limit: int, show_all: bool, as_json: bool) -> None:
    """Сводка комитета: по картам и исполнителям — выполнено, в срок, просрочено, скоро, в плане; показатели."""
    from tracking.summary import render_summary, summary

    report = summary(context.engine, as_of=as_of, soon=soon)
    if as_json:
        print_json(report.to_json())
    else:
        out.print(render_summary(report, out.width, None if show_all else limit))


@click.command("tracking")
@click.argument("roadmap")
@click.option("--from", "track_from", callback=date_option,
              help="Новое начало отслеживания: отчёты и повторяющиеся сроки считаются с этой даты.")
@json_option
@pass_context
def tracking_command(context: Context, roadmap: str, track_from: date | None, as_json: bool) -> None:
    """Как отслеживается дорожная карта: с какой даты и как часто отчёты; --from меняет начало."""
    from tracking.occurrences import set_tracking_start, tracking_settings

    if track_from is not None:
        result = set_tracking_start(context.engine, roadmap, track_from)
        if not as_json:
            out.print(result.render())
    show(tracking_settings(context.engine, roadmap), as_json)


@click.command("checkins")
@click.argument("ref", metavar="КАРТА|ПУНКТ")
@click.option("--every", type=click.Choice([every.value for every in CheckinEvery]),
              help="Как часто пункты без срока отчитываются: " + ", ".join(f"{e.value} — {e.label}" for e in CheckinEvery) + ".")
@click.option("--as-roadmap", is_flag=True, help="Для пункта: снова как у дорожной карты.")
@json_option
@pass_context
def checkins_command(context: Context, ref: str, every: str | None, as_roadmap: bool, as_json: bool) -> None:
    """Периодичность отчётов по пунктам без срока («постоянно», «по мере необходимости»): для карты или пункта.

    КАРТА — ключ дорожной карты; ПУНКТ — КАРТА#ПОРЯДКОВЫЙ или КАРТА:НОМЕР.
    """
    from tracking.occurrences import set_checkins

    if (every is None) == (not as_roadmap):
        raise click.UsageError("Укажите --every … или (для пункта) --as-roadmap.")
    show(set_checkins(context.engine, ref, CheckinEvery(every) if every else None), as_json)


@click.command("indicators")
@click.option("--roadmap", help="Ключ дорожной карты.")
@click.option("--as-of", callback=date_option, help="Цели какого года показать (по умолчанию текущего).")
@json_option
@pass_context
def indicators_command(context: Context, roadmap: str | None, as_of: date | None, as_json: bool) -> None:
    """Показатели дорожных карт: единица, базовое значение, цель на год, последнее фактическое значение."""
    from tracking.indicators import list_indicators, render_indicators

    listing = list_indicators(context.engine, roadmap, as_of)
    if as_json:
        print_json(listing.to_json())
        return
    if not listing.rows:
        out.print("В загруженных дорожных картах нет таблиц показателей." if roadmap is None
                  else f"В дорожной карте «{roadmap}» нет таблицы показателей.")
        return
    out.print(render_indicators(listing.rows, out.width, title=f"Показатели на {ru_date(listing.as_of)}"))
    out.print(f"Всего показателей: {len(listing.rows)}. Записать факт: profplan indicator set ПОКАЗАТЕЛЬ ЗНАЧЕНИЕ "
              "--on ДАТА; цели: profplan indicator plan ПОКАЗАТЕЛЬ --target ГОД=ЗНАЧЕНИЕ.")


@click.group("indicator")
def indicator_group() -> None:
    """Значения одного показателя: факт, базовое значение, цели по годам."""


def number_argument(_ctx: click.Context, param: click.Parameter, value: str | None) -> float | None:
    from tracking.errors import TrackingError
    from tracking.indicators import number_of

    if value is None:
        return None
    try:
        return number_of(value, param.human_readable_name)
    except TrackingError as exc:
        raise click.BadParameter(str(exc)) from None


def targets_option(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict[int, float]:
    """Click callback: --target 2024=120 (repeatable)."""
    targets: dict[int, float] = {}
    for value in values:
        year, separator, amount = value.partition("=")
        if not separator or not year.strip().isdigit() or len(year.strip()) != 4:
            raise click.BadParameter(f"«{value}»: ожидается ГОД=ЗНАЧЕНИЕ, например 2024=120.")
        number = number_argument(ctx, param, amount.strip())
        assert number is not None
        targets[int(year)] = number
    return targets


@indicator_group.command("set")
@click.argument("indicator", metavar="ПОКАЗАТЕЛЬ")
@click.argument("value", metavar="ЗНАЧЕНИЕ", callback=number_argument)
@click.option("--on", callback=date_option, help="Дата измерения (по умолчанию сегодня).")
@click.option("--by", help="Кто записывает.")
@click.option("--note", help="Примечание: источник, отчёт.")
@json_option
@pass_context
def indicator_set(context: Context, indicator: str, value: float, on: date | None, by: str | None, note: str | None,
                  as_json: bool) -> None:
    """Записать фактическое значение показателя на дату. ПОКАЗАТЕЛЬ: КАРТА#ПОРЯДКОВЫЙ (см. indicators) или id."""
    from tracking.indicators import fmt_value, record_value

    row = record_value(context.engine, indicator, value, on=on, by=by, note=note)
    if as_json:
        print_json(row.to_json())
        return
    assert row.actual is not None
    out.print(f"{row.ref} «{row.name}»: факт {fmt_value(row.actual.value, row.unit)} на {ru_date(row.actual.on_date)}"
              f"; цель {row.year}: {fmt_value(row.target, row.unit)}.")


@indicator_group.command("plan")
@click.argument("indicator", metavar="ПОКАЗАТЕЛЬ")
@click.option("--baseline", callback=number_argument, help="Базовое значение.")
@click.option("--target", "targets", multiple=True, callback=targets_option, metavar="ГОД=ЗНАЧЕНИЕ",
              help="Цель на год, например 2024=120 (можно несколько).")
@json_option
@pass_context
def indicator_plan(context: Context, indicator: str, baseline: float | None, targets: dict[int, float], as_json: bool) -> None:
    """Задать базовое значение и цели показателя по годам."""
    from tracking.indicators import fmt_value, set_plan

    row = set_plan(context.engine, indicator, baseline=baseline, targets=targets)
    if as_json:
        print_json(row.to_json())
        return
    plan = ", ".join(f"{year}: {fmt_value(value, row.unit)}" for year, value in sorted(row.targets.items())) or "нет"
    out.print(f"{row.ref} «{row.name}»: базовое {fmt_value(row.baseline, row.unit)}; цели — {plan}.")


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

    show(load_contacts(context.store(create=True), path), as_json)


@click.command("alerts")
@click.option("--as-of", callback=date_option, help="На какую дату.")
@click.option("--smtp", default=DEFAULT_SMTP, show_default=True, metavar="ХОСТ:ПОРТ", help="Почтовый сервер.")
@click.option("--sender", default=AlertPolicy.sender, show_default=True, help="Адрес отправителя.")
@click.option("--grace", type=int, default=AlertPolicy.escalate_after_days, show_default=True,
              help="Через сколько дней просрочки сообщать контролёру.")
@click.option("--remind-every", type=int, default=AlertPolicy.remind_every_days, show_default=True,
              help="Повторять напоминание о просрочке каждые N дней.")
@click.option("--dry-run", is_flag=True, help="Только показать, кому какие письма ушли бы (строка на письмо).")
@click.option("--verbose", is_flag=True, help="Показать и сами письма.")
@json_option
@pass_context
def alerts_command(context: Context, as_of: date | None, smtp: str, sender: str, grace: int, remind_every: int,
                   dry_run: bool, verbose: bool, as_json: bool) -> None:
    """Разослать исполнителям сводки просроченных и близких сроков; контролёру — эскалации."""
    from tracking.alerts import AlertsNotDelivered, render_alert_run, send_alerts
    from tracking.email_channel import EmailChannel

    policy = AlertPolicy(remind_every_days=remind_every, escalate_after_days=grace, sender=sender)
    try:
        run = send_alerts(context.engine, EmailChannel(smtp, sender), as_of=as_of, policy=policy, dry_run=dry_run,
                          web_url=context.settings.feeds_url)
    except AlertsNotDelivered as exc:
        out.print(render_alert_run(exc.run, verbose))
        raise
    if as_json:
        print_json(run.to_json())
    else:
        out.print(render_alert_run(run, verbose))
