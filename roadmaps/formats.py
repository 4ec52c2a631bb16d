"""Which format a document is, told by its content, not its name.

Committees forward files renamed, saved under the wrong extension, or
downloaded as an HTML error page named ".pdf". The first bytes decide: a
PDF starts with "%PDF-", Word, Excel and OpenDocument files are ZIP
packages told apart by the parts they hold, legacy Word and Excel files are
OLE2 compound files told apart by their streams, RTF starts with "{\\rtf";
anything else is text, and text holding HTML markup is an HTML page. A name
that promises a binary format the content does not have (a text file named
".pdf") is refused with what the content really is.
"""

from __future__ import annotations

import zipfile
from enum import StrEnum
from pathlib import Path

from roadmaps.errors import RoadmapError

_SNIFF_BYTES = 64 * 1024
_OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_ODF_MIMETYPES = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
}
_HTML_MARKERS = (b"<!doctype html", b"<html", b"<table", b"<body")


class Format(StrEnum):
    """A document format profplan knows, with its Russian name and the extensions it is saved with."""

    TEXT = "text"
    DOCX = "docx"
    PDF = "pdf"
    XLSX = "xlsx"
    ODS = "ods"
    ODT = "odt"
    HTML = "html"
    DOC = "doc"
    XLS = "xls"
    RTF = "rtf"

    @property
    def label(self) -> str:
        return _TITLES[self]

    @property
    def binary(self) -> bool:
        return self not in (Format.TEXT, Format.HTML)


_TITLES = {
    Format.TEXT: "текст (.txt)",
    Format.DOCX: "документ Word (.docx)",
    Format.PDF: "PDF",
    Format.XLSX: "таблица Excel (.xlsx)",
    Format.ODS: "таблица OpenDocument (.ods)",
    Format.ODT: "документ OpenDocument (.odt)",
    Format.HTML: "HTML-страница",
    Format.DOC: "документ Word 97–2003 (.doc)",
    Format.XLS: "таблица Excel 97–2003 (.xls)",
    Format.RTF: "документ RTF (.rtf)",
}
_BY_EXTENSION = {
    ".txt": Format.TEXT, ".text": Format.TEXT, ".csv": Format.TEXT, ".docx": Format.DOCX, ".pdf": Format.PDF,
    ".xlsx": Format.XLSX, ".xlsm": Format.XLSX, ".ods": Format.ODS, ".odt": Format.ODT, ".html": Format.HTML,
    ".htm": Format.HTML, ".doc": Format.DOC, ".xls": Format.XLS, ".rtf": Format.RTF,
}  # fmt: skip


def detect_format(path: Path) -> Format:
    """The document's format from its content; RoadmapError for a missing, empty or mislabelled file."""
    try:
        with path.open("rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except FileNotFoundError:
        raise RoadmapError(f"Не удалось прочитать файл «{path.name}»: файл не найден.") from None
    except OSError as error:
        raise RoadmapError(f"Не удалось прочитать файл «{path.name}»: {error.strerror or error}.") from error
    if not head.strip():
        raise RoadmapError(f"Файл «{path.name}» пуст.")
    claimed = _BY_EXTENSION.get(path.suffix.lower())
    found = _sniff(path, head, claimed)
    if claimed is not None and claimed.binary and not found.binary:
        raise RoadmapError(
            f"Файл «{path.name}» — не {claimed.label}: внутри {'HTML-страница' if found is Format.HTML else 'обычный текст'}. "
            "Возможно, файл скачался не полностью или вместо документа сохранилась веб-страница; скачайте его заново."
        )
    return found


def _sniff(path: Path, head: bytes, claimed: Format | None) -> Format:
    if b"%PDF-" in head[:1024]:
        return Format.PDF
    if head.startswith(b"PK\x03\x04"):
        return _package_format(path, claimed)
    if head.startswith(_OLE2_MAGIC):
        return Format.XLS if _utf16(b"Workbook") in head or _utf16(b"Book") in head else Format.DOC
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{\\rtf"):
        return Format.RTF
    lowered = head.lower()
    if any(marker in lowered for marker in _HTML_MARKERS) and b"</" in lowered:
        return Format.HTML
    return Format.TEXT


def _package_format(path: Path, claimed: Format | None) -> Format:
    """A ZIP package: Word and Excel by their main part, OpenDocument by its mimetype entry."""
    try:
        with zipfile.ZipFile(path) as package:
            names = set(package.namelist())
            if "word/document.xml" in names:
                return Format.DOCX
            if "xl/workbook.xml" in names:
                return Format.XLSX
            if "mimetype" in names:
                mimetype = package.read("mimetype").decode("ascii", "replace").strip()
                if mimetype in _ODF_MIMETYPES:
                    return Format(_ODF_MIMETYPES[mimetype])
    except (zipfile.BadZipFile, OSError, KeyError) as error:
        what = claimed.label if claimed is not None and claimed.binary else "документ"
        raise RoadmapError(f"Файл «{path.name}» повреждён: {what} не читается как архив ({error}).") from error
    raise RoadmapError(
        f"Файл «{path.name}» — архив ZIP, но не документ Word, Excel или OpenDocument. "
        "Распакуйте его и загрузите сам документ."
    )


def _utf16(name: bytes) -> bytes:
    """A stream name as OLE2 directories store it (UTF-16 LE)."""
    return b"".join(bytes((char, 0)) for char in name)
