"""The production calendar comes from `holidays` and is kept on disk, so a light command need not import it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import holidays
import pytest

from calendars import production
from calendars.production import production_calendar


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    production_calendar.cache_clear()
    yield tmp_path
    production_calendar.cache_clear()


def _expected(first: int, second: int) -> tuple[dict, frozenset]:
    days = holidays.country_holidays("RU", years=[first, second], language="ru")
    return dict(days), frozenset(days.weekend_workdays)


@pytest.mark.parametrize("years", [(2023, 2024), (2026, 2027)])
def test_the_calendar_is_the_librarys_and_the_second_reading_comes_from_the_cache(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch, years: tuple[int, int],
) -> None:
    first = production_calendar(*years)
    assert (first.holidays, first.working_weekends) == _expected(*years)
    assert "Новогодние каникулы" in set(first.holidays.values()) and first.working_weekends
    assert (cache_home / "profplan" / f"production-RU-{years[0]}-{years[1]}.json").is_file()

    production_calendar.cache_clear()

    def unavailable(*args: object, **kwargs: object) -> None:
        raise AssertionError("computed again instead of read from the cache")

    monkeypatch.setattr(holidays, "country_holidays", unavailable)
    assert production_calendar(*years) == first


@pytest.mark.parametrize("damage", ["{not json", '{"key": [0], "holidays": {}, "working_weekends": []}', '{"key": "x"}'])
def test_a_damaged_or_foreign_cache_file_is_computed_afresh_and_replaced(cache_home: Path, damage: str) -> None:
    production_calendar(2023, 2024)
    path = cache_home / "profplan" / "production-RU-2023-2024.json"
    path.write_text(damage, encoding="utf-8")
    production_calendar.cache_clear()
    again = production_calendar(2023, 2024)
    assert (again.holidays, again.working_weekends) == _expected(2023, 2024)
    assert json.loads(path.read_text(encoding="utf-8"))["key"] == production._installation_key(2023, 2024)


def test_an_unwritable_cache_only_means_computing_every_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))  # a file where the folder should be
    production_calendar.cache_clear()
    try:
        days = production_calendar(2023, 2024)
    finally:
        production_calendar.cache_clear()
    assert (days.holidays, days.working_weekends) == _expected(2023, 2024)
    assert list(tmp_path.iterdir()) == [blocker]
