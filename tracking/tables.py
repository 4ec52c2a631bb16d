"""Tracking tables: occurrences and their history, per-roadmap tracking settings, indicators, contacts, alerts.

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
from enum import StrEnum
from typing import Any, Generic, TypeVar

from sqlalchemy import Index, String, UniqueConstraint
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from tracking.policy import StageKind
from tracking.values import Audience, CheckinEvery, DeliveryStatus, OccurrenceAction, OccurrenceKind, OccurrenceStatus

E = TypeVar("E", bound=StrEnum)


class EnumText(TypeDecorator[E], Generic[E]):
    """A StrEnum stored as its plain value in a VARCHAR (no native ENUM type to migrate), read back as the enum."""

    impl = String
    cache_ok = True

    def __init__(self, enum: type[E], length: int) -> None:
        super().__init__(length)
        self.enum = enum

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else self.enum(value).value

    def process_result_value(self, value: Any, dialect: Dialect) -> E | None:
        return None if value is None else self.enum(value)


def enum_field(enum: type[E], length: int, **options: Any) -> Any:
    """A SQLModel field holding a StrEnum as text."""
    return Field(sa_type=EnumText(enum, length), **options)


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
    kind: OccurrenceKind = enum_field(OccurrenceKind, 10)
    phase: str | None = None
    start: date | None = None
    due: date
    # False once a re-import no longer yields it; kept (not deleted) for its history.
    active: bool = True
    status: OccurrenceStatus = enum_field(OccurrenceStatus, 10, default=OccurrenceStatus.OPEN)
    done_on: date | None = None
    done_by: str | None = None
    evidence: str | None = None
    cancel_reason: str | None = None
    version: int = 0


class OccurrenceEvent(SQLModel, table=True):
    """One status change of an occurrence, appended and never modified."""

    __tablename__ = "occurrence_event"
    __table_args__ = (UniqueConstraint("occurrence_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    occurrence_id: int = Field(foreign_key="deadline_occurrence.id", index=True, ondelete="CASCADE")
    version: int
    action: OccurrenceAction = enum_field(OccurrenceAction, 10)
    status: OccurrenceStatus = enum_field(OccurrenceStatus, 10)  # the status after the change
    on_date: date | None = None
    by: str | None = None
    evidence: str | None = None
    reason: str | None = None
    recorded_at: datetime


class RoadmapTracking(SQLModel, table=True):
    """How the committee tracks one roadmap: from when, and how often items with no fixed date report.

    Written on the roadmap's first synchronisation (the tracking start is then
    the later of its period start and that day, or the date given with
    `import --track-from`) and changed only by the committee's commands, so
    re-imports never move it. `updated_at` is part of the feeds' change stamp.
    """

    __tablename__ = "roadmap_tracking"

    roadmap_id: int = Field(foreign_key="roadmap.id", primary_key=True, ondelete="CASCADE")
    track_from: date
    checkin_every: CheckinEvery = enum_field(CheckinEvery, 10, default=CheckinEvery.QUARTER)
    updated_at: datetime


class ItemCheckins(SQLModel, table=True):
    """One item's own check-in frequency, overriding its roadmap's (`profplan checkins ITEM --every …`)."""

    __tablename__ = "item_checkins"

    item_id: int = Field(foreign_key="item.id", primary_key=True, ondelete="CASCADE")
    every: CheckinEvery = enum_field(CheckinEvery, 10)


class Indicator(SQLModel, table=True):
    """A monitoring indicator (показатель) of a roadmap, as its indicators table lists it.

    Identified across re-imports by its number and name; one that a new
    version of the document no longer lists is retired (kept with its values).
    """

    __table_args__ = (UniqueConstraint("roadmap_id", "ordinal"),)

    id: int | None = Field(default=None, primary_key=True)
    roadmap_id: int = Field(foreign_key="roadmap.id", index=True, ondelete="CASCADE")
    ordinal: int  # position in the document's indicators table, 1-based: KEY#ORDINAL
    number: str | None = Field(default=None, max_length=50)
    goal: str | None = None
    name: str
    unit: str | None = Field(default=None, max_length=100)
    baseline: float | None = None
    active: bool = True
    source_line: int = 0


class IndicatorTarget(SQLModel, table=True):
    """The value an indicator should reach in a calendar year."""

    __tablename__ = "indicator_target"

    indicator_id: int = Field(foreign_key="indicator.id", primary_key=True, ondelete="CASCADE")
    year: int = Field(primary_key=True)
    value: float


class IndicatorValue(SQLModel, table=True):
    """An actual value the committee recorded, on the date it was measured; appended, never changed."""

    __tablename__ = "indicator_value"

    id: int | None = Field(default=None, primary_key=True)
    indicator_id: int = Field(foreign_key="indicator.id", index=True, ondelete="CASCADE")
    value: float
    on_date: date
    by: str | None = None
    note: str | None = None
    recorded_at: datetime


class Contact(SQLModel, table=True):
    """An e-mail address for an executor (by normalised name) or a roadmap's controller (by roadmap key)."""

    __table_args__ = (UniqueConstraint("role", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    role: Audience = enum_field(Audience, 12)
    key: str = Field(max_length=500)
    name: str
    email: str = Field(max_length=320)


class AlertDelivery(SQLModel, table=True):
    """One alert stage of one occurrence to one address: sent once, or failed and retried."""

    __tablename__ = "alert_delivery"
    __table_args__ = (UniqueConstraint("occurrence_id", "stage", "step", "recipient"),)

    id: int | None = Field(default=None, primary_key=True)
    occurrence_id: int = Field(foreign_key="deadline_occurrence.id", index=True, ondelete="CASCADE")
    # The alert stage (see tracking.policy.AlertStage): "soon" with the lead days,
    # "overdue" or "escalation" with the number of reminder intervals passed.
    stage: StageKind = enum_field(StageKind, 12)
    step: int
    role: Audience = enum_field(Audience, 12)
    recipient: str = Field(max_length=320)
    status: DeliveryStatus = enum_field(DeliveryStatus, 10)  # sent or failed
    attempts: int = 1
    last_attempt_at: datetime
    sent_at: datetime | None = None
    error: str | None = None
