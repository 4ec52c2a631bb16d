"""What every command module shares: the context with the store, output helpers, option callbacks.

Nothing here imports the store, the solver or any other heavy library at
module level: `profplan --help` imports every command module, and it must
start in a fraction of a second (tests/test_cli_startup.py checks which
libraries a bare start loads).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console
from rich.table import Table

from calendars.dates import parse_date
from calendars.errors import ProfplanError
from store.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

# Wide tables when printing to a file or pipe (reports are often saved); a terminal keeps its width.
out = Console(highlight=False, width=None if sys.stdout.isatty() else 200)
err = Console(stderr=True, highlight=False)


class Context:
    """What every command may need: the settings, and the database opened (and migrated) on first use only."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._engine: Engine | None = None

    @property
    def engine(self) -> Engine:
        """The existing database; a missing SQLite file is an error (commands that only read or change data)."""
        return self.store(create=False)

    def store(self, create: bool) -> Engine:
        """The database, created when missing if `create` (commands that bring new data: import, load, demo)."""
        if self._engine is None:
            from store.db import open_store

            self._engine = open_store(self.settings.database_url, create=create, lock_timeout=self.settings.lock_timeout)
        return self._engine


pass_context = click.make_pass_decorator(Context)


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


def json_option(function: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--json", "as_json", is_flag=True, help="Вывести результат в формате JSON.")(function)


def date_option(_ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    """Click callback: a date as ГГГГ-ММ-ДД or ДД.ММ.ГГГГ, or a Russian usage error naming the option."""
    if value is None:
        return None
    try:
        return parse_date(value, param.opts[0] if param.opts else "дата")
    except ProfplanError as exc:
        raise click.BadParameter(str(exc)) from None


def progress_callback(total: int, label: str) -> Any:
    """A rich progress bar and its advance callback on a terminal; (None, None) when stderr is a pipe or file."""
    if not err.is_terminal:
        return None, None
    from rich.progress import Progress

    bar = Progress(console=err, transient=True)
    task = bar.add_task(label, total=total)
    return bar, lambda _item: bar.advance(task)
