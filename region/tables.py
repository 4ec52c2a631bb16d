"""Stored region runs and each school's latest outcome in a region run.

`RegionResult` is what makes a batch resumable and a failure explainable: it
keeps, per school, the hash of the input the worker solved, the seed, and the
timetable that run stored (or, when none could be stored, why: the
infeasibility explanation, the crash, the time overrun). A school whose stored
result matches its current input hash and seed, and whose timetable is still
the current one, is skipped by the next run.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel


class RegionRun(SQLModel, table=True):
    """One `profplan region schedule`: where it ran, with what settings, and how it ended."""

    __tablename__ = "region_run"

    id: int | None = Field(default=None, primary_key=True)
    started_at: datetime
    finished_at: datetime | None = None
    region: str | None = Field(default=None, max_length=10)
    cluster: str = Field(max_length=200)
    workers: int
    seed: int
    time_limit: float
    schools: int = 0
    solved: int = 0
    skipped: int = 0
    failed: int = 0


class RegionResult(SQLModel, table=True):
    """The latest outcome of one school in a region run (one row per school, replaced by each run)."""

    __tablename__ = "region_result"

    school_id: str = Field(foreign_key="school.id", primary_key=True, ondelete="CASCADE", max_length=64)
    run_id: int | None = Field(default=None, foreign_key="region_run.id", index=True, ondelete="SET NULL")
    input_hash: str = Field(max_length=64)
    seed: int
    outcome: str = Field(max_length=12)
    status: str | None = Field(default=None, max_length=12)
    gap: float | None = None
    timetable_id: int | None = Field(default=None, foreign_key="timetable.id", ondelete="SET NULL")
    reason: str | None = None
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    attempts: int = 1
    worker: str | None = Field(default=None, max_length=200)
    seconds: float | None = None
    finished_at: datetime
