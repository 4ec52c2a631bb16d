"""The overdue report: per executor, what is past due and not done, and what falls due soon.

The same rows feed the CSV and XLSX exports and the e-mail alerts, so an
occurrence is overdue by exactly one definition (`tracking.state`). Rows are
one per (occurrence, executor): an item with three executors is each one's
business and counts under each of them.

On a terminal the report fits a screen: a line of counts (overdue, due
soon, the oldest overdue) per executor for the executors with the most
overdue, then the most urgent occurrences of the whole report, most overdue
first, one or two lines each — 10 of each unless `--limit` or `--all` says
otherwise — and a footer naming the roadmaps and the date the report covers.
Every row is in the JSON, CSV and XLSX outputs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from rich.console import Group, RenderableType
from rich.text import Text
from sqlalchemy import String, case, collate, func
from sqlalchemy import cast as sql_cast
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from calendars.suggest import closest
from roadmaps.executors import executor_key
from roadmaps.tables import Executor, Item, ItemExecutor, Roadmap
from store.db import transaction
from tracking.clock import AsOf
from tracking.errors import UnknownItemError
from tracking.planned import PlannedBy, coverage
from tracking.policy import DEFAULT_SOON_DAYS
from tracking.refs import item_ref, resolve_roadmap
from tracking.screen import DEFAULT_LIMIT, Column, cell, fixed_table, two_lines
from tracking.state import REGION, check_soon_days, report_as_of, still_open
from tracking.tables import DeadlineOccurrence as Occ
from tracking.tables import RoadmapTracking
from tracking.values import OccurrenceKind
from tracking.wording import counted, cut, due_phrase, fmt_date

NO_EXECUTOR = "Исполнитель не указан"
MIN_ROWS_PER_EXECUTOR = 5  # a bounded report keeps at least this many rows of each executor


@dataclass(frozen=True)
class DueRow:
    """One open occurrence past due or due soon, as one executor sees it."""

    occurrence_id: int
    item_id: int
    roadmap_id: int
    roadmap_key: str
    roadmap_title: str | None
    item: str
    number: str | None
    title: str
    deadline_text: str
    kind: OccurrenceKind
    phase: str | None
    start: date | None
    due: date
    days_overdue: int  # > 0 overdue; 0 due today; < 0 days left
    controller: str | None
    executor: str | None
    planned: tuple[PlannedBy, ...] = ()

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
            "executor": self.executor, "planned": [entry.to_json() for entry in self.planned],
        }


@dataclass(frozen=True)
class ExecutorDue:
    """One executor's rows, most urgent first; a bounded report (`budget`) counts the rows it left out."""

    executor: str
    overdue: list[DueRow]
    soon: list[DueRow]
    hidden_overdue: int = 0
    hidden_soon: int = 0

    @property
    def most_overdue(self) -> int:
        return max((row.days_overdue for row in self.overdue), default=0)

    def to_json(self) -> dict[str, Any]:
        return {"executor": self.executor, "overdue_count": len(self.overdue), "soon_count": len(self.soon),
                "overdue": [row.to_json() for row in self.overdue], "soon": [row.to_json() for row in self.soon]}


@dataclass(frozen=True)
class RoadmapScope:
    """A roadmap a report covers, and since when it is tracked."""

    key: str
    title: str | None
    track_from: date | None

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "title": self.title,
                "track_from": self.track_from.isoformat() if self.track_from else None}

    def render(self) -> str:
        return f"{self.key} (с {fmt_date(self.track_from)})" if self.track_from else self.key


@dataclass(frozen=True)
class UrgentRow:
    """One occurrence in the report's most-urgent list, with every executor it is due for."""

    first: DueRow
    executors: tuple[str, ...]


@dataclass(frozen=True)
class OverdueReport:
    as_of: AsOf
    soon_days: int
    executors: list[ExecutorDue]
    roadmaps: list[RoadmapScope]

    def rows(self) -> list[DueRow]:
        """Every row, most urgent first (the order of the exports)."""
        return sorted((row for group in self.executors for row in (*group.overdue, *group.soon)),
                      key=lambda row: (*row.urgency, row.executor or ""))

    def urgent(self) -> list[UrgentRow]:
        """Each occurrence once, most urgent first, with its executors in the order they appear."""
        found: dict[int, tuple[DueRow, list[str]]] = {}
        for row in self.rows():
            _, names = found.setdefault(row.occurrence_id, (row, []))
            names.append(row.executor or NO_EXECUTOR)
        return [UrgentRow(row, tuple(names)) for row, names in found.values()]

    def to_json(self) -> dict[str, Any]:
        return {"as_of": self.as_of.to_json(), "soon_days": self.soon_days,
                "roadmaps": [roadmap.to_json() for roadmap in self.roadmaps],
                "executors": [group.to_json() for group in self.executors]}


def _due_query(columns: Any, as_of: AsOf, soon_days: int, roadmap_id: int | None, region: str | None, *,
               texts: bool = True, executors: bool = True) -> Any:
    """Open occurrences due by the report date plus `soon_days`, joined to items, roadmaps and (one row each)
    their executors, of one roadmap or region when given.

    The counts of a report scan every due occurrence (tens of thousands for a region), so they join only what
    they read: with `texts=False` items and roadmaps only where the filter or a region's own report date needs
    them, and with `executors=False` no row per executor (each occurrence once).
    """
    by_region = region is not None or len(set(as_of.dates.values())) > 1
    query = select(*columns).select_from(Occ)
    if texts or by_region or roadmap_id is not None:
        query = query.join(Item, col(Item.id) == Occ.item_id)
    if texts or by_region:
        query = query.join(Roadmap, col(Roadmap.id) == Item.roadmap_id)
    if executors:
        query = query.outerjoin(ItemExecutor, col(ItemExecutor.item_id) == Occ.item_id)
    query = query.where(still_open(), col(Occ.due) <= as_of.sql(REGION, soon_days))
    if roadmap_id is not None:
        query = query.where(Item.roadmap_id == roadmap_id)
    if region is not None:
        query = query.where(Roadmap.region == region)
    return query


def due_rows(session: Session, as_of: AsOf, soon_days: int, roadmap_id: int | None = None,
             region: str | None = None, per_executor: int | None = None) -> list[DueRow]:
    """Open occurrences due before the report date plus `soon_days`, one row per executor, with what plans them
    (of one roadmap, or of one region's roadmaps, when given).

    With `per_executor` only each executor's first rows by due date (then reference) are read: the database
    ranks them (a window function over narrow rows) and only those are joined to their texts.
    """
    executor_id = col(ItemExecutor.executor_id)
    columns: list[Any] = [col(column) for column in (
        Occ.id, Occ.item_id, Occ.kind, Occ.phase, Occ.start, Occ.due, Item.ordinal, Item.number, Item.title,
        Item.deadline_text, Roadmap.id, Roadmap.key, Roadmap.title, Roadmap.region, Roadmap.controller, Executor.name)]
    if per_executor is None:
        query = _due_query(columns, as_of, soon_days, roadmap_id, region).outerjoin(
            Executor, col(Executor.id) == executor_id)
    else:
        reference: Any = col(Roadmap.key) + "#" + sql_cast(col(Item.ordinal), String)
        if session.get_bind().dialect.name == "postgresql":
            reference = collate(reference, "C")  # code-point order, as Python compares the references
        rank = func.row_number().over(partition_by=executor_id, order_by=(col(Occ.due), reference))
        ranked = _due_query([col(Occ.id).label("occurrence_id"), executor_id.label("executor_id"), rank.label("rank")],
                            as_of, soon_days, roadmap_id, region).subquery()
        query = (
            select(*columns)
            .select_from(ranked)
            .join(Occ, col(Occ.id) == ranked.c.occurrence_id)
            .join(Item, col(Item.id) == Occ.item_id)
            .join(Roadmap, col(Roadmap.id) == Item.roadmap_id)
            .outerjoin(Executor, col(Executor.id) == ranked.c.executor_id)
            .where(ranked.c.rank <= per_executor)
        )
    found = session.execute(query).all()
    planned = coverage(session, {row[1] for row in found})
    return [
        DueRow(occurrence_id, item_id, rid, key, roadmap_title, item_ref(key, ordinal), number, title, deadline_text, kind,
               phase, start, due, (as_of.of(region_code) - due).days, controller, executor,
               tuple(planned.of(item_id, start, due)))
        for (occurrence_id, item_id, kind, phase, start, due, ordinal, number, title, deadline_text, rid, key,
             roadmap_title, region_code, controller, executor) in found
    ]


def due_totals(session: Session, as_of: AsOf, soon_days: int, roadmap_id: int | None = None,
               region: str | None = None) -> tuple[int, int]:
    """Distinct occurrences of the report, (overdue, due soon): an item with three executors counts once."""
    late = func.sum(case((col(Occ.due) < as_of.sql(REGION), 1), else_=0))
    row = session.execute(_due_query([late, func.count()], as_of, soon_days, roadmap_id, region, texts=False,
                                     executors=False)).one()
    return int(row[0] or 0), int(row[1]) - int(row[0] or 0)


def due_counts(session: Session, as_of: AsOf, soon_days: int, roadmap_id: int | None = None,
               region: str | None = None) -> dict[str, tuple[int, int]]:
    """Per executor's name: how many rows the report holds, (overdue, due soon), counted in the database."""
    executor_id = col(ItemExecutor.executor_id)
    late = func.sum(case((col(Occ.due) < as_of.sql(REGION), 1), else_=0))
    query = _due_query([executor_id, late, func.count()], as_of, soon_days, roadmap_id, region,
                       texts=False).group_by(executor_id)
    names = dict(session.execute(select(col(Executor.id), col(Executor.name))).all())
    return {names.get(key) or NO_EXECUTOR: (int(overdue or 0), int(total) - int(overdue or 0))
            for key, overdue, total in session.execute(query)}


def roadmap_scopes(session: Session, roadmap_id: int | None = None, region: str | None = None) -> list[RoadmapScope]:
    """The roadmaps a report covers (all, the one chosen, or one region's), with their tracking starts."""
    query = (select(col(Roadmap.key), col(Roadmap.title), col(RoadmapTracking.track_from))
             .outerjoin(RoadmapTracking, col(RoadmapTracking.roadmap_id) == Roadmap.id).order_by(col(Roadmap.key)))
    if roadmap_id is not None:
        query = query.where(Roadmap.id == roadmap_id)
    if region is not None:
        query = query.where(Roadmap.region == region)
    return [RoadmapScope(key, title, track_from) for key, title, track_from in session.execute(query)]


def executor_matcher(session: Session, needle: str | None) -> Callable[[str], bool]:
    """Which rows' executors an executor filter keeps; a filter naming no stored executor is an error with the closest names.

    The filter is a part of a name (case, ё and spacing ignored), unless it is
    one executor's whole name: then it keeps that executor only, so
    «Образовательные организации» does not also take «Общеобразовательные
    организации». Names are also compared by their beginning as long as what
    was typed: «Комитет обшего» is close to «Комитет общего и профессионального
    образования …».
    """
    if not needle:
        return lambda name: True
    folded = executor_key(needle)
    names = session.exec(select(col(Executor.name), col(Executor.key))).all()
    if folded and any(folded == key for _, key in names):
        return lambda name: executor_key(name) == folded
    if folded and any(folded in key for _, key in names):
        return lambda name: folded in executor_key(name)
    beginnings: dict[str, str] = {}
    for name, _ in names:
        beginnings.setdefault(name[:len(needle)], name)
    found = [beginnings[start] for start in closest(needle, beginnings)]
    found += closest(needle, [name for name, _ in names])
    shown = list(dict.fromkeys(found))[:3]
    hint = (" Возможно, имелось в виду: " + ", ".join(f"«{name}»" for name in shown) + "." if shown
            else " Список исполнителей: profplan executors.")
    raise UnknownItemError(f"Исполнитель «{needle}» не найден в загруженных дорожных картах.{hint}")


def overdue_report(engine: Engine, as_of: date | None = None, executor: str | None = None,
                   roadmap: str | None = None, soon: int = DEFAULT_SOON_DAYS, region: str | None = None,
                   budget: int | None = None) -> OverdueReport:
    """The report of `profplan overdue` and of the web's /overdue; `executor` as `executor_matcher` reads it.

    `region` keeps one region's roadmaps (a committee member's reach on the
    web). With a `budget` of rows (a page a person reads) and more rows than
    that, each executor keeps its most urgent rows, as many as the budget
    shares out and never fewer than MIN_ROWS_PER_EXECUTOR, and counts the
    rest (`ExecutorDue.hidden_*`); the counts stay whole. A roadmap or
    executor that names nothing stored is an error with the closest matches,
    never an empty "nothing overdue".
    """
    check_soon_days(soon)
    with transaction(engine) as session:
        roadmap_id = resolve_roadmap(session, roadmap).id if roadmap else None
        keeps = executor_matcher(session, executor)
        report_date = report_as_of(session, as_of, roadmap_id)
        counts = due_counts(session, report_date, soon, roadmap_id, region) if budget is not None else {}
        total = sum(late + near for late, near in counts.values())
        per_executor = (None if budget is None or total <= budget
                        else max(MIN_ROWS_PER_EXECUTOR, budget // max(len(counts), 1)))
        rows = due_rows(session, report_date, soon, roadmap_id, region, per_executor)
        scopes = roadmap_scopes(session, roadmap_id, region)
    sections = executor_sections((row for row in rows if keeps(row.executor or NO_EXECUTOR)),
                                 counts if per_executor is not None else None)
    return OverdueReport(report_date, soon, sections, scopes)


# Widths of the fixed columns at any console width; the title takes what is left.
_EXECUTOR_COLUMNS = [Column("Исполнитель"), Column("Просрочено", 10, True), Column("Скоро срок", 10, True),
                     Column("Самая давняя", 12, True)]
_URGENT_COLUMNS = [Column("Состояние", 13), Column("Пункт", 20), Column("Наименование"), Column("Срок", 10),
                   Column("Исполнители", 18)]


def render_overdue(report: OverdueReport, width: int, limit: int | None = DEFAULT_LIMIT) -> RenderableType:
    """Russian, for a terminal of `width` columns: counts per executor, the `limit` most urgent rows, the footer."""
    title = Text(f"Просроченные сроки на {report.as_of.describe()} и сроки в ближайшие {report.soon_days} дн.",
                 style="bold")
    footer = _footer(report)
    if not report.executors:
        return Group(title, Text("Просроченных сроков и сроков в ближайшие дни нет."), footer)
    shown = report.executors if limit is None else report.executors[:limit]
    hidden = len(report.executors) - len(shown)
    executors, flex = fixed_table(f"По исполнителям: {len(shown)} из {len(report.executors)}, больше всего просроченного"
                                  + (" (все — --all, больше — --limit N)" if hidden else ""), _EXECUTOR_COLUMNS, width)
    for group in shown:
        executors.add_row(cell(cut(group.executor, flex)), cell(str(len(group.overdue)), "bold red" if group.overdue else ""),
                          cell(str(len(group.soon))), cell(f"{group.most_overdue} дн." if group.overdue else "—"))
    counts = Text(f"Исполнителей: {len(report.executors)}; просрочено "
                  f"{counted(sum(len(g.overdue) for g in report.executors), 'срок', 'срока', 'сроков')}, "
                  f"скоро срок — {sum(len(g.soon) for g in report.executors)} (по каждому исполнителю отдельно).")
    return Group(title, counts, executors, urgent_table(report, width, limit), footer)


def urgent_table(report: OverdueReport, width: int, limit: int | None = DEFAULT_LIMIT) -> RenderableType:
    """The `limit` most urgent occurrences (all when None), each once with its executors, one or two lines each."""
    urgent = report.urgent()
    shown = urgent if limit is None else urgent[:limit]
    heading = (f"Самые срочные: {len(shown)} из {len(urgent)}" + (" (все — --all, больше — --limit N)"
                                                                  if len(shown) < len(urgent) else ""))
    rows, flex = fixed_table(heading, _URGENT_COLUMNS, width)
    for entry in shown:
        row = entry.first
        name = f"{row.phase}: {row.title}" if row.phase else row.title
        notes = [note for note, applies in (("отчёт", row.kind is OccurrenceKind.CHECKIN), ("в плане", bool(row.planned)))
                 if applies]
        rows.add_row(cell(two_lines(row.state, 13), "bold red" if row.is_overdue else "yellow"), cell(row.item),
                     cell(two_lines(name, flex)), cell("\n".join([fmt_date(row.due), ", ".join(notes)]).strip()),
                     cell(two_lines("; ".join(entry.executors), 18)))
    return rows


def _footer(report: OverdueReport) -> Text:
    """Which roadmaps and which date the report covers, and how to read and get the rest of it."""
    roadmaps = ", ".join(scope.render() for scope in report.roadmaps) or "не загружены"
    return Text(
        f"Отчёт на {report.as_of.describe()}; дорожные карты ({len(report.roadmaps)}, в скобках — начало "
        f"отслеживания): {roadmaps}. «В плане» — занятия школ по пункту есть в расписании, но выполнение "
        "отмечает комитет (profplan done). Все строки: --all, --json, --csv, --xlsx.",
        style="dim")


def executor_sections(rows: Iterable[DueRow], counts: dict[str, tuple[int, int]] | None = None) -> list[ExecutorDue]:
    """Rows grouped by executor, each split into overdue and due soon (most urgent first); executors with
    the most overdue first. With the whole `counts` of a bounded report, each group counts what it left out."""
    groups: dict[str, list[DueRow]] = {}
    for row in rows:
        groups.setdefault(row.executor or NO_EXECUTOR, []).append(row)
    sections = []
    for name, group in groups.items():
        late = sorted((r for r in group if r.is_overdue), key=lambda r: r.urgency)
        near = sorted((r for r in group if not r.is_overdue), key=lambda r: r.urgency)
        whole = counts.get(name, (len(late), len(near))) if counts is not None else (len(late), len(near))
        sections.append(ExecutorDue(name, late, near, whole[0] - len(late), whole[1] - len(near)))
    return sorted(sections, key=lambda s: (-(len(s.overdue) + s.hidden_overdue), -(len(s.soon) + s.hidden_soon),
                                           -s.most_overdue, s.executor))
