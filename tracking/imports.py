"""What tracking does when a roadmap is imported: its occurrences and its indicators, in the import's transaction.

`roadmaps.importer` knows nothing of tracking; it calls the hook it is given
(`on_stored`) for every new or changed roadmap with the document read. An
`ImportTracker` is that hook: it synchronises the occurrences (the tracking
start of a new roadmap is the date given, or the later of its period start
and today) and the indicators, and keeps what it did per roadmap for the
import report, which would otherwise never see it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from roadmaps.document import RoadmapDocument
from roadmaps.tables import Roadmap
from tracking.indicators import IndicatorSync, store_indicators
from tracking.occurrences import SyncResult, set_tracking_start, sync_roadmap

if TYPE_CHECKING:
    from roadmaps.importer import DocumentReport


@dataclass(frozen=True)
class TrackingImport:
    """What importing one roadmap did to its tracking."""

    occurrences: SyncResult
    indicators: IndicatorSync

    def to_json(self) -> dict[str, Any]:
        return {"occurrences": self.occurrences.to_json(), "indicators": self.indicators.to_json()}

    def render(self) -> str:
        parts = [self.occurrences.render()]
        if self.indicators.created or self.indicators.kept or self.indicators.retired:
            parts.append(self.indicators.render())
        return " ".join(parts)


@dataclass
class ImportTracker:
    """The importer's `on_stored` hook; `results` maps each stored roadmap's key to what tracking did."""

    track_from: date | None = None
    results: dict[str, TrackingImport] = field(default_factory=dict)

    def __call__(self, session: Session, roadmap: Roadmap, document: RoadmapDocument) -> TrackingImport:
        result = TrackingImport(sync_roadmap(session, roadmap, self.track_from),
                                store_indicators(session, roadmap, document.indicators))
        self.results[roadmap.key] = result
        return result

    def outcomes(self, engine: Engine, reports: Iterable[DocumentReport]) -> dict[str, TrackingImport | SyncResult | None]:
        """What tracking did per imported roadmap, for the import's report (None: nothing).

        A document imported before and unchanged is not stored again, so the
        hook never ran for it: a tracking start given is then set on its own.
        """
        return {
            report.roadmap: set_tracking_start(engine, report.roadmap, self.track_from)
            if self.track_from and report.unchanged else self.results.get(report.roadmap)
            for report in reports
        }
