"""profplan's command line: a thin layer that parses options, calls library functions and prints.

Conventions every command follows: Russian messages; `--json` on every
command that reports something; exit code 0 on success, 1 on a user error
(one Russian line naming what was wrong, never a traceback), 2 on a usage
error; progress bars only when stderr is a terminal.
"""

from __future__ import annotations

import gettext
import json
import os
import sys
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from datetime import date
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from calendars.academic import AcademicCalendar, load_calendar, terms_source
from calendars.academic import region as find_region
from calendars.data_files import data_dir
from calendars.deadlines import parse_deadline
from calendars.errors import ProfplanError
from calendars.school_year import SchoolYear
from calendars.academic import Period
from feeds.export import export_feeds
from feeds.model import FeedOptions
from feeds.server import serve
from feeds.subscriptions import create_subscription, list_subscriptions, revoke_subscription
from roadmaps.importer import DocumentReport, import_documents
from scheduler.service import (
    ReplanResult,
    ScheduleResult,
    compliance_report,
    load_school,
    replan,
    schedule,
    timetable,
)
from tracking.alerts import AlertPolicy, AlertsNotDelivered, render_alert_run, send_alerts
from tracking.contacts import load_contacts
from tracking.export import export_csv, export_xlsx
from tracking.occurrences import sync_roadmap
from tracking.overdue import overdue_report, render_overdue
from tracking.refs import parse_date as tracking_date
from tracking.status import cancel, mark_done, occurrence_history, reopen
from tracking.summary import render_summary
from tracking.summary import summary as tracking_summary
from roadmaps.queries import list_executors, list_items
from store.db import open_store, resolve_url, transaction, upgrade

# Wide tables when printing to a file or pipe (reports are often saved); a terminal keeps its width.
out = Console(highlight=False, width=None if sys.stdout.isatty() else 200)
err = Console(stderr=True, highlight=False)


def ru_date(day: date | str | None) -> str:
    """A date as Russians write it in tables: 01.09.2023."""
    if day is None:
        return "—"
    if isinstance(day, str):
        day = date.fromisoformat(day)
    return day.strftime("%d.%m.%Y")


def print_json(data: Any) -> None:
    """JSON for scripts: UTF-8 Cyrillic as is, ISO dates, stable key order."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def table(title: str, columns: Iterable[str], rows: Iterable[Iterable[Any]]) -> Table:
    """A rich table with Russian headers; cells are rendered with str()."""
    result = Table(title=title, title_justify="left", show_lines=False)
    for column in columns:
        result.add_column(column)
    for row in rows:
        result.add_row(*("" if cell is None else str(cell) for cell in row))
    return result


class Context:
    """What every command may need: the database, opened (and migrated) on first use only."""

    def __init__(self, db: str | None) -> None:
        self.db = db
        self._engine = None

    @property
    def engine(self):  # type: ignore[no-untyped-def]
        if self._engine is None:
            self._engine = open_store(self.db)
        return self._engine


pass_context = click.make_pass_decorator(Context)


def json_option(function: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--json", "as_json", is_flag=True, help="Вывести результат в формате JSON.")(function)


def parse_date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    """Click callback: an ISO date (ГГГГ-ММ-ДД) or a Russian usage error."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"«{value}» не дата: ожидается ГГГГ-ММ-ДД, например 2024-02-05.") from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    metavar="URL|ФАЙЛ",
    help="База данных: путь к файлу SQLite или адрес (postgresql://…). "
    "По умолчанию $PROFPLAN_DATABASE_URL или ./profplan.db.",
)
@click.pass_context
def cli(ctx: click.Context, db: str | None) -> None:
    """profplan: дорожные карты профориентации, расписание профминимума, календари и контроль сроков."""
    ctx.obj = Context(db)


# --- store -------------------------------------------------------------------


@cli.group("db")
def db_group() -> None:
    """Обслуживание базы данных."""


@db_group.command("upgrade")
@json_option
@pass_context
def db_upgrade(context: Context, as_json: bool) -> None:
    """Привести схему базы данных к последней версии (миграции Alembic)."""
    before, after = upgrade(context.engine)
    if as_json:
        print_json({"database": resolve_url(context.db), "before": sorted(before), "after": sorted(after)})
        return
    was = ", ".join(sorted(before)) or "пустая база"
    out.print(f"Схема базы данных обновлена: {was} → {', '.join(sorted(after))}.")


# --- calendar ----------------------------------------------------------------


@cli.command("calendar")
@click.option("--region", required=True, help="Код региона ISO 3166-2, например RU-LEN.")
@click.option("--year", required=True, help="Учебный год, например 2023-2024.")
@click.option("--week", type=click.Choice(["5", "6"]), help="5- или 6-дневная учебная неделя.")
@json_option
def calendar_command(region: str, year: str, week: str | None, as_json: bool) -> None:
    """Учебный календарь региона: четверти, каникулы, праздники, учебные дни."""
    calendar = load_calendar(region, SchoolYear.parse(year), week=int(week) if week else None)
    if as_json:
        print_json(calendar.to_json())
        return
    print_calendar(calendar)


def print_calendar(calendar: AcademicCalendar) -> None:
    data = calendar.to_json()
    out.print(
        f"[bold]{data['region_name']} ({data['region']}), {data['year']} учебный год[/bold]\n"
        f"Часовой пояс: {data['timezone']}; учебная неделя: {data['week']} дней.\n"
        f"Источник: {data['source']}"
    )
    out.print(
        table(
            "Учебные периоды",
            ["Период", "Начало", "Конец", "Учебных дней"],
            ([t["name"], ru_date(t["start"]), ru_date(t["end"]), t["school_days"]] for t in data["terms"]),
        )
    )
    periods = data["vacations"] + data["closures"]
    out.print(
        table("Каникулы и закрытия", ["Название", "Начало", "Конец"], ([p["name"], ru_date(p["start"]), ru_date(p["end"])] for p in periods))
    )
    out.print(table("Праздничные дни", ["Дата", "Праздник"], ([ru_date(h["date"]), h["name"]] for h in data["holidays"])))
    if data["working_weekends"]:
        out.print("Рабочие выходные (перенос): " + ", ".join(ru_date(d) for d in data["working_weekends"]))
    counts = data["counts"]
    out.print(f"Учебных дней: {counts['school_days']}; четвергов — учебных дней: {counts['school_thursdays']}.")


# --- roadmaps -----------------------------------------------------------------


def progress_callback(total: int, label: str) -> Any:
    """A rich progress bar on a terminal; nothing when stderr is a pipe or file."""
    if not err.is_terminal:
        return None, None
    from rich.progress import Progress

    bar = Progress(console=err, transient=True)
    task = bar.add_task(label, total=total)
    return bar, lambda _item: bar.advance(task)


@cli.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--region", help="Регион документа (ISO 3166-2), если он не указан в тексте.")
@click.option("--year", help="Учебный год документа, например 2023-2024.")
@json_option
@pass_context
def import_command(context: Context, paths: tuple[Path, ...], region: str | None, year: str | None, as_json: bool) -> None:
    """Загрузить дорожные карты (.txt, .docx): пункты, сроки, исполнители."""
    bar, advance = progress_callback(len(paths), "Чтение документов")
    with bar or nullcontext():
        reports = import_documents(context.engine, paths, region=region, year=year, progress=advance, on_stored=sync_roadmap)
    if as_json:
        print_json([report.to_json() for report in reports])
        return
    for report in reports:
        print_import_report(report)


def print_import_report(report: DocumentReport) -> None:
    state = "без изменений" if report.unchanged else (
        f"добавлено {len(report.added)}, изменено {len(report.changed)}, удалено {len(report.removed)}"
    )
    out.print(f"[bold]{report.source}[/bold] → «{report.roadmap}»: строк {report.rows}; {state}.")
    for label, lines in (("изменено", report.changed), ("удалено", report.removed)):
        for line in lines:
            out.print(f"  {label}: {line}")
    if report.needs_review:
        out.print(f"  Требуют проверки сроки: {len(report.needs_review)}")
        for row in report.needs_review:
            out.print(f"    № {row.number or '—'} (строка {row.ordinal}): «{row.deadline_text}» — {row.reason}")
    for warning in report.warnings:
        out.print(f"  Предупреждение: {warning}")


@cli.command("deadline")
@click.argument("text")
@click.option("--year", help="Учебный год, к которому относятся месяцы без года, например 2023-2024.")
@click.option("--region", help="Регион: его четверти для «раз в четверть».")
@json_option
def deadline_command(text: str, year: str | None, region: str | None, as_json: bool) -> None:
    """Показать, как понят срок из дорожной карты."""
    school_year = SchoolYear.parse(year) if year else None
    terms = terms_source(find_region(region).code) if region else None
    spec = parse_deadline(text, school_year)
    if as_json:
        print_json(spec.to_json(terms))
        return
    out.print(spec.explain(terms))


@cli.command("executors")
@json_option
@pass_context
def executors_command(context: Context, as_json: bool) -> None:
    """Исполнители из загруженных дорожных карт и число их пунктов."""
    with transaction(context.engine) as session:
        rows = list_executors(session)
    if as_json:
        print_json([row.to_json() for row in rows])
        return
    out.print(table("Исполнители", ["Исполнитель", "Пунктов", "Дорожные карты"], ([r.name, r.items, ", ".join(r.roadmaps)] for r in rows)))


@cli.command("items")
@click.option("--roadmap", help="Ключ дорожной карты (см. вывод import).")
@click.option("--executor", help="Часть названия исполнителя.")
@json_option
@pass_context
def items_command(context: Context, roadmap: str | None, executor: str | None, as_json: bool) -> None:
    """Пункты дорожных карт: номер, раздел, срок, исполнители, результат."""
    with transaction(context.engine) as session:
        rows = list_items(session, roadmap=roadmap, executor=executor)
    if as_json:
        print_json([row.to_json() for row in rows])
        return
    out.print(
        table(
            "Пункты дорожных карт",
            ["Карта", "№", "Мероприятие", "Срок", "Вид", "Период", "Исполнители"],
            (
                [
                    r.roadmap,
                    r.number or "—",
                    r.title[:80],
                    r.deadline_text.replace("\n", " ") + (" [проверить]" if r.needs_review else ""),
                    KIND_NAMES.get(r.kind, r.kind),
                    f"{ru_date(r.start)}–{ru_date(r.end)}" if r.start else "—",
                    "; ".join(r.executors),
                ]
                for r in rows
            ),
        )
    )
    out.print(f"Всего пунктов: {len(rows)}.")


KIND_NAMES = {
    "window": "срок",
    "recurring": "повторяется",
    "phased": "этапы",
    "continuous": "постоянно",
    "on_demand": "по необходимости",
    "separate_schedule": "по отдельному плану",
}


# --- schools and timetables ------------------------------------------------------


@cli.group("school")
def school_group() -> None:
    """Профиль школы: классы, сотрудники, помещения, слоты."""


@school_group.command("load")
@click.argument("path", type=click.Path(path_type=Path))
@json_option
@pass_context
def school_load(context: Context, path: Path, as_json: bool) -> None:
    """Загрузить или обновить школу из файла TOML."""
    result = load_school(context.engine, path)
    if as_json:
        print_json(result.to_json())
        return
    verb = "добавлена" if result.created else "обновлена"
    out.print(
        f"Школа «{result.name}» ({result.school_id}, {result.region}, {result.year}) {verb}: "
        f"классов {result.classes}, сотрудников {result.staff}, помещений {result.venues}."
    )


def period_option(_ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]) -> list[Period]:
    """Click callback: closures given as ГГГГ-ММ-ДД:ГГГГ-ММ-ДД."""
    periods = []
    for value in values:
        start, _, end = value.partition(":")
        first = parse_date(_ctx, _param, start)
        last = parse_date(_ctx, _param, end or start)
        assert first and last
        if last < first:
            raise click.BadParameter(f"«{value}»: конец раньше начала.")
        periods.append(Period("Закрытие школы", first, last))
    return periods


SOLVER_OPTIONS = [
    click.option("--time-limit", type=float, default=60.0, show_default=True, help="Предел времени решателя, с."),
    click.option("--seed", type=int, default=0, show_default=True, help="Зерно решателя: тот же вход и зерно дают то же расписание."),
]


def solver_options(function: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(SOLVER_OPTIONS):
        function = option(function)
    return function


@cli.command("schedule")
@click.argument("school_id")
@click.option("--from", "start", callback=parse_date, help="Начало периода (ГГГГ-ММ-ДД), по умолчанию весь учебный год.")
@click.option("--to", "end", callback=parse_date, help="Конец периода (ГГГГ-ММ-ДД).")
@solver_options
@json_option
@pass_context
def schedule_command(context: Context, school_id: str, start: date | None, end: date | None,
                     time_limit: float, seed: int, as_json: bool) -> None:
    """Составить и сохранить расписание профминимума школы (CP-SAT)."""
    result = schedule(context.engine, school_id, start, end, time_limit=time_limit, seed=seed)
    report_solution(result, as_json)


@cli.command("replan")
@click.argument("school_id")
@click.option("--closed", "closed", multiple=True, required=True, callback=period_option,
              metavar="С:ПО", help="Закрытие школы, например 2024-02-05:2024-02-11 (можно несколько).")
@click.option("--as-of", callback=parse_date, help="Что раньше этой даты — уже прошло и не меняется (по умолчанию сегодня).")
@solver_options
@json_option
@pass_context
def replan_command(context: Context, school_id: str, closed: list[Period], as_of: date | None,
                   time_limit: float, seed: int, as_json: bool) -> None:
    """Перепланировать после закрытия школы, меняя как можно меньше."""
    result = replan(context.engine, school_id, closed, as_of=as_of, time_limit=time_limit, seed=seed)
    report_solution(result, as_json)


STATUS_NAMES = {"optimal": "оптимально", "feasible": "допустимо", "infeasible": "невыполнимо", "unknown": "решение не найдено"}


def report_solution(result: ScheduleResult, as_json: bool) -> None:
    """Print a solve; an infeasible one ends with exit code 1 after its explanation (nothing was stored)."""
    data = result.to_json()
    if as_json:
        print_json(data)
    else:
        gap = f", отрыв {data['gap'] * 100:.1f}%" if data["gap"] else ""
        out.print(
            f"Статус: {STATUS_NAMES.get(data['status'], data['status'])}; цель {data['objective']}, граница {data['bound']}{gap}; "
            f"время {data['solve_seconds']} с; зерно {data['seed']}, потоков {data['workers']}, OR-Tools {data['ortools_version']}."
        )
        if result.ok:
            out.print(f"Период {ru_date(data['from'])}–{ru_date(data['to'])}; занятий и встреч: {data['placements']}.")
            if isinstance(result, ReplanResult):
                changes = data["changes"]
                out.print(f"Изменено: перенесено {len(changes['moved'])}, добавлено {len(changes['added'])}, удалено {len(changes['removed'])}.")
                for kind, label in (("moved", "перенесено"), ("added", "добавлено"), ("removed", "удалено")):
                    for change in changes[kind]:
                        before, after = change["before"] or {}, change["after"] or {}
                        moved = f"{ru_date(before.get('date'))} {before.get('start', '')} → " if before and after else ""
                        shown = after or before
                        out.print(f"  {label}: {shown.get('class', '')} «{shown.get('title', '')}» {moved}{ru_date(shown.get('date'))} {shown.get('start', '')}")
            print_compliance(data["compliance"])
    if not result.ok:
        explanation = data["explanation"]
        reason = explanation["text"] if explanation else data["message"] or "решение не найдено за отведённое время"
        if not as_json:
            out.print(reason)
        raise ProfplanError("Расписание не составлено, сохранённое не изменилось: " + reason.splitlines()[0])


def print_compliance(rows: list[dict[str, Any]]) -> None:
    out.print(
        table(
            "Соответствие нормам (часы)",
            ["Класс", "Направление", "План", "Норма", ""],
            ([r["class"], r["title"], r["planned"], r["required"], "✓" if r["met"] else "не выполнено"] for r in rows),
        )
    )


@cli.command("timetable")
@click.argument("school_id")
@click.option("--class", "class_name", help="Только этот класс, например 8А.")
@click.option("--staff", help="Только этот сотрудник.")
@json_option
@pass_context
def timetable_command(context: Context, school_id: str, class_name: str | None, staff: str | None, as_json: bool) -> None:
    """Размещения текущего расписания школы."""
    view = timetable(context.engine, school_id, class_name=class_name, staff=staff)
    if as_json:
        print_json(view.to_json()["placements"])
        return
    out.print(
        table(
            f"Расписание {school_id} ({ru_date(view.span.start)}–{ru_date(view.span.end)})",
            ["Дата", "Время", "Класс", "Занятие", "Ч", "Ведёт", "Где", "Пункт"],
            (
                [ru_date(p.day), f"{p.start:%H:%M}–{p.end:%H:%M}", p.class_name, p.title, p.hours, p.staff, p.venue, p.item]
                for p in view.placements
            ),
        )
    )
    out.print(f"Всего: {len(view.placements)}.")


@cli.command("compliance")
@click.argument("school_id")
@json_option
@pass_context
def compliance_command(context: Context, school_id: str, as_json: bool) -> None:
    """Часы по направлениям: запланировано и требуется."""
    report = compliance_report(context.engine, school_id)
    data = report.to_json()
    if as_json:
        print_json(data)
        return
    print_compliance(data["rows"])
    out.print("Все нормы выполнены." if report.met else "Есть невыполненные нормы.")


# --- feeds -----------------------------------------------------------------------


@cli.command("subscribe")
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
    targets = [(kind, value) for kind, value in
               (("executor", executor), ("school", school), ("class", class_ref), ("staff", staff)) if value]
    if len(targets) != 1:
        raise click.UsageError("Укажите ровно одно из: --executor, --school, --class, --staff.")
    kind, target = targets[0]
    created = create_subscription(context.engine, kind, target, base=base_url, options=FeedOptions(deadlines_as=deadlines_as))
    if as_json:
        print_json(created.to_json())
        return
    out.print(f"Подписка создана. Адрес календаря:\n  {created.url}\n  {created.webcal_url}")
    out.print("Сохраните адрес: токен показывается только один раз.")


@cli.command("subscriptions")
@json_option
@pass_context
def subscriptions_command(context: Context, as_json: bool) -> None:
    """Список подписок (токены показаны только началом)."""
    rows = list_subscriptions(context.engine)
    if as_json:
        print_json([row.to_json() for row in rows])
        return
    out.print(table("Подписки", ["Токен", "Вид", "Цель", "Создана", "Отозвана"],
                    ([r["prefix"] + "…", r["kind_name"], r["target"], r["created_at"], r["revoked_at"] or ""] for r in (row.to_json() for row in rows))))


@cli.command("unsubscribe")
@click.argument("token")
@pass_context
def unsubscribe_command(context: Context, token: str) -> None:
    """Отозвать подписку (токен, адрес или начало токена)."""
    info = revoke_subscription(context.engine, token).to_json()
    out.print(f"Подписка {info['prefix']}… ({info['kind_name']}: {info['target']}) отозвана.")


@cli.group("feeds")
def feeds_group() -> None:
    """Файлы календарей."""


@feeds_group.command("export")
@click.argument("directory", type=click.Path(path_type=Path))
@json_option
@pass_context
def feeds_export(context: Context, directory: Path, as_json: bool) -> None:
    """Записать календарь каждой подписки в файл .ics."""
    written = export_feeds(context.engine, directory)
    if as_json:
        print_json([feed.to_json() for feed in written])
        return
    out.print(f"Записано календарей: {len(written)} в {directory}.")


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int, help="Число процессов сервера.")
@pass_context
def serve_command(context: Context, host: str, port: int, workers: int) -> None:
    """HTTP-сервер календарей: /feeds/<токен>.ics."""
    err.print(f"Сервер календарей: http://{host}:{port}/feeds/<токен>.ics (Ctrl+C — остановить)")
    serve(context.db, host=host, port=port, workers=workers)


# --- deadlines, overdue, alerts -------------------------------------------------


def date_text(_ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    """Click callback: a date as ГГГГ-ММ-ДД or ДД.ММ.ГГГГ, with a Russian error naming the option."""
    if value is None:
        return None
    try:
        return tracking_date(value, param.opts[0] if param.opts else "дата")
    except ProfplanError as exc:
        raise click.BadParameter(str(exc)) from None


@cli.command("done")
@click.argument("item")
@click.option("--occurrence", help="Какой срок: дата срока или номер (1, 2, …), если их несколько.")
@click.option("--on", callback=date_text, help="Когда выполнено (по умолчанию сегодня).")
@click.option("--by", help="Кто отмечает.")
@click.option("--evidence", help="Подтверждение: текст или ссылка.")
@json_option
@pass_context
def done_command(context: Context, item: str, occurrence: str | None, on: date | None, by: str | None,
                 evidence: str | None, as_json: bool) -> None:
    """Отметить срок пункта выполненным. ITEM: КАРТА#ПОРЯДКОВЫЙ, КАРТА:НОМЕР или id."""
    show_change(mark_done(context.engine, item, occurrence, on=on, by=by, evidence=evidence), as_json)


@cli.command("reopen")
@click.argument("item")
@click.option("--occurrence", help="Дата срока или его номер.")
@click.option("--by", help="Кто открывает.")
@click.option("--why", help="Причина.")
@json_option
@pass_context
def reopen_command(context: Context, item: str, occurrence: str | None, by: str | None, why: str | None, as_json: bool) -> None:
    """Снова открыть выполненный или отменённый срок."""
    show_change(reopen(context.engine, item, occurrence, by=by, why=why), as_json)


@cli.command("cancel")
@click.argument("item")
@click.option("--why", required=True, help="Причина отмены.")
@click.option("--occurrence", help="Дата срока или его номер.")
@click.option("--by", help="Кто отменяет.")
@json_option
@pass_context
def cancel_command(context: Context, item: str, why: str, occurrence: str | None, by: str | None, as_json: bool) -> None:
    """Отменить срок пункта (с причиной)."""
    show_change(cancel(context.engine, item, why, occurrence, by=by), as_json)


def show_change(change: Any, as_json: bool) -> None:
    if as_json:
        print_json(change.to_json())
    else:
        out.print(change.render())


@cli.command("history")
@click.argument("item")
@click.option("--occurrence", help="Дата срока или его номер.")
@json_option
@pass_context
def history_command(context: Context, item: str, occurrence: str | None, as_json: bool) -> None:
    """История отметок по срокам пункта."""
    entries = occurrence_history(context.engine, item, occurrence)
    if as_json:
        print_json([entry.to_json() for entry in entries])
        return
    for entry in entries:
        out.print(entry.render())


@cli.command("overdue")
@click.option("--as-of", callback=date_text, help="На какую дату (по умолчанию сегодня в часовом поясе региона).")
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
    report = overdue_report(context.engine, as_of=as_of, executor=executor, roadmap=roadmap, soon=soon)
    if csv_path:
        out.print(f"CSV: {csv_path} (строк {export_csv(report, csv_path)}).")
    if xlsx_path:
        out.print(f"XLSX: {xlsx_path} (строк {export_xlsx(report, xlsx_path)}).")
    if as_json:
        print_json(report.to_json())
    elif not (csv_path or xlsx_path):
        out.print(render_overdue(report))


@cli.command("summary")
@click.option("--as-of", callback=date_text, help="На какую дату.")
@click.option("--soon", type=int, default=7, show_default=True)
@json_option
@pass_context
def summary_command(context: Context, as_of: date | None, soon: int, as_json: bool) -> None:
    """Сводка комитета: по картам и исполнителям — выполнено, в срок, просрочено, скоро, без даты."""
    report = tracking_summary(context.engine, as_of=as_of, soon=soon)
    if as_json:
        print_json(report.to_json())
    else:
        out.print(render_summary(report))


@cli.group("contacts")
def contacts_group() -> None:
    """Адреса исполнителей и контролёров."""


@contacts_group.command("load")
@click.argument("path", type=click.Path(path_type=Path))
@json_option
@pass_context
def contacts_load(context: Context, path: Path, as_json: bool) -> None:
    """Загрузить адреса из файла TOML (см. data/contacts.example.toml)."""
    result = load_contacts(context.engine, path)
    if as_json:
        print_json(result.to_json())
    else:
        out.print(result.render())


@cli.command("alerts")
@click.option("--as-of", callback=date_text, help="На какую дату.")
@click.option("--smtp", default="localhost:25", show_default=True, metavar="ХОСТ:ПОРТ")
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


# --- demo ----------------------------------------------------------------------


DEMO_AS_OF = date(2024, 2, 15)  # a fixed day inside the seeds' school year, so the report is reproducible
DEMO_DONE = (1, 2, 5)  # ordinals of the Leningrad roadmap's items the demo marks done


@cli.command("demo")
@click.option("--feeds-dir", type=click.Path(path_type=Path), default=Path("feeds-out"), show_default=True,
              help="Куда записать календари демо-школы.")
@click.option("--time-limit", type=float, default=30.0, show_default=True, help="Предел времени решателя, с.")
@pass_context
def demo_command(context: Context, feeds_dir: Path, time_limit: float) -> None:
    """Полный пример на встроенных данных: дорожные карты → расписание → календари → просрочка."""
    engine = context.engine
    paths = sorted((data_dir() / "roadmaps").glob("*.txt"))
    out.print(f"[bold]1. Загрузка дорожных карт[/bold] ({len(paths)} документов) в {resolve_url(context.db)}")
    reports = import_documents(engine, paths, on_stored=sync_roadmap)
    for report in reports:
        print_import_report(report)

    school = load_school(engine, data_dir() / "schools" / "demo.toml")
    out.print(f"[bold]2. Расписание профминимума[/bold]: школа «{school.name}» ({school.school_id}), "
              f"классов {school.classes}, {school.region}, {school.year}")
    print_calendar(load_calendar(school.region, school.year))
    report_solution(schedule(engine, school.school_id, time_limit=time_limit), as_json=False)

    out.print("[bold]3. Календари для подписки[/bold]")
    view = timetable(engine, school.school_id)
    first = view.placements[0]
    leningrad = next(r for r in reports if r.region == school.region)
    executor = next(row.name for row in list_executors_of(engine, leningrad.roadmap))
    for kind, target in (
        ("school", school.school_id),
        ("class", f"{school.school_id}/{first.class_name}"),
        ("staff", f"{school.school_id}/{first.staff}"),
        ("executor", executor),
    ):
        created = create_subscription(engine, kind, target)
        out.print(f"  {created.info.to_json()['kind_name']} «{target}»: {created.url}")
    written = export_feeds(engine, feeds_dir)
    out.print(f"  Календари записаны в {feeds_dir}/ (файлов: {len(written)}); сервер: profplan serve")

    out.print(f"[bold]4. Контроль сроков на {ru_date(DEMO_AS_OF)}[/bold]")
    for ordinal in DEMO_DONE:
        item = f"{leningrad.roadmap}#{ordinal}"
        change = mark_done(engine, item, occurrence="1", on=date(2023, 10, 20), by="Демо: секретарь комитета",
                           evidence="Отчёт принят")
        out.print(change.render())
    out.print(render_summary(tracking_summary(engine, as_of=DEMO_AS_OF)))
    out.print(render_overdue(overdue_report(engine, as_of=DEMO_AS_OF, roadmap=leningrad.roadmap)))


def list_executors_of(engine: Any, roadmap: str) -> list[Any]:
    """Executors of one roadmap's items, busiest first (the demo subscribes to the busiest)."""
    with transaction(engine) as session:
        return [row for row in list_executors(session) if roadmap in row.roadmaps]


def use_russian_click_messages() -> None:
    """click prints its own usage errors and help headings through gettext: give it Russian ones."""
    gettext.bindtextdomain("messages", str(data_dir() / "locale"))
    os.environ["LANGUAGE"] = "ru"


def main() -> None:
    """Entry point: user errors become one Russian line and exit code 1, usage errors exit 2."""
    use_russian_click_messages()
    try:
        cli.main(standalone_mode=False, prog_name="profplan")
    except click.exceptions.Abort:
        err.print("Прервано.")
        sys.exit(1)
    except click.ClickException as exc:
        if exc.exit_code == 2 and getattr(exc, "ctx", None) is not None:
            click.echo(exc.ctx.get_usage(), err=True)
        click.echo(f"Ошибка: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except ProfplanError as exc:
        click.echo(f"Ошибка: {exc}", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
