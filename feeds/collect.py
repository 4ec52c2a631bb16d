"""What each subscription's feed shows, read from the store into `FeedContent`.

Targets and what their feeds hold:

- `executor` (an organisation of the roadmaps, by its normalised key): the
  deadline occurrences of the items it is responsible for (a committee
  tracks due dates, so no windows here);
- `school` (a school id): every placement of the school's current timetable,
  the deadlines of the roadmap items those placements serve, and their short
  windows («Неделя без турникетов») as all-day events;
- `class` ("school id/class name"): that class's placements (and school-wide
  ones, with no class) and their items' deadlines and windows;
- `staff` ("school id/name"): only the placements that person leads and their
  items' deadlines and windows, nothing of colleagues or other classes.

A regular weekly series (the Thursday course) becomes one `WeeklySeries`
with the missing weeks as exdates; sessions off its pattern (make-ups, a
moved week, a substitute teacher) stay separate events under their own
placement UIDs. A series is built from the whole class's placements, never
from one target's share, so a UID means the same thing in every feed and its
revision state (`FeedComponent`) never flips between feeds.

Components come back with `sequence=0` and `last_modified=UNSTAMPED`; the
cache stamps their real revisions.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import time

from sqlmodel import Session, col, select

from calendars.academic import region as find_region
from calendars.errors import ProfplanError
from feeds.model import UNSTAMPED, AllDayWindow, Deadline, FeedContent, TimedEvent, WeeklySeries
from feeds.tables import Subscription
from feeds.timetable import PlacementView, fold_placements
from roadmaps.executors import executor_key
from roadmaps.queries import executors_by_item
from roadmaps.tables import Executor, Item, ItemExecutor, Roadmap
from scheduler.errors import NormsError
from scheduler.norms import load_norms
from scheduler.tables import Placement, School, Timetable
from tracking.tables import DeadlineOccurrence

TARGET_KINDS = ("executor", "school", "class", "staff")
DEFAULT_TIMEZONE = "Europe/Moscow"
# In school, class and staff feeds an occurrence whose window is at most this
# long («Неделя без турникетов» in October) is also shown as an all-day event
# spanning it; a longer one ("в течение учебного года") would only be a bar
# across months, and a check-in period is no event at all.
WINDOW_MAX_DAYS = 31
_CANDIDATES_SHOWN = 5


class TargetError(ProfplanError):
    """A subscription target that does not exist or is ambiguous."""


def resolve_target(session: Session, kind: str, text: str) -> str:
    """The stored identity of a target the user named, or a Russian error saying what matched."""
    value = " ".join(text.split())
    if not value:
        raise TargetError("Не указано, на что подписаться.")
    if kind == "executor":
        return _resolve_executor(session, value).key
    if kind == "school":
        return _resolve_school(session, value).id
    if kind == "class":
        school_id, name = _split(value, "класс", "ID_ШКОЛЫ/КЛАСС, например demo-kudrovo/8А")
        school = _resolve_school(session, school_id)
        return f"{school.id}/{_pick(name, _profile_names(school, 'classes'), f'Класс в школе «{school.id}»')}"
    if kind == "staff":
        return _resolve_staff(session, value)
    raise TargetError(f"Неизвестный вид подписки «{kind}».")


def target_label(session: Session, kind: str, target: str) -> str:
    """A Russian name of a stored target for lists; the raw identity if it no longer exists."""
    if kind == "executor":
        executor = session.exec(select(Executor).where(Executor.key == target)).first()
        return executor.name if executor else target
    school_id, _, name = target.partition("/")
    school = session.get(School, school_id)
    if school is None:
        return target
    return f"{name} — {school.name}" if name else school.name


def collect_feed(session: Session, subscription: Subscription) -> FeedContent:
    """The unstamped content of a subscription's feed, from the current state of the store.

    A target that no longer exists (a school deleted) gives an empty but
    valid feed, so subscribed clients are not left with errors.
    """
    uid = f"subscription-{subscription.id}@profplan"
    kind, target = subscription.target_kind, subscription.target
    if kind == "executor":
        return _executor_feed(session, uid, target)
    school_id, _, name = target.partition("/")
    school = session.get(School, school_id)
    if school is None:
        return FeedContent(uid=uid, name=f"Профминимум: {target}", description="Школа удалена из profplan.",
                           timezone=DEFAULT_TIMEZONE)
    year = f"{school.name}, {school.year} учебный год."
    if kind == "school":
        return _school_feed(session, uid, school, kind, name, f"Профминимум: {school.name}",
                            f"Занятия профминимума, встречи и сроки дорожных карт: {year}")
    if kind == "class":
        return _school_feed(session, uid, school, kind, name, f"Профминимум: {name} — {school.name}",
                            f"Занятия профминимума, встречи и сроки класса {name}: {year}")
    if kind == "staff":
        return _school_feed(session, uid, school, kind, name, f"Профминимум: {name} — {school.name}",
                            f"Занятия профминимума, которые ведёт {name}, и сроки их пунктов дорожных карт: {year}")
    raise TargetError(f"Неизвестный вид подписки «{kind}».")


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
        known = ", ".join(session.exec(select(School.id).order_by(col(School.id)))) or "нет ни одной"
        raise TargetError(f"Школа «{school_id}» не найдена. Загруженные школы: {known}.")
    return school


def _profile_names(school: School, section: str) -> list[str]:
    return [str(entry["name"]) for entry in school.profile.get(section, [])]


def _pick(name: str, names: list[str], where: str) -> str:
    """The profile's own spelling of a name, matched regardless of spacing, case and ё."""
    found = [known for known in names if _normal(known) == _normal(name)]
    if not found:
        raise TargetError(f"{where} «{name}» не найден. Есть: {', '.join(names) or 'никого'}.")
    return found[0]


def _resolve_staff(session: Session, value: str) -> str:
    """"ID_ШКОЛЫ/ФИО", or just "ФИО" when exactly one school has that person: never a namesake elsewhere."""
    if "/" in value:
        school_id, name = _split(value, "сотрудник", "ФИО или ID_ШКОЛЫ/ФИО")
        school = _resolve_school(session, school_id)
        return f"{school.id}/{_pick(name, _profile_names(school, 'staff'), f'Сотрудник школы «{school.id}»')}"
    matches = [
        f"{school.id}/{known}"
        for school in session.exec(select(School).order_by(col(School.id)))
        for known in _profile_names(school, "staff") if _normal(known) == _normal(value)
    ]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise TargetError(f"Сотрудник «{value}» не найден ни в одной загруженной школе.")
    raise TargetError(f"«{value}» есть в нескольких школах: укажите одну из форм {', '.join(matches)}.")


def _resolve_executor(session: Session, value: str) -> Executor:
    """By exact normalised key first, then by a unique part of the name."""
    key = executor_key(value)
    exact = session.exec(select(Executor).where(Executor.key == key)).first()
    if exact is not None:
        return exact
    needle = key.replace("%", "").replace("_", "")
    matches = session.exec(
        select(Executor).where(col(Executor.key).contains(needle)).order_by(col(Executor.name))
    ).all()
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise TargetError(f"Исполнитель «{value}» не найден в загруженных дорожных картах (см. profplan executors).")
    shown = "; ".join(f"«{executor.name}»" for executor in matches[:_CANDIDATES_SHOWN])
    more = f" и ещё {len(matches) - _CANDIDATES_SHOWN}" if len(matches) > _CANDIDATES_SHOWN else ""
    raise TargetError(f"«{value}» подходит к нескольким исполнителям: {shown}{more}. Уточните название.")


def _executor_feed(session: Session, uid: str, key: str) -> FeedContent:
    executor = session.exec(select(Executor).where(Executor.key == key)).first()
    name = executor.name if executor else key
    item_ids = (
        list(session.exec(select(ItemExecutor.item_id).where(ItemExecutor.executor_id == executor.id)))
        if executor else []
    )
    deadlines = deadline_content(session, item_ids, with_windows=False)
    return FeedContent(
        uid=uid,
        name=f"Сроки: {name}",
        description=f"Сроки мероприятий дорожных карт профориентации, за которые отвечает {name}.",
        timezone=deadlines.timezone,
        windows=deadlines.windows,
        deadlines=deadlines.deadlines,
    )


def _school_feed(session: Session, uid: str, school: School, kind: str, name: str, title: str,
                 description: str) -> FeedContent:
    """The target's part of the school's current timetable, folded into series and events, with its items' deadlines.

    Folding runs on whole classes (every placement of each class the target
    has a session in), so a series is the same component in every feed that
    shows it; a staff feed shows a series only when that person leads its
    regular sessions.
    """
    def mine(placement: PlacementView) -> bool:
        if kind == "class":
            return placement.class_name in (name, "")
        return kind == "school" or placement.staff == name

    timezone = find_region(school.region).timezone
    placements = _placements(session, school, kind, name)
    folded = fold_placements(placements, timezone, school.name)
    events: list[TimedEvent] = [event for placement, event in folded.events if mine(placement)]
    series: list[WeeklySeries] = [weekly for first, weekly in folded.series if mine(first)]
    item_ids = {placement.item_id for placement in placements if placement.item_id is not None and mine(placement)}
    deadlines = deadline_content(session, item_ids, with_windows=True)
    return FeedContent(uid=uid, name=title, description=description, timezone=timezone, events=tuple(events),
                       series=tuple(series), windows=deadlines.windows, deadlines=deadlines.deadlines)


_PLACEMENT_COLUMNS = (
    Placement.uid, Placement.class_name, Placement.title, Placement.direction, Placement.day, Placement.start_time,
    Placement.end_time, Placement.hours, Placement.staff, Placement.venue, Placement.kind, Placement.series,
    Placement.item_id, Placement.item_ref,
)


def _placements(session: Session, school: School, kind: str, name: str) -> list[PlacementView]:
    """The placements of the current timetable in the classes that concern the target (plain columns: fast)."""
    current = session.exec(
        select(Timetable.id).where(Timetable.school_id == school.id, col(Timetable.current).is_(True))
    ).first()
    if current is None:
        return []
    query = select(*_PLACEMENT_COLUMNS).where(Placement.timetable_id == current)
    if kind == "class":
        query = query.where(col(Placement.class_name).in_([name, ""]))
    elif kind == "staff":
        classes = select(Placement.class_name).where(Placement.timetable_id == current, Placement.staff == name)
        query = query.where(col(Placement.class_name).in_(classes.distinct()))
    rows = session.execute(query.order_by(col(Placement.day), col(Placement.uid))).all()
    wanted = {row.item_id for row in rows if row.item_id is not None}
    items = {
        row.id: f"№ {row.number}: {_one_line(row.title)}" if row.number else _one_line(row.title)
        for row in session.execute(select(Item.id, Item.number, Item.title).where(col(Item.id).in_(wanted)))
    }
    directions = _direction_titles(school.year)
    return [
        PlacementView(
            school_id=school.id, uid=row.uid, class_name=row.class_name, title=_one_line(row.title),
            direction=directions.get(row.direction, row.direction), day=row.day,
            start=time.fromisoformat(row.start_time), end=time.fromisoformat(row.end_time), hours=row.hours,
            staff=row.staff, venue=row.venue, kind=row.kind, series=row.series, item_id=row.item_id,
            item=items.get(row.item_id, row.item_ref),
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
class DeadlineContent:
    """The deadlines and short windows of some items, and the zone of their roadmaps' region."""

    deadlines: tuple[Deadline, ...]
    windows: tuple[AllDayWindow, ...]
    timezone: str


def deadline_content(session: Session, item_ids: Iterable[int], *, with_windows: bool) -> DeadlineContent:
    """Every current (active) occurrence of the items as a deadline, and, if asked, short ones as windows."""
    ids = sorted(set(item_ids))
    if not ids:
        return DeadlineContent((), (), DEFAULT_TIMEZONE)
    rows = session.exec(
        select(DeadlineOccurrence, Item, Roadmap)
        .join(Item, col(Item.id) == DeadlineOccurrence.item_id)
        .join(Roadmap, col(Roadmap.id) == Item.roadmap_id)
        .where(col(DeadlineOccurrence.item_id).in_(ids), col(DeadlineOccurrence.active))
        .order_by(col(DeadlineOccurrence.due), col(DeadlineOccurrence.id))
    ).all()
    executors = executors_by_item(session, ids)
    deadlines: list[Deadline] = []
    windows: list[AllDayWindow] = []
    for occurrence, item, roadmap in rows:
        title = _one_line(item.title)
        if occurrence.kind == "checkin":
            title = f"Отчёт о ходе исполнения: {title}"
        if occurrence.phase:
            title = f"{occurrence.phase}: {title}"
        description = _deadline_description(occurrence, item, roadmap, [e.name for e in executors.get(item.id or 0, [])])
        deadlines.append(Deadline(
            uid=f"occurrence-{occurrence.id}@profplan",
            title=title,
            due=occurrence.due,
            status=occurrence.status,  # type: ignore[arg-type]
            last_modified=UNSTAMPED,
            start=occurrence.start,
            description=description,
        ))
        if with_windows and _is_event_window(occurrence):
            assert occurrence.start is not None
            windows.append(AllDayWindow(
                uid=f"window-{occurrence.id}@profplan",
                title=title,
                first_day=occurrence.start,
                last_day=occurrence.due,
                last_modified=UNSTAMPED,
                description=description,
            ))
    regions = Counter(roadmap.region for _, _, roadmap in rows if roadmap.region)
    timezone = find_region(regions.most_common(1)[0][0]).timezone if regions else DEFAULT_TIMEZONE
    return DeadlineContent(tuple(deadlines), tuple(windows), timezone)


def _is_event_window(occurrence: DeadlineOccurrence) -> bool:
    start = occurrence.start
    return (occurrence.kind == "deadline" and occurrence.status != "cancelled" and start is not None
            and 0 < (occurrence.due - start).days < WINDOW_MAX_DAYS)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _deadline_description(occurrence: DeadlineOccurrence, item: Item, roadmap: Roadmap, executors: list[str]) -> str:
    lines = [
        f"Дорожная карта: {_one_line(roadmap.title or roadmap.key)}",
        f"Пункт № {item.number}: {item.title}" if item.number else f"Пункт: {item.title}",
        f"Срок по документу: {_one_line(item.deadline_text)}",
    ]
    if occurrence.start is not None:
        lines.append(f"Период: {occurrence.start:%d.%m.%Y} – {occurrence.due:%d.%m.%Y}")
    if executors:
        lines.append(f"Исполнители: {'; '.join(executors)}")
    if item.result_text:
        lines.append(f"Ожидаемый результат: {item.result_text}")
    if occurrence.status == "done":
        lines.append(f"Выполнено{f' {occurrence.done_on:%d.%m.%Y}' if occurrence.done_on else ''}.")
    elif occurrence.status == "cancelled":
        lines.append(f"Отменено{f': {occurrence.cancel_reason}' if occurrence.cancel_reason else ''}.")
    return "\n".join(lines)

