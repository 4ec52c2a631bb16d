"""OpenDocument files (.odt texts and .ods spreadsheets) cut into paragraphs and table rows, via odfpy.

Both are the same XML underneath: a text document is paragraphs, headings,
lists and tables in document order; a spreadsheet is one table per sheet.
Spans come as attributes (number-columns-spanned, number-rows-spanned) and
the positions they cover as covered-table-cell elements, so the rows go
through `roadmaps.grid`. Spreadsheets compress runs of identical cells and
rows with number-…-repeated: a run of empty ones (the rest of the sheet) is
not expanded.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.parsers.expat import ExpatError

from odf import opendocument, teletype

from roadmaps.errors import RoadmapError
from roadmaps.grid import GridCell, flatten
from roadmaps.sheet_reader import blank_empty_rows
from roadmaps.table import Block, Cell, SourceParagraph

_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_ROW_CONTAINERS = {"table-header-rows", "table-rows", "table-row-group"}
# A repeated run longer than this is the sheet's empty remainder, not content.
_MAX_REPEAT = 1000


def read_odt_blocks(path: Path) -> list[Block]:
    """Paragraphs (numbered in order) and table rows (their index in the table) of a text document."""
    document = _load(path, "документ OpenDocument (.odt)")
    blocks: list[Block] = []
    counter = [0]
    for node in document.text.childNodes:
        blocks.extend(_body_blocks(node, counter))
    return blocks


def read_ods_blocks(path: Path) -> list[Block]:
    """The rows of every sheet; a row's line is its row number in the sheet."""
    document = _load(path, "таблицу OpenDocument (.ods)")
    blocks: list[Block] = []
    for node in document.spreadsheet.childNodes:
        if _is(node, _TABLE, "table"):
            if blocks:
                blocks.append(SourceParagraph("", 0))
            blocks.extend(blank_empty_rows(flatten(_rows(node))))
    return blocks


def _load(path: Path, what: str) -> Any:
    try:
        return opendocument.load(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError, ExpatError, OSError) as error:
        raise RoadmapError(f"Не удалось прочитать файл «{path.name}» как {what}: {error}.") from error


def _is(node: Any, namespace: str, name: str) -> bool:
    return getattr(node, "qname", None) == (namespace, name)


def _body_blocks(node: Any, counter: list[int]) -> Iterator[Block]:
    if _is(node, _TABLE, "table"):
        yield from flatten(_rows(node))
        return
    if _is(node, _TEXT, "p") or _is(node, _TEXT, "h"):
        for line in _lines(node) or ("",):
            counter[0] += 1
            yield SourceParagraph(line, counter[0])
        return
    for child in getattr(node, "childNodes", ()):  # lists, sections: their paragraphs in order
        yield from _body_blocks(child, counter)


def _rows(table: Any) -> Iterator[tuple[int, list[GridCell]]]:
    number = 0
    for row in _table_rows(table):
        cells = list(_cells(row))
        repeat = int(row.getAttrNS(_TABLE, "number-rows-repeated") or 1)
        if repeat > _MAX_REPEAT and not any(cell.lines for cell in cells):
            repeat = 1
        for _ in range(repeat):
            number += 1
            yield number, cells


def _table_rows(node: Any) -> Iterator[Any]:
    for child in node.childNodes:
        if _is(child, _TABLE, "table-row"):
            yield child
        elif getattr(child, "qname", (None, None))[1] in _ROW_CONTAINERS:
            yield from _table_rows(child)


def _cells(row: Any) -> Iterator[GridCell]:
    """The row's cells left to right; covered positions are skipped (the spanning cell accounts for them)."""
    for cell in row.childNodes:
        if not _is(cell, _TABLE, "table-cell"):
            continue
        repeat = int(cell.getAttrNS(_TABLE, "number-columns-repeated") or 1)
        lines = _cell_lines(cell)
        if repeat > _MAX_REPEAT and not lines:
            repeat = 1
        columns = int(cell.getAttrNS(_TABLE, "number-columns-spanned") or 1)
        rows = int(cell.getAttrNS(_TABLE, "number-rows-spanned") or 1)
        for _ in range(repeat):
            yield GridCell(lines, columns, rows)


def _cell_lines(cell: Any) -> Cell:
    lines: list[str] = []
    for child in cell.childNodes:
        lines.extend(_lines(child) if _is(child, _TEXT, "p") or _is(child, _TEXT, "h") else _nested_lines(child))
    return tuple(lines)


def _nested_lines(node: Any) -> list[str]:
    """Lines of lists inside a cell: each list item's paragraphs."""
    lines: list[str] = []
    for child in getattr(node, "childNodes", ()):
        lines.extend(_lines(child) if _is(child, _TEXT, "p") or _is(child, _TEXT, "h") else _nested_lines(child))
    return lines


def _lines(paragraph: Any) -> list[str]:
    """A paragraph's text, cut at its line breaks, without empty lines."""
    text = teletype.extractText(paragraph)
    return [line.strip() for line in text.split("\n") if line.strip()]
