"""`profplan db backup` and `db restore`: every table equal after a round trip, a failed restore changes nothing."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from cli_helpers import DEMO_SCHOOL, LENINGRAD, ROADMAPS, fingerprint, run
from feeds_helpers import FEED_KEY
from tracking_helpers import EARLY_TRACK_FROM

from feeds.subscriptions import create_subscription
from roadmaps.importer import import_documents
from scheduler.service import compliance_report, load_school, schedule
from store.backup import BackupError, backup, restore
from store.db import open_store
from tracking.imports import ImportTracker
from tracking.status import mark_done

OTHER = ROADMAPS / "001_e3bc991062043600.txt"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A backup of a database with a roadmap, its deadlines, the demo school's timetable, a subscription and a done mark."""
    folder = tmp_path_factory.mktemp("template")
    engine = open_store(folder / "profplan.db")
    [report] = import_documents(engine, [LENINGRAD], on_stored=ImportTracker(EARLY_TRACK_FROM))
    load_school(engine, DEMO_SCHOOL)
    assert schedule(engine, "demo-kudrovo", time_limit=10).ok
    create_subscription(engine, "school", "demo-kudrovo", key=FEED_KEY)
    mark_done(engine, f"{report.roadmap}#1", occurrence="1", on=date(2023, 10, 20), by="Секретарь", evidence="Отчёт")
    backup(engine, folder / "backup.json")
    engine.dispose()
    return folder / "backup.json"


@pytest.fixture
def populated(db_url: str, template: Path) -> str:
    engine = open_store(db_url)
    restore(engine, template)
    engine.dispose()
    return db_url


def test_a_restore_brings_back_every_table_exactly(populated: str, tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    original = fingerprint(populated)
    copy = tmp_path / "backup.json"
    assert "Резервная копия записана" in run("db", "backup", copy, db=populated, logs=logs).ok()
    run("import", OTHER, db=populated, logs=logs).ok()
    assert fingerprint(populated) != original
    restored = json.loads(run("db", "restore", copy, "--json", db=populated, logs=logs).ok())
    assert fingerprint(populated) == original
    assert restored["rows"]["roadmap"] == 1 and restored["total"] == sum(count for count, _ in original.values()) - 1
    engine = open_store(populated)
    import_documents(engine, [OTHER])  # new ids follow the restored ones (PostgreSQL sequences)
    engine.dispose()


def test_a_backup_restores_into_a_database_of_the_other_server(populated: str, tmp_path: Path,
                                                               request: pytest.FixtureRequest) -> None:
    other = request.getfixturevalue("pg_url") if populated.startswith("sqlite") else f"sqlite:///{tmp_path / 'moved.db'}"
    source, target = open_store(populated), open_store(other)
    restore(target, backup(source, tmp_path / "backup.json").path)
    assert {name: count for name, (count, _) in fingerprint(other).items()} == {
        name: count for name, (count, _) in fingerprint(populated).items()
    }
    assert compliance_report(target, "demo-kudrovo").met
    source.dispose()
    target.dispose()


def test_a_broken_backup_restores_nothing(populated: str, template: Path, tmp_path: Path) -> None:
    original = fingerprint(populated)
    document = json.loads(template.read_text(encoding="utf-8"))
    item = document["tables"]["item"]["rows"]
    item.append(list(item[0]))  # the same primary key twice: found only half-way through the inserts
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    run("db", "restore", broken, db=populated, logs=tmp_path / "logs").user_error("таблица item", "база не изменена")
    assert fingerprint(populated) == original

    engine = open_store(populated)
    truncated = tmp_path / "truncated.json"
    truncated.write_text(template.read_text(encoding="utf-8")[:1000], encoding="utf-8")
    for path in (truncated, LENINGRAD):
        with pytest.raises(BackupError, match="не резервная копия profplan"):
            restore(engine, path)
    document["revision"] = "0003"
    older = tmp_path / "older.json"
    older.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(BackupError, match="копия сделана на схеме 0003"):
        restore(engine, older)
    engine.dispose()
    assert fingerprint(populated) == original
