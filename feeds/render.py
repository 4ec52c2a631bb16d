"""FeedContent → iCalendar bytes (RFC 5545 with the RFC 7986 calendar properties), via icalendar 7.

Written for what real subscribing clients do, not only for the RFC:

- every timed value carries TZID and the calendar holds its VTIMEZONE, since
  Google reads floating times as UTC. The VTIMEZONE starts at a recent
  `first_date`: icalendar's default history from 1970 is written with RDATEs
  that vobject (and reportedly Outlook) read an hour off. Zones are added in
  sorted order, and `add_missing_timezones()` is not used because its order
  changes between runs;
- UID and DTSTAMP are always passed (`Event.new()` would invent a random UID
  and stamp the current time), DTSTAMP being the record's last change, so the
  same content gives the same bytes, and so the same ETag, in every process;
- EXDATE has DTSTART's value type and zone (Nextcloud ignores a date-only
  EXDATE on a timed series); SEQUENCE comes from the content so an edited
  event's new time is taken by clients;
- deadlines are all-day VEVENTs unless the subscriber asked for VTODO only,
  because Google, iOS and Nextcloud do not show VTODO from a subscription;
- SUMMARY is at most 120 characters, cut at a word with «…» (phones show one
  line; roadmap titles run to 300 characters), and the full title then opens
  DESCRIPTION;
- a VTODO's DTSTART is written only when it is before DUE (RFC 5545 §3.8.2.3:
  DUE must be later than DTSTART), and a completed one carries COMPLETED;
- REFRESH-INTERVAL and X-PUBLISHED-TTL are written as real durations (PT6H);
- text is sanitised of control characters that RFC 5545 forbids in TEXT and
  then escaped and folded by icalendar (commas, semicolons, newlines, lines
  over 75 octets on UTF-8 character boundaries).
"""

from __future__ import annotations

import functools
import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, Timezone, Todo, vDuration, vText
from icalendar import __version__ as icalendar_version
from icalendar.enums import STATUS, TRANSP

from feeds.model import AllDayWindow, Deadline, FeedContent, FeedOptions, TimedEvent, WeeklySeries
from tracking.values import OccurrenceStatus
from tracking.wording import cut

PRODID = "-//profplan//Календари профориентации//RU"
# Part of every cached feed's content hash: change it whenever the output for
# the same content changes, so stored feeds are rendered again.
FORMAT = f"profplan-feed-2/icalendar-{icalendar_version}"
# Longest SUMMARY written; a longer title is cut at a word and given whole in DESCRIPTION.
SUMMARY_MAX = 120
# VALARMs fire at this local hour, `reminder_days` before a deadline.
REMINDER_HOUR = 9
# C0 controls other than TAB and LF (and DEL) are not allowed in TEXT values.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

_TODO_STATUS = {OccurrenceStatus.OPEN: STATUS.NEEDS_ACTION, OccurrenceStatus.DONE: STATUS.COMPLETED,
                OccurrenceStatus.CANCELLED: STATUS.CANCELLED}
_DEADLINE_PREFIX = {"open": "Срок", "done": "Выполнено", "cancelled": "Отменено"}


def clean_text(text: str) -> str:
    """Text fit for a TEXT value: CR LF and lone CR become LF, other control characters are dropped."""
    return _CONTROL_RE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def todo_uid(deadline: Deadline) -> str:
    """The VTODO's UID: differs from the deadline VEVENT's, as one UID must name one component."""
    return f"todo-{deadline.uid}"


def render_calendar(content: FeedContent, options: FeedOptions) -> bytes:
    """The whole feed as iCalendar bytes: CRLF lines, UTF-8, folded, deterministic for equal input.

    Each component is serialised on its own and kept (by its value, which
    includes its revision): a school's forty feeds share most of their
    components, and serialising is what a build spends its time on. The
    calendar is its properties, then the components' bytes in order — the
    same bytes icalendar writes for the whole calendar at once.
    """
    calendar = Calendar.new(prodid=PRODID, calscale="GREGORIAN", method="PUBLISH", uid=content.uid)
    for name in ("NAME", "X-WR-CALNAME"):
        calendar.add(name, vText(clean_text(content.name)))
    for name in ("DESCRIPTION", "X-WR-CALDESC"):
        calendar.add(name, vText(clean_text(content.description)))
    calendar.add("X-WR-TIMEZONE", content.timezone)
    calendar.add("REFRESH-INTERVAL", vDuration(options.refresh), parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", vDuration(options.refresh))
    shell = calendar.to_ical()
    assert shell.endswith(_END), "a calendar's serialisation ends with its END line"

    parts = [shell[: -len(_END)]]
    parts += [_timezone_bytes(*span) for span in _timezone_spans(content)]
    parts += [_event_bytes(event) for event in sorted(content.events, key=lambda item: (item.start, item.uid))]
    parts += [_series_bytes(series) for series in sorted(content.series, key=lambda item: (item.first_start, item.uid))]
    parts += [_window_bytes(window) for window in sorted(content.windows, key=lambda item: (item.first_day, item.uid))]
    for deadline in sorted(content.deadlines, key=lambda item: (item.due, item.uid)):
        if options.deadlines_as in ("events", "both"):
            parts.append(_deadline_event_bytes(deadline, options.reminder_days))
        if options.deadlines_as in ("todos", "both"):
            parts.append(_deadline_todo_bytes(deadline, options.reminder_days, content.timezone))
    parts.append(_END)
    return b"".join(parts)


_END = b"END:VCALENDAR\r\n"
# Serialised components kept per process: about a region's worth (25 schools' timetables and deadlines).
_KEPT = 1 << 16


@functools.lru_cache(maxsize=_KEPT)
def _event_bytes(event: TimedEvent) -> bytes:
    return _timed_event(event).to_ical()


@functools.lru_cache(maxsize=_KEPT)
def _series_bytes(series: WeeklySeries) -> bytes:
    return _weekly_series(series).to_ical()


@functools.lru_cache(maxsize=_KEPT)
def _window_bytes(window: AllDayWindow) -> bytes:
    return _window(window).to_ical()


@functools.lru_cache(maxsize=_KEPT)
def _deadline_event_bytes(deadline: Deadline, reminder_days: int) -> bytes:
    return _deadline_event(deadline, reminder_days).to_ical()


@functools.lru_cache(maxsize=_KEPT)
def _deadline_todo_bytes(deadline: Deadline, reminder_days: int, timezone: str) -> bytes:
    return _deadline_todo(deadline, reminder_days, timezone).to_ical()


def summary_and_description(title: str, description: str) -> tuple[str, str]:
    """SUMMARY of at most SUMMARY_MAX characters; when the title had to be cut, DESCRIPTION begins with it whole."""
    clean = " ".join(clean_text(title).split())
    short = cut(clean, SUMMARY_MAX)
    if short == clean or clean in description:
        return short, description
    return short, f"{clean}\n\n{description}" if description else clean


def _timezone_spans(content: FeedContent) -> list[tuple[str, int, int]]:
    """(TZID, first year, last year) of each zone used, sorted by TZID: the VTIMEZONEs the calendar needs."""
    spans: dict[str, list[datetime]] = {}
    for event in content.events:
        spans.setdefault(event.timezone, []).extend((event.start, event.end))
    for series in content.series:
        spans.setdefault(series.timezone, []).extend((series.first_start, series.last_start + series.duration))
    return [(tzid, min(moments).year, max(moments).year) for tzid, moments in sorted(spans.items())]


@functools.lru_cache(maxsize=64)
def _timezone_bytes(tzid: str, first_year: int, last_year: int) -> bytes:
    """A VTIMEZONE from 1 January of the first year used, with two years' margin after the last.

    Building one scans the zone's transitions, so its bytes are kept.
    """
    zone = Timezone.from_tzid(tzid, first_date=date(first_year, 1, 1), last_date=date(last_year + 2, 1, 1))
    return zone.to_ical()


def _stamped(component: Event | Todo, last_modified: datetime, sequence: int) -> None:
    """LAST-MODIFIED and SEQUENCE; DTSTAMP, the same instant, is given to `new()`."""
    component.LAST_MODIFIED = last_modified
    component.add("SEQUENCE", sequence)


def _new_event(uid: str, title: str, start: date | datetime, end: date | datetime, *,
               last_modified: datetime, sequence: int, description: str = "", location: str = "",
               status: STATUS = STATUS.CONFIRMED, transparent: bool = False) -> Event:
    summary, full = summary_and_description(title, clean_text(description))
    event = Event.new(
        uid=uid,
        summary=summary,
        start=start,
        end=end,
        stamp=last_modified,
        description=full or None,
        location=clean_text(location) or None,
        status=status,
        transparency=TRANSP.TRANSPARENT if transparent else TRANSP.OPAQUE,
    )
    _stamped(event, last_modified, sequence)
    return event


def _timed_event(event: TimedEvent) -> Event:
    zone = ZoneInfo(event.timezone)
    return _new_event(
        event.uid,
        event.title,
        event.start.replace(tzinfo=zone),
        event.end.replace(tzinfo=zone),
        last_modified=event.last_modified,
        sequence=event.sequence,
        description=event.description,
        location=event.location,
        status=STATUS.CANCELLED if event.cancelled else STATUS.CONFIRMED,
    )


def _weekly_series(series: WeeklySeries) -> Event:
    """One VEVENT with RRULE;FREQ=WEEKLY and EXDATEs at DTSTART's local time and zone."""
    zone = ZoneInfo(series.timezone)
    start = series.first_start.replace(tzinfo=zone)
    event = _new_event(
        series.uid,
        series.title,
        start,
        start + series.duration,
        last_modified=series.last_modified,
        sequence=series.sequence,
        description=series.description,
        location=series.location,
    )
    until = series.last_start.replace(tzinfo=zone).astimezone(UTC)
    event.add("RRULE", {"FREQ": "WEEKLY", "BYDAY": _BYDAY[series.weekday], "UNTIL": until})
    if series.exdates:
        time_of_day = series.first_start.time()
        event.add("EXDATE", [datetime.combine(day, time_of_day, zone) for day in sorted(series.exdates)])
    return event


_BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _window(window: AllDayWindow) -> Event:
    """An all-day event; DTEND is exclusive in iCalendar, hence the day after `last_day`."""
    return _new_event(
        window.uid,
        window.title,
        window.first_day,
        window.last_day + timedelta(days=1),
        last_modified=window.last_modified,
        sequence=window.sequence,
        description=window.description,
        transparent=True,
    )


def _deadline_title(deadline: Deadline) -> str:
    return f"{_DEADLINE_PREFIX[deadline.status]}: {deadline.title}"


def _deadline_event(deadline: Deadline, reminder_days: int) -> Event:
    """The deadline as an all-day event on its due date, free time, with a reminder while open."""
    event = _new_event(
        deadline.uid,
        _deadline_title(deadline),
        deadline.due,
        deadline.due + timedelta(days=1),
        last_modified=deadline.last_modified,
        sequence=deadline.sequence,
        description=deadline.description,
        status=STATUS.CANCELLED if deadline.status == OccurrenceStatus.CANCELLED else STATUS.CONFIRMED,
        transparent=True,
    )
    _add_reminder(event, deadline, reminder_days, related_to_end=False)
    return event


def _deadline_todo(deadline: Deadline, reminder_days: int, timezone: str) -> Todo:
    """The deadline as a to-do: DUE its date, DTSTART only when earlier, COMPLETED (UTC) once done."""
    summary, full = summary_and_description(_deadline_title(deadline), clean_text(deadline.description))
    todo = Todo.new(
        uid=todo_uid(deadline),
        summary=summary,
        description=full or None,
        stamp=deadline.last_modified,
        start=deadline.start if deadline.start is not None and deadline.start < deadline.due else None,
        status=_TODO_STATUS[deadline.status],
    )
    todo.DUE = deadline.due
    if deadline.completed_on is not None:
        # COMPLETED is a UTC DATE-TIME: the start of the day it was marked done, in the feed's zone.
        todo.add("COMPLETED", datetime.combine(deadline.completed_on, time(0), ZoneInfo(timezone)).astimezone(UTC))
    _stamped(todo, deadline.last_modified, deadline.sequence)
    _add_reminder(todo, deadline, reminder_days, related_to_end=True)
    return todo


def _add_reminder(component: Event | Todo, deadline: Deadline, reminder_days: int, *, related_to_end: bool) -> None:
    """A DISPLAY alarm at REMINDER_HOUR local time `reminder_days` before an open deadline.

    The trigger is relative to the due date's midnight: DTSTART of the
    all-day event, or DUE of the to-do (RELATED=END). Done and cancelled
    deadlines get none.
    """
    if deadline.status != "open":
        return
    before = timedelta(days=reminder_days) - timedelta(hours=REMINDER_HOUR)
    alarm = Alarm.new_display(
        description=clean_text(f"Срок {deadline.due:%d.%m.%Y}: {deadline.title}"),
        trigger=-before,
    )
    if related_to_end:
        alarm.TRIGGER_RELATED = "END"
    component.add_component(alarm)
