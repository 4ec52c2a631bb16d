"""Overdue roadmap items of each school, from the committee's overdue report.

A regional roadmap gives most items to "общеобразовательные организации":
every school of the region must do them. So a school's overdue items are the
overdue rows (`tracking.overdue.overdue_report`) of its region's roadmaps
whose executor is the schools' business (`data/region/school_executors.toml`)
or names the school itself — less the ones the school's own current timetable
serves: a session of the item inside the occurrence's window, on or before
the report date, is the school doing it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from calendars.data_files import data_dir, read_toml
from calendars.fields import FieldReader
from region import adapter
from region.adapter import SchoolSummary
from region.errors import RegionError
from roadmaps.executors import executor_key
from roadmaps.tables import Roadmap
from store.db import transaction
from tracking.clock import AsOf
from tracking.overdue import DueRow, overdue_report
from tracking.tables import DeadlineOccurrence


@dataclass(frozen=True)
class OverdueItem:
    """One overdue occurrence of a roadmap item that a school has not done."""

    item: str
    number: str | None
    title: str
    due: date
    days_overdue: int
    executor: str

    def to_json(self) -> dict[str, Any]:
        return {"item": self.item, "number": self.number, "title": self.title, "due": self.due.isoformat(),
                "days_overdue": self.days_overdue, "executor": self.executor}


@dataclass(frozen=True)
class SchoolExecutors:
    """Which executor names mean "every school" (patterns from the data file)."""

    schools: tuple[re.Pattern[str], ...]
    not_schools: tuple[re.Pattern[str], ...]

    def owns(self, executor: str | None, school_name: str) -> bool:
        if not executor:
            return False
        if executor_key(executor) == executor_key(school_name):
            return True
        return any(p.search(executor) for p in self.schools) and not any(p.search(executor) for p in self.not_schools)


def school_executors() -> SchoolExecutors:
    """The patterns of `data/region/school_executors.toml`, checked."""
    return _school_executors(str(data_dir()))


@functools.lru_cache(maxsize=4)
def _school_executors(root: str) -> SchoolExecutors:
    path = Path(root) / "region" / "school_executors.toml"
    reader = FieldReader(path, RegionError)
    table = read_toml(path)

    def patterns(key: str) -> tuple[re.Pattern[str], ...]:
        compiled = []
        for index, text in enumerate(reader.entries(table, key)):
            try:
                compiled.append(re.compile(str(text), re.IGNORECASE))
            except re.error as exc:
                reader.fail(f"{key}[{index}]", f"«{text}» не регулярное выражение ({exc}).")
        return tuple(compiled)

    return SchoolExecutors(patterns("schools"), patterns("not_schools"))


def overdue_by_school(engine: Engine, schools: Iterable[SchoolSummary],
                      as_of: date | None = None) -> tuple[AsOf, dict[str, list[OverdueItem]]]:
    """The report date(s) and, per school id, its overdue items, most overdue first."""
    report = overdue_report(engine, as_of=as_of, soon=0)
    rows = [row for row in report.rows() if row.is_overdue]
    owners = school_executors()
    found: dict[str, list[OverdueItem]] = {}
    with transaction(engine) as session:
        regions = {key: region for key, region in session.exec(select(Roadmap.key, Roadmap.region)).all()}
        items = _item_ids(session, {row.occurrence_id for row in rows})
        for school in schools:
            served = _served(session, school.school_id)
            own = [
                row for row in rows
                if regions.get(row.roadmap_key) == school.region and owners.owns(row.executor, school.name)
                and not _done_by_school(row, items.get(row.occurrence_id), served, report.as_of.dates.get(school.region))
            ]
            found[school.school_id] = _one_per_occurrence(own)
    return report.as_of, found


def _item_ids(session: Session, occurrence_ids: set[int]) -> dict[int, int]:
    if not occurrence_ids:
        return {}
    query = select(DeadlineOccurrence.id, DeadlineOccurrence.item_id).where(col(DeadlineOccurrence.id).in_(occurrence_ids))
    return {occurrence: item for occurrence, item in session.exec(query).all() if occurrence is not None}


def _served(session: Session, school_id: str) -> dict[int, list[date]]:
    current = adapter.current_record(session, school_id)
    return adapter.served_items(session, current.timetable_id) if current else {}


def _done_by_school(row: DueRow, item_id: int | None, served: dict[int, list[date]], as_of: date | None) -> bool:
    if item_id is None or as_of is None:
        return False
    start = row.start or row.due
    return any(start <= day <= row.due and day <= as_of for day in served.get(item_id, ()))


def _one_per_occurrence(rows: list[DueRow]) -> list[OverdueItem]:
    """An occurrence with two school executors is one item for the school (under its first executor)."""
    seen: set[int] = set()
    items = []
    for row in rows:
        if row.occurrence_id not in seen:
            seen.add(row.occurrence_id)
            items.append(OverdueItem(row.item, row.number, row.title, row.due, row.days_overdue, row.executor or ""))
    return items
