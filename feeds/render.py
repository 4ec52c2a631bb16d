"""FeedContent → iCalendar bytes (RFC 5545 with the RFC 7986 calendar properties).

Written for what real subscribing clients do, not only for the RFC:

- every timed value carries TZID and the calendar holds its VTIMEZONE, since
  Google reads floating times as UTC. The VTIMEZONE (built by icalendar 7)
  starts at a recent `first_date`: icalendar's default history from 1970 is
  written with RDATEs that vobject (and reportedly Outlook) read an hour off.
  Zones are added in sorted order;
- UID and DTSTAMP always come from the content, DTSTAMP being the record's
  last change, so the same content gives the same bytes, and so the same
  ETag, in every process;
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
  then escaped and folded (`feeds.contentlines`: commas, semicolons,
  newlines, lines over 75 octets on UTF-8 character boundaries).

Components are written here, line by line, rather than built as icalendar
objects: icalendar spent most of a region's build time on them. The lines
and their order are the ones icalendar 7 writes (its canonical order for
VCALENDAR and VEVENT, then alphabetical; VTODO and VALARM alphabetical), and
tests/test_feeds_writer.py checks that the bytes are equal.
"""

from __future__ import annotations

import functools
import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Timezone
from icalendar import __version__ as icalendar_version

from feeds.contentlines import component, date_property, duration_value, escape_text, fold, local_value, utc_value
from feeds.model import AllDayWindow, Deadline, FeedContent, FeedOptions, TimedEvent, WeeklySeries
from tracking.values import OccurrenceStatus
from tracking.wording import cut

PRODID = "-//profplan//Календари профориентации//RU"
# Part of every cached feed's content hash: change it whenever the output for
# the same content changes, so stored feeds are rendered again.
FORMAT = f"profplan-feed-3/icalendar-{icalendar_version}"
# Longest SUMMARY written; a longer title is cut at a word and given whole in DESCRIPTION.
SUMMARY_MAX = 120
# VALARMs fire at this local hour, `reminder_days` before a deadline.
REMINDER_HOUR = 9
# C0 controls other than TAB and LF (and DEL) are not allowed in TEXT values.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

_TODO_STATUS = {OccurrenceStatus.OPEN: "NEEDS-ACTION", OccurrenceStatus.DONE: "COMPLETED",
                OccurrenceStatus.CANCELLED: "CANCELLED"}
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
    components. The calendar is its properties, then the components' bytes
    in order.
    """
    refresh = duration_value(options.refresh)
    name, description = escape_text(clean_text(content.name)), escape_text(clean_text(content.description))
    shell = [
        "VERSION:2.0",
        f"PRODID:{escape_text(PRODID)}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"DESCRIPTION:{description}",
        f"X-WR-CALDESC:{description}",
        f"NAME:{name}",
        f"X-WR-CALNAME:{name}",
        f"REFRESH-INTERVAL;VALUE=DURATION:{refresh}",
        f"UID:{escape_text(content.uid)}",
        f"X-PUBLISHED-TTL:{refresh}",
        f"X-WR-TIMEZONE:{escape_text(content.timezone)}",
    ]
    parts = [_BEGIN, *map(fold, shell)]
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


_BEGIN, _END = b"BEGIN:VCALENDAR\r\n", b"END:VCALENDAR\r\n"
# Serialised components kept per process: about a region's worth (25 schools' timetables and deadlines).
_KEPT = 1 << 16


@functools.lru_cache(maxsize=_KEPT)
def _event_bytes(event: TimedEvent) -> bytes:
    """A session or meeting at its local time; a cancelled one stays in the feed with STATUS:CANCELLED."""
    zone = event.timezone
    return _vevent(
        event.uid, event.title, date_property("DTSTART", event.start, zone), date_property("DTEND", event.end, zone),
        last_modified=event.last_modified, sequence=event.sequence, description=event.description,
        location=event.location, status="CANCELLED" if event.cancelled else "CONFIRMED",
    )


@functools.lru_cache(maxsize=_KEPT)
def _series_bytes(series: WeeklySeries) -> bytes:
    """One VEVENT with RRULE;FREQ=WEEKLY (UNTIL in UTC, RFC 5545 §3.3.10) and EXDATEs at DTSTART's local time and zone."""
    zone = series.timezone
    until = utc_value(series.last_start.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC))
    recurrence = [f"RRULE:FREQ=WEEKLY;UNTIL={until};BYDAY={_BYDAY[series.weekday]}"]
    if series.exdates:
        time_of_day = series.first_start.time()
        days = ",".join(local_value(datetime.combine(day, time_of_day)) for day in sorted(series.exdates))
        recurrence.append(f"EXDATE;TZID={zone}:{days}")
    return _vevent(
        series.uid, series.title, date_property("DTSTART", series.first_start, zone),
        date_property("DTEND", series.first_start + series.duration, zone), recurrence=recurrence,
        last_modified=series.last_modified, sequence=series.sequence, description=series.description,
        location=series.location,
    )


_BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@functools.lru_cache(maxsize=_KEPT)
def _window_bytes(window: AllDayWindow) -> bytes:
    """An all-day event, free time; DTEND is exclusive in iCalendar, hence the day after `last_day`."""
    return _vevent(
        window.uid, window.title, date_property("DTSTART", window.first_day),
        date_property("DTEND", window.last_day + timedelta(days=1)), last_modified=window.last_modified,
        sequence=window.sequence, description=window.description, transparent=True,
    )


@functools.lru_cache(maxsize=_KEPT)
def _deadline_event_bytes(deadline: Deadline, reminder_days: int) -> bytes:
    """The deadline as an all-day event on its due date, free time, with a reminder while open."""
    return _vevent(
        deadline.uid, _deadline_title(deadline), date_property("DTSTART", deadline.due),
        date_property("DTEND", deadline.due + timedelta(days=1)), last_modified=deadline.last_modified,
        sequence=deadline.sequence, description=deadline.description,
        status="CANCELLED" if deadline.status == OccurrenceStatus.CANCELLED else "CONFIRMED", transparent=True,
        alarm=_alarm(deadline, reminder_days, related_to_end=False),
    )


@functools.lru_cache(maxsize=_KEPT)
def _deadline_todo_bytes(deadline: Deadline, reminder_days: int, timezone: str) -> bytes:
    """The deadline as a to-do: DUE its date, DTSTART only when earlier, COMPLETED (UTC) once done.

    Properties in alphabetical order (icalendar's for VTODO).
    """
    summary, full = summary_and_description(_deadline_title(deadline), clean_text(deadline.description))
    stamp = utc_value(deadline.last_modified)
    lines = []
    if deadline.completed_on is not None:
        # COMPLETED is a UTC DATE-TIME: the start of the day it was marked done, in the feed's zone.
        completed = datetime.combine(deadline.completed_on, time(0), ZoneInfo(timezone))
        lines.append(f"COMPLETED:{utc_value(completed)}")
    if full:
        lines.append(f"DESCRIPTION:{escape_text(full)}")
    lines.append(f"DTSTAMP:{stamp}")
    if deadline.start is not None and deadline.start < deadline.due:
        lines.append(date_property("DTSTART", deadline.start))
    lines += [
        date_property("DUE", deadline.due),
        f"LAST-MODIFIED:{stamp}",
        f"SEQUENCE:{deadline.sequence}",
        f"STATUS:{_TODO_STATUS[deadline.status]}",
        f"SUMMARY:{escape_text(summary)}",
        f"UID:{escape_text(todo_uid(deadline))}",
    ]
    return component("VTODO", lines, _alarm(deadline, reminder_days, related_to_end=True))


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


def _vevent(uid: str, title: str, start: str, end: str, *, last_modified: datetime, sequence: int,
            recurrence: list[str] | None = None, description: str = "", location: str = "",
            status: str = "CONFIRMED", transparent: bool = False, alarm: bytes = b"") -> bytes:
    """A VEVENT from its DTSTART and DTEND lines, in icalendar's order: its canonical order, then alphabetical."""
    summary, full = summary_and_description(title, clean_text(description))
    stamp = utc_value(last_modified)
    lines = [f"SUMMARY:{escape_text(summary)}", start, end, f"DTSTAMP:{stamp}", f"UID:{escape_text(uid)}",
             f"SEQUENCE:{sequence}", *(recurrence or ())]
    if full:
        lines.append(f"DESCRIPTION:{escape_text(full)}")
    lines.append(f"LAST-MODIFIED:{stamp}")
    if place := clean_text(location):
        lines.append(f"LOCATION:{escape_text(place)}")
    lines += [f"STATUS:{status}", f"TRANSP:{'TRANSPARENT' if transparent else 'OPAQUE'}"]
    return component("VEVENT", lines, alarm)


def _deadline_title(deadline: Deadline) -> str:
    return f"{_DEADLINE_PREFIX[deadline.status]}: {deadline.title}"


def _alarm(deadline: Deadline, reminder_days: int, *, related_to_end: bool) -> bytes:
    """A DISPLAY alarm at REMINDER_HOUR local time `reminder_days` before an open deadline; none once it is not.

    The trigger is relative to the due date's midnight: DTSTART of the
    all-day event, or DUE of the to-do (RELATED=END, RFC 5545 §3.2.14).
    """
    if deadline.status != "open":
        return b""
    before = timedelta(days=reminder_days) - timedelta(hours=REMINDER_HOUR)
    description = escape_text(clean_text(f"Срок {deadline.due:%d.%m.%Y}: {deadline.title}"))
    trigger = "TRIGGER;RELATED=END" if related_to_end else "TRIGGER"
    return component("VALARM", ["ACTION:DISPLAY", f"DESCRIPTION:{description}", f"{trigger}:{duration_value(-before)}"])
