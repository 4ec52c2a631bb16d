"""`profplan import`, `deadline`, `items`, `executors`: roadmap documents and what was read from them."""

from __future__ import annotations

from contextlib import nullcontext
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from commands.base import Context, date_option, json_option, out, pass_context, print_json, progress_callback, ru_date, table

if TYPE_CHECKING:
    from roadmaps.importer import DocumentReport

KIND_NAMES = {
    "window": "срок",
    "recurring": "повторяется",
    "phased": "этапы",
    "continuous": "постоянно",
    "on_demand": "по необходимости",
    "separate_schedule": "по отдельному плану",
}


@click.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--region", help="Регион документа (ISO 3166-2), если он не указан в тексте.")
@click.option("--year", help="Учебный год документа, например 2023-2024.")
@click.option("--track-from", callback=date_option,
              help="Начало отслеживания: отчёты и повторяющиеся сроки — с этой даты "
                   "(по умолчанию позднее из начала периода карты и дня загрузки).")
@json_option
@pass_context
def import_command(context: Context, paths: tuple[Path, ...], region: str | None, year: str | None,
                   track_from: date | None, as_json: bool) -> None:
    """Загрузить дорожные карты (.txt, .docx): пункты, сроки, исполнители, показатели."""
    from roadmaps.importer import import_documents
    from tracking.imports import ImportTracker
    from tracking.occurrences import set_tracking_start

    engine = context.store(create=True)
    tracker = ImportTracker(track_from)
    bar, advance = progress_callback(len(paths), "Чтение документов")
    with bar or nullcontext():
        reports = import_documents(engine, paths, region=region, year=year, progress=advance, on_stored=tracker)
    # A document imported before and unchanged is not stored again: a new tracking start is set on its own.
    tracked: dict[str, Any] = {
        report.roadmap: set_tracking_start(engine, report.roadmap, track_from) if track_from and report.unchanged
        else tracker.results.get(report.roadmap)
        for report in reports
    }
    if as_json:
        print_json([{**report.to_json(), "tracking": result.to_json() if (result := tracked[report.roadmap]) else None}
                    for report in reports])
        return
    for report in reports:
        print_import_report(report)
        if (result := tracked[report.roadmap]) is not None:
            out.print(f"  {result.render()}")


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


@click.command("deadline")
@click.argument("text")
@click.option("--year", help="Учебный год, к которому относятся месяцы без года, например 2023-2024.")
@click.option("--region", help="Регион: по его учебному календарю считаются четверти, а каникулы и праздники пропускаются.")
@json_option
def deadline_command(text: str, year: str | None, region: str | None, as_json: bool) -> None:
    """Показать, как понят срок из дорожной карты."""
    from calendars.academic import region_calendars
    from calendars.deadlines import parse_deadline
    from calendars.school_year import SchoolYear

    school_year = SchoolYear.parse(year) if year else None
    calendar = region_calendars(region) if region else None
    spec = parse_deadline(text, school_year)
    if as_json:
        print_json(spec.to_json(calendar))
        return
    out.print(spec.explain(calendar))
    skipped = spec.skipped(calendar)
    if skipped:
        out.print(table("Пропущенные даты", ["Дата", "Почему"], ([ru_date(day.day), day.reason] for day in skipped)))


@click.command("executors")
@json_option
@pass_context
def executors_command(context: Context, as_json: bool) -> None:
    """Исполнители из загруженных дорожных карт и число их пунктов."""
    from roadmaps.queries import list_executors
    from store.db import transaction

    with transaction(context.engine) as session:
        rows = list_executors(session)
    if as_json:
        print_json([row.to_json() for row in rows])
        return
    out.print(table("Исполнители", ["Исполнитель", "Пунктов", "Дорожные карты"], ([r.name, r.items, ", ".join(r.roadmaps)] for r in rows)))


@click.command("items")
@click.option("--roadmap", help="Ключ дорожной карты (см. вывод import).")
@click.option("--executor", help="Часть названия исполнителя.")
@json_option
@pass_context
def items_command(context: Context, roadmap: str | None, executor: str | None, as_json: bool) -> None:
    """Пункты дорожных карт: номер, раздел, срок, исполнители, результат."""
    from roadmaps.queries import list_items
    from store.db import transaction

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
