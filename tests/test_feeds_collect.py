"""Feeds built from the store: executor deadlines, revisions across re-imports and status changes, export."""

from __future__ import annotations

import gzip
import json
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
from feeds_helpers import FEED_KEY, read_ical, read_recurring, read_todos, read_vobject
from sqlalchemy.engine import Engine
from sqlmodel import select
from tracking_helpers import KOMITET, LEN_KEY, LOIRO, Row, add_roadmap, seed_len

from feeds.cache import refresh_feed
from feeds.collect import TargetError, collect_feed
from feeds.export import ExportError, export_feeds
from feeds.model import FeedOptions
from feeds.subscriptions import create_subscription, revoke_subscription, rotate_subscription
from feeds.tables import Subscription
from feeds.tokens import FeedKeyError, derive_token, load_key, new_token
from roadmaps.tables import Item
from store.db import open_store, transaction
from tracking.status import cancel, mark_done
from tracking.tables import DeadlineOccurrence


@pytest.fixture
def engine(db_url: str) -> Engine:
    engine = open_store(db_url)
    seed_len(engine)
    return engine


def occurrences_of(engine: Engine, executor_items: set[str]) -> list[DeadlineOccurrence]:
    with transaction(engine) as session:
        return list(session.exec(
            select(DeadlineOccurrence).join(Item).where(Item.title.in_(executor_items), DeadlineOccurrence.active)  # type: ignore[attr-defined]
        ))


def feed_of(engine: Engine, subscription_id: int) -> bytes:
    with transaction(engine) as session:
        subscription = session.get_one(Subscription, subscription_id)
        return refresh_feed(session, subscription, collect_feed).body


def test_executor_feed_holds_exactly_its_items_deadlines_for_every_reader(engine: Engine) -> None:
    created = create_subscription(engine, "executor", key=FEED_KEY, target="комитет общего и профессионального",
                                  options=FeedOptions(deadlines_as="both"))
    assert created.info.target == "комитет общего и профессионального образования ленинградской области"
    body = feed_of(engine, created.info.id)
    mine = occurrences_of(engine, {"Подготовка распоряжения о внедрении профминимума", "Неделя без турникетов"})
    assert len(mine) == 3
    expected = sorted((f"occurrence-{o.id}@profplan", o.due.isoformat(), (o.due + timedelta(days=1)).isoformat())
                      for o in mine)
    for reader in (read_recurring, read_vobject, read_ical):
        assert reader(body) == expected, reader.__name__
    assert read_todos(body) == sorted((f"todo-occurrence-{o.id}@profplan", o.due.isoformat()) for o in mine)
    calendar = icalendar.Calendar.from_ical(body)
    assert str(calendar["X-WR-CALNAME"]) == f"Сроки: {KOMITET}"
    event = next(e for e in calendar.walk("VEVENT") if e.DTSTART.month == 4)
    assert str(event["SUMMARY"]) == "Срок: Неделя без турникетов"
    assert "Срок по документу: октябрь 2023 г., апрель 2024 г." in str(event["DESCRIPTION"])
    assert "Пункт № 36: Неделя без турникетов" in str(event["DESCRIPTION"])


def test_a_status_change_raises_only_that_deadlines_sequence(engine: Engine) -> None:
    created = create_subscription(engine, "executor", key=FEED_KEY, target=LOIRO)
    before = icalendar.Calendar.from_ical(feed_of(engine, created.info.id))
    with transaction(engine) as session:
        occurrence = session.exec(select(DeadlineOccurrence).join(Item).where(Item.title == "Вебинар для родителей")).one()
        changed_uid = f"occurrence-{occurrence.id}@profplan"
    cancel(engine, f"{LEN_KEY}#5", why="перенесено в план следующего года")
    after = icalendar.Calendar.from_ical(feed_of(engine, created.info.id))
    sequences = {str(e["UID"]): (int(e["SEQUENCE"]), e.DTSTAMP) for e in before.walk("VEVENT")}
    for event in after.walk("VEVENT"):
        uid = str(event["UID"])
        if uid == changed_uid:
            assert str(event["STATUS"]) == "CANCELLED" and str(event["SUMMARY"]).startswith("Отменено: ")
            assert int(event["SEQUENCE"]) == sequences[uid][0] + 1 and event.DTSTAMP >= sequences[uid][1]
            assert not event.walk("VALARM")
        else:
            assert (int(event["SEQUENCE"]), event.DTSTAMP) == sequences[uid]
    # The same state collected again changes nothing.
    assert feed_of(engine, created.info.id) == after.to_ical()


def test_unknown_or_ambiguous_executor_is_a_russian_error(engine: Engine) -> None:
    with pytest.raises(TargetError, match="не найден"):
        create_subscription(engine, "executor", key=FEED_KEY, target="Министерство просвещения")
    with pytest.raises(TargetError, match="подходит к нескольким исполнителям"):
        create_subscription(engine, "executor", key=FEED_KEY, target="образова")


def test_export_names_files_by_token_and_removes_revoked_and_rotated_ones(engine: Engine, tmp_path: Path) -> None:
    tmp_path = tmp_path / "feeds"
    first = create_subscription(engine, "executor", key=FEED_KEY, target=KOMITET)
    second = create_subscription(engine, "executor", key=FEED_KEY, target=LOIRO)
    tmp_path.mkdir()
    (tmp_path / "notes.txt").write_text("оставить")
    (tmp_path / "class-5.ics").write_text("чужой файл")  # not token-shaped: left alone
    export = export_feeds(engine, tmp_path, FEED_KEY)
    assert sorted(entry.path.name for entry in export.written) == sorted([f"{first.token}.ics", f"{second.token}.ics"])
    assert (tmp_path / f"{second.token}.ics").read_bytes() == feed_of(engine, second.info.id)
    assert gzip.decompress((tmp_path / f"{second.token}.ics.gz").read_bytes()) == feed_of(engine, second.info.id)
    assert first.token not in json.dumps(export.to_json()) and first.token not in export.render()
    revoke_subscription(engine, first.token)
    rotated = rotate_subscription(engine, second.token, key=FEED_KEY)
    again = export_feeds(engine, tmp_path, FEED_KEY)
    assert again.removed == 4 and [entry.path.name for entry in again.written] == [f"{rotated.token}.ics"]
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(
        ["class-5.ics", "notes.txt", f"{rotated.token}.ics", f"{rotated.token}.ics.gz"])


def test_export_with_another_key_refuses_rather_than_publishing_wrong_names(engine: Engine, tmp_path: Path) -> None:
    create_subscription(engine, "executor", key=FEED_KEY, target=KOMITET)
    with pytest.raises(ExportError, match="Ключ адресов календарей не тот"):
        export_feeds(engine, tmp_path, bytes(32))


def test_the_key_file_is_made_once_owner_only_and_a_damaged_one_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "state" / "feeds.key"
    key = load_key(path)
    assert load_key(path) == key and len(key) == 32 and path.stat().st_mode & 0o777 == 0o600
    path.write_text("не ключ")
    with pytest.raises(FeedKeyError, match="не похож на ключ"):
        load_key(path)


def test_an_executor_feed_is_bounded_to_the_tracking_window_and_its_summaries_to_120_characters(engine: Engine) -> None:
    long_title = "Организация и проведение мероприятий по развитию системы профессиональной ориентации " * 3
    with transaction(engine) as session:
        add_roadmap(session, "LEN-2020", [Row("1", long_title, "Ежеквартально, 2018-2030 г.г.", [KOMITET]),
                                          Row("2", "Постоянное сопровождение", "Постоянно", [KOMITET])],
                    school_year=None, track_from=date(2023, 9, 1))
    created = create_subscription(engine, "executor", key=FEED_KEY, target=KOMITET)
    with transaction(engine) as session:
        content = collect_feed(session, session.get_one(Subscription, created.info.id), date(2024, 2, 15))
    dues = [deadline.due for deadline in content.deadlines]
    assert min(dues) >= date(2023, 9, 1) and max(dues) <= date(2025, 2, 15)  # from the tracking start, a year ahead
    assert date(2030, 12, 31) not in dues and date(2019, 3, 31) not in dues
    body = feed_of(engine, created.info.id)
    calendar = icalendar.Calendar.from_ical(body)
    summaries = [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")]
    assert max(len(summary) for summary in summaries) <= 120
    long = next(event for event in calendar.walk("VEVENT") if str(event["SUMMARY"]).startswith("Срок: Организация"))
    assert str(long["SUMMARY"]).endswith("…") and " ".join(long_title.split()) in str(long["DESCRIPTION"])


def test_a_todo_has_due_after_start_or_no_start_and_a_done_one_is_completed(engine: Engine) -> None:
    created = create_subscription(engine, "executor", key=FEED_KEY, target=KOMITET,
                                  options=FeedOptions(deadlines_as="todos"))
    mark_done(engine, f"{LEN_KEY}:1", on=date(2023, 10, 20))
    todos = icalendar.Calendar.from_ical(feed_of(engine, created.info.id)).walk("VTODO")
    assert todos
    for todo in todos:
        assert "DTSTART" not in todo or todo.DTSTART < todo.DUE
    [done] = [todo for todo in todos if str(todo["STATUS"]) == "COMPLETED"]
    assert done.get("COMPLETED").dt.astimezone(ZoneInfo("Europe/Moscow")).date() == date(2023, 10, 20)
    assert all("COMPLETED" not in todo for todo in todos if str(todo["STATUS"]) != "COMPLETED")


def test_a_new_token_never_starts_with_a_dash_and_is_derived_from_its_salt() -> None:
    """A token starting with "-" would read as an option on the command line, and one in 64 would. Of
    500 issued none does (without drawing the salt again, 500 tokens hold such a one in all but 4 runs of
    10 000), and each is the one the export derives from its salt."""
    key = bytes(range(32))
    issued = [new_token(key) for _ in range(500)]
    assert all(not token.startswith("-") and token == derive_token(key, salt) for salt, token in issued)
