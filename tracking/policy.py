"""When alerts go out: lead days, reminder interval, escalation grace period, sender; and the alert stages.

Kept apart from `tracking.alerts` (which needs the database) so the command
line can show these defaults in its help without loading the store.

An alert is (occurrence, stage, address). Stages make "not twice" and "again
after a while" the same rule: an occurrence due in 7 days is at stage
soon/7, tomorrow soon/1, overdue for the first week overdue/0, the second
week overdue/1, and so on (like OpenProject's date alerts and Redmine's
reminder digests). After the grace period the same counting runs for the
roadmap's controller (escalation/N). A stage already sent to an address is
never sent again.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from tracking.errors import TrackingError

# Reports and alerts call an open deadline "due soon" this many days ahead, unless told otherwise.
DEFAULT_SOON_DAYS = 7
# The SMTP server letters go to unless `--smtp` says otherwise (a relay on the committee's network).
DEFAULT_SMTP = "localhost:25"


class StageKind(StrEnum):
    SOON = "soon"
    OVERDUE = "overdue"
    ESCALATION = "escalation"


@dataclass(frozen=True, order=True)
class AlertStage:
    """One stage of an occurrence's alerts: `step` is the lead in days (soon) or the reminder count (otherwise)."""

    kind: StageKind
    step: int

    def __str__(self) -> str:
        return f"{self.kind}:{self.step}"

    @property
    def is_escalation(self) -> bool:
        return self.kind is StageKind.ESCALATION


@dataclass(frozen=True)
class AlertPolicy:
    """When to alert: days before the due date, the reminder interval, the escalation grace period, the sender."""

    lead_days: tuple[int, ...] = (7, 1)
    remind_every_days: int = 7
    escalate_after_days: int = 14
    sender: str = "profplan@localhost"

    def __post_init__(self) -> None:
        if any(days < 0 for days in self.lead_days):
            raise TrackingError("Сроки предупреждения (дней до срока) не могут быть отрицательными.")
        if self.remind_every_days < 1:
            raise TrackingError("Интервал повторных напоминаний должен быть не меньше 1 дня.")
        if self.escalate_after_days < 0:
            raise TrackingError("Срок до эскалации не может быть отрицательным.")

    def executor_stage(self, days_overdue: int) -> AlertStage | None:
        """The executor's stage for an open occurrence, None while it is not yet worth an alert."""
        if days_overdue > 0:
            return AlertStage(StageKind.OVERDUE, (days_overdue - 1) // self.remind_every_days)
        leads = [lead for lead in self.lead_days if lead >= -days_overdue]
        return AlertStage(StageKind.SOON, min(leads)) if leads else None

    def escalation_stage(self, days_overdue: int) -> AlertStage | None:
        """The controller's stage: none within the grace period, then one per reminder interval."""
        past_grace = days_overdue - self.escalate_after_days
        if past_grace <= 0:
            return None
        return AlertStage(StageKind.ESCALATION, (past_grace - 1) // self.remind_every_days)
