"""Word files built at test time from the seed .txt exports.

Each seed becomes the .docx the same order would be: the text before the table
as paragraphs, and each table as a real Word table holding the rows the way
Word holds them — page-header rows repeated inside the table, rows continued
across a page break as rows with an empty first cell, multi-line cells as
several paragraphs, a heading that spans the table as one merged cell, a row
that skips the exporter's phantom column as a cell spanning it, and a row cut
off by the end of the source as a row that ends early.

The rows and their spans are the layout `document_fixtures.seed_parts` gives
every format, so the tests can ask the Word reader and the shared table
logic to find the same items in them.
"""

from __future__ import annotations

from pathlib import Path

import docx
from document_fixtures import TableLayout, seed_parts
from docx.document import Document
from docx.table import _Cell


def build_docx(seed: Path, target: Path) -> Path:
    """Write ``target`` (.docx) holding the paragraphs and tables of ``seed`` (.txt)."""
    document = docx.Document()
    for part in seed_parts(seed):
        if isinstance(part, str):
            document.add_paragraph(part)
        else:
            _add_table(document, part)
    document.save(str(target))
    return target


def _add_table(document: Document, layout: TableLayout) -> None:
    table = document.add_table(rows=0, cols=layout.width)
    for spans in layout.rows:
        word_row = table.add_row()
        for span in spans:
            cell = word_row.cells[span.start]
            if span.end - span.start > 1:
                cell = cell.merge(word_row.cells[span.end - 1])
            _fill(cell, span.lines)
        end = spans[-1].end if spans else 0
        if end < layout.width:  # the source ends inside this row
            for tc in word_row._tr.tc_lst[len(spans) :]:
                word_row._tr.remove(tc)


def _fill(cell: _Cell, lines: tuple[str, ...]) -> None:
    paragraphs = cell.paragraphs
    paragraphs[0].text = lines[0] if lines else ""
    for extra in paragraphs[1:]:
        extra._element.getparent().remove(extra._element)
    for line in lines[1:]:
        cell.add_paragraph(line)
