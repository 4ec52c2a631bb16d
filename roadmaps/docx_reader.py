"""Word files (.docx) cut into paragraphs and table rows, via python-docx.

Word already holds real rows and cells, so this reader only has to flatten
merges the way the shared table logic expects: a cell spanning several columns
gives its text once and empty cells for the rest (a section heading across the
row reads like 001's "1. Нормативно-правовое … ⇥ ⇥ ⇥"), a row starting late is
padded in front, and a cell continuing a vertical merge carries the merged
text but is marked, so a merged deadline applies to every row it spans while
a merged number does not number them all. A row ending early is left short:
that is how an incomplete row looks in Word too.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from lxml.etree import XMLSyntaxError

from roadmaps.errors import RoadmapError
from roadmaps.table import Block, SourceParagraph, SourceRow


def read_docx_blocks(path: Path) -> list[Block]:
    """The paragraphs and table rows of a .docx, in document order.

    Paragraph lines are numbered in order; table rows carry their 1-based index
    in their table.
    """
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, XMLSyntaxError, OSError) as error:
        raise RoadmapError(
            f"Не удалось прочитать файл «{path.name}» как документ Word (.docx): {error}."
        ) from error
    blocks: list[Block] = []
    line = 0
    for part in document.iter_inner_content():
        if isinstance(part, Paragraph):
            for text in part.text.split("\n"):
                line += 1
                blocks.append(SourceParagraph(text.strip(), line))
        else:
            blocks.extend(_table_rows(part))
    return blocks


def _table_rows(table: Table) -> Iterator[SourceRow]:
    above: list[_Cell | None] = []
    for index, row in enumerate(table.rows, 1):
        grid: list[_Cell | None] = [None] * row.grid_cols_before + list(row.cells)
        cells: list[tuple[str, ...]] = []
        merged: set[int] = set()
        for column, cell in enumerate(grid):
            spanned = column > 0 and _same(cell, grid[column - 1])
            if cell is None or spanned:
                cells.append(())
                continue
            if column < len(above) and _same(cell, above[column]):
                merged.add(column)
            cells.append(_lines(cell))
        above = grid
        yield SourceRow(tuple(cells), index, frozenset(merged))


def _same(cell: _Cell | None, other: _Cell | None) -> bool:
    """Whether two grid positions show the same Word cell (a horizontal or vertical merge)."""
    return cell is not None and other is not None and cell._tc is other._tc


def _lines(cell: _Cell) -> tuple[str, ...]:
    """A cell's non-empty lines: its paragraphs, and line breaks inside them."""
    return tuple(
        text.strip()
        for paragraph in cell.paragraphs
        for text in paragraph.text.split("\n")
        if text.strip()
    )
