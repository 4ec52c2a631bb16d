"""The committee's reports as pages: the dashboard and the overdue list, within a viewer's region.

A thin layer over `tracking`: the overdue rows are `tracking.overdue.overdue_report`'s (what `profplan
overdue` prints), the counts `tracking.summary.summary`'s (what `profplan summary` prints), both narrowed
to the viewer's region, and the downloads are written by `tracking.export` from the same report. One thing
is added for pages: a budget of rows a page shows, shared out among the executors (their most urgent
rows), so that a thousand roadmaps make a page a person can read — the counts stay whole, and the
downloads hold every row of the same query.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from calendars.dates import parse_date
from calendars.errors import ProfplanError
from roadmaps.tables import Roadmap
from store.db import transaction
from tracking.clock import AsOf
from tracking.contacts import controller_contacts
from tracking.export import export_csv, export_xlsx
from tracking.overdue import (
    DEFAULT_SOON_DAYS,
    DueRow,
    OverdueReport,
    due_totals,
    overdue_report,
)
from tracking.refs import resolve_roadmap
from tracking.summary import Counts, summary
from web.catalog import find_visible_roadmap, report_date, visible_roadmaps
from web.roles import Viewer

ROW_BUDGET = 400  # rows the overdue page shows at most, about: every row when there are fewer
CHART_BARS = 15


class QueryError(ProfplanError):
    """A filter of a report page that cannot be used: a bad date or a bad number of days."""

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
    report: OverdueReport
    sections: list[ExecutorSection]
    overdue: int  # distinct occurrences (an item with three executors shows under each, counted once here)
    soon: int
    controller_emails: dict[str, str] = field(default_factory=dict)

    @property
    def as_of(self) -> AsOf:
        return self.report.as_of

    @property
    def complete(self) -> bool:
        return not any(section.hidden for section in self.sections)


def overdue_page(engine: Engine, viewer: Viewer, query: OverdueQuery, budget: int | None = ROW_BUDGET) -> OverduePage:
    """What is overdue and due soon, by executor, most urgent first, within the viewer's region.

    `tracking.overdue.overdue_report` with the page's budget of rows (None, or
    an executor named: every row), so a thousand roadmaps make a page a
    person reads; the counts stay whole.
    """
    if query.roadmap:
        with transaction(engine) as session:
            find_visible_roadmap(session, viewer, query.roadmap)  # another region's roadmap is refused, not empty
    report = overdue_report(engine, query.as_of, query.executor, query.roadmap, query.soon, viewer.region,
                            budget=None if query.executor else budget)
    sections = [ExecutorSection(group.executor, len(group.overdue) + group.hidden_overdue,
                                len(group.soon) + group.hidden_soon, [*group.overdue, *group.soon])
                for group in report.executors]
    with transaction(engine) as session:
        roadmap_id = resolve_roadmap(session, query.roadmap).id if query.roadmap else None
        if any(group.hidden_overdue or group.hidden_soon for group in report.executors):
            late, soon = due_totals(session, report.as_of, query.soon, roadmap_id, viewer.region)
        else:  # every row is here: count its distinct occurrences (an item of three executors once)
            late = len({row.occurrence_id for group in report.executors for row in group.overdue})
            soon = len({row.occurrence_id for group in report.executors for row in group.soon})
        emails = {key: contact.email for key, contact in controller_contacts(session).items()}
    return OverduePage(query, report, sections, late, soon, emails)


# The downloads of /overdue: (media type, writer of tracking.export), by file suffix.
EXPORTS: dict[str, tuple[str, Callable[[OverdueReport, Path], int]]] = {
    "csv": ("text/csv; charset=utf-8", export_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", export_xlsx),
}


def overdue_download(engine: Engine, viewer: Viewer, query: OverdueQuery, suffix: str) -> tuple[str, bytes]:
    """Every row of the page's query as a CSV or XLSX file: (media type, bytes)."""
    media_type, write = EXPORTS[suffix]
    report = overdue_page(engine, viewer, query, budget=None).report
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
    counted by one call of `summary`, whose per-executor counts make the chart.
    """
    with transaction(engine) as session:
        by_date: dict[date, list[Roadmap]] = {}
        for roadmap in visible_roadmaps(session, viewer):
            by_date.setdefault(report_date(roadmap, chosen), []).append(roadmap)
    rows: list[DashboardRow] = []
    overdue_by_executor: dict[str, int] = {}
    for day, roadmaps in sorted(by_date.items()):
        ids = [r.id for r in roadmaps if r.id is not None] if len(by_date) > 1 else None  # one date: all visible
        report = summary(engine, as_of=day, soon=soon, region=viewer.region, roadmaps=ids)
        counts = {row.key: row.counts for row in report.roadmaps}
        rows += [DashboardRow(r.key, r.title or r.key, r.region, day, counts.get(r.key, Counts())) for r in roadmaps]
        for executor in report.executors:
            overdue_by_executor[executor.name] = overdue_by_executor.get(executor.name, 0) + executor.counts.overdue
    rows.sort(key=lambda row: (-row.counts.overdue, -row.counts.due_soon, row.title))
    bars = sorted((Bar(name, count) for name, count in overdue_by_executor.items() if count),
                  key=lambda bar: (-bar.overdue, bar.executor))
    return Dashboard(chosen, soon, rows, bars[:CHART_BARS])
