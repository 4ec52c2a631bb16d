"""Workbooks the product writes for people who filter and sort in a spreadsheet.

Every sheet has the same layout, whatever it lists (overdue items, a region's
schools, a timetable): a bold, frozen header row, column widths that fit the
Russian headers, an auto-filter over the whole table, and dates as real date
cells shown ДД.ММ.ГГГГ, so sorting by date sorts by date and not as text.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "DD.MM.YYYY"


def new_workbook() -> Workbook:
    """An empty workbook (openpyxl starts one with a blank sheet, which would be left over)."""
    book = Workbook()
    book.remove(book.active)
    return book


def add_sheet(book: Workbook, title: str, columns: Sequence[tuple[str, int]], rows: Iterable[Sequence[Any]]) -> None:
    """Append a sheet of (header, width) columns and its rows, in the layout above."""
    sheet = book.create_sheet(title)
    sheet.append([header for header, _ in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(list(row))
    for index, (_, width) in enumerate(columns, 1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = width
        for cell in sheet[letter][1:]:
            if isinstance(cell.value, date):
                cell.number_format = DATE_FORMAT
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions


def workbook_bytes(book: Workbook) -> bytes:
    """The workbook as the bytes of an .xlsx file (a download, an attachment, or a file to write)."""
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
