"""Items → deadline occurrences and check-ins, kept in step with the items on every re-import.

Each time an item must happen becomes one `DeadlineOccurrence`: a window's
end, each quarter of a recurring item, each phase of a phased one. Items with
no fixed date (постоянно, по мере необходимости, по отдельному графику) get
periodic check-ins instead — progress reports at the end of every calendar
quarter or month, as the committee configures per roadmap — because "always"
can never be overdue yet the committee still wants to hear about it.

Occurrences are identified by (item, kind, phase, due date), so a re-import
that yields the same date keeps the row, its id, status and history; one the
new text no longer yields is retired, never deleted.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from calendars.academic import region_calendars
from calendars.deadlines import DeadlineSpec
from calendars.deadlines.terms import SchoolCalendar
from calendars.school_year import SchoolYear
from roadmaps.tables import Item, Roadmap
from store.db import transaction
from tracking.errors import TrackingError
from tracking.refs import resolve_roadmap
from tracking.tables import CheckinRule, DeadlineOccurrence

NO_FIXED_DATE_KINDS = frozenset({"continuous", "on_demand", "separate_schedule"})
# Check-in frequencies the committee can choose, with their Russian names.
CHECKIN_EVERY = {"quarter": "ежеквартально", "month": "ежемесячно", "none": "не запрашивать"}
DEFAULT_CHECKIN_EVERY = "quarter"


@dataclass(frozen=True)
class PlannedOccurrence:
    """An occurrence as an item's spec yields it, before it is matched with the stored rows."""

    kind: str  # "deadline" or "checkin"
    phase: str | None
    start: date | None
    due: date

    @property
    def key(self) -> str:
        return occurrence_key(self.kind, self.phase, self.due)


def occurrence_key(kind: str, phase: str | None, due: date) -> str:
    """What makes an occurrence "the same one" across re-imports."""
    return f"{kind}|{phase or ''}|{due.isoformat()}"


def planned_occurrences(spec: DeadlineSpec, calendar: SchoolCalendar | None, fallback_span: tuple[date, date] | None,
                        checkin_every: str, not_before: date | None = None) -> list[PlannedOccurrence]:
    """The occurrences a spec yields, phase by phase, check-ins for the parts with no fixed date.

    `fallback_span` (the roadmap's period) fills in the bounds of the check-ins
    where the part's own text gives none, as for a bare "Постоянно".
    `not_before` (the order's date) drops what fell due before the order was
    signed — "Ежеквартально, 2018-2025" in a 2020 order cannot make 2018
    overdue — unless nothing would remain: a one-off deadline already past
    when the order was signed is still the committee's to check.
    """
    parts = spec.phases if spec.kind == "phased" else [(None, spec)]
    planned: dict[str, PlannedOccurrence] = {}
    for phase, part in parts:
        if part.kind in NO_FIXED_DATE_KINDS:
            own_start, own_end = part.span(calendar)
            start = own_start or (fallback_span[0] if fallback_span else None)
            end = own_end or (fallback_span[1] if fallback_span else None)
            found: Iterable[PlannedOccurrence] = (
                PlannedOccurrence("checkin", phase, period_start, due)
                for period_start, due in checkin_periods((start, end), checkin_every)
            ) if start and end else ()
        else:
            found = (PlannedOccurrence("deadline", phase, o.start, o.due) for o in part.occurrences(calendar))
        for occurrence in found:
            planned.setdefault(occurrence.key, occurrence)
    found_all = sorted(planned.values(), key=lambda o: o.due)  # stable: phases keep the document's order
    current = [occurrence for occurrence in found_all if not_before is None or occurrence.due >= not_before]
    return current or found_all


def checkin_periods(span: tuple[date, date], every: str) -> Iterator[tuple[date, date]]:
    """(start, report date) of each calendar quarter or month overlapping the span, clipped at its start."""
    if every == "none":
        return
    months = 3 if every == "quarter" else 1
    start, end = span
    period_start = date(start.year, (start.month - 1) // months * months + 1, 1)
    while period_start <= end:
        following = _add_months(period_start, months)
        yield max(period_start, start), following - timedelta(days=1)
        period_start = following


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class SyncResult:
    """What a synchronisation changed, for the importer's report."""

    created: int
    kept: int
    retired: int

    def __add__(self, other: SyncResult) -> SyncResult:
        return SyncResult(self.created + other.created, self.kept + other.kept, self.retired + other.retired)

    def to_json(self) -> dict[str, int]:
        return {"created": self.created, "kept": self.kept, "retired": self.retired}

    def render(self) -> str:
        return f"Сроки и отчёты: новых — {self.created}, сохранено — {self.kept}, снято — {self.retired}."


def roadmap_span(roadmap: Roadmap) -> tuple[date, date] | None:
    """The period a roadmap covers: its stated period, else its school year, never before the order's date.

    "на 2023-2025 годы" in an order of May 2023 cannot ask for a report on the first quarter of 2023.
    """
    year = SchoolYear.parse(roadmap.school_year) if roadmap.school_year else None
    starts = [day for day in (roadmap.period_start or (year.start if year else None), roadmap.doc_date) if day]
    end = roadmap.period_end or (year.end if year else None)
    return (max(starts), end) if starts and end else None


def sync_roadmap(session: Session, roadmap: Roadmap) -> SyncResult:
    """Bring a roadmap's occurrences in line with its items' specs (call after every import)."""
    rule = session.get(CheckinRule, roadmap.id)
    every = rule.every if rule else DEFAULT_CHECKIN_EVERY
    calendar = region_calendars(roadmap.region, session) if roadmap.region else None
    span = roadmap_span(roadmap)
    items = session.exec(select(Item).where(Item.roadmap_id == roadmap.id)).all()
    stored: dict[tuple[int, str], DeadlineOccurrence] = {
        (occurrence.item_id, occurrence.key): occurrence
        for occurrence in session.exec(
            select(DeadlineOccurrence).join(Item).where(Item.roadmap_id == roadmap.id)
        ).all()
    }
    created = kept = 0
    for item in items:
        assert item.id is not None
        spec = DeadlineSpec.from_dict(item.spec)
        for planned in planned_occurrences(spec, calendar, span, every, not_before=roadmap.doc_date):
            existing = stored.pop((item.id, planned.key), None)
            if existing is None:
                session.add(DeadlineOccurrence(item_id=item.id, key=planned.key, kind=planned.kind,
                                               phase=planned.phase, start=planned.start, due=planned.due))
                created += 1
            else:
                existing.start, existing.active = planned.start, True
                kept += 1
    retired = 0
    for leftover in stored.values():
        retired += leftover.active
        leftover.active = False
    session.flush()
    return SyncResult(created, kept, retired)


def sync_occurrences(engine: Engine, roadmap_ref: str | None = None) -> SyncResult:
    """Synchronise one roadmap (key or id) or all of them, in one transaction."""
    with transaction(engine) as session:
        if roadmap_ref is not None:
            return sync_roadmap(session, resolve_roadmap(session, roadmap_ref))
        return sum((sync_roadmap(session, roadmap) for roadmap in session.exec(select(Roadmap)).all()),
                   SyncResult(0, 0, 0))


def set_checkins(engine: Engine, roadmap_ref: str, every: str) -> SyncResult:
    """Choose how often the roadmap's no-fixed-date items report, and regenerate their check-ins."""
    if every not in CHECKIN_EVERY:
        choices = ", ".join(f"{code} ({name})" for code, name in CHECKIN_EVERY.items())
        raise TrackingError(f"Неизвестная периодичность отчётов «{every}»: допустимы {choices}.")
    with transaction(engine) as session:
        roadmap = resolve_roadmap(session, roadmap_ref)
        session.merge(CheckinRule(roadmap_id=roadmap.id, every=every))
        session.flush()
        return sync_roadmap(session, roadmap)

