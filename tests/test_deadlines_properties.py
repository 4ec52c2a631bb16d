"""Properties of the deadline grammar on arbitrary text: it never raises, round-trips, and yields ordered occurrences."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calendars.deadlines import DeadlineSpec, parse_deadline
from calendars.school_year import SchoolYear
from tests.calendar_helpers import FEDERAL

# Pieces of real deadlines, boundary values and junk, so random text often reaches deep into the grammar.
VOCABULARY = [
    "до", "с", "по", "в", "течение", "года", "учебного", "г.", "гг.", "г.г.", "уч.", "/", "далее", "не", "реже",
    "позднее", "конца", "2023", "2024", "2020-2030", "2023-24", "0", "1", "2", "4", "5", "31", "99", "100",
    "1899", "1900", "2100", "2101", "99999999999", "31.02", "29.02.2023", "01.09.2023", "1.09", "2024-02-29",
    "13.13", "квартал", "полугодие", "четверть", "месяц", "неделю", "год", "раза", "раз", "дважды", "1-й",
    "3-х", "II", "Первое", "ежегодно", "еженедельно", "ежемесячно", "ежеквартально", "каждую", "четвергам",
    "вторникам", "январь", "декабря", "мае", "–", "-", "—", ",", ";", "(", ")", ":", "…", "Создание:",
    "Апробация:", "постоянно", "по мере необходимости", "по отдельному плану", "согласно", "«", "»", "\n", "\u00a0",
]  # fmt: skip
phrases = st.one_of(
    st.text(),
    st.lists(st.sampled_from(VOCABULARY), max_size=14).map(" ".join),
    st.lists(st.sampled_from(VOCABULARY), max_size=14).map("".join),
)
school_years = st.one_of(st.none(), st.integers(1990, 2100).map(SchoolYear))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(phrases, school_years, st.booleans())
def test_any_text_parses_round_trips_and_expands_in_order(text: str, school_year: SchoolYear | None, with_terms: bool) -> None:
    spec = parse_deadline(text, school_year)
    assert spec.text == text
    assert spec.needs_review == (spec.review_reason is not None)
    assert DeadlineSpec.from_dict(json.loads(json.dumps(spec.to_dict()))) == spec
    terms = FEDERAL if with_terms else None
    found = spec.occurrences(terms)
    assert found == sorted(found)
    assert all(occurrence.start <= occurrence.due for occurrence in found)
    start, end = spec.span(terms)
    if found and spec.kind in ("window", "recurring") and start and end:
        assert start <= found[0].start and found[-1].due <= end
    view = spec.to_json(terms)
    assert json.loads(json.dumps(view)) == view
    assert isinstance(view["explanation"], str) and view["explanation"]
