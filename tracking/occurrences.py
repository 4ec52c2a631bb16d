"""Items → deadline occurrences and check-ins, kept in step with the items on every re-import.

Each time an item must happen becomes one `DeadlineOccurrence`: a window's
end, each quarter of a recurring item, each phase of a phased one. Items with
no fixed date (постоянно, по мере необходимости, по отдельному графику) get
periodic check-ins instead — progress reports at the end of every calendar
month, quarter, half-year or year, as the committee configures per roadmap or
per item — because "always" can never be overdue yet the committee still
wants to hear about it.

Tracking starts when tracking starts: every roadmap has a tracking start
(`RoadmapTracking.track_from`), by default the later of its period start and
the day it was first imported, or the date the committee gives. Periodic
occurrences (check-ins, and the dates of recurring items such as «ежеквартально,
2018-2025») begin there, so nothing periodic is back-dated to years before
anyone could act; a one-off deadline already past stays, since whether it was
met is the committee's to check.

Occurrences are identified by (item, kind, phase, due date), so a re-import
that yields the same date keeps the row, its id, status and history; one the
new text no longer yields is retired, never deleted.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from calendars.academic import region_calendars
from calendars.deadlines import DeadlineSpec
from calendars.deadlines.terms import SchoolCalendar
from calendars.school_year import SchoolYear
from roadmaps.tables import Item, Roadmap
from store.db import transaction
from tracking.clock import today_in, utc_now
from tracking.errors import TrackingError
from tracking.refs import item_ref, resolve_item, resolve_roadmap
from tracking.tables import DeadlineOccurrence, ItemCheckins, RoadmapTracking
from tracking.values import CheckinEvery, OccurrenceKind
from tracking.wording import cut, fmt_date

NO_FIXED_DATE_KINDS = frozenset({"continuous", "on_demand", "separate_schedule"})
# Kinds whose occurrences repeat: the ones that begin at the tracking start.
PERIODIC_KINDS = NO_FIXED_DATE_KINDS | {"recurring"}


@dataclass(frozen=True)
class PlannedOccurrence:
    """An occurrence as an item's spec yields it, before it is matched with the stored rows."""

    kind: OccurrenceKind
    phase: str | None
    start: date | None
    due: date

    @property
    def key(self) -> str:
        return occurrence_key(self.kind, self.phase, self.due)


def occurrence_key(kind: OccurrenceKind, phase: str | None, due: date) -> str:
    """What makes an occurrence "the same one" across re-imports."""
    return f"{kind}|{phase or ''}|{due.isoformat()}"


def planned_occurrences(spec: DeadlineSpec, calendar: SchoolCalendar | None, fallback_span: tuple[date, date] | None,
                        checkin_every: CheckinEvery, not_before: date | None = None,
                        track_from: date | None = None) -> list[PlannedOccurrence]:
    """The occurrences a spec yields, phase by phase, check-ins for the parts with no fixed date.

    `fallback_span` (the roadmap's period) fills in the bounds of the check-ins
    where the part's own text gives none, as for a bare "Постоянно".
    `track_from` (the roadmap's tracking start) is where check-ins begin and
    before which no date of a recurring part is kept. `not_before` (the
    order's date) drops what fell due before the order was signed —
    "Ежеквартально, 2018-2025" in a 2020 order cannot make 2018 overdue —
    unless nothing would remain: a one-off deadline already past when the
    order was signed is still the committee's to check.
    """
    parts = spec.phases if spec.kind == "phased" else [(None, spec)]
    planned: dict[str, PlannedOccurrence] = {}
    for phase, part in parts:
        found: Iterable[PlannedOccurrence]
        if part.kind in NO_FIXED_DATE_KINDS:
            own_start, own_end = part.span(calendar)
            start = own_start or (fallback_span[0] if fallback_span else None)
            end = own_end or (fallback_span[1] if fallback_span else None)
            if start and track_from:
                start = max(start, track_from)
            found = (
                PlannedOccurrence(OccurrenceKind.CHECKIN, phase, period_start, due)
                for period_start, due in checkin_periods((start, end), checkin_every)
            ) if start and end else ()
        else:
            found = (PlannedOccurrence(OccurrenceKind.DEADLINE, phase, o.start, o.due) for o in part.occurrences(calendar)
                     if not (part.kind in PERIODIC_KINDS and track_from and o.due < track_from))
        for occurrence in found:
            planned.setdefault(occurrence.key, occurrence)
    found_all = sorted(planned.values(), key=lambda o: o.due)  # stable: phases keep the document's order
    current = [occurrence for occurrence in found_all if not_before is None or occurrence.due >= not_before]
    return current or found_all


def checkin_periods(span: tuple[date, date], every: CheckinEvery) -> Iterator[tuple[date, date]]:
    """(start, report date) of each calendar period (month, quarter …) overlapping the span, clipped at its start."""
    months = every.months
    if not months:
        return
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
    """What a synchronisation changed, for the importer's report; `track_from` is set for one roadmap."""

    created: int
    kept: int
    retired: int
    track_from: date | None = None

    def __add__(self, other: SyncResult) -> SyncResult:
        return SyncResult(self.created + other.created, self.kept + other.kept, self.retired + other.retired)

    def to_json(self) -> dict[str, Any]:
        return {"created": self.created, "kept": self.kept, "retired": self.retired,
                "track_from": self.track_from.isoformat() if self.track_from else None}

    def render(self) -> str:
        since = f"Отслеживание с {fmt_date(self.track_from)}; с" if self.track_from else "С"
        return f"{since}роки и отчёты: новых — {self.created}, сохранено — {self.kept}, снято — {self.retired}."


def roadmap_span(roadmap: Roadmap) -> tuple[date, date] | None:
    """The period a roadmap covers: its stated period, else its school year, never before the order's date.

    "на 2023-2025 годы" in an order of May 2023 cannot ask for a report on the first quarter of 2023.
    """
    year = SchoolYear.parse(roadmap.school_year) if roadmap.school_year else None
    starts = [day for day in (roadmap.period_start or (year.start if year else None), roadmap.doc_date) if day]
    end = roadmap.period_end or (year.end if year else None)
    return (max(starts), end) if starts and end else None


def default_track_from(roadmap: Roadmap, imported_on: date) -> date:
    """The later of the roadmap's period start and the day it was imported."""
    span = roadmap_span(roadmap)
    return max(span[0], imported_on) if span else imported_on


def tracking_of(session: Session, roadmap: Roadmap, track_from: date | None = None) -> RoadmapTracking:
    """The roadmap's tracking settings, made on first use; `track_from` replaces the stored start when given."""
    assert roadmap.id is not None
    tracking = session.get(RoadmapTracking, roadmap.id)
    if tracking is None:
        start = track_from or default_track_from(roadmap, today_in(roadmap.region))
        tracking = RoadmapTracking(roadmap_id=roadmap.id, track_from=start, updated_at=utc_now())
        session.add(tracking)
    elif track_from is not None and track_from != tracking.track_from:
        tracking.track_from, tracking.updated_at = track_from, utc_now()
        session.add(tracking)
    return tracking


def sync_roadmap(session: Session, roadmap: Roadmap, track_from: date | None = None) -> SyncResult:
    """Bring a roadmap's occurrences in line with its items' specs and its tracking settings.

    Called after every import (through `tracking.imports`) and after every
    change of the tracking start or a check-in frequency.
    """
    tracking = tracking_of(session, roadmap, track_from)
    calendar = region_calendars(roadmap.region, session) if roadmap.region else None
    span = roadmap_span(roadmap)
    items = session.exec(select(Item).where(Item.roadmap_id == roadmap.id)).all()
    overrides = {row.item_id: row.every for row in session.exec(
        select(ItemCheckins).join(Item).where(Item.roadmap_id == roadmap.id)).all()}
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
        every = overrides.get(item.id, tracking.checkin_every)
        for planned in planned_occurrences(spec, calendar, span, every, not_before=roadmap.doc_date,
                                           track_from=tracking.track_from):
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
    return SyncResult(created, kept, retired, tracking.track_from)


def sync_occurrences(engine: Engine, roadmap_ref: str | None = None) -> SyncResult:
    """Synchronise one roadmap (key or id) or all of them, in one transaction."""
    with transaction(engine) as session:
        if roadmap_ref is not None:
            return sync_roadmap(session, resolve_roadmap(session, roadmap_ref))
        return sum((sync_roadmap(session, roadmap) for roadmap in session.exec(select(Roadmap)).all()),
                   SyncResult(0, 0, 0))


@dataclass(frozen=True)
class CheckinsChange:
    """What `profplan checkins` set, on which roadmap or item, and what the occurrences did."""

    target: str
    every: CheckinEvery | None  # None: the item follows its roadmap again
    effective: CheckinEvery
    sync: SyncResult

    def to_json(self) -> dict[str, Any]:
        return {"target": self.target, "every": self.every, "effective": self.effective, **self.sync.to_json()}

    def render(self) -> str:
        how = (f"{self.effective.label}" if self.every is not None
               else f"как у дорожной карты ({self.effective.label})")
        return f"Отчёты о ходе исполнения для {self.target}: {how}. {self.sync.render()}"


def is_item_ref(ref: str) -> bool:
    """Whether a reference names an item (KEY#N, KEY:N) rather than a roadmap (its key or id)."""
    return "#" in ref or ":" in ref


def set_checkins(engine: Engine, ref: str, every: CheckinEvery | None) -> CheckinsChange:
    """Set how often a roadmap's items with no fixed date report, or one item's own frequency, and re-plan them.

    `ref` is a roadmap (key or id) or an item (KEY#ORDINAL, KEY:NUMBER);
    `every=None` for an item drops its own frequency, so it follows the roadmap again.
    """
    with transaction(engine) as session:
        if is_item_ref(ref):
            roadmap, item = resolve_item(session, ref)
            tracking = tracking_of(session, roadmap)
            assert item.id is not None
            override = session.get(ItemCheckins, item.id)
            if every is None:
                if override is not None:
                    session.delete(override)
            elif override is None:
                session.add(ItemCheckins(item_id=item.id, every=every))
            else:
                override.every = every
            target = f"пункта {item_ref(roadmap.key, item.ordinal)} «{cut(item.title, 60)}»"
        else:
            if every is None:
                raise TrackingError("Для дорожной карты укажите периодичность: --every …")
            roadmap = resolve_roadmap(session, ref)
            tracking = tracking_of(session, roadmap)
            tracking.checkin_every = every
            target = f"дорожной карты {roadmap.key}"
        tracking.updated_at = utc_now()
        session.add(tracking)
        session.flush()
        result = sync_roadmap(session, roadmap)
        return CheckinsChange(target, every, every or tracking.checkin_every, result)


def set_tracking_start(engine: Engine, roadmap_ref: str, day: date) -> SyncResult:
    """Move a stored roadmap's tracking start and re-plan its periodic occurrences from there."""
    with transaction(engine) as session:
        return sync_roadmap(session, resolve_roadmap(session, roadmap_ref), track_from=day)


@dataclass(frozen=True)
class ItemFrequency:
    item: str
    title: str
    every: CheckinEvery


@dataclass(frozen=True)
class TrackingSettings:
    """How a roadmap is tracked, as `profplan tracking` shows it."""

    roadmap: str
    title: str | None
    track_from: date
    checkin_every: CheckinEvery
    items: list[ItemFrequency]
    period: tuple[date, date] | None

    def to_json(self) -> dict[str, Any]:
        return {"roadmap": self.roadmap, "title": self.title, "track_from": self.track_from.isoformat(),
                "checkin_every": self.checkin_every,
                "period": [day.isoformat() for day in self.period] if self.period else None,
                "items": [{"item": item.item, "title": item.title, "every": item.every} for item in self.items]}

    def render(self) -> str:
        period = f"; период карты {fmt_date(self.period[0])}–{fmt_date(self.period[1])}" if self.period else ""
        lines = [f"Дорожная карта {self.roadmap}: отслеживается с {fmt_date(self.track_from)}{period}; отчёты по "
                 f"пунктам без срока — {self.checkin_every.label}."]
        lines += [f"  {item.item} «{item.title}»: {item.every.label}" for item in self.items]
        return "\n".join(lines)


def tracking_settings(engine: Engine, roadmap_ref: str) -> TrackingSettings:
    """A roadmap's tracking start, check-in frequency and the items with their own frequency."""
    with transaction(engine) as session:
        roadmap = resolve_roadmap(session, roadmap_ref)
        tracking = tracking_of(session, roadmap)
        items = session.exec(select(Item, ItemCheckins).join(ItemCheckins, col(ItemCheckins.item_id) == Item.id)
                             .where(Item.roadmap_id == roadmap.id).order_by(col(Item.ordinal))).all()
        return TrackingSettings(roadmap.key, roadmap.title, tracking.track_from, tracking.checkin_every,
                                [ItemFrequency(item_ref(roadmap.key, item.ordinal), cut(item.title, 60), override.every)
                                 for item, override in items], roadmap_span(roadmap))
