"""The timetable of a class or a staff member to print and to take away: an A4 PDF and an XLSX workbook.

Both list every session of the current timetable (`profplan timetable
--class/--staff`) with its date (ДД.ММ.ГГГГ), time, title, who leads it and
where. The PDF starts with the year at a glance (the page's weeks × days grid,
`web.grid.lay_out`, days off shaded) and then lists the sessions. It is the
page template `timetable_print.html` with its print
stylesheet, laid out by WeasyPrint (HTML and CSS to PDF, fonts through
fontconfig, so Cyrillic text is real text a PDF reader can search and copy);
the XLSX is written by openpyxl, dates as dates.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime

from jinja2 import Environment
from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy.engine import Engine

from calendars.errors import ProfplanError
from scheduler.placement import Placement
from web.grid import WEEKDAYS, Grid, lay_out
from web.render import render
from web.roles import Viewer
from web.schools import (
    Profile,
    Selection,
    direction_titles,
    school_calendar,
    selected_sessions,
    selection,
    stored_profile,
)

COLUMNS = ("Дата", "День", "Начало", "Конец", "Занятие", "Направление", "Класс", "Кто ведёт", "Где", "Часов")
WEEKDAY_NAMES = tuple(name.lower() for name in WEEKDAYS)  # in a table row, after the date
# How the grid page marks a day without lessons (the legend under it spells them out).
OFF_MARKS = {"holiday": "празд.", "vacation": "кан.", "closure": "закр.", "weekend": "вых."}


class PrintoutError(ProfplanError):
    """A printout that cannot be made: no timetable yet, or a venue asked for (printouts are per class or person)."""


@dataclass(frozen=True)
class Printout:
    """What a printed timetable shows: whose it is, of which school, and every session in order."""

    profile: Profile
    selection: Selection
    rows: list[Placement]
    directions: dict[str, str]
    made_at: datetime
    grid: Grid  # the year at a glance, the PDF's first page

    @property
    def file_stem(self) -> str:
        safe = "".join(char if char.isalnum() else "-" for char in self.selection.name).strip("-")
        return f"{self.profile.id}-{self.selection.kind}-{safe}"


def printout(engine: Engine, viewer: Viewer, school_id: str, params: dict[str, str]) -> Printout:
    """The sessions of the class= or staff= of `params` (the first class by default)."""
    profile = stored_profile(engine, viewer, school_id)
    chosen = selection(profile, params)
    if chosen.kind == "venue":
        raise PrintoutError("Печатается расписание класса (class=) или сотрудника (staff=).")
    view, missing = selected_sessions(engine, profile, chosen)
    if view is None:
        raise PrintoutError(missing or "Расписание ещё не составлено.")
    directions = direction_titles(profile)
    calendar = school_calendar(engine, profile)
    grade = next((c.grade for c in profile.classes if c.name == chosen.name), None) if chosen.kind == "class" else None
    grid = lay_out(profile.id, chosen, view.placements, calendar, view.span.start, view.span.end,
                   profile.week or calendar.calendar.week, grade, directions)
    return Printout(profile, chosen, view.placements, directions, datetime.now(), grid)


def timetable_pdf(templates: Environment, made: Printout) -> bytes:
    """The A4 PDF of the printout."""
    from weasyprint import HTML  # loads Pango on first use: only the PDF download pays for it

    html = render(templates, "timetable_print.html", {"printout": made, "weekdays": WEEKDAY_NAMES, "off_marks": OFF_MARKS})
    return bytes(HTML(string=html).write_pdf())


def timetable_xlsx(made: Printout) -> bytes:
    """One sheet, one row per session, dates as dates (ДД.ММ.ГГГГ) and times as text."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Расписание"
    sheet.append([f"{made.profile.name}: {made.selection.label}, учебный год {made.profile.year}"])
    sheet["A1"].font = Font(bold=True)
    sheet.append(list(COLUMNS))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in made.rows:
        sheet.append([row.day, WEEKDAY_NAMES[row.day.weekday()], f"{row.start:%H:%M}", f"{row.end:%H:%M}", row.title,
                      made.directions.get(row.direction, row.direction), row.class_name, row.staff, row.venue or "",
                      row.hours])
        sheet.cell(sheet.max_row, 1).number_format = "DD.MM.YYYY"
    for letter, width in zip("ABCDEFGHIJ", (12, 5, 8, 8, 48, 26, 8, 22, 24, 6), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A3"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
