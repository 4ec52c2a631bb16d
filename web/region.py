"""The committee's region report as a page and a workbook: `region.report.region_report`, within a viewer's reach.

The page at /region and the file /region.xlsx show what `profplan region
report` prints and `--xlsx` writes, from the same `RegionReport` and the same
`region.export.export_xlsx`; this module only reads the query parameters
(region=, as_of=) and keeps a committee member bound to a region inside it.
An unknown region code is the Russian error of `calendars.regions.region`
with the closest codes, never an empty page.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import select

from calendars.dates import parse_date
from calendars.regions import region as known_region
from region.export import export_xlsx
from region.report import PlanState, RegionReport, region_report
from scheduler.tables import School
from store.db import transaction
from web.roles import AccessDenied, Viewer

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The page's columns of timetable states (in the order of PlanState, as the workbook's) and their badges.
STATE_HEADINGS = {PlanState.OPTIMAL: "оптимально", PlanState.WITHIN: "в пределах отрыва",
                  PlanState.INFEASIBLE: "невыполнимо", PlanState.FAILED: "сбой", PlanState.NOT_PLANNED: "не составлено"}
STATE_BADGES = {PlanState.OPTIMAL: "good", PlanState.WITHIN: "good", PlanState.INFEASIBLE: "bad",
                PlanState.FAILED: "bad", PlanState.NOT_PLANNED: "warn"}


@dataclass(frozen=True)
class RegionQuery:
    """The filters of /region and /region.xlsx as query parameters: a region code (canonical) and a report date."""

    region: str | None = None
    as_of: date | None = None

    @classmethod
    def from_params(cls, params: Mapping[str, str], viewer: Viewer) -> RegionQuery:
        """Read `region` and `as_of`; the viewer's own region when none is asked, another one refused (403).

        A bad date or an unknown region code is a Russian error naming what was typed.
        """
        typed = (params.get("region") or "").strip()
        as_of_text = (params.get("as_of") or "").strip()
        as_of = parse_date(as_of_text, "Дата отчёта") if as_of_text else None
        code = known_region(typed).code if typed else viewer.region
        if viewer.region is not None and code != viewer.region:
            raise AccessDenied(f"Сводка региона {code} недоступна: ваша учётная запись относится к региону {viewer.region}.")
        return cls(code, as_of)

    def params(self) -> dict[str, str]:
        """The query parameters of this query, empty ones left out (the download link of the page)."""
        values = {"region": self.region, "as_of": self.as_of.isoformat() if self.as_of else None}
        return {name: value for name, value in values.items() if value}

    def overdue_params(self, executor: str) -> dict[str, str]:
        """The link to /overdue of one executor on the same date (that page has no filter by school)."""
        return {"executor": executor, **({"as_of": self.as_of.isoformat()} if self.as_of else {})}

    def report(self, engine: Engine) -> RegionReport:
        """The report of this query (`from_params` has kept it within the viewer's reach)."""
        return region_report(engine, self.region, self.as_of)


def stored_regions(engine: Engine) -> list[str]:
    """The regions that have stored schools, for the page's choice of region."""
    with transaction(engine) as session:
        return sorted(set(session.exec(select(School.region)).all()))


def region_workbook(engine: Engine, query: RegionQuery) -> bytes:
    """The page's report as the workbook `profplan region report --xlsx` writes."""
    report = query.report(engine)
    with tempfile.TemporaryDirectory(prefix="profplan-region-") as folder:
        path = Path(folder) / "region.xlsx"
        export_xlsx(report, path)
        return path.read_bytes()


def in_utc(moment: datetime) -> datetime:
    """A moment read back from the store, in UTC (SQLite returns the UTC moments of a region run without a zone)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def file_name(query: RegionQuery) -> str:
    """region-RU-LEN-2024-02-15.xlsx: what and when, so two downloads do not overwrite each other."""
    parts = ["region", query.region or "all", *([query.as_of.isoformat()] if query.as_of else [])]
    return "-".join(parts) + ".xlsx"
