"""Stored roadmaps: documents, their items and the executors responsible for them.

The same classes run on SQLite and PostgreSQL; schema changes go through
Alembic (`store/migrations`), never `create_all`. JSON columns hold the
structures that are read whole and never queried inside (a parsed deadline
spec, a school profile), plain columns hold what reports filter and sort by.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel


class Roadmap(SQLModel, table=True):
    """An imported roadmap document (дорожная карта), identified by its issuer's number and date."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, index=True, max_length=200)
    source_name: str = Field(max_length=300)
    content_hash: str = Field(max_length=64)
    title: str | None = None
    issuer: str | None = None
    number: str | None = Field(default=None, max_length=100)
    doc_date: date | None = None
    period_text: str | None = None
    period_start: date | None = None
    period_end: date | None = None
    school_year: str | None = Field(default=None, max_length=9)
    region: str | None = Field(default=None, max_length=10)
    controller: str | None = None
    warnings: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    imported_at: datetime


class Item(SQLModel, table=True):
    """One row of a roadmap (мероприятие) with its verbatim deadline and parsed schedule spec."""

    __table_args__ = (UniqueConstraint("roadmap_id", "ordinal"),)

    id: int | None = Field(default=None, primary_key=True)
    roadmap_id: int = Field(foreign_key="roadmap.id", index=True, ondelete="CASCADE")
    ordinal: int
    number: str | None = Field(default=None, max_length=50)
    parent_number: str | None = Field(default=None, max_length=50)
    section: str | None = None
    section_path: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    title: str
    deadline_text: str
    kind: str = Field(max_length=20)
    spec: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    span_start: date | None = None
    span_end: date | None = None
    needs_review: bool = False
    review_reason: str | None = None
    executors_text: str = ""
    result_text: str | None = None
    extra: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    source_line: int
    # The classes the item concerns (a «Классы» column: 5-9, «все»); None when the document does not say.
    grades: list[int] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    # Who takes part without answering for it (pupils, parents), named in the executors cell.
    participants: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]"))


class Executor(SQLModel, table=True):
    """A responsible organisation or person, deduplicated by its normalised key."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, index=True, max_length=500)
    name: str


class RemovedRoadmap(SQLModel, table=True):
    """A roadmap removed with `profplan roadmap remove`: its record, items and tracking history, kept as JSON.

    Removal deletes the roadmap's rows (and, by cascade, what was derived
    from them); what a committee marked on them must not be lost, so it is
    archived here first, readable without the tables it came from.
    """

    __tablename__ = "removed_roadmap"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(index=True, max_length=200)
    title: str | None = None
    source_name: str = Field(max_length=300)
    items: int
    marks: int
    record: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    removed_at: datetime


class ItemExecutor(SQLModel, table=True):
    """Which executors are responsible for which item, in the document's order."""

    item_id: int = Field(foreign_key="item.id", primary_key=True, ondelete="CASCADE")
    executor_id: int = Field(foreign_key="executor.id", primary_key=True, index=True)
    position: int
