"""What reading a roadmap produces: the document, its items and its indicators.

These are plain values: the readers fill them, the importer stores them. Texts
are kept close to the source (the deadline cell verbatim) so that every later
interpretation can be explained by pointing at what the document said.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date as Date
from enum import StrEnum

from calendars.school_year import SchoolYear


class Role(StrEnum):
    """What a table column holds, recognised from its header."""

    NUMBER = "number"
    TITLE = "title"
    DEADLINE = "deadline"
    EXECUTORS = "executors"
    RESULT = "result"
    GOAL = "goal"
    INDICATOR = "indicator"
    UNIT = "unit"
    GRADES = "grades"
    EXTRA = "extra"


@dataclass(frozen=True)
class RawItem:
    """One row of the roadmap table, before its deadline is interpreted.

    ``ordinal`` is the only identifier guaranteed unique: real documents repeat
    numbers (000 has rows 31 and 32 twice) and leave sub-rows un-numbered (004).
    ``grades`` are the classes the row concerns, read from a «Классы» column
    (None when the table has none or the cell names no grades); the cell's
    text stays in ``extra`` under its header.
    """

    number: str | None
    ordinal: int
    section: str | None
    section_path: tuple[str, ...]
    title: str
    deadline_text: str
    executors_text: str
    result_text: str | None = None
    extra: dict[str, str] = field(default_factory=dict)
    source_line: int = 0
    parent_number: str | None = None
    grades: tuple[int, ...] | None = None


@dataclass(frozen=True)
class Indicator:
    """One monitoring indicator (показатель) from a separate indicators table.

    ``number`` and ``goal`` belong to the goal row the indicator is listed under;
    several indicators may share them.
    """

    number: str | None
    goal: str | None
    name: str
    unit: str | None
    extra: dict[str, str] = field(default_factory=dict)
    source_line: int = 0


@dataclass(frozen=True)
class Metadata:
    """The document-level facts of a roadmap; any of them may be absent."""

    issuer: str | None = None
    number: str | None = None
    date: Date | None = None
    title: str | None = None
    period_text: str | None = None
    school_year: SchoolYear | None = None
    period_start: Date | None = None
    period_end: Date | None = None
    controller: str | None = None
    region: str | None = None


@dataclass(frozen=True)
class RoadmapDocument(Metadata):
    """A read roadmap: who issued it, for which period (its metadata), and its rows."""

    source_name: str = ""
    items: list[RawItem] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    columns: list[Role] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
