"""Value types of a parsed deadline: windows, yearly windows, recurrences, occurrences.

They are plain frozen data so that a spec can be stored as JSON and compared
in tests; what they mean over time (expansion) and in words (explanation)
lives in `expand` and `explain`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time
from typing import Any, Literal, Protocol, cast

from calendars.deadlines.dates import MonthDay, clamped

Kind = Literal["window", "recurring", "phased", "continuous", "on_demand", "separate_schedule", "unrecognised"]
KINDS: tuple[Kind, ...] = ("window", "recurring", "phased", "continuous", "on_demand", "separate_schedule", "unrecognised")
"""`unrecognised`: some words of the phrase are accounted for by no rule; it is flagged and dates nothing."""
KIND_NAMES: dict[Kind, str] = {
    "window": "срок",
    "recurring": "повторяется",
    "phased": "этапы",
    "continuous": "постоянно",
    "on_demand": "по необходимости",
    "separate_schedule": "по отдельному плану",
    "unrecognised": "не распознан",
}
"""The Russian name of each kind, as every list of items (terminal, web) shows it."""


def kind_name(kind: str) -> str:
    """The Russian name of a stored kind (a kind this version does not know is shown as stored)."""
    return KIND_NAMES.get(cast(Kind, kind), kind)

SchoolPartKind = Literal["term", "vacation", "year_start", "year_end"]
SCHOOL_PART_KINDS: tuple[SchoolPartKind, ...] = ("term", "vacation", "year_start", "year_end")

Unit = Literal["week", "month", "quarter", "half", "year", "school_quarter"]
"""What a frequency counts in; "quarter" and "half" are calendar ones, "school_quarter" is a четверть."""
UNITS: tuple[Unit, ...] = ("week", "month", "quarter", "half", "year", "school_quarter")


def iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def from_iso(text: str | None) -> date | None:
    return date.fromisoformat(text) if text is not None else None


@dataclass(frozen=True, order=True)
class Occurrence:
    """One instance of a deadline: work may start on `start` and must be done by `due` (both inclusive)."""

    start: date
    due: date

    def to_json(self) -> dict[str, str]:
        return {"start": self.start.isoformat(), "due": self.due.isoformat()}


@dataclass(frozen=True, order=True)
class SkippedDay:
    """A date a recurrence would fall on that the school calendar has no lessons on, and why."""

    day: date
    reason: str

    def to_json(self) -> dict[str, str]:
        return {"date": self.day.isoformat(), "reason": self.reason}


@dataclass(frozen=True)
class SchoolPart:
    """A part of a school year its calendar dates: a term («I четверть»), a vacation («осенние каникулы»),
    the start or the end of the study year («конец учебного года»).

    `terms` says how the year is divided (4 quarters or 3 trimesters) for a
    term; `season` names a vacation (autumn, winter, spring, summer, extra).
    """

    kind: SchoolPartKind
    school_year: int
    number: int = 0
    terms: int = 4
    season: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "school_year": self.school_year, "number": self.number, "terms": self.terms, "season": self.season}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SchoolPart:
        kind = data["kind"]
        if kind not in SCHOOL_PART_KINDS:
            raise ValueError(f"unknown school part {kind!r}")
        return cls(cast(SchoolPartKind, kind), int(data["school_year"]), int(data["number"]), int(data["terms"]), str(data["season"]))


@dataclass(frozen=True)
class Window:
    """A date range named by the text.

    `start` is None for a bare bound ("до 1 сентября" with no school year to
    start from), `end` is None for an open start ("с сентября 2023 г.").
    `study_year` marks the study period of that school year ("в течение
    учебного года"), `school` a term, a vacation or the year's end: the
    stored dates are the federal approximation and the region's calendar
    replaces them when it is known.
    """

    start: date | None
    end: date | None
    study_year: int | None = None
    school: SchoolPart | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": iso(self.start),
            "end": iso(self.end),
            "study_year": self.study_year,
            "school": self.school.to_dict() if self.school else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Window:
        study_year = data.get("study_year")
        school = data.get("school")
        return cls(
            from_iso(data["start"]),
            from_iso(data["end"]),
            int(study_year) if study_year is not None else None,
            SchoolPart.from_dict(school) if school else None,
        )


@dataclass(frozen=True)
class YearlyWindow:
    """A window repeated every year, as month/day bounds (both inclusive).

    An `end` before `start` crosses New Year ("декабрь – январь"). `start` is
    None for a yearly bound ("до мая, далее – ежегодно"): the start of each
    cycle is then found from the school year, see `expand`.
    """

    start: MonthDay | None
    end: MonthDay

    def dates_in(self, year: int) -> tuple[date | None, date]:
        """This window's cycle that starts in `year` (or, for a bare bound, is due in `year`)."""
        if self.start is None:
            return None, clamped(year, *self.end)
        crosses_new_year = self.end < self.start
        return clamped(year, *self.start), clamped(year + crosses_new_year, *self.end)

    def to_dict(self) -> dict[str, Any]:
        return {"start": list(self.start) if self.start else None, "end": list(self.end)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> YearlyWindow:
        start = data["start"]
        month, day = data["end"]
        return cls((int(start[0]), int(start[1])) if start else None, (int(month), int(day)))


@dataclass(frozen=True)
class Recurrence:
    """A repeating deadline: `times` occurrences per `unit` inside each of the `within` windows.

    `anchors` pin a yearly recurrence to part of each year ("январь", "4
    квартал", "до мая"); without anchors the period itself is split into
    `times` equal parts. `weekdays` (0 = Monday) pick days of a weekly
    recurrence ("по четвергам"). `at_least` records "не реже", which sets a
    minimum, not a different schedule. `every` counts units between
    occurrences ("раз в два года" = 2); `week_of_month` (1–4, -1 for the
    last) cuts each month to one week ("в последнюю неделю месяца").
    """

    unit: Unit
    times: int = 1
    at_least: bool = False
    weekdays: tuple[int, ...] = ()
    anchors: tuple[YearlyWindow, ...] = ()
    within: tuple[Window, ...] = ()
    every: int = 1
    week_of_month: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "times": self.times,
            "at_least": self.at_least,
            "weekdays": list(self.weekdays),
            "anchors": [anchor.to_dict() for anchor in self.anchors],
            "within": [window.to_dict() for window in self.within],
            "every": self.every,
            "week_of_month": self.week_of_month,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Recurrence:
        unit = data["unit"]
        if unit not in UNITS:
            raise ValueError(f"unknown unit {unit!r}")
        return cls(
            unit=cast(Unit, unit),
            times=int(data["times"]),
            at_least=bool(data["at_least"]),
            weekdays=tuple(int(day) for day in data["weekdays"]),
            anchors=tuple(YearlyWindow.from_dict(anchor) for anchor in data["anchors"]),
            within=tuple(Window.from_dict(window) for window in data["within"]),
            every=int(data.get("every", 1)),
            week_of_month=int(data["week_of_month"]) if data.get("week_of_month") is not None else None,
        )


@dataclass(frozen=True)
class TimeOfDay:
    """Hours the text names ("с 10 до 15 часов", "в 14:00"): kept as times, not folded into the dates."""

    start: time
    end: time | None = None

    def to_dict(self) -> dict[str, str | None]:
        return {"start": self.start.strftime("%H:%M"), "end": self.end.strftime("%H:%M") if self.end else None}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TimeOfDay:
        end = data.get("end")
        return cls(time.fromisoformat(data["start"]), time.fromisoformat(end) if end else None)

    def text(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}" if self.end else f"{self.start:%H:%M}"


class Phrase(Protocol):
    """What expanding and explaining a deadline read of it: the fields of spec.DeadlineSpec, as a
    protocol, so that expand and explain need not import the spec whose methods call them."""

    @property
    def kind(self) -> Kind: ...

    @property
    def windows(self) -> tuple[Window, ...]: ...

    @property
    def recurrence(self) -> Recurrence | None: ...

    @property
    def phases(self) -> Sequence[tuple[str, Phrase]]: ...

    @property
    def school_year(self) -> int | None: ...

    @property
    def times(self) -> tuple[TimeOfDay, ...]: ...

    @property
    def notes(self) -> tuple[str, ...]: ...

    @property
    def remarks(self) -> tuple[str, ...]: ...

    @property
    def needs_review(self) -> bool: ...

    @property
    def review_reason(self) -> str | None: ...
