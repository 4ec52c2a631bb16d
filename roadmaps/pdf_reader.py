"""PDF files with a text layer cut into paragraphs and table rows, via pdfplumber.

pdfplumber finds each page's ruled tables and gives the bounding box of
every cell; it returns one fragment of a table per page and will not stitch
them, so this reader only streams rows and text in reading order, page after
page, and leaves the stitching to the shared table logic: a header row
repeated on each page and the "1 2 3 4 5" column-numbering row are dropped
there, and a row whose number cell is empty (a row broken by the page) joins
the one before it.

What a PDF does not hold has to be inferred:

- words: characters closer than a fraction of the font size belong to one
  word, so spacing works at any font size;
- paragraphs inside a cell: a line ends its paragraph when the first word of
  the next line would have fitted on it (the writer broke the line on
  purpose), otherwise the line was wrapped and the two are one paragraph;
- a cell merged down over several rows shows its text in its first row
  only; the rows it covers get that text, marked as merged, as Word gives it;
- text outside the tables: one paragraph per line, with a blank line where
  the vertical gap is larger than the line spacing.

A PDF without any text (a scan) is refused with a Russian message saying
so; when `ocrmypdf` is installed the scan is first given a text layer.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pdfplumber
from pdfminer.pdfparser import PDFSyntaxError
from pdfplumber.utils.exceptions import PdfminerException

from roadmaps.errors import RoadmapError
from roadmaps.table import Block, Cell, SourceParagraph, SourceRow

# Characters closer than this share of the font size are one word; a space is about a quarter of it.
_WORD_GAP = 0.15
# Words whose tops differ by less than this share of their height are on one line.
_SAME_LINE = 0.5
# A vertical gap this many times the line height between two text lines is a paragraph break.
_PARAGRAPH_GAP = 1.6
_OCR_TIMEOUT = 600


@dataclass(frozen=True)
class _Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass(frozen=True)
class _Line:
    words: tuple[_Word, ...]

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return self.words[-1].x1

    @property
    def top(self) -> float:
        return min(word.top for word in self.words)

    @property
    def bottom(self) -> float:
        return max(word.bottom for word in self.words)


Box = tuple[float, float, float, float]


def read_pdf_blocks(path: Path) -> list[Block]:
    """The paragraphs and table rows of a PDF, in reading order; rows numbered across the document."""
    pages = _page_blocks(path)
    if pages is None:
        pages = _page_blocks(_ocr(path))
    if pages is None:
        raise RoadmapError(f"Файл «{path.name}» — скан: распознавание текста не нашло в нём ни строки.")
    blocks: list[Block] = []
    row_number = 0
    for block in pages:
        if isinstance(block, SourceRow):
            row_number += 1
            block = SourceRow(block.cells, row_number, block.merged)
        blocks.append(block)
    return blocks


def _page_blocks(path: Path) -> list[Block] | None:
    """Blocks of every page; None when the PDF has no text at all (a scan)."""
    blocks: list[Block] = []
    any_text = False
    try:
        with pdfplumber.open(str(path)) as pdf:
            for page in pdf.pages:
                words = _words(page)
                any_text = any_text or bool(words)
                blocks.extend(_blocks_of_page(page, words))
                page.close()  # frees the page's parsed objects: long documents stay small in memory
    except (PdfminerException, PDFSyntaxError, ValueError, KeyError, TypeError) as error:
        raise RoadmapError(
            f"Не удалось прочитать файл «{path.name}»: PDF повреждён или сохранён не полностью. "
            "Откройте его и сохраните заново (или экспортируйте в PDF ещё раз)."
        ) from error
    return blocks if any_text else None


def _words(page: Any) -> list[_Word]:
    found = page.extract_words(x_tolerance_ratio=_WORD_GAP, keep_blank_chars=False, use_text_flow=False)
    return [_Word(w["text"], float(w["x0"]), float(w["x1"]), float(w["top"]), float(w["bottom"])) for w in found]


def _blocks_of_page(page: Any, words: Sequence[_Word]) -> list[Block]:
    """The page's table rows and its other text lines, merged by their vertical position."""
    tables = sorted(page.find_tables(), key=lambda table: table.bbox[1])
    placed: list[tuple[float, Block]] = []
    claimed: set[int] = set()
    by_height = sorted(range(len(words)), key=lambda index: words[index].middle)
    middles = [words[index].middle for index in by_height]
    for table in tables:
        rows = [row for row in table.rows if any(cell is not None for cell in row.cells)]
        covering: list[tuple[Box, Cell] | None] = [None] * max((len(row.cells) for row in rows), default=0)
        column_starts = [column.bbox[0] for column in table.columns]
        for row in rows:
            cells: list[Cell] = []
            merged: set[int] = set()
            for column, box in enumerate(row.cells):
                if box is None:
                    cells.append(_covered_text(covering[column], row.bbox))
                    if cells[-1]:
                        merged.add(column)
                    continue
                band = by_height[bisect_left(middles, box[1]) : bisect_right(middles, box[3])]
                inside = [index for index in band if box[0] <= words[index].centre <= box[2]]
                claimed.update(inside)
                cell = _paragraphs(_lines([words[index] for index in inside]), box)
                covering[column] = (box, cell)
                cells.append(cell)
            width = _row_width(row.cells, column_starts, merged)
            placed.append((row.bbox[1], SourceRow(tuple(cells[:width]), 0, frozenset(merged))))
    outside = [word for index, word in enumerate(words) if index not in claimed]
    placed.extend(_text_blocks(_lines(outside)))
    placed.sort(key=lambda pair: pair[0])
    return [block for _, block in placed]


def _row_width(boxes: Sequence[Box | None], column_starts: Sequence[float], merged: set[int]) -> int:
    """How many cells the row really has: columns no cell of the row reaches are missing (a row ending early)."""
    reach = max((box[2] for box in boxes if box is not None), default=0.0)
    width = len(boxes)
    while width > 1 and boxes[width - 1] is None and (width - 1) not in merged and column_starts[width - 1] >= reach - 1:
        width -= 1
    return width


def _covered_text(above: tuple[Box, Cell] | None, row_box: Box) -> Cell:
    """The text of a cell merged down over this row (its box reaches the row's bottom), else nothing."""
    if above is None:
        return ()
    box, cell = above
    return cell if box[3] >= row_box[3] - 1 else ()


def _lines(words: Sequence[_Word]) -> list[_Line]:
    """Words grouped into lines, top to bottom, each line left to right."""
    lines: list[list[_Word]] = []
    for word in sorted(words, key=lambda w: (w.top, w.x0)):
        if lines:
            last = lines[-1]
            if abs(word.top - last[0].top) <= _SAME_LINE * max(word.height, last[0].height):
                last.append(word)
                continue
        lines.append([word])
    return [_Line(tuple(sorted(line, key=lambda w: w.x0))) for line in lines]


def _paragraphs(lines: Sequence[_Line], box: Box) -> Cell:
    """A cell's paragraphs: wrapped lines joined, a line that left room for the next word ends its paragraph."""
    if not lines:
        return ()
    padding = max(0.0, min(line.x0 for line in lines) - box[0])
    right = box[2] - padding
    space = _space_width(lines)
    paragraphs = [lines[0].text]
    for previous, line in zip(lines, lines[1:], strict=False):
        first = line.words[0]
        if previous.x1 + space + (first.x1 - first.x0) <= right:
            paragraphs.append(line.text)
        elif paragraphs[-1].endswith("-") and paragraphs[-1][-2:-1].isalpha():
            paragraphs[-1] += line.text  # a word hyphenated at the line end ("ДГ-" + "1773")
        else:
            paragraphs[-1] += " " + line.text
    return tuple(paragraphs)


def _space_width(lines: Sequence[_Line]) -> float:
    """The narrowest gap between two words of the cell: its font's space (justified text only widens gaps)."""
    gaps = [right.x0 - left.x1 for line in lines for left, right in zip(line.words, line.words[1:], strict=False)]
    positive = [gap for gap in gaps if gap > 0]
    return min(positive) if positive else 0.3 * lines[0].words[0].height


def _text_blocks(lines: Sequence[_Line]) -> Iterator[tuple[float, Block]]:
    """Text outside the tables: a paragraph per line, a blank one where the gap says a paragraph ended."""
    previous: _Line | None = None
    for line in lines:
        if previous is not None and line.top - previous.bottom > (_PARAGRAPH_GAP - 1) * (previous.bottom - previous.top):
            yield line.top - 0.01, SourceParagraph("", 0)
        yield line.top, SourceParagraph(line.text, 0)
        previous = line


def _ocr(path: Path) -> Path:
    """The scan with a text layer added by ocrmypdf (Russian), or a RoadmapError saying it is a scan."""
    ocrmypdf = shutil.which("ocrmypdf")
    if ocrmypdf is None:
        raise RoadmapError(
            f"Файл «{path.name}» — скан без текстового слоя: в нём нет текста, только изображения страниц. "
            "Загрузите исходный документ (.docx, .pdf с текстом) или установите распознавание текста "
            "(Debian: apt install ocrmypdf tesseract-ocr-rus) и повторите загрузку."
        )
    target = Path(tempfile.mkdtemp(prefix="profplan-ocr-")) / f"{path.stem}.ocr.pdf"
    try:
        subprocess.run(
            [ocrmypdf, "-l", "rus", "--skip-text", "--quiet", str(path), str(target)],
            check=True, capture_output=True, timeout=_OCR_TIMEOUT,
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as error:
        stderr = error.stderr if isinstance(error, subprocess.CalledProcessError) and error.stderr else b""
        detail = stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
        raise RoadmapError(
            f"Файл «{path.name}» — скан без текстового слоя, и распознать его не удалось"
            f"{': ' + detail[0] if detail else ''}. Загрузите документ с текстом (.docx или .pdf с текстом)."
        ) from error
    return target
