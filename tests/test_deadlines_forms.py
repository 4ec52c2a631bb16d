"""Deadline forms found in real plans beyond the seeds: each form with its exact reading, and the rule
that a phrase is understood only when every word of it is accounted for."""

from __future__ import annotations

import json
import re
from datetime import date, time

import pytest
from hypothesis import HealthCheck, given, settings

from calendars.academic import region_calendars
from calendars.deadlines import DeadlineSpec, Occurrence, parse_clauses, parse_deadline
from calendars.deadlines.grammar import NotUnderstood, Timed
from calendars.deadlines.model import SchoolPart, TimeOfDay, Window
from calendars.periods import Period
from calendars.school_year import SchoolYear
from tests.test_deadlines_properties import phrases, school_years

SY = SchoolYear(2023)
D = date
# Every form of this module, read whole in its school year (bench/bench_deadlines.py parses these too).
FORMS: list[tuple[str, int | None]] = [
    ("I четверть", 2023), ("в течение 2 четверти", 2023), ("по итогам четверти", 2023), ("по итогам I четверти", 2023),
    ("в период осенних каникул", 2023), ("зимние каникулы", 2023), ("летние каникулы", 2023), ("конец учебного года", 2023),
    ("II триместр", 2023), ("до 15 мая 2024 включительно", 2023), ("первая неделя сентября", 2023),
    ("в последнюю неделю месяца", 2023), ("с 5-го по 9-е ноября", 2023), ("с пятого по девятое ноября", 2023),
    ("двадцать пятое ноября", 2023), ("14, 15 ноября", 2023), ("01.09-30.09.2023", 2023), ("14 октября по 18 октября 2023", 2023),
    ("14 октября 2023 (суббота)", 2023), ("с 24 октября 2026 года (суббота) по 1 ноября 2026 года (воскресенье)", 2026),
    ("31.12.2026 – 10.01.2027", 2026), ("01.09.2026 г. (вторник)", 2026),
    ("с 24 октября (суббота) по 1 ноября (воскресенье) 2026 года", 2026), ("I четверть — 01.09.2026–23.10.2026", 2026),
    ("два раза в год — в марте и ноябре", 2023), ("1 раз в 2 года, 2020-2030 гг.", None),
    ("до 1 марта года, следующего за отчётным", 2023), ("октябрь 2023, с 10 до 15 часов", 2023),
]  # fmt: skip


@pytest.mark.parametrize(("text", "first_year"), FORMS)
def test_every_form_is_read_whole(text: str, first_year: int | None) -> None:
    spec = parse_deadline(text, SchoolYear(first_year) if first_year else None)
    assert (spec.needs_review, spec.unread) == (False, []), spec.review_reason
    assert spec.kind in ("window", "recurring") and spec.occurrences()


class Trimesters:
    """A region on trimesters, with an extra February vacation for first graders."""

    def terms(self, school_year: SchoolYear) -> list[Period]:
        first, second = school_year.first, school_year.second
        return [
            Period("1 триместр", D(first, 9, 1), D(first, 11, 24)),
            Period("2 триместр", D(first, 12, 4), D(second, 2, 23)),
            Period("3 триместр", D(second, 3, 4), D(second, 5, 31)),
        ]

    def vacations(self, school_year: SchoolYear) -> list[Period]:
        first, second = school_year.first, school_year.second
        return [
            Period("Осенние каникулы", D(first, 11, 25), D(first, 12, 3)),
            Period("Дополнительные каникулы для 1 классов", D(second, 2, 10), D(second, 2, 18)),
            Period("Зимние каникулы", D(second, 2, 24), D(second, 3, 3)),
        ]

    def day_off(self, day: date) -> str | None:
        return None


def dates(text: str, school_year: SchoolYear | None = SY, calendar=None) -> list[tuple[date, date]]:  # type: ignore[no-untyped-def]
    spec = parse_deadline(text, school_year)
    assert not spec.needs_review, spec.review_reason
    assert spec.unread == []
    return [(o.start, o.due) for o in spec.occurrences(calendar)]


# ------------------------------------------------------- school calendar words


@pytest.mark.parametrize(
    ("text", "federal", "regional"),
    [
        ("I четверть", (D(2023, 9, 1), D(2023, 10, 27)), (D(2023, 9, 1), D(2023, 10, 27))),
        ("в течение 2 четверти", (D(2023, 11, 6), D(2023, 12, 29)), (D(2023, 11, 6), D(2023, 12, 29))),
        ("IV четверть 2023-2024 учебного года", (D(2024, 4, 1), D(2024, 5, 25)), (D(2024, 4, 1), D(2024, 5, 24))),
        ("по итогам I четверти", (D(2023, 9, 1), D(2023, 10, 27)), (D(2023, 9, 1), D(2023, 10, 27))),
        ("в период осенних каникул", (D(2023, 10, 28), D(2023, 11, 5)), (D(2023, 10, 28), D(2023, 11, 5))),
        ("зимние каникулы", (D(2023, 12, 30), D(2024, 1, 8)), (D(2023, 12, 30), D(2024, 1, 8))),
        ("во время весенних каникул", (D(2024, 3, 23), D(2024, 3, 31)), (D(2024, 3, 23), D(2024, 3, 31))),
        ("летние каникулы", (D(2024, 5, 26), D(2024, 8, 31)), (D(2024, 5, 25), D(2024, 8, 31))),
        ("конец учебного года", (D(2024, 5, 4), D(2024, 5, 31)), (D(2024, 4, 27), D(2024, 5, 24))),
        ("в начале учебного года", (D(2023, 9, 1), D(2023, 9, 28)), (D(2023, 9, 1), D(2023, 9, 28))),
    ],
)
def test_school_calendar_words_follow_the_region_and_fall_back_to_the_federal_approximation(
    text: str, federal: tuple[date, date], regional: tuple[date, date]
) -> None:
    assert dates(text) == [federal]
    assert dates(text, calendar=region_calendars("RU-LEN")) == [regional]


def test_without_a_calendar_the_explanation_says_the_dates_are_approximate() -> None:
    spec = parse_deadline("в период осенних каникул", SY)
    assert "по федеральному приближению, календарь региона не задан" in spec.explain()
    assert "по календарю региона" in spec.explain(region_calendars("RU-LEN"))
    assert spec.windows[0].school == SchoolPart("vacation", 2023, season="autumn")


def test_terms_and_vacations_of_a_trimester_region_are_matched_by_their_names() -> None:
    calendar = Trimesters()
    assert dates("II триместр", calendar=calendar) == [(D(2023, 12, 4), D(2024, 2, 23))]
    assert dates("зимние каникулы", calendar=calendar) == [(D(2024, 2, 24), D(2024, 3, 3))]
    extra = parse_deadline("дополнительные каникулы", SY)  # no federal date: only a region's calendar gives one
    assert extra.needs_review and "только в календаре региона" in (extra.review_reason or "")
    assert [(o.start, o.due) for o in extra.occurrences(calendar)] == [(D(2024, 2, 10), D(2024, 2, 18))]
    quarter = parse_deadline("II четверть", SY)
    assert "в календаре региона 3 учебных периода, а не 4" in quarter.explain(calendar)


def test_after_each_quarter_is_a_quarterly_rule_due_at_each_quarters_end() -> None:
    spec = parse_deadline("по итогам четверти", SY)
    assert spec.kind == "recurring" and spec.recurrence is not None and spec.recurrence.unit == "school_quarter"
    assert [o.due for o in spec.occurrences(region_calendars("RU-LEN"))] == [
        D(2023, 10, 27), D(2023, 12, 29), D(2024, 3, 22), D(2024, 5, 24),
    ]  # fmt: skip


def test_a_term_without_a_school_year_needs_one() -> None:
    spec = parse_deadline("II четверть")
    assert spec.needs_review and "не указан год" in (spec.review_reason or "")


# ----------------------------------------------------------- dates and days


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("до 15 мая 2024 включительно", [(D(2023, 9, 1), D(2024, 5, 15))]),
        ("до 15 мая 2024", [(D(2023, 9, 1), D(2024, 5, 14))]),
        ("с 01.10.2023 до 15.10.2023 включительно", [(D(2023, 10, 1), D(2023, 10, 15))]),
        ("первая неделя сентября", [(D(2023, 9, 1), D(2023, 9, 7))]),
        ("последняя неделя февраля 2024 г.", [(D(2024, 2, 23), D(2024, 2, 29))]),
        ("с 5-го по 9-е ноября", [(D(2023, 11, 5), D(2023, 11, 9))]),
        ("с пятого по девятое ноября", [(D(2023, 11, 5), D(2023, 11, 9))]),
        ("двадцать пятое ноября", [(D(2023, 11, 25), D(2023, 11, 25))]),
        ("14, 15 ноября", [(D(2023, 11, 14), D(2023, 11, 14)), (D(2023, 11, 15), D(2023, 11, 15))]),
        ("5 и 6 октября 2023 г.", [(D(2023, 10, 5), D(2023, 10, 5)), (D(2023, 10, 6), D(2023, 10, 6))]),
        ("01.09-30.09.2023", [(D(2023, 9, 1), D(2023, 9, 30))]),
        ("14 октября по 18 октября 2023", [(D(2023, 10, 14), D(2023, 10, 18))]),
        ("01.10.2023 по 15.10.2023", [(D(2023, 10, 1), D(2023, 10, 15))]),
        ("31.12.2026 – 10.01.2027", [(D(2026, 12, 31), D(2027, 1, 10))]),
        ("01.09.2026 г.", [(D(2026, 9, 1), D(2026, 9, 1))]),  # the year marked again after a date with its year
        ("01.09.2026 года (вторник)", [(D(2026, 9, 1), D(2026, 9, 1))]),
        ("с 24.10.2026 г. (суббота) по 01.11.2026 г. (воскресенье)", [(D(2026, 10, 24), D(2026, 11, 1))]),
        ("24.10.2026г. – 01.11.2026г.", [(D(2026, 10, 24), D(2026, 11, 1))]),
        ("с 24 октября (суббота) по 1 ноября (воскресенье) 2026 года", [(D(2026, 10, 24), D(2026, 11, 1))]),  # the year last
    ],
)
def test_dates_and_days(text: str, expected: list[tuple[date, date]]) -> None:
    school_year = SchoolYear.containing(expected[0][1])
    assert dates(text, school_year) == expected


def test_a_weekday_before_the_year_is_checked_in_that_year() -> None:
    spec = parse_deadline("с 24 октября (пятница) по 1 ноября 2026 года", SchoolYear(2026))
    assert spec.needs_review and "24 октября 2026 г. — суббота, а в тексте — пятница" in (spec.review_reason or "")


@pytest.mark.parametrize(
    ("text", "school", "written"),
    [
        ("I четверть — 01.09.2026–23.10.2026", SchoolPart("term", 2026, 1), (D(2026, 9, 1), D(2026, 10, 23))),
        ("Начало учебного года — 01.09.2026 г.", SchoolPart("year_start", 2026), (D(2026, 9, 1), D(2026, 9, 1))),
        ("Осенние каникулы — 24.10.2026 – 01.11.2026", SchoolPart("vacation", 2026, season="autumn"),
         (D(2026, 10, 24), D(2026, 11, 1))),
    ],
)
def test_a_dash_between_a_named_period_and_its_dates_makes_no_range(
    text: str, school: SchoolPart, written: tuple[date, date]
) -> None:
    """Read as a range, «I четверть — 01.09.2026–23.10.2026» gave 1.09 (from the quarter to the first date) and 23.10 apart."""
    spec = parse_deadline(text, SchoolYear(2026))
    assert (spec.needs_review, spec.unread) == (False, [])
    assert [w.school for w in spec.windows] == [school, None]
    assert (spec.windows[1].start, spec.windows[1].end) == written
    assert dates("сентябрь – 15 октября") == [(D(2023, 9, 1), D(2023, 10, 15))]  # a month to a day is still a range


def test_the_clauses_written_as_dates_are_told_from_the_periods_named_by_words() -> None:
    """What a calendar order's row needs: its dates, not the term, vacation or study year its words name."""
    text = "Осенние каникулы (I четверть, 1 полугодие, сентябрь) на 2026-2027 учебный год: с 24 октября 2026 года (суббота) по 1 ноября"
    clauses = parse_clauses(text, SchoolYear(2026))
    timed = [clause for clause in clauses if isinstance(clause, Timed)]
    assert [(c.window.start, c.window.end) for c in timed if c.by_dates and c.window] == [(D(2026, 10, 24), D(2026, 11, 1))]
    assert len(timed) == 6 and not any(isinstance(clause, NotUnderstood) for clause in clauses)
    bound = parse_clauses("до 1 ноября 2026 г.", SchoolYear(2026))
    assert [c.by_dates for c in bound if isinstance(c, Timed)] == [False]  # a bound is no span
    wrong = [c for c in parse_clauses("с 24.10.2026 (пятница)", SchoolYear(2026)) if isinstance(c, Timed)]
    assert wrong[0].by_dates and wrong[0].flags == ("«с 24.10.2026 (пятница)»: 24 октября 2026 г. — суббота, а в тексте — пятница; "
                                                    "проверьте число и год",)


def test_a_range_with_weekdays_in_brackets_is_one_range_and_the_weekdays_are_checked() -> None:
    text = "с 24 октября 2026 года (суббота) по 1 ноября 2026 года (воскресенье)"
    spec = parse_deadline(text, SchoolYear(2026))
    assert (spec.kind, spec.needs_review, spec.unread) == ("window", False, [])
    assert spec.occurrences() == [Occurrence(D(2026, 10, 24), D(2026, 11, 1))]


@pytest.mark.parametrize("text", ["14 октября 2023 (суббота)", "14.10.2023 (сб.)", "14 октября 2023 г. (Сб)"])
def test_a_matching_weekday_is_accepted(text: str) -> None:
    spec = parse_deadline(text, SY)
    assert not spec.needs_review and spec.occurrences() == [Occurrence(D(2023, 10, 14), D(2023, 10, 14))]


def test_a_weekday_that_is_not_the_dates_flags_the_item_and_keeps_the_date() -> None:
    """The source's year is wrong: 14 October is a Saturday in 2023, a Tuesday in 2025."""
    spec = parse_deadline("14 октября 2025 (суббота)", SchoolYear(2025))
    assert spec.needs_review and spec.kind == "window"
    assert spec.review_reason == "«14 октября 2025 (суббота)»: 14 октября 2025 г. — вторник, а в тексте — суббота; проверьте число и год"
    assert spec.occurrences() == [Occurrence(D(2025, 10, 14), D(2025, 10, 14))]


def test_a_date_outside_the_documents_school_year_is_flagged() -> None:
    spec = parse_deadline("октябрь 2032", SY)
    assert spec.needs_review and "вне периода документа (1 января 2023 г. — 31 декабря 2024 г.)" in (spec.review_reason or "")
    within = parse_deadline("октябрь 2032", SY, Window(D(2020, 1, 1), D(2035, 12, 31)))
    assert not within.needs_review


# ---------------------------------------------------------------- frequencies


def test_a_frequency_with_its_months_gives_one_occurrence_per_month() -> None:
    assert dates("два раза в год — в марте и ноябре") == [(D(2023, 11, 1), D(2023, 11, 30)), (D(2024, 3, 1), D(2024, 3, 31))]
    mismatched = parse_deadline("два раза в год: в марте, мае и ноябре", SY)
    assert mismatched.needs_review and "названо частей года — 3" in (mismatched.review_reason or "")


def test_once_in_two_years() -> None:
    found = dates("1 раз в 2 года, 2020-2030 гг.", None)
    assert [start.year for start, _ in found] == [2020, 2022, 2024, 2026, 2028, 2030]
    assert parse_deadline("раз в два года").explain().startswith("1 раз в 2 года")


def test_until_1_march_of_the_year_after_the_reporting_one_is_yearly() -> None:
    spec = parse_deadline("до 1 марта года, следующего за отчётным", SY)
    assert (spec.kind, spec.needs_review, spec.unread) == ("recurring", False, [])
    assert [o.due for o in spec.occurrences()] == [D(2024, 2, 29)]
    later = parse_deadline("до 1 марта года, следующего за отчетным, 2024-2026 гг.")
    assert [o.due for o in later.occurrences()] == [D(2024, 2, 29), D(2025, 2, 28), D(2026, 2, 28)]


def test_last_week_of_every_month() -> None:
    found = dates("в последнюю неделю месяца")
    assert found[0] == (D(2023, 9, 24), D(2023, 9, 30)) and found[-1] == (D(2024, 5, 25), D(2024, 5, 31)) and len(found) == 9


@pytest.mark.parametrize(
    ("text", "times"),
    [
        ("октябрь 2023, с 10 до 15 часов", (TimeOfDay(time(10), time(15)),)),
        ("октябрь 2023 с 10:00 до 15:00", (TimeOfDay(time(10), time(15)),)),
        ("15 ноября 2023 г. в 14.30", (TimeOfDay(time(14, 30)),)),
        ("15 ноября 2023 г., 10.00–12.00", (TimeOfDay(time(10), time(12)),)),
    ],
)
def test_times_of_day_are_kept_as_times(text: str, times: tuple[TimeOfDay, ...]) -> None:
    spec = parse_deadline(text, SY)
    assert (spec.needs_review, spec.unread, spec.times) == (False, [], times)
    assert DeadlineSpec.from_dict(json.loads(json.dumps(spec.to_dict()))).times == times
    assert spec.kind == "window" and "Время: " in spec.explain()


def test_hours_alone_date_nothing_and_say_so() -> None:
    spec = parse_deadline("с 10 до 15 часов", SY)
    assert spec.needs_review and spec.review_reason == "указано только время «с 10 до 15 часов», дата не указана"


# -------------------------------------------------------- never a silent misreading


@pytest.mark.parametrize(
    ("text", "unread"),
    [
        ("сентябрь 2023 (кроме 10 сентября)", ["кроме", "10", "сентября"]),
        ("октябрь 2023 ориентировочно", ["ориентировочно"]),
        ("по согласованию с МО", ["по", "согласованию", "с", "МО"]),
        ("ежегодно к Дню учителя", ["к", "Дню", "учителя"]),
    ],
)
def test_a_phrase_not_wholly_read_is_unrecognised_and_names_what_was_not(text: str, unread: list[str]) -> None:
    spec = parse_deadline(text, SY)
    assert spec.kind == "unrecognised" and spec.needs_review and spec.occurrences() == []
    assert spec.unread == unread
    assert all(word in (spec.review_reason or "") for word in unread)


def test_a_remark_without_dates_is_kept_as_a_note() -> None:
    spec = parse_deadline("октябрь 2023 (по согласованию с предприятиями)", SY)
    assert (spec.kind, spec.needs_review, spec.remarks) == ("window", False, ("по согласованию с предприятиями",))


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(phrases, school_years)
def test_no_phrase_is_both_unflagged_and_partly_unread(text: str, school_year: SchoolYear | None) -> None:
    """Every word of an unflagged phrase lies inside a span some rule read; words are found here independently."""
    spec = parse_deadline(text, school_year)
    assert spec.read is not None
    merged: list[list[int]] = []
    for start, end in sorted(spec.read):  # spans that touch read one run of text ("2000ПОСТОЯННО": number, word)
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    words = [(match.start(), match.end()) for match in re.finditer(r"[^\W_]+", text)]
    unread = [(a, b) for a, b in words if not any(start <= a and b <= end for start, end in merged)]
    if not spec.needs_review:
        assert unread == [], (text, [text[a:b] for a, b in unread])
    assert (spec.kind == "unrecognised") <= spec.needs_review
