"""Calendar documents built at test time: vacation orders and КУГ in every format the roadmap importer reads.

A document is a list of lines; a line holding tabs is a table row (cells
separated by tabs), any other a paragraph. `write_text` writes it as the
tab-separated export the roadmap reader takes; `write_docx` as a real Word
file, each run of rows one table; `write_pdf`, `write_html`, `write_xlsx`,
`write_ods` and `write_odt` through the builders the roadmap tests use
(`document_fixtures`: fpdf2 with the DejaVu subset, an HTML page inside a
site's layout table, openpyxl and odfpy with paragraphs in column A, odfpy
text with real tables). All go through `read_blocks` and must read the same.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import docx

from tests import document_fixtures

Lines = Sequence[str]
T = TypeVar("T")


def write_text(path: Path, lines: Lines) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_docx(path: Path, lines: Lines) -> Path:
    document = docx.Document()
    rows: list[list[str]] = []
    for line in [*lines, ""]:
        if "\t" in line:
            rows.append(line.split("\t"))
            continue
        if rows:
            width = max(len(row) for row in rows)
            table = document.add_table(rows=0, cols=width)
            for row in rows:
                cells = table.add_row().cells
                for cell, text in zip(cells, row, strict=False):
                    cell.text = text
            rows = []
        if line:
            document.add_paragraph(line)
    document.save(str(path))
    return path


def write_pdf(path: Path, lines: Lines, *, blank_lines_before_table: int = 0) -> Path:
    """A landscape PDF; blank lines before the first table move it down, so that it breaks across a page
    (the writer repeats the header on the next page, as a word processor does)."""
    parts = _from_text(lines, document_fixtures.seed_parts)
    first_table = next(index for index, part in enumerate(parts) if isinstance(part, document_fixtures.TableLayout))
    return document_fixtures.write_pdf([*parts[:first_table], *[""] * blank_lines_before_table, *parts[first_table:]], path)


def write_html(path: Path, lines: Lines) -> Path:
    return _from_text(lines, lambda source: document_fixtures.build_html(source, path))


def write_xlsx(path: Path, lines: Lines) -> Path:
    return _from_text(lines, lambda source: document_fixtures.build_xlsx(source, path))


def write_ods(path: Path, lines: Lines) -> Path:
    return _from_text(lines, lambda source: document_fixtures.build_ods(source, path))


def write_odt(path: Path, lines: Lines) -> Path:
    return _from_text(lines, lambda source: document_fixtures.build_odt(source, path))


def _from_text(lines: Lines, build: Callable[[Path], T]) -> T:
    """What a builder of `document_fixtures` makes of the lines, given to it as the text export it reads."""
    with tempfile.TemporaryDirectory() as folder:
        return build(write_text(Path(folder) / "source.txt", lines))


REGION_ORDER = (
    "Распоряжение комитета общего и профессионального образования Ленинградской области",
    "от 15.08.2026 № 1234-р",
    "О сроках каникул в 2026-2027 учебном году",
    "Тип каникул\tПериод\tКоличество календарных дней",
    "Осенние\tс 24 октября 2026 года (суббота) по 1 ноября 2026 года (воскресенье)\t9",
    "Зимние\t31.12.2026 – 10.01.2027\t11",
    "Дополнительные каникулы для 1-х классов\tс 15.02.2027 (понедельник) по 21.02.2027 (воскресенье)\t7",
    "Весенние\tс 27 марта 2027 года (суббота) по 4 апреля 2027 года (воскресенье)\t9",
    "Осенние 7М,С и 8М,С классы\tс 25 октября 2026 года (воскресенье) по 1 ноября 2026 года (воскресенье)\t8",
    "Летние\tс 27 мая 2027 г.\t",
    "",
    "Окончание учебного года: 1–8, 10 классы — 26 мая 2027 г.; 9, 11 классы (выпускные классы) — 19 мая 2027 г.",
    "Промежуточная аттестация проводится с 15.04.2027 по 15.05.2027.",
)
"""A regional vacation order for 2026-2027: groups by grade and by class, the first graders' week, the exam grades' day."""

SCHOOL_KUG = (
    "Календарный учебный график МАОУ «СОШ № 7» на 2026-2027 учебный год",
    "Начало учебного года: 1 сентября 2026 г.",
    "Учебный период\tНачало\tОкончание\tКоличество учебных недель\tКоличество учебных дней",
    "I четверть\t01.09.2026\t23.10.2026\t8\t39",
    "II четверть\t02.11.2026\t29.12.2026\t8\t41",
    "III четверть\t11.01.2027\t19.03.2027\t10\t48",
    "IV четверть\t29.03.2027\t26.05.2027\t9\t41",
    "Итого\t\t\t35\t169",
    "Для 10–11 классов",
    "1 полугодие\t01.09.2026\t29.12.2026\t16\t80",
    "2 полугодие\t11.01.2027\t26.05.2027\t19\t89",
    "Продолжительность каникул",
    "Каникулы\tСроки\tДней",
    "Осенние каникулы\t24.10.2026 – 01.11.2026\t9 дней",
    "Зимние каникулы\t30.12.2026 – 10.01.2027\t12 дней",
    "Дополнительные каникулы (для обучающихся 1-х классов)\t15.02.2027 – 21.02.2027\t7 дней",
    "Весенние каникулы\t20.03.2027 – 28.03.2027\t9 дней",
    "Окончание учебного года для 9-х и 11-х классов — 21 мая 2027 г.",
)
"""A school's КУГ for 2026-2027: quarters with weeks and days, half-years for 10–11, vacations, the exam grades' day."""

MODULAR_KUG = (
    "Календарный учебный график ГБОУ «Школа № 1500» (модульный учебный год) на 2026-2027 учебный год",
    "Период\tНачало\tОкончание",
    "1 модуль\t01.09.2026\t02.10.2026",
    "Каникулы\t03.10.2026\t11.10.2026",
    "2 модуль\t12.10.2026\t13.11.2026",
    "Каникулы\t14.11.2026\t22.11.2026",
    "3 модуль\t23.11.2026\t30.12.2026",
    "Каникулы\t31.12.2026\t10.01.2027",
    "4 модуль\t11.01.2027\t12.02.2027",
    "Каникулы\t13.02.2027\t21.02.2027",
    "5 модуль\t22.02.2027\t02.04.2027",
    "Каникулы\t03.04.2027\t11.04.2027",
    "6 модуль\t12.04.2027\t26.05.2027",
)
"""Five or six weeks of study, then a nine-day break: the modular year as a school writes it."""

TRIMESTER_KUG = (
    "Календарный учебный график (триместры) на 2026-2027 учебный год",
    "Триместр\tСроки\tКоличество учебных недель",
    "I триместр\t01.09.2026 – 27.11.2026\t11",
    "II триместр\t30.11.2026 – 26.02.2027\t11",
    "III триместр\t01.03.2027 – 26.05.2027\t12",
    "Каникулы\tСроки\tКоличество дней",
    "Осенние каникулы\tс 03.10.2026 (суббота) по 11.10.2026 (воскресенье)\t9",
    "Осенние каникулы\tс 07.11.2026 (суббота) по 15.11.2026 (воскресенье)\t9",
    "Зимние каникулы\tс 31.12.2026 по 10.01.2027\t11",
    "Зимние каникулы\tс 13.02.2027 по 21.02.2027\t9",
    "Весенние каникулы\tс 10.04.2027 по 18.04.2027\t9",
)
"""Trimesters holding their breaks (two in autumn, two in winter): the trimester region's calendar."""
