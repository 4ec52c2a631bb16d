"""`profplan region schedule`, `region report`: every school of a region on a Dask cluster, and the committee's summary."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from calendars.errors import ProfplanError
from commands.base import Context, date_option, err, json_option, out, pass_context, print_json, table
from commands.schools import solver_options

if TYPE_CHECKING:
    from region.batch import BatchReport

REGION_OPTION = click.option("--region", "region_code", metavar="КОД", help="Только школы этого региона, например RU-LEN.")


@click.group("region")
def region_group() -> None:
    """Регион целиком: расписания всех школ на кластере Dask и сводка для комитета."""


@region_group.command("schedule")
@REGION_OPTION
@click.option("--schools", "folder", type=click.Path(path_type=Path), metavar="ПАПКА",
              help="Загрузить файлы школ (*.toml) из папки и составить их расписания.")
@click.option("--all", "every", is_flag=True, help="Все школы из базы (региона, если указан --region).")
@click.option("--workers", type=click.IntRange(min=1), metavar="N",
              help="Исполнителей локального кластера (по умолчанию по числу ядер); с --scheduler — сколько дождаться.")
@click.option("--scheduler", metavar="tcp://ХОСТ:ПОРТ", help="Работающий кластер Dask (dask scheduler) вместо локального.")
@solver_options
@click.option("--force", is_flag=True, help="Решать и школы, чьё сохранённое расписание получено из того же входа с тем же зерном.")
@json_option
@pass_context
def schedule_command(context: Context, region_code: str | None, folder: Path | None, every: bool, workers: int | None,
                     scheduler: str | None, time_limit: float, seed: int, force: bool, as_json: bool) -> None:
    """Составить расписания всех школ региона параллельно на кластере Dask и сохранить каждое по готовности."""
    if (folder is None) != every:
        raise click.UsageError("укажите одно из двух: --schools ПАПКА или --all.")
    from region.batch import BatchOptions, schedule_region, select_schools
    from region.cluster import ClusterSpec
    from region.progress import ProgressBar

    engine = context.store(create=folder is not None)
    selection = select_schools(engine, region_code, folder)
    if note := selection.other_region_note():
        err.print(note)
    report = schedule_region(engine, selection, ClusterSpec(scheduler, workers), BatchOptions(time_limit, seed, force),
                             ProgressBar(err))
    if as_json:
        print_json(report.to_json())
    else:
        print_batch(report)
    if not report.ok:
        failed = ", ".join(outcome.school for outcome in report.failures)
        raise ProfplanError(f"Не составлено расписаний: {len(report.failures)} из {len(report.outcomes)} ({failed}).")


def print_batch(report: BatchReport) -> None:
    """The run's totals, and a row per school that did not succeed with why."""
    from region.outcome import OutcomeKind

    out.print(
        f"Составлено: {report.count(OutcomeKind.SOLVED)}, без изменений: {report.count(OutcomeKind.SKIPPED)}, "
        f"не составлено: {len(report.failures)} из {len(report.outcomes)} за {report.seconds:.1f} с "
        f"({report.schools_per_minute:.1f} школ в минуту, исполнителей {report.workers})."
    )
    if report.failures:
        out.print(table("Не составлено", ["Школа", "Итог", "Попыток", "Исполнитель", "Причина"], (
            [o.school, o.kind.russian, o.attempts, o.worker, o.reason] for o in report.failures
        )))


@region_group.command("report")
@REGION_OPTION
@click.option("--as-of", callback=date_option, help="Дата, на которую считается просрочка (по умолчанию сегодня).")
@json_option
@click.option("--xlsx", type=click.Path(path_type=Path), metavar="ФАЙЛ", help="Записать сводку в файл Excel.")
@pass_context
def report_command(context: Context, region_code: str | None, as_of: date | None, as_json: bool, xlsx: Path | None) -> None:
    """Сводка по муниципалитетам и школам: классы, уровень, расписание, нормы, просроченные пункты."""
    if as_json and xlsx:
        raise click.UsageError("укажите одно из двух: --json или --xlsx ФАЙЛ.")
    from region.export import export_xlsx
    from region.render import render_region
    from region.report import region_report

    report = region_report(context.engine, region_code, as_of)
    if as_json:
        print_json(report.to_json())
    elif xlsx:
        count = export_xlsx(report, xlsx)
        out.print(f"Сводка по {count} школам записана в {xlsx}.")
    else:
        out.print(render_region(report))
