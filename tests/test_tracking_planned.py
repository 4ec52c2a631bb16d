"""A school's timetable serving a roadmap item shows as "planned by that school" — and planned is never done."""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner
from feeds_helpers import PlannedRow, add_school, store_timetable
from rich.console import Console
from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlmodel import select

from cli import cli
from roadmaps.tables import Item
from scheduler.tables import School, StoredPlacement, Timetable
from store.db import transaction
from tests.tracking_helpers import LEN_KEY, MOUO, emptied, seed_len, store, url_of  # noqa: F401 - module fixture
from tracking.overdue import overdue_report, render_overdue
from tracking.status import mark_done, occurrence_history
from tracking.summary import summary


def _meeting(day: date, class_name: str, item_id: int) -> PlannedRow:
    return PlannedRow(f"{class_name}/parents/{day}", class_name, "Родительское собрание", day, "18:30", "19:30",
                      "Иванова М. П.", kind="meeting", item_id=item_id, direction="parents")


@pytest.fixture
def engine(store: Engine) -> Engine:  # noqa: F811 - the imported module fixture
    """The LEN roadmap; school len-1 meets parents on 12.10 and 19.10.2023 (item 40, "once a term")."""
    engine = emptied(store)
    seed_len(engine)
    with transaction(engine) as session:
        for table in (StoredPlacement, Timetable, School):
            session.execute(delete(table))
        item_id = session.exec(select(Item.id).where(Item.number == "40")).one()
        assert item_id is not None
        add_school(session, "len-1", "RU-LEN", ["Иванова М. П."], ["8А", "8Б"])
        session.flush()
        store_timetable(session, "len-1", [_meeting(date(2023, 10, 12), "8А", item_id),
                                           _meeting(date(2023, 10, 19), "8Б", item_id)])
    return engine


def test_an_occurrence_served_by_placements_shows_the_school_and_first_day_but_stays_overdue(engine: Engine) -> None:
    report = overdue_report(engine, as_of=date(2023, 11, 1), executor=MOUO)
    [row] = [r for r in report.executors[0].overdue if r.item == f"{LEN_KEY}#3"]
    assert row.due == date(2023, 10, 27) and row.days_overdue == 5  # planned, yet overdue: nobody marked it done
    [planned] = row.planned
    assert (planned.school_id, planned.first_day, planned.sessions) == ("len-1", date(2023, 10, 12), 2)
    assert row.to_json()["planned"] == [{"school_id": "len-1", "school": "Школа «len-1»", "first_day": "2023-10-12",
                                         "sessions": 2}]
    console = Console(record=True, width=100)
    console.print(render_overdue(report, 100))
    assert "в плане" in console.export_text()
    [first, second, *_] = occurrence_history(engine, f"{LEN_KEY}:40")
    assert "запланировано: len-1 12.10.2023 (занятий: 2); запланированное не считается выполненным" in first.render()
    assert second.planned == []  # nothing planned in the second term


def test_the_summary_counts_planned_apart_and_never_as_done(engine: Engine) -> None:
    counts = {row.key: row.counts for row in summary(engine, as_of=date(2023, 11, 1)).roadmaps}[LEN_KEY]
    assert (counts.planned, counts.done, counts.overdue) == (1, 0, 4)
    mark_done(engine, f"{LEN_KEY}:40", occurrence="1", on=date(2023, 10, 20))
    counts = {row.key: row.counts for row in summary(engine, as_of=date(2023, 11, 1)).roadmaps}[LEN_KEY]
    assert (counts.planned, counts.done, counts.overdue) == (0, 1, 3)  # done now, so no longer "only planned"


def test_a_replan_moving_the_sessions_out_of_the_window_shows_on_the_next_report(engine: Engine) -> None:
    with transaction(engine) as session:
        item_id = session.exec(select(Item.id).where(Item.number == "40")).one()
        assert item_id is not None
        store_timetable(session, "len-1", [_meeting(date(2023, 11, 16), "8А", item_id)])
    [first, second, *_] = occurrence_history(engine, f"{LEN_KEY}:40")
    assert first.planned == [] and [p.first_day for p in second.planned] == [date(2023, 11, 16)]


def test_the_cli_shows_planned_in_json_and_history(engine: Engine) -> None:
    runner = CliRunner()
    db = url_of(engine)
    history = runner.invoke(cli, ["--db", db, "history", f"{LEN_KEY}:40", "--occurrence", "1", "--json"])
    assert history.exit_code == 0, history.output
    assert json.loads(history.output)[0]["planned"][0]["first_day"] == "2023-10-12"
