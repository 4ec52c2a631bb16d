"""The committee's reports as pages: the dashboard and the overdue list, within a viewer's region.

A thin layer over `tracking`: the counts are `tracking.summary.summary`'s,
the rows are `tracking.overdue.DueRow`s selected by `tracking.state`'s one
definition of open, overdue and due soon, and the downloads are written by
`tracking.export`. Two things are added for pages: the reach of the viewer
(a region's roadmaps only), and a budget of rows a page shows, shared out
among the executors (their most urgent rows), so that a thousand roadmaps
answer in about a second — the counts stay whole, and the downloads hold
every row of the same query.
(`overdue_rows` is the candidate to move into `tracking.overdue` as a
limited variant of `due_rows` once that module settles.)
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date
from pathlib import Path
from typing import Any, cast

from sqlalchemy import String, case, collate, func, true
from sqlalchemy import cast as sql_cast
from sqlalchemy import select as sql_select
from sqlalchemy.engine import Engine
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from calendars.dates import parse_date
from calendars.errors import ProfplanError
from calendars.suggest import did_you_mean
from roadmaps.tables import Executor, Item, ItemExecutor, Roadmap
from store.db import transaction
from tracking.clock import AsOf
from tracking.contacts import controller_contacts
from tracking.export import export_csv, export_xlsx
from tracking.overdue import DEFAULT_SOON_DAYS, NO_EXECUTOR, DueRow, ExecutorDue, OverdueReport
from tracking.refs import item_ref
from tracking.state import REGION, check_soon_days, overdue, report_as_of, still_open
from tracking.summary import Counts, summary
from tracking.tables import DeadlineOccurrence as Occ
from web.catalog import find_visible_roadmap, region_condition, report_date, visible_roadmaps
from web.roles import Viewer

ROW_BUDGET = 400  # rows the overdue page shows at most, about: every row when there are fewer …
MIN_ROWS_PER_EXECUTOR = 5  # … else each executor's most urgent, at least this many, and "показать все"
CHART_BARS = 15


class QueryError(ProfplanError):
    """A filter of a report page that cannot be used: a bad date, an executor or roadmap that matches nothing."""


@dataclass(frozen=True)
class OverdueQuery:
    """The filters of /overdue and its downloads, as query parameters (bookmarkable, shared by the three)."""

    as_of: date | None = None
    executor: str | None = None
    roadmap: str | None = None
    soon: int = DEFAULT_SOON_DAYS

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> OverdueQuery:
        """Read `as_of`, `executor`, `roadmap`, `soon`; a bad value is a Russian error naming the field."""
        text = {name: (params.get(name) or "").strip() for name in ("as_of", "executor", "roadmap", "soon")}
        as_of = parse_date(text["as_of"], "Дата отчёта") if text["as_of"] else None
        soon = DEFAULT_SOON_DAYS
        if text["soon"]:
            if not text["soon"].isdigit():
                raise QueryError(f"«Скоро срок»: «{text['soon']}» — нужно целое число дней, 0 или больше.")
            soon = int(text["soon"])
        return cls(as_of, text["executor"] or None, text["roadmap"] or None, soon)

    def params(self, **changes: Any) -> dict[str, str]:
        """The query parameters of this query (with `changes`), empty ones left out, for links."""
        query = replace(self, **changes)
        values = {"as_of": query.as_of.isoformat() if query.as_of else None, "executor": query.executor,
                  "roadmap": query.roadmap, "soon": str(query.soon) if query.soon != DEFAULT_SOON_DAYS else None}
        return {name: value for name, value in values.items() if value}


@dataclass(frozen=True)
class ExecutorSection:
    """One executor's rows on the page: the counts in full, the most urgent rows up to the page's bound."""

    executor: str
    overdue: int
    soon: int
    rows: list[DueRow]

    @property
    def total(self) -> int:
        return self.overdue + self.soon

    @property
    def hidden(self) -> int:
        return self.total - len(self.rows)


@dataclass(frozen=True)
class OverduePage:
    query: OverdueQuery
    as_of: AsOf
    sections: list[ExecutorSection]
    overdue: int  # distinct occurrences (an item with three executors shows under each, counted once here)
    soon: int
    item_ids: dict[int, int] = field(default_factory=dict)  # the item of each shown occurrence, for links
    controller_emails: dict[str, str] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return not any(section.hidden for section in self.sections)

    def report(self) -> OverdueReport:
        """The rows as `tracking.overdue`'s report, which the exports write."""
        return OverdueReport(self.as_of, self.query.soon, [
            ExecutorDue(section.executor, [row for row in section.rows if row.is_overdue],
                        [row for row in section.rows if not row.is_overdue])
            for section in self.sections
        ])


def overdue_page(engine: Engine, viewer: Viewer, query: OverdueQuery, budget: int | None = ROW_BUDGET) -> OverduePage:
    """What is overdue and due soon, by executor, most urgent first, within the viewer's region.

    Every row when they are no more than `budget` (None: always) or the
    query names an executor; otherwise each executor's most urgent rows,
    as many as the budget shares out, never fewer than MIN_ROWS_PER_EXECUTOR.
    """
    check_soon_days(query.soon)
    with transaction(engine) as session:
        roadmap_id = find_visible_roadmap(session, viewer, query.roadmap).id if query.roadmap else None
        as_of = report_as_of(session, query.as_of, roadmap_id)
        executors = _executor_filter(session, query.executor)
        conditions = _due_conditions(viewer, as_of, query.soon, roadmap_id, executors)
        limit = None if executors or budget is None else _rows_per_executor(session, conditions, budget)
        sections, item_ids = overdue_rows(session, as_of, conditions, limit)
        overdue_total, soon_total = due_totals(session, as_of, conditions, by_executor=executors is not None)
        emails = {key: contact.email for key, contact in controller_contacts(session).items()}
    return OverduePage(query, as_of, sections, overdue_total, soon_total, item_ids, emails)


@dataclass(frozen=True)
class ExecutorFilter:
    """The executors a typed part of a name selects (ids), and whether rows without an executor match too."""

    ids: list[int]
    unassigned: bool


def _executor_filter(session: Session, typed: str | None) -> ExecutorFilter | None:
    """Executors whose name contains the typed text, any case (as `profplan overdue --executor`); none is an error."""
    if not typed:
        return None
    needle = typed.casefold()
    names = session.exec(select(Executor.id, Executor.name)).all()
    ids = [executor_id for executor_id, name in names if needle in name.casefold() and executor_id is not None]
    unassigned = needle in NO_EXECUTOR.casefold()
    if not ids and not unassigned:
        raise QueryError(f"Исполнитель «{typed}» не найден.{_suggest_executor(typed, [name for _, name in names])}")
    return ExecutorFilter(ids, unassigned)


def _suggest_executor(typed: str, names: list[str]) -> str:
    """«Возможно, имелось в виду» for a mistyped part of a name. The filter takes any part of a name, so the
    suggestions are names and their parts (words, quoted names): "ЛОИРА" is far from «ГАОУ ДПО «ЛОИРО»» as a whole
    but one letter from its part «ЛОИРО»."""
    parts = [part for name in names for part in (name, *re.findall(r"«([^«»]+)»", name), *re.findall(r"\w{3,}", name))]
    return did_you_mean(typed, parts)


def _due_conditions(viewer: Viewer, as_of: AsOf, soon: int, roadmap_id: int | None,
                    executors: ExecutorFilter | None) -> list[ColumnElement[bool]]:
    """What the page selects — as `tracking.overdue.due_rows`: still open and due by the report date plus
    `soon` days — in the viewer's region, with the page's filters."""
    conditions = [still_open(as_of), col(Occ.due) <= as_of.sql(cast(ColumnElement[str | None], REGION), soon)]
    region = region_condition(viewer)
    if region is not None:
        conditions.append(region)
    if roadmap_id is not None:
        conditions.append(col(Item.roadmap_id) == roadmap_id)
    if executors is not None:
        executor_id = col(ItemExecutor.executor_id)
        chosen = executor_id.in_(executors.ids)
        conditions.append(chosen | executor_id.is_(None) if executors.unassigned else chosen)
    return conditions


def _with_executors(query: Any, executors: bool = True) -> Any:
    """Occurrences joined to their items, roadmaps and (one row each, unless not asked for) the items' executors."""
    joined = query.join(Item, col(Item.id) == Occ.item_id).join(Roadmap, col(Roadmap.id) == Item.roadmap_id)
    return joined.outerjoin(ItemExecutor, col(ItemExecutor.item_id) == Item.id) if executors else joined


def _rows_per_executor(session: Session, conditions: list[ColumnElement[bool]], budget: int) -> int | None:
    """How many rows each executor may show within the budget; None when every row fits."""
    per_executor = session.execute(_with_executors(sql_select(func.count()).select_from(Occ)).where(*conditions)
                                   .group_by(col(ItemExecutor.executor_id))).scalars().all()
    if sum(per_executor) <= budget:
        return None
    return max(MIN_ROWS_PER_EXECUTOR, budget // len(per_executor))


def due_totals(session: Session, as_of: AsOf, conditions: list[ColumnElement[bool]],
               by_executor: bool) -> tuple[int, int]:
    """How many distinct occurrences the selection holds: (overdue, due soon), each counted once.

    The executors are joined only when the selection names some (`by_executor`)."""
    late = func.count(case((overdue(as_of), col(Occ.id))).distinct())
    totals = sql_select(late, func.count(col(Occ.id).distinct())).select_from(Occ)
    row = session.execute(_with_executors(totals, executors=by_executor).where(*conditions)).one()
    return int(row[0]), int(row[1]) - int(row[0])


def overdue_rows(session: Session, as_of: AsOf, conditions: list[ColumnElement[bool]],
                 limit: int | None) -> tuple[list[ExecutorSection], dict[int, int]]:
    """The selected occurrences, one row per executor, grouped by executor, most urgent first;
    with the item id of each occurrence (for links).

    The database ranks each executor's rows as `tracking.overdue` orders
    them — due date, then the reference "KEY#ORDINAL" in code-point order,
    as Python compares strings — and counts them (window functions) over
    narrow rows (ids and dates); only the rows within `limit` are joined to
    their texts. The cut is exactly the library's first rows whenever every
    region has the same report date (a chosen date); with each region's own
    today, regions a day apart may swap places at the cut.
    """
    executor_id = col(ItemExecutor.executor_id)
    late = case((overdue(as_of), 1), else_=0)
    reference = col(Roadmap.key) + "#" + sql_cast(col(Item.ordinal), String)
    if session.get_bind().dialect.name == "postgresql":
        reference = collate(reference, "C")  # code-point order, whatever the database's locale (SQLite's already is)
    kept = _with_executors(sql_select(
        col(Occ.id).label("occurrence_id"), executor_id.label("executor_id"),
        func.row_number().over(partition_by=executor_id, order_by=(col(Occ.due), reference)).label("rank"),
        func.sum(late).over(partition_by=executor_id).label("overdue_count"),
        func.count().over(partition_by=executor_id).label("row_count"),
    ).select_from(Occ)).where(*conditions).subquery()
    columns: list[Any] = [
        col(Occ.id), col(Occ.kind), col(Occ.phase), col(Occ.start), col(Occ.due), col(Item.ordinal), col(Item.number),
        col(Item.title), col(Item.deadline_text), col(Roadmap.id).label("roadmap_id"), col(Roadmap.key),
        col(Roadmap.title).label("roadmap_title"), col(Roadmap.region), col(Roadmap.controller),
        col(Executor.name).label("executor"), kept.c.overdue_count, kept.c.row_count, col(Item.id).label("item_id"),
    ]
    query = (
        sql_select(*columns)
        .select_from(kept)
        .join(Occ, col(Occ.id) == kept.c.occurrence_id)
        .join(Item, col(Item.id) == Occ.item_id)
        .join(Roadmap, col(Roadmap.id) == Item.roadmap_id)
        .outerjoin(Executor, col(Executor.id) == kept.c.executor_id)
        .where(kept.c.rank <= limit if limit is not None else true())
    )
    groups: dict[str, tuple[int, int, list[DueRow]]] = {}
    item_ids: dict[int, int] = {}
    for row in session.execute(query):
        item_ids[row.id] = row.item_id
        name = row.executor or NO_EXECUTOR
        due = DueRow(row.id, row.roadmap_id, row.key, row.roadmap_title, item_ref(row.key, row.ordinal), row.number,
                     row.title, row.deadline_text, row.kind, row.phase, row.start, row.due,
                     (as_of.of(row.region) - row.due).days, row.controller, row.executor)
        groups.setdefault(name, (int(row.overdue_count), int(row.row_count) - int(row.overdue_count), []))[2].append(due)
    sections = [ExecutorSection(name, late_count, soon_count, sorted(rows, key=lambda r: r.urgency))
                for name, (late_count, soon_count, rows) in groups.items()]
    return sorted(sections, key=lambda section: (section.rows[0].urgency, section.executor)), item_ids


# The downloads of /overdue: (media type, writer of tracking.export), by file suffix.
EXPORTS: dict[str, tuple[str, Callable[[OverdueReport, Path], int]]] = {
    "csv": ("text/csv; charset=utf-8", export_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", export_xlsx),
}


def overdue_download(engine: Engine, viewer: Viewer, query: OverdueQuery, suffix: str) -> tuple[str, bytes]:
    """Every row of the page's query as a CSV or XLSX file: (media type, bytes)."""
    media_type, write = EXPORTS[suffix]
    report = overdue_page(engine, viewer, query, budget=None).report()
    with tempfile.TemporaryDirectory(prefix="profplan-export-") as folder:
        path = Path(folder) / f"overdue.{suffix}"
        write(report, path)
        return media_type, path.read_bytes()


@dataclass(frozen=True)
class DashboardRow:
    """One roadmap's counts on its report date."""

    key: str
    title: str
    region: str | None
    as_of: date
    counts: Counts


@dataclass(frozen=True)
class Bar:
    executor: str
    overdue: int


@dataclass(frozen=True)
class Dashboard:
    chosen: date | None
    soon_days: int
    rows: list[DashboardRow]
    bars: list[Bar]

    @property
    def totals(self) -> Counts:
        return Counts(**{spec.name: sum(getattr(row.counts, spec.name) for row in self.rows) for spec in fields(Counts)})


def dashboard(engine: Engine, viewer: Viewer, chosen: date | None, soon: int = DEFAULT_SOON_DAYS) -> Dashboard:
    """Per roadmap of the viewer's region, `profplan summary`'s counts on its report date, and overdue by executor.

    With no date chosen each roadmap is counted on today in its region kept
    inside its period (`catalog.report_date`); roadmaps sharing a date are
    counted by one call of `summary`, whose per-executor counts are the chart
    when one date serves every roadmap there is (else the chart is counted
    per date over the viewer's roadmaps).
    """
    check_soon_days(soon)
    with transaction(engine) as session:
        by_date: dict[date, list[Roadmap]] = {}
        for roadmap in visible_roadmaps(session, viewer):
            by_date.setdefault(report_date(roadmap, chosen), []).append(roadmap)
    rows: list[DashboardRow] = []
    overdue_by_executor: dict[str, int] = {}
    for day, roadmaps in by_date.items():
        report = summary(engine, as_of=day, soon=soon)
        counts = {row.key: row.counts for row in report.roadmaps}
        rows += [DashboardRow(r.key, r.title or r.key, r.region, day, counts.get(r.key, Counts())) for r in roadmaps]
        if len(by_date) == 1 and region_condition(viewer) is None:
            # Every roadmap on one date: the summary's own per-executor counts are the chart.
            overdue_by_executor = {row.name: row.counts.overdue for row in report.executors}
            continue
        ids = [r.id for r in roadmaps if r.id is not None] if len(by_date) > 1 else None  # one date: all visible
        with transaction(engine) as session:
            for name, count in executor_overdue(session, ids, viewer, day):
                overdue_by_executor[name] = overdue_by_executor.get(name, 0) + count
    rows.sort(key=lambda row: (-row.counts.overdue, -row.counts.due_soon, row.title))
    bars = sorted((Bar(name, count) for name, count in overdue_by_executor.items() if count),
                  key=lambda bar: (-bar.overdue, bar.executor))
    return Dashboard(chosen, soon, rows, bars[:CHART_BARS])


def executor_overdue(session: Session, roadmap_ids: list[int] | None, viewer: Viewer,
                         day: date) -> list[tuple[str, int]]:
    """Overdue occurrences per executor (each executor of an item counts it) on `day`, of these roadmaps
    (None: every roadmap the viewer sees). An item names an executor once, so rows need no DISTINCT."""
    as_of = AsOf.resolve(day, [None])
    executor_id = col(ItemExecutor.executor_id)
    conditions = [overdue(as_of)]
    region = region_condition(viewer)
    conditions += [region] if region is not None else []
    conditions += [col(Item.roadmap_id).in_(roadmap_ids)] if roadmap_ids is not None else []
    counts = _with_executors(sql_select(executor_id, func.count()).select_from(Occ)).where(*conditions)
    names: dict[int | None, str] = {key: name for key, name in session.execute(sql_select(col(Executor.id), col(Executor.name)))}
    return [(names.get(key) or NO_EXECUTOR, int(count)) for key, count in session.execute(counts.group_by(executor_id))]
