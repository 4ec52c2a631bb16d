"""profplan's command line: a thin layer that parses options, calls library functions and prints.

Conventions every command follows: Russian messages; `--json` on every
command that reports something; exit code 0 on success, 1 on a user error
(one Russian line naming what was wrong, never a traceback), 2 on a usage
error; progress bars only when stderr is a terminal.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from calendars.academic import AcademicCalendar, load_calendar
from calendars.errors import ProfplanError
from calendars.school_year import SchoolYear
from store.db import open_store, resolve_url, upgrade

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


def main() -> None:
    """Entry point: user errors become one Russian line and exit code 1, usage errors exit 2."""
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
