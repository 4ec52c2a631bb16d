"""The report date: "today" is a calendar day in the roadmap's region, not on the server.

A Chelyabinsk roadmap is a day further on at 23:00 in Moscow, so when no
`--as-of` date is given each region gets its own today. `AsOf` carries that
per-region date into Python and into SQL as one expression.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Date, case, literal
from sqlalchemy.orm import Mapped
from sqlalchemy.sql.elements import ColumnElement

from calendars.academic import region

# Regions and roadmaps without a region are tracked on Moscow time, the federal default.
DEFAULT_TIMEZONE = "Europe/Moscow"


def today_in(region_code: str | None) -> date:
    """The current date in a region's time zone (Moscow for an unknown region)."""
    zone = region(region_code).timezone if region_code else DEFAULT_TIMEZONE
    return datetime.now(ZoneInfo(zone)).date()


@dataclass(frozen=True)
class AsOf:
    """The report date of each region: one given date for all, or each region's own today."""

    dates: dict[str | None, date]

    @classmethod
    def resolve(cls, given: date | None, regions: Iterable[str | None]) -> AsOf:
        codes = set(regions) or {None}
        return cls({code: given or today_in(code) for code in codes})

    def of(self, region_code: str | None) -> date:
        return self.dates[region_code]

    def sql(self, region_column: ColumnElement[str | None] | Mapped[str | None], plus_days: int = 0) -> ColumnElement[date]:
        """The date (shifted by plus_days) as an SQL expression of the roadmap's region column."""
        values = {code: day + timedelta(days=plus_days) for code, day in self.dates.items()}
        if len(set(values.values())) == 1:
            return literal(next(iter(values.values())), Date)
        whens = [(region_column == code, literal(day, Date)) for code, day in values.items() if code]
        return case(*whens, else_=literal(values.get(None, min(values.values())), Date))

    def describe(self) -> str:
        """Russian: "15.03.2024", or each region's date when they differ."""
        distinct = set(self.dates.values())
        if len(distinct) == 1:
            return f"{next(iter(distinct)):%d.%m.%Y}"
        return ", ".join(f"{day:%d.%m.%Y} ({code or 'без региона'})" for code, day in sorted(
            self.dates.items(), key=lambda pair: pair[0] or ""))

    def to_json(self) -> str | dict[str, str]:
        distinct = set(self.dates.values())
        if len(distinct) == 1:
            return next(iter(distinct)).isoformat()
        return {code or "": day.isoformat() for code, day in self.dates.items()}


def utc_now() -> datetime:
    """When a change is recorded: an aware UTC timestamp, the same on every server."""
    return datetime.now(UTC)
