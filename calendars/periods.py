"""Period: a named inclusive date range (a term, a vacation, a closure), shared by every calendar module.

Kept in a module of its own with no dependencies, so the deadline grammar
and the academic calendar can both speak of periods without importing each
other.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any


@dataclass(frozen=True)
class Period:
    """A named inclusive date range: a term, a vacation or a closure."""

    name: str
    start: date
    end: date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    def days(self) -> Iterator[date]:
        """Every date of the period, in order."""
        day = self.start
        while day <= self.end:
            yield day
            day += timedelta(days=1)

    def overlaps(self, other: Period) -> bool:
        return self.start <= other.end and other.start <= self.end

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "start": self.start.isoformat(), "end": self.end.isoformat()}
