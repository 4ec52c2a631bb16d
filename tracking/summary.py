"""The committee's view: per roadmap and per executor, how many deadlines are done, on time, overdue, due soon.

Counts are of occurrences (a quarterly item counts four times a year), except
"no fixed date", which counts the items whose text sets none (постоянно,
по мере необходимости …): they can never be overdue, and the committee wants
to see how many such open-ended obligations each executor carries. "Planned"
counts the open occurrences a school's current timetable has sessions for:
shown apart, never as done. Everything but "planned" is counted in SQL, so a
thousand roadmaps report in well under a second.

On a terminal the summary fits a screen: every roadmap, the executors with the
most overdue (10 unless `--limit` or `--all` says otherwise), the roadmaps'
indicators with their targets and last actual values, and a footer saying
what the numbers mean.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Any

from rich.console import Group, RenderableType
from rich.text import Text
from sqlalchemy import and_, case, func
from sqlalchemy import select as select_columns
from sqlalchemy.engine import Engine
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from roadmaps.tables import Executor, Item, ItemExecutor, Roadmap
from store.db import transaction
from tracking.clock import AsOf
from tracking.indicators import IndicatorRow, indicator_rows, render_indicators
from tracking.occurrences import NO_FIXED_DATE_KINDS
from tracking.overdue import NO_EXECUTOR, RoadmapScope, roadmap_scopes
from tracking.planned import coverage
from tracking.policy import DEFAULT_SOON_DAYS
from tracking.screen import DEFAULT_LIMIT, Column, cell, fixed_table, two_lines
from tracking.state import check_soon_days, counts_as_done, due_soon, overdue, report_as_of, still_open, tracked
from tracking.tables import DeadlineOccurrence as Occ
from tracking.wording import cut

HEADERS = {
    "total": "Всего", "done": "Выполнено", "on_time": "В срок", "overdue": "Просроч.",
    "due_soon": "Скоро", "planned": "В плане", "no_fixed_date": "Без срока",
}
# What each number means, printed under the tables.
MEANINGS = (
    "Всего — сроки и отчёты о ходе исполнения с начала отслеживания; выполнено — отмечено комитетом (в срок — не позже "
    "срока); просрочено — срок прошёл, не выполнено; скоро — срок в ближайшие {soon} дн.; в плане — открытые сроки, "
    "по которым в расписании школ есть занятия (это не выполнение); без срока — пункты «постоянно», «по мере "
    "необходимости», по ним раз в период запрашивается отчёт."
)


@dataclass(frozen=True)
class Counts:
    total: int = 0
    done: int = 0
    on_time: int = 0
    overdue: int = 0
    due_soon: int = 0
    planned: int = 0
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
    scopes: list[RoadmapScope]
    indicators: list[IndicatorRow]

    def to_json(self) -> dict[str, Any]:
        return {"as_of": self.as_of.to_json(), "soon_days": self.soon_days,
                "scopes": [scope.to_json() for scope in self.scopes],
                "roadmaps": [row.to_json() for row in self.roadmaps],
                "executors": [row.to_json() for row in self.executors],
                "indicators": [row.to_json() for row in self.indicators]}


def summary(engine: Engine, as_of: date | None = None, soon: int = DEFAULT_SOON_DAYS, region: str | None = None,
            roadmaps: Collection[int] | None = None) -> Summary:
    """The counts of `profplan summary`, the most overdue roadmaps and executors first.

    `region` and `roadmaps` (ids) narrow it to a region's roadmaps (a committee member's reach on the web
    dashboard) or to some roadmaps (those that share a report date); executors then count those roadmaps only.
    """
    check_soon_days(soon)
    chosen = _chosen(region, roadmaps)
    with transaction(engine) as session:
        report_date = report_as_of(session, as_of)
        names = {rid: (title or key, key) for rid, key, title in session.exec(
            select(Roadmap.id, Roadmap.key, Roadmap.title).where(*chosen))}
        executors = {eid: (name, key) for eid, name, key in session.exec(
            select(Executor.id, Executor.name, Executor.key))}
        scope: list[ColumnElement[bool]] = [col(Item.roadmap_id).in_(select(col(Roadmap.id)).where(*chosen))] if chosen else []
        planned_by_roadmap, planned_by_executor = _planned(session, scope)
        by_roadmap = _counts(session, report_date, soon, False, planned_by_roadmap, scope)
        by_executor = _counts(session, report_date, soon, True, planned_by_executor, scope)
        keys = {key for _, key in names.values()}
        scopes = [found for found in roadmap_scopes(session) if found.key in keys]
        indicators = [row for row in indicator_rows(session, max(report_date.dates.values())) if row.roadmap in keys]
    return Summary(
        report_date, soon,
        _rows({rid: by_roadmap.get(rid, Counts()) for rid in names}, names),
        _rows(by_executor, {**executors, None: (NO_EXECUTOR, "")}),
        scopes, indicators,
    )


def _chosen(region: str | None, roadmaps: Collection[int] | None) -> list[ColumnElement[bool]]:
    """The conditions on Roadmap that select the roadmaps a summary covers (none: every roadmap)."""
    conditions = [col(Roadmap.region) == region] if region else []
    return conditions + ([col(Roadmap.id).in_(sorted(roadmaps))] if roadmaps is not None else [])


def _counts(session: Session, as_of: AsOf, soon: int, by_executor: bool, planned: Counter[Any],
            scope: list[ColumnElement[bool]]) -> dict[Any, Counts]:
    """Counts by roadmap id, or by executor id (an item's executors each get its occurrences; None: no executor)."""
    group = col(ItemExecutor.executor_id) if by_executor else col(Item.roadmap_id)

    def number(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.sum(case((condition, 1), else_=0))

    done = counts_as_done()
    on_time = and_(done, col(Occ.done_on) <= col(Occ.due))
    occurrences = (
        select_columns(group, func.count(), number(done), number(on_time), number(overdue(as_of)),
                       number(due_soon(as_of, soon)))
        .select_from(Occ)
        .join(Item, col(Item.id) == Occ.item_id)
        .join(Roadmap, col(Roadmap.id) == Item.roadmap_id)
        .where(tracked(), *scope)
        .group_by(group)
    )
    open_ended = (
        select(group, func.count(col(Item.id).distinct()))
        .select_from(Item)
        .where(col(Item.kind).in_(NO_FIXED_DATE_KINDS), *scope)
        .group_by(group)
    )
    if by_executor:
        occurrences = occurrences.outerjoin(ItemExecutor, col(ItemExecutor.item_id) == Item.id)
        open_ended = open_ended.outerjoin(ItemExecutor, col(ItemExecutor.item_id) == Item.id)
    result = {key: Counts(*(int(value or 0) for value in values)) for key, *values in session.execute(occurrences)}
    for key, count in session.exec(open_ended):
        result[key] = replace(result.get(key, Counts()), no_fixed_date=count)
    for key, count in planned.items():
        result[key] = replace(result.get(key, Counts()), planned=count)
    return result


def _planned(session: Session, scope: list[ColumnElement[bool]]) -> tuple[Counter[int], Counter[int | None]]:
    """Open occurrences that a current timetable has sessions for, counted by roadmap and by executor."""
    plans = coverage(session)
    if not plans.items:
        return Counter(), Counter()
    rows = session.exec(
        select(col(Occ.item_id), col(Occ.start), col(Occ.due), col(Item.roadmap_id)).join(Item, col(Item.id) == Occ.item_id)
        .where(still_open(), col(Occ.item_id).in_(sorted(plans.items)), *scope)
    ).all()
    links: dict[int, list[int | None]] = {}
    for item_id, executor_id in session.exec(
            select(ItemExecutor.item_id, ItemExecutor.executor_id).where(col(ItemExecutor.item_id).in_(sorted(plans.items)))):
        links.setdefault(item_id, []).append(executor_id)
    by_roadmap: Counter[int] = Counter()
    by_executor: Counter[int | None] = Counter()
    for item_id, start, due, roadmap_id in rows:
        if plans.of(item_id, start, due):
            by_roadmap[roadmap_id] += 1
            by_executor.update(links.get(item_id, [None]))
    return by_roadmap, by_executor


def _rows(counts: dict[Any, Counts], names: dict[Any, tuple[str, str]]) -> list[SummaryRow]:
    rows = [SummaryRow(*names[key], value) for key, value in counts.items()]
    return sorted(rows, key=lambda row: (-row.counts.overdue, -row.counts.due_soon, row.name))


_NUMBER_WIDTH = 9


def _columns(first: str) -> list[Column]:
    return [Column(first), *(Column(header, _NUMBER_WIDTH, numeric=True) for header in HEADERS.values())]


def render_summary(report: Summary, width: int, limit: int | None = DEFAULT_LIMIT) -> RenderableType:
    """Russian, for a terminal of `width` columns: every roadmap, the `limit` most overdue executors, indicators."""
    parts: list[RenderableType] = [
        Text(f"Сводка на {report.as_of.describe()} (скоро срок — в ближайшие {report.soon_days} дн.)", style="bold"),
        roadmaps_table(report, width),
    ]
    shown = report.executors if limit is None else report.executors[:limit]
    more = len(report.executors) - len(shown)
    parts.append(_table(f"По исполнителям: {len(shown)} из {len(report.executors)}, больше всего просроченного"
                        + (" (все — --all, больше — --limit N)" if more else ""),
                        "Исполнитель", shown, width, show_key=False))
    if report.indicators:
        parts.append(render_indicators(report.indicators, width, title="Показатели дорожных карт"))
    parts.append(meanings(report))
    return Group(*parts)


def roadmaps_table(report: Summary, width: int) -> RenderableType:
    """Every roadmap with its counts, the most overdue first."""
    return _table("По дорожным картам", "Дорожная карта", report.roadmaps, width, show_key=True)


def meanings(report: Summary) -> Text:
    """What each number means and which roadmaps are counted, since when."""
    roadmaps = ", ".join(scope.render() for scope in report.scopes) or "не загружены"
    return Text(f"{MEANINGS.format(soon=report.soon_days)} Дорожные карты (в скобках — начало отслеживания): "
                f"{roadmaps}.", style="dim")


def _table(title: str, first: str, rows: Sequence[SummaryRow], width: int, show_key: bool) -> RenderableType:
    """One table; roadmaps show their key on a second line, as `--roadmap` takes it."""
    table, flex = fixed_table(title, _columns(first), width)
    for row in rows:
        values = row.counts.to_json()
        label = f"{cut(row.name, flex)}\n{row.key}" if show_key and row.key != row.name else two_lines(row.name, flex)
        table.add_row(cell(label), *(cell(str(values[key]), "bold red" if key == "overdue" and values[key] else "")
                                     for key in HEADERS))
    return table
