"""Terms and vacations: periods of a school calendar that know what they are and where they came from.

A vacation has a kind (autumn, winter, spring, summer, or an extra one such
as the first graders' February week) as a typed value; its Russian name
always carries the season word («Осенние каникулы», «Дополнительные
каникулы для 1 классов»), which is how deadline phrases like «в период
осенних каникул» find it. A term or vacation remembers the day count an
order stated (checked against its dates when read) and its source, so the
calendar can say where every date came from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from calendars.periods import Period


class VacationKind(StrEnum):
    AUTUMN = "autumn"
    WINTER = "winter"
    SPRING = "spring"
    SUMMER = "summer"
    EXTRA = "extra"

    @property
    def label(self) -> str:
        """The Russian name of a vacation of this kind."""
        return _TITLES[self]

    @property
    def ends_year(self) -> bool:
        return self is VacationKind.SUMMER


_TITLES = {
    VacationKind.AUTUMN: "Осенние каникулы",
    VacationKind.WINTER: "Зимние каникулы",
    VacationKind.SPRING: "Весенние каникулы",
    VacationKind.SUMMER: "Летние каникулы",
    VacationKind.EXTRA: "Дополнительные каникулы",
}
# Stems that name a kind in a vacation's name; the extra kind first, so
# «дополнительные зимние каникулы» is the first graders' week, not winter.
_KIND_STEMS: tuple[tuple[VacationKind, tuple[str, ...]], ...] = (
    (VacationKind.EXTRA, ("дополнительн", "доп.")),
    (VacationKind.AUTUMN, ("осенн", "осень")),
    (VacationKind.WINTER, ("зимн", "зима", "новогодн")),
    (VacationKind.SPRING, ("весенн", "весна")),
    (VacationKind.SUMMER, ("летн", "лето")),
)
# The season a break falls in by the month it starts, for names of generated breaks.
_SEASON_OF_MONTH = {
    9: VacationKind.AUTUMN, 10: VacationKind.AUTUMN, 11: VacationKind.AUTUMN,
    12: VacationKind.WINTER, 1: VacationKind.WINTER, 2: VacationKind.WINTER,
    3: VacationKind.SPRING, 4: VacationKind.SPRING, 5: VacationKind.SPRING,
    6: VacationKind.SUMMER, 7: VacationKind.SUMMER, 8: VacationKind.SUMMER,
}  # fmt: skip


_ORDINALS = ("", "вторые", "третьи", "четвёртые", "пятые")


def numbered_name(kind: VacationKind, number: int) -> str:
    """«Осенние каникулы» for a season's first vacation, «Осенние каникулы (вторые)» for the next (modular and trimester years)."""
    ordinal = _ORDINALS[min(number, len(_ORDINALS)) - 1]
    return f"{kind.label} ({ordinal})" if ordinal else kind.label


def kind_of(name: str) -> VacationKind | None:
    """The kind a vacation's name says («Осенние», «дополнительные для 1-х классов»), None when it names none."""
    folded = name.lower().replace("ё", "е")
    return next((kind for kind, stems in _KIND_STEMS if any(stem in folded for stem in stems)), None)


def season_of(day: date) -> VacationKind:
    """The season a break starting on this day belongs to."""
    return _SEASON_OF_MONTH[day.month]


@dataclass(frozen=True)
class Term(Period):
    """A study period (quarter, trimester, half-year, module); `weeks` and `stated_days` (school days) as its order stated them."""

    weeks: int | None = None
    stated_days: int | None = None
    source: str = ""

    def to_json(self) -> dict[str, Any]:
        return {**super().to_json(), "weeks": self.weeks, "stated_days": self.stated_days, "source": self.source}


@dataclass(frozen=True)
class Vacation(Period):
    """A vacation of a kind; `stated_days` is the count its order stated (checked against the dates on import)."""

    kind: VacationKind = VacationKind.EXTRA
    stated_days: int | None = None
    source: str = ""

    @property
    def length(self) -> int:
        """Calendar days from start to end inclusive."""
        return (self.end - self.start).days + 1

    def to_json(self) -> dict[str, Any]:
        return {**super().to_json(), "kind": str(self.kind), "days": self.length, "source": self.source}
