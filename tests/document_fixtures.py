"""Real files of every format profplan reads, built at test time from the seed .txt exports.

`seed_parts` cuts a seed the way the text reader does (paragraphs, and tables
of rows of cells) and lays every row out the way a word processor would hold
it: a heading that spans the table as one cell across it, a row that skips
the exporter's phantom column with each cell spanning it, a row cut off by
the end of the source as a row that ends early. The builders then write
those parts with the real libraries — a PDF (fpdf2) whose table breaks
across pages with the header repeated on each page, an .xlsx (openpyxl), an
.odt and an .ods (odfpy), an HTML page, and the flattened text that "Save as
text" or copying from a PDF gives — so that tests can ask the readers to
find the seed's items in them.

The PDF font is a subset of DejaVu Sans shipped in tests/fonts (its licence
beside it), so the tests do not depend on the fonts of the machine.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

from roadmaps.table import SourceParagraph, SourceRow, read_header
from roadmaps.text_reader import read_text_blocks

FONT = Path(__file__).resolve().parent / "fonts" / "DejaVuSans-subset.ttf"


@dataclass(frozen=True)
class Span:
    """One cell of a laid-out row: the columns it covers [start, end) and its paragraphs."""

    start: int
    end: int
    lines: tuple[str, ...]


@dataclass
class TableLayout:
    width: int
    rows: list[list[Span]] = field(default_factory=list)
    header_rows: int = 1


Part = str | TableLayout


def seed_parts(seed: Path) -> list[Part]:
    """The seed's paragraphs and tables, rows laid out as spans of cells."""
    parts: list[Part] = []
    rows: list[SourceRow] = []
    for block in read_text_blocks(seed):
        if isinstance(block, SourceRow):
            rows.append(block)
            continue
        assert isinstance(block, SourceParagraph)
        if not block.text and rows:
            continue  # a blank line at a page break inside the table
        if rows:
            parts.append(_layout(rows))
            rows = []
        parts.append(block.text)
    if rows:
        parts.append(_layout(rows))
    return parts


def _layout(rows: Sequence[SourceRow]) -> TableLayout:
    width = max(len(row.cells) for row in rows)
    header = rows[0].cells
    named = [index for index in range(width) if index < len(header) and header[index]]
    table = TableLayout(width)
    numbering = len(rows) > 1 and [" ".join(c) for c in rows[1].cells if c] == [str(i) for i in range(1, len(named) + 1)]
    table.header_rows = 2 if numbering else 1
    for position, row in enumerate(rows):
        cells = list(row.cells)
        is_last = position == len(rows) - 1
        if len(cells) == width:
            if cells[0] and not any(cells[1:]):
                spans = [Span(0, width, cells[0])]
            else:
                spans = [Span(index, index + 1, cell) for index, cell in enumerate(cells)]
        elif is_last and len(cells) > 1:
            spans = [Span(index, index + 1, cell) for index, cell in enumerate(cells)]
        elif len(cells) == len(named) and len(named) < width:
            bounds = [*named, width]
            spans = [Span(start, end, cell) for (start, end), cell in zip(pairwise(bounds), cells, strict=True)]
        else:
            spans = [Span(index, index + 1, cell) for index, cell in enumerate(cells[:-1])]
            spans.append(Span(len(cells) - 1, width, cells[-1]))
        table.rows.append(spans)
    return table


def is_header(spans: Sequence[Span]) -> bool:
    return read_header(tuple(span.lines for span in spans)) is not None


# ------------------------------------------------------------------ PDF


def build_pdf(seed: Path, target: Path, *, font_size: float = 7.0) -> Path:
    """A landscape A4 PDF of the seed; every row whose first cell is empty starts a new page."""
    return write_pdf(seed_parts(seed), target, font_size=font_size)


def write_pdf(parts: Sequence[Part], target: Path, *, font_size: float = 7.0, break_before_continuations: bool = True) -> Path:
    from fpdf import FPDF

    pdf = FPDF(orientation="L", unit="pt", format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_font("DejaVu", fname=str(FONT))
    pdf.set_font("DejaVu", size=font_size)
    writer = _PdfWriter(pdf, font_size, break_before_continuations)
    pdf.add_page()
    for part in parts:
        if isinstance(part, str):
            writer.paragraph(part)
        else:
            writer.table(part)
    pdf.output(str(target))
    return target


class _PdfWriter:
    MARGIN = 28.0
    PADDING = 2.5

    def __init__(self, pdf, font_size: float, break_before_continuations: bool) -> None:  # type: ignore[no-untyped-def]
        self.pdf = pdf
        self.size = font_size
        self.leading = font_size * 1.25
        self.y = self.MARGIN
        self.break_before_continuations = break_before_continuations

    @property
    def bottom(self) -> float:
        return float(self.pdf.h) - self.MARGIN

    def new_page(self) -> None:
        self.pdf.add_page()
        self.y = self.MARGIN

    def wrap(self, text: str, width: float) -> list[str]:
        """Greedy line breaking at spaces, as a word processor does."""
        lines: list[str] = []
        current = ""
        for word in text.split():
            candidate = f"{current} {word}" if current else word
            if current and self.pdf.get_string_width(candidate) > width:
                lines.append(current)
                current = word
            else:
                current = candidate
        if current:
            lines.append(current)
        return lines

    def paragraph(self, text: str) -> None:
        """A line of the source; a blank one leaves a gap, as between paragraphs."""
        width = float(self.pdf.w) - 2 * self.MARGIN
        lines = self.wrap(text, width) if text.strip() else []
        if not lines:
            self.y += self.leading
            return
        for line in lines:
            if self.y + self.leading > self.bottom:
                self.new_page()
            self.pdf.text(self.MARGIN, self.y + self.size, line)
            self.y += self.leading

    def set_size(self, size: float) -> None:
        self.size = size
        self.leading = size * 1.25
        self.pdf.set_font("DejaVu", size=size)

    def table(self, table: TableLayout) -> None:
        """The table, its font made smaller until its longest words fit their columns (as autofit does)."""
        normal = self.size
        edges = self._column_edges(table)
        while edges is None:
            self.set_size(self.size * 0.9)
            edges = self._column_edges(table)
        self._table(table, edges)
        self.set_size(normal)

    def _table(self, table: TableLayout, edges: list[float]) -> None:
        header = table.rows[: table.header_rows]
        for index, row in enumerate(table.rows):
            repeated_header = index >= table.header_rows and is_header(row)
            continuation = index >= table.header_rows and row and row[0].start == 0 and not row[0].lines and any(s.lines for s in row)
            laid = [self._cell_lines(span, edges) for span in row]
            height = max((len(lines) for lines in laid), default=1) * self.leading + 2 * self.PADDING
            fresh_page = (repeated_header or (self.break_before_continuations and continuation)) and self.y > self.MARGIN
            if fresh_page or self.y + height > self.bottom:
                self.new_page()
                if not repeated_header:
                    for header_row in header:
                        self._row(header_row, [self._cell_lines(span, edges) for span in header_row], edges)
            self._row(row, laid, edges)
        self.y += self.leading

    def _column_edges(self, table: TableLayout) -> list[float] | None:
        """Columns as wide as their text needs and never narrower than their longest word, like autofit."""
        usable = float(self.pdf.w) - 2 * self.MARGIN
        totals = [0.0] * table.width
        longest = [0.0] * table.width
        for row in table.rows:
            for span in row:
                if span.end - span.start == 1:
                    totals[span.start] += sum(len(line) for line in span.lines)
                    words = [word for line in span.lines for word in line.split()]
                    widest = max((self.pdf.get_string_width(word) for word in words), default=0.0)
                    longest[span.start] = max(longest[span.start], widest + 2 * self.PADDING + 1)
        if sum(longest) > usable:
            return None
        top = max(totals) or 1.0
        weights = [max(0.06, min(1.0, total / top)) for total in totals]
        spare = usable - sum(longest)
        widths = [minimum + spare * weight / sum(weights) for minimum, weight in zip(longest, weights, strict=True)]
        edges = [self.MARGIN]
        for width in widths:
            edges.append(edges[-1] + width)
        return edges

    def _cell_lines(self, span: Span, edges: Sequence[float]) -> list[str]:
        width = edges[span.end] - edges[span.start] - 2 * self.PADDING
        return [line for paragraph in span.lines for line in self.wrap(paragraph, width)]

    def _row(self, row: Sequence[Span], laid: Sequence[list[str]], edges: Sequence[float]) -> None:
        height = max((len(lines) for lines in laid), default=1) * self.leading + 2 * self.PADDING
        for span, lines in zip(row, laid, strict=True):
            left, right = edges[span.start], edges[span.end]
            self.pdf.rect(left, self.y, right - left, height)
            for number, line in enumerate(lines):
                self.pdf.text(left + self.PADDING, self.y + self.PADDING + number * self.leading + self.size, line)
        self.y += height


# ------------------------------------------------------------ spreadsheets


def build_xlsx(seed: Path, target: Path) -> Path:
    """One sheet: paragraphs in column A, each table row in its own row, spans as merged ranges."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    number = 0
    for part in seed_parts(seed):
        if isinstance(part, str):
            number += 1
            if part:
                sheet.cell(number, 1, part)
            continue
        for row in part.rows:
            number += 1
            for span in row:
                if span.lines:
                    sheet.cell(number, span.start + 1, "\n".join(span.lines))
                if span.end - span.start > 1:
                    sheet.merge_cells(start_row=number, start_column=span.start + 1, end_row=number, end_column=span.end)
        number += 1  # an empty row after each table
    workbook.save(str(target))
    return target


def build_ods(seed: Path, target: Path) -> Path:
    """The same sheet as `build_xlsx`, as an OpenDocument spreadsheet."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableRow

    document = OpenDocumentSpreadsheet()
    sheet = Table(name="План")
    for part in seed_parts(seed):
        if isinstance(part, str):
            row = TableRow()
            row.addElement(_odf_cell((part,) if part else (), 1))
            sheet.addElement(row)
            continue
        for spans in part.rows:
            sheet.addElement(_odf_row(spans))
        sheet.addElement(TableRow())
    document.spreadsheet.addElement(sheet)
    document.save(str(target))
    return target


# ------------------------------------------------------------------ ODT


def build_odt(seed: Path, target: Path) -> Path:
    """A text document: paragraphs, and each table as a real table with spanning cells."""
    from odf.opendocument import OpenDocumentText
    from odf.table import Table, TableColumn
    from odf.text import P

    document = OpenDocumentText()
    for number, part in enumerate(seed_parts(seed)):
        if isinstance(part, str):
            document.text.addElement(P(text=part))
            continue
        table = Table(name=f"Таблица{number}")
        table.addElement(TableColumn(numbercolumnsrepeated=part.width))
        for spans in part.rows:
            table.addElement(_odf_row(spans))
        document.text.addElement(table)
    document.save(str(target))
    return target


def _odf_row(spans: Sequence[Span]):  # type: ignore[no-untyped-def]
    from odf.table import CoveredTableCell, TableRow

    row = TableRow()
    for span in spans:
        width = span.end - span.start
        row.addElement(_odf_cell(span.lines, width))
        for _ in range(width - 1):
            row.addElement(CoveredTableCell())
    return row


def _odf_cell(lines: Sequence[str], width: int):  # type: ignore[no-untyped-def]
    from odf.table import TableCell
    from odf.text import P

    cell = TableCell(valuetype="string", numbercolumnsspanned=width) if width > 1 else TableCell(valuetype="string")
    for line in lines:
        cell.addElement(P(text=line))
    return cell


# ----------------------------------------------------------------- HTML


def build_html(seed: Path, target: Path) -> Path:
    """A school site's page: a menu, the plan inside a layout table, `<br>` between a cell's paragraphs."""
    from html import escape

    body: list[str] = []
    lines: list[str] = []  # the lines of one paragraph: consecutive non-blank lines of the seed
    for part in [*seed_parts(seed), ""]:
        if isinstance(part, str) and part:
            lines.append(escape(part))
            continue
        if lines:
            body.append(f"<p>{'<br>'.join(lines)}</p>")
            lines = []
        if isinstance(part, str):
            continue
        rows = []
        for index, spans in enumerate(part.rows):
            tag = "th" if index < part.header_rows else "td"
            cells = "".join(
                f"<{tag}{f' colspan={span.end - span.start}' if span.end - span.start > 1 else ''}>"
                f"{'<br>'.join(escape(line) for line in span.lines)}</{tag}>"
                for span in spans
            )
            rows.append(f"<tr>{cells}</tr>")
        head, rest = rows[: part.header_rows], rows[part.header_rows :]
        body.append(f'<table border="1"><thead>{"".join(head)}</thead><tbody>\n{chr(10).join(rest)}\n</tbody></table>')
    page = (
        '<!DOCTYPE html>\n<html lang="ru"><head><meta charset="utf-8"><title>План</title>'
        "<style>td { padding: 2px }</style><script>var menu = 'Главная | Новости';</script></head><body>"
        '<table class="layout"><tr><td class="menu"><ul><li><a href="/">Главная</a></li></ul></td>'
        f'<td class="content"><!-- содержимое -->\n{chr(10).join(body)}\n</td></tr></table></body></html>'
    )
    target.write_text(page, encoding="utf-8")
    return target


# ------------------------------------------------------------ flattened text


def build_flattened(seed: Path, target: Path) -> Path:
    """The seed as "Save as text" from a word processor gives it when cells are separated by " | "."""
    target.write_text(seed.read_text(encoding="utf-8").replace("\t", " | "), encoding="utf-8")
    return target
