"""The school year as a value: "2023-2024" runs from 1 September 2023 to 31 August 2024.

Every document, calendar and norm file is keyed by it, so it is parsed once,
validated with a Russian message, and passed around as this small object.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from calendars.errors import CalendarError

_YEAR_RE = re.compile(r"^\s*(\d{4})\s*[-–—/]\s*(\d{4})\s*$")


@dataclass(frozen=True, order=True)
class SchoolYear:
    """A school year named by its first calendar year (2023 for "2023-2024")."""

    first: int

    @classmethod
    def parse(cls, text: str) -> SchoolYear:
        """Read "2023-2024" (also "2023/2024", "2023–2024"); the years must be consecutive."""
        match = _YEAR_RE.match(text or "")
        if not match:
            raise CalendarError(
                f"Неверный формат учебного года «{text}»: ожидается ГГГГ-ГГГГ, например 2023-2024."
            )
        first, second = int(match.group(1)), int(match.group(2))
        if second != first + 1:
            raise CalendarError(
                f"Учебный год «{text}»: второй год должен следовать за первым (например 2023-2024)."
            )
        if not 1990 <= first <= 2100:
            raise CalendarError(f"Учебный год «{text}» вне допустимого диапазона 1990–2100.")
        return cls(first)

    @classmethod
    def containing(cls, day: date) -> SchoolYear:
        """The school year a date belongs to (September starts a new one)."""
        return cls(day.year if day.month >= 9 else day.year - 1)

    @property
    def second(self) -> int:
        return self.first + 1

    @property
    def start(self) -> date:
        """1 September of the first year."""
        return date(self.first, 9, 1)

    @property
    def end(self) -> date:
        """31 August of the second year: the whole span, vacations included."""
        return date(self.second, 8, 31)

    def year_of_month(self, month: int) -> int:
        """The calendar year a month without a year falls in (Sep–Dec first, Jan–Aug second)."""
        return self.first if month >= 9 else self.second

    def __str__(self) -> str:
        return f"{self.first}-{self.second}"
