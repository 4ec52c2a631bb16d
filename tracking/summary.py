"""The committee's view: per roadmap and per executor, how many deadlines are done, on time, overdue, due soon.

Counts are of occurrences (a quarterly item counts four times a year), except
"no fixed date", which counts the items whose text sets none (постоянно,
по мере необходимости …): they can never be overdue, and the committee wants
to see how many such open-ended obligations each executor carries. Everything
is counted in SQL so a thousand roadmaps report in well under a second.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from sqlalchemy import and_, case, func
from sqlalchemy.engine import Engine
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from roadmaps.tables import Executor, Item, ItemExecutor, Roadmap
from store.db import transaction
from tracking.clock import AsOf
from tracking.occurrences import NO_FIXED_DATE_KINDS
from tracking.overdue import DEFAULT_SOON_DAYS, NO_EXECUTOR
from tracking.state import check_soon_days, counts_as_done, due_soon, overdue, report_as_of, tracked
from tracking.tables import DeadlineOccurrence as Occ

HEADERS = {
    "total": "Всего сроков", "done": "Выполнено", "on_time": "В срок", "overdue": "Просрочено",
    "due_soon": "Скоро срок", "no_fixed_date": "Мероприятий без срока",
}


@dataclass(frozen=True)
class Counts:
    total: int = 0
    done: int = 0
    on_time: int = 0
    overdue: int = 0
    due_soon: int = 0
    no_fixed_date: int = 0

    def to_json(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class SummaryRow:
    """One roadmap (title, key) or executor (name, key) with its counts."""

    name: str
    key: str
    counts: Counts

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "key": self.key, **self.counts.to_json()}


@dataclass(frozen=True)
class Summary:
    as_of: AsOf
    soon_days: int
    roadmaps: list[SummaryRow]
    executors: list[SummaryRow]

    def to_json(self) -> dict[str, Any]:
        return {"as_of": self.as_of.to_json(), "soon_days": self.soon_days,
                "roadmaps": [row.to_json() for row in self.roadmaps],
                "executors": [row.to_json() for row in self.executors]}


def summary(engine: Engine, as_of: date | None = None, soon: int = DEFAULT_SOON_DAYS) -> Summary:
    """The counts of `profplan summary`, the most overdue roadmaps and executors first."""
    check_soon_days(soon)
    with transaction(engine) as session:
        report_date = report_as_of(session, as_of)
        roadmaps = {rid: (title or key, key) for rid, key, title in session.exec(
            select(Roadmap.id, Roadmap.key, Roadmap.title))}
        executors = {eid: (name, key) for eid, name, key in session.exec(
            select(Executor.id, Executor.name, Executor.key))}
        by_roadmap = _counts(session, report_date, soon, by_executor=False)
        by_executor = _counts(session, report_date, soon, by_executor=True)
    return Summary(
        report_date, soon,
        _rows({rid: by_roadmap.get(rid, Counts()) for rid in roadmaps}, roadmaps),
        _rows(by_executor, {**executors, None: (NO_EXECUTOR, "")}),
    )


def _counts(session: Session, as_of: AsOf, soon: int, by_executor: bool) -> dict[Any, Counts]:
    """Counts by roadmap id, or by executor id (an item's executors each get its occurrences; None: no executor)."""
    group = col(ItemExecutor.executor_id) if by_executor else col(Item.roadmap_id)

    def number(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.sum(case((condition, 1), else_=0))

    done = counts_as_done(as_of)
    on_time = and_(done, func.coalesce(col(Occ.done_on), col(Occ.planned_on)) <= col(Occ.due))
    occurrences = (
        select(group, func.count(), number(done), number(on_time), number(overdue(as_of)), number(due_soon(as_of, soon)))
        .select_from(Occ)
        .join(Item, col(Item.id) == Occ.item_id)
        .join(Roadmap, col(Roadmap.id) == Item.roadmap_id)
        .where(tracked())
        .group_by(group)
    )
    open_ended = (
        select(group, func.count(col(Item.id).distinct()))
        .select_from(Item)
        .where(col(Item.kind).in_(NO_FIXED_DATE_KINDS))
        .group_by(group)
    )
    if by_executor:
        occurrences = occurrences.outerjoin(ItemExecutor, col(ItemExecutor.item_id) == Item.id)
        open_ended = open_ended.outerjoin(ItemExecutor, col(ItemExecutor.item_id) == Item.id)
    result = {key: Counts(*(int(value or 0) for value in values)) for key, *values in session.exec(occurrences)}
    for key, count in session.exec(open_ended):
        result[key] = replace(result.get(key, Counts()), no_fixed_date=count)
    return result


def _rows(counts: dict[Any, Counts], names: dict[Any, tuple[str, str]]) -> list[SummaryRow]:
    rows = [SummaryRow(*names[key], value) for key, value in counts.items()]
    return sorted(rows, key=lambda row: (-row.counts.overdue, -row.counts.due_soon, row.name))


def render_summary(report: Summary) -> RenderableType:
    """Two Russian tables: by roadmap and by executor."""
    return Group(
        Text(f"Сводка на {report.as_of.describe()} (скоро срок — в ближайшие {report.soon_days} дн.)", style="bold"),
        _table("По дорожным картам", "Дорожная карта", report.roadmaps, show_key=True),
        _table("По исполнителям", "Исполнитель", report.executors, show_key=False),
    )


def _table(title: str, first: str, rows: Sequence[SummaryRow], show_key: bool) -> Table:
    """One table; roadmaps show their key under the title, as `--roadmap` takes it."""
    table = Table(title=title, title_justify="left")
    table.add_column(first, overflow="fold")
    for header in HEADERS.values():
        table.add_column(header, justify="right")
    for row in rows:
        values = row.counts.to_json()
        label = Text(row.name)
        if show_key and row.key != row.name:
            label.append(f"\n{row.key}", style="dim")
        table.add_row(label, *(Text(str(values[key]), style="bold red" if key == "overdue" and values[key] else "")
                                  for key in HEADERS))
    return table
