"""Suggestions for names that match nothing."""

from __future__ import annotations

from calendars.suggest import closest, did_you_mean


def test_a_typo_suggests_the_name_it_was_meant_to_be() -> None:
    assert closest("max_hours_per_wek", ["max_hours_per_day", "max_hours_per_week", "level"])[0] == "max_hours_per_week"


def test_a_part_of_a_name_suggests_the_names_containing_it_first() -> None:
    executors = ["ГАОУ ДПО «ЛОИРО»", "Комитет общего и профессионального образования", "Органы местного самоуправления"]
    assert closest("лоиро", executors) == ["ГАОУ ДПО «ЛОИРО»"]


def test_nothing_alike_gives_no_suggestion() -> None:
    assert closest("зоопарк", ["8А", "9Б"]) == []
    assert did_you_mean("зоопарк", ["8А", "9Б"]) == ""
    assert did_you_mean("8а", ["8А", "9Б"]) == " Возможно, имелось в виду: «8А»."
