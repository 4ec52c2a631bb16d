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
from roadmaps.importer import DocumentReport, import_documents
from roadmaps.queries import list_executors, list_items
from store.db import open_store, resolve_url, transaction, upgrade

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


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
    if bar:
        with bar:
            reports = import_documents(context.engine, paths, region=region, year=year, progress=advance)
    else:
        reports = import_documents(context.engine, paths, region=region, year=year)
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


# --- demo ----------------------------------------------------------------------


@cli.command("demo")
@pass_context
def demo_command(context: Context) -> None:
    """Полный пример на встроенных данных: загрузка дорожных карт и календарь."""
    paths = sorted((data_dir() / "roadmaps").glob("*.txt"))
    out.print(f"[bold]1. Загрузка дорожных карт[/bold] ({len(paths)} документов) в {resolve_url(context.db)}")
    for report in import_documents(context.engine, paths):
        print_import_report(report)
    out.print("[bold]2. Учебный календарь[/bold]")
    print_calendar(load_calendar("RU-LEN", "2023-2024"))


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
