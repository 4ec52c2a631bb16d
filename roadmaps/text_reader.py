"""Plain-text exports of roadmap orders (.txt) cut into paragraphs and table rows.

Four layouts occur and are told apart by what the header looks like:

- row per line: cells separated by tabs (000–003). A line without tabs that
  follows table rows and is an item number with text is a row whose heading
  spans the table ("3. Формирование …" in 001); other text is a paragraph.
- cell per line: every cell starts a line with a tab, its further lines
  (separated by blank lines) follow without one (004). Rows are regrouped by
  the header's width; a shorter row (a section heading) ends where, after a
  blank line, a cell holds nothing but an item number.

- cells separated by " | " (or a Markdown table "| a | b |" with its
  "|---|" rule): read as the row-per-line layout with "|" for tabs.
- one cell per line without any separator, as copying a table out of a PDF
  gives: the header is a run of short lines that read as column names and
  is followed by a line holding only an item number; each such line starts
  a row, whose next lines are its cells in order (a line starting in lower
  case continues the cell above).

Everything else — header roles, page headers, continuations, sections — is
decided by :mod:`roadmaps.table`, shared with the Word reader.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from calendars.data_files import read_text
from roadmaps.document import Role
from roadmaps.errors import RoadmapError
from roadmaps.table import Block, Cell, SourceParagraph, SourceRow, is_row_number, parse_number, read_header

# A header of more one-line cells than this is not a header.
_MAX_FLAT_COLUMNS = 10
_MARKDOWN_RULE_RE = re.compile(r"^:?-{3,}:?$")
_HYPHEN_END_RE = re.compile(r"[^\W\d_]-$")


def read_text_blocks(path: Path) -> list[Block]:
    """The paragraphs and table rows of a .txt export, with 1-based line numbers."""
    lines = decode_text(path).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    layout = _cell_layout_header(lines)
    if layout is not None:
        start, width = layout
        return _row_layout(lines[:start], 0) + _cell_layout(lines, start, width)
    pipe_header = _pipe_header(lines)
    if pipe_header is not None:
        markdown = _is_markdown(pipe_header)
        return _row_layout([_pipes_to_tabs(line, markdown=markdown) for line in lines], 0)
    flat = _flat_header(lines)
    if flat is not None:
        start, width = flat
        return _row_layout(lines[:start], 0) + _flat_layout(lines, start, width)
    return _row_layout(lines, 0)


def decode_text(path: Path) -> str:
    """The file's text in whatever encoding Russian offices save (see `calendars.data_files.decode_text`)."""
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


def _pipe_header(lines: Sequence[str]) -> str | None:
    """The header line of a table with cells separated by "|" ("№ | Мероприятие | Сроки", or Markdown)."""
    for line in lines:
        if "|" in line and (read_header(_pipe_cells(line, markdown=False)) or read_header(_pipe_cells(line, markdown=True))):
            return line
    return None


def _is_markdown(header: str) -> bool:
    """A Markdown table frames every row: | a | b |. Then the outer bars are not cell separators."""
    text = header.strip()
    return len(text) > 1 and text.startswith("|") and text.endswith("|")


def _pipe_cells(line: str, *, markdown: bool) -> tuple[Cell, ...]:
    text = line.strip()
    if markdown and text.startswith("|") and text.endswith("|") and len(text) > 1:
        text = text[1:-1]
    return tuple(_cell(piece) for piece in text.split("|"))


def _pipes_to_tabs(line: str, *, markdown: bool) -> str:
    """A "|"-separated row as the tab-separated row the row layout reads; a Markdown rule line is dropped."""
    if "|" not in line:
        return line
    cells = _pipe_cells(line, markdown=markdown)
    if markdown and all(not cell or _MARKDOWN_RULE_RE.match(cell[0]) for cell in cells):
        return ""
    return "\t".join(cell[0] if cell else "" for cell in cells)


def _flat_header(lines: Sequence[str]) -> tuple[int, int] | None:
    """A header with one cell per line and no separators at all, followed by a numbered row.

    What copying a table out of a PDF gives: "№ п/п", "Мероприятие", "Сроки", … each on a line of its own.
    """
    for index in range(len(lines)):
        labels: list[str] = []
        for line in lines[index : index + _MAX_FLAT_COLUMNS + 1]:
            if not line.strip() or is_row_number(line):
                break
            labels.append(line.strip())
        for width in range(len(labels), 1, -1):
            following = index + width
            cells = tuple((label,) for label in labels[:width])
            if following < len(lines) and is_row_number(lines[following]) and read_header(cells) is not None:
                header = read_header(cells)
                if header is not None and all(role is not Role.EXTRA for role in header.roles[:2]):
                    return index, width
    return None


def _flat_layout(lines: Sequence[str], start: int, width: int) -> list[Block]:
    """Rows of a separator-less table: a row starts at a line holding only an item number.

    A line "I. Раздел …" (a number with text) is a heading row of its own.
    The lines of a row are its cells in order; when there are more lines
    than cells, lines that continue a wrapped cell (see `_fold_wrapped`) are
    joined to the line above.
    """
    blocks: list[Block] = [SourceRow(tuple((line.strip(),) for line in lines[start : start + width]), start + 1)]
    pending: list[tuple[int, str]] = []

    def close() -> None:
        if pending:
            blocks.append(SourceRow(tuple((text,) for text in _fold_wrapped([text for _, text in pending], width)), pending[0][0]))
            pending.clear()

    for number, line in enumerate(lines[start + width :], start + width + 1):
        text = line.strip()
        if not text:
            continue
        if _is_heading_line(text):
            close()
            blocks.append(SourceRow(((text,),), number))
        elif is_row_number(text):
            close()
            pending.append((number, text))
        elif pending:
            pending.append((number, text))
        else:
            blocks.append(SourceParagraph(text, number))
    close()
    return blocks


def _fold_wrapped(texts: list[str], width: int) -> list[str]:
    """Join surplus lines to the line above, the likeliest wraps first.

    A line starting in lower case after a line ending with a comma, a hyphen
    or a letter is a wrap; one after a full stop less likely so.
    """
    texts = list(texts)
    while len(texts) > width:
        candidates = [index for index in range(2, len(texts)) if texts[index][:1].islower()]
        if not candidates:
            break
        best = min(candidates, key=lambda index: (not re.search(r"[,\-\w]$", texts[index - 1]), index))
        glue = "" if _HYPHEN_END_RE.search(texts[best - 1]) else " "
        texts[best - 1 : best + 1] = [texts[best - 1] + glue + texts[best]]
    return texts


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
