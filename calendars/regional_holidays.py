"""A region's own non-working days, which the production calendar (`holidays`, RU) does not carry.

The `holidays` package knows no Russian subdivisions, yet republics close
schools on their own days: Tatarstan on 30 August and 6 November and on the
Kurban and Uraza Bayram its Rais sets each year, Bashkortostan on 11 October
and on the dates its Government sets. `data/calendars/<region>/holidays.toml`
holds them with their legal source:

    [holidays]
    source = "Закон … о праздничных днях"   # the law, for every day below without its own source

    [[yearly]]                  # the same day every year
    name = "День Конституции Республики Татарстан"
    date = "11-06"
    moves_from_weekend = true   # on a weekend, the day off moves to the next working day

    [[dated]]                   # set for one year (religious holidays by decree)
    name = "Ураза-байрам"
    date = 2026-03-20
    source = "Указ Раиса РТ …"
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from calendars.data_files import read_toml
from calendars.errors import CalendarError
from calendars.fields import FieldReader

SATURDAY = 5


@dataclass(frozen=True)
class RegionalHoliday:
    """One non-working day of a region: its date, name and the act that makes it one."""

    day: date
    name: str
    source: str


def regional_holidays(root: Path, region_code: str, years: Iterable[int], production: Mapping[date, str]) -> list[RegionalHoliday]:
    """The region's own non-working days in these calendar years; a day off moved from a weekend
    lands on the next weekday that is not already a public or regional holiday."""
    wanted = set(years)
    found: list[RegionalHoliday] = []
    for rule in _rules(str(root), region_code):
        for day in rule.days(wanted):
            found.append(RegionalHoliday(day, rule.name, rule.source))
            if rule.moves_from_weekend and day.weekday() >= SATURDAY:
                moved = _next_working_day(day, production, {h.day for h in found})
                found.append(RegionalHoliday(moved, f"{rule.name} (перенос выходного с {day:%d.%m.%Y})", rule.source))
    return sorted(found, key=lambda holiday: holiday.day)


@dataclass(frozen=True)
class _Rule:
    name: str
    source: str
    month_day: tuple[int, int] | None = None
    day: date | None = None
    moves_from_weekend: bool = False

    def days(self, years: set[int]) -> list[date]:
        """The rule's dates in these calendar years."""
        if self.month_day is not None:
            return [date(year, *self.month_day) for year in sorted(years)]
        return [self.day] if self.day is not None and self.day.year in years else []


@functools.lru_cache(maxsize=128)
def _rules(root: str, region_code: str) -> tuple[_Rule, ...]:
    path = Path(root) / "calendars" / region_code / "holidays.toml"
    if not path.exists():
        return ()
    table = read_toml(path)
    reader = FieldReader(path, CalendarError)
    reader.only(table, "", ("holidays", "yearly", "dated"))
    head = reader.table(table, "holidays")
    reader.only(head, "holidays", ("source",))
    law = reader.text(head, "source", "holidays")
    rules = []
    for key in ("yearly", "dated"):
        for where, entry in reader.each(table, key, default=[]):
            reader.only(entry, where, ("name", "date", "source", "moves_from_weekend"))
            value = reader.value(entry, "date", where)
            rules.append(_Rule(
                reader.text(entry, "name", where),
                reader.text(entry, "source", where, default=law),
                month_day=reader.month_day(value, f"{where}.date") if key == "yearly" else None,
                day=reader.day(value, f"{where}.date") if key == "dated" else None,
                moves_from_weekend=reader.flag(entry, "moves_from_weekend", where, default=False),
            ))
    return tuple(rules)


def _next_working_day(day: date, production: Mapping[date, str], regional: set[date]) -> date:
    following = day + timedelta(days=1)
    while following.weekday() >= SATURDAY or following in production or following in regional:
        following += timedelta(days=1)
    return following
