"""The overdue report as files a committee opens in a spreadsheet: CSV and XLSX.

CSV uses ";" and a UTF-8 byte-order mark because that is what Excel with
Russian regional settings expects to open with a double click; dates are ISO
so they sort as text. XLSX has one sheet per roadmap, a frozen header row
and real date cells, so filters and sorting work as the committee expects.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from calendars.data_files import os_error_reason
from store.workbook import add_sheet, new_workbook, workbook_bytes
from tracking.errors import TrackingError
from tracking.overdue import DueRow, OverdueReport
from tracking.planned import describe

# (header, value, column width) in the order of the columns.
COLUMNS: list[tuple[str, Callable[[DueRow], str | int | date | None], int]] = [
    ("Дорожная карта", lambda r: r.roadmap_title or r.roadmap_key, 30),
    ("Исполнитель", lambda r: r.executor or "", 40),
    ("Мероприятие", lambda r: r.item, 18),
    ("№", lambda r: r.number or "", 8),
    ("Наименование", lambda r: r.title, 60),
    ("Срок по документу", lambda r: r.deadline_text, 30),
    ("Этап", lambda r: r.phase or "", 20),
    ("Вид", lambda r: "отчёт" if r.kind == "checkin" else "срок", 8),
    ("Начало", lambda r: r.start, 12),
    ("Срок", lambda r: r.due, 12),
    ("Дней просрочки", lambda r: max(r.days_overdue, 0), 10),
    ("Состояние", lambda r: r.state, 24),
    ("Контроль", lambda r: r.controller or "", 40),
    ("В расписании школ", lambda r: describe(r.planned).removeprefix("запланировано: "), 40),
]
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_SHEET_MAX = 31


def export_csv(report: OverdueReport, path: Path | str) -> int:
    """Write every row, most urgent first; returns the number of rows."""
    rows = report.rows()
    with _writing(path):
        with Path(path).open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, delimiter=";")
            writer.writerow(header for header, _, _ in COLUMNS)
            for row in rows:
                writer.writerow(_csv_value(value(row)) for _, value, _ in COLUMNS)
    return len(rows)


def export_xlsx(report: OverdueReport, path: Path | str) -> int:
    """Write one sheet per roadmap (rows most urgent first); returns the number of rows."""
    rows = report.rows()
    content = xlsx_bytes(rows)
    with _writing(path):
        Path(path).write_bytes(content)
    return len(rows)


def xlsx_bytes(rows: Sequence[DueRow]) -> bytes:
    """The rows as an XLSX workbook, one sheet per roadmap in the order given (also a digest's attachment)."""
    book = new_workbook()
    by_roadmap: dict[str, list[DueRow]] = {}
    for row in rows:
        by_roadmap.setdefault(row.roadmap_key, []).append(row)
    headers = [(header, width) for header, _, width in COLUMNS]
    for key, sheet_rows in (by_roadmap or {"Нет просрочек": []}).items():
        add_sheet(book, _sheet_title(key, set(book.sheetnames)), headers,
                  ([value(row) for _, value, _ in COLUMNS] for row in sheet_rows))
    return workbook_bytes(book)


@contextmanager
def _writing(path: Path | str) -> Iterator[None]:
    """Turn a file that cannot be written (missing folder, no permission) into a Russian error."""
    try:
        yield
    except OSError as exc:
        raise TrackingError(f"Не удалось записать файл {path}: {os_error_reason(exc)}.") from None


def _csv_value(value: str | int | date | None) -> str | int:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else value


def _sheet_title(key: str, taken: set[str]) -> str:
    """A valid, unique sheet name from a roadmap key (≤ 31 characters, no []:*?/\\)."""
    base = _SHEET_FORBIDDEN.sub("_", key).strip("'") or "Карта"
    title, suffix = base[:_SHEET_MAX], 1
    while title in taken:
        suffix += 1
        tail = f" ({suffix})"
        title = base[: _SHEET_MAX - len(tail)] + tail
    return title
