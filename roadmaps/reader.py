"""Reading a roadmap file, whichever format it comes in.

The format only decides how the file is cut into paragraphs and table rows;
the table logic and the metadata are the same for every format.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from roadmaps.document import RoadmapDocument
from roadmaps.docx_reader import read_docx_blocks
from roadmaps.errors import RoadmapError
from roadmaps.metadata import read_metadata
from roadmaps.table import Block, read_tables
from roadmaps.text_reader import read_text_blocks

_READERS: dict[str, Callable[[Path], list[Block]]] = {
    ".txt": read_text_blocks,
    ".docx": read_docx_blocks,
}


def read_blocks(path: Path) -> list[Block]:
    """The paragraphs and table rows of a document in any format profplan reads, in document order.

    Every reader yields the same blocks, so what gives rows meaning (roadmap
    items here, vacation rows for `calendars`) is written once, over blocks.
    Raises RoadmapError naming the file for an unsupported or unreadable file.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    reader = _READERS.get(suffix)
    if reader is None:
        hint = " Сохраните документ Word в формате .docx." if suffix in {".doc", ".rtf", ".odt"} else ""
        raise RoadmapError(
            f"Файл «{path.name}»: формат «{suffix or 'без расширения'}» не поддерживается, "
            f"нужен .txt или .docx.{hint}"
        )
    if not path.is_file():
        raise RoadmapError(f"Не удалось прочитать файл «{path.name}»: файл не найден.")
    return reader(path)


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
