"""Helpers of the feed tests: sample content built by hand, and three independent readers of a feed.

Each reader (icalendar + recurring-ical-events, vobject with validation, the
strict `ical` package) expands a feed into the same plain tuples
`(uid, start, end)`, with timed values as ISO strings carrying their offset
and zone name, so a test can check that all of them agree with the source.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events
import uvicorn
import vobject
from ical.calendar_stream import IcsCalendarStream
from sqlmodel import Session, select
from starlette.applications import Starlette

from feeds.model import AllDayWindow, Deadline, FeedContent, TimedEvent, WeeklySeries
from feeds.render import todo_uid
from feeds.server import log_config
from feeds.tables import Subscription
from scheduler.tables import School, StoredPlacement, Timetable

Occurrence = tuple[str, str, str]

CHANGED = datetime(2023, 8, 30, 9, 15, tzinfo=UTC)
# Everything RFC 5545 makes a writer escape or fold, plus control characters it forbids.
NASTY = (
    "Профпроба; «Колледж, корпус 2»\\корп. Б\nвторая строка\r\nтретья\rчетвёртая\x07\x00 "
    "— очень длинный текст, который не помещается в одну строку из семидесяти пяти октетов 🚀 "
    + "ёЁ" * 40
)
# PostgreSQL text cannot hold NUL, so what documents put in the store is the rest of it.
NASTY_STORED = NASTY.replace("\x00", "")
FAR = (date(2020, 1, 1), date(2030, 1, 1))


def timed(uid: str, start: datetime, minutes: int, zone: str = "Europe/Moscow", **fields: Any) -> TimedEvent:
    return TimedEvent(uid, fields.pop("title", f"Занятие {uid}"), start, start + timedelta(minutes=minutes),
                      zone, fields.pop("last_modified", CHANGED), **fields)


def sample_content(zone: str = "Asia/Yekaterinburg") -> FeedContent:
    """A class's feed: sessions, a make-up, a meeting in another zone, the Thursday course, a window, deadlines."""
    return FeedContent(
        uid="feed-sample@profplan",
        name="Профминимум: 8А; школа № 1",
        description="Занятия, встречи и сроки класса 8А",
        timezone=zone,
        events=(
            timed("p-trial", datetime(2023, 10, 5, 15, 0), 120, zone, location=NASTY, description=NASTY, sequence=2),
            timed("p-makeup", datetime(2023, 11, 10, 14, 20), 40, zone, title="Россия – мои горизонты (перенос)"),
            timed("p-online", datetime(2023, 12, 1, 18, 0), 60, "Europe/Kaliningrad", title=NASTY),
            timed("p-cancelled", datetime(2024, 3, 31, 2, 30), 60, "Europe/Moscow", cancelled=True),
        ),
        series=(
            WeeklySeries(
                "s-horizons", "Россия – мои горизонты", datetime(2023, 9, 7, 14, 20), timedelta(minutes=40),
                date(2024, 5, 23), zone, CHANGED, exdates=(date(2023, 11, 2), date(2024, 1, 4)),
                location="Кабинет 12", description="Внеурочная деятельность, 1 ч", sequence=3,
            ),
        ),
        windows=(AllDayWindow("w-doors", "Неделя без турникетов", date(2023, 10, 16), date(2023, 10, 22), CHANGED),),
        deadlines=(
            Deadline("d-open", "Провести диагностику; этап 1", date(2023, 10, 31), "open", CHANGED, start=date(2023, 10, 1)),
            Deadline("d-done", "Родительское собрание", date(2023, 12, 20), "done", CHANGED, sequence=1),
            Deadline("d-cancelled", "Экскурсия", date(2024, 4, 12), "cancelled", CHANGED, sequence=2),
        ),
    )


def _moment(value: date | datetime) -> str:
    """A date as YYYY-MM-DD; a datetime as its local ISO form with offset, plus its zone's name."""
    if isinstance(value, datetime):
        zone = getattr(value.tzinfo, "key", None) or str(value.tzinfo)
        return f"{value.isoformat()} {zone}"
    return value.isoformat()


def expected_events(content: FeedContent, with_deadlines: bool = True) -> list[Occurrence]:
    """Every VEVENT occurrence the content must expand to, from the model alone."""
    result: list[Occurrence] = []
    for event in content.events:
        zone = ZoneInfo(event.timezone)
        result.append((event.uid, _moment(event.start.replace(tzinfo=zone)), _moment(event.end.replace(tzinfo=zone))))
    for series in content.series:
        zone = ZoneInfo(series.timezone)
        for start in series.starts():
            local = start.replace(tzinfo=zone)
            result.append((series.uid, _moment(local), _moment(local + series.duration)))
    for window in content.windows:
        result.append((window.uid, _moment(window.first_day), _moment(window.last_day + timedelta(days=1))))
    if with_deadlines:
        for deadline in content.deadlines:
            result.append((deadline.uid, _moment(deadline.due), _moment(deadline.due + timedelta(days=1))))
    return sorted(result)


def expected_todos(content: FeedContent) -> list[tuple[str, str]]:
    return sorted((todo_uid(deadline), deadline.due.isoformat()) for deadline in content.deadlines)


def _zone_name(tzinfo: Any) -> str:
    """The IANA name behind any reader's tzinfo (zoneinfo, dateutil, vobject's tzicalvtz)."""
    for attribute in ("key", "tzid", "_tzid"):
        name = getattr(tzinfo, attribute, None)
        if isinstance(name, str):
            return name
    return str(tzinfo)


def _reader_moment(value: date | datetime) -> str:
    if isinstance(value, datetime):
        return f"{value.isoformat()} {_zone_name(value.tzinfo)}"
    return value.isoformat()


def read_recurring(data: bytes) -> list[Occurrence]:
    """VEVENT occurrences as icalendar + recurring-ical-events expand them."""
    calendar = icalendar.Calendar.from_ical(data)
    found = recurring_ical_events.of(calendar).between(*FAR)
    return sorted((str(e["UID"]), _reader_moment(e.start), _reader_moment(e.end)) for e in found)


def read_vobject(data: bytes) -> list[Occurrence]:
    """VEVENT occurrences as vobject (validating) expands them, its rruleset applying EXDATE."""
    calendar = vobject.readOne(data.decode("utf-8"), validate=True)
    result: list[Occurrence] = []
    for event in calendar.contents.get("vevent", []):
        start, end = event.dtstart.value, event.dtend.value
        starts = list(event.getrruleset()) if hasattr(event, "rrule") else [start]
        for moment in starts:
            result.append((event.uid.value, _reader_moment(moment), _reader_moment(moment + (end - start))))
    return sorted(result)


def read_ical(data: bytes) -> list[Occurrence]:
    """VEVENT occurrences on the strict `ical` package's timeline."""
    calendar = IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))
    return sorted(
        (event.uid or "", _reader_moment(event.dtstart), _reader_moment(event.dtend)) for event in calendar.timeline
    )


def read_todos(data: bytes) -> list[tuple[str, str]]:
    calendar = icalendar.Calendar.from_ical(data)
    return sorted((str(todo["UID"]), todo.DUE.isoformat()) for todo in calendar.walk("VTODO"))


# The feed key of the tests (feeds.tokens): fixed, so tokens derived in a test can be derived again.
FEED_KEY = bytes(range(32))


@dataclass
class FakeCollector:
    """A collector serving hand-built content per subscription id; tests change it to simulate a re-plan."""

    contents: dict[int, FeedContent] = field(default_factory=dict)
    calls: int = 0

    def __call__(self, session: Session, subscription: Subscription, today: date) -> FeedContent:
        self.calls += 1
        assert subscription.id is not None
        return self.contents[subscription.id]


@contextmanager
def running_server(app: Starlette) -> Iterator[str]:
    """The app on real uvicorn in a thread, on a free loopback port, with profplan's log filter; yields its URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_config=log_config(), lifespan="off"))
    thread = threading.Thread(target=lambda: asyncio.run(server.serve(sockets=[sock])), daemon=True)
    thread.start()
    for _ in range(500):
        if server.started or not thread.is_alive():
            break
        threading.Event().wait(0.01)
    assert server.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=5)
        sock.close()


THURSDAYS = [date(2023, 9, 7) + timedelta(weeks=week) for week in range(17)]  # 07.09–28.12.2023
VACATION_THURSDAY = date(2023, 11, 2)
SUBSTITUTE_THURSDAY = date(2023, 12, 14)


@dataclass(frozen=True)
class PlannedRow:
    """One placement row as a test writes it."""

    uid: str
    class_name: str
    title: str
    day: date
    start: str
    end: str
    staff: str
    kind: str = "session"
    series: str | None = None
    venue: str | None = None
    item_id: int | None = None
    direction: str = "extracurricular"


def school_sessions(trial_item: int | None) -> list[PlannedRow]:
    """A term of a school: 8А's Thursday course (a vacation gap, a substitute, a make-up), 8Б's, a trial, a meeting."""
    rows = [
        PlannedRow(f"8А/horizons/{day}", "8А", "Россия – мои горизонты", day, "14:20", "15:05",
                 "Петров П. П." if day == SUBSTITUTE_THURSDAY else "Иванова М. П.", series="horizons")
        for day in THURSDAYS if day != VACATION_THURSDAY
    ]
    rows += [PlannedRow(f"8Б/horizons/{day}", "8Б", "Россия – мои горизонты", day, "15:15", "16:00", "Петров П. П.",
                      series="horizons") for day in THURSDAYS]
    rows += [
        PlannedRow("8А/horizons-makeup#1", "8А", "Россия – мои горизонты: замена занятия 02.11.2023", date(2023, 11, 10),
                 "14:20", "15:05", "Иванова М. П.", kind="makeup", series="horizons"),
        PlannedRow("8А/trial#1", "8А", "Профессиональная проба", date(2023, 10, 5), "15:15", "17:00", "Сидорова А. А.",
                 kind="event", venue=NASTY_STORED, item_id=trial_item, direction="vocational"),
        PlannedRow("8А/parents#1", "8А", "Родительское собрание", date(2023, 10, 12), "18:30", "19:30", "Иванова М. П.",
                 kind="meeting", direction="parents"),
    ]
    return rows


def add_school(session: Session, school_id: str, region: str, staff: list[str], classes: list[str]) -> None:
    session.add(School(id=school_id, name=f"Школа «{school_id}»", region=region, year="2023-2024",
                       profile={"classes": [{"name": name} for name in classes],
                                "staff": [{"name": name} for name in staff]},
                       updated_at=CHANGED))


def store_timetable(session: Session, school_id: str, rows: list[PlannedRow]) -> None:
    """A new current timetable of the school with these placements (the previous one stops being current)."""
    for old in session.exec(select(Timetable).where(Timetable.school_id == school_id)):
        old.current = False
        session.add(old)
    timetable = Timetable(school_id=school_id, created_at=CHANGED, status="OPTIMAL", solve_seconds=0.1, seed=0,
                          workers=1, time_limit=1.0, ortools_version="test", input_hash="0" * 64,
                          span_start=date(2023, 9, 1), span_end=date(2023, 12, 29), current=True)
    session.add(timetable)
    session.flush()
    for slot, row in enumerate(rows):
        session.add(StoredPlacement(
            timetable_id=timetable.id, uid=row.uid, task=row.uid.split("#")[0], class_name=row.class_name,
            activity=row.series or "other", title=row.title, direction=row.direction, kind=row.kind,
            series=row.series, day=row.day, slot=slot % 3, start_time=row.start, end_time=row.end, hours=1,
            staff=row.staff, venue=row.venue, item_ref=None, item_id=row.item_id,
        ))
