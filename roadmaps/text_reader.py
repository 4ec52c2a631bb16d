"""Plain-text exports of roadmap orders (.txt) cut into paragraphs and table rows.

Two layouts occur and are told apart by where the header is found:

- row per line: cells separated by tabs (000–003). A line without tabs that
  follows table rows and is an item number with text is a row whose heading
  spans the table ("3. Формирование …" in 001); other text is a paragraph.
- cell per line: every cell starts a line with a tab, its further lines
  (separated by blank lines) follow without one (004). Rows are regrouped by
  the header's width; a shorter row (a section heading) ends where, after a
  blank line, a cell holds nothing but an item number.

Everything else — header roles, page headers, continuations, sections — is
decided by :mod:`roadmaps.table`, shared with the Word reader.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from calendars.data_files import read_text
from roadmaps.errors import RoadmapError
from roadmaps.table import Block, Cell, SourceParagraph, SourceRow, is_row_number, parse_number, read_header


def read_text_blocks(path: Path) -> list[Block]:
    """The paragraphs and table rows of a .txt export, with 1-based line numbers."""
    lines = _decode(path).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    layout = _cell_layout_header(lines)
    if layout is None:
        return _row_layout(lines, 0)
    start, width = layout
    return _row_layout(lines[:start], 0) + _cell_layout(lines, start, width)


def _decode(path: Path) -> str:
    """UTF-8 (with or without BOM), UTF-16, else Windows-1251 — what Russian offices save."""
    return read_text(path, RoadmapError)


def _cell_layout_header(lines: Sequence[str]) -> tuple[int, int] | None:
    """Where a cell-per-line header starts and how many cells it has; None for row-per-line text.

    Whichever kind of header comes first decides the layout.
    """
    for index, line in enumerate(lines):
        if "\t" not in line:
            continue
        if not _is_single_cell_line(line):
            if read_header(tuple(_cell(piece) for piece in line.split("\t"))) is not None:
                return None
            continue
        cells = _header_cells(lines, index)
        if len(cells) >= 2 and read_header(cells) is not None:
            return index, len(cells)
    return None


def _header_cells(lines: Sequence[str], start: int) -> tuple[Cell, ...]:
    """The cells of a cell-per-line header starting at ``start``, up to the first blank line.

    A header cell may wrap: its further lines come without a tab.
    """
    cells: list[list[str]] = []
    for line in lines[start:]:
        if _is_single_cell_line(line):
            cells.append(list(_cell(line)))
        elif cells and line.strip() and "\t" not in line:
            cells[-1].append(line.strip())
        else:
            break
    return tuple(tuple(cell) for cell in cells)


def _is_single_cell_line(line: str) -> bool:
    return line.startswith("\t") and line.count("\t") == 1


def _cell(text: str) -> Cell:
    text = text.strip()
    return (text,) if text else ()


def _row_layout(lines: Sequence[str], offset: int) -> list[Block]:
    blocks: list[Block] = []
    in_table = False
    for number, line in enumerate(lines, offset + 1):
        if "\t" in line:
            blocks.append(SourceRow(tuple(_cell(piece) for piece in line.split("\t")), number))
            in_table = True
        elif not line.strip():
            blocks.append(SourceParagraph("", number))
        elif in_table and _is_heading_line(line):
            blocks.append(SourceRow((_cell(line),), number))
        else:
            blocks.append(SourceParagraph(line.strip(), number))
            in_table = False
    return blocks


def _is_heading_line(line: str) -> bool:
    """"3. Формирование …": a number followed by text (a bare "3" is a page number)."""
    parsed = parse_number(line)
    return parsed is not None and parsed[1] is not None


@dataclass
class _PendingRow:
    line: int
    cells: list[list[str]] = field(default_factory=list)

    def block(self) -> SourceRow:
        return SourceRow(tuple(tuple(cell) for cell in self.cells), self.line)


def _cell_layout(lines: Sequence[str], start: int, width: int) -> list[Block]:
    """Regroup one-cell-per-line text into rows of at most ``width`` cells.

    Text after the table cannot be told from a cell's further lines in this
    layout, so the table runs to the end of the file.
    """
    rows: list[_PendingRow] = []
    after_blank = False
    for number, line in enumerate(lines[start:], start + 1):
        if "\t" not in line and not line.strip():
            after_blank = True
            continue
        head, *new_cells = line.split("\t")
        if head.strip() and rows and rows[-1].cells:
            rows[-1].cells[-1].append(head.strip())
        for text in new_cells:
            if not rows or _starts_row(rows[-1], width, after_blank, text):
                rows.append(_PendingRow(number))
            rows[-1].cells.append([text.strip()] if text.strip() else [])
        after_blank = False
    return [row.block() for row in rows]


def _starts_row(current: _PendingRow, width: int, after_blank: bool, text: str) -> bool:
    """A full row is closed; so is a short one when a bare item number follows a blank line."""
    return len(current.cells) == width or (after_blank and bool(current.cells) and is_row_number(text))
