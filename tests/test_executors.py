"""Executor cells, taken verbatim from the seed roadmaps, split and keyed."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roadmaps.executors import executor_key, read_executors, split_executors

UL = '<ul style="list-style-type: none">'
COMMITTEE = "Комитет общего и профессионального образования Ленинградской области"
LOIRO_FULL = "ГАОУ ДПО «Ленинградский областной институт развития образования»"
LOCAL_AUTHORITIES = "Органы местного самоуправления, осуществляющие управление в сфере образования"


def test_html_list_with_bullets_000_row_1() -> None:
    cell = (
        f"{UL} • Комитет общего и профессионального образования Ленинградской области • ГБУ ДО Центр «Интеллект» "
        "• Органы местного самоуправления, осуществляющие управление в сфере образования • Общеобразовательные организации"
    )
    assert split_executors(cell) == [COMMITTEE, "ГБУ ДО Центр «Интеллект»", LOCAL_AUTHORITIES, "Общеобразовательные организации"]


def test_unit_in_parentheses_stays_with_its_organisation_000_row_27() -> None:
    cell = (
        f"{UL} • Комитет общего и профессионального образования Ленинградской области (отдел общего образования, "
        "сектор дополнительного образования, воспитания и детского отдыха) • Комитет общего и профессионального "
        "образования Ленинградской области (сектор дополнительного образования, воспитания и детского отдыха)"
    )
    assert split_executors(cell) == [
        f"{COMMITTEE} (отдел общего образования, сектор дополнительного образования, воспитания и детского отдыха)",
        f"{COMMITTEE} (сектор дополнительного образования, воспитания и детского отдыха)",
    ]


def test_trailing_comma_before_bullet_000_row_29() -> None:
    cell = (
        f"{UL} • Комитет общего и профессионального образования Ленинградской области (отдел общего образования), "
        "• СПбГЭТУ «ЛЭТИ» • Органы местного самоуправления, осуществляющие управление в сфере образования"
    )
    assert split_executors(cell) == [f"{COMMITTEE} (отдел общего образования)", "СПбГЭТУ «ЛЭТИ»", LOCAL_AUTHORITIES]


def test_quoted_abbreviation_is_one_executor_000_row_24() -> None:
    assert split_executors(f"{UL} • ГАОУ ДПО «ЛОИРО»") == ["ГАОУ ДПО «ЛОИРО»"]


def test_nested_unbalanced_quotes_000_row_31() -> None:
    assert split_executors(f"{UL} • СПбГЭТУ «ЛЭТИ» • МОБУ «ЦО Кудрово»") == ["СПбГЭТУ «ЛЭТИ»", "МОБУ «ЦО Кудрово»"]


def test_stray_closing_quote_and_lowercase_organisations_001_row_2_2() -> None:
    cell = (
        "Комитет общего и профессионального образования Ленинградской области», ГАОУ ДПО «Ленинградский "
        "областной институт развития образования», муниципальные органы, осуществляющие управление в сфере "
        "образования, образовательные организации Ленинградской области"
    )
    assert split_executors(cell) == [
        COMMITTEE,
        LOIRO_FULL,
        "Муниципальные органы, осуществляющие управление в сфере образования",
        "Образовательные организации Ленинградской области",
    ]


def test_trailing_punctuation_001_row_6_2() -> None:
    cell = "Комитет общего и профессионального образования Ленинградской области», ГАОУ ДПО «Ленинградский областной институт развития образования»,"
    assert split_executors(cell) == [COMMITTEE, LOIRO_FULL]


def test_parentheses_with_quotes_inside_001_row_5_3() -> None:
    cell = (
        "Комитет общего и профессионального образования Ленинградской области», базовый центр поддержки "
        "инклюзивного профессионального образования Ленинградской области (ГБПОУ ЛО «Мичуринский многопрофильный "
        "техникум»), образовательные организации"
    )
    assert split_executors(cell) == [
        COMMITTEE,
        "Базовый центр поддержки инклюзивного профессионального образования Ленинградской области "
        "(ГБПОУ ЛО «Мичуринский многопрофильный техникум»)",
        "Образовательные организации",
    ]


def test_comma_lists_002() -> None:
    assert split_executors("Общеобразовательные учреждения, комитет по образованию") == [
        "Общеобразовательные учреждения",
        "Комитет по образованию",
    ]
    assert split_executors(
        "Комитет по образованию, общеобразовательные учреждения (муниципальные опорные площадки по внедрению "
        "стандартов программы WorldSkills Russia Juniors)"
    ) == [
        "Комитет по образованию",
        "Общеобразовательные учреждения (муниципальные опорные площадки по внедрению стандартов программы "
        "WorldSkills Russia Juniors)",
    ]


def test_participle_and_genitive_continue_a_name_003() -> None:
    assert split_executors(
        "Руководящие/ педагогические работники, ответственные за реализацию мероприятий профориентационного минимума"
    ) == ["Руководящие/педагогические работники, ответственные за реализацию мероприятий профориентационного минимума"]
    assert split_executors(
        "Педагогические работники основного и среднего общего образования, дополнительного образования, "
        "сотрудники исполнительной власти площадок проекта"
    ) == [
        "Педагогические работники основного и среднего общего образования, дополнительного образования",
        "Сотрудники исполнительной власти площадок проекта",
    ]
    assert split_executors("Директор, заместитель директора") == ["Директор", "Заместитель директора"]


def test_line_breaks_separate_executors_004() -> None:
    assert split_executors("Комитет,\nМБУ ДПО ЦРО") == ["Комитет", "МБУ ДПО ЦРО"]
    assert split_executors("Комитет\nобщеобразовательные организации") == ["Комитет", "Общеобразовательные организации"]
    assert split_executors("ГБУ ДПО РЦОКИО,\nКомитет,\nОбщеобразовательные организации") == [
        "ГБУ ДПО РЦОКИО",
        "Комитет",
        "Общеобразовательные организации",
    ]
    assert split_executors("ГБУ ДПО РЦОКИО\nМБУ ДПО ЦРО\nПлатформа «Билет в будущее»") == [
        "ГБУ ДПО РЦОКИО",
        "МБУ ДПО ЦРО",
        "Платформа «Билет в будущее»",
    ]


def test_page_break_inside_a_name_joined_by_the_reader_000_row_30() -> None:
    # The reader joins "…«Билет в" and "будущее»" from two lines with a space.
    cell = f"{UL} • Общеобразовательные организации, участвующие в проекте «Билет в будущее»"
    assert split_executors(cell) == ["Общеобразовательные организации, участвующие в проекте «Билет в будущее»"]


def test_duplicates_removed_keeping_first_spelling() -> None:
    cell = "ГАОУ ДПО «ЛОИРО» • ГАОУ ДПО \"ЛОИРО\"; гаоу  дпо ЛОИРО\n- ГАОУ ДПО „ЛОИРО“"
    assert split_executors(cell) == ["ГАОУ ДПО «ЛОИРО»"]


def test_straight_and_low_quotes_become_guillemets() -> None:
    assert split_executors('ГАОУ ДПО "ЛОИРО"') == ["ГАОУ ДПО «ЛОИРО»"]
    assert split_executors("ГАОУ ДПО „ЛОИРО“") == ["ГАОУ ДПО «ЛОИРО»"]


@pytest.mark.parametrize("cell", ["", "   ", "-", "•", UL, "<li></li>", ",;"])
def test_empty_cells(cell: str) -> None:
    assert split_executors(cell) == []


@pytest.mark.parametrize(
    "variant",
    [
        'ГАОУ ДПО "ЛОИРО"',
        "ГАОУ ДПО ЛОИРО",
        "гаоу дпо «лоиро»",
        "ГАОУ  ДПО   «ЛОИРО» ",
        "ГАОУ ДПО «ЛОИРО».",
        "ГАОУ ДПО „ЛОИРО“",
        "ГАОУ ДПО ЛОИРО»",
        "• ГАОУ ДПО «ЛОИРО»",
        "<li>ГАОУ ДПО «ЛОИРО»</li>",
    ],
)
def test_same_organisation_same_key(variant: str) -> None:
    assert executor_key(variant) == executor_key("ГАОУ ДПО «ЛОИРО»")


def test_keys_tell_organisations_and_units_apart() -> None:
    assert executor_key(COMMITTEE) != executor_key(f"{COMMITTEE} (отдел общего образования)")
    assert executor_key("Комитет по образованию") != executor_key("Комитет")
    assert executor_key("Учреждения дополнительного образования") == executor_key("учреждения дополнительного образования")
    assert executor_key("Предприятия–партнеры") == executor_key("Предприятия-партнёры")
    assert executor_key("Руководящие / педагогические работники") == executor_key("Руководящие/ педагогические работники")


REAL_NAMES = [
    COMMITTEE,
    LOIRO_FULL,
    "ГБУ ДО Центр «Интеллект»",
    "СПбГЭТУ «ЛЭТИ»",
    "МАУДО «ДПШ»",
    "Платформа «Билет в будущее»",
    "Общеобразовательные организации, участвующие в проекте «Билет в будущее»",
    f"{COMMITTEE} (сектор дополнительного образования, воспитания и детского отдыха)",
]


@settings(max_examples=200, derandomize=True, deadline=None)
@given(
    name=st.sampled_from(REAL_NAMES),
    quotes=st.sampled_from([("«", "»"), ('"', '"'), ("„", "“"), ("", ""), ("", "»")]),
    upper=st.booleans(),
    spacing=st.sampled_from([" ", "  ", " \u00a0", "\t"]),
    tail=st.sampled_from(["", ",", ".", ";", " "]),
)
def test_key_ignores_quotes_case_spacing_and_punctuation(
    name: str, quotes: tuple[str, str], upper: bool, spacing: str, tail: str
) -> None:
    variant = name.replace("«", quotes[0]).replace("»", quotes[1]).replace(" ", spacing) + tail
    variant = variant.upper() if upper else variant
    assert executor_key(variant) == executor_key(name)
    assert executor_key(executor_key(name)) == executor_key(name)


@settings(max_examples=200, derandomize=True, deadline=None)
@given(st.lists(st.sampled_from(REAL_NAMES), min_size=1, max_size=5), st.sampled_from(["\n", " • ", "; "]))
def test_joined_names_split_back(names: list[str], separator: str) -> None:
    unique = list(dict.fromkeys(names))
    assert split_executors(separator.join(names)) == unique


# ------------------------------------------------ rules of data/vocabulary/executors.toml


@pytest.mark.parametrize(
    "variants",
    [
        ["Зам. директора по ВР", "Замдиректора по ВР", "Заместитель директора по ВР", "Заместитель директора по воспитательной работе"],
        ["Кл. руководители", "Классные руководители", "классный руководитель"],
        ["Педагог организатор", "Педагог-организатор"],
    ],
)
def test_variant_spellings_are_one_executor(variants: list[str]) -> None:
    names = {tuple(split_executors(variant)) for variant in variants}
    assert len(names) == 1 and len({executor_key(variant) for variant in variants}) == 1


def test_a_word_broken_across_pages_is_rejoined() -> None:
    assert split_executors("Центр профориентационн ого развития «Вектор»") == ["Центр профориентационного развития «Вектор»"]


def test_roles_written_one_after_another_are_split() -> None:
    cell = "Заместитель директора по ВР Классные руководители Педагог-организатор"
    assert split_executors(cell) == ["Заместитель директора по ВР", "Классные руководители", "Педагог-организатор"]


def test_a_numbered_list_in_a_cell_is_one_executor_per_entry() -> None:
    assert split_executors("1. Директор; 2. Кл. руководители 3) Педагог-психолог") == [
        "Директор", "Классные руководители", "Педагог-психолог",
    ]  # fmt: skip


def test_pupils_and_parents_are_participants_not_executors() -> None:
    cell = read_executors("Классные руководители, обучающиеся 9-11 классов, родители (законные представители)")
    assert cell.executors == ("Классные руководители",)
    assert cell.participants == ("Обучающиеся 9-11 классов", "Родители (законные представители)")


def test_a_name_that_only_starts_like_a_role_keeps_its_words() -> None:
    assert split_executors("Советник директора по воспитанию и взаимодействию с детскими объединениями") == [
        "Советник директора по воспитанию и взаимодействию с детскими объединениями",
    ]
