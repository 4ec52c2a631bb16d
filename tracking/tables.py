"""Tracking tables: deadline occurrences, their status history, contacts and sent alerts.

An occurrence is one time an item must be done (a window's end, one quarter of
a recurring item, one phase) or, for items with no fixed date, one periodic
check-in. Its current status lives on the row for fast reports; every change
is also appended to `OccurrenceEvent`, which is never updated, so the history
survives any later change. `version` counts the changes and, with the unique
(occurrence, version) pair of the events, makes a lost concurrent update
impossible even where row locks do not exist (SQLite).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel


class DeadlineOccurrence(SQLModel, table=True):
    """One due date of an item, with its current status (the last event's outcome)."""

    __tablename__ = "deadline_occurrence"
    __table_args__ = (
        UniqueConstraint("item_id", "key"),
        Index("ix_deadline_occurrence_open_due", "status", "due"),
    )

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="item.id", index=True, ondelete="CASCADE")
    # Identity across re-imports: kind, phase and due date (see occurrences.occurrence_key).
    key: str = Field(max_length=300)
    kind: str = Field(max_length=10)  # "deadline" or "checkin"
    phase: str | None = None
    start: date | None = None
    due: date
    # False once a re-import no longer yields it; kept (not deleted) for its history.
    active: bool = True
    status: str = Field(default="open", max_length=10)  # open, done, cancelled
    done_on: date | None = None
    done_by: str | None = None
    evidence: str | None = None
    cancel_reason: str | None = None
    # The first day a solver placement serves it; counts as done once that day has come.
    planned_on: date | None = None
    version: int = 0


class OccurrenceEvent(SQLModel, table=True):
    """One status change of an occurrence, appended and never modified."""

    __tablename__ = "occurrence_event"
    __table_args__ = (UniqueConstraint("occurrence_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    occurrence_id: int = Field(foreign_key="deadline_occurrence.id", index=True, ondelete="CASCADE")
    version: int
    action: str = Field(max_length=10)  # done, reopen, cancel, planned
    status: str = Field(max_length=10)  # the status after the change
    on_date: date | None = None
    by: str | None = None
    evidence: str | None = None
    reason: str | None = None
    recorded_at: datetime


class CheckinRule(SQLModel, table=True):
    """How often the committee wants a progress report on a roadmap's items with no fixed date."""

    __tablename__ = "checkin_rule"

    roadmap_id: int = Field(foreign_key="roadmap.id", primary_key=True, ondelete="CASCADE")
    every: str = Field(max_length=10)  # quarter, month, none


class Contact(SQLModel, table=True):
    """An e-mail address for an executor (by normalised name) or a roadmap's controller (by roadmap key)."""

    __table_args__ = (UniqueConstraint("role", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    role: str = Field(max_length=12)  # executor, controller
    key: str = Field(max_length=500)
    name: str
    email: str = Field(max_length=320)


class AlertDelivery(SQLModel, table=True):
    """One alert stage of one occurrence to one address: sent once, or failed and retried."""

    __tablename__ = "alert_delivery"
    __table_args__ = (UniqueConstraint("occurrence_id", "stage", "recipient"),)

    id: int | None = Field(default=None, primary_key=True)
    occurrence_id: int = Field(foreign_key="deadline_occurrence.id", index=True, ondelete="CASCADE")
    stage: str = Field(max_length=30)  # soon:7, overdue:0, escalation:1 …
    role: str = Field(max_length=12)  # executor, controller
    recipient: str = Field(max_length=320)
    status: str = Field(max_length=10)  # sent, failed
    attempts: int = 1
    last_attempt_at: datetime
    sent_at: datetime | None = None
    error: str | None = None
