"""The deadline grammar's semantics: exact windows, counts and explanations for each kind of phrase."""

from __future__ import annotations

from datetime import date

import pytest

from calendars.deadlines import (
    DeadlineDataError,
    DeadlineSpec,
    Occurrence,
    SchoolCalendar,
    SkippedDay,
    Window,
    federal_quarters,
    parse_deadline,
)
from calendars.periods import Period
from calendars.school_year import SchoolYear
from tests.calendar_helpers import FEDERAL

SY = SchoolYear.parse("2023-2024")
D = date


class RegionCalendar:
    """A region whose calendar differs from the federal approximation (terms given unsorted on purpose)."""

    def terms(self, school_year: SchoolYear) -> list[Period]:
        first, second = school_year.first, school_year.second
        return [
            Period("4", D(second, 3, 25), D(second, 5, 24)),
            Period("1", D(first, 9, 1), D(first, 10, 27)),
            Period("2", D(first, 11, 7), D(first, 12, 29)),
            Period("3", D(second, 1, 9), D(second, 3, 15)),
        ]

    def vacations(self, school_year: SchoolYear) -> list[Period]:
        return []

    def day_off(self, day: date) -> str | None:
        if any(day in term for term in self.terms(SchoolYear.containing(day))):
            return "праздник: День Победы" if (day.month, day.day) == (5, 9) else None
        return "каникулы"


region_terms = RegionCalendar()


def windows(text: str, school_year: SchoolYear | None = SY, terms: SchoolCalendar | None = None) -> list[tuple[date, date]]:
    return [(o.start, o.due) for o in parse_deadline(text, school_year).occurrences(terms)]


# ------------------------------------------------------------------ windows


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("июнь 2023 г.", [(D(2023, 6, 1), D(2023, 6, 30))]),
        ("август 2023 г. - сентябрь 2023 г.", [(D(2023, 8, 1), D(2023, 9, 30))]),
        ("Сентябрь – октябрь 2023", [(D(2023, 9, 1), D(2023, 10, 31))]),
        ("Декабрь 2023 г.-май 2024 г.", [(D(2023, 12, 1), D(2024, 5, 31))]),
        ("Декабрь – январь 2024", [(D(2023, 12, 1), D(2024, 1, 31))]),
        ("октябрь 2023 – февраль", [(D(2023, 10, 1), D(2024, 2, 29))]),
        ("октябрь 2023 г., апрель 2024 г.", [(D(2023, 10, 1), D(2023, 10, 31)), (D(2024, 4, 1), D(2024, 4, 30))]),
        (
            "Декабрь 2023 г. - Январь 2024 г. Май – июнь 2024 г.",
            [(D(2023, 12, 1), D(2024, 1, 31)), (D(2024, 5, 1), D(2024, 6, 30))],
        ),
        ("4 квартал 2020 г.", [(D(2020, 10, 1), D(2020, 12, 31))]),
        ("2-4 квартал 2021 г.", [(D(2021, 4, 1), D(2021, 12, 31))]),
        ("IV квартал 2023 года", [(D(2023, 10, 1), D(2023, 12, 31))]),
        ("4-й квартал 2023 года", [(D(2023, 10, 1), D(2023, 12, 31))]),
        ("1 полугодие 2021 г.", [(D(2021, 1, 1), D(2021, 6, 30))]),
        ("Первое полугодие 2023 года", [(D(2023, 1, 1), D(2023, 6, 30))]),
        ("второе полугодие 2023 г.", [(D(2023, 7, 1), D(2023, 12, 31))]),
        ("2020-2021 гг.", [(D(2020, 1, 1), D(2021, 12, 31))]),
        ("в 2024 году", [(D(2024, 1, 1), D(2024, 12, 31))]),
        ("с 1 по 15 сентября 2023 г.", [(D(2023, 9, 1), D(2023, 9, 15))]),
        ("15-20 октября 2023", [(D(2023, 10, 15), D(2023, 10, 20))]),
        ("01.09.2023 – 30.09.2023", [(D(2023, 9, 1), D(2023, 9, 30))]),
        ("с 01.10.2023 до 01.11.2023", [(D(2023, 10, 1), D(2023, 10, 31))]),
        ("в течение 2023/24 уч. г.", [(D(2023, 9, 1), D(2024, 5, 31))]),
        ("октябрь 2023-2024 уч. г.", [(D(2023, 10, 1), D(2023, 10, 31))]),
    ],
)
def test_windows(text: str, expected: list[tuple[date, date]]) -> None:
    school_year = SchoolYear.containing(expected[0][0])  # a document of the year the phrase names
    spec = parse_deadline(text, school_year)
    assert spec.kind == "window"
    assert not spec.needs_review, spec.review_reason
    assert windows(text, school_year) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Октябрь", (D(2023, 10, 1), D(2023, 10, 31))), ("Апрель ", (D(2024, 4, 1), D(2024, 4, 30)))],
)
def test_a_month_without_a_year_lies_in_the_school_year(text: str, expected: tuple[date, date]) -> None:
    spec = parse_deadline(text, SY)
    assert windows(text) == [expected]
    assert "взят из учебного года 2023-2024" in spec.explain()
    assert windows(text, SchoolYear(2025)) == [(expected[0].replace(year=expected[0].year + 2), expected[1].replace(year=expected[1].year + 2))]


def test_a_month_without_a_year_and_without_a_school_year_needs_review() -> None:
    spec = parse_deadline("Октябрь")
    assert spec.needs_review
    assert spec.review_reason == "не указан год: «Октябрь» — задайте учебный год документа"
    assert spec.kind == "window"
    assert spec.occurrences() == [] and spec.span() == (None, None)


def test_school_half_years_without_a_year() -> None:
    assert windows("1 полугодие") == [(D(2023, 9, 1), D(2023, 12, 31))]
    assert windows("во 2 полугодии") == [(D(2024, 1, 1), D(2024, 5, 31))]


# ------------------------------------------------------------------ bounds


@pytest.mark.parametrize(
    ("text", "school_year", "start", "due"),
    [
        ("до 01 сентября 2023 г.", SY, None, D(2023, 8, 31)),  # due before the school year starts
        ("до 01 сентября 2023 г.", SchoolYear(2022), D(2022, 9, 1), D(2023, 8, 31)),
        ("До 15.09 2023", SY, D(2023, 9, 1), D(2023, 9, 14)),
        ("До 1.09 2023", None, None, D(2023, 8, 31)),
        ("До сентября 2023", SY, None, D(2023, 8, 31)),
        ("до 1 марта 2024 г.", SY, D(2023, 9, 1), D(2024, 2, 29)),
        ("не позднее 25.12.2023", SY, D(2023, 9, 1), D(2023, 12, 25)),
        ("по 15 октября 2023 г.", SY, D(2023, 9, 1), D(2023, 10, 15)),
        ("до конца 2023 года", SY, D(2023, 9, 1), D(2023, 12, 31)),
    ],
)
def test_bounds(text: str, school_year: SchoolYear | None, start: date | None, due: date) -> None:
    spec = parse_deadline(text, school_year)
    assert spec.kind == "window" and not spec.needs_review
    assert spec.span() == (start, due)
    assert spec.occurrences() == [Occurrence(start or due, due)]


def test_do_excludes_the_named_date_and_says_so() -> None:
    spec = parse_deadline("до 01 сентября 2023 г.", SY)
    assert spec.explain() == (
        "Срок: не позднее 31 августа 2023 г. (начало не указано)\n"
        "Уточнение: «до 01 сентября 2023 г.»: дата после «до» в срок не входит — выполнить не позднее 31 августа 2023 г."
    )


def test_until_the_end_of_the_school_year_is_the_study_year() -> None:
    assert windows("до конца учебного года", terms=region_terms) == [(D(2023, 9, 1), D(2024, 5, 24))]


@pytest.mark.parametrize(
    ("school_year", "expected"),
    [
        (None, [(D(y, 4, 30), D(y, 4, 30)) for y in range(2023, 2028)]),
        (SY, [(D(2023, 4, 30), D(2023, 4, 30)), (D(2023, 9, 1), D(2024, 4, 30))]),
        (SchoolYear(2022), [(D(2022, 9, 1), D(2023, 4, 30))]),
    ],
)
def test_until_may_then_every_year(school_year: SchoolYear | None, expected: list[tuple[date, date]]) -> None:
    spec = parse_deadline("До мая 2023 года, далее – ежегодно", school_year)
    assert spec.kind == "recurring" and not spec.needs_review
    assert windows(spec.text, school_year) == expected
    assert spec.recurrence is not None and spec.recurrence.unit == "year"


def test_then_every_year_without_a_school_year_repeats_five_years() -> None:
    spec = parse_deadline("Август – декабрь 2023 года, далее – ежегодно")
    assert windows(spec.text, None) == [(D(y, 8, 1), D(y, 12, 31)) for y in range(2023, 2028)]
    assert spec.span() == (D(2023, 8, 1), D(2027, 12, 31))
    assert "повторы рассчитаны на 5 лет, по 31 декабря 2027 г." in spec.explain()


def test_then_on_demand_keeps_the_first_window() -> None:
    spec = parse_deadline("Сентябрь – октябрь 2023 года, далее – по необходимости", SY)
    assert spec.kind == "window"
    assert windows(spec.text) == [(D(2023, 9, 1), D(2023, 10, 31))]
    assert "после первого срока — по мере необходимости" in spec.explain()


def test_then_monthly_follows_the_first_window() -> None:
    found = windows("сентябрь 2023, далее – ежемесячно")
    assert len(found) == 12  # the first window, then every month until the school year's end
    assert [start for start, _ in found] == [D(2023, m, 1) for m in range(9, 13)] + [D(2024, m, 1) for m in range(1, 9)]
    assert found[-1] == (D(2024, 8, 1), D(2024, 8, 31))


# ------------------------------------------------------------- recurrences


def test_weekly_on_thursdays_inside_a_window_without_terms() -> None:
    spec = parse_deadline("сентябрь 2023 г. – май 2024 г. (еженедельно по четвергам)", SY)
    assert spec.kind == "recurring"
    found = spec.occurrences()
    assert len(found) == 39
    assert (found[0], found[-1]) == (Occurrence(D(2023, 9, 7), D(2023, 9, 7)), Occurrence(D(2024, 5, 30), D(2024, 5, 30)))
    assert all(o.start == o.due and o.due.weekday() == 3 for o in found)
    assert Occurrence(D(2023, 11, 2), D(2023, 11, 2)) in found  # autumn break: no terms, nothing to skip
    assert "Каникулы и праздники не исключены" in spec.explain()


def test_weekly_on_thursdays_with_terms_skips_vacations() -> None:
    spec = parse_deadline("сентябрь 2023 г. – май 2024 г. (еженедельно по четвергам)", SY)
    found = spec.occurrences(FEDERAL)
    assert len(found) == 35  # 8 + 8 + 11 + 8 over the four quarters
    assert Occurrence(D(2023, 11, 2), D(2023, 11, 2)) not in found
    assert found[-1] == Occurrence(D(2024, 5, 23), D(2024, 5, 23))
    assert spec.explain(FEDERAL).splitlines()[0] == (
        "Еженедельно по четвергам: 35 раз с 7 сентября 2023 г. по 23 мая 2024 г."
    )


def test_weekly_without_a_window_runs_over_the_terms() -> None:
    spec = parse_deadline("еженедельно по четвергам", SY)
    assert spec.span(region_terms) == (D(2023, 9, 7), D(2024, 5, 23))  # the first and the last school Thursday
    assert spec.span() == (D(2023, 9, 7), D(2024, 5, 30))
    assert len(spec.occurrences(region_terms)) == 8 + 8 + 10 + 9 - 1  # 9 May 2024, a Thursday, is a holiday
    assert spec.skipped(region_terms)[-1] == SkippedDay(D(2024, 5, 9), "праздник: День Победы")
    assert windows("по вторникам и четвергам", terms=region_terms)[:3] == [
        (D(2023, 9, 5), D(2023, 9, 5)), (D(2023, 9, 7), D(2023, 9, 7)), (D(2023, 9, 12), D(2023, 9, 12)),
    ]  # fmt: skip


def test_at_least_once_a_quarter_uses_the_federal_quarters_without_terms() -> None:
    spec = parse_deadline("не реже 1 раза в четверть", SY)
    assert windows(spec.text) == [
        (D(2023, 9, 1), D(2023, 10, 27)),
        (D(2023, 11, 6), D(2023, 12, 29)),
        (D(2024, 1, 9), D(2024, 3, 22)),
        (D(2024, 4, 1), D(2024, 5, 25)),
    ]
    assert "Четверти по федеральному приближению" in spec.explain()
    assert spec.recurrence is not None and spec.recurrence.at_least


def test_at_least_once_a_quarter_follows_the_regions_terms() -> None:
    spec = parse_deadline("не реже 1 раза в четверть", SY)
    assert windows(spec.text, terms=region_terms) == sorted((t.start, t.end) for t in region_terms.terms(SY))
    assert "Четверти — по календарю региона" in spec.explain(region_terms)
    assert "федеральному" not in spec.explain(region_terms)


def test_federal_quarters_are_computed_from_the_year() -> None:
    assert federal_quarters(SchoolYear(2025)) == [
        (D(2025, 9, 1), D(2025, 10, 31)),
        (D(2025, 11, 10), D(2025, 12, 29)),
        (D(2026, 1, 9), D(2026, 3, 27)),
        (D(2026, 4, 6), D(2026, 5, 25)),
    ]


def test_quarterly_over_a_year_range() -> None:
    found = windows("Ежеквартально, 2018-2025 г.г.", None)
    assert len(found) == 32
    assert found[:2] == [(D(2018, 1, 1), D(2018, 3, 31)), (D(2018, 4, 1), D(2018, 6, 30))]
    assert found[-1] == (D(2025, 10, 1), D(2025, 12, 31))


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("Ежегодно, январь 2020-2030 г.г.", (D(2020, 1, 1), D(2020, 1, 31)), (D(2030, 1, 1), D(2030, 1, 31))),
        ("Ежегодно, 4 квартал 2020-2030 г.г.", (D(2020, 10, 1), D(2020, 12, 31)), (D(2030, 10, 1), D(2030, 12, 31))),
        ("январь 2020-2030 г.г.", (D(2020, 1, 1), D(2020, 1, 31)), (D(2030, 1, 1), D(2030, 1, 31))),
    ],
)
def test_yearly_part_of_each_year(text: str, first: tuple[date, date], last: tuple[date, date]) -> None:
    spec = parse_deadline(text)
    found = windows(text, None)
    assert spec.kind == "recurring" and len(found) == 11
    assert (found[0], found[-1]) == (first, last)
    assert spec.span() == (first[0], last[1])  # the window ends with its last occurrence, not on 31.12.2030


def test_yearly_across_new_year_keeps_whole_windows_only() -> None:
    assert windows("Ежегодно, декабрь – январь 2021-2023 гг.", None) == [
        (D(2021, 12, 1), D(2022, 1, 31)),
        (D(2022, 12, 1), D(2023, 1, 31)),
    ]


def test_twice_a_year_halves_the_study_year() -> None:
    assert windows("2 раза в год") == [(D(2023, 9, 1), D(2024, 1, 15)), (D(2024, 1, 16), D(2024, 5, 31))]
    assert windows("2 раза в год", terms=region_terms) == [(D(2023, 9, 1), D(2024, 1, 11)), (D(2024, 1, 12), D(2024, 5, 24))]
    assert windows("не реже двух раз в год") == windows("2 раза в год")


def test_n_times_splits_each_period_into_equal_parts() -> None:
    found = windows("3 раза в квартал, 2024 г.", None)
    assert len(found) == 12
    assert found[:3] == [(D(2024, 1, 1), D(2024, 1, 30)), (D(2024, 1, 31), D(2024, 2, 29)), (D(2024, 3, 1), D(2024, 3, 31))]


def test_monthly_over_the_study_year() -> None:
    found = windows("ежемесячно")
    assert len(found) == 9
    assert (found[0], found[-1]) == ((D(2023, 9, 1), D(2023, 9, 30)), (D(2024, 5, 1), D(2024, 5, 31)))


def test_yearly_alone() -> None:
    with_year = parse_deadline("Ежегодно", SY)
    assert with_year.kind == "recurring"
    assert with_year.occurrences() == [Occurrence(D(2023, 9, 1), D(2024, 5, 31))]
    assert with_year.occurrences(region_terms) == [Occurrence(D(2023, 9, 1), D(2024, 5, 24))]
    without = parse_deadline("Ежегодно")
    assert without.kind == "recurring" and not without.needs_review
    assert without.occurrences() == [] and without.span() == (None, None)
    assert without.explain() == "Ежегодно: годы не указаны — даты появятся, когда будет задан учебный год документа"


def test_yearly_first_quarter_without_years() -> None:
    assert windows("Ежегодно, 1 квартал,", SchoolYear(2020)) == [(D(2021, 1, 1), D(2021, 3, 31))]
    spec = parse_deadline("Ежегодно, 1 квартал,")
    assert not spec.needs_review and spec.occurrences() == []
    assert spec.explain().startswith("Ежегодно (январь — март): годы не указаны")


# ------------------------------------------------------------------ phases


def test_phases_create_then_run() -> None:
    spec = parse_deadline("Создание: 4 квартал 2020 г. Организация работы: постоянно")
    assert spec.kind == "phased" and not spec.needs_review
    assert [label for label, _ in spec.phases] == ["Создание", "Организация работы"]
    (_, create), (_, run) = spec.phases
    assert (create.kind, create.text, create.occurrences()) == (
        "window", "4 квартал 2020 г.", [Occurrence(D(2020, 10, 1), D(2020, 12, 31))],
    )  # fmt: skip
    assert (run.kind, run.text, run.occurrences()) == ("continuous", "постоянно", [])
    assert spec.occurrences() == create.occurrences()
    assert spec.span() == (D(2020, 10, 1), D(2020, 12, 31))


def test_phases_develop_then_test() -> None:
    spec = parse_deadline("Разработка: 1 полугодие 2020 г.\nАпробация: 2020-2021 г.г.")
    assert [(label, phase.kind) for label, phase in spec.phases] == [("Разработка", "window"), ("Апробация", "window")]
    assert spec.occurrences() == [Occurrence(D(2020, 1, 1), D(2020, 6, 30)), Occurrence(D(2020, 1, 1), D(2021, 12, 31))]
    assert spec.span() == (D(2020, 1, 1), D(2021, 12, 31))
    assert spec.explain().splitlines() == [
        "Этапы (2):",
        "«Разработка»:",
        "  Окно: 1 января 2020 г. — 30 июня 2020 г.",
        "«Апробация»:",
        "  Окно: 1 января 2020 г. — 31 декабря 2021 г.",
    ]


def test_any_label_makes_a_phase_and_a_bad_phase_is_named() -> None:
    spec = parse_deadline("Подготовка документов: до 1 октября 2023 г. Проведение: как получится", SY)
    assert [label for label, _ in spec.phases] == ["Подготовка документов", "Проведение"]
    assert spec.needs_review
    assert spec.review_reason == "«Проведение»: не распознано «как получится»"
    assert spec.phases[0][1].occurrences() == [Occurrence(D(2023, 9, 1), D(2023, 9, 30))]


# ------------------------------------------------------------ whole periods


@pytest.mark.parametrize("text", ["В течение года", "В течение учебного года", "в течение \n\nгода", "в течение 2023-2024 учебного года"])
def test_during_the_year_is_the_study_year(text: str) -> None:
    spec = parse_deadline(text, SY)
    assert spec.kind == "window" and not spec.needs_review
    assert spec.span() == (D(2023, 9, 1), D(2024, 5, 31))
    assert spec.span(region_terms) == (D(2023, 9, 1), D(2024, 5, 24))


def test_during_a_named_school_year_with_a_separate_schedule_is_a_window_with_a_note() -> None:
    spec = parse_deadline("в течение 2023-2024 учебного года (по отдельному графику)")
    assert spec.kind == "window" and not spec.needs_review
    assert spec.occurrences() == [Occurrence(D(2023, 9, 1), D(2024, 5, 31))]
    assert spec.explain().splitlines() == [
        "Окно: учебный год 2023-2024, 1 сентября 2023 г. — 31 мая 2024 г. "
        "(по умолчанию 1 сентября — 31 мая: календарь региона не задан)",
        "Уточнение: «по отдельному графику»: конкретные даты задаются отдельным планом или графиком",
    ]


# ------------------------------------------------------------ no fixed date


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Постоянно", "continuous"),
        ("на постоянной основе", "continuous"),
        ("По мере необходимости", "on_demand"),
        ("при необходимости", "on_demand"),
        ("по отдельному плану", "separate_schedule"),
        ("по отдельному графику", "separate_schedule"),
        ("Постоянно, по мере необходимости", "continuous"),
    ],
)
def test_no_fixed_date(text: str, kind: str) -> None:
    spec = parse_deadline(text, SY)
    assert (spec.kind, spec.needs_review, spec.occurrences(), spec.span()) == (kind, False, [], (None, None))


def test_continuous_within_years_and_from_a_start() -> None:
    bounded = parse_deadline("Постоянно, 2020-2030г.г.")
    assert (bounded.kind, bounded.span(), bounded.occurrences()) == ("continuous", (D(2020, 1, 1), D(2030, 12, 31)), [])
    started = parse_deadline("с сентября 2023 г.")
    assert (started.kind, started.span(), started.occurrences()) == ("continuous", (D(2023, 9, 1), None), [])


# -------------------------------------------------------------------- noise


@pytest.mark.parametrize(
    "text",
    [
        "сентябрь 2023 г. - май 2024 г.",
        "сентябрь 2023 г. – май 2024 г.",
        "сентябрь 2023 г. — май 2024 г.",
        "Сентябрь 2023 года – Май 2024 года",
        "СЕНТЯБРЬ 2023Г. –\nмай  2024 г.,",
        "сентябрь\u00a02023\u00a0г.\u00a0–\u00a0май 2024 г.",
        "сентября 2023 г.-мая 2024 г.",
        "Сентябрь – май 2023-2024 уч. г.",
    ],
)
def test_noise_does_not_change_the_meaning(text: str) -> None:
    spec = parse_deadline(text)
    assert not spec.needs_review, spec.review_reason
    assert spec.occurrences() == [Occurrence(D(2023, 9, 1), D(2024, 5, 31))]


@pytest.mark.parametrize("mark", ["г.", "г", "гг.", "г.г.", "года", "годы", ""])
def test_year_marks(mark: str) -> None:
    assert parse_deadline(f"2020-2021 {mark}").span() == (D(2020, 1, 1), D(2021, 12, 31))


def test_a_remark_that_is_not_a_deadline_is_kept_verbatim() -> None:
    spec = parse_deadline("октябрь 2023 г. (по согласованию с ОО, «Кванториум»)")
    assert not spec.needs_review
    assert spec.remarks == ("по согласованию с ОО, «Кванториум»",)
    assert spec.occurrences() == [Occurrence(D(2023, 10, 1), D(2023, 10, 31))]
    assert "Примечание (как в тексте): «по согласованию с ОО, «Кванториум»»" in spec.explain()


# ------------------------------------------------------ not understood, bad


def test_the_part_not_understood_is_named_and_nothing_is_dated() -> None:
    """Half a phrase understood is not a reading: kind `unrecognised`, the rest named, what was read shown."""
    spec = parse_deadline("Октябрь 2023 г., а в остальном сроки уточняются")
    assert spec.needs_review
    assert spec.review_reason == "не распознано «в остальном сроки уточняются»"
    assert spec.unread == ["в", "остальном", "сроки", "уточняются"]
    assert (spec.kind, spec.occurrences(), spec.span()) == ("unrecognised", [], (None, None))
    assert spec.windows == (Window(D(2023, 10, 1), D(2023, 10, 31)),)
    assert spec.explain().splitlines() == [
        "Срок не распознан полностью — даты не назначены",
        "Понято: Окно: 1 октября 2023 г. — 31 октября 2023 г.",
        "Требует проверки: не распознано «в остальном сроки уточняются»",
    ]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("31.02.2024", "«31.02.2024»: даты 31.02 не существует"),
        ("29.02.2023", "«29.02.2023»: даты 29.02.2023 не существует"),
        ("5 квартал 2023", "«5 квартал 2023»: квартала с номером 5 нет"),
        ("2030-2020 гг.", "«2030-2020 гг.»: неверный диапазон лет 2030–2020"),
        ("2023-2025 учебного года", "«2023-2025 учебного года»: учебный год должен состоять из двух соседних лет"),
        ("май 2024 – январь 2024", "«май 2024 – январь 2024»: начало позже окончания"),
        ("", "срок не указан"),
        ("еженедельно; ежемесячно", "«ежемесячно»: вторая периодичность не согласуется с «еженедельно»"),
    ],
)
def test_impossible_values_need_review(text: str, reason: str) -> None:
    spec = parse_deadline(text, SY)
    assert spec.needs_review
    assert spec.review_reason == reason


def test_parsing_never_raises_on_odd_input() -> None:
    for text in ["", " ", "\x00", "🙂", "0 г.", "9" * 5000, "((((", "))", ":", "до", "далее –", "31.13", "Сроки:"]:
        spec = parse_deadline(text, SY)
        assert spec.text == text
        spec.explain()


# ------------------------------------------------------------- round trips


def test_to_json_has_the_public_shape() -> None:
    spec = parse_deadline("Создание: 4 квартал 2020 г. Организация работы: постоянно")
    view = spec.to_json()
    assert set(view) == {
        "text", "kind", "start", "end", "occurrences", "skipped", "phases", "explanation", "needs_review", "review_reason", "times",
    }  # fmt: skip
    assert (view["start"], view["end"], view["occurrences"]) == ("2020-10-01", "2020-12-31", [{"start": "2020-10-01", "due": "2020-12-31"}])
    assert view["phases"][1] == {
        "label": "Организация работы",
        "text": "постоянно",
        "kind": "continuous",
        "start": None,
        "end": None,
        "occurrences": [],
        "skipped": [],
        "phases": [],
        "explanation": "Постоянно — без фиксированного срока",
        "needs_review": False,
        "review_reason": None,
        "times": [],
    }


def test_from_dict_rejects_a_broken_record() -> None:
    stored = parse_deadline("октябрь 2023").to_dict()
    assert DeadlineSpec.from_dict(stored) == parse_deadline("октябрь 2023")
    with pytest.raises(DeadlineDataError, match="Сохранённый срок не читается"):
        DeadlineSpec.from_dict({**stored, "kind": "someday"})
