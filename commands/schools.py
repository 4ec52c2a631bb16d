"""`profplan school …`, `schedule`, `replan`, `timetable`, `compliance`: a school's profminimum timetable."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from calendars.errors import ProfplanError
from commands.base import Context, date_option, json_option, out, pass_context, print_json, ru_date, table
from scheduler.penalties import quality_line

if TYPE_CHECKING:
    from calendars.academic import Period
    from scheduler.placement import Placement
    from scheduler.service import ScheduleResult


@click.group("school")
def school_group() -> None:
    """Профиль школы: классы, сотрудники, помещения, слоты."""


@school_group.command("load")
@click.argument("path", type=click.Path(path_type=Path))
@json_option
@pass_context
def school_load(context: Context, path: Path, as_json: bool) -> None:
    """Загрузить или обновить школу из файла TOML."""
    from scheduler.service import load_school

    result = load_school(context.store(create=True), path)
    if as_json:
        print_json(result.to_json())
        return
    verb = "добавлена" if result.created else "обновлена"
    out.print(
        f"Школа «{result.name}» ({result.school_id}, {result.region}, {result.year}) {verb}: "
        f"классов {result.classes}, сотрудников {result.staff}, помещений {result.venues}."
    )


@school_group.command("show")
@click.argument("school_id")
@json_option
@pass_context
def school_show(context: Context, school_id: str, as_json: bool) -> None:
    """Школа: классы, сотрудники, площадки, закрытия и текущее расписание с его штрафом."""
    from scheduler.service import school_details

    details = school_details(context.engine, school_id)
    data = details.to_json()
    if as_json:
        print_json(data)
        return
    out.print(f"Школа «{data['name']}» ({data['school']}, {data['region']}, {data['year']}), уровень {data['level']}.")
    out.print(table("Классы", ["Класс", "Параллель", "Учеников", "Уровень", "Классный руководитель", "Ведут (leads)"],
                    ([c["name"], c["grade"], c["students"], c["level"], c["teacher"],
                      ", ".join(f"{k}: {v}" for k, v in c["leads"].items())] for c in data["classes"])))
    # With a timetable: the hours each person leads and each venue hosts in it (the solver chose them).
    scheduled = ["Часов в расписании"] if data["timetable"] else []
    out.print(table("Сотрудники", ["Имя", "Роли", "Часов в неделю", *scheduled],
                    ([p["name"], ", ".join(p["roles"]), p["max_hours_per_week"], *([p["scheduled_hours"]] if scheduled else [])]
                     for p in data["staff"])))
    out.print(table("Площадки", ["Название", "Вид", "Мест", *scheduled],
                    ([v["name"], v["kind"], v["capacity"], *([v["scheduled_hours"]] if scheduled else [])]
                     for v in data["venues"])))
    closures = [(f"{ru_date(a)}–{ru_date(b)}", "файл школы (closed)") for a, b in data["closures"]["profile"]]
    closures += [(f"{ru_date(a)}–{ru_date(b)}", "перепланирование (replan --closed)") for a, b in data["closures"]["replans"]]
    out.print("Закрытия: " + ("; ".join(f"{days} — {source}" for days, source in closures) if closures else "нет") + ".")
    record = data["timetable"]
    if record is None:
        out.print(f"Расписания ещё нет: profplan schedule {school_id}.")
        return
    out.print(f"Текущее расписание №{record['id']} ({ru_date(record['from'])}–{ru_date(record['to'])}): "
              f"занятий и встреч {record['placements']}, закреплено {record['pinned']}.")
    out.print(quality_line(record))
    print_penalties(record["objective_terms"])
    out.print(f"Все занятия: profplan timetable {school_id}.")


def period_option(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> list[Period]:
    """Click callback: closures given as С:ПО (ГГГГ-ММ-ДД or ДД.ММ.ГГГГ each)."""
    from calendars.academic import Period

    periods = []
    for value in values:
        start, _, end = value.partition(":")
        first = date_option(ctx, param, start)
        last = date_option(ctx, param, end or start)
        if first is None or last is None:
            raise click.BadParameter(f"«{value}»: ожидается С:ПО, например 2024-02-05:2024-02-11.")
        if last < first:
            raise click.BadParameter(f"«{value}»: конец раньше начала.")
        periods.append(Period("Закрытие школы", first, last))
    return periods


SOLVER_OPTIONS = [
    click.option("--time-limit", type=float, default=60.0, show_default=True, help="Предел времени решателя, с."),
    click.option("--seed", type=int, default=0, show_default=True, help="Вариант поиска: тот же вход и тот же вариант дают то же расписание."),
]


def solver_options(function: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(SOLVER_OPTIONS):
        function = option(function)
    return function


@click.command("schedule")
@click.argument("school_id")
@click.option("--from", "start", callback=date_option, help="Начало периода, по умолчанию весь учебный год.")
@click.option("--to", "end", callback=date_option, help="Конец периода.")
@solver_options
@json_option
@pass_context
def schedule_command(context: Context, school_id: str, start: date | None, end: date | None,
                     time_limit: float, seed: int, as_json: bool) -> None:
    """Составить и сохранить расписание профминимума школы (CP-SAT)."""
    from scheduler.service import schedule

    result = schedule(context.engine, school_id, start, end, time_limit=time_limit, seed=seed)
    report_solution(result, as_json)


@click.command("replan")
@click.argument("school_id")
@click.option("--closed", "closed", multiple=True, callback=period_option,
              metavar="С:ПО", help="Закрытие школы, например 2024-02-05:2024-02-11 (можно несколько); "
              "запоминается со школой и действует во всех следующих расчётах.")
@click.option("--reopen", "reopen", multiple=True, callback=period_option, metavar="С:ПО",
              help="Снять сохранённое закрытие (или его часть) с этих дней.")
@click.option("--as-of", callback=date_option,
              help="Что раньше этой даты — уже прошло и не меняется (по умолчанию сегодня; до начала года — первый "
              "учебный день).")
@click.option("--preview", is_flag=True, help="Только показать, что сдвинется, добавится и уйдёт; ничего не сохранять.")
@solver_options
@json_option
@pass_context
def replan_command(context: Context, school_id: str, closed: list[Period], reopen: list[Period], as_of: date | None,
                   preview: bool, time_limit: float, seed: int, as_json: bool) -> None:
    """Перепланировать после закрытия школы (или его отмены), меняя как можно меньше."""
    from scheduler.service import replan

    if not closed and not reopen:
        raise click.UsageError("Укажите --closed С:ПО или --reopen С:ПО.")
    result = replan(context.engine, school_id, closed, as_of=as_of, time_limit=time_limit, seed=seed, reopen=reopen,
                    preview=preview)
    report_solution(result, as_json)
    if preview and result.ok and not as_json:
        out.print("Предпросмотр: ничего не сохранено; без --preview с тем же --seed будет сохранено это расписание.")


def datetime_option(_ctx: click.Context, _param: click.Parameter, value: str | None) -> datetime | None:
    """Click callback: a local date and time as ГГГГ-ММ-ДДTЧЧ:ММ."""
    if value is None:
        return None
    try:
        return datetime.strptime(value.replace(" ", "T"), "%Y-%m-%dT%H:%M")
    except ValueError:
        raise click.BadParameter(f"«{value}»: ожидается ГГГГ-ММ-ДДTЧЧ:ММ, например 2024-02-14T15:15.") from None


@click.command("pin")
@click.argument("school_id")
@click.argument("uid", metavar="РАЗМЕЩЕНИЕ")
@json_option
@pass_context
def pin_command(context: Context, school_id: str, uid: str, as_json: bool) -> None:
    """Закрепить занятие: следующие расчёты оставят его на месте (РАЗМЕЩЕНИЕ — uid из profplan timetable --json)."""
    from scheduler.pins import pin

    report_placement(pin(context.engine, school_id, uid), "закреплено", as_json)


@click.command("unpin")
@click.argument("school_id")
@click.argument("uid", metavar="РАЗМЕЩЕНИЕ")
@json_option
@pass_context
def unpin_command(context: Context, school_id: str, uid: str, as_json: bool) -> None:
    """Снять закрепление: решатель снова может переносить занятие."""
    from scheduler.pins import unpin

    report_placement(unpin(context.engine, school_id, uid), "больше не закреплено", as_json)


@click.command("move")
@click.argument("school_id")
@click.argument("uid", metavar="РАЗМЕЩЕНИЕ")
@click.option("--to", "to", callback=datetime_option, metavar="ГГГГ-ММ-ДДTЧЧ:ММ",
              help="Новые дата и начало слота (местное время), например 2024-02-14T15:15.")
@click.option("--list", "listing", is_flag=True, help="Показать, куда занятие можно перенести.")
@json_option
@pass_context
def move_command(context: Context, school_id: str, uid: str, to: datetime | None, listing: bool, as_json: bool) -> None:
    """Перенести занятие вручную (проверяются все жёсткие правила) и закрепить его там."""
    from scheduler.pins import allowed_moves, move

    if listing or to is None:
        if not listing:
            raise click.UsageError("Укажите --to ГГГГ-ММ-ДДTЧЧ:ММ или --list.")
        moves = allowed_moves(context.engine, school_id, uid)
        if as_json:
            print_json([moment.isoformat(timespec="minutes") for moment in moves])
            return
        out.print(f"Можно перенести на ({len(moves)}): " + (", ".join(f"{m:%d.%m.%Y %H:%M}" for m in moves) or "некуда") + ".")
        return
    report_placement(move(context.engine, school_id, uid, to), "перенесено и закреплено", as_json)


def report_placement(row: Placement, what: str, as_json: bool) -> None:
    if as_json:
        print_json(row.to_json())
        return
    out.print(f"{row.class_name} «{row.title}» {ru_date(row.day)} {row.start:%H:%M}–{row.end:%H:%M} ({row.uid}): {what}.")




def report_solution(result: ScheduleResult, as_json: bool) -> None:
    """Print a solve; an infeasible one ends with exit code 1 after its explanation (nothing was stored)."""
    from scheduler.service import ReplanResult

    data = result.to_json()
    if as_json:
        print_json(data)
    else:
        out.print(quality_line(data))
        out.print(
            f"Время {data['solve_seconds']} с; вариант поиска (--seed) {data['seed']}, потоков {data['workers']}, "
            f"OR-Tools {data['ortools_version']}."
        )
        if result.ok:
            out.print(f"Период {ru_date(data['from'])}–{ru_date(data['to'])}; занятий и встреч: {data['placements']}.")
            print_penalties(data["objective_terms"])
            if isinstance(result, ReplanResult):
                print_changes(data["changes"])
            print_compliance(data["compliance"])
    if not result.ok:
        explanation = data["explanation"]
        reason = explanation["text"] if explanation else data["message"] or "решение не найдено за отведённое время"
        if not as_json:
            out.print(reason)
        raise ProfplanError("Расписание не составлено, сохранённое не изменилось: " + reason.splitlines()[0])


def print_penalties(terms: dict[str, dict[str, int]]) -> None:
    """The penalty of each class split by soft goal (see the README's glossary)."""
    from scheduler.penalties import described, summed

    if not terms:
        out.print("Штраф по мягким правилам: нет.")
        return
    out.print(table("Штраф по классам и мягким правилам", ["Класс", "Штраф", "Из чего"],
                    ([name, sum(by_term.values()), described(by_term)] for name, by_term in sorted(terms.items()))))
    out.print(f"Всего по школе: {described(summed(terms))}.")


def print_changes(changes: dict[str, list[dict[str, Any]]]) -> None:
    """What a re-plan moved, added and removed, a line each."""
    out.print(f"Изменено: перенесено {len(changes['moved'])}, добавлено {len(changes['added'])}, удалено {len(changes['removed'])}.")
    for kind, label in (("moved", "перенесено"), ("added", "добавлено"), ("removed", "удалено")):
        for change in changes[kind]:
            before, after = change["before"] or {}, change["after"] or {}
            moved = f"{ru_date(before.get('date'))} {before.get('start', '')} → " if before and after else ""
            shown = after or before
            out.print(f"  {label}: {shown.get('class', '')} «{shown.get('title', '')}» {moved}{ru_date(shown.get('date'))} {shown.get('start', '')}")


def print_compliance(rows: list[dict[str, Any]]) -> None:
    out.print(
        table(
            "Соответствие нормам (часы)",
            ["Класс", "Направление", "План", "Норма", ""],
            ([r["class"], r["title"], r["planned"], r["required"], "✓" if r["met"] else "не выполнено"] for r in rows),
        )
    )


@click.command("timetable")
@click.argument("school_id")
@click.option("--class", "class_name", help="Только этот класс, например 8А.")
@click.option("--staff", help="Только этот сотрудник.")
@json_option
@pass_context
def timetable_command(context: Context, school_id: str, class_name: str | None, staff: str | None, as_json: bool) -> None:
    """Размещения текущего расписания школы."""
    from scheduler.service import timetable

    view = timetable(context.engine, school_id, class_name=class_name, staff=staff)
    if as_json:
        print_json(view.to_json()["placements"])
        return
    out.print(
        table(
            f"Расписание {school_id} ({ru_date(view.span.start)}–{ru_date(view.span.end)})",
            ["Дата", "Время", "Класс", "Занятие", "Ч", "Ведёт", "Где", "Пункт"],
            (
                [ru_date(p.day), f"{p.start:%H:%M}–{p.end:%H:%M}", p.class_name, p.title, p.hours, p.staff, p.venue, p.item_ref]
                for p in view.placements
            ),
        )
    )
    out.print(f"Всего: {len(view.placements)}.")


@click.command("compliance")
@click.argument("school_id")
@json_option
@pass_context
def compliance_command(context: Context, school_id: str, as_json: bool) -> None:
    """Часы по направлениям: запланировано и требуется."""
    from scheduler.service import compliance_report

    report = compliance_report(context.engine, school_id)
    data = report.to_json()
    if as_json:
        print_json(data)
        return
    print_compliance(data["rows"])
    out.print("Все нормы выполнены." if report.met else "Есть невыполненные нормы.")
