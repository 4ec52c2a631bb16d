"""Done, reopen and cancel: unambiguous references, kept history, bad input, concurrent updates."""

from __future__ import annotations

import threading
import time
from datetime import date

import pytest
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from calendars.dates import parse_date
from calendars.errors import DateInputError
from roadmaps.tables import Item
from store.db import open_store, transaction
from tests.tracking_helpers import LEN_KEY, emptied, seed_len, store, url_of  # noqa: F401 - module fixture
from tracking.errors import InputDateError, StatusChangeError, UnknownItemError
from tracking.status import cancel, mark_done, occurrence_history, reopen
from tracking.tables import DeadlineOccurrence, OccurrenceEvent


@pytest.fixture
def engine(store: Engine) -> Engine:  # noqa: F811 - the imported module fixture
    seed_len(emptied(store))
    return store


def _events(engine: Engine) -> list[OccurrenceEvent]:
    with transaction(engine) as session:
        return list(session.exec(select(OccurrenceEvent).order_by(OccurrenceEvent.id)).all())


def test_done_reopen_cancel_are_all_kept_in_history(engine: Engine) -> None:
    change = mark_done(engine, f"{LEN_KEY}:1", on=date(2023, 10, 20), by="Петрова", evidence="https://example.org/1")
    assert (change.before, change.after, change.version) == ("open", "done", 1)
    assert "открыт → выполнен" in change.render()
    reopen(engine, f"{LEN_KEY}:1", by="Сидоров", why="приказ не подписан")
    cancel(engine, f"{LEN_KEY}:1", why="мероприятие исключено из плана", by="Сидоров")

    [history] = occurrence_history(engine, f"{LEN_KEY}:1")
    assert history.status == "cancelled"
    assert [(e.version, e.action, e.status, e.by) for e in history.entries] == [
        (1, "done", "done", "Петрова"), (2, "reopen", "open", "Сидоров"), (3, "cancel", "cancelled", "Сидоров")]
    assert history.entries[0].on_date == date(2023, 10, 20)
    assert history.entries[0].evidence == "https://example.org/1"
    assert history.entries[2].reason == "мероприятие исключено из плана"
    assert "подтверждение: https://example.org/1" in history.render()


def test_items_are_reachable_by_number_by_position_and_by_id(engine: Engine) -> None:
    with pytest.raises(UnknownItemError, match=rf"«31» встречается в «{LEN_KEY}» несколько раз: .*{LEN_KEY}#4 .*{LEN_KEY}#5"):
        mark_done(engine, f"{LEN_KEY}:31", on=date(2023, 11, 20))
    assert mark_done(engine, f"{LEN_KEY}#5", on=date(2023, 12, 20)).title == "Вебинар для родителей"
    with transaction(engine) as session:
        item_id = session.exec(select(Item.id).where(Item.ordinal == 4)).one()
    assert mark_done(engine, str(item_id), on=date(2023, 11, 20)).item == f"{LEN_KEY}#4"


def test_unknown_items_are_russian_errors(engine: Engine) -> None:
    for ref, message in [
        (f"{LEN_KEY}:99", f"Мероприятие «99» в дорожной карте «{LEN_KEY}» не найдено"),
        ("нет-такой:1", "Дорожная карта «нет-такой» не найдена"),
        (f"{LEN_KEY}#x", "после # нужен порядковый номер"),
        ("просто текст", "Неверная ссылка на мероприятие"),
        ("999999", "Мероприятие с номером в базе 999999 не найдено"),
    ]:
        with pytest.raises(UnknownItemError, match=message):
            mark_done(engine, ref, on=date(2023, 10, 20))


def test_an_item_with_several_occurrences_needs_the_occurrence_by_date_or_number(engine: Engine) -> None:
    with pytest.raises(UnknownItemError, match=r"4 сроков: укажите --occurrence .*1\) 27\.10\.2023; 2\) 29\.12\.2023"):
        mark_done(engine, f"{LEN_KEY}:40", on=date(2023, 10, 20))
    assert mark_done(engine, f"{LEN_KEY}:40", occurrence="2023-12-29", on=date(2023, 12, 20)).occurrence == "29.12.2023"
    assert mark_done(engine, f"{LEN_KEY}:40", occurrence="1", on=date(2023, 10, 20)).occurrence == "27.10.2023"
    assert mark_done(engine, f"{LEN_KEY}:5", occurrence="30.09.2023", on=date(2023, 9, 29)).occurrence == "отчёт 30.09.2023"
    with pytest.raises(UnknownItemError, match="нет срока 01.11.2023"):
        mark_done(engine, f"{LEN_KEY}:40", occurrence="2023-11-01", on=date(2023, 11, 2))
    with pytest.raises(UnknownItemError, match=r"нет срока № 9 \(их 4\)"):
        mark_done(engine, f"{LEN_KEY}:40", occurrence="9", on=date(2023, 11, 2))
    with pytest.raises(DateInputError, match="--occurrence: «31.13.2023» — такой даты нет"):
        mark_done(engine, f"{LEN_KEY}:40", occurrence="31.13.2023")


def test_bad_dates_and_impossible_changes_record_nothing(engine: Engine) -> None:
    with pytest.raises(InputDateError, match=r"Дата выполнения 01\.01\.2999 ещё не наступила"):
        mark_done(engine, f"{LEN_KEY}:1", on=date(2999, 1, 1))
    with pytest.raises(StatusChangeError, match="Срок и так открыт"):
        reopen(engine, f"{LEN_KEY}:1")
    with pytest.raises(StatusChangeError, match="Укажите причину отмены"):
        cancel(engine, f"{LEN_KEY}:1", why="  ")
    assert _events(engine) == []
    cancel(engine, f"{LEN_KEY}:1", why="отменено приказом")
    with pytest.raises(StatusChangeError, match="Срок отменён"):
        mark_done(engine, f"{LEN_KEY}:1", on=date(2023, 10, 20))
    with pytest.raises(StatusChangeError, match="уже отменён"):
        cancel(engine, f"{LEN_KEY}:1", why="ещё раз")
    assert len(_events(engine)) == 1


@pytest.mark.parametrize(("text", "expected"), [("2024-03-15", date(2024, 3, 15)), ("5.3.2024", date(2024, 3, 5))])
def test_dates_are_read_in_iso_and_russian_form(text: str, expected: date) -> None:
    assert parse_date(text, "--on") == expected


@pytest.mark.parametrize("text", ["15/03/2024", "2024-3-15", "вчера", ""])
def test_a_date_in_the_wrong_format_is_a_russian_error(text: str) -> None:
    with pytest.raises(DateInputError, match="--on: .*неверный формат даты, ожидается ГГГГ-ММ-ДД или ДД.ММ.ГГГГ"):
        parse_date(text, "--on")


def test_two_people_marking_the_same_occurrence_at_once_lose_no_update(engine: Engine) -> None:
    """Each person has an engine of their own; every change must land in the history.

    A third connection holds a write lock on the row while both start, so their
    first changes really overlap: on PostgreSQL both wait for the row lock, on
    SQLite both read the same version and one must retry.
    """
    rounds, people = 6, ("Иванова", "Петров")  # fewer rounds than retries: a loser always gets through
    with transaction(engine) as session:
        occurrence_id = session.exec(select(DeadlineOccurrence.id).join(Item).where(Item.number == "1")).one()
    started = threading.Barrier(len(people) + 1)
    errors: list[BaseException] = []

    def mark(person: str) -> None:
        own = open_store(url_of(engine))
        try:
            started.wait()
            for round_ in range(rounds):
                mark_done(own, f"{LEN_KEY}:1", on=date(2023, 10, 1 + round_), by=person, evidence=f"{person}-{round_}")
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            own.dispose()

    threads = [threading.Thread(target=mark, args=(person,)) for person in people]
    with engine.connect() as holder, holder.begin():
        holder.execute(update(DeadlineOccurrence).where(col(DeadlineOccurrence.id) == occurrence_id)
                       .values(version=DeadlineOccurrence.version))
        for thread in threads:
            thread.start()
        started.wait()
        time.sleep(0.3)  # both are now blocked behind the holder's lock
    for thread in threads:
        thread.join()

    assert errors == []
    events = _events(engine)
    assert sorted(e.version for e in events) == list(range(1, rounds * len(people) + 1))
    assert sorted(e.evidence for e in events) == sorted(f"{p}-{r}" for p in people for r in range(rounds))
    with transaction(engine) as session:
        row = session.get_one(DeadlineOccurrence, occurrence_id)
    last = max(events, key=lambda e: e.version)
    assert (row.version, row.done_by, row.evidence) == (last.version, last.by, last.evidence)
