"""When alerts go out: lead days, reminder interval, escalation grace period and sender.

Kept apart from `tracking.alerts` (which needs the database) so the command
line can show these defaults in its help without loading the store.
"""

from __future__ import annotations

from dataclasses import dataclass

from tracking.errors import TrackingError


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

    def executor_stage(self, days_overdue: int) -> str | None:
        """The executor's stage for an open occurrence, None while it is not yet worth an alert."""
        if days_overdue > 0:
            return f"overdue:{(days_overdue - 1) // self.remind_every_days}"
        leads = [lead for lead in self.lead_days if lead >= -days_overdue]
        return f"soon:{min(leads)}" if leads else None

    def escalation_stage(self, days_overdue: int) -> str | None:
        """The controller's stage: none within the grace period, then one per reminder interval."""
        past_grace = days_overdue - self.escalate_after_days
        return f"escalation:{(past_grace - 1) // self.remind_every_days}" if past_grace > 0 else None
