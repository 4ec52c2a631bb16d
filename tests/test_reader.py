"""Reading the five seed roadmaps (.txt) without losing a row, and the reader's errors.

Item counts and number lists below were made by hand, reading each seed line
by line (line numbers refer to the seed files), not by running the reader.
"""

from __future__ import annotations

import itertools
from datetime import date
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calendars.errors import ProfplanError
from calendars.school_year import SchoolYear
from roadmaps.document import RawItem, RoadmapDocument, Role
from roadmaps.errors import RoadmapError
from roadmaps.executors import split_executors
from roadmaps.reader import read_document

SEEDS = Path(__file__).resolve().parents[1] / "data" / "roadmaps"
S000 = "000_a5b718c3f457eac6.txt"
S001 = "001_e3bc991062043600.txt"
S002 = "002_f560057f5150190d.txt"
S003 = "003_95c3605fb32b2d2e.txt"
S004 = "004_9f6604149370e965.txt"


@cache
def seed(name: str) -> RoadmapDocument:
    return read_document(SEEDS / name)


def by_number(document: RoadmapDocument, number: str) -> RawItem:
    (item,) = [item for item in document.items if item.number == number]
    return item


# --- 000: Leningrad oblast, 2023/2024 -------------------------------------------
# Hand count: rows numbered "1." … "42." on lines 47-100; rows 5, 12, 25 and 30
# continue on lines 53, 62, 78, 85 (first cell empty) and are not rows of their
# own; "31." and "32." appear twice (lines 86-87 and 88-89): 42 + 2 = 44.
NUMBERS_000 = [str(n) for n in range(1, 33)] + ["31", "32"] + [str(n) for n in range(33, 43)]


def test_000_every_row_read_once_duplicates_kept() -> None:
    document = seed(S000)
    assert len(document.items) == 44
    assert [item.number for item in document.items] == NUMBERS_000
    assert [item.ordinal for item in document.items] == list(range(1, 45))
    assert all(item.section is None and item.section_path == () for item in document.items)
    duplicates = document.items[30:34]
    assert [item.number for item in duplicates] == ["31", "32", "31", "32"]
    assert duplicates[0].title.startswith("Подведение итогов реализации проекта «Билет в будущее»")
    assert duplicates[2].title.startswith("Сопровождение деятельности МОБУ «Центр образования «Кудрово»")
    assert [item.source_line for item in duplicates] == [86, 87, 88, 89]


def test_000_row_broken_at_page_break_is_joined() -> None:
    item = seed(S000).items[4]
    assert item.number == "5"
    assert item.source_line == 51
    assert item.title == (
        "Заключение договоров между образовательными организациями и предприятиями региона "
        "по реализации совместной деятельности по профориентации обучающихся"
    )
    assert item.deadline_text == "август 2023 г. -\nсентябрь 2023 г."
    assert split_executors(item.executors_text) == [
        "Органы местного самоуправления, осуществляющие управление в сфере образования",
        "Общеобразовательные организации",
    ]


def test_000_spot_checks() -> None:
    document = seed(S000)
    course = by_number(document, "17")
    assert course.title.startswith("Проведение курса занятий «Россия – мои горизонты»")
    assert course.deadline_text == "сентябрь 2023 г. – май 2024 г. (еженедельно по четвергам)"
    assert split_executors(course.executors_text) == ["Общеобразовательные организации"]

    championship = by_number(document, "25")
    assert championship.title == "Региональный чемпионат «ЮниорПрофи»"
    assert championship.deadline_text == "январь 2024 г. –\nмарт 2024 г."
    assert split_executors(championship.executors_text) == [
        "Комитет общего и профессионального образования Ленинградской области "
        "(сектор дополнительного образования, воспитания и детского отдыха)",
        "ГБУ ДО Центр «Интеллект»",
        "Органы местного самоуправления, осуществляющие управление в сфере образования",
    ]

    reflection = by_number(document, "30")
    assert reflection.title.endswith(
        "Формирование рекомендаций по построению индивидуального образовательного маршрута обучающихся."
    )
    assert reflection.deadline_text == "декабрь 2023 г."
    assert split_executors(reflection.executors_text) == [
        "Общеобразовательные организации, участвующие в проекте «Билет в будущее»"
    ]

    turnstiles = by_number(document, "36")
    assert turnstiles.title.endswith("в мероприятиях акции «Неделя без турникетов»")
    assert turnstiles.deadline_text == "октябрь 2023 г., апрель 2024 г."

    parents = by_number(document, "40")
    assert parents.deadline_text == "не реже 1 раза в четверть"
    assert parents.result_text is None and parents.extra == {}


def test_000_metadata() -> None:
    document = seed(S000)
    assert document.source_name == S000
    assert document.issuer == "Комитет общего и профессионального образования Ленинградской области"
    assert document.number == "2448-р"
    assert document.date == date(2023, 10, 9)
    assert document.title == (
        "Региональный план (дорожная карта) реализации профориентационных мероприятий "
        "в Ленинградской области в 2023-2024 учебном году"
    )
    assert document.period_text == "в 2023-2024 учебном году"
    assert document.school_year == SchoolYear.parse("2023-2024")
    assert (document.period_start, document.period_end) == (date(2023, 9, 1), date(2024, 8, 31))
    assert document.controller == "первого заместителя председателя комитета"
    assert document.region == "RU-LEN"
    assert document.columns == [Role.NUMBER, Role.TITLE, Role.DEADLINE, Role.EXECUTORS]
    assert document.indicators == []


def test_000_repeated_numbers_are_reported() -> None:
    warnings = seed(S000).warnings
    assert len(warnings) == 2
    assert "31" in warnings[0] and "86, 88" in warnings[0]
    assert "32" in warnings[1] and "87, 89" in warnings[1]


# --- 001: Leningrad oblast, until 2030 -----------------------------------------
# Hand count: section rows (title, no deadline) 1, 2, 3 (line 42, no tabs at
# all), 3.1, 3.2, 3.3, 3.4, 4, 5, 6 are not items. Items: 1.1-1.3 (3),
# 2.1-2.3 (3), 3.1.1-3.1.5 (5), 3.2.1-3.2.4 (4), 3.3.1-3.3.7 (7), 3.4.1-3.4.2 (2),
# 4.1 (1), 5.1-5.6 (6), 6.1-6.3 (3) = 34. Lines 38, 48, 56 and 78 continue
# rows 2.1, 3.1.2, 3.2.2 and 5.2.
NUMBERS_001 = (
    ["1.1", "1.2", "1.3", "2.1", "2.2", "2.3"]
    + [f"3.1.{n}" for n in range(1, 6)]
    + [f"3.2.{n}" for n in range(1, 5)]
    + [f"3.3.{n}" for n in range(1, 8)]
    + ["3.4.1", "3.4.2", "4.1"]
    + [f"5.{n}" for n in range(1, 7)]
    + ["6.1", "6.2", "6.3"]
)
SECTION_3 = "3 Формирование региональной модели профессиональной ориентации детей и молодежи и механизмов ее реализации"
SECTION_3_1 = (
    "3.1 Создание комплексной инфраструктуры, обеспечивающей организацию и проведение "
    "профориентационной работы с обучающимися"
)


def test_001_items_and_sections() -> None:
    document = seed(S001)
    assert len(document.items) == 34
    assert [item.number for item in document.items] == NUMBERS_001
    assert by_number(document, "1.1").section_path == (
        "1 Нормативно-правовое обеспечение реализации региональной концепции развития "
        "профориентационной работы с обучающимися Ленинградской области на период до 2030 года",
    )
    creation = by_number(document, "3.1.1")
    assert creation.section_path == (SECTION_3, SECTION_3_1)
    assert creation.section == SECTION_3_1
    assert creation.deadline_text == "Создание: 4 квартал 2020 г. Организация работы: постоянно"
    assert split_executors(creation.executors_text) == [
        "Комитет общего и профессионального образования Ленинградской области",
        "ГАОУ ДПО «Ленинградский областной институт развития образования»",
        "Образовательные организации Ленинградской области",
    ]
    assert by_number(document, "3.2.1").section_path == (
        SECTION_3,
        "3.2 Формирование эффективных механизмов взаимодействия субъектов профориентационной работы",
    )
    assert by_number(document, "4.1").section_path == (
        "4 Формирование эффективной системы информирования о меняющемся мире профессий",
    )
    assert all(item.parent_number is None for item in document.items)


def test_001_continuations_and_markup() -> None:
    document = seed(S001)
    analysis = by_number(document, "2.1")
    assert analysis.title.endswith(
        "тенденций социально-экономического развития Ленинградской области. "
        "Подготовка методических рекомендаций по итогам анализа"
    )
    assert analysis.deadline_text == "Ежегодно, 4 квартал 2020-2030 г.г."
    assert by_number(document, "3.1.2").title.endswith("занимающихся профориентационной работой с обучающимися")
    assert by_number(document, "3.2.2").title.endswith("в области профессиональной ориентации обучающихся")
    measures = by_number(document, "5.2")
    assert measures.title.startswith("Реализация мер, направленных на увеличение информированности детей-инвалидов")
    assert measures.title.endswith("информации об обеспечении возможности получения образования лицами с ОВЗ, в том числе инвалидами")
    assert "<" not in measures.title
    assert by_number(document, "6.1").deadline_text == "Разработка: 1 полугодие 2020 г. Апробация: 2020-2021 г.г."
    assert by_number(document, "6.3").deadline_text == "Ежегодно, 1 квартал,"
    assert split_executors(by_number(document, "2.2").executors_text) == [
        "Комитет общего и профессионального образования Ленинградской области",
        "ГАОУ ДПО «Ленинградский областной институт развития образования»",
        "Муниципальные органы, осуществляющие управление в сфере образования",
        "Образовательные организации Ленинградской области",
    ]


def test_001_metadata() -> None:
    document = seed(S001)
    assert document.issuer == "Комитет общего и профессионального образования Ленинградской области"
    assert document.number == "1302-б"
    assert document.date == date(2020, 7, 27)
    assert document.title is not None and document.title.startswith("План мероприятий («дорожная карта»)")
    assert document.period_text == "на период до 2030 года"
    assert document.school_year is None
    assert (document.period_start, document.period_end) == (None, date(2030, 12, 31))
    # "Контроль … оставляю за собой": the signer.
    assert document.controller == "А.С. Огарков, заместитель председателя комитета"
    assert document.region == "RU-LEN"
    assert document.warnings == []


# --- 002: Kaliningrad, 2023-2025, executor before deadline, indicators ---------
# Hand count: section rows 1.-12. (title fused into the number cell) are not
# items. Items: 1.1-1.5 (5), 2.1-2.7 (7), 3.1-3.4 (4), 4.1-4.10 (10), 5.1-5.4 (4),
# 6.1-6.5 (5), 7.1-7.2 (2), 8.1-8.2 (2), 9.1-9.4 (4), 10.1-10.3 (3), 11.1-11.2 (2),
# 12.1-12.4 (4) = 52. Lines 56, 66, 76, 95, 114 continue 1.5, 2.7, 4.2, 6.2, 10.1.
# Indicators (second table, lines 129-148): one per "Количество …" cell: lines
# 131, 132, 133, 134, 135, 136, 137, 138, 140-148 = 17; the lone "единиц" on
# line 130 is the unit of the first one.
SIZES_002 = {1: 5, 2: 7, 3: 4, 4: 10, 5: 4, 6: 5, 7: 2, 8: 2, 9: 4, 10: 3, 11: 2, 12: 4}
NUMBERS_002 = [f"{section}.{n}" for section, size in SIZES_002.items() for n in range(1, size + 1)]


def test_002_items_with_executor_before_deadline() -> None:
    document = seed(S002)
    assert document.columns == [Role.NUMBER, Role.TITLE, Role.EXECUTORS, Role.DEADLINE, Role.RESULT]
    assert len(document.items) == 52
    assert [item.number for item in document.items] == NUMBERS_002
    session = by_number(document, "1.5")
    assert session.title == (
        "Проведение стратегической сессии для кураторов профориентационной работы общеобразовательных учреждений"
    )
    assert session.deadline_text == "Ежегодно"
    assert split_executors(session.executors_text) == ["МАУ Методический центр"]
    assert session.result_text == "Обмен опытом, популяризация лучшего опыта профориентационной работы"
    assert session.section == "1 Совершенствование организационно-управленческих механизмов системы профессиональной ориентации обучающихся"
    it_item = by_number(document, "2.7")
    assert it_item.title == "Организация участия обучающихся в мероприятиях, связанных с популяризацией ИТ-профессий"
    assert split_executors(it_item.executors_text) == ["Образовательные учреждения"]
    assert it_item.result_text == "Ориентирование обучающихся в профессиональном самоопределении"
    ticket = by_number(document, "4.2")
    assert ticket.deadline_text == "Август – декабрь 2023 года, далее – ежегодно"
    assert ticket.result_text == (
        "Формирование у школьников представления о различных профессиях или компетенциях "
        "в ходе практико-ориентированных мероприятий"
    )
    assert by_number(document, "2.5").deadline_text == "До мая 2023 года, далее – ежегодно"
    assert by_number(document, "10.1").title.startswith("Организация участия обучающихся в «ярмарках вакансий»")
    assert split_executors(by_number(document, "4.9").executors_text) == [
        "Комитет по образованию",
        "Образовательные учреждения",
        "Загородные центры отдыха и оздоровления детей и подростков",
    ]


def test_002_indicators_are_a_separate_list() -> None:
    indicators = seed(S002).indicators
    assert len(indicators) == 17
    assert [indicator.number for indicator in indicators] == (
        ["1", "1", "1", "2", "3", "3", "4", "5", "6", "7", "8", "9", "10", "10", "10", "10", "11"]
    )
    first = indicators[0]
    assert first.goal == "Сопровождение профессионального самоопределения обучающихся"
    assert first.name.startswith("Количество муниципальных общеобразовательных учреждений")
    assert first.unit == "единиц"
    assert indicators[1].goal == first.goal and indicators[1].unit == "человек"
    assert indicators[4].unit is None  # "в том числе: …" row has no unit of its own
    assert indicators[8].goal.startswith("Взаимодействие с профессиональными образовательными организациями")
    assert indicators[8].unit == "человек"  # row of 4 cells: the empty header column is skipped
    assert all(indicator.name.startswith("Количество") for indicator in indicators)


def test_002_metadata() -> None:
    document = seed(S002)
    assert document.issuer == "Комитет по образованию администрации городского округа «Город Калининград»"
    assert document.number == "ПД-КПО-242"
    assert document.date == date(2023, 5, 11)
    assert document.period_text == "на 2023-2025 годы"
    assert document.school_year is None
    assert (document.period_start, document.period_end) == (date(2023, 1, 1), date(2025, 12, 31))
    assert document.controller == (
        "Гривусевич Г.В., начальника управления общего образования комитета по образованию"
    )
    assert document.region == "RU-KGD"
    assert document.warnings == []


# --- 003: Lipetsk, model plan, page headers inside the table -------------------
# Hand count: the header "№ п/п …" and the "1 2 3 4 5 6 7" row repeat 11 times
# (lines 58-59, 67-68, …, 164-165) and are skipped. Section rows I, 1.3, II, 2.2,
# III, 3.1, 3.2, 3.3, 3.4, 3.4.12, 3.4.13, 3.4.14, IV, V are not items. Items:
# 1.1, 1.2, 1.3.1-1.3.3 (5); 2.1, 2.2.1-2.2.3 (4); 3.1.1-3.1.3 (3); 3.2.1-3.2.3
# (3); 3.3.1-3.3.3 (3); 3.4.1-3.4.5 (5); 3.4.12.1-6 (6); 3.4.13.1-5 (5);
# 3.4.14.1-7 (7); 4.1-4.4 (4); 5.1 (1) = 46. Numbers 3.4.6-3.4.11 are missing
# in the source itself.
NUMBERS_003 = (
    ["1.1", "1.2", "1.3.1", "1.3.2", "1.3.3", "2.1", "2.2.1", "2.2.2", "2.2.3"]
    + [f"3.1.{n}" for n in range(1, 4)]
    + [f"3.2.{n}" for n in range(1, 4)]
    + [f"3.3.{n}" for n in range(1, 4)]
    + [f"3.4.{n}" for n in range(1, 6)]
    + [f"3.4.12.{n}" for n in range(1, 7)]
    + [f"3.4.13.{n}" for n in range(1, 6)]
    + [f"3.4.14.{n}" for n in range(1, 8)]
    + ["4.1", "4.2", "4.3", "4.4", "5.1"]
)
DOCUMENTS = "Документы для ознакомления и учёта при планировании"
LINKS = "Ссылки на документ"


def test_003_page_headers_skipped_and_numbers_normalised() -> None:
    document = seed(S003)
    assert len(document.items) == 46
    assert [item.number for item in document.items] == NUMBERS_003
    assert document.columns == [
        Role.NUMBER, Role.TITLE, Role.DEADLINE, Role.EXECUTORS, Role.EXTRA, Role.EXTRA, Role.RESULT,
    ]
    assert not any("№ п/п" in item.title or item.title.isdigit() for item in document.items)
    # "3.4. 13.3 ." in the source
    upbringing = by_number(document, "3.4.13.3")
    assert upbringing.source_line == 137
    assert upbringing.title == "ВОСПИТАТЕЛЬНАЯ РАБОТА"
    assert upbringing.section_path == (
        "III Мероприятия, меры, управленческие решения",
        "3.4 ПРОФОРИЕНТАЦИОННЫЕ МЕРОПРИЯТИЯ",
        "3.4.13 Реализация профориентационных мероприятий в рамках основного уровня профминимума",
    )
    assert by_number(document, "1.1").section_path == (
        "I Постановка целей и задач по самоопределению и профессиональной ориентации обучающихся на 2023-2024 учебный год",
    )
    assert by_number(document, "3.1.1").section == "3.1 НОРМАТИВНОЕ И ОРГАНИЗАЦИОННО-ПЕДАГОГИЧЕСКОЕ ОБЕСПЕЧЕНИЕ"
    assert by_number(document, "4.1").section_path == (
        "IV Мониторинг и анализ достижения показателей системы работы по самоопределению "
        "и профессиональной ориентации обучающихся",
    )


def test_003_cells_broken_across_pages_are_joined() -> None:
    document = seed(S003)
    goals = by_number(document, "1.3.2")
    assert goals.source_line == 65
    assert goals.extra[DOCUMENTS].endswith("для ОО РФ, реализующих образовательные программы ООО и СОО, стр. 41")
    assert goals.extra[LINKS] == "https://iom48.ru/ob-organizaczii/dokumenty/regionalnye-upravlencheskie-mehanizmy/"
    navigator = by_number(document, "3.3.3")
    assert navigator.title.endswith(
        "в процессе формирования и дальнейшей реализации их индивидуальных образовательных траекторий"
    )
    assert navigator.deadline_text == "До сентября 2023"
    assert split_executors(navigator.executors_text) == [
        "Педагогические работники основного и среднего общего образования, дополнительного образования",
        "Сотрудники исполнительной власти площадок проекта",
    ]
    contest = by_number(document, "3.4.3")
    assert contest.deadline_text == "Октябрь 2023 г – май 2024"
    assert contest.executors_text.endswith("Управление социальной политики Липецкой области")
    extracurricular = by_number(document, "3.4.12.2")
    assert extracurricular.extra[DOCUMENTS].startswith(
        "Письмо МИНПРОСВЕЩЕНИЯ РОССИИ от 17.08.2023 № ДГ-1773/05 «О направлении информации»"
    )
    assert extracurricular.result_text is not None
    assert extracurricular.result_text.endswith("Рекомендованное кол-во: 34 ч")


def test_003_deadlines_verbatim() -> None:
    document = seed(S003)
    assert by_number(document, "3.2.3").deadline_text == "До 15.09 2023"
    assert by_number(document, "3.3.1").deadline_text == "До 1.09 2023"
    assert by_number(document, "3.3.2").deadline_text == "До сентября 2023"
    assert by_number(document, "4.2").deadline_text == "Декабрь 2023 – январь 2024"


def test_003_metadata() -> None:
    document = seed(S003)
    assert (document.issuer, document.number, document.date, document.controller) == (None, None, None, None)
    assert document.title == (
        "План деятельности по сопровождению самоопределения и профессиональной ориентации обучающихся "
        "общеобразовательных организаций Липецкой области на 2023-2024 уч. г."
    )
    assert document.period_text == "на 2023-2024 уч. г."
    assert document.school_year == SchoolYear.parse("2023-2024")
    assert document.region == "RU-LIP"
    assert document.warnings == [
        "После пункта 3.4.5 идёт пункт 3.4.12: номера пропущены — проверьте, не потеряны ли строки в источнике."
    ]


# --- 004: Chelyabinsk, one cell per line, un-numbered sub-rows, truncated ------
# Hand count: sections 1, 2, 3, 4, 5 (two cells), 5.1, 5.2, 5.2.5, 5.3 (empty
# cells) are not items. Items: 1.1, 1.2; 2.1, 2.2; 3.1, un-numbered (line 94),
# 3.2; 4.1-4.3; 5.1.1-5.1.3; 5.2.1-5.2.4; 11 un-numbered under 5.2.5 (lines 224,
# 230, 236, 242, 248, 256, 262, 272, 282, 292, 300); 5.2.6 and 8 un-numbered
# under it (lines 318-388); 5.2.7, 5.2.8; one un-numbered under 5.3 (line 424,
# cut off before its result) = 2+2+3+3+3+4+11+9+2+1 = 40.
NUMBERS_004 = (
    ["1.1", "1.2", "2.1", "2.2", "3.1", None, "3.2", "4.1", "4.2", "4.3", "5.1.1", "5.1.2", "5.1.3"]
    + ["5.2.1", "5.2.2", "5.2.3", "5.2.4"]
    + [None] * 11
    + ["5.2.6"]
    + [None] * 8
    + ["5.2.7", "5.2.8", None]
)
SECTION_5 = "5 Меры, мероприятия в системе работы по самоопределению и профессиональной ориентации обучающихся"
SECTION_5_2 = "5.2 Организационно-методическое обеспечение"
SECTION_5_2_5 = "5.2.5 Региональные мероприятия в рамках внедрения Концепции:"


def test_004_cells_per_line_regrouped() -> None:
    document = seed(S004)
    assert len(document.items) == 40
    assert [item.number for item in document.items] == NUMBERS_004
    assert document.columns == [Role.NUMBER, Role.TITLE, Role.DEADLINE, Role.EXECUTORS, Role.RESULT]
    correction = by_number(document, "2.1")
    assert correction.deadline_text == "В течение\nгода"
    assert split_executors(correction.executors_text) == ["Комитет", "МБУ ДПО ЦРО"]
    monitoring = by_number(document, "3.2")
    assert monitoring.deadline_text == "Декабрь 2023 г.\n- Январь 2024 г.\nМай – июнь 2024 г."
    assert split_executors(monitoring.executors_text) == ["ГБУ ДПО РЦОКИО", "Комитет", "Общеобразовательные организации"]
    assert monitoring.result_text == (
        "Принято участие в мониторинге реализации профминимума в общеобразовательных организациях г. Челябинска"
    )
    assert split_executors(by_number(document, "5.2.4").executors_text) == ["Комитет", "Общеобразовательные организации"]
    assert by_number(document, "1.1").section == (
        "1 Постановка целей и задач по самоопределению и профессиональной ориентации обучающихся"
    )
    assert by_number(document, "5.1.1").section_path == (SECTION_5, "5.1 Нормативное обеспечение")


def test_004_unnumbered_sub_rows_are_items() -> None:
    items = seed(S004).items
    after_3_1 = items[5]
    assert (after_3_1.number, after_3_1.parent_number, after_3_1.source_line) == (None, "3.1", 94)
    assert after_3_1.title.startswith("Участие в региональном мониторинге эффективности")
    assert after_3_1.deadline_text == "В течение года"

    regional = [item for item in items if item.parent_number == "5.2.5"]
    assert len(regional) == 11
    assert all(item.section_path == (SECTION_5, SECTION_5_2, SECTION_5_2_5) for item in regional)
    assert regional[0].title == "Реализация проекта «День профессии»"
    assert regional[0].deadline_text == "Сентябрь 2023 г. – апрель 2024 г."
    assert regional[1].deadline_text == "Декабрь 2023 г.-май 2024 г."
    assert split_executors(regional[6].executors_text) == ["Комитет", "ГБНОУ ОК Смена", "Образовательные организации"]

    municipal_head = next(item for item in items if item.number == "5.2.6")
    assert municipal_head.title == "Муниципальные мероприятия в рамках реализации Концепции:"
    assert municipal_head.section_path == (SECTION_5, SECTION_5_2)
    municipal = [item for item in items if item.parent_number == "5.2.6"]
    assert [item.deadline_text for item in municipal] == [
        "В течение года", "Октябрь", "Ноябрь", "Октябрь", "Апрель", "Апрель", "Апрель", "Май",
    ]
    assert all(item.section == SECTION_5_2 for item in municipal)
    assert next(item for item in items if item.number == "5.2.7").section == SECTION_5_2


def test_004_truncated_source_read_as_far_as_it_goes() -> None:
    document = seed(S004)
    last = document.items[-1]
    assert (last.number, last.parent_number, last.source_line) == (None, "5.3", 424)
    assert last.section == "5.3 Кадровое обеспечение"
    assert last.deadline_text == "В течение года"
    assert split_executors(last.executors_text) == ["ГБУ ДПО РЦОКИО", "МБУ ДПО ЦРО", "Платформа «Билет в будущее»"]
    assert last.result_text is None
    assert len(document.warnings) == 1
    assert "обрывается на строке 424" in document.warnings[0]
    assert "4 из 5" in document.warnings[0]


def test_004_metadata() -> None:
    document = seed(S004)
    assert document.issuer == "Комитет по делам образования города Челябинска"
    assert document.number == "1828-у"
    assert document.date == date(2023, 8, 7)
    assert document.title is not None and document.title.startswith("Дорожная карта внедрения и реализации Концепции")
    assert document.period_text == "на 2023/2024 учебный год"
    assert document.school_year == SchoolYear.parse("2023-2024")
    assert document.controller == "заместителя председателя Комитета Л.Ю. Манекину"
    assert document.region == "RU-CHE"


@pytest.mark.parametrize("name", [S000, S001, S002, S003, S004])
def test_every_item_has_a_title_and_unique_ordinal(name: str) -> None:
    items = seed(name).items
    assert [item.ordinal for item in items] == list(range(1, len(items) + 1))
    assert all(item.title for item in items)
    assert all(item.number is None or item.parent_number is None for item in items)


# --- tolerant headers ----------------------------------------------------------

TOLERANT_TABLE = (
    "ОЖИДАЕМЫЙ  РЕЗУЛЬТАТ\tсрок   исполнения\tСодержание работы\tОтветственный исполнитель\tПримечание\tN п/п\n"
    "Проведено\tОктябрь\tДень открытых дверей\tКомитет, школы\tпо согласованию\t1.\n"
    "\tНоябрь\tЯрмарка профессий\tЦЗН\t\t2.\n"
)


def test_headers_found_by_meaning_in_any_order(tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    path.write_text(TOLERANT_TABLE, encoding="utf-8")
    document = read_document(path)
    assert document.columns == [Role.RESULT, Role.DEADLINE, Role.TITLE, Role.EXECUTORS, Role.EXTRA, Role.NUMBER]
    first, second = document.items
    assert (first.number, first.title, first.deadline_text, first.result_text) == (
        "1", "День открытых дверей", "Октябрь", "Проведено",
    )
    assert split_executors(first.executors_text) == ["Комитет", "Школы"]
    assert first.extra == {"Примечание": "по согласованию"}
    assert (second.number, second.result_text, second.extra) == ("2", None, {})


COLUMNS = [
    ("№", ["1", "2", "3"]),
    ("Наименование мероприятия", ["Совещание", "Семинар", "Конкурс"]),
    ("Сроки", ["Сентябрь 2023 г.", "Октябрь", "Постоянно"]),
    ("Ответственные исполнители", ["Комитет", "ГАОУ ДПО «ЛОИРО»", "Школы"]),
    ("Ожидаемый результат", ["Протокол", "Отчёт", "Итоги"]),
]


@settings(max_examples=30, derandomize=True, deadline=None)
@given(st.permutations(range(len(COLUMNS))))
def test_column_order_does_not_matter(tmp_path_factory: pytest.TempPathFactory, order: list[int]) -> None:
    lines = ["\t".join(COLUMNS[index][0] for index in order)]
    for row in range(3):
        lines.append("\t".join(COLUMNS[index][1][row] for index in order))
    path = tmp_path_factory.mktemp("order") / "plan.txt"
    path.write_text("Приложение\n\n" + "\n".join(lines) + "\n", encoding="utf-8")
    items = read_document(path).items
    assert [(item.number, item.title, item.deadline_text, item.executors_text, item.result_text) for item in items] == [
        tuple(column[1][row] for column in COLUMNS) for row in range(3)
    ]


def test_cell_per_line_header_may_wrap(tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    path.write_text(
        "\t№\n\tМероприятие\n\tСрок\nисполнения\n\tИсполнитель\n\n\t1\n\tСовещание\n\tМай\n\tКомитет\n",
        encoding="utf-8",
    )
    (item,) = read_document(path).items
    assert (item.number, item.title, item.deadline_text, item.executors_text) == ("1", "Совещание", "Май", "Комитет")


def test_windows_1251_export_is_read(tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    path.write_bytes("№\tМероприятие\tСроки\n1\tСовещание\tМай 2024 г.\n".encode("cp1251"))
    (item,) = read_document(path).items
    assert item.deadline_text == "Май 2024 г."


# --- errors --------------------------------------------------------------------


def assert_one_russian_line_naming(error: RoadmapError, name: str) -> None:
    message = str(error)
    assert isinstance(error, ProfplanError)
    assert "\n" not in message and name in message
    assert any("а" <= char <= "я" for char in message.lower())


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("Просто текст без таблицы.\n", "не найдена таблица мероприятий"),
        ("№\tМероприятие\tИсполнитель\n1\tСовещание\tКомитет\n", "не найден столбец сроков"),
        ("№\tСроки\tИсполнитель\n1\tМай\tКомитет\n", "не найден столбец наименования мероприятия"),
    ],
)
def test_no_usable_table(tmp_path: Path, content: str, fragment: str) -> None:
    path = tmp_path / "broken.txt"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(RoadmapError) as caught:
        read_document(path)
    assert fragment in str(caught.value)
    assert_one_russian_line_naming(caught.value, "broken.txt")


def test_legacy_word_without_a_converter_says_how_to_save_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no LibreOffice, antiword or catdoc
    path = tmp_path / "plan.doc"
    path.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 512)
    with pytest.raises(RoadmapError) as caught:
        read_document(path)
    assert "Word 97–2003" in str(caught.value) and "сохраните как .docx" in str(caught.value)
    assert_one_russian_line_naming(caught.value, "plan.doc")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(RoadmapError) as caught:
        read_document(tmp_path / "nowhere.txt")
    assert_one_russian_line_naming(caught.value, "nowhere.txt")


def test_binary_file_with_txt_suffix(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(RoadmapError) as caught:
        read_document(path)
    assert_one_russian_line_naming(caught.value, "image.txt")


def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "folder.txt"
    path.mkdir()
    with pytest.raises(RoadmapError) as caught:
        read_document(path)
    assert_one_russian_line_naming(caught.value, "folder.txt")


def test_every_cell_text_of_every_seed_is_somewhere_in_the_result() -> None:
    """No row lost: each tab-separated cell of 000-003 appears in some item, indicator or section."""
    for name in (S000, S001, S002, S003):
        document = seed(name)
        haystack = " ".join(
            itertools.chain(
                (item.title for item in document.items),
                (item.deadline_text for item in document.items),
                (item.executors_text for item in document.items),
                (item.result_text or "" for item in document.items),
                (text for item in document.items for text in item.extra.values()),
                (label for item in document.items for label in item.section_path),
                (indicator.name for indicator in document.indicators),
                (indicator.goal or "" for indicator in document.indicators),
                (indicator.unit or "" for indicator in document.indicators),
            )
        ).replace("\n", " ")
        lines = (SEEDS / name).read_text(encoding="utf-8").split("\n")
        start = next(index for index, line in enumerate(lines) if line.startswith("№"))
        table_lines = (line for line in lines[start:] if "\t" in line and not line.startswith("№"))
        for line in table_lines:  # every row but the (repeated) header rows
            for cell in line.split("\t"):
                text = " ".join(cell.split())
                if len(text) > 20 and not text.startswith("<"):
                    probe = " ".join(text.split()[1:6])  # skip a leading number; markup differs
                    assert probe in " ".join(haystack.split()), (name, text[:80])


# --- text between rows, and metadata of a plain order ------------------------

INTERRUPTED = (
    "№\tМероприятие\tСроки\tИсполнитель\n"
    "1\tСовещание\tМай\tКомитет\n"
    "3\n"  # a page number left by the export
    "2\tСеминар\tИюнь\tЛОИРО\n"
    "Согласовано:\n"
    "Начальник отдела\tИ.И. Иванов\n"
)


def test_text_inside_the_table_interrupts_it_without_losing_rows(tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    path.write_text(INTERRUPTED, encoding="utf-8")
    document = read_document(path)
    assert [(item.number, item.title) for item in document.items] == [("1", "Совещание"), ("2", "Семинар")]
    # The two-cell signature row fits no column layout of the table: reported, not read as an item.
    assert document.warnings == [
        "Строка 6 не прочитана: она идёт после таблицы мероприятий, и её столбцы не совпадают с заголовком таблицы."
    ]


PLAIN_ORDER = (
    "УПРАВЛЕНИЕ ОБРАЗОВАНИЯ\n"
    "\n"
    "ПРИКАЗ\n"
    "\n"
    "«5» сентября 2024 г. № 15/1\n"
    "\n"
    "О проведении профориентационных мероприятий на 2024 год\n"
    "\n"
    "1. Утвердить план.\n"
    "2. Контроль за исполнением приказа оставляю за собой.\n"
    "\n"
    "№\tМероприятие\tСроки\n"
    "1\tСовещание\tМай\n"
)


def test_metadata_falls_back_to_the_order_title(tmp_path: Path) -> None:
    path = tmp_path / "order.txt"
    path.write_text(PLAIN_ORDER, encoding="utf-8")
    document = read_document(path)
    assert document.issuer == "Управление образования"
    assert (document.number, document.date) == ("15/1", date(2024, 9, 5))
    assert document.title == "О проведении профориентационных мероприятий на 2024 год"
    assert document.period_text == "на 2024 год"
    assert (document.period_start, document.period_end) == (date(2024, 1, 1), date(2024, 12, 31))
    # No signature to resolve "оставляю за собой" to: the phrase itself.
    assert document.controller == "Контроль за исполнением приказа оставляю за собой"
    assert document.region is None
