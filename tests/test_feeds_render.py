"""The renderer: what three independent readers make of a feed equals the content it was made from."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import icalendar
import pytest
import vobject
from feeds_helpers import (
    CHANGED,
    NASTY,
    expected_events,
    expected_todos,
    read_ical,
    read_recurring,
    read_todos,
    read_vobject,
    sample_content,
    timed,
)
from ical.calendar_stream import IcsCalendarStream

from feeds.model import Deadline, FeedContent, FeedOptions, FeedOptionsError, WeeklySeries
from feeds.render import SUMMARY_MAX, clean_text, render_calendar

READERS = [read_recurring, read_vobject, read_ical]


@pytest.mark.parametrize("reader", READERS, ids=lambda reader: reader.__name__)
@pytest.mark.parametrize("deadlines_as", ["events", "todos", "both"])
def test_every_reader_expands_exactly_the_source(reader, deadlines_as: str) -> None:
    content = sample_content()
    data = render_calendar(content, FeedOptions(deadlines_as=deadlines_as))
    assert reader(data) == expected_events(content, with_deadlines=deadlines_as != "todos")
    assert read_todos(data) == (expected_todos(content) if deadlines_as != "events" else [])


@pytest.mark.parametrize("reader", READERS, ids=lambda reader: reader.__name__)
def test_a_series_across_a_daylight_saving_change_keeps_its_local_time(reader) -> None:
    """Russian zones have no DST today, but the renderer must not depend on that (vobject read old RDATE zones an hour off)."""
    series = WeeklySeries("s-berlin", "Kurs", datetime(2024, 3, 7, 14, 20), timedelta(minutes=45),
                          date(2024, 11, 7), "Europe/Berlin", CHANGED, exdates=(date(2024, 3, 28), date(2024, 10, 31)))
    content = FeedContent("feed-dst", "DST", "", "Europe/Berlin", series=(series,))
    data = render_calendar(content, FeedOptions())
    assert reader(data) == expected_events(content)
    assert {moment.split("T")[1][:14] for _, moment, _ in reader(data)} == {"14:20:00+01:00", "14:20:00+02:00"}


def test_timed_values_carry_tzid_and_one_recent_vtimezone_per_zone_in_sorted_order() -> None:
    data = render_calendar(sample_content(), FeedOptions())
    text = data.decode()
    calendar = icalendar.Calendar.from_ical(data)
    assert [zone.tz_name for zone in calendar.timezones] == ["Asia/Yekaterinburg", "Europe/Kaliningrad", "Europe/Moscow"]
    assert text.index("BEGIN:VTIMEZONE") < text.index("BEGIN:VEVENT")
    for zone in calendar.timezones:
        for part in zone.subcomponents:
            assert part.DTSTART.year >= 2023
            assert "RDATE" not in part
    components = text[text.rindex("END:VTIMEZONE"):]
    timed_lines = [line for line in components.split("\r\n") if re.match(r"(DTSTART|DTEND|EXDATE)[;:].*T\d{6}", line)]
    assert timed_lines and all(";TZID=" in line for line in timed_lines)
    assert not re.search(r"^(DTSTART|DTEND|EXDATE)[^\r]*T\d{6}Z", text, re.MULTILINE)


def test_exdate_has_the_series_value_type_zone_and_time_of_day() -> None:
    text = render_calendar(sample_content(), FeedOptions()).decode()
    assert "DTSTART;TZID=Asia/Yekaterinburg:20230907T142000\r\n" in text
    assert "EXDATE;TZID=Asia/Yekaterinburg:20231102T142000,20240104T142000\r\n" in text
    assert "RRULE:FREQ=WEEKLY;UNTIL=20240523T092000Z;BYDAY=TH\r\n" in text


def test_calendar_name_description_and_refresh_hint_are_real_durations() -> None:
    text = render_calendar(sample_content(), FeedOptions(refresh=timedelta(hours=6))).decode()
    assert "\r\nX-WR-CALNAME:Профминимум: 8А\\; школа № 1\r\n" in text
    calendar = icalendar.Calendar.from_ical(text)
    assert str(calendar["DESCRIPTION"]) == "Занятия, встречи и сроки класса 8А"
    # X- properties are TEXT by default (RFC 5545 3.8.8.2), so they are escaped like DESCRIPTION.
    assert "\r\nX-WR-CALDESC:Занятия\\, встречи" in text
    assert "\r\nREFRESH-INTERVAL;VALUE=DURATION:PT6H\r\n" in text
    assert "\r\nX-PUBLISHED-TTL:PT6H\r\n" in text
    assert "\r\nX-WR-TIMEZONE:Asia/Yekaterinburg\r\n" in text


def test_nasty_text_is_escaped_folded_and_read_back_the_same_by_every_parser() -> None:
    data = render_calendar(sample_content(), FeedOptions())
    assert all(len(line) <= 75 for line in data.split(b"\r\n")), "lines are folded at 75 octets"
    assert b"\n" not in data.replace(b"\r\n", b"") and b"\r" not in data.replace(b"\r\n", b"")
    assert not re.search(rb"[\x00-\x08\x0b-\x1f\x7f]", data.replace(b"\r\n", b""))
    data.decode("utf-8")  # folding never splits a multi-byte character
    wanted = clean_text(NASTY)
    assert "\x07" not in wanted and "\r" not in wanted and wanted.count("\n") == 3

    event = next(e for e in icalendar.Calendar.from_ical(data).walk("VEVENT") if e["UID"] == "p-trial")
    assert (str(event["SUMMARY"]), str(event["LOCATION"]), str(event["DESCRIPTION"])) == ("Занятие p-trial", wanted, wanted)
    parsed = vobject.readOne(data.decode(), validate=True)
    by_uid = {e.uid.value: e for e in parsed.vevent_list}
    # A title longer than SUMMARY_MAX is cut at a word; the whole of it then opens DESCRIPTION.
    short = by_uid["p-online"].summary.value
    assert len(short) <= SUMMARY_MAX and short.endswith("…") and " ".join(wanted.split()).startswith(short[:-1])
    assert by_uid["p-trial"].location.value == wanted and by_uid["p-online"].description.value.startswith(
        " ".join(wanted.split()))
    strict = {e.uid: e for e in IcsCalendarStream.calendar_from_ics(data.decode()).events}
    assert strict["p-trial"].description == wanted and strict["p-online"].summary == short


def test_same_content_gives_identical_bytes_under_different_hash_seeds(tmp_path: Path) -> None:
    """DTSTAMP comes from the content and nothing depends on set or dict order, so every process agrees (one ETag)."""
    script = (
        "import sys; sys.path.insert(0, 'tests')\n"
        "from feeds_helpers import sample_content\n"
        "from feeds.model import FeedOptions\n"
        "from feeds.render import render_calendar\n"
        "sys.stdout.buffer.write(render_calendar(sample_content(), FeedOptions(deadlines_as='both')))\n"
    )
    root = Path(__file__).resolve().parent.parent
    outputs = [
        subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed}).stdout
        for seed in ("1", "4242")
    ]
    assert outputs[0] == outputs[1]
    assert b"DTSTAMP:20230830T091500Z" in outputs[0]
    assert outputs[0] == render_calendar(sample_content(), FeedOptions(deadlines_as="both"))


def test_deadline_statuses_sequences_and_reminders() -> None:
    data = render_calendar(sample_content(), FeedOptions(deadlines_as="both", reminder_days=3))
    calendar = icalendar.Calendar.from_ical(data)
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    todos = {str(t["UID"]): t for t in calendar.walk("VTODO")}
    assert str(events["d-open"]["SUMMARY"]) == "Срок: Провести диагностику; этап 1"
    assert str(events["d-done"]["SUMMARY"]) == "Выполнено: Родительское собрание"
    assert str(events["d-cancelled"]["STATUS"]) == "CANCELLED" and events["d-cancelled"]["SEQUENCE"] == 2
    assert str(events["d-open"]["TRANSP"]) == "TRANSPARENT"
    assert [str(todos[todo_uid_of]["STATUS"]) for todo_uid_of in ("todo-d-open", "todo-d-done", "todo-d-cancelled")] == [
        "NEEDS-ACTION", "COMPLETED", "CANCELLED"]
    assert todos["todo-d-open"].DTSTART == date(2023, 10, 1)
    # Reminders at 09:00 three days before, only while the deadline is open.
    assert [a.TRIGGER for a in events["d-open"].walk("VALARM")] == [-timedelta(days=2, hours=15)]
    assert todos["todo-d-open"].walk("VALARM")[0].TRIGGER_RELATED == "END"
    assert not events["d-done"].walk("VALARM") and not todos["todo-d-cancelled"].walk("VALARM")
    assert str(events["p-cancelled"]["STATUS"]) == "CANCELLED"
    assert events["s-horizons"]["SEQUENCE"] == 3 and events["p-trial"]["SEQUENCE"] == 2


def test_a_changed_event_raises_its_sequence_and_stamp_in_the_output() -> None:
    content = sample_content()
    later = CHANGED + timedelta(days=3)
    moved = replace(content.events[0], start=datetime(2023, 10, 6, 15), end=datetime(2023, 10, 6, 17),
                    sequence=3, last_modified=later)
    data = render_calendar(replace(content, events=(moved, *content.events[1:])), FeedOptions())
    event = next(e for e in icalendar.Calendar.from_ical(data).walk("VEVENT") if e["UID"] == "p-trial")
    assert event["SEQUENCE"] == 3 and event.DTSTAMP == later and event.last_modified == later


def test_empty_feed_is_still_a_valid_calendar() -> None:
    data = render_calendar(FeedContent("feed-empty", "Пусто", "", "Europe/Moscow"), FeedOptions())
    assert vobject.readOne(data.decode(), validate=True).name == "VCALENDAR"
    assert IcsCalendarStream.calendar_from_ics(data.decode()).events == []


def test_model_rejects_inconsistent_values_and_options_speak_russian() -> None:
    with pytest.raises(ValueError):
        WeeklySeries("s", "x", datetime(2023, 9, 7, 14), timedelta(hours=1), date(2024, 5, 23), "Europe/Moscow",
                     CHANGED, exdates=(date(2023, 9, 8),))
    with pytest.raises(ValueError):
        timed("x", datetime(2023, 9, 7, 14), 0)
    with pytest.raises(ValueError):
        Deadline("d", "x", date(2023, 9, 1), "open", CHANGED.replace(tzinfo=None))
    with pytest.raises(FeedOptionsError, match="Неверный вид сроков"):
        FeedOptions(deadlines_as="alarms")  # type: ignore[arg-type]
    options = FeedOptions(deadlines_as="both", reminder_days=2, refresh=timedelta(hours=1))
    assert FeedOptions.from_json(options.to_json()) == options
    assert FeedOptions.from_json({}) == FeedOptions()
