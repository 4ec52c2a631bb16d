"""Calendars kept in the database: user data that overrides the bundled `data/` calendar.

A committee imports its region's vacation order, a school its own calendar
schedule (КУГ); both are kept here, with the source file's name and SHA-256,
as the same table a data file holds (`calendar_format`). One row per region
and school year (`school_id` None), and one per school and year. The table
module needs no `store` import: the caller passes its session, and
`store.db.TABLE_MODULES` lists this module for the migrations.

Which calendar applies is decided once, here: the school's own, else the
region's stored one, else the bundled file, else the federal rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, text
from sqlmodel import Field, Session, SQLModel, col, select

from calendars.school_year import SchoolYear


class StoredCalendar(SQLModel, table=True):
    """An imported calendar of a region and school year, or of one school (`school_id`)."""

    __tablename__ = "academic_calendar"
    __table_args__ = (
        Index("ix_academic_calendar_region_year", "region", "school_year", unique=True,
              sqlite_where=text("school_id IS NULL"), postgresql_where=text("school_id IS NULL")),
        Index("ix_academic_calendar_school_year", "school_id", "school_year", unique=True,
              sqlite_where=text("school_id IS NOT NULL"), postgresql_where=text("school_id IS NOT NULL")),
    )

    id: int | None = Field(default=None, primary_key=True)
    region: str = Field(max_length=16)
    school_year: str = Field(max_length=9)
    school_id: str | None = Field(default=None, max_length=64)
    source_name: str = Field(max_length=255)
    content_hash: str = Field(max_length=64)
    body: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    imported_at: datetime

    @property
    def origin(self) -> StoredOrigin:
        return StoredOrigin(self.source_name, self.content_hash, self.imported_at, self.school_id)


@dataclass(frozen=True)
class StoredOrigin:
    """Where a stored calendar came from: the imported file, its hash, when, and for which school."""

    source_name: str
    content_hash: str
    imported_at: datetime
    school_id: str | None

    def describe(self) -> str:
        """«импорт «kug.docx» (sha256 1a2b3c4d…) от 01.09.2026»."""
        return f"импорт «{self.source_name}» (sha256 {self.content_hash[:12]}…) от {self.imported_at:%d.%m.%Y}"

    def to_json(self) -> dict[str, Any]:
        return {"source_name": self.source_name, "content_hash": self.content_hash,
                "imported_at": self.imported_at.isoformat(), "school": self.school_id}


def find_stored(session: Session, region_code: str, year: SchoolYear, school_id: str | None = None) -> StoredCalendar | None:
    """The calendar that overrides the bundled one: the school's own when it has one, else the region's."""
    if school_id is not None:
        own = stored_exactly(session, region_code, year, school_id)
        if own is not None:
            return own
    return stored_exactly(session, region_code, year, None)


def stored_exactly(session: Session, region_code: str, year: SchoolYear, school_id: str | None) -> StoredCalendar | None:
    """The row kept for exactly this region (school) and year, without falling back."""
    query = select(StoredCalendar).where(StoredCalendar.region == region_code, StoredCalendar.school_year == str(year))
    column = col(StoredCalendar.school_id)
    query = query.where(column == school_id) if school_id is not None else query.where(column.is_(None))
    return session.exec(query).first()
