"""DeadlineSpec: what a deadline phrase was understood to mean, stored as JSON in the database.

The spec keeps the verbatim text and the structure only (windows,
recurrence, phases); dates that depend on a region's school calendar (its
terms, vacations and holidays) are computed when asked, with `calendar`, so
one stored spec serves every region's calendar.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

from calendars.deadlines import expand, explain
from calendars.deadlines.model import KINDS, Kind, Occurrence, Recurrence, SkippedDay, TimeOfDay, Window, iso
from calendars.deadlines.terms import SchoolCalendar
from calendars.errors import ProfplanError

FORMAT_VERSION = 1
"""Fields added since (times, school parts of windows, every, week_of_month) are optional on reading."""
_WORD_RE = re.compile(r"[^\W_]+")


class DeadlineDataError(ProfplanError):
    """A stored deadline spec that cannot be read back."""


@dataclass(frozen=True)
class DeadlineSpec:
    """A parsed deadline phrase.

    `kind` is one of KINDS. `windows` are one-off windows (for "window") or
    the bounds of a dateless kind ("Постоянно, 2020-2030 г.г."); `recurrence`
    is set for "recurring"; `phases` for "phased". `notes` say in Russian how
    parts of the text were read, `remarks` keep parenthesised text that is
    not a deadline. `school_year` is the first year of the document's school
    year the phrase was resolved in, if any.
    """

    text: str
    kind: Kind
    windows: tuple[Window, ...] = ()
    recurrence: Recurrence | None = None
    phases: list[tuple[str, DeadlineSpec]] = field(default_factory=list)
    notes: tuple[str, ...] = ()
    remarks: tuple[str, ...] = ()
    school_year: int | None = None
    needs_review: bool = False
    review_reason: str | None = None
    times: tuple[TimeOfDay, ...] = ()
    read: tuple[tuple[int, int], ...] | None = field(default=None, compare=False)
    """Character spans of `text` some rule accounted for; None for a spec read back from storage."""

    @property
    def unread(self) -> list[str]:
        """The words of the text no rule accounted for (empty for a spec read back from storage)."""
        if self.read is None:
            return []
        return [match.group() for match in _WORD_RE.finditer(self.text) if not any(a <= match.start() and match.end() <= b for a, b in self.read)]

    def span(self, calendar: SchoolCalendar | None = None) -> tuple[date | None, date | None]:
        """The whole span the phrase covers; None where it is open or unknown."""
        return expand.span(self, calendar)

    def occurrences(self, calendar: SchoolCalendar | None = None) -> list[Occurrence]:
        """Every occurrence, sorted; none for the dateless kinds."""
        return expand.occurrences(self, calendar)

    def skipped(self, calendar: SchoolCalendar | None = None) -> list[SkippedDay]:
        """Dates a weekday recurrence skips because the calendar has no lessons then, with the reasons."""
        return expand.skipped(self, calendar)

    def explain(self, calendar: SchoolCalendar | None = None) -> str:
        """How the phrase was understood, in Russian."""
        return explain.explain(self, calendar)

    def to_json(self, calendar: SchoolCalendar | None = None) -> dict[str, Any]:
        """The resolved view for the API and reports: span, occurrences, explanation."""
        start, end = self.span(calendar)
        return {
            "text": self.text,
            "kind": self.kind,
            "start": iso(start),
            "end": iso(end),
            "occurrences": [occurrence.to_json() for occurrence in self.occurrences(calendar)],
            "skipped": [day.to_json() for day in self.skipped(calendar)],
            "phases": [{"label": label, **phase.to_json(calendar)} for label, phase in self.phases],
            "explanation": self.explain(calendar),
            "needs_review": self.needs_review,
            "review_reason": self.review_reason,
            "times": [time.to_dict() for time in self.times],
        }

    def to_dict(self) -> dict[str, Any]:
        """The stored form: structure only, JSON-serialisable."""
        return {
            "version": FORMAT_VERSION,
            "text": self.text,
            "kind": self.kind,
            "windows": [window.to_dict() for window in self.windows],
            "recurrence": self.recurrence.to_dict() if self.recurrence else None,
            "phases": [{"label": label, "spec": phase.to_dict()} for label, phase in self.phases],
            "notes": list(self.notes),
            "remarks": list(self.remarks),
            "school_year": self.school_year,
            "needs_review": self.needs_review,
            "review_reason": self.review_reason,
            "times": [time.to_dict() for time in self.times],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DeadlineSpec:
        """Read back what `to_dict` stored; DeadlineDataError names a broken record."""
        try:
            if data["version"] != FORMAT_VERSION:
                raise ValueError(f"version {data['version']}")
            if data["kind"] not in KINDS:
                raise ValueError(f"kind {data['kind']}")
            school_year = data["school_year"]
            return cls(
                text=str(data["text"]),
                kind=cast(Kind, data["kind"]),
                windows=tuple(Window.from_dict(window) for window in data["windows"]),
                recurrence=Recurrence.from_dict(data["recurrence"]) if data["recurrence"] else None,
                phases=[(str(phase["label"]), cls.from_dict(phase["spec"])) for phase in data["phases"]],
                notes=tuple(str(note) for note in data["notes"]),
                remarks=tuple(str(remark) for remark in data["remarks"]),
                school_year=int(school_year) if school_year is not None else None,
                needs_review=bool(data["needs_review"]),
                review_reason=data["review_reason"],
                times=tuple(TimeOfDay.from_dict(time) for time in data.get("times", [])),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise DeadlineDataError(f"Сохранённый срок не читается ({error}): {data!r:.200}") from error
