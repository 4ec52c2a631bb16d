"""profplan's command line: the root group, its commands in workflow order, and the error guard.

Conventions every command follows: Russian messages; `--json` on every
command that reports something; exit code 0 on success, 1 on a user error
(one Russian line naming what was wrong, never a traceback), 2 on a usage
error; progress bars only when stderr is a terminal. The commands live in
`commands/`, one module per concern; this module only assembles them, so
starting the program loads neither the store nor the solver.
"""

from __future__ import annotations

import gettext
import os
import sys
import traceback
from datetime import datetime
from pathlib import Path

import click

from calendars.data_files import data_dir
from calendars.errors import ProfplanError
from commands import calendar, db, demo, feeds, roadmaps, schools, serve, tracking, users
from commands.base import Context, err
from store.settings import Settings


class WorkflowGroup(click.Group):
    """A group that lists its commands in the order they were added (the order of the work), not alphabetically."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)


@click.group(cls=WorkflowGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    metavar="URL|ФАЙЛ",
    help="База данных: путь к файлу SQLite или адрес (postgresql://…). "
    "По умолчанию $PROFPLAN_DATABASE_URL или ./profplan.db.",
)
@click.pass_context
def cli(ctx: click.Context, db: str | None) -> None:
    """profplan: дорожные карты профориентации, расписание профминимума, календари и контроль сроков."""
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())
        return
    ctx.obj = Context(Settings.from_environment().with_database(db))


for command in (
    roadmaps.import_command,
    roadmaps.deadline_command,
    roadmaps.items_command,
    roadmaps.executors_command,
    calendar.calendar_command,
    schools.school_group,
    schools.schedule_command,
    schools.replan_command,
    schools.timetable_command,
    schools.compliance_command,
    feeds.subscribe_command,
    feeds.subscriptions_command,
    feeds.unsubscribe_command,
    feeds.feeds_group,
    users.user_group,
    serve.serve_command,
    tracking.done_command,
    tracking.reopen_command,
    tracking.cancel_command,
    tracking.history_command,
    tracking.overdue_command,
    tracking.summary_command,
    tracking.contacts_group,
    tracking.alerts_command,
    db.db_group,
    demo.demo_command,
):
    cli.add_command(command)


def use_russian_click_messages() -> None:
    """click prints its own usage errors and help headings through gettext: give it Russian ones."""
    gettext.bindtextdomain("messages", str(data_dir() / "locale"))
    os.environ["LANGUAGE"] = "ru"


def write_crash_log(exc: BaseException) -> Path:
    """Save the traceback of an unexpected error where the user can send it to us; returns the file."""
    folder = Settings.from_environment().writable_log_dir()
    path = folder / f"profplan-crash-{datetime.now():%Y%m%d-%H%M%S}-{os.getpid()}.log"
    path.write_text(
        f"profplan {' '.join(sys.argv[1:])}\n\n" + "".join(traceback.format_exception(exc)), encoding="utf-8"
    )
    return path


def main() -> None:
    """Entry point: user errors become one Russian line and exit code 1, usage errors exit 2.

    Anything else is a bug: the user gets one Russian line with the path of a
    log file holding the traceback, never the traceback itself.
    """
    use_russian_click_messages()
    try:
        cli.main(standalone_mode=False, prog_name="profplan")
    except click.exceptions.Abort:
        err.print("Прервано.")
        sys.exit(1)
    except click.ClickException as exc:
        context = getattr(exc, "ctx", None)
        if exc.exit_code == 2 and context is not None:
            click.echo(context.get_usage(), err=True)
        click.echo(f"Ошибка: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except ProfplanError as exc:
        click.echo(f"Ошибка: {exc}", err=True)
        sys.exit(1)
    except Exception as exc:  # the guard: a bug must not show the user a traceback
        log = write_crash_log(exc)
        click.echo(f"Ошибка: внутренняя ошибка profplan ({type(exc).__name__}). Подробности записаны в {log}; "
                   "пришлите этот файл разработчикам.", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
