"""The closed sets of tracking values, as StrEnums with their Russian names.

A light module (no database, no dates library) so the command line can offer
the choices in its help without loading the store.
"""

from __future__ import annotations

from enum import StrEnum


class OccurrenceKind(StrEnum):
    """A due date the document sets, or a progress report the committee asks for where it sets none."""

    DEADLINE = "deadline"
    CHECKIN = "checkin"


class OccurrenceStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return {"open": "открыт", "done": "выполнен", "cancelled": "отменён"}[self.value]


class CheckinEvery(StrEnum):
    """How often an item with no fixed date (постоянно, по мере необходимости …) reports on its progress."""

    MONTH = "month"
    QUARTER = "quarter"
    HALF = "half"
    YEAR = "year"
    NONE = "none"

    @property
    def months(self) -> int:
        """Length of one reporting period in calendar months; 0 for no reports."""
        return {"month": 1, "quarter": 3, "half": 6, "year": 12, "none": 0}[self.value]

    @property
    def label(self) -> str:
        return {"month": "ежемесячно", "quarter": "ежеквартально", "half": "раз в полугодие", "year": "раз в год",
                "none": "не запрашивать"}[self.value]


class OccurrenceAction(StrEnum):
    """What one event of an occurrence's history did."""

    DONE = "done"
    REOPEN = "reopen"
    CANCEL = "cancel"

    @property
    def label(self) -> str:
        return {"done": "выполнено", "reopen": "открыто снова", "cancel": "отменено"}[self.value]


class Audience(StrEnum):
    """Who an alert or contact is for: an executor of items, or the controller of a roadmap."""

    EXECUTOR = "executor"
    CONTROLLER = "controller"

    @property
    def label(self) -> str:
        return {"executor": "исполнитель", "controller": "контролирующее лицо"}[self.value]


class DeliveryStatus(StrEnum):
    """What became of a letter: only planned (dry run), accepted by the channel, or refused/failed."""

    PLANNED = "planned"
    SENT = "sent"
    FAILED = "failed"
