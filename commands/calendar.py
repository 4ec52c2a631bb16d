"""`profplan calendar`: the academic calendar a school plans on."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from commands.base import json_option, out, print_json, ru_date, table

if TYPE_CHECKING:
    from calendars.academic import AcademicCalendar


@click.command("calendar")
@click.option("--region", required=True, help="Код региона ISO 3166-2, например RU-LEN.")
@click.option("--year", required=True, help="Учебный год, например 2023-2024.")
@click.option("--week", type=click.Choice(["5", "6"]), help="5- или 6-дневная учебная неделя.")
@json_option
def calendar_command(region: str, year: str, week: str | None, as_json: bool) -> None:
    """Учебный календарь региона: четверти, каникулы, праздники, учебные дни."""
    from calendars.academic import load_calendar
    from calendars.school_year import SchoolYear

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
