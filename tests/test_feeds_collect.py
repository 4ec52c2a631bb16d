"""Feeds built from the store: executor deadlines, revisions across re-imports and status changes, export."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import icalendar
import pytest
from feeds_helpers import read_ical, read_recurring, read_todos, read_vobject
from sqlalchemy.engine import Engine
from sqlmodel import select
from tracking_helpers import KOMITET, LOIRO, seed_len

from feeds.cache import refresh_feed
from feeds.collect import TargetError, collect_feed
from feeds.export import export_feeds
from feeds.model import FeedOptions
from feeds.subscriptions import create_subscription, revoke_subscription
from feeds.tables import Subscription
from roadmaps.tables import Item
from store.db import open_store, transaction
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
    created = create_subscription(engine, "executor", "комитет общего и профессионального",
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
    created = create_subscription(engine, "executor", LOIRO)
    before = icalendar.Calendar.from_ical(feed_of(engine, created.info.id))
    with transaction(engine) as session:
        occurrence = session.exec(select(DeadlineOccurrence).join(Item).where(Item.title == "Вебинар для родителей")).one()
        occurrence.status = "cancelled"
        session.add(occurrence)
        changed_uid = f"occurrence-{occurrence.id}@profplan"
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
        create_subscription(engine, "executor", "Министерство просвещения")
    with pytest.raises(TargetError, match="подходит к нескольким исполнителям"):
        create_subscription(engine, "executor", "образова")


def test_export_writes_every_active_feed_and_removes_revoked_ones(engine: Engine, tmp_path: Path) -> None:
    tmp_path = tmp_path / "feeds"
    first = create_subscription(engine, "executor", KOMITET)
    second = create_subscription(engine, "executor", LOIRO)
    tmp_path.mkdir()
    (tmp_path / "notes.txt").write_text("оставить")
    written = export_feeds(engine, tmp_path)
    assert [entry.path.name for entry in written] == [f"executor-{first.info.id}.ics", f"executor-{second.info.id}.ics"]
    assert written[1].path.read_bytes() == feed_of(engine, second.info.id)
    revoke_subscription(engine, first.token)
    assert [entry.path.name for entry in export_feeds(engine, tmp_path)] == [f"executor-{second.info.id}.ics"]
    assert sorted(path.name for path in tmp_path.iterdir()) == [f"executor-{second.info.id}.ics", "notes.txt"]
