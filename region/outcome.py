"""What became of one school in a region run: the closed set of outcomes and the record of one.

Outcomes split three ways. Success: a timetable was stored, or the stored one
already matched the input and seed. Final failures that another try cannot
change: the solver proved the school infeasible (the explanation is kept),
found nothing within the time limit, or the school's data is unusable.
Failures of the run itself — the solve crashed, its worker died, it ran past
the wall-clock limit — are retried once on another worker before they count.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class OutcomeKind(StrEnum):
    SOLVED = "solved"
    SKIPPED = "skipped"
    INFEASIBLE = "infeasible"
    UNSOLVED = "unsolved"
    INVALID = "invalid"
    CRASHED = "crashed"
    OVERRAN = "overran"

    @property
    def russian(self) -> str:
        """As the run's list and the region report show it."""
        return _TITLES[self]

    @property
    def succeeded(self) -> bool:
        return self in (OutcomeKind.SOLVED, OutcomeKind.SKIPPED)

    @property
    def retryable(self) -> bool:
        """A failure of the run, not of the school: worth one more try on another worker."""
        return self in (OutcomeKind.CRASHED, OutcomeKind.OVERRAN)


_TITLES = {
    OutcomeKind.SOLVED: "составлено",
    OutcomeKind.SKIPPED: "без изменений",
    OutcomeKind.INFEASIBLE: "невыполнимо",
    OutcomeKind.UNSOLVED: "не найдено за отведённое время",
    OutcomeKind.INVALID: "ошибка в данных",
    OutcomeKind.CRASHED: "сбой",
    OutcomeKind.OVERRAN: "превышено время",
}


def headline(reason: str | None) -> str:
    """The line of a reason worth a list's cell: the first "– …" point of an explanation, else its first line."""
    lines = [line.strip() for line in (reason or "").strip().splitlines() if line.strip()]
    point = next((line.lstrip("–- ").strip() for line in lines[1:] if line.startswith(("–", "-"))), None)
    return point or (lines[0] if lines else "причина неизвестна")


@dataclass(frozen=True)
class Outcome:
    """One school's outcome: the solver's status and gap when it ran, else why it did not succeed.

    `school` is the school id, or the file name of a school file that could
    not be read (such a school never reached the store).
    """

    school: str
    kind: OutcomeKind
    status: str | None = None
    gap: float | None = None
    reason: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    attempts: int = 1
    worker: str | None = None
    seconds: float | None = None
    timetable_id: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "school": self.school, "outcome": self.kind.value, "outcome_name": self.kind.russian,
            "succeeded": self.kind.succeeded, "status": self.status, "gap": self.gap, "reason": self.reason,
            "details": self.details, "attempts": self.attempts, "worker": self.worker,
            "seconds": None if self.seconds is None else round(self.seconds, 3), "timetable": self.timetable_id,
        }
