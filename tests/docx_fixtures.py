"""Word files built at test time from the seed .txt exports.

Each seed becomes the .docx the same order would be: the text before the table
as paragraphs, and each table as a real Word table holding the rows the way
Word holds them — page-header rows repeated inside the table, rows continued
across a page break as rows with an empty first cell, multi-line cells as
several paragraphs, a heading that spans the table as one merged cell, a row
that skips the exporter's phantom column as a cell spanning it, and a row cut
off by the end of the source as a row that ends early.

The rows are taken from the text reader's own cutting of the seed, so the
tests can then ask the Word reader and the shared table logic to find the same
items in them.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from pathlib import Path

import docx
from docx.document import Document
from docx.table import _Cell, _Row

from roadmaps.table import SourceParagraph, SourceRow
from roadmaps.text_reader import read_text_blocks


def build_docx(seed: Path, target: Path) -> Path:
    """Write ``target`` (.docx) holding the paragraphs and tables of ``seed`` (.txt)."""
    document = docx.Document()
    rows: list[SourceRow] = []
    for block in read_text_blocks(seed):
        if isinstance(block, SourceRow):
            rows.append(block)
            continue
        assert isinstance(block, SourceParagraph)
        if not block.text and rows:
            continue  # a blank line at a page break inside the table
        _add_table(document, rows)
        rows.clear()
        document.add_paragraph(block.text)
    _add_table(document, rows)
    document.save(str(target))
    return target


def _add_table(document: Document, rows: Sequence[SourceRow]) -> None:
    if not rows:
        return
    width = max(len(row.cells) for row in rows)
    header = rows[0].cells
    named = [index for index in range(width) if index < len(header) and header[index]]
    table = document.add_table(rows=0, cols=width)
    for position, row in enumerate(rows):
        word_row = table.add_row()
        cells = list(row.cells)
        is_last = position == len(rows) - 1
        if len(cells) == width:
            if cells[0] and not any(cells[1:]):
                _fill(_merge(word_row, 0, width), cells[0])  # a heading across the row
            else:
                _fill_positions(word_row, range(width), cells)
        elif is_last and len(cells) > 1:
            _fill_positions(word_row, range(len(cells)), cells)
            for tc in word_row._tr.tc_lst[len(cells) :]:
                word_row._tr.remove(tc)  # the source ends inside this row
        elif len(cells) == len(named) and len(named) < width:
            _fill_skipping_phantoms(word_row, named, cells, width)
        else:
            _fill_positions(word_row, range(len(cells) - 1), cells)
            _fill(_merge(word_row, len(cells) - 1, width), cells[-1])


def _fill_skipping_phantoms(word_row: _Row, named: Sequence[int], cells: Sequence[tuple[str, ...]], width: int) -> None:
    """Each named column's cell spans the phantom columns up to the next named one."""
    bounds = list(named) + [width]
    merged = [_merge(word_row, start, end) for start, end in pairwise(bounds)]
    for cell, lines in zip(merged, cells, strict=True):
        _fill(cell, lines)


def _fill_positions(word_row: _Row, positions: range, cells: Sequence[tuple[str, ...]]) -> None:
    for position in positions:
        _fill(word_row.cells[position], cells[position])


def _merge(word_row: _Row, start: int, end: int) -> _Cell:
    cell = word_row.cells[start]
    return cell.merge(word_row.cells[end - 1]) if end - 1 > start else cell


def _fill(cell: _Cell, lines: tuple[str, ...]) -> None:
    paragraphs = cell.paragraphs
    paragraphs[0].text = lines[0] if lines else ""
    for extra in paragraphs[1:]:
        extra._element.getparent().remove(extra._element)
    for line in lines[1:]:
        cell.add_paragraph(line)
