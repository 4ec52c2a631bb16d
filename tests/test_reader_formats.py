"""Every format a committee is sent, built with the real libraries from the seeds, reads to the seeds' items.

PDF and HTML do not keep whitespace as typed (a PDF holds positioned words,
a browser collapses spaces), so for them text is compared with whitespace
collapsed and executor cells by the executors they name; every other field,
the metadata and the warnings are compared exactly. Spreadsheets and ODF
documents keep the text as typed and are compared exactly.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import stat
from collections.abc import Callable
from pathlib import Path

import pdfplumber
import pytest
from document_fixtures import build_flattened, build_html, build_ods, build_odt, build_pdf, build_xlsx
from docx_fixtures import build_docx

from roadmaps.document import RawItem
from roadmaps.errors import RoadmapError
from roadmaps.executors import split_executors
from roadmaps.formats import Format, detect_format
from roadmaps.reader import read_blocks, read_document
from roadmaps.table import SourceRow, read_tables

SEEDS = Path(__file__).resolve().parents[1] / "data" / "roadmaps"
SEED_PATHS = sorted(SEEDS.glob("*.txt"))
METADATA = (
    "issuer", "number", "date", "title", "period_text", "school_year",
    "period_start", "period_end", "controller", "region", "columns",
)  # fmt: skip
BUILDERS: dict[str, Callable[[Path, Path], Path]] = {
    "pdf": build_pdf, "xlsx": build_xlsx, "ods": build_ods, "odt": build_odt, "html": build_html,
}  # fmt: skip
LOOSE_WHITESPACE = {"pdf", "html"}


def _collapsed(text: str | None) -> str | None:
    return re.sub(r"\s+", " ", text).strip() if text is not None else None


def comparable(item: RawItem, loose: bool) -> RawItem:
    """An item as two formats of one document must agree on it (source lines differ by nature)."""
    item = dataclasses.replace(item, source_line=0)
    if not loose:
        return item
    return dataclasses.replace(
        item,
        title=_collapsed(item.title) or "",
        deadline_text=_collapsed(item.deadline_text) or "",
        executors_text="; ".join(split_executors(item.executors_text)),
        result_text=_collapsed(item.result_text),
        extra={label: _collapsed(text) or "" for label, text in item.extra.items()},
    )


def masked(warnings: list[str]) -> list[str]:
    return [re.sub(r"\d+", "#", warning) for warning in warnings]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    folder = tmp_path_factory.mktemp("formats")
    return {
        (kind, seed.stem[:3]): build(seed, folder / f"{seed.stem}.{kind}")
        for kind, build in BUILDERS.items()
        for seed in SEED_PATHS
    }


@pytest.mark.parametrize("kind", sorted(BUILDERS))
@pytest.mark.parametrize("seed", SEED_PATHS, ids=lambda path: path.name[:3])
def test_every_format_reads_to_the_seed_items_row_by_row(built: dict, kind: str, seed: Path) -> None:
    text = read_document(seed)
    other = read_document(built[(kind, seed.stem[:3])])
    loose = kind in LOOSE_WHITESPACE
    assert len(other.items) == len(text.items)
    for ours, theirs in zip(other.items, text.items, strict=True):
        assert comparable(ours, loose) == comparable(theirs, loose)
    assert [comparable(i, loose) for i in other.items] == [comparable(i, loose) for i in text.items]
    assert {f: getattr(other, f) for f in METADATA} == {f: getattr(text, f) for f in METADATA}
    assert masked(other.warnings) == masked(text.warnings)
    assert len(other.indicators) == len(text.indicators)


def test_the_pdf_breaks_rows_across_pages_and_repeats_its_header(built: dict) -> None:
    """003 as a PDF: many pages, the header row on each, continuation rows at the page tops, all stitched."""
    path = built[("pdf", "003")]
    with pdfplumber.open(str(path)) as pdf:
        pages = len(pdf.pages)
    blocks = read_blocks(path)
    rows = [block for block in blocks if isinstance(block, SourceRow)]
    headers = [row for row in rows if row.cells and row.cells[0] and row.cells[0][0].startswith("№")]
    continuations = [row for row in rows if not row.cells[0] and any(row.cells[1:])]
    assert pages >= 5 and len(headers) >= pages - 1
    assert continuations, "a row broken by a page continues on the next one with an empty number cell"
    items = read_tables(blocks, path.name).items
    item = next(i for i in items if i.number == "1.3.2")
    assert item.extra["Документы для ознакомления и учёта при планировании"].endswith("стр. 41")
    assert len(items) == 46


def test_a_pdf_without_text_is_a_scan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fpdf import FPDF

    monkeypatch.setenv("PATH", str(tmp_path))  # no ocrmypdf
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 60, style="F")  # a page image, no text layer
    path = tmp_path / "скан.pdf"
    pdf.output(str(path))
    with pytest.raises(RoadmapError) as caught:
        read_document(path)
    message = str(caught.value)
    assert "«скан.pdf»" in message and "скан без текстового слоя" in message and "ocrmypdf" in message and "\n" not in message


def test_a_scan_gets_a_text_layer_when_ocrmypdf_is_installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, built: dict) -> None:
    """The OCR step is wired as ocrmypdf is called: `ocrmypdf -l rus … INPUT OUTPUT`; a stand-in writes the text PDF."""
    from fpdf import FPDF

    text_pdf = built[("pdf", "000")]
    stand_in = tmp_path / "ocrmypdf"
    stand_in.write_text(f'#!/bin/sh\n[ "$2" = rus ] || exit 3\nfor last; do :; done\ncp "{text_pdf}" "$last"\n', encoding="utf-8")
    stand_in.chmod(stand_in.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 60, style="F")
    scan = tmp_path / "scan.pdf"
    pdf.output(str(scan))
    assert len(read_document(scan).items) == 44


def test_format_is_told_by_content_not_by_name(tmp_path: Path, built: dict) -> None:
    word = build_docx(SEED_PATHS[0], tmp_path / "plan.docx")
    renamed = tmp_path / "plan.pdf"
    shutil.copy(word, renamed)
    assert detect_format(renamed) is Format.DOCX
    assert len(read_document(renamed).items) == 44
    sheet = tmp_path / "plan.txt"
    shutil.copy(built[("xlsx", "001")], sheet)
    assert detect_format(sheet) is Format.XLSX and len(read_document(sheet).items) == 34


@pytest.mark.parametrize(
    ("content", "inside"),
    [(b"<html><body><h1>404 Not Found</h1></body></html>", "HTML-страница"), ("Просто текст".encode(), "обычный текст")],
)
def test_a_fake_pdf_is_refused_as_not_a_pdf(tmp_path: Path, content: bytes, inside: str) -> None:
    path = tmp_path / "plan.pdf"
    path.write_bytes(content)
    with pytest.raises(RoadmapError) as caught:
        read_blocks(path)
    message = str(caught.value)
    assert message.startswith("Файл «plan.pdf» — не PDF") and inside in message and "\n" not in message


def test_an_empty_file_and_a_foreign_zip_are_refused(tmp_path: Path) -> None:
    import zipfile

    empty = tmp_path / "plan.docx"
    empty.write_bytes(b"")
    with pytest.raises(RoadmapError, match="«plan.docx» пуст"):
        read_blocks(empty)
    archive = tmp_path / "plans.zip"
    with zipfile.ZipFile(archive, "w") as package:
        package.writestr("plan.txt", "x")
    with pytest.raises(RoadmapError, match="архив ZIP, но не документ"):
        read_blocks(archive)


def test_legacy_excel_says_how_to_save_it(tmp_path: Path) -> None:
    path = tmp_path / "plan.xls"
    path.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + "Workbook".encode("utf-16-le") + b"\x00" * 64)
    with pytest.raises(RoadmapError, match=r"Excel 97–2003 \(\.xls\): сохраните её как \.xlsx"):
        read_blocks(path)


def test_legacy_word_is_read_through_libreoffice_when_installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`soffice --headless --convert-to docx --outdir DIR FILE` is how LibreOffice converts; a stand-in plays it."""
    word = build_docx(SEED_PATHS[4], tmp_path / "converted.docx")
    stand_in = tmp_path / "soffice"
    stand_in.write_text(
        '#!/bin/sh\n[ "$1" = --headless ] && [ "$3" = docx ] || exit 3\n'
        f'name=$(basename "$6"); cp "{word}" "$5/${{name%.*}}.docx"\n',
        encoding="utf-8",
    )
    stand_in.chmod(stand_in.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    legacy = tmp_path / "plan.doc"
    legacy.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + "WordDocument".encode("utf-16-le") + b"\x00" * 64)
    assert len(read_document(legacy).items) == 40


@pytest.mark.parametrize("seed", SEED_PATHS[:4], ids=lambda path: path.name[:3])
def test_flattened_text_with_bar_separators_reads_like_tabs(tmp_path: Path, seed: Path) -> None:
    flattened = build_flattened(seed, tmp_path / seed.name)
    assert [comparable(i, False) for i in read_document(flattened).items] == [comparable(i, False) for i in read_document(seed).items]


FLAT_PLAN = """План профориентационных мероприятий МБОУ «СОШ № 5» на 2024-2025 учебный год

№ п/п
Мероприятие
Сроки
Ответственные
1
Классный час «Профессии будущего»
сентябрь 2024
Классные руководители
2
Экскурсия на предприятие
октябрь 2024
Заместитель директора по ВР
II. Работа с родителями
3
Родительское собрание «Выбор профессии»,
посвящённое профминимуму
ноябрь 2024
Педагог-навигатор
"""
MARKDOWN_PLAN = """План профориентационных мероприятий МБОУ «СОШ № 5» на 2024-2025 учебный год

| № | Мероприятие | Сроки | Ответственные |
|---|---|---|---|
| 1 | Классный час «Профессии будущего» | сентябрь 2024 | Классные руководители |
| 2 | Экскурсия на предприятие | октябрь 2024 | Заместитель директора по ВР |
| II. Работа с родителями | | | |
| 3 | Родительское собрание «Выбор профессии», посвящённое профминимуму | ноябрь 2024 | Педагог-навигатор |
"""
FLAT_ITEMS = [
    ("1", None, "Классный час «Профессии будущего»", "сентябрь 2024", "Классные руководители"),
    ("2", None, "Экскурсия на предприятие", "октябрь 2024", "Заместитель директора по ВР"),
    ("3", "II Работа с родителями", "Родительское собрание «Выбор профессии», посвящённое профминимуму", "ноябрь 2024", "Педагог-навигатор"),
]


@pytest.mark.parametrize("content", [FLAT_PLAN, MARKDOWN_PLAN], ids=["cell-per-line", "markdown"])
def test_flattened_text_without_tabs(tmp_path: Path, content: str) -> None:
    path = tmp_path / "plan.txt"
    path.write_text(content, encoding="utf-8")
    document = read_document(path)
    assert [(i.number, i.section, i.title, i.deadline_text, i.executors_text) for i in document.items] == FLAT_ITEMS
    assert document.title and document.title.startswith("План профориентационных мероприятий")


def test_seed_formats_cover_every_builder(built: dict) -> None:
    assert {kind for kind, _ in built} == set(BUILDERS)
    assert {detect_format(path) for path in built.values()} == {Format.PDF, Format.XLSX, Format.ODS, Format.ODT, Format.HTML}



def test_an_unrecognised_header_names_the_columns_found_and_the_ones_expected(tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    path.write_text("План\n\nЧто делаем\tКогда-нибудь потом\tКто\nЭкскурсия\tоктябрь\tшкола\n", encoding="utf-8")
    with pytest.raises(RoadmapError) as caught:
        read_document(path)
    message = str(caught.value)
    assert "столбцы первой таблицы: «Что делаем», «Когда-нибудь потом», «Кто»" in message
    assert "«Мероприятие»" in message and "«Сроки»" in message and "headers.toml" in message and "\n" not in message


def test_a_new_header_wording_is_added_in_the_data_file_not_the_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    shutil.copytree(SEEDS.parent, data)
    headers = data / "vocabulary" / "headers.toml"
    text = headers.read_text(encoding="utf-8").replace('starts = ["срок", ', 'starts = ["когда-нибудь", "срок", ', 1)
    headers.write_text(text.replace('starts = ["наименование", ', 'starts = ["что делаем", "наименование", ', 1), encoding="utf-8")
    path = tmp_path / "plan.txt"
    path.write_text("План\n\nЧто делаем\tКогда-нибудь потом\tКто\nЭкскурсия\tоктябрь 2023\tшкола\n", encoding="utf-8")
    monkeypatch.setenv("PROFPLAN_DATA_DIR", str(data))
    (item,) = read_document(path).items
    assert (item.title, item.deadline_text, item.extra) == ("Экскурсия", "октябрь 2023", {"Кто": "школа"})
