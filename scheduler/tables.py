"""Stored schools, their timetables and placements.

A school keeps its checked profile as JSON (read whole, never queried
inside). Every solve that succeeds stores a new `Timetable` with the
solver's record (status, objective, bound, seed, workers, OR-Tools version,
input hash) and its `StoredPlacement` rows, and becomes the school's current one;
earlier timetables stay, so a re-plan can be compared with what it replaced.
The closures re-plans added live with the school (`School.closures`), so a
later `schedule` honours them too; a pinned placement (`StoredPlacement.pinned`,
pinned or moved by hand) is carried into every later timetable.
A placement's `uid` is stable across re-plans (see scheduler.solve), which is
what calendar feeds and change lists rely on.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlmodel import Field, Session, SQLModel, col, select


class School(SQLModel, table=True):
    """A school as loaded by `profplan school load`."""

    id: str = Field(primary_key=True, max_length=64)
    name: str
    address: str | None = None  # postal address, shown with the venue in calendar feeds
    region: str = Field(max_length=10)
    year: str = Field(max_length=9)
    profile: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_at: datetime
    # Closures added by re-plans ([start, end] ISO dates), honoured by every later schedule and re-plan.
    closures: list[list[str]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]"))


class Timetable(SQLModel, table=True):
    """One solved timetable of a school over a span, with how it was obtained."""

    __table_args__ = (Index("ix_timetable_school_current", "school_id", "current"),)

    id: int | None = Field(default=None, primary_key=True)
    school_id: str = Field(foreign_key="school.id", index=True, ondelete="CASCADE", max_length=64)
    parent_id: int | None = Field(default=None, foreign_key="timetable.id", ondelete="SET NULL")
    created_at: datetime
    status: str = Field(max_length=12)
    objective: int | None = None
    bound: int | None = None
    solve_seconds: float
    seed: int
    workers: int
    time_limit: float
    ortools_version: str = Field(max_length=20)
    input_hash: str = Field(max_length=64)
    span_start: date
    span_end: date
    as_of: date | None = None
    current: bool = True
    closures: list[list[str]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    required: dict[str, dict[str, int]] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # class → penalty term (scheduler.penalties) → its part of the objective
    objective_terms: dict[str, dict[str, int]] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False, server_default="{}")
    )


def current_timetable(session: Session, school_id: str) -> Timetable | None:
    """The school's current timetable record (None before the first schedule): the one query for it."""
    return session.exec(
        select(Timetable).where(Timetable.school_id == school_id, col(Timetable.current).is_(True))
    ).first()


class StoredPlacement(SQLModel, table=True):
    """One session of a timetable as stored (scheduler.placement.Placement is the record the code passes)."""

    __tablename__ = "placement"

    __table_args__ = (
        UniqueConstraint("timetable_id", "uid"),
        Index("ix_placement_timetable_class", "timetable_id", "class_name"),
        Index("ix_placement_timetable_staff", "timetable_id", "staff"),
    )

    id: int | None = Field(default=None, primary_key=True)
    timetable_id: int = Field(foreign_key="timetable.id", index=True, ondelete="CASCADE")
    uid: str = Field(max_length=200)
    task: str = Field(max_length=200)
    class_name: str = Field(max_length=20)
    activity: str = Field(max_length=50)
    title: str
    direction: str = Field(max_length=30)
    kind: str = Field(max_length=10)
    series: str | None = Field(default=None, max_length=50)
    day: date
    slot: int
    start_time: str = Field(max_length=5)
    end_time: str = Field(max_length=5)
    hours: int
    staff: str
    venue: str | None = None
    item_ref: str | None = Field(default=None, max_length=50)
    item_id: int | None = Field(default=None, foreign_key="item.id", ondelete="SET NULL")
    pinned: bool = Field(default=False, sa_column_kwargs={"server_default": sa_false()})  # kept by every later solve
