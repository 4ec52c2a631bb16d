"""The overdue report: per executor, what is past due and not done, and what falls due soon.

The same rows feed the CSV and XLSX exports and the e-mail alerts, so an
occurrence is overdue by exactly one definition (`tracking.state`). Rows are
one per (occurrence, executor): an item with three executors is each one's
business and shows under each of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from roadmaps.tables import Executor, Item, ItemExecutor, Roadmap
from store.db import transaction
from tracking.clock import AsOf
from tracking.refs import item_ref, resolve_roadmap
from tracking.render import due_phrase, fmt_date
from tracking.state import REGION, check_soon_days, report_as_of, still_open
from tracking.tables import DeadlineOccurrence as Occ

NO_EXECUTOR = "Исполнитель не указан"
DEFAULT_SOON_DAYS = 7


@dataclass(frozen=True)
class DueRow:
    """One open occurrence past due or due soon, as one executor sees it."""

    occurrence_id: int
    roadmap_id: int
    roadmap_key: str
    roadmap_title: str | None
    item: str
    number: str | None
    title: str
    deadline_text: str
    kind: str
    phase: str | None
    start: date | None
    due: date
    days_overdue: int  # > 0 overdue; 0 due today; < 0 days left
    controller: str | None
    executor: str | None

    @property
    def is_overdue(self) -> bool:
        return self.days_overdue > 0

    @property
    def urgency(self) -> tuple[int, date, str]:
        return -self.days_overdue, self.due, self.item

    @property
    def state(self) -> str:
        """Russian: "просрочено на 3 дня", "срок сегодня", "через 5 дней"."""
        return due_phrase(self.days_overdue)

    def to_json(self) -> dict[str, Any]:
        return {
            "occurrence_id": self.occurrence_id, "roadmap": self.roadmap_key, "item": self.item,
            "number": self.number, "title": self.title, "deadline_text": self.deadline_text, "kind": self.kind,
            "phase": self.phase, "start": self.start.isoformat() if self.start else None,
            "due": self.due.isoformat(), "days_overdue": self.days_overdue, "controller": self.controller,
            "executor": self.executor,
        }


@dataclass(frozen=True)
class ExecutorDue:
    executor: str
    overdue: list[DueRow]
    soon: list[DueRow]

    def to_json(self) -> dict[str, Any]:
        return {"executor": self.executor, "overdue": [row.to_json() for row in self.overdue],
                "soon": [row.to_json() for row in self.soon]}


@dataclass(frozen=True)
class OverdueReport:
    as_of: AsOf
    soon_days: int
    executors: list[ExecutorDue]

    def rows(self) -> list[DueRow]:
        """Every row, most urgent first (the order of the exports)."""
        return sorted((row for group in self.executors for row in (*group.overdue, *group.soon)),
                      key=lambda row: (*row.urgency, row.executor or ""))

    def to_json(self) -> dict[str, Any]:
        return {"as_of": self.as_of.to_json(), "soon_days": self.soon_days,
                "executors": [group.to_json() for group in self.executors]}


def due_rows(session: Session, as_of: AsOf, soon_days: int, roadmap_id: int | None = None) -> list[DueRow]:
    """Open occurrences due before the report date plus `soon_days`, one row per executor."""
    query = (
        select(Occ.id, Occ.kind, Occ.phase, Occ.start, Occ.due, Item.ordinal, Item.number, Item.title,
               Item.deadline_text, Roadmap.id, Roadmap.key, Roadmap.title, Roadmap.region, Roadmap.controller,
               Executor.name)
        .join(Item, col(Item.id) == Occ.item_id)
        .join(Roadmap, col(Roadmap.id) == Item.roadmap_id)
        .outerjoin(ItemExecutor, col(ItemExecutor.item_id) == Item.id)
        .outerjoin(Executor, col(Executor.id) == ItemExecutor.executor_id)
        .where(still_open(as_of), col(Occ.due) <= as_of.sql(REGION, soon_days))
    )
    if roadmap_id is not None:
        query = query.where(Item.roadmap_id == roadmap_id)
    return [
        DueRow(occurrence_id, rid, key, roadmap_title, item_ref(key, ordinal), number, title, deadline_text, kind,
               phase, start, due, (as_of.of(region) - due).days, controller, executor)
        for (occurrence_id, kind, phase, start, due, ordinal, number, title, deadline_text, rid, key,
             roadmap_title, region, controller, executor) in session.exec(query).all()
    ]


def overdue_report(engine: Engine, as_of: date | None = None, executor: str | None = None,
                   roadmap: str | None = None, soon: int = DEFAULT_SOON_DAYS) -> OverdueReport:
    """The report of `profplan overdue`; `executor` matches a part of the name, any case."""
    check_soon_days(soon)
    with transaction(engine) as session:
        roadmap_id = resolve_roadmap(session, roadmap).id if roadmap else None
        report_date = report_as_of(session, as_of, roadmap_id)
        rows = due_rows(session, report_date, soon, roadmap_id)
    needle = (executor or "").casefold().strip()
    groups: dict[str, list[DueRow]] = {}
    for row in rows:
        name = row.executor or NO_EXECUTOR
        if needle in name.casefold():
            groups.setdefault(name, []).append(row)
    sections = [
        ExecutorDue(name, sorted((r for r in group if r.is_overdue), key=lambda r: r.urgency),
                    sorted((r for r in group if not r.is_overdue), key=lambda r: r.urgency))
        for name, group in groups.items()
    ]
    sections.sort(key=lambda s: (min(r.urgency for r in (*s.overdue, *s.soon)), s.executor))
    return OverdueReport(report_date, soon, sections)


def render_overdue(report: OverdueReport) -> RenderableType:
    """Russian tables, one per executor: overdue rows, then (below a rule) those due soon."""
    title = Text(f"Просроченные сроки на {report.as_of.describe()} и сроки в ближайшие {report.soon_days} дн.",
                 style="bold")
    if not report.executors:
        return Group(title, Text("Просроченных сроков нет."))
    tables: list[RenderableType] = [title]
    for group in report.executors:
        table = Table(title=group.executor, title_justify="left", expand=True)
        for header in ("Состояние", "Мероприятие", "№", "Наименование", "Срок по документу", "Срок", "Контроль"):
            table.add_column(header, overflow="fold")
        for section, rows in ((0, group.overdue), (1, group.soon)):
            if section and group.overdue and rows:
                table.add_section()
            for row in rows:
                table.add_row(
                    Text(row.state, style="bold red" if row.is_overdue else "yellow"), row.item, row.number or "",
                    row.title, row.deadline_text, _due_cell(row), row.controller or "",
                )
        tables.append(table)
    return Group(*tables)


def _due_cell(row: DueRow) -> str:
    what = "отчёт " if row.kind == "checkin" else ""
    phase = f"{row.phase}: " if row.phase else ""
    return f"{phase}{what}{fmt_date(row.due)}"
