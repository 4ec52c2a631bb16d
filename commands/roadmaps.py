"""`profplan import`, `deadline`, `items`, `executors`, `roadmap list|remove`: roadmap documents and what was read from them."""

from __future__ import annotations

from contextlib import nullcontext
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from commands.base import Context, date_option, json_option, out, pass_context, print_json, progress_callback, ru_date, table

if TYPE_CHECKING:
    from calendars.deadlines import DeadlineSpec, SchoolCalendar
    from roadmaps.importer import DocumentReport
    from roadmaps.preview import DocumentPreview

@click.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--region", help="Регион документа (ISO 3166-2), если он не указан в тексте.")
@click.option("--year", help="Учебный год документа, например 2023-2024.")
@click.option("--track-from", callback=date_option,
              help="Начало отслеживания: отчёты и повторяющиеся сроки — с этой даты "
                   "(по умолчанию позднее из начала периода карты и дня загрузки).")
@click.option("--force", is_flag=True, help="Загрузить, даже если большинство строк таблицы не прочитано.")
@click.option("--preview", is_flag=True, help="Только показать, как понята каждая строка, ничего не сохраняя.")
@json_option
@pass_context
def import_command(
    context: Context, paths: tuple[Path, ...], region: str | None, year: str | None, track_from: date | None,
    force: bool, preview: bool, as_json: bool,
) -> None:
    """Загрузить дорожные карты: пункты, сроки, исполнители, показатели (.txt, .docx, .pdf, .xlsx, .ods, .odt, HTML, .doc)."""
    if preview:
        _print_previews(paths, region, year, as_json)
        return
    from roadmaps.importer import import_documents
    from tracking.imports import ImportTracker

    engine = context.store(create=True)
    tracker = ImportTracker(track_from)
    bar, advance = progress_callback(len(paths), "Чтение документов")
    with bar or nullcontext():
        reports = import_documents(engine, paths, region=region, year=year, progress=advance, on_stored=tracker,
                                   force=force)
    tracked = tracker.outcomes(engine, reports)
    if as_json:
        print_json([{**report.to_json(), "tracking": result.to_json() if (result := tracked[report.roadmap]) else None}
                    for report in reports])
        return
    for report in reports:
        print_import_report(report)
        if (result := tracked[report.roadmap]) is not None:
            out.print(f"  {result.render()}")


def _print_previews(paths: tuple[Path, ...], region: str | None, year: str | None, as_json: bool) -> None:
    from roadmaps.preview import preview_document

    previews = [preview_document(path, region, year) for path in paths]
    if as_json:
        print_json([preview.to_json() for preview in previews])
        return
    for preview in previews:
        print_preview(preview)


def print_preview(preview: DocumentPreview) -> None:
    """Every row as it would be stored: number, title, deadline as understood, executors, what to check."""
    out.print(
        table(
            f"{preview.path.name} → «{preview.key}» (регион {preview.region or '—'}, учебный год {preview.school_year or '—'})",
            ["№", "Мероприятие", "Срок", "Как понят", "Исполнители", "Проверить"],
            (
                [
                    row.raw.number or "—",
                    row.raw.title[:60],
                    row.raw.deadline_text.replace("\n", " "),
                    row.explanation.splitlines()[0] if row.explanation else "",
                    "; ".join(row.executors),
                    "; ".join(row.flags),
                ]
                for row in preview.rows
            ),
        )
    )
    verdict = "будет отклонён без --force" if preview.refused else "можно загружать"
    out.print(f"Строк: {len(preview.rows)}; требуют проверки: {preview.flagged}; не прочитаны: {preview.unreadable} — {verdict}.")
    for warning in preview.document.warnings:
        out.print(f"  Предупреждение: {warning}")


def print_import_report(report: DocumentReport) -> None:
    state = "без изменений" if report.unchanged else (
        f"добавлено {len(report.added)}, изменено {len(report.changed)}, удалено {len(report.removed)}"
    )
    out.print(f"[bold]{report.source}[/bold] → «{report.roadmap}»: строк {report.rows}; {state}.")
    for label, lines in (("изменено", report.changed), ("удалено", report.removed)):
        for line in lines:
            out.print(f"  {label}: {line}")
    if report.needs_review:
        out.print(f"  Требуют проверки: {len(report.needs_review)}")
        for row in report.needs_review:
            out.print(f"    № {row.number or '—'} (строка {row.ordinal}): «{row.deadline_text}» — {row.reason}")
    for warning in report.warnings:
        out.print(f"  Предупреждение: {warning}")


@click.command("deadline")
@click.argument("text")
@click.option("--year", help="Учебный год, к которому относятся месяцы без года, например 2023-2024.")
@click.option("--region", help="Регион: по его учебному календарю считаются четверти, а каникулы и праздники пропускаются.")
@json_option
@pass_context
def deadline_command(context: Context, text: str, year: str | None, region: str | None, as_json: bool) -> None:
    """Показать, как понят срок из дорожной карты (по календарю региона, загруженному в базу, если он есть)."""
    from calendars.deadlines import parse_deadline
    from calendars.school_year import SchoolYear

    school_year = SchoolYear.parse(year) if year else None
    if region is None:  # no calendar: the academic calendars (and the production calendar) are not even loaded
        _print_deadline(parse_deadline(text, school_year), None, as_json)
        return
    from calendars.academic import region_calendars
    from commands.calendar import store_session

    with store_session(context) as session:
        _print_deadline(parse_deadline(text, school_year), region_calendars(region, session), as_json)


def _print_deadline(spec: DeadlineSpec, calendar: SchoolCalendar | None, as_json: bool) -> None:
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
    from calendars.deadlines import kind_name
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
                    kind_name(r.kind),
                    f"{ru_date(r.start)}–{ru_date(r.end)}" if r.start else "—",
                    "; ".join(r.executors),
                ]
                for r in rows
            ),
        )
    )
    out.print(f"Всего пунктов: {len(rows)}.")


@click.group("roadmap")
def roadmap_group() -> None:
    """Загруженные дорожные карты: список и удаление."""


@roadmap_group.command("list")
@click.option("--removed", is_flag=True, help="Показать удалённые дорожные карты из архива.")
@json_option
@pass_context
def roadmap_list_command(context: Context, removed: bool, as_json: bool) -> None:
    """Дорожные карты в базе: ключ, название, регион, учебный год, число пунктов."""
    from roadmaps.queries import list_removed, list_roadmaps
    from store.db import transaction

    with transaction(context.engine) as session:
        archived = list_removed(session) if removed else []
        rows = [] if removed else list_roadmaps(session)
    if as_json:
        print_json([row.to_json() for row in (archived if removed else rows)])
        return
    if removed:
        out.print(table("Удалённые дорожные карты (архив)", ["Ключ", "Название", "Пунктов", "Отметок", "Удалена"],
                        ([r.key, (r.title or "")[:70], r.items, r.marks, ru_date(r.removed_at.date())] for r in archived)))
        return
    out.print(
        table(
            "Дорожные карты",
            ["Ключ", "Название", "Файл", "Регион", "Учебный год", "Пунктов", "Проверить"],
            ([r.key, (r.title or "")[:70], r.source_name, r.region or "—", r.school_year or "—", r.items, r.needs_review] for r in rows),
        )
    )


@roadmap_group.command("remove")
@click.argument("key", metavar="КЛЮЧ")
@click.option("--yes", is_flag=True, help="Не спрашивать подтверждения.")
@json_option
@pass_context
def roadmap_remove_command(context: Context, key: str, yes: bool, as_json: bool) -> None:
    """Удалить дорожную карту КЛЮЧ (см. profplan roadmap list); история отметок о выполнении сохраняется в архиве."""
    from roadmaps.queries import find_roadmap
    from roadmaps.removal import remove_roadmap
    from store.db import transaction
    from tracking.archive import archive_marks

    engine = context.engine
    with transaction(engine) as session:
        title = find_roadmap(session, key).title  # an unknown key fails before any question
    if not yes:
        click.confirm(f"Удалить дорожную карту «{key}» ({title or 'без названия'})?", abort=True)
    report = remove_roadmap(engine, key, archivers=[archive_marks])
    if as_json:
        print_json(report.to_json())
        return
    out.print(
        f"Дорожная карта «{report.key}» удалена: пунктов {report.items}; отметок в архиве {report.marks} "
        f"(архив № {report.archive_id}, см. profplan roadmap list --removed)."
    )
