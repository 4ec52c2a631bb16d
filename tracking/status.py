"""Marking occurrences done, reopening and cancelling them, with a history that is never rewritten.

Every change is one transaction: lock the occurrence row (SELECT … FOR UPDATE
on PostgreSQL), check the change makes sense for its current status, update
the row only if its `version` is still the one read, and append the event with
that new version. Two people changing the same occurrence at once therefore
never lose an update: the second waits for the row lock (PostgreSQL) or finds
the version moved on (SQLite) and is retried on the fresh row, so both changes
end up in the history and the row shows the later one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from roadmaps.tables import Item, Roadmap
from store.db import transaction
from tracking.clock import today_in, utc_now
from tracking.errors import InputDateError, StatusChangeError, TrackingError
from tracking.planned import PlannedBy, coverage, describe
from tracking.refs import item_occurrences, item_ref, occurrence_label, resolve_item, resolve_occurrence
from tracking.tables import DeadlineOccurrence, OccurrenceEvent
from tracking.values import OccurrenceAction, OccurrenceStatus

# Attempts before giving up when other users keep changing the same occurrence.
_ATTEMPTS = 8

T = TypeVar("T")


class _StaleVersion(Exception):
    """The row changed between reading and writing it; the transaction is retried."""


@dataclass(frozen=True)
class _Transition:
    """The row's new state and the event that explains it."""

    action: OccurrenceAction
    status: OccurrenceStatus
    on_date: date | None = None
    by: str | None = None
    evidence: str | None = None
    reason: str | None = None

    def row_values(self) -> dict[str, Any]:
        done = self.status is OccurrenceStatus.DONE
        return {
            "status": self.status,
            "done_on": self.on_date if done else None,
            "done_by": self.by if done else None,
            "evidence": self.evidence if done else None,
            "cancel_reason": self.reason if self.status is OccurrenceStatus.CANCELLED else None,
        }


@dataclass(frozen=True)
class StatusChange:
    """The outcome of one done/reopen/cancel command."""

    item: str
    number: str | None
    title: str
    occurrence: str
    action: OccurrenceAction
    before: OccurrenceStatus
    after: OccurrenceStatus
    version: int
    on_date: date | None
    by: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "item": self.item, "number": self.number, "title": self.title, "occurrence": self.occurrence,
            "action": self.action, "before": self.before, "after": self.after, "version": self.version,
            "on_date": self.on_date.isoformat() if self.on_date else None, "by": self.by,
        }

    def render(self) -> str:
        number = f" (№ {self.number})" if self.number else ""
        return (f"{self.item}{number}, срок {self.occurrence}: {self.before.label} → "
                f"{self.after.label} (изменение № {self.version}).")


def mark_done(engine: Engine, item: str, occurrence: str | None = None, on: date | None = None,
              by: str | None = None, evidence: str | None = None) -> StatusChange:
    """Mark an occurrence done on a day (default today in the roadmap's region), by whom, with what proof.

    Marking a done occurrence again records the new date and evidence as a new
    event; the earlier one stays in the history.
    """
    def decide(row: DeadlineOccurrence, today: date) -> _Transition:
        day = on or today
        if day > today:
            raise InputDateError(f"Дата выполнения {day:%d.%m.%Y} ещё не наступила (сегодня {today:%d.%m.%Y}).")
        if row.status is OccurrenceStatus.CANCELLED:
            raise StatusChangeError("Срок отменён: чтобы отметить выполнение, сначала откройте его (reopen).")
        return _Transition(OccurrenceAction.DONE, OccurrenceStatus.DONE, day, by, evidence)

    return _change(engine, item, occurrence, decide)


def reopen(engine: Engine, item: str, occurrence: str | None = None, by: str | None = None,
           why: str | None = None) -> StatusChange:
    """Open a done or cancelled occurrence again."""
    def decide(row: DeadlineOccurrence, today: date) -> _Transition:
        if row.status is OccurrenceStatus.OPEN:
            raise StatusChangeError("Срок и так открыт: отменять нечего.")
        return _Transition(OccurrenceAction.REOPEN, OccurrenceStatus.OPEN, today, by, reason=why)

    return _change(engine, item, occurrence, decide)


def cancel(engine: Engine, item: str, why: str, occurrence: str | None = None, by: str | None = None) -> StatusChange:
    """Cancel an occurrence (it will not be done and is no longer reported); the reason is required."""
    if not (why or "").strip():
        raise StatusChangeError("Укажите причину отмены (--why).")

    def decide(row: DeadlineOccurrence, today: date) -> _Transition:
        if row.status is OccurrenceStatus.CANCELLED:
            raise StatusChangeError("Срок уже отменён.")
        return _Transition(OccurrenceAction.CANCEL, OccurrenceStatus.CANCELLED, today, by, reason=why.strip())

    return _change(engine, item, occurrence, decide)


@dataclass(frozen=True)
class HistoryEntry:
    version: int
    action: OccurrenceAction
    status: OccurrenceStatus
    on_date: date | None
    by: str | None
    evidence: str | None
    reason: str | None
    recorded_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version, "action": self.action, "status": self.status,
            "on_date": self.on_date.isoformat() if self.on_date else None, "by": self.by,
            "evidence": self.evidence, "reason": self.reason, "recorded_at": self.recorded_at.isoformat(),
        }

    def render(self) -> str:
        parts = [f"{self.recorded_at:%d.%m.%Y %H:%M} UTC", self.action.label]
        parts += [text for text in (
            f"дата {self.on_date:%d.%m.%Y}" if self.on_date else None,
            f"кто: {self.by}" if self.by else None,
            f"подтверждение: {self.evidence}" if self.evidence else None,
            f"причина: {self.reason}" if self.reason else None,
        ) if text]
        return f"{self.version}. " + ", ".join(parts)


@dataclass(frozen=True)
class OccurrenceHistory:
    """One occurrence's current status, every change that led to it (oldest first), and the schools planning it."""

    item: str
    title: str
    occurrence: str
    status: OccurrenceStatus
    entries: list[HistoryEntry]
    planned: list[PlannedBy]

    def to_json(self) -> dict[str, Any]:
        return {"item": self.item, "title": self.title, "occurrence": self.occurrence, "status": self.status,
                "entries": [entry.to_json() for entry in self.entries],
                "planned": [entry.to_json() for entry in self.planned]}

    def render(self) -> str:
        head = f"{self.item} «{self.title}», срок {self.occurrence}: {self.status.label}"
        planned = describe(self.planned)
        if planned and self.status is OccurrenceStatus.OPEN:
            head += f" ({planned}; запланированное не считается выполненным)"
        return "\n".join([head, *("  " + entry.render() for entry in self.entries)])


def occurrence_history(engine: Engine, item: str, occurrence: str | None = None) -> list[OccurrenceHistory]:
    """The history of one occurrence, or of every occurrence of the item when none is chosen."""
    with transaction(engine) as session:
        roadmap, row_item = resolve_item(session, item)
        rows = ([resolve_occurrence(session, roadmap, row_item, occurrence)] if occurrence
                else item_occurrences(session, row_item))
        assert row_item.id is not None
        planned = coverage(session, [row_item.id])
        return [_history(session, roadmap, row_item, row, planned.of(row_item.id, row.start, row.due)) for row in rows]


def _history(session: Session, roadmap: Roadmap, item: Item, row: DeadlineOccurrence,
             planned: list[PlannedBy]) -> OccurrenceHistory:
    events = session.exec(
        select(OccurrenceEvent).where(OccurrenceEvent.occurrence_id == row.id).order_by(col(OccurrenceEvent.version))
    ).all()
    return OccurrenceHistory(
        item_ref(roadmap.key, item.ordinal), item.title, occurrence_label(row), row.status,
        [HistoryEntry(e.version, e.action, e.status, e.on_date, e.by, e.evidence, e.reason, e.recorded_at)
         for e in events],
        planned,
    )


def _change(engine: Engine, item: str, selector: str | None,
            decide: Callable[[DeadlineOccurrence, date], _Transition]) -> StatusChange:
    """Resolve the occurrence, lock it, let `decide` check the change, record it; retried on a race."""
    def work(session: Session) -> StatusChange:
        roadmap, row_item = resolve_item(session, item)
        row = _lock(session, resolve_occurrence(session, roadmap, row_item, selector).id)
        before = row.status
        transition = decide(row, today_in(roadmap.region))
        version = _record(session, row, transition)
        return StatusChange(item_ref(roadmap.key, row_item.ordinal), row_item.number, row_item.title, occurrence_label(row),
                            transition.action, before, transition.status, version, transition.on_date, transition.by)

    return _retrying(engine, work)


def _retrying(engine: Engine, work: Callable[[Session], T]) -> T:
    """Run `work` in a transaction, again from the start when a concurrent change got there first."""
    for _ in range(_ATTEMPTS):
        try:
            with transaction(engine) as session:
                return work(session)
        except (_StaleVersion, IntegrityError):
            continue
    raise TrackingError("Не удалось записать изменение: этот срок одновременно меняют другие пользователи. "
                        "Повторите команду.")


def _lock(session: Session, occurrence_id: int | None) -> DeadlineOccurrence:
    """The occurrence row, freshly read and locked until the transaction ends (where the database can)."""
    query = (select(DeadlineOccurrence).where(DeadlineOccurrence.id == occurrence_id)
             .with_for_update().execution_options(populate_existing=True))
    return session.exec(query).one()


def _record(session: Session, row: DeadlineOccurrence, transition: _Transition) -> int:
    """Write the new state if nobody changed the row since it was read, and append its event."""
    version = row.version + 1
    result = session.execute(
        update(DeadlineOccurrence)
        .where(col(DeadlineOccurrence.id) == row.id, col(DeadlineOccurrence.version) == row.version)
        .values(**transition.row_values(), version=version)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise _StaleVersion
    assert row.id is not None
    session.add(OccurrenceEvent(
        occurrence_id=row.id, version=version, action=transition.action, status=transition.status,
        on_date=transition.on_date, by=transition.by, evidence=transition.evidence, reason=transition.reason,
        recorded_at=utc_now(),
    ))
    session.flush()
    return version
