"""What an occurrence counts as on a report date: done, overdue, due soon — one definition for every report.

Done means marked done by a person, nothing else: a school's timetable that
plans sessions for the item is shown next to the occurrence (`tracking.planned`)
but never counts as done, because planned is not held. Cancelled occurrences
and retired ones (gone from the re-imported roadmap) count as nothing.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from roadmaps.tables import Roadmap
from tracking.clock import AsOf
from tracking.errors import TrackingError
from tracking.tables import DeadlineOccurrence as Occ
from tracking.values import OccurrenceStatus

REGION = col(Roadmap.region)


def tracked() -> ColumnElement[bool]:
    """Occurrences that count at all: still in the roadmap and not cancelled."""
    return and_(col(Occ.active), col(Occ.status) != OccurrenceStatus.CANCELLED)


def counts_as_done() -> ColumnElement[bool]:
    return col(Occ.status) == OccurrenceStatus.DONE


def still_open() -> ColumnElement[bool]:
    """Tracked and not marked done."""
    return and_(tracked(), col(Occ.status) == OccurrenceStatus.OPEN)


def overdue(as_of: AsOf) -> ColumnElement[bool]:
    return and_(still_open(), col(Occ.due) < as_of.sql(REGION))


def due_soon(as_of: AsOf, soon_days: int) -> ColumnElement[bool]:
    """Open and due between the report date and `soon_days` later, both included."""
    return and_(still_open(), col(Occ.due) >= as_of.sql(REGION), col(Occ.due) <= as_of.sql(REGION, soon_days))


def check_soon_days(soon_days: int) -> None:
    """`--soon` of the overdue report and the summary: a look-ahead, so never negative."""
    if soon_days < 0:
        raise TrackingError(f"--soon: число дней не может быть отрицательным (указано {soon_days}).")


def report_as_of(session: Session, given: date | None, roadmap_id: int | None = None) -> AsOf:
    """The report date per region of the roadmaps reported on (`given`, else each region's today)."""
    query = select(Roadmap.region).distinct()
    if roadmap_id is not None:
        query = query.where(Roadmap.id == roadmap_id)
    return AsOf.resolve(given, session.exec(query).all())
