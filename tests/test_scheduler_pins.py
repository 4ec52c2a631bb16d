"""Pins and hand moves: checked against every hard rule, kept by schedule and replan."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from scheduler import pins, service
from scheduler.errors import SchedulingError
from tests import test_scheduler_replan as replanning
from tests.cli_helpers import run
from tests.scheduler_helpers import check_timetable, read_current
from tests.test_scheduler_replan import AS_OF, QUARANTINE, SEED, THIRD_QUARTER

engine = replanning.engine  # the fixture: the small school scheduled for its third quarter


def _movable(engine: Engine) -> list:  # type: ignore[type-arg]
    return sorted((p for p in read_current(engine, "small").placements if not p.series and p.day > QUARANTINE.end),
                  key=lambda p: (p.day, p.uid))


def _where(engine: Engine, uid: str) -> tuple[date, str, bool]:
    row = next(p for p in read_current(engine, "small").placements if p.uid == uid)
    return row.day, row.start_time, row.pinned


def test_pinned_placements_survive_replan_and_schedule(engine: Engine) -> None:
    chosen = _movable(engine)[:3]
    for row in chosen:
        assert pins.pin(engine, "small", row.uid).pinned
    where = {row.uid: (row.day, row.start_time, True) for row in chosen}
    assert service.replan(engine, "small", [QUARANTINE], as_of=AS_OF, time_limit=10, seed=SEED).ok
    assert {uid: _where(engine, uid) for uid in where} == where
    assert service.schedule(engine, "small", *THIRD_QUARTER, time_limit=10, seed=SEED + 1).ok
    assert {uid: _where(engine, uid) for uid in where} == where
    assert check_timetable(read_current(engine, "small")) == []
    unpinned = pins.unpin(engine, "small", chosen[0].uid)
    assert not unpinned.pinned and _where(engine, chosen[0].uid)[2] is False


def test_a_hand_move_goes_only_where_every_hard_rule_holds(engine: Engine) -> None:
    for row in _movable(engine)[:4]:
        options = pins.allowed_moves(engine, "small", row.uid)
        assert options, row.uid
        target = options[len(options) // 2]
        moved = pins.move(engine, "small", row.uid, target)
        assert (moved.day, f"{moved.start:%H:%M}", moved.pinned) == (target.date(), f"{target:%H:%M}", True)
    # The independent checker (no solver code) re-verifies every hard rule of the edited timetable.
    assert check_timetable(read_current(engine, "small")) == []


def test_a_hand_move_is_refused_naming_the_rule(engine: Engine, tmp_path: Path) -> None:
    stored = read_current(engine, "small")
    session = next(p for p in _movable(engine) if p.kind == "session" and p.class_name == "8А")
    meeting = next(p for p in stored.placements if p.kind == "meeting")
    course = next(p for p in stored.placements if p.series and p.kind == "session" and p.class_name == "8А")
    cases = [
        (session.uid, datetime(2024, 2, 24, 14, 20), "24.02.2024 не учебный день класса 8А"),  # a Saturday
        (meeting.uid, datetime.combine(meeting.day, datetime.min.time().replace(hour=14, minute=20)),
         "собрания проводятся в вечернем слоте"),
        (session.uid, datetime.combine(course.day, datetime.strptime(course.start_time, "%H:%M").time()),
         "класс «8А» в это время занят(а)"),
    ]
    for uid, to, rule in cases:
        with pytest.raises(SchedulingError, match=re.escape(rule)):
            pins.move(engine, "small", uid, to)
    with pytest.raises(SchedulingError, match="не начинается ни один слот"):
        pins.move(engine, "small", session.uid, datetime(2024, 2, 14, 14, 0))
    with pytest.raises(SchedulingError, match="еженедельный курс"):
        pins.pin(engine, "small", course.uid)
    with pytest.raises(SchedulingError, match="нет размещения «8А/nope»"):
        pins.pin(engine, "small", "8А/nope")
    refused = run("move", "small", session.uid, "--to", "2024-02-24T14:20", db=tmp_path / "profplan.db",
                  logs=tmp_path / "logs")
    refused.user_error("Перенос", "невозможен: 24.02.2024 не учебный день класса 8А")
    assert _where(engine, session.uid)[:2] == (session.day, session.start_time)  # nothing was changed


def test_a_class_feed_shows_a_hand_moved_session_at_its_new_time(engine: Engine, tmp_path: Path) -> None:
    import icalendar

    from feeds.export import export_feeds
    from feeds.subscriptions import create_subscription

    key = b"k" * 32
    create_subscription(engine, "class", "small/8А", key=key)
    row = next(p for p in _movable(engine) if p.class_name == "8А")
    target = next(t for t in pins.allowed_moves(engine, "small", row.uid) if t.date() != row.day)
    def starts_of_title(folder: Path) -> set[datetime]:
        [written] = export_feeds(engine, folder, key).written
        calendar = icalendar.Calendar.from_ical(written.path.read_bytes())
        return {event.decoded("dtstart").replace(tzinfo=None) for event in calendar.walk("VEVENT")
                if row.title in str(event.get("summary"))}

    before = starts_of_title(tmp_path / "before")
    assert datetime.combine(row.day, time.fromisoformat(row.start_time)) in before and target not in before
    pins.move(engine, "small", row.uid, target)
    after = starts_of_title(tmp_path / "after")
    assert after == before - {datetime.combine(row.day, time.fromisoformat(row.start_time))} | {target}
