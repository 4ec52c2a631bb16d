"""Two profplan processes writing the same data at once both finish correctly, one after the other.

Each test starts real `profplan` processes at the same moment against one
database (an SQLite file, a scratch PostgreSQL database) and checks that
every process exits 0 without a traceback and that nothing was stored twice.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_helpers import DEMO_SCHOOL, LENINGRAD, ROADMAPS, fingerprint, finish, start
from sqlalchemy import func
from sqlmodel import col, select

from roadmaps.importer import import_documents
from roadmaps.tables import Executor, Item, Roadmap
from scheduler.service import load_school
from scheduler.tables import School, Timetable
from store.db import open_store, transaction


def _together(db: str, logs: Path, *commands: list[str | Path]) -> list[str]:
    """Start every command at once, wait for all; each must succeed. Their outputs, in order."""
    processes = [start(*command, db=db, logs=logs) for command in commands]
    results = [finish(process, logs) for process in processes]
    for result in results:
        assert "Traceback" not in result.err, result.err
        result.ok()
    return [result.out for result in results]


def _count(db: str, table: type) -> int:
    with transaction(open_store(db)) as session:
        return session.exec(select(func.count()).select_from(table)).one()


def test_two_first_runs_migrate_a_fresh_database_once(db_url: str, tmp_path: Path) -> None:
    _together(db_url, tmp_path / "logs", ["db", "upgrade"], ["db", "upgrade"], ["import", LENINGRAD])
    assert fingerprint(db_url)["alembic_version"][0] == 1


def test_two_imports_of_one_file_store_it_once(db_url: str, tmp_path: Path) -> None:
    first, second = _together(db_url, tmp_path / "logs", ["import", LENINGRAD], ["import", LENINGRAD])
    assert sorted(["без изменений" in first, "без изменений" in second]) == [False, True]
    assert _count(db_url, Roadmap) == 1
    with transaction(open_store(db_url)) as session:
        ordinals = session.exec(select(Item.ordinal)).all()
        keys = session.exec(select(Executor.key)).all()
    assert len(ordinals) == len(set(ordinals)) == 44
    assert len(keys) == len(set(keys))


def test_imports_of_different_files_sharing_executors_both_land(db_url: str, tmp_path: Path) -> None:
    other = ROADMAPS / "001_e3bc991062043600.txt"
    _together(db_url, tmp_path / "logs", ["import", LENINGRAD], ["import", other])
    assert _count(db_url, Roadmap) == 2
    with transaction(open_store(db_url)) as session:
        keys = session.exec(select(Executor.key)).all()
    assert len(keys) == len(set(keys))


@pytest.fixture
def school_db(db_url: str) -> str:
    engine = open_store(db_url)
    import_documents(engine, [LENINGRAD])
    load_school(engine, DEMO_SCHOOL)
    engine.dispose()
    return db_url


def test_a_school_load_during_an_import_both_land(db_url: str, tmp_path: Path) -> None:
    _together(db_url, tmp_path / "logs", ["import", LENINGRAD], ["school", "load", DEMO_SCHOOL])
    assert _count(db_url, Roadmap) == 1 and _count(db_url, School) == 1


def test_two_schedules_of_one_school_leave_one_current_timetable(school_db: str, tmp_path: Path) -> None:
    command: list[str | Path] = ["schedule", "demo-kudrovo", "--time-limit", "10"]
    _together(school_db, tmp_path / "logs", command, command)
    with transaction(open_store(school_db)) as session:
        timetables = session.exec(select(Timetable)).all()
    assert len(timetables) == 2 and sum(t.current for t in timetables) == 1


def test_an_import_during_a_schedule_waits_for_it(school_db: str, tmp_path: Path) -> None:
    other = ROADMAPS / "001_e3bc991062043600.txt"
    _together(school_db, tmp_path / "logs", ["schedule", "demo-kudrovo", "--time-limit", "10"], ["import", other])
    assert _count(school_db, Roadmap) == 2
    with transaction(open_store(school_db)) as session:
        current = session.exec(select(Timetable).where(col(Timetable.current).is_(True))).all()
    assert len(current) == 1
