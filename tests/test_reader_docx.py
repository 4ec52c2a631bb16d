"""Word files read to the same items as the .txt exports of the same orders."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import docx
import pytest
from docx_fixtures import build_docx

from roadmaps.document import RawItem, RoadmapDocument
from roadmaps.errors import RoadmapError
from roadmaps.reader import read_document

SEEDS = Path(__file__).resolve().parents[1] / "data" / "roadmaps"
SEED_NAMES = sorted(path.name for path in SEEDS.glob("*.txt"))
METADATA = (
    "issuer", "number", "date", "title", "period_text", "school_year",
    "period_start", "period_end", "controller", "region", "columns",
)


def without_lines(items: list[RawItem]) -> list[RawItem]:
    """Items compared across formats: a .txt line and a Word row index differ by nature."""
    return [dataclasses.replace(item, source_line=0) for item in items]


def masked(warnings: list[str]) -> list[str]:
    return [re.sub(r"\d+", "#", warning) for warning in warnings]


@pytest.fixture(scope="module")
def pairs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[RoadmapDocument, RoadmapDocument]]:
    folder = tmp_path_factory.mktemp("docx")
    return {
        name: (
            read_document(SEEDS / name),
            read_document(build_docx(SEEDS / name, folder / name.replace(".txt", ".docx"))),
        )
        for name in SEED_NAMES
    }


@pytest.mark.parametrize("name", SEED_NAMES)
def test_docx_reads_to_the_same_items_as_txt(pairs: dict, name: str) -> None:
    text, word = pairs[name]
    assert len(SEED_NAMES) == 5
    assert word.source_name == name.replace(".txt", ".docx")
    assert without_lines(word.items) == without_lines(text.items)
    assert [dataclasses.replace(i, source_line=0) for i in word.indicators] == [
        dataclasses.replace(i, source_line=0) for i in text.indicators
    ]
    assert {field: getattr(word, field) for field in METADATA} == {field: getattr(text, field) for field in METADATA}
    assert masked(word.warnings) == masked(text.warnings)


def test_docx_row_index_is_the_source_line(pairs: dict) -> None:
    _, word = pairs["004_9f6604149370e965.txt"]
    # Row 1 is the header; 1.1 is the third row, after section "1".
    assert [item.source_line for item in word.items[:2]] == [3, 4]


def test_docx_truncated_row_is_reported(pairs: dict) -> None:
    _, word = pairs["004_9f6604149370e965.txt"]
    assert len(word.warnings) == 1 and "4 из 5" in word.warnings[0]


def write_table(path: Path, header: list[str], rows: list[list[str]]) -> docx.document.Document:
    document = docx.Document()
    document.add_paragraph("План мероприятий на 2024 год")
    table = document.add_table(rows=1 + len(rows), cols=len(header))
    for column, text in enumerate(header):
        table.cell(0, column).text = text
    for row, values in enumerate(rows, 1):
        for column, text in enumerate(values):
            table.cell(row, column).text = text
    document.save(str(path))
    return document


def test_vertically_merged_deadline_applies_to_every_row(tmp_path: Path) -> None:
    path = tmp_path / "merged.docx"
    document = docx.Document()
    table = document.add_table(rows=3, cols=4)
    for column, text in enumerate(["№ п/п", "Мероприятие", "Срок\nисполнения", "ОТВЕТСТВЕННЫЙ ИСПОЛНИТЕЛЬ"]):
        table.cell(0, column).text = text
    table.cell(1, 0).text, table.cell(1, 1).text, table.cell(1, 3).text = "1", "Совещание", "Комитет"
    table.cell(2, 0).text, table.cell(2, 1).text, table.cell(2, 3).text = "2", "Семинар", "ЛОИРО"
    table.cell(1, 2).merge(table.cell(2, 2)).text = "В течение года"
    document.save(str(path))
    first, second = read_document(path).items
    assert (first.number, first.deadline_text) == ("1", "В течение года")
    assert (second.number, second.deadline_text, second.executors_text) == ("2", "В течение года", "ЛОИРО")


def test_vertically_merged_number_does_not_number_the_sub_rows(tmp_path: Path) -> None:
    path = tmp_path / "sub_rows.docx"
    document = docx.Document()
    table = document.add_table(rows=3, cols=3)
    for column, text in enumerate(["№", "Наименование мероприятия", "Сроки"]):
        table.cell(0, column).text = text
    table.cell(1, 0).merge(table.cell(2, 0)).text = "5.2.6"
    table.cell(1, 1).text, table.cell(1, 2).text = "Муниципальные мероприятия", "В течение года"
    table.cell(2, 1).text, table.cell(2, 2).text = "Конкурс «Я выбираю»", "Ноябрь"
    document.save(str(path))
    head, sub_row = read_document(path).items
    assert (head.number, head.parent_number) == ("5.2.6", None)
    assert (sub_row.number, sub_row.parent_number, sub_row.title, sub_row.deadline_text) == (
        None, "5.2.6", "Конкурс «Я выбираю»", "Ноябрь",
    )


def test_heading_spanning_the_row_is_a_section(tmp_path: Path) -> None:
    path = tmp_path / "sections.docx"
    document = docx.Document()
    table = document.add_table(rows=3, cols=3)
    for column, text in enumerate(["№", "Мероприятие", "Срок"]):
        table.cell(0, column).text = text
    table.cell(1, 0).merge(table.cell(1, 2)).text = "Раздел I. Организационные мероприятия"
    for column, text in enumerate(["1", "Совещание", "Май"]):
        table.cell(2, column).text = text
    document.save(str(path))
    (item,) = read_document(path).items
    assert item.section == "Раздел I. Организационные мероприятия"
    assert (item.number, item.title, item.deadline_text) == ("1", "Совещание", "Май")


def test_docx_without_table(tmp_path: Path) -> None:
    path = tmp_path / "letter.docx"
    document = docx.Document()
    document.add_paragraph("Письмо без таблицы")
    document.save(str(path))
    with pytest.raises(RoadmapError, match="letter.docx.*не найдена таблица мероприятий"):
        read_document(path)


def test_damaged_docx(tmp_path: Path) -> None:
    path = tmp_path / "damaged.docx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(RoadmapError) as caught:
        read_document(path)
    message = str(caught.value)
    assert "damaged.docx" in message and "\n" not in message and "Word" in message
