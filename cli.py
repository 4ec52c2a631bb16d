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

from calendars.data_files import bundled_data, os_error_message
from calendars.errors import ProfplanError
from commands import calendar, db, demo, feeds, region, roadmaps, schools, serve, tracking, users
from commands.base import Context, date_option, err
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
    roadmaps.roadmap_group,
    calendar.calendar_command,
    schools.school_group,
    schools.schedule_command,
    schools.replan_command,
    schools.timetable_command,
    schools.pin_command,
    schools.unpin_command,
    schools.move_command,
    schools.compliance_command,
    region.region_group,
    feeds.subscribe_command,
    feeds.subscriptions_command,
    feeds.unsubscribe_command,
    feeds.subscription_group,
    feeds.feeds_group,
    users.user_group,
    serve.serve_command,
    tracking.done_command,
    tracking.reopen_command,
    tracking.cancel_command,
    tracking.history_command,
    tracking.overdue_command,
    tracking.summary_command,
    tracking.tracking_command,
    tracking.checkins_command,
    tracking.indicators_command,
    tracking.indicator_group,
    tracking.contacts_group,
    tracking.alerts_command,
    db.db_group,
    demo.demo_command,
):
    cli.add_command(command)


# How a value is shown in help pages ("--year ТЕКСТ") when its option or argument names no metavar of its own.
TYPE_METAVARS = {"text": "ТЕКСТ", "float": "ЧИСЛО", "integer": "ЧИСЛО", "float range": "ЧИСЛО", "integer range": "ЧИСЛО",
                 "path": "ПУТЬ", "filename": "ФАЙЛ", "boolean": "ДА|НЕТ", "datetime": "ДАТА"}
ARGUMENT_METAVARS = {"paths": "ФАЙЛ", "path": "ФАЙЛ", "file": "ФАЙЛ", "directory": "ПАПКА", "item": "ПУНКТ", "school_id": "ШКОЛА",
                     "text": "ТЕКСТ", "token": "ТОКЕН"}


def russian_help(command: click.Command) -> None:
    """Russian placeholders in every help page of `command` and its subcommands.

    click writes "[OPTIONS]", "COMMAND [ARGS]..." and each value's type
    ("TEXT", "FLOAT", "PATH") or argument name ("SCHOOL_ID") in English and
    outside gettext; everything else it prints comes Russian from the
    catalogue in data/locale. A command that sets its own metavar keeps it.
    """
    command.options_metavar = "[ПАРАМЕТРЫ]"
    if isinstance(command, click.Group):
        command.subcommand_metavar = "[КОМАНДА] [АРГУМЕНТЫ]..." if command.invoke_without_command else "КОМАНДА [АРГУМЕНТЫ]..."
        for sub in command.commands.values():
            russian_help(sub)
    for param in command.params:
        if param.metavar is not None or (isinstance(param, click.Option) and param.is_flag):
            continue
        if param.callback is date_option:
            metavar = "ДАТА"
        elif isinstance(param, click.Argument) and param.name in ARGUMENT_METAVARS:
            metavar = ARGUMENT_METAVARS[param.name]
        elif isinstance(param.type, click.Choice):
            continue  # click lists the choices: [a|b]
        else:
            metavar = TYPE_METAVARS.get(param.type.name, "ЗНАЧЕНИЕ")
        if isinstance(param, click.Argument) and not param.required:
            metavar = f"[{metavar}]"
        param.metavar = f"{metavar}..." if param.nargs != 1 else metavar


russian_help(cli)


def use_russian_click_messages() -> None:
    """click prints its own usage errors and help headings through gettext: give it Russian ones."""
    gettext.bindtextdomain("messages", str(bundled_data() / "locale"))
    os.environ["LANGUAGE"] = "ru"


def write_crash_log(exc: BaseException) -> Path | None:
    """Save the traceback of an unexpected error where the user can send it to us; the file, or None if the disk refused."""
    try:
        folder = Settings.from_environment().writable_log_dir()
        path = folder / f"profplan-crash-{datetime.now():%Y%m%d-%H%M%S}-{os.getpid()}.log"
        path.write_text(
            f"profplan {' '.join(sys.argv[1:])}\n\n" + "".join(traceback.format_exception(exc)), encoding="utf-8"
        )
    except (OSError, ProfplanError):
        return None
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
    except OSError as exc:  # the machine refused: a full disk, a read-only folder, a port taken
        click.echo(f"Ошибка: {os_error_message(exc)}", err=True)
        sys.exit(1)
    except Exception as exc:  # the guard: a bug must not show the user a traceback
        log = write_crash_log(exc)
        where = f"Подробности записаны в {log}; пришлите этот файл разработчикам." if log else \
            "Записать подробности не удалось: диск недоступен для записи."
        click.echo(f"Ошибка: внутренняя ошибка profplan ({type(exc).__name__}). {where}", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
