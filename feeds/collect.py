"""What each subscription's feed shows, read from the store into `FeedContent`; one target class per feed kind.

Targets and what their feeds hold (`TARGETS`, keyed by `feeds.kinds.FeedKind`):

- `executor` (an organisation of the roadmaps, by its normalised key): the
  deadline occurrences of the items it is responsible for, bounded to the
  tracking window — from each roadmap's tracking start to a year ahead — so
  a 2020–2030 plan is not forty quarterly check-ins;
- `school` (a school id): every session of the school's current timetable
  and the organisation-wide deadlines of the roadmap items those sessions
  serve, a short window («Неделя без турникетов») as one all-day span;
- `class` ("school id/class name"): that class's sessions (and school-wide
  ones, with no class), and only the deadlines and windows its own sessions
  serve — one all-day span per window the class takes part in;
- `staff` ("school id/name"): only the sessions that person leads and the
  deadlines and windows those sessions serve, nothing of colleagues.

Clutter rules for the school-side feeds: an item served by a weekly series
(the Thursday course) is that series — RRULE, EXDATE and make-ups — and its
per-week deadlines add nothing; progress check-ins are the executor's, not
a school calendar's; a short window is shown as its span, not also as a
due-date event.

A regular weekly series becomes one `WeeklySeries` with the missing weeks as
exdates; sessions off its pattern stay separate events under their own
placement UIDs. A series is built from the whole class's placements, never
from one target's share, so a UID means the same thing in every feed and its
revision state (`FeedComponent`) never flips between feeds. A school's
placements are read and folded once per timetable version and shared by all
its feeds (a school has some forty).

Components come back with `sequence=0` and `last_modified=UNSTAMPED`; the
cache stamps their real revisions.
"""

from __future__ import annotations

import functools
import threading
from abc import ABC, abstractmethod
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Generic, Protocol, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlalchemy import select as select_columns
from sqlmodel import Session, col, select

from calendars.academic import region as find_region
from calendars.errors import ProfplanError
from calendars.suggest import did_you_mean
from feeds.kinds import FeedKind
from feeds.model import UNSTAMPED, AllDayWindow, Deadline, FeedContent
from feeds.stamps import tracking_version
from feeds.tables import Subscription
from feeds.timetable import Folded, PlacementView, fold_placements
from roadmaps.executors import executor_key
from roadmaps.queries import executors_by_item
from roadmaps.tables import Executor, Item, ItemExecutor, Roadmap
from scheduler.errors import NormsError
from scheduler.norms import load_norms
from scheduler.placement import Placement
from scheduler.tables import School, StoredPlacement, current_timetable
from tracking.tables import DeadlineOccurrence, RoadmapTracking
from tracking.values import OccurrenceKind, OccurrenceStatus

DEFAULT_TIMEZONE = "Europe/Moscow"
# An occurrence whose window is at most this long («Неделя без турникетов» in
# October) is shown in school-side feeds as an all-day span; a longer one
# ("в течение учебного года") would only be a bar across months.
WINDOW_MAX_DAYS = 31
# How far ahead an executor's feed reaches: its tracking window ends a year from today.
HORIZON = timedelta(days=366)
_CANDIDATES_SHOWN = 5
_SCHOOLS_KEPT = 64


class TargetError(ProfplanError):
    """A subscription target that does not exist or is ambiguous."""


class Target(Protocol):
    """What a feed kind knows: how a user names its targets, how lists show them, what its feed holds."""

    def resolve(self, session: Session, text: str) -> str:
        """The stored identity of a target the user named, or a Russian error with the closest names."""
        ...

    def label(self, session: Session, target: str) -> str:
        """A Russian name of a stored target for lists; the raw identity if it no longer exists."""
        ...

    def school_of(self, target: str) -> str | None:
        """The school whose timetable the feed follows, if any (its change stamp is checked per request)."""
        ...

    def collect(self, session: Session, uid: str, target: str, today: date) -> FeedContent:
        """The unstamped content; a target that no longer exists gives an empty but valid feed."""
        ...


def resolve_target(session: Session, kind: FeedKind, text: str) -> str:
    value = " ".join(text.split())
    if not value:
        raise TargetError("Не указано, на что подписаться.")
    return TARGETS[kind].resolve(session, value)


def _normal(text: str) -> str:
    """How names are compared: spacing, case and ё do not matter."""
    return " ".join(text.split()).casefold().replace("ё", "е")


def _split(value: str, what: str, form: str) -> tuple[str, str]:
    school_id, separator, name = value.partition("/")
    if not separator or not school_id.strip() or not name.strip():
        raise TargetError(f"Неверно указан {what} «{value}»: ожидается {form}.")
    return school_id.strip(), name.strip()


def _resolve_school(session: Session, school_id: str) -> School:
    school = session.get(School, school_id)
    if school is None:
        known = list(session.exec(select(School.id).order_by(col(School.id))))
        hint = did_you_mean(school_id, known) or (f" Загруженные школы: {', '.join(known)}." if known
                                                  else " Школы не загружены (profplan school load).")
        raise TargetError(f"Школа «{school_id}» не найдена.{hint}")
    return school


def _profile_names(school: School, section: str) -> list[str]:
    return [str(entry["name"]) for entry in school.profile.get(section, [])]


def _pick(name: str, names: list[str], where: str) -> str:
    """The profile's own spelling of a name, matched regardless of spacing, case and ё."""
    found = [known for known in names if _normal(known) == _normal(name)]
    if not found:
        hint = did_you_mean(name, names) or f" Есть: {', '.join(names) or 'никого'}."
        raise TargetError(f"{where} «{name}» не найден.{hint}")
    return found[0]


def _one_line(text: str) -> str:
    return " ".join(text.split())


class ExecutorTarget:
    """An organisation named in the roadmaps: its items' deadlines within the tracking window."""

    def resolve(self, session: Session, text: str) -> str:
        """By exact normalised key first, then by a unique part of the name."""
        key = executor_key(text)
        exact = session.exec(select(Executor).where(Executor.key == key)).first()
        if exact is not None:
            return exact.key
        needle = key.replace("%", "").replace("_", "")
        matches = session.exec(
            select(Executor).where(col(Executor.key).contains(needle)).order_by(col(Executor.name))
        ).all()
        if len(matches) == 1:
            return matches[0].key
        if not matches:
            names = list(session.exec(select(Executor.name)))
            raise TargetError(f"Исполнитель «{text}» не найден в загруженных дорожных картах."
                              + (did_you_mean(text, names) or " Список: profplan executors."))
        shown = "; ".join(f"«{executor.name}»" for executor in matches[:_CANDIDATES_SHOWN])
        more = f" и ещё {len(matches) - _CANDIDATES_SHOWN}" if len(matches) > _CANDIDATES_SHOWN else ""
        raise TargetError(f"«{text}» подходит к нескольким исполнителям: {shown}{more}. Уточните название.")

    def label(self, session: Session, target: str) -> str:
        executor = session.exec(select(Executor).where(Executor.key == target)).first()
        return executor.name if executor else target

    def school_of(self, target: str) -> str | None:
        return None

    def collect(self, session: Session, uid: str, target: str, today: date) -> FeedContent:
        executor = session.exec(select(Executor).where(Executor.key == target)).first()
        name = executor.name if executor else target
        item_ids = (
            list(session.exec(select(ItemExecutor.item_id).where(ItemExecutor.executor_id == executor.id)))
            if executor else []
        )
        rows = [row for row in _occurrences(session, item_ids)
                if row.tracked_from <= row.occurrence.due <= today + HORIZON]
        deadlines = tuple(_deadline(row) for row in rows)
        return FeedContent(
            uid=uid,
            name=f"Сроки: {name}",
            description=f"Сроки мероприятий дорожных карт профориентации, за которые отвечает {name}: с начала "
                        "отслеживания каждой карты на год вперёд.",
            timezone=_timezone(row.roadmap for row in rows),
            deadlines=deadlines,
        )


@dataclass(frozen=True)
class SchoolTimetable:
    """A school's current timetable as the feeds need it: placements with Russian names, folded once."""

    school_id: str
    name: str
    timezone: str
    placements: tuple[PlacementView, ...]
    folded: Folded


V = TypeVar("V")


class _Recent(Generic[V]):
    """Values built from the store and kept, by a key naming every version they depend on (least recent first out).

    A key that includes the versions can never give a stale value; it only
    spares the school's other feeds building the same thing again.
    """

    def __init__(self, size: int) -> None:
        self._kept: OrderedDict[tuple[object, ...], V] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(self, key: tuple[object, ...], build: Callable[[], V]) -> V:
        with self._lock:
            found = self._kept.get(key)
            if found is not None:
                self._kept.move_to_end(key)
                return found
        built = build()
        with self._lock:
            self._kept[key] = built
            while len(self._kept) > self._size:
                self._kept.popitem(last=False)
        return built


_TIMETABLES: _Recent[SchoolTimetable] = _Recent(_SCHOOLS_KEPT)


def school_timetable(session: Session, school: School) -> SchoolTimetable:
    """The school's current timetable, folded once per (timetable, profile, items) version."""
    record = current_timetable(session, school.id)
    current = record.id if record is not None else None
    items_version = session.exec(select(func.max(Roadmap.imported_at))).one()

    def build() -> SchoolTimetable:
        timezone = find_region(school.region).timezone
        placements = tuple(_placements(session, school, current)) if current is not None else ()
        return SchoolTimetable(school.id, school.name, timezone, placements,
                               fold_placements(placements, timezone, school.name, school.address))

    return _TIMETABLES.get((_store(session), school.id, current, school.updated_at, school.name, school.address,
                            items_version), build)


def _store(session: Session) -> str:
    """Which database a kept value came from: one process may serve two stores whose ids and stamps coincide."""
    return session.connection().engine.url.render_as_string(hide_password=True)


class _InSchool(ABC):
    """A target inside one school; `mine` says which of the school's sessions are the target's."""

    kind: FeedKind

    @abstractmethod
    def resolve(self, session: Session, text: str) -> str: ...

    @abstractmethod
    def mine(self, placement: PlacementView, name: str) -> bool:
        """Whether a session of the school is in this target's feed (`name`: the class or staff member)."""

    @abstractmethod
    def title(self, school: School, name: str) -> tuple[str, str]:
        """The calendar's name and description."""

    def school_of(self, target: str) -> str | None:
        return target.partition("/")[0]

    def label(self, session: Session, target: str) -> str:
        school_id, _, name = target.partition("/")
        school = session.get(School, school_id)
        if school is None:
            return target
        return f"{name} — {school.name}" if name else school.name

    def collect(self, session: Session, uid: str, target: str, today: date) -> FeedContent:
        school_id, _, name = target.partition("/")
        school = session.get(School, school_id)
        if school is None:
            return FeedContent(uid=uid, name=f"Профминимум: {target}", description="Школа удалена из profplan.",
                               timezone=DEFAULT_TIMEZONE)
        timetable = school_timetable(session, school)
        events = [event for placement, event in timetable.folded.events if self.mine(placement, name)]
        series = [weekly for first, weekly in timetable.folded.series if self.mine(first, name)]
        own = [placement for placement in timetable.placements if self.mine(placement, name)]
        windows, deadlines = _school_deadlines(session, own, whole_school=self.kind is FeedKind.SCHOOL)
        title, description = self.title(school, name)
        return FeedContent(uid=uid, name=title, description=description, timezone=timetable.timezone,
                           events=tuple(events), series=tuple(series), windows=windows, deadlines=deadlines)


class SchoolTarget(_InSchool):
    kind = FeedKind.SCHOOL

    def resolve(self, session: Session, text: str) -> str:
        return _resolve_school(session, text).id

    def mine(self, placement: PlacementView, name: str) -> bool:
        return True

    def title(self, school: School, name: str) -> tuple[str, str]:
        return (f"Профминимум: {school.name}",
                f"Занятия профминимума, встречи и сроки дорожных карт: {school.name}, {school.year} учебный год.")


class ClassTarget(_InSchool):
    kind = FeedKind.CLASS

    def resolve(self, session: Session, text: str) -> str:
        school_id, name = _split(text, "класс", "ID_ШКОЛЫ/КЛАСС, например demo-kudrovo/8А")
        school = _resolve_school(session, school_id)
        return f"{school.id}/{_pick(name, _profile_names(school, 'classes'), f'Класс в школе «{school.id}»')}"

    def mine(self, placement: PlacementView, name: str) -> bool:
        return placement.record.class_name in (name, "")

    def title(self, school: School, name: str) -> tuple[str, str]:
        return (f"Профминимум: {name} — {school.name}",
                f"Занятия профминимума, встречи и сроки класса {name}: {school.name}, {school.year} учебный год.")


class StaffTarget(_InSchool):
    kind = FeedKind.STAFF

    def resolve(self, session: Session, text: str) -> str:
        """"ID_ШКОЛЫ/ФИО", or just "ФИО" when exactly one school has that person: never a namesake elsewhere."""
        if "/" in text:
            school_id, name = _split(text, "сотрудник", "ФИО или ID_ШКОЛЫ/ФИО")
            school = _resolve_school(session, school_id)
            return f"{school.id}/{_pick(name, _profile_names(school, 'staff'), f'Сотрудник школы «{school.id}»')}"
        schools = session.exec(select(School).order_by(col(School.id))).all()
        matches = [f"{school.id}/{known}" for school in schools for known in _profile_names(school, "staff")
                   if _normal(known) == _normal(text)]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            everyone = [known for school in schools for known in _profile_names(school, "staff")]
            raise TargetError(f"Сотрудник «{text}» не найден ни в одной загруженной школе."
                              + did_you_mean(text, everyone))
        raise TargetError(f"«{text}» есть в нескольких школах: укажите одну из форм {', '.join(matches)}.")

    def mine(self, placement: PlacementView, name: str) -> bool:
        return placement.record.staff == name

    def title(self, school: School, name: str) -> tuple[str, str]:
        return (f"Профминимум: {name} — {school.name}",
                f"Занятия профминимума, которые ведёт {name}, и сроки их пунктов дорожных карт: {school.name}, "
                f"{school.year} учебный год.")


TARGETS: dict[FeedKind, Target] = {
    FeedKind.EXECUTOR: ExecutorTarget(),
    FeedKind.SCHOOL: SchoolTarget(),
    FeedKind.CLASS: ClassTarget(),
    FeedKind.STAFF: StaffTarget(),
}
assert set(TARGETS) == set(FeedKind), "every feed kind needs its target"


def _placements(session: Session, school: School, timetable_id: int) -> list[PlacementView]:
    """The placements of a timetable with their Russian direction and item names (plain columns: fast)."""
    table = StoredPlacement.__table__  # type: ignore[attr-defined]  # SQLAlchemy sets it on table models
    rows = session.execute(select_columns(*table.columns).where(col(StoredPlacement.timetable_id) == timetable_id)
                           .order_by(col(StoredPlacement.day), col(StoredPlacement.uid))).all()
    wanted = {row.item_id for row in rows if row.item_id is not None}
    items = {
        row.id: f"№ {row.number}: {_one_line(row.title)}" if row.number else _one_line(row.title)
        for row in session.execute(select(Item.id, Item.number, Item.title).where(col(Item.id).in_(wanted)))
    }
    directions = _direction_titles(school.year)
    return [
        PlacementView(
            school_id=school.id, record=Placement.of(row), title=_one_line(row.title),
            direction=directions.get(row.direction, row.direction), item=items.get(row.item_id, row.item_ref),
        )
        for row in rows
    ]


@functools.lru_cache(maxsize=16)
def _direction_titles(year: str) -> dict[str, str]:
    """Russian direction names of a school year's norms; none (keys shown as stored) if the year has no norms."""
    try:
        return {key: direction.title for key, direction in load_norms(year).directions.items()}
    except NormsError:
        return {}


@dataclass(frozen=True)
class _Occurrence:
    """One active occurrence with what its feed entry is made of."""

    occurrence: DeadlineOccurrence
    item: Item
    roadmap: Roadmap
    executors: tuple[str, ...]
    tracked_from: date

    @property
    def is_window(self) -> bool:
        """A short window with a start: shown in school feeds as its all-day span."""
        start = self.occurrence.start
        return (self.occurrence.kind is OccurrenceKind.DEADLINE and start is not None
                and 0 < (self.occurrence.due - start).days < WINDOW_MAX_DAYS)

    def served_by(self, day: date) -> bool:
        start = self.occurrence.start
        return day <= self.occurrence.due and (start is None or day >= start)


_OCCURRENCES: _Recent[list[_Occurrence]] = _Recent(_SCHOOLS_KEPT * 4)


def _occurrences(session: Session, item_ids: Iterable[int]) -> list[_Occurrence]:
    """Every current (active) occurrence of the items, due date order, with its roadmap's tracking start
    (kept per item set and tracking version: a school's feeds ask for the same)."""
    ids = tuple(sorted(set(item_ids)))
    if not ids:
        return []
    return _OCCURRENCES.get((_store(session), ids, tracking_version(session.connection())),
                            lambda: _load_occurrences(session, ids))


def _load_occurrences(session: Session, ids: tuple[int, ...]) -> list[_Occurrence]:
    rows = session.exec(
        select(DeadlineOccurrence, Item, Roadmap, col(RoadmapTracking.track_from))
        .join(Item, col(Item.id) == DeadlineOccurrence.item_id)
        .join(Roadmap, col(Roadmap.id) == Item.roadmap_id)
        .outerjoin(RoadmapTracking, col(RoadmapTracking.roadmap_id) == Roadmap.id)
        .where(col(DeadlineOccurrence.item_id).in_(ids), col(DeadlineOccurrence.active))
        .order_by(col(DeadlineOccurrence.due), col(DeadlineOccurrence.id))
    ).all()
    executors = executors_by_item(session, list(ids))
    return [_Occurrence(occurrence, item, roadmap, tuple(e.name for e in executors.get(item.id or 0, [])),
                        track_from or date.min)
            for occurrence, item, roadmap, track_from in rows]


def _school_deadlines(session: Session, sessions: list[PlacementView],
                      whole_school: bool) -> tuple[tuple[AllDayWindow, ...], tuple[Deadline, ...]]:
    """The windows and deadlines of the items these sessions serve, by the school-side clutter rules.

    A school feed shows every occurrence of the items its sessions serve (a
    term with no parent meeting planned is the coordinator's to see); a class
    or staff feed only the occurrences its own sessions fall in.
    """
    days: dict[int, list[date]] = {}
    in_series: set[int] = set()
    for placement in sessions:
        if placement.record.item_id is not None:
            days.setdefault(placement.record.item_id, []).append(placement.record.day)
            if placement.record.series:
                in_series.add(placement.record.item_id)
    windows: list[AllDayWindow] = []
    deadlines: list[Deadline] = []
    for row in _occurrences(session, set(days) - in_series):
        if row.occurrence.kind is OccurrenceKind.CHECKIN:
            continue
        if not whole_school and not any(row.served_by(day) for day in days[row.item.id or 0]):
            continue
        if row.is_window:
            if row.occurrence.status is not OccurrenceStatus.CANCELLED:
                windows.append(_window(row))
        else:
            deadlines.append(_deadline(row))
    return tuple(windows), tuple(deadlines)


def _title(row: _Occurrence) -> str:
    title = _one_line(row.item.title)
    if row.occurrence.kind is OccurrenceKind.CHECKIN:
        title = f"Отчёт о ходе исполнения: {title}"
    return f"{row.occurrence.phase}: {title}" if row.occurrence.phase else title


def _deadline(row: _Occurrence) -> Deadline:
    occurrence = row.occurrence
    return Deadline(
        uid=f"occurrence-{occurrence.id}@profplan",
        title=_title(row),
        due=occurrence.due,
        status=occurrence.status,
        last_modified=UNSTAMPED,
        start=occurrence.start,
        description=_description(row),
        completed_on=occurrence.done_on if occurrence.status is OccurrenceStatus.DONE else None,
    )


def _window(row: _Occurrence) -> AllDayWindow:
    assert row.occurrence.start is not None
    return AllDayWindow(
        uid=f"window-{row.occurrence.id}@profplan",
        title=_title(row),
        first_day=row.occurrence.start,
        last_day=row.occurrence.due,
        last_modified=UNSTAMPED,
        description=_description(row),
    )


def _timezone(roadmaps: Iterable[Roadmap]) -> str:
    """The zone of the region most of these roadmaps are in (Moscow when none has one)."""
    regions = Counter(roadmap.region for roadmap in roadmaps if roadmap.region)
    return find_region(regions.most_common(1)[0][0]).timezone if regions else DEFAULT_TIMEZONE


def _description(row: _Occurrence) -> str:
    occurrence, item, roadmap = row.occurrence, row.item, row.roadmap
    lines = [
        f"Дорожная карта: {_one_line(roadmap.title or roadmap.key)}",
        f"Пункт № {item.number}: {item.title}" if item.number else f"Пункт: {item.title}",
        f"Срок по документу: {_one_line(item.deadline_text)}",
    ]
    if occurrence.start is not None:
        lines.append(f"Период: {occurrence.start:%d.%m.%Y} – {occurrence.due:%d.%m.%Y}")
    if row.executors:
        lines.append(f"Исполнители: {'; '.join(row.executors)}")
    if item.result_text:
        lines.append(f"Ожидаемый результат: {item.result_text}")
    if occurrence.status is OccurrenceStatus.DONE:
        lines.append(f"Выполнено{f' {occurrence.done_on:%d.%m.%Y}' if occurrence.done_on else ''}.")
    elif occurrence.status is OccurrenceStatus.CANCELLED:
        lines.append(f"Отменено{f': {occurrence.cancel_reason}' if occurrence.cancel_reason else ''}.")
    return "\n".join(lines)


Collector = Callable[[Session, Subscription, date], FeedContent]


def collect_feed(session: Session, subscription: Subscription, today: date) -> FeedContent:
    """The unstamped content of a subscription's feed on `today`, from the current state of the store."""
    uid = f"subscription-{subscription.id}@profplan"
    return TARGETS[subscription.target_kind].collect(session, uid, subscription.target, today)


def feed_day(moment: datetime) -> date:
    """The calendar day feeds are bounded by: Moscow's, the federal default (a day either way is immaterial)."""
    return moment.astimezone(ZoneInfo(DEFAULT_TIMEZONE)).date()
