"""What a feed shows, as plain values: no database and no iCalendar in here.

`collect` fills these from the store and `render` turns them into bytes, so
the renderer can be tested (and benchmarked) with content built by hand, and
the same content always renders to the same bytes. Local times are naive
wall-clock values with the zone named next to them, because that is what a
timetable says ("Thursday 14:20 in Chelyabinsk") and what iCalendar writes
(`DTSTART;TZID=Asia/Yekaterinburg:…`); `last_modified` is the only absolute
instant (UTC), since it becomes DTSTAMP and LAST-MODIFIED.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal, get_args

from calendars.errors import ProfplanError
from tracking.values import OccurrenceStatus

DeadlinesAs = Literal["events", "todos", "both"]

DEADLINES_AS: tuple[str, ...] = get_args(DeadlinesAs)
# The revision a collector puts on components; the cache stamps the real
# SEQUENCE and last change (see feeds.cache.stamp_revisions).
UNSTAMPED = datetime(1970, 1, 1, tzinfo=UTC)


class FeedOptionsError(ProfplanError):
    """Subscription options a user gave that cannot be used."""


def _require_utc(value: datetime, what: str) -> None:
    if value.utcoffset() != timedelta(0):
        raise ValueError(f"{what} must be an aware UTC datetime, got {value!r}")


def _require_naive(value: datetime, what: str) -> None:
    if value.tzinfo is not None:
        raise ValueError(f"{what} must be a naive local datetime, got {value!r}")


@dataclass(frozen=True)
class TimedEvent:
    """One placed session, meeting or event at a local time in a named zone."""

    uid: str
    title: str
    start: datetime
    end: datetime
    timezone: str
    last_modified: datetime
    location: str = ""
    description: str = ""
    sequence: int = 0
    cancelled: bool = False

    def __post_init__(self) -> None:
        _require_naive(self.start, "start")
        _require_naive(self.end, "end")
        _require_utc(self.last_modified, "last_modified")
        if self.end <= self.start:
            raise ValueError(f"event {self.uid} ends before it starts")


@dataclass(frozen=True)
class WeeklySeries:
    """A weekly course (the Thursday «Россия – мои горизонты») as one recurring event.

    Occurrences are every week from `first_start` up to and including `until`,
    on the weekday and at the time of `first_start`, minus `exdates`. Make-ups
    are not part of the series: they are separate `TimedEvent`s, because
    Google Calendar and Outlook ignore RDATE while every client honours a
    plain event.
    """

    uid: str
    title: str
    first_start: datetime
    duration: timedelta
    until: date
    timezone: str
    last_modified: datetime
    exdates: tuple[date, ...] = ()
    location: str = ""
    description: str = ""
    sequence: int = 0

    def __post_init__(self) -> None:
        _require_naive(self.first_start, "first_start")
        _require_utc(self.last_modified, "last_modified")
        if self.duration <= timedelta(0):
            raise ValueError(f"series {self.uid} has no duration")
        if self.until < self.first_start.date():
            raise ValueError(f"series {self.uid} ends before it starts")
        for day in self.exdates:
            if day.weekday() != self.weekday or not self.first_start.date() <= day <= self.until:
                raise ValueError(f"series {self.uid}: {day} is not one of its days")

    @property
    def weekday(self) -> int:
        return self.first_start.weekday()

    @property
    def last_start(self) -> datetime:
        """The start of the last week's occurrence (whether or not it is excluded)."""
        weeks = (self.until - self.first_start.date()).days // 7
        return self.first_start + timedelta(weeks=weeks)

    def starts(self) -> list[datetime]:
        """The local start of every occurrence that takes place, in order."""
        skipped = set(self.exdates)
        weeks = (self.until - self.first_start.date()).days // 7
        every = (self.first_start + timedelta(weeks=week) for week in range(weeks + 1))
        return [start for start in every if start.date() not in skipped]


@dataclass(frozen=True)
class AllDayWindow:
    """A period such as «Неделя без турникетов», shown as one all-day event; `last_day` is included."""

    uid: str
    title: str
    first_day: date
    last_day: date
    last_modified: datetime
    description: str = ""
    sequence: int = 0

    def __post_init__(self) -> None:
        _require_utc(self.last_modified, "last_modified")
        if self.last_day < self.first_day:
            raise ValueError(f"window {self.uid} ends before it starts")


@dataclass(frozen=True)
class Deadline:
    """One due date of a roadmap item; `start` is when work on it may begin, if the roadmap says.

    `completed_on` is the day a done deadline was marked done (VTODO COMPLETED).
    """

    uid: str
    title: str
    due: date
    status: OccurrenceStatus
    last_modified: datetime
    start: date | None = None
    description: str = ""
    sequence: int = 0
    completed_on: date | None = None

    def __post_init__(self) -> None:
        _require_utc(self.last_modified, "last_modified")
        if self.start is not None and self.start > self.due:
            raise ValueError(f"deadline {self.uid} starts after it is due")
        if self.completed_on is not None and self.status != "done":
            raise ValueError(f"deadline {self.uid} is completed but not done")


@dataclass(frozen=True)
class FeedContent:
    """Everything one subscription's calendar holds, with its name and description in Russian."""

    uid: str
    name: str
    description: str
    timezone: str
    events: tuple[TimedEvent, ...] = ()
    series: tuple[WeeklySeries, ...] = ()
    windows: tuple[AllDayWindow, ...] = ()
    deadlines: tuple[Deadline, ...] = ()

    def __post_init__(self) -> None:
        uids = [item.uid for group in (self.events, self.series, self.windows, self.deadlines) for item in group]
        if len(set(uids)) != len(uids):
            raise ValueError(f"feed {self.uid} repeats a UID")


@dataclass(frozen=True)
class FeedOptions:
    """How a subscriber wants the feed written; stored as JSON on the subscription.

    Deadlines default to all-day events because Google Calendar, iOS Calendar
    and Nextcloud do not show VTODO from a subscription. The reminder is a
    VALARM at 09:00 `reminder_days` before the due date, for the clients that
    keep alarms (most drop them, which is why e-mail alerts exist).
    """

    deadlines_as: DeadlinesAs = "events"
    reminder_days: int = 1
    refresh: timedelta = field(default=timedelta(hours=6))

    def __post_init__(self) -> None:
        if self.deadlines_as not in DEADLINES_AS:
            raise FeedOptionsError(
                f"Неверный вид сроков «{self.deadlines_as}»: допустимы {', '.join(DEADLINES_AS)}."
            )
        if not 1 <= self.reminder_days <= 60:
            raise FeedOptionsError(f"Напоминание за {self.reminder_days} дн.: допустимо от 1 до 60 дней.")
        if not timedelta(minutes=15) <= self.refresh <= timedelta(days=7):
            raise FeedOptionsError("Интервал обновления календаря: допустимо от 15 минут до 7 дней.")

    def to_json(self) -> dict[str, Any]:
        return {
            "deadlines_as": self.deadlines_as,
            "reminder_days": self.reminder_days,
            "refresh_minutes": int(self.refresh.total_seconds() // 60),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FeedOptions:
        default = cls()
        return cls(
            deadlines_as=data.get("deadlines_as", default.deadlines_as),
            reminder_days=int(data.get("reminder_days", default.reminder_days)),
            refresh=timedelta(minutes=int(data.get("refresh_minutes", default.refresh.total_seconds() // 60))),
        )
