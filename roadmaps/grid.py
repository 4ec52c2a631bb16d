"""Rows of spanning cells (spreadsheets, OpenDocument and HTML tables) flattened into source rows.

Those formats say how far a cell spans (columns and rows) instead of
repeating it. The flattening is the one the Word reader does: a cell
spanning several columns gives its text once and empty cells for the rest,
a cell spanning rows gives its text to every row it covers, marked as
merged there, so a merged deadline applies to each row while a merged
number does not number them all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from roadmaps.table import Cell, SourceRow


@dataclass(frozen=True)
class GridCell:
    """A cell as the format stores it: its paragraphs and how many columns and rows it spans."""

    lines: Cell
    columns: int = 1
    rows: int = 1


def flatten(rows: Iterable[tuple[int, list[GridCell]]]) -> list[SourceRow]:
    """Source rows from (line, cells) pairs; cells are listed left to right, skipping covered positions."""
    covered: dict[int, tuple[int, Cell]] = {}  # column → (rows still covered below, text)
    result: list[SourceRow] = []
    for line, cells in rows:
        row: list[Cell] = []
        merged: set[int] = set()
        pending = iter(cells)
        column = 0
        while True:
            if column in covered:
                remaining, text = covered[column]
                row.append(text)
                if text:
                    merged.add(column)
                if remaining <= 1:
                    del covered[column]
                else:
                    covered[column] = (remaining - 1, text)
                column += 1
                continue
            cell = next(pending, None)
            if cell is None:
                if any(later > column for later in covered):
                    row.append(())  # a gap before a cell still covered from above
                    column += 1
                    continue
                break
            for offset in range(max(cell.columns, 1)):
                row.append(cell.lines if offset == 0 else ())
                if cell.rows > 1:
                    covered[column + offset] = (cell.rows - 1, cell.lines if offset == 0 else ())
            column += max(cell.columns, 1)
        while row and not row[-1] and (len(row) - 1) not in merged:
            row.pop()
        result.append(SourceRow(tuple(row), line, frozenset(merged)))
    return result
