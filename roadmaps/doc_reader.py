"""Legacy Word (.doc) and RTF files, read through a converter when one is installed.

There is no well-kept pure-Python reader of the binary Word format. Headless
LibreOffice converts both formats to .docx with the tables intact, which
the Word reader then reads; without it, antiword (.doc) or catdoc (.doc,
.rtf) give plain text, read by the text reader (their tables come out as
cells separated by tabs or "|"). Without any converter the user is told how
to save the file as .docx.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from roadmaps.docx_reader import read_docx_blocks
from roadmaps.errors import RoadmapError
from roadmaps.formats import Format
from roadmaps.table import Block
from roadmaps.text_reader import read_text_blocks

_TIMEOUT = 180


def read_legacy_blocks(path: Path, kind: Format) -> list[Block]:
    """Blocks of a .doc or .rtf through the first installed converter that reads it."""
    for program, convert, reads in _CONVERTERS:
        executable = shutil.which(program)
        if executable is None or kind not in reads:
            continue
        with tempfile.TemporaryDirectory(prefix="profplan-convert-") as folder:
            return convert(executable, path, Path(folder))
    raise RoadmapError(
        f"Файл «{path.name}» — {kind.label}: этот формат читается только через конвертер, а он не установлен. "
        "Откройте файл в Word или LibreOffice и сохраните как .docx (Файл → Сохранить как → Документ Word), "
        "либо установите LibreOffice, antiword или catdoc."
    )


def _libreoffice(executable: str, path: Path, folder: Path) -> list[Block]:
    _run([executable, "--headless", "--convert-to", "docx", "--outdir", str(folder), str(path)], path)
    converted = folder / f"{path.stem}.docx"
    if not converted.is_file():
        raise RoadmapError(f"Файл «{path.name}»: LibreOffice не смог преобразовать его в .docx.")
    return read_docx_blocks(converted)


def _to_text(*options: str) -> Callable[[str, Path, Path], list[Block]]:
    def convert(executable: str, path: Path, folder: Path) -> list[Block]:
        result = _run([executable, *options, str(path)], path)
        converted = folder / f"{path.stem}.txt"
        converted.write_bytes(result)
        return read_text_blocks(converted)

    return convert


def _run(command: list[str], path: Path) -> bytes:
    try:
        return subprocess.run(command, check=True, capture_output=True, timeout=_TIMEOUT).stdout
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as error:
        raise RoadmapError(
            f"Файл «{path.name}» не удалось преобразовать программой {Path(command[0]).name}: {error}. "
            "Сохраните документ как .docx и загрузите его."
        ) from error


_BOTH = frozenset({Format.DOC, Format.RTF})
_CONVERTERS: tuple[tuple[str, Callable[[str, Path, Path], list[Block]], frozenset[Format]], ...] = (
    ("soffice", _libreoffice, _BOTH),
    ("libreoffice", _libreoffice, _BOTH),
    ("antiword", _to_text("-w", "0", "-m", "UTF-8.txt"), frozenset({Format.DOC})),
    ("catdoc", _to_text("-d", "utf-8", "-w"), _BOTH),
)
