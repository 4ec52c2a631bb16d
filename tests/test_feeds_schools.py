"""School, class and staff feeds from stored timetables: exact occurrences, privacy, and a re-plan seen by clients."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import icalendar
import pytest
from feeds_helpers import (
    FEED_KEY,
    SUBSTITUTE_THURSDAY,
    PlannedRow,
    add_school,
    read_ical,
    read_recurring,
    read_vobject,
    running_server,
    school_sessions,
    store_timetable,
)
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from tracking_helpers import Row, add_roadmap, seed_len

from feeds.cache import refresh_feed
from feeds.collect import TargetError, collect_feed
from feeds.model import FeedContent, FeedOptions
from feeds.server import create_app
from feeds.subscriptions import create_subscription, list_subscriptions
from feeds.tables import Subscription
from roadmaps.tables import Item
from scheduler.tables import School
from store.db import open_store, transaction
from tracking.tables import DeadlineOccurrence

ZONE = "Asia/Yekaterinburg"
STAFF = ["Иванова М. П.", "Петров П. П.", "Сидорова А. А."]
READERS = [read_recurring, read_vobject, read_ical]


def seed(engine: Engine) -> int:
    """The LEN roadmap, a Chelyabinsk school with a term's timetable whose trial serves «Неделя без турникетов»."""
    seed_len(engine)
    with transaction(engine) as session:
        item_id = session.exec(select(Item.id).where(Item.title == "Неделя без турникетов")).one()
        add_school(session, "che-1", "RU-CHE", STAFF, ["8А", "8Б"])
        add_school(session, "che-2", "RU-CHE", ["Иванова М. П."], ["9А"])
        session.flush()
        store_timetable(session, "che-1", school_sessions(item_id))
    assert item_id is not None
    return item_id


@pytest.fixture
def engine(tmp_path) -> Engine:  # type: ignore[no-untyped-def]
    engine = open_store(f"sqlite:///{tmp_path / 'feeds.db'}")
    seed(engine)
    return engine


def feed(engine: Engine, kind: str, target: str, **options: object) -> bytes:
    created = create_subscription(engine, kind, target, key=FEED_KEY, options=FeedOptions(**options))  # type: ignore[arg-type]
    with transaction(engine) as session:
        return refresh_feed(session, session.get_one(Subscription, created.info.id), collect_feed).body


def timed(rows: list[PlannedRow]) -> Counter[tuple[str, str]]:
    zone = ZoneInfo(ZONE)

    def moment(day: date, clock: str) -> str:
        return datetime.combine(day, datetime.strptime(clock, "%H:%M").time(), zone).isoformat() + f" {ZONE}"

    return Counter((moment(row.day, row.start), moment(row.day, row.end)) for row in rows)


def window_days(engine: Engine, item_id: int, served: set[date] | None = None) -> Counter[tuple[str, str]]:
    """The all-day spans of an item's short windows (each month of «Неделя без турникетов»), no due-day event;
    only the windows holding a day of `served`, when given."""
    with transaction(engine) as session:
        found = session.exec(select(DeadlineOccurrence).where(DeadlineOccurrence.item_id == item_id)).all()
    days: Counter[tuple[str, str]] = Counter()
    for occurrence in found:
        assert occurrence.start is not None
        if served is None or any(occurrence.start <= day <= occurrence.due for day in served):
            days[(occurrence.start.isoformat(), (occurrence.due + timedelta(days=1)).isoformat())] += 1
    return days


def split(found: list[tuple[str, str, str]]) -> tuple[Counter[tuple[str, str]], Counter[tuple[str, str]]]:
    """(timed occurrences, all-day ones) of a reader's expansion."""
    moments = [(start, end) for _, start, end in found]
    return Counter(m for m in moments if "T" in m[0]), Counter(m for m in moments if "T" not in m[0])


@pytest.mark.parametrize("reader", READERS, ids=lambda reader: reader.__name__)
def test_school_feed_expands_to_exactly_the_placements_and_their_items_deadlines(engine: Engine, reader) -> None:
    item_id = _item(engine)
    body = feed(engine, "school", "che-1")
    sessions, all_day = split(reader(body))
    assert sessions == timed(school_sessions(item_id))
    assert all_day == window_days(engine, item_id) and len(all_day) == 2  # October and April: the school's business
    calendar = icalendar.Calendar.from_ical(body)
    assert [zone.tz_name for zone in calendar.timezones] == [ZONE]
    series = [e for e in calendar.walk("VEVENT") if "RRULE" in e]
    assert len(series) == 2 and all(e["RRULE"]["BYDAY"] == ["TH"] for e in series)


def _item(engine: Engine) -> int:
    with transaction(engine) as session:
        return session.exec(select(Item.id).where(Item.title == "Неделя без турникетов")).one()  # type: ignore[return-value]


def test_class_and_staff_feeds_hold_only_their_own_sessions(engine: Engine) -> None:
    item_id = _item(engine)
    rows = school_sessions(item_id)
    for kind, target, mine in (
        ("class", "che-1/8б", lambda r: r.class_name == "8Б"),
        ("staff", "Сидорова  а. а.", lambda r: r.staff == "Сидорова А. А."),
        ("staff", "che-1/Иванова М. П.", lambda r: r.staff == "Иванова М. П."),
        ("staff", "che-1/Петров П. П.", lambda r: r.staff == "Петров П. П."),
    ):
        body = feed(engine, kind, target)
        for reader in READERS:
            sessions, _ = split(reader(body))
            assert sessions == timed([row for row in rows if mine(row)]), (target, reader.__name__)
        text = icalendar.Calendar.from_ical(body).to_ical().decode()
        others = {row.staff for row in rows if not mine(row)} - {row.staff for row in rows if mine(row)}
        assert not any(name in text for name in others), f"{target} shows someone else's sessions"
    petrov = icalendar.Calendar.from_ical(feed(engine, "staff", "che-1/Петров П. П."))
    substitute = [e for e in petrov.walk("VEVENT") if e.DTSTART.date() == SUBSTITUTE_THURSDAY and "RRULE" not in e]
    assert len(substitute) == 1 and "8А" in str(substitute[0]["SUMMARY"])
    assert not split(read_recurring(feed(engine, "staff", "che-1/Петров П. П.")))[1], "no item of his has a deadline"


def test_targets_are_resolved_to_one_school_or_explained(engine: Engine) -> None:
    with pytest.raises(TargetError, match="Школа «che-9» не найдена. Возможно, имелось в виду: «che-2», «che-1»"):
        create_subscription(engine, "school", "che-9", key=FEED_KEY)
    with pytest.raises(TargetError, match="ожидается ID_ШКОЛЫ/КЛАСС"):
        create_subscription(engine, "class", "8А", key=FEED_KEY)
    with pytest.raises(TargetError, match="Класс в школе «che-1» «11В» не найден. Есть: 8А, 8Б"):
        create_subscription(engine, "class", "che-1/11В", key=FEED_KEY)
    with pytest.raises(TargetError, match="есть в нескольких школах: укажите одну из форм che-1/Иванова М. П., che-2/"):
        create_subscription(engine, "staff", "иванова м. п.", key=FEED_KEY)
    create_subscription(engine, "staff", "che-2/Иванова М. П.", key=FEED_KEY)
    labels = [row.label for row in list_subscriptions(engine)]
    assert labels == ["Иванова М. П. — Школа «che-2»"]


def test_a_replan_changes_the_etag_and_raises_sequence_of_moved_sessions_only(db_url: str) -> None:
    engine = open_store(db_url)
    item_id = seed(engine)
    created = create_subscription(engine, "class", "che-1/8А", key=FEED_KEY, base="http://x")
    path = created.url.removeprefix("http://x")
    with running_server(create_app(engine)) as base, httpx.Client(base_url=base) as client:
        before = client.get(path)
        assert client.get(path, headers={"if-none-match": before.headers["etag"]}).status_code == 304
        moved = [replace(row, day=row.day + timedelta(days=1)) if row.uid == "8А/trial#1" else row
                 for row in school_sessions(item_id)]
        with transaction(engine) as session:
            store_timetable(session, "che-1", moved)
        after = client.get(path, headers={"if-none-match": before.headers["etag"]})
    assert after.status_code == 200 and after.headers["etag"] != before.headers["etag"]

    def revisions(body: bytes) -> dict[str, tuple[int, datetime]]:
        return {str(e["UID"]): (int(e["SEQUENCE"]), e.DTSTAMP) for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}

    old, new = revisions(before.content), revisions(after.content)
    changed = {uid for uid in new if new[uid] != old[uid]}
    assert set(new) == set(old) and len(changed) == 1
    (uid,) = changed
    assert new[uid][0] == old[uid][0] + 1 and new[uid][1] >= old[uid][1]
    trial = next(e for e in icalendar.Calendar.from_ical(after.content).walk("VEVENT") if str(e["UID"]) == uid)
    assert trial.DTSTART == datetime(2023, 10, 6, 15, 15, tzinfo=ZoneInfo(ZONE))


def test_a_deleted_school_gives_an_empty_valid_feed(engine: Engine) -> None:
    created = create_subscription(engine, "school", "che-2", key=FEED_KEY)
    with transaction(engine) as session:
        session.delete(session.get_one(School, "che-2"))
    with Session(engine) as session:
        content = collect_feed(session, session.get_one(Subscription, created.info.id), date(2023, 10, 1))
    assert content.events == () and content.deadlines == ()


def test_class_feeds_hold_only_what_their_own_sessions_serve_and_the_weekly_course_is_its_series(db_url: str) -> None:
    """8А's trial serves the October week: its feed has that one span; 8Б's has none; the course adds no deadlines."""
    engine = open_store(db_url)
    trial_item = seed(engine)
    with transaction(engine) as session:
        course = add_roadmap(session, "CHE-course", [Row("17", "Курс «Россия – мои горизонты»",
                                                         "сентябрь 2023 г. – май 2024 г. (еженедельно по четвергам)"),
                                                     Row("5", "Информационное сопровождение", "Постоянно")],
                             region="RU-CHE")
        course_item, continuous_item = session.exec(select(Item.id).where(Item.roadmap_id == course.id)
                                                    .order_by(Item.ordinal)).all()
        rows = [replace(row, item_id=course_item) if row.series else row for row in school_sessions(trial_item)]
        rows.append(PlannedRow("8Б/info#1", "8Б", "Информационный час", date(2023, 10, 19), "15:15", "16:00",
                               "Петров П. П.", kind="event", item_id=continuous_item))
        store_timetable(session, "che-1", rows)
    for target, spans in (("che-1/8А", 1), ("che-1/8Б", 0), ("che-1", 2)):
        content = _content(engine, "class" if "/" in target else "school", target)
        assert len(content.windows) == spans, target
        assert not [d for d in content.deadlines if "горизонты" in d.title], f"{target}: the course is its series"
        assert not [d for d in content.deadlines if d.title.startswith("Отчёт")], f"{target}: check-ins are not here"
        assert len(content.series) == (1 if "/" in target else 2)
    october = _content(engine, "class", "che-1/8А").windows[0]
    assert (october.first_day, october.last_day) == (date(2023, 10, 1), date(2023, 10, 31))
    calendar = icalendar.Calendar.from_ical(feed(engine, "class", "che-1/8А"))
    assert not [e for e in calendar.walk("VEVENT") if str(e["SUMMARY"]).startswith("Срок:")]


def _content(engine: Engine, kind: str, target: str) -> FeedContent:
    created = create_subscription(engine, kind, target, key=FEED_KEY)
    with transaction(engine) as session:
        return collect_feed(session, session.get_one(Subscription, created.info.id), date(2023, 10, 1))


def test_location_names_the_venue_the_school_and_its_address(engine: Engine) -> None:
    with transaction(engine) as session:
        school = session.get_one(School, "che-1")
        school.address = "454000, Челябинск, ул. Школьная, 1"
        school.updated_at = datetime.now(ZoneInfo("UTC"))
        session.add(school)
    calendar = icalendar.Calendar.from_ical(feed(engine, "class", "che-1/8А"))
    locations = {str(e["LOCATION"]) for e in calendar.walk("VEVENT") if "LOCATION" in e}
    assert "Школа «che-1», 454000, Челябинск, ул. Школьная, 1" in locations  # a session with no venue of its own
    trial = next(e for e in calendar.walk("VEVENT") if "Профессиональная проба" in str(e["SUMMARY"]))
    assert str(trial["LOCATION"]).endswith(", Школа «che-1», 454000, Челябинск, ул. Школьная, 1")
    assert "Школа" not in str(trial["DESCRIPTION"])  # where it is, is LOCATION's
