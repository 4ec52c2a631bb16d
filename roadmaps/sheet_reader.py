"""Spreadsheets (.xlsx) cut into table rows, via openpyxl.

A committee's plan kept in Excel is one table per sheet, often with the
title in the first rows above the header. Every sheet is read in order;
merged ranges become spanning cells (see `roadmaps.grid`), dates are written
the way the document would print them (14.10.2023), whole numbers without a
decimal part, and an empty row is a blank line, as in a text export.
"""

from __future__ import annotations

import zipfile
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from roadmaps.errors import RoadmapError
from roadmaps.grid import GridCell, flatten
from roadmaps.table import Block, Cell, SourceParagraph, SourceRow


def read_xlsx_blocks(path: Path) -> list[Block]:
    """The rows of every sheet; a row's line is its row number in the sheet."""
    try:
        with path.open("rb") as handle:  # a file object: openpyxl would refuse a file name without .xlsx
            workbook = openpyxl.load_workbook(handle, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise RoadmapError(f"Не удалось прочитать файл «{path.name}» как таблицу Excel (.xlsx): {error}.") from error
    blocks: list[Block] = []
    for sheet in workbook.worksheets:
        if blocks:
            blocks.append(SourceParagraph("", 0))
        blocks.extend(_sheet_blocks(sheet))
    return blocks


def _sheet_blocks(sheet: Any) -> list[Block]:
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    covered: set[tuple[int, int]] = set()
    for merged in sheet.merged_cells.ranges:
        spans[(merged.min_row, merged.min_col)] = (merged.max_col - merged.min_col + 1, merged.max_row - merged.min_row + 1)
        covered.update(
            (row, column)
            for row in range(merged.min_row, merged.max_row + 1)
            for column in range(merged.min_col, merged.max_col + 1)
            if (row, column) != (merged.min_row, merged.min_col)
        )
    rows = [
        (number, [
            GridCell(cell_lines(cell.value), *spans.get((number, column), (1, 1)))
            for column, cell in enumerate(row, 1)
            if (number, column) not in covered
        ])
        for number, row in enumerate(sheet.iter_rows(), 1)
    ]
    return blank_empty_rows(flatten(rows))


def blank_empty_rows(rows: list[SourceRow]) -> list[Block]:
    """A row with nothing in it is a blank line between paragraphs or tables, as in a text export."""
    return [row if row.cells else SourceParagraph("", row.line) for row in rows]


def cell_lines(value: object) -> Cell:
    """A cell value as the document shows it, cut into its non-empty lines."""
    if value is None:
        return ()
    text = format_value(value)
    return tuple(line.strip() for line in text.replace("\r", "\n").split("\n") if line.strip())


def format_value(value: object) -> str:
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y") if value.time() == time() else value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
