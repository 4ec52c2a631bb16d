"""Reading a roadmap file, whichever format it comes in.

The format is told by the content (`roadmaps.formats`), and only decides how
the file is cut into paragraphs and table rows; the table logic and the
metadata are the same for every format.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from roadmaps.doc_reader import read_legacy_blocks
from roadmaps.document import RoadmapDocument
from roadmaps.docx_reader import read_docx_blocks
from roadmaps.errors import RoadmapError
from roadmaps.formats import Format, detect_format
from roadmaps.html_reader import read_html_blocks
from roadmaps.metadata import read_metadata
from roadmaps.odf_reader import read_ods_blocks, read_odt_blocks
from roadmaps.pdf_reader import read_pdf_blocks
from roadmaps.sheet_reader import read_xlsx_blocks
from roadmaps.table import Block, read_tables
from roadmaps.text_reader import read_text_blocks


def _legacy_excel(path: Path) -> list[Block]:
    raise RoadmapError(
        f"Файл «{path.name}» — таблица Excel 97–2003 (.xls): сохраните её как .xlsx (Файл → Сохранить как → Книга Excel) и загрузите снова."
    )


_READERS: dict[Format, Callable[[Path], list[Block]]] = {
    Format.TEXT: read_text_blocks,
    Format.DOCX: read_docx_blocks,
    Format.PDF: read_pdf_blocks,
    Format.XLSX: read_xlsx_blocks,
    Format.ODS: read_ods_blocks,
    Format.ODT: read_odt_blocks,
    Format.HTML: read_html_blocks,
    Format.DOC: partial(read_legacy_blocks, kind=Format.DOC),
    Format.RTF: partial(read_legacy_blocks, kind=Format.RTF),
    Format.XLS: _legacy_excel,
}


def read_blocks(path: Path) -> list[Block]:
    """The paragraphs and table rows of a document in any format profplan reads, in document order.

    The format is detected from the content (a .docx renamed to .pdf is read
    as .docx; a text file named .pdf is refused as not a PDF). Every reader
    yields the same blocks, so what gives rows meaning (roadmap items here,
    vacation rows for `calendars`) is written once, over blocks. Raises
    RoadmapError naming the file for an unsupported or unreadable file.
    """
    path = Path(path)
    return _READERS[detect_format(path)](path)


def read_document(path: Path) -> RoadmapDocument:
    """Read a roadmap (any format of `read_blocks`) into its metadata, items and indicators.

    Raises RoadmapError, with a Russian message naming the file, when the file
    cannot be read, has an unsupported format, holds no table of activities,
    or its table has no title or deadline column. A table cut off mid-row is
    read as far as it goes and reported in ``warnings``.
    """
    path = Path(path)
    content = read_tables(read_blocks(path), path.name)
    metadata = read_metadata(content.preamble)
    return RoadmapDocument(
        **vars(metadata),
        source_name=path.name,
        items=content.items,
        indicators=content.indicators,
        columns=content.columns,
        warnings=content.warnings,
    )
