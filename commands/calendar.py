"""`profplan calendar`: the academic calendar a school plans on, and importing it from orders and КУГ.

    profplan calendar --region RU-LEN --year 2026-2027 [--grade 9] [--class 7М] [--school ID] [--json]
    profplan calendar import ФАЙЛ --region RU-LEN --year 2026-2027 [--school ID] [--terms …] [--yes | --dry-run] [--json]
    profplan calendar export --region RU-LEN --year 2026-2027 [--school ID] [--output ФАЙЛ]
    profplan calendar remove --region RU-LEN --year 2026-2027 [--school ID]
    profplan calendar regions [--json]
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from commands.base import Context, err, json_option, out, pass_context, print_json, ru_date, table

if TYPE_CHECKING:
    from sqlmodel import Session

    from calendar_orders.importer import Preview, StoreResult
    from calendars.academic import AcademicCalendar

TERM_SYSTEMS = ("quarters", "trimesters", "half_years", "modules")


def region_option(required: bool) -> Any:
    return click.option("--region", required=required, help="Код региона ISO 3166-2:RU, например RU-LEN (список: profplan calendar regions).")


def year_option(required: bool) -> Any:
    return click.option("--year", required=required, help="Учебный год, например 2026-2027.")


school_option = click.option("--school", help="Школа (её id из profplan school load): календарь только этой школы.")


@click.group("calendar", invoke_without_command=True)
@region_option(required=False)
@year_option(required=False)
@click.option("--grade", type=click.IntRange(1, 11), help="Параллель: календарь классов этой параллели (свои каникулы, последний день).")
@click.option("--class", "class_name", help="Класс, например 7М: его даты, если приказ называет его группу.")
@school_option
@click.option("--week", type=click.Choice(["5", "6"]), help="5- или 6-дневная учебная неделя.")
@json_option
@pass_context
@click.pass_context
def calendar_command(
    click_context: click.Context, context: Context, region: str | None, year: str | None, grade: int | None,
    class_name: str | None, school: str | None, week: str | None, as_json: bool,
) -> None:
    """Учебный календарь: четверти, каникулы, праздники, учебные дни — и откуда взята каждая дата."""
    if click_context.invoked_subcommand is not None:
        return
    if not region or not year:  # required here, not for the subcommands, which have their own
        name = "region" if not region else "year"
        raise click.MissingParameter(ctx=click_context, param=next(p for p in click_context.command.params if p.name == name))
    from calendar_orders.applicable import applicable_calendar
    from calendars.school_year import SchoolYear

    school_year = SchoolYear.parse(year)
    with store_session(context, required=school is not None) as session:
        calendar = applicable_calendar(session, region, school_year, school, int(week) if week else None)
    if as_json:
        print_json(calendar.to_json(grade, class_name))
        return
    print_calendar(calendar, grade, class_name)


@calendar_command.command("import")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@region_option(required=True)
@year_option(required=True)
@school_option
@click.option("--terms", type=click.Choice(TERM_SYSTEMS),
              help="Система учебных периодов, если в документе нет их строк: четверти, триместры, полугодия, модули.")
@click.option("--yes", "-y", "confirmed", is_flag=True, help="Сохранить без вопроса.")
@click.option("--dry-run", is_flag=True, help="Только показать, что прочитано и что изменится; ничего не сохранять.")
@json_option
@pass_context
def import_command(
    context: Context, path: Path, region: str, year: str, school: str | None, terms: str | None,
    confirmed: bool, dry_run: bool, as_json: bool,
) -> None:
    """Загрузить каникулы или календарный учебный график (КУГ) из приказа: PDF, .docx, .xlsx, .ods, .odt, HTML, текст."""
    from calendar_orders.importer import preview_import, store_import

    engine = None if dry_run and school is None and not _has_store(context) else context.store(create=True)
    preview = preview_import(engine, path, region, year, school, terms)
    if not as_json:
        print_preview(preview)
    stored: StoreResult | None = None
    if not dry_run and not preview.unchanged:
        if confirmed or click.confirm("Сохранить этот календарь в базе?", default=False, err=True):
            assert engine is not None
            stored = store_import(engine, preview)
    if as_json:
        print_json({**preview.to_json(), "stored": stored.to_json() if stored else None})
        return
    _report_store(preview, stored, dry_run)


@calendar_command.command("export")
@region_option(required=True)
@year_option(required=True)
@school_option
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False), help="Файл для записи (по умолчанию — на экран).")
@pass_context
def export_command(context: Context, region: str, year: str, school: str | None, output: Path | None) -> None:
    """Выгрузить действующий календарь в TOML для data/calendars/<регион>/<год>.toml."""
    from calendar_orders.importer import export_calendar

    with store_session(context, required=school is not None) as session:
        text = export_calendar(session, region, year, school)
    if output is None:
        click.echo(text, nl=False)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    err.print(f"Календарь записан в {output}.")


@calendar_command.command("remove")
@region_option(required=True)
@year_option(required=True)
@school_option
@json_option
@pass_context
def remove_command(context: Context, region: str, year: str, school: str | None, as_json: bool) -> None:
    """Удалить загруженный календарь: снова действует встроенный (или календарь региона — для школы)."""
    from calendar_orders.importer import remove_calendar

    result = remove_calendar(context.engine, region, year, school)
    if as_json:
        print_json(result.to_json())
        return
    out.print("Загруженный календарь удалён.")
    _print_consequences(result)


@calendar_command.command("regions")
@json_option
def regions_command(as_json: bool) -> None:
    """Все регионы: код ISO 3166-2:RU, название, часовой пояс."""
    from calendars.regions import regions

    known = regions().values()
    if as_json:
        print_json([{"code": r.code, "name": r.name, "timezone": r.timezone, "iso": r.iso, "aliases": list(r.aliases)} for r in known])
        return
    out.print(table(f"Регионы ({len(known)})", ["Код", "Регион", "Часовой пояс"],
                    ([r.code + ("" if r.iso else " *"), r.name, r.timezone] for r in known)))
    out.print("* код не из ISO 3166-2:RU (принятый в российских системах); другие написания: "
              + ", ".join(f"{alias} → {r.code}" for r in known for alias in r.aliases))


def print_calendar(calendar: AcademicCalendar, grade: int | None = None, class_name: str | None = None, origin: bool = True) -> None:
    """The calendar as tables: terms, vacations, groups, holidays, each date with where it came from."""
    data = calendar.to_json(grade, class_name)
    who = f", {class_name or ''}{' ' if class_name and grade else ''}{f'{grade} класс' if grade else ''}" if grade or class_name else ""
    out.print(
        f"[bold]{data['region_name']} ({data['region']}), {data['year']} учебный год{who}[/bold]\n"
        f"Часовой пояс: {data['timezone']}; учебная неделя: {data['week']} дней.\n"
        f"Источник: {data['source']}" + (f"\nДаты: {data['origin_text']}" if origin else "")
    )
    if data["groups_applied"]:
        out.print("С учётом групп классов: " + ", ".join(f"«{label}»" for label in data["groups_applied"]))
    out.print(table(
        "Учебные периоды",
        ["Период", "Начало", "Конец", "Учебных дней", "Откуда"],
        ([t["name"], ru_date(t["start"]), ru_date(t["end"]), t["school_days"], t["source"]] for t in data["terms"]),
    ))
    out.print(table(
        "Каникулы и закрытия",
        ["Название", "Начало", "Конец", "Дней", "Откуда"],
        [*([v["name"], ru_date(v["start"]), ru_date(v["end"]), v["days"], v["source"]] for v in data["vacations"]),
         *([p["name"], ru_date(p["start"]), ru_date(p["end"]), "", "профиль школы"] for p in data["closures"])],
    ))
    others = [g for g in data["groups"] if g["label"] not in data["groups_applied"]]
    if others:
        out.print(table("Группы классов со своими датами", ["Группа", "Что своё"], ([g["label"], _group_summary(g)] for g in others)))
    out.print(table("Праздничные дни", ["Дата", "Праздник", "Откуда"],
                    ([ru_date(h["date"]), h["name"], h["source"]] for h in data["holidays"])))
    if data["working_weekends"]:
        out.print("Рабочие выходные (перенос): " + ", ".join(ru_date(d) for d in data["working_weekends"]))
    counts = data["counts"]
    out.print(f"Учебных дней: {counts['school_days']}; четвергов — учебных дней: {counts['school_thursdays']}.")


def print_preview(preview: Preview) -> None:
    whose = f"школы «{preview.school}»" if preview.school else f"региона {preview.region.code} ({preview.region.name})"
    out.print(f"[bold]{preview.path.name}[/bold] (sha256 {preview.content_hash[:12]}…): календарь {whose} на {preview.year} учебный год")
    out.print(f"Источник: {preview.reading.spec.source}")
    print_calendar(preview.calendar, origin=False)
    if preview.reading.skipped:
        out.print(table("Не вошло в календарь", ["Где", "Строка", "Почему"],
                        ([e.where, e.text[:80], e.name] for e in preview.reading.skipped)))
    for line in preview.reading.inherited:
        out.print(f"  Взято из действующего календаря: {line}")
    for line in preview.reading.notes:
        out.print(f"  Примечание: {line}")
    for line in preview.reading.warnings:
        out.print(f"  [yellow]Проверьте:[/yellow] {line}")
    out.print(f"Сейчас действует: {preview.current.describe_origin()}")
    if preview.unchanged:
        out.print("Этот файл уже загружен, календарь не изменится.")
    elif preview.differences:
        out.print(table("Что изменится", ["Для кого", "Что", "Было", "Станет"],
                        ([d.scope, d.what, d.before or "—", d.after or "—"] for d in preview.differences)))
    else:
        out.print("Даты совпадают с действующим календарём.")


def _group_summary(group: dict[str, Any]) -> str:
    parts = []
    if group["term_system"]:
        parts.append(f"свои периоды ({group['term_system']})")
    parts += [f"{t['name']} {ru_date(t['start'])}–{ru_date(t['end'])}" for t in group["terms"]]
    parts += [f"{v['name']} {ru_date(v['start'])}–{ru_date(v['end'])}" for v in group["vacations"]]
    if group["last_day"]:
        parts.append(f"последний учебный день {ru_date(group['last_day'])}")
    if group["first_day"]:
        parts.append(f"первый учебный день {ru_date(group['first_day'])}")
    return "; ".join(parts)


def _report_store(preview: Preview, stored: StoreResult | None, dry_run: bool) -> None:
    if preview.unchanged:
        return
    if stored is None:
        out.print("Ничего не сохранено." if not dry_run else "Проверка без сохранения (--dry-run): ничего не сохранено.")
        return
    out.print("Календарь сохранён в базе." if stored.created else "Календарь в базе заменён новым.")
    _print_consequences(stored)


def _print_consequences(result: StoreResult) -> None:
    if result.synced.created or result.synced.retired:
        out.print(result.synced.render())
    for school in result.stale_timetables:
        out.print(f"  Расписание школы «{school}» построено по прежнему календарю: profplan schedule {school}")


def _has_store(context: Context) -> bool:
    from store.settings import resolve_url, sqlite_file

    path = sqlite_file(resolve_url(context.settings.database_url))
    return path is None or path.exists()


@contextmanager
def store_session(context: Context, required: bool = False) -> Iterator[Session | None]:
    """A transaction on the database when there is one (imported calendars apply; a school needs it), else None.

    None means the bundled calendars, and the database layer is not even
    loaded: `profplan calendar` and `profplan deadline` are light commands.
    """
    if not required and not _has_store(context):
        yield None
        return
    from store.db import transaction

    with transaction(context.engine) as session:
        yield session
