"""A school's placements → feed components: one recurring event per weekly series, plain events for the rest.

Pure (no database) so the series detection is tested on its own. Clients
show a weekly course best as one RRULE series, so each series (a class's
placements sharing a `series` key, like the Thursday course) is folded into
one `WeeklySeries`: its pattern is the most common (weekday, time, staff,
venue) among its regular sessions, the weeks between its first and last
session without a matching session become EXDATEs, and every session off the
pattern (a make-up, a moved week, a substitute) stays a separate event under
its own placement UID. Grouping always uses the whole class's placements, so
a series is the same component in the school, class and staff feeds.

LOCATION names the venue and the school with its address ("Актовый зал,
МОБУ «СОШ № 1», 188691, Кудрово, ул. Центральная, 1"): a staff member
subscribed to two schools, or a parent, must be able to find the room;
DESCRIPTION says what the session is and who leads it.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from feeds.model import UNSTAMPED, TimedEvent, WeeklySeries
from scheduler.placement import Placement

_WEEKDAYS_PLURAL = ("понедельникам", "вторникам", "средам", "четвергам", "пятницам", "субботам", "воскресеньям")
_KIND_NOTES = {"makeup": "Замена пропущенного занятия.", "meeting": "Встреча с родителями."}


@dataclass(frozen=True, kw_only=True, slots=True)
class PlacementView:
    """A placement as the feeds show it: the record, its school, and its texts in Russian on one line
    (the title, the direction's name, the roadmap item's number and title)."""

    school_id: str
    record: Placement
    title: str
    direction: str
    item: str | None

    @property
    def pattern(self) -> tuple[int, time, time, str, str | None]:
        record = self.record
        return (record.day.weekday(), record.start, record.end, record.staff, record.venue)


@dataclass(frozen=True)
class Folded:
    """The components of some placements, each with the placement it stands for.

    A series stands for its first regular session: the class and the staff
    member who leads it, which is what decides the feeds that show it.
    """

    events: tuple[tuple[PlacementView, TimedEvent], ...]
    series: tuple[tuple[PlacementView, WeeklySeries], ...]


def component_uid(kind: str, *parts: str) -> str:
    """A globally unique, stable, ASCII UID from the identity of what it names (placement uids are per school)."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:24]
    return f"{kind}-{digest}@profplan"


def fold_placements(placements: Iterable[PlacementView], timezone: str, school_name: str,
                    address: str | None = None) -> Folded:
    """Every placement as a timed event, except the regular sessions of series, which fold into one each."""
    place = _Place(school_name, address)
    events: list[tuple[PlacementView, TimedEvent]] = []
    series: list[tuple[PlacementView, WeeklySeries]] = []
    groups: dict[tuple[str, str], list[PlacementView]] = defaultdict(list)
    for placement in placements:
        if placement.record.series:
            groups[(placement.record.class_name, placement.record.series)].append(placement)
        else:
            events.append((placement, _event(placement, timezone, place)))
    for _, members in sorted(groups.items()):
        folded, first, rest = _fold_series(members, timezone, place)
        if folded is not None and first is not None:
            series.append((first, folded))
        events.extend((placement, _event(placement, timezone, place)) for placement in rest)
    return Folded(tuple(events), tuple(series))


@dataclass(frozen=True)
class _Place:
    """Where a school's sessions are: its name and postal address, for LOCATION."""

    school: str
    address: str | None

    def location(self, venue: str | None) -> str:
        return ", ".join(part for part in (venue, self.school, self.address) if part)


def _regular_pattern(members: Sequence[PlacementView]) -> tuple[int, time, time, str, str | None]:
    """The most common pattern of the regular sessions; ties go to the pattern seen first."""
    regular = sorted((p for p in members if p.record.kind != "makeup"), key=lambda p: (p.record.day, p.record.start))
    counts = Counter(p.pattern for p in regular)
    return max(counts, key=lambda pattern: (counts[pattern], -next(i for i, p in enumerate(regular) if p.pattern == pattern)))


def _fold_series(members: list[PlacementView], timezone: str,
                 place: _Place) -> tuple[WeeklySeries | None, PlacementView | None, list[PlacementView]]:
    """(the series, its first session, the placements left as events); no series unless two sessions fit one pattern."""
    if not any(p.record.kind != "makeup" for p in members):
        return None, None, members
    pattern = _regular_pattern(members)
    matching: dict[date, PlacementView] = {}
    rest: list[PlacementView] = []
    for placement in sorted(members, key=lambda p: (p.record.day, p.record.start, p.record.uid)):
        if placement.record.kind != "makeup" and placement.pattern == pattern and placement.record.day not in matching:
            matching[placement.record.day] = placement
        else:
            rest.append(placement)
    if len(matching) < 2:
        return None, None, members
    days = sorted(matching)
    first = matching[days[0]]
    weeks = (days[-1] - days[0]).days // 7
    exdates = tuple(day for day in (days[0] + timedelta(weeks=w) for w in range(weeks + 1)) if day not in matching)
    start = datetime.combine(first.record.day, first.record.start)
    return WeeklySeries(
        uid=component_uid("series", first.school_id, first.record.class_name, first.record.series or ""),
        title=_title(first),
        first_start=start,
        duration=datetime.combine(first.record.day, first.record.end) - start,
        until=days[-1],
        timezone=timezone,
        last_modified=UNSTAMPED,
        exdates=exdates,
        location=place.location(first.record.venue),
        description=_description(first, f"Еженедельно по {_WEEKDAYS_PLURAL[first.record.day.weekday()]}."),
    ), first, rest


def _title(placement: PlacementView) -> str:
    return f"{placement.title} — {placement.record.class_name}" if placement.record.class_name else placement.title


def _event(placement: PlacementView, timezone: str, place: _Place) -> TimedEvent:
    return TimedEvent(
        uid=component_uid("placement", placement.school_id, placement.record.uid),
        title=_title(placement),
        start=datetime.combine(placement.record.day, placement.record.start),
        end=datetime.combine(placement.record.day, placement.record.end),
        timezone=timezone,
        last_modified=UNSTAMPED,
        location=place.location(placement.record.venue),
        description=_description(placement, _KIND_NOTES.get(placement.record.kind, "")),
    )


def _description(placement: PlacementView, note: str) -> str:
    """What the session is, for whom and who leads it; where it is (the school and its address) is LOCATION."""
    lines = [
        *([f"Класс: {placement.record.class_name}"] if placement.record.class_name else []),
        f"Направление: {placement.direction}",
        f"Часов: {placement.record.hours}",
        *([f"Пункт дорожной карты: {placement.item}"] if placement.item else []),
        f"Ответственный: {placement.record.staff}",
        *([note] if note else []),
    ]
    return "\n".join(lines)
