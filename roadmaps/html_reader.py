"""HTML pages holding a plan as a `<table>` cut into paragraphs and table rows, via lxml.

School and committee sites publish plans as pages, often with the page
layout itself made of tables. Only the innermost tables (those without a
table inside) are data; everything else is text, one paragraph per block
element. Inside a cell, `<p>`, `<div>`, `<li>` and `<br>` start new lines;
other whitespace collapses as a browser shows it. Spans come from the
`colspan` and `rowspan` attributes (see `roadmaps.grid`). Scripts, styles
and comments are not text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lxml.html
from lxml import etree

from roadmaps.errors import RoadmapError
from roadmaps.grid import GridCell, flatten
from roadmaps.table import Block, Cell, SourceParagraph
from roadmaps.text_reader import decode_text

_BLOCK_TAGS = frozenset(
    {"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section", "article",
     "header", "footer", "blockquote", "pre", "dl", "dt", "dd", "caption", "thead", "tbody", "tfoot", "center", "form"}
)  # fmt: skip
_SKIPPED_TAGS = frozenset({"script", "style", "noscript", "template", "head", "title", "meta", "link"})
_ROW_GROUPS = frozenset({"thead", "tbody", "tfoot"})
# lxml refuses a str that still declares its byte encoding (XHTML pages).
_XML_DECLARATION_RE = re.compile(r"^\s*<\?xml[^>]*\?>")


def read_html_blocks(path: Path) -> list[Block]:
    """The page's paragraphs and data-table rows in document order."""
    text = _XML_DECLARATION_RE.sub("", decode_text(path), count=1)
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as error:
        raise RoadmapError(f"Не удалось прочитать файл «{path.name}» как HTML-страницу: {error}.") from error
    body = root.find("body")
    walker = _Walker()
    walker.walk(body if body is not None else root)
    walker.flush()
    return walker.blocks


class _Walker:
    """Walks the element tree, collecting running text into paragraphs and innermost tables into rows."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.text: list[str] = []
        self.paragraphs = 0

    def flush(self, *, ends_paragraph: bool = False) -> None:
        """Close the running line; at the end of a block element also the paragraph (a blank line follows)."""
        line = " ".join("".join(self.text).split())
        self.text = []
        if line:
            self.paragraphs += 1
            self.blocks.append(SourceParagraph(line, self.paragraphs))
        last = self.blocks[-1] if self.blocks else None
        if ends_paragraph and isinstance(last, SourceParagraph) and last.text:
            self.blocks.append(SourceParagraph("", self.paragraphs))

    def walk(self, element: Any) -> None:
        tag = _tag(element)
        if tag in _SKIPPED_TAGS or not tag:  # not tag: a comment or a processing instruction
            return
        if tag == "table" and element.find(".//table") is None:
            self.flush(ends_paragraph=True)
            self.blocks.extend(flatten(_rows(element)))
            return
        block = tag in _BLOCK_TAGS or tag in ("td", "th")
        if block or tag == "br":
            self.flush(ends_paragraph=block)
        if element.text and tag != "br":
            self.text.append(element.text)
        for child in element:
            self.walk(child)
            if child.tail:
                self.text.append(child.tail)
        if block:
            self.flush(ends_paragraph=True)


def _tag(element: Any) -> str:
    return element.tag.lower() if isinstance(element.tag, str) else ""


def _rows(table: Any) -> Iterator[tuple[int, list[GridCell]]]:
    number = 0
    for row in _table_rows(table):
        number += 1
        cells = [
            GridCell(_cell_lines(cell), _span(cell, "colspan"), _span(cell, "rowspan"))
            for cell in row
            if _tag(cell) in ("td", "th")
        ]
        yield number, cells


def _table_rows(table: Any) -> Iterator[Any]:
    for child in table:
        tag = _tag(child)
        if tag == "tr":
            yield child
        elif tag in _ROW_GROUPS:
            yield from (row for row in child if _tag(row) == "tr")


def _span(cell: Any, attribute: str) -> int:
    value = str(cell.get(attribute, "1")).strip()
    return max(1, min(int(value), 1000)) if value.isdigit() else 1


def _cell_lines(cell: Any) -> Cell:
    """A cell's lines: block elements and <br> break lines, other whitespace collapses."""
    parts: list[str] = []

    def visit(element: Any) -> None:
        tag = _tag(element)
        if tag in _SKIPPED_TAGS or not tag:
            return
        breaks = tag in _BLOCK_TAGS or tag == "br"
        if breaks:
            parts.append("\n")
        if element.text and tag != "br":
            parts.append(element.text)
        for child in element:
            visit(child)
            if child.tail:
                parts.append(child.tail)
        if breaks:
            parts.append("\n")

    if cell.text:
        parts.append(cell.text)
    for child in cell:
        visit(child)
        if child.tail:
            parts.append(child.tail)
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return tuple(line for line in lines if line)
