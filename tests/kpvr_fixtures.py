"""A school's calendar plan of upbringing work (КПВР) as Word makes it: un-numbered, with module rows.

The standard layout: a header «Дела, события, мероприятия | Классы | Сроки |
Ответственные», then for each module a row merged across the table
(«Модуль «Классное руководство»»), or written alone in its first cell, and
the module's activities under it. One cell lists two numbered activities
with their executors numbered the same way; pupils and parents appear among
the executors; one module row is not merged, only alone in its first cell.
"""

from __future__ import annotations

from pathlib import Path

import docx

HEADER = ["Дела, события, мероприятия", "Классы", "Сроки", "Ответственные"]
# (module, merged across the row?) or an activity row.
ROWS: list[tuple[str, bool] | list[str]] = [
    ("Модуль «Классное руководство»", True),
    ["Классный час «Россия – мои горизонты»", "6-11", "еженедельно по четвергам", "Кл. руководители"],
    ["Родительское собрание «Профессии будущего»", "все", "I четверть", "Классные руководители, родители (законные представители)"],
    ("Модуль «Профориентация»", False),
    [
        "1. Экскурсия на предприятие «Северсталь» 2. Встреча с выпускниками колледжа",
        "8–11",
        "в период осенних каникул",
        "1. Педагог-навигатор 2. Зам. директора по ВР",
    ],
    ["Профессиональные пробы в колледже", "9, 10", "с 14 по 18 октября 2024 г.", "Педагог организатор, обучающиеся 9-10 классов"],
    ("Модуль «Основные школьные дела»", True),
    ["Ярмарка профессий", "5-9 кл.", "14 марта 2025 г. (пятница)", "Заместитель директора по воспитательной работе Педагог-организатор"],
]
# The items the plan holds: (section, title, grades, deadline, executors, participants).
ITEMS = [
    ("Модуль «Классное руководство»", "Классный час «Россия – мои горизонты»", (6, 7, 8, 9, 10, 11),
     "еженедельно по четвергам", ("Классные руководители",), ()),
    ("Модуль «Классное руководство»", "Родительское собрание «Профессии будущего»", tuple(range(1, 12)),
     "I четверть", ("Классные руководители",), ("Родители (законные представители)",)),
    ("Модуль «Профориентация»", "Экскурсия на предприятие «Северсталь»", (8, 9, 10, 11),
     "в период осенних каникул", ("Педагог-навигатор",), ()),
    ("Модуль «Профориентация»", "Встреча с выпускниками колледжа", (8, 9, 10, 11),
     "в период осенних каникул", ("Заместитель директора по ВР",), ()),
    ("Модуль «Профориентация»", "Профессиональные пробы в колледже", (9, 10),
     "с 14 по 18 октября 2024 г.", ("Педагог-организатор",), ("Обучающиеся 9-10 классов",)),
    ("Модуль «Основные школьные дела»", "Ярмарка профессий", (5, 6, 7, 8, 9),
     "14 марта 2025 г. (пятница)", ("Заместитель директора по ВР", "Педагог-организатор"), ()),
]  # fmt: skip
TITLE = "Календарный план воспитательной работы МБОУ «СОШ № 7» на 2024-2025 учебный год"


def build_kpvr_docx(target: Path) -> Path:
    document = docx.Document()
    document.add_paragraph("УТВЕРЖДАЮ")
    document.add_paragraph("Директор МБОУ «СОШ № 7»")
    document.add_paragraph("")
    document.add_paragraph(TITLE)
    table = document.add_table(rows=1, cols=len(HEADER))
    for column, text in enumerate(HEADER):
        table.cell(0, column).text = text
    for row in ROWS:
        cells = table.add_row().cells
        if isinstance(row, tuple):
            module, merged = row
            (cells[0].merge(cells[-1]) if merged else cells[0]).text = module
            continue
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
    document.save(str(target))
    return target
