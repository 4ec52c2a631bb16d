"""The content-line writer (feeds/contentlines.py) gives the bytes icalendar 7 gives, and parsers read them back.

`icalendar_calendar` below builds the same feed the way the renderer did
before it wrote lines itself — icalendar objects, serialised as one
calendar — so every difference in order, escaping, value format or folding
shows as unequal bytes. Text with a literal backslash-N is the one place the
writer departs from icalendar on purpose (icalendar writes a line break);
there the three readers must get the text back as it was.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject
from feeds_helpers import CHANGED, NASTY, expected_events, expected_todos, read_ical, read_recurring, read_todos, read_vobject, sample_content, timed
from hypothesis import given, settings
from hypothesis import strategies as st
from ical.calendar_stream import IcsCalendarStream
from icalendar import Alarm, Calendar, Event, Timezone, Todo, vDuration, vText
from icalendar.enums import STATUS, TRANSP
from icalendar.parser import Contentline

from feeds.contentlines import LINE_OCTETS, duration_value, escape_text, fold, utc_value
from feeds.model import AllDayWindow, Deadline, FeedContent, FeedOptions, TimedEvent, WeeklySeries
from feeds.render import (
    PRODID,
    REMINDER_HOUR,
    _timezone_spans,
    clean_text,
    render_calendar,
    summary_and_description,
    todo_uid,
)
from tracking.values import OccurrenceStatus

LONG_RUSSIAN = ("Профессиональные пробы, экскурсии на предприятия; встречи с выпускниками колледжей "
                "и вузов Ленинградской области — по плану классного руководителя ") * 3
# Escapes at every offset around the 74-octet fold: a backslash or a comma must never be split from its mate.
ESCAPES_AT_FOLDS = "".join(f"{'я' * n}\\;,\n{'x' * n}" for n in range(12))


def tricky_content() -> FeedContent:
    """Every kind of component and value the renderer writes, with text that must be escaped and folded."""
    berlin = "Europe/Berlin"
    return FeedContent(
        uid="feed-tricky, №2; \\ok@profplan",
        name=LONG_RUSSIAN[:150],
        description="",
        timezone="Europe/Moscow",
        events=(
            timed("e-long", datetime(2024, 2, 1, 9, 5, 30), 45, title=LONG_RUSSIAN, description=ESCAPES_AT_FOLDS,
                  location="Кабинет 12, корпус «Б»; вход со двора 🚪" * 3, sequence=7),
            timed("e-escape", datetime(2024, 2, 2, 23, 30), 90, berlin, title="a\\b;c,d\ne" * 9,
                  description=NASTY, cancelled=True),
            *(timed(f"e-pad{n}", datetime(2024, 3, 1, 10), 40, title=" ".join(["x" * n, "🚀ёж\\" * 30]))
              for n in range(4)),
        ),
        series=(
            WeeklySeries("s-dst", "Курс", datetime(2024, 3, 4, 8, 0), timedelta(hours=1, minutes=30), date(2024, 11, 4),
                         berlin, CHANGED, exdates=(date(2024, 3, 25), date(2024, 10, 28), date(2024, 4, 1)),
                         location="Зал", description=LONG_RUSSIAN, sequence=1),
            WeeklySeries("s-plain", "Россия – мои горизонты", datetime(2023, 9, 7, 14, 20), timedelta(minutes=40),
                         date(2024, 5, 23), "Asia/Yekaterinburg", CHANGED + timedelta(seconds=1, microseconds=5)),
        ),
        windows=(AllDayWindow("w-long", LONG_RUSSIAN, date(2024, 4, 1), date(2024, 4, 30), CHANGED,
                              description="Окно, в которое; класс\\участвует"),),
        deadlines=(
            Deadline("d-open", LONG_RUSSIAN, date(2024, 5, 31), OccurrenceStatus.OPEN, CHANGED, start=date(2024, 5, 1),
                     description="Отчёт; формат «xlsx», 2 листа"),
            Deadline("d-same-day", "Срок в день начала", date(2024, 6, 3), OccurrenceStatus.OPEN, CHANGED,
                     start=date(2024, 6, 3)),
            Deadline("d-done", "Сделано, отмечено", date(2024, 1, 20), OccurrenceStatus.DONE, CHANGED, sequence=4,
                     completed_on=date(2024, 1, 18)),
            Deadline("d-cancelled", "Отменено; без переноса", date(2024, 2, 20), OccurrenceStatus.CANCELLED, CHANGED),
        ),
    )


def icalendar_calendar(content: FeedContent, options: FeedOptions) -> bytes:
    """The feed built from icalendar objects and serialised by icalendar, as the renderer did up to now."""
    calendar = Calendar.new(prodid=PRODID, calscale="GREGORIAN", method="PUBLISH", uid=content.uid)
    for name in ("NAME", "X-WR-CALNAME"):
        calendar.add(name, vText(clean_text(content.name)))
    for name in ("DESCRIPTION", "X-WR-CALDESC"):
        calendar.add(name, vText(clean_text(content.description)))
    calendar.add("X-WR-TIMEZONE", content.timezone)
    calendar.add("REFRESH-INTERVAL", vDuration(options.refresh), parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", vDuration(options.refresh))
    for tzid, first, last in _timezone_spans(content):
        calendar.add_component(Timezone.from_tzid(tzid, first_date=date(first, 1, 1), last_date=date(last + 2, 1, 1)))
    for event in sorted(content.events, key=lambda item: (item.start, item.uid)):
        calendar.add_component(_timed_event(event))
    for series in sorted(content.series, key=lambda item: (item.first_start, item.uid)):
        calendar.add_component(_weekly_series(series))
    for window in sorted(content.windows, key=lambda item: (item.first_day, item.uid)):
        calendar.add_component(_new_event(window.uid, window.title, window.first_day, window.last_day + timedelta(days=1),
                                          window.last_modified, window.sequence, window.description, transparent=True))
    for deadline in sorted(content.deadlines, key=lambda item: (item.due, item.uid)):
        if options.deadlines_as in ("events", "both"):
            calendar.add_component(_deadline_event(deadline, options.reminder_days))
        if options.deadlines_as in ("todos", "both"):
            calendar.add_component(_deadline_todo(deadline, options.reminder_days, content.timezone))
    return calendar.to_ical()


def _new_event(uid: str, title: str, start: date | datetime, end: date | datetime, last_modified: datetime,
               sequence: int, description: str = "", location: str = "", status: STATUS = STATUS.CONFIRMED,
               transparent: bool = False) -> Event:
    summary, full = summary_and_description(title, clean_text(description))
    event = Event.new(uid=uid, summary=summary, start=start, end=end, stamp=last_modified, description=full or None,
                      location=clean_text(location) or None, status=status,
                      transparency=TRANSP.TRANSPARENT if transparent else TRANSP.OPAQUE)
    event.LAST_MODIFIED = last_modified
    event.add("SEQUENCE", sequence)
    return event


def _timed_event(event: TimedEvent) -> Event:
    zone = ZoneInfo(event.timezone)
    return _new_event(event.uid, event.title, event.start.replace(tzinfo=zone), event.end.replace(tzinfo=zone),
                      event.last_modified, event.sequence, event.description, event.location,
                      STATUS.CANCELLED if event.cancelled else STATUS.CONFIRMED)


def _weekly_series(series: WeeklySeries) -> Event:
    zone = ZoneInfo(series.timezone)
    start = series.first_start.replace(tzinfo=zone)
    event = _new_event(series.uid, series.title, start, start + series.duration, series.last_modified, series.sequence,
                       series.description, series.location)
    byday = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[series.weekday]
    event.add("RRULE", {"FREQ": "WEEKLY", "BYDAY": byday, "UNTIL": series.last_start.replace(tzinfo=zone).astimezone(UTC)})
    if series.exdates:
        event.add("EXDATE", [datetime.combine(day, series.first_start.time(), zone) for day in sorted(series.exdates)])
    return event


def _deadline_title(deadline: Deadline) -> str:
    return f"{ {'open': 'Срок', 'done': 'Выполнено', 'cancelled': 'Отменено'}[deadline.status]}: {deadline.title}"


def _deadline_event(deadline: Deadline, reminder_days: int) -> Event:
    event = _new_event(deadline.uid, _deadline_title(deadline), deadline.due, deadline.due + timedelta(days=1),
                       deadline.last_modified, deadline.sequence, deadline.description,
                       status=STATUS.CANCELLED if deadline.status == "cancelled" else STATUS.CONFIRMED, transparent=True)
    _add_reminder(event, deadline, reminder_days, related_to_end=False)
    return event


def _deadline_todo(deadline: Deadline, reminder_days: int, timezone: str) -> Todo:
    summary, full = summary_and_description(_deadline_title(deadline), clean_text(deadline.description))
    statuses = {"open": STATUS.NEEDS_ACTION, "done": STATUS.COMPLETED, "cancelled": STATUS.CANCELLED}
    todo = Todo.new(uid=todo_uid(deadline), summary=summary, description=full or None, stamp=deadline.last_modified,
                    start=deadline.start if deadline.start is not None and deadline.start < deadline.due else None,
                    status=statuses[deadline.status])
    todo.DUE = deadline.due
    if deadline.completed_on is not None:
        todo.add("COMPLETED", datetime.combine(deadline.completed_on, time(0), ZoneInfo(timezone)).astimezone(UTC))
    todo.LAST_MODIFIED = deadline.last_modified
    todo.add("SEQUENCE", deadline.sequence)
    _add_reminder(todo, deadline, reminder_days, related_to_end=True)
    return todo


def _add_reminder(component: Event | Todo, deadline: Deadline, reminder_days: int, *, related_to_end: bool) -> None:
    if deadline.status != "open":
        return
    before = timedelta(days=reminder_days) - timedelta(hours=REMINDER_HOUR)
    alarm = Alarm.new_display(description=clean_text(f"Срок {deadline.due:%d.%m.%Y}: {deadline.title}"), trigger=-before)
    if related_to_end:
        alarm.TRIGGER_RELATED = "END"
    component.add_component(alarm)


OPTIONS = [
    FeedOptions(),
    FeedOptions(deadlines_as="both", reminder_days=3, refresh=timedelta(minutes=15)),
    FeedOptions(deadlines_as="todos", reminder_days=60, refresh=timedelta(days=7)),
    FeedOptions(deadlines_as="both", reminder_days=1, refresh=timedelta(hours=1, minutes=30)),
]


@pytest.mark.parametrize("options", OPTIONS, ids=lambda options: f"{options.deadlines_as}-{options.reminder_days}")
def test_a_feed_is_byte_for_byte_what_icalendar_writes(options: FeedOptions) -> None:
    for content in (tricky_content(), sample_content(), FeedContent("feed-empty", "Пусто", "", "Europe/Moscow")):
        assert render_calendar(content, options) == icalendar_calendar(content, options)


def test_long_escaped_text_is_folded_on_characters_and_read_back_by_every_parser() -> None:
    content = tricky_content()
    data = render_calendar(content, FeedOptions(deadlines_as="both"))
    physical = data.split(b"\r\n")
    assert max(len(line) for line in physical) == LINE_OCTETS + 1 and all(len(line) <= 75 for line in physical)
    for line in physical:
        line.decode("utf-8")  # each physical line on its own: no character is split
    for reader in (read_recurring, read_vobject, read_ical):
        assert reader(data) == expected_events(content)
    assert read_todos(data) == expected_todos(content)
    event = next(e for e in icalendar.Calendar.from_ical(data).walk("VEVENT") if e["UID"] == "e-long")
    assert str(event["DESCRIPTION"]).endswith(clean_text(ESCAPES_AT_FOLDS))
    assert str(event["LOCATION"]) == "Кабинет 12, корпус «Б»; вход со двора 🚪" * 3
    strict = {e.uid: e for e in IcsCalendarStream.calendar_from_ics(data.decode()).events}
    assert strict["e-escape"].description == clean_text(NASTY)
    assert vobject.readOne(data.decode(), validate=True).x_wr_calname.value == LONG_RUSSIAN[:150]
    assert str(icalendar.Calendar.from_ical(data)["UID"]) == "feed-tricky, №2; \\ok@profplan"


def test_a_backslash_n_in_text_is_kept_as_written_where_icalendar_would_make_a_line_break() -> None:
    title = "Папка C:\\New\\Nagrady, \\n не перенос"
    content = FeedContent("feed-n", "N", "", "Europe/Moscow", events=(timed("e-n", datetime(2024, 2, 1, 9), 45, title=title),))
    data = render_calendar(content, FeedOptions())
    assert b"SUMMARY:\xd0\x9f\xd0\xb0\xd0\xbf\xd0\xba\xd0\xb0 C:\\\\New\\\\Nagrady\\, \\\\n" in data
    assert str(icalendar.Calendar.from_ical(data).walk("VEVENT")[0]["SUMMARY"]) == title
    assert vobject.readOne(data.decode(), validate=True).vevent.summary.value == title
    assert IcsCalendarStream.calendar_from_ics(data.decode()).events[0].summary == title
    assert "\n" in str(icalendar.Calendar.from_ical(icalendar_calendar(content, FeedOptions())).walk("VEVENT")[0]["SUMMARY"])


# Text as feeds hold it: any characters (1- to 4-octet), escapes and newlines dense enough to meet the folds.
TEXT = st.text(st.one_of(st.sampled_from("\\;,\n^:\"ёЯ🚀 a"), st.characters(codec="utf-8", exclude_categories=("Cs",))),
               max_size=400)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_escaping_and_folding_equal_icalendars_and_unfold_to_the_line(text: str) -> None:
    text = text.replace("\\N", "\\ N")  # the one case where icalendar writes something else on purpose
    value = escape_text(text)
    assert value == vText(text).to_ical().decode("utf-8")
    line = f"DESCRIPTION:{value}"
    folded = fold(line)
    assert folded == Contentline(line).to_ical() + b"\r\n"
    physical = folded.split(b"\r\n")
    assert physical[-1] == b"" and all(len(part) <= LINE_OCTETS + 1 for part in physical)
    assert all(part.startswith(b" ") for part in physical[1:-1])
    assert b"".join([physical[0], *(part[1:] for part in physical[1:-1])]).decode("utf-8") == line


@settings(max_examples=300, deadline=None)
@given(st.timedeltas(min_value=timedelta(days=-400), max_value=timedelta(days=400)).map(
    lambda span: span - timedelta(microseconds=span.microseconds)))
def test_durations_equal_icalendars(span: timedelta) -> None:
    assert duration_value(span) == vDuration(span).to_ical().decode()


def test_utc_values_accept_any_aware_moment_and_refuse_naive_ones() -> None:
    moment = datetime(2024, 3, 31, 2, 30, 59, 999999, tzinfo=ZoneInfo("Asia/Yekaterinburg"))
    assert utc_value(moment) == "20240330T213059Z" == utc_value(moment.astimezone(UTC))
    with pytest.raises(ValueError):
        utc_value(datetime(2024, 3, 31, 2, 30))


def test_deadline_variants_are_equal_to_icalendars_one_by_one() -> None:
    """Each deadline alone, so that a difference names the variant (start equal to due, completed, cancelled)."""
    for deadline in tricky_content().deadlines:
        for options in OPTIONS:
            content = FeedContent("f", "F", "d", "Asia/Yekaterinburg", deadlines=(replace(deadline, sequence=9),))
            assert render_calendar(content, options) == icalendar_calendar(content, options), deadline.uid
