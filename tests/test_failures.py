"""Every failure a user can meet is one Russian line with exit code 1, never the crash guard, and changes nothing.

Each case runs the real command in a subprocess against a database holding
a roadmap and the demo school, and compares the row counts and checksums of
every table before and after (tests/cli_helpers.py).
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from cli_helpers import (
    DEMO_SCHOOL,
    LENINGRAD,
    ROADMAPS,
    copy_database,
    file_size_limit,
    fingerprint,
    run,
    unprivileged_prefix,
)
from feeds_helpers import FEED_KEY
from services import PG_ADMIN

from feeds.subscriptions import create_subscription
from roadmaps.importer import import_documents
from scheduler.service import load_school, schedule
from store.db import open_store

OTHER_ROADMAP = ROADMAPS / "001_e3bc991062043600.txt"


def _populate(url: str) -> None:
    engine = open_store(url)
    import_documents(engine, [LENINGRAD])
    load_school(engine, DEMO_SCHOOL)
    engine.dispose()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file with one roadmap and the demo school, copied by each test."""
    path = tmp_path_factory.mktemp("template") / "profplan.db"
    _populate(str(path))
    return path


@pytest.fixture
def stored(template: Path, tmp_path: Path) -> Path:
    return copy_database(template, tmp_path / "db")


@pytest.fixture
def pg_stored(pg_url: str) -> str:
    _populate(pg_url)
    return pg_url


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "readonly"
    folder.mkdir()
    yield folder
    folder.chmod(0o755)


def test_a_read_only_database_refuses_writes_in_one_line_and_still_answers_reads(
    stored: Path, read_only_folder: Path, tmp_path: Path
) -> None:
    database = copy_database(stored, read_only_folder)
    database.chmod(0o444)
    read_only_folder.chmod(0o555)
    before = fingerprint(database)
    result = run("import", OTHER_ROADMAP, db=database, logs=tmp_path / "logs", prefix=unprivileged_prefix())
    result.user_error("только для чтения", str(database))
    assert fingerprint(database) == before
    listed = run("items", db=database, logs=tmp_path / "logs", prefix=unprivileged_prefix()).ok()
    assert "Всего пунктов: 44." in listed


def test_a_database_without_read_permission_is_named(stored: Path, tmp_path: Path) -> None:
    before = fingerprint(stored)
    stored.chmod(0o000)
    try:
        result = run("items", db=stored, logs=tmp_path / "logs", prefix=unprivileged_prefix())
    finally:
        stored.chmod(0o644)
    result.user_error("Не удалось открыть базу данных", str(stored), "нет прав")
    assert fingerprint(stored) == before


def test_a_file_that_is_not_a_database_is_left_untouched(tmp_path: Path) -> None:
    notes = tmp_path / "notes.db"
    notes.write_text("Это заметки, а не база данных.\n", encoding="utf-8")
    for command in (["items"], ["import", str(LENINGRAD)]):
        run(*command, db=notes, logs=tmp_path / "logs").user_error("не база данных SQLite", str(notes))
    assert notes.read_text(encoding="utf-8") == "Это заметки, а не база данных.\n"


def test_a_folder_given_as_the_database_is_named(tmp_path: Path) -> None:
    run("items", db=tmp_path, logs=tmp_path / "logs").user_error("папка, а не файл базы данных")


def test_a_database_in_a_missing_folder_is_named_and_nothing_is_created(tmp_path: Path) -> None:
    missing = tmp_path / "нет-папки" / "profplan.db"
    run("import", LENINGRAD, db=missing, logs=tmp_path / "logs").user_error(f"Папка {missing.parent}", "не существует")
    assert not missing.parent.exists()


def _bump_schema(url: str) -> None:
    if url.startswith("postgresql"):
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute("UPDATE alembic_version SET version_num = '9999'")
    else:
        with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:
            connection.execute("UPDATE alembic_version SET version_num = '9999'")


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_database_of_a_newer_schema_is_refused_untouched(backend: str, request: pytest.FixtureRequest,
                                                           tmp_path: Path) -> None:
    url = f"sqlite:///{request.getfixturevalue('stored')}" if backend == "sqlite" else request.getfixturevalue("pg_stored")
    _bump_schema(url)
    before = fingerprint(url)
    for command in (["import", str(OTHER_ROADMAP)], ["db", "upgrade"]):
        run(*command, db=url, logs=tmp_path / "logs").user_error("более новой версией profplan", "9999", "Обновите profplan")
    assert fingerprint(url) == before


def test_an_unreachable_server_is_named_without_its_password(tmp_path: Path) -> None:
    message = run("items", db="postgresql://coordinator:secret@127.0.0.1:1/profplan", logs=tmp_path / "logs").user_error(
        "Сервер базы данных", "127.0.0.1:1", "недоступен"
    )
    assert "secret" not in message


def test_a_database_that_does_not_exist_on_the_server_is_named(pg_url: str, tmp_path: Path) -> None:
    missing = pg_url.rsplit("/", 1)[0] + f"/profplan_missing_{uuid.uuid4().hex[:8]}"
    run("items", db=missing, logs=tmp_path / "logs").user_error("не существует на сервере")


@pytest.fixture
def limited_role(pg_stored: str) -> Iterator[str]:
    """A login role of the populated scratch database that may connect but read or create nothing."""
    role = f"profplan_noaccess_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE ROLE "{role}" LOGIN')
    base, name = pg_stored.rsplit("/", 1)
    scheme, rest = base.split("://", 1)
    host = rest.split("@", 1)[-1]
    yield f"{scheme}://{role}@{host}/{name}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'DROP ROLE IF EXISTS "{role}"')


def test_permission_denied_on_the_server_is_one_line(pg_stored: str, limited_role: str, tmp_path: Path) -> None:
    before = fingerprint(pg_stored)
    for command in (["items"], ["import", str(OTHER_ROADMAP)]):
        run(*command, db=limited_role, logs=tmp_path / "logs").user_error("Нет доступа к базе данных", "permission denied")
    assert fingerprint(pg_stored) == before


def test_a_full_disk_during_an_import_rolls_everything_back(stored: Path, tmp_path: Path) -> None:
    before = fingerprint(stored)
    size = stored.stat().st_size
    result = run("import", OTHER_ROADMAP, ROADMAPS / "003_95c3605fb32b2d2e.txt", db=stored, logs=tmp_path / "logs",
                 preexec=file_size_limit(size))
    result.user_error("нет места на диске", str(stored), "изменения не сохранены")
    assert fingerprint(stored) == before


def test_a_full_disk_while_writing_feeds_is_one_line(stored: Path, tmp_path: Path) -> None:
    engine = open_store(stored)
    assert schedule(engine, "demo-kudrovo", time_limit=10).ok
    create_subscription(engine, "school", "demo-kudrovo", key=FEED_KEY)
    engine.dispose()
    before = fingerprint(stored)
    out = tmp_path / "feeds"
    result = run("feeds", "export", out, db=stored, logs=tmp_path / "logs", preexec=file_size_limit(200))
    result.user_error("Не удалось записать")
    assert fingerprint(stored) == before


def test_an_output_folder_without_write_permission_is_named(stored: Path, read_only_folder: Path, tmp_path: Path) -> None:
    read_only_folder.chmod(0o555)
    before = fingerprint(stored)
    target = read_only_folder / "overdue.csv"
    result = run("overdue", "--as-of", "2024-02-15", "--csv", target, db=stored, logs=tmp_path / "logs",
                 prefix=unprivileged_prefix())
    result.user_error(str(target), "нет прав доступа")
    assert fingerprint(stored) == before


def test_a_database_locked_by_another_process_is_one_line(stored: Path, tmp_path: Path) -> None:
    before = fingerprint(stored)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sqlite3, sys, time\n"
         f"c = sqlite3.connect({str(stored)!r}, isolation_level=None); c.execute('BEGIN EXCLUSIVE')\n"
         "print('locked', flush=True); time.sleep(30)"],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        result = run("import", OTHER_ROADMAP, db=stored, logs=tmp_path / "logs", env={"PROFPLAN_LOCK_TIMEOUT": "1"})
    finally:
        holder.kill()
        holder.wait()
    result.user_error("занята другой командой profplan", "PROFPLAN_LOCK_TIMEOUT")
    assert fingerprint(stored) == before


def test_a_roadmap_lock_held_on_postgresql_makes_an_import_wait_then_give_up(pg_stored: str, tmp_path: Path) -> None:
    from roadmaps.importer import ROADMAPS_LOCK

    before = fingerprint(pg_stored)
    with psycopg.connect(pg_stored.replace("postgresql+psycopg", "postgresql")) as holder:
        holder.execute("SELECT pg_advisory_xact_lock(%s)", (ROADMAPS_LOCK.number,))
        result = run("import", OTHER_ROADMAP, db=pg_stored, logs=tmp_path / "logs", env={"PROFPLAN_LOCK_TIMEOUT": "1"})
    result.user_error("занята другой командой profplan", "загрузка дорожных карт", "ничего не изменено")
    assert fingerprint(pg_stored) == before


def test_a_table_locked_on_postgresql_by_another_session_is_one_line(pg_stored: str, tmp_path: Path) -> None:
    before = fingerprint(pg_stored)
    with psycopg.connect(pg_stored.replace("postgresql+psycopg", "postgresql")) as holder:
        holder.execute("LOCK TABLE item IN ACCESS EXCLUSIVE MODE")
        result = run("items", db=pg_stored, logs=tmp_path / "logs", env={"PROFPLAN_LOCK_TIMEOUT": "1"})
    result.user_error("занята другой командой profplan", "PROFPLAN_LOCK_TIMEOUT")
    assert fingerprint(pg_stored) == before


def test_a_lock_timeout_that_is_not_a_number_is_named(tmp_path: Path) -> None:
    run("items", logs=tmp_path / "logs", env={"PROFPLAN_LOCK_TIMEOUT": "долго"}).user_error("PROFPLAN_LOCK_TIMEOUT", "«долго»")


# Encodings and binary input -------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["cp1251", "utf-16", "utf-16-le", "utf-8-sig"])
def test_a_school_file_saved_in_a_windows_encoding_is_read(encoding: str, stored: Path, tmp_path: Path) -> None:
    school = tmp_path / "school.toml"
    school.write_bytes(DEMO_SCHOOL.read_text(encoding="utf-8").encode(encoding))
    out = run("school", "load", school, "--json", db=stored, logs=tmp_path / "logs").ok()
    assert '"name": "МОБУ «Кудровский центр образования № 1» (демо)"' in out


def test_a_binary_contacts_file_is_named_and_nothing_changes(stored: Path, tmp_path: Path) -> None:
    binary = tmp_path / "contacts.toml"
    binary.write_bytes(bytes(range(256)) * 8)
    before = fingerprint(stored)
    run("contacts", "load", binary, db=stored, logs=tmp_path / "logs").user_error(str(binary), "не текстовый", "UTF-8")
    assert fingerprint(stored) == before


def test_a_binary_file_given_as_a_roadmap_is_named_and_nothing_changes(stored: Path, tmp_path: Path) -> None:
    picture = tmp_path / "scan.txt"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    before = fingerprint(stored)
    run("import", OTHER_ROADMAP, picture, db=stored, logs=tmp_path / "logs").user_error("scan.txt", "не текстовый")
    assert fingerprint(stored) == before


def test_a_toml_syntax_error_names_line_and_column_in_russian(stored: Path, tmp_path: Path) -> None:
    school = tmp_path / "school.toml"
    school.write_text("[school]\nid = \"x\"\nname \"без знака равенства\"\n", encoding="utf-8")
    run("school", "load", school, db=stored, logs=tmp_path / "logs").user_error(
        str(school), "строка 3, столбец 6", "после ключа ожидается «=»"
    )


# Strict files ---------------------------------------------------------------------------------------


def test_a_misspelled_optional_key_of_a_school_is_named_with_the_right_one(stored: Path, tmp_path: Path) -> None:
    school = tmp_path / "school.toml"
    school.write_text(DEMO_SCHOOL.read_text(encoding="utf-8").replace(
        "max_hours_per_week = 4", "max_hours_per_wek = 1", 1), encoding="utf-8")
    before = fingerprint(stored)
    run("school", "load", school, db=stored, logs=tmp_path / "logs").user_error(
        str(school), "max_hours_per_wek: нет такого поля; возможно, max_hours_per_week"
    )
    assert fingerprint(stored) == before


def test_entries_are_counted_from_one_in_messages(stored: Path, tmp_path: Path) -> None:
    text = DEMO_SCHOOL.read_text(encoding="utf-8")
    second_staff = text.index("[[staff]]", text.index("[[staff]]") + 1)
    school = tmp_path / "school.toml"
    school.write_text(text[:second_staff] + text[second_staff:].replace("email =", "e_mail =", 1), encoding="utf-8")
    run("school", "load", school, db=stored, logs=tmp_path / "logs").user_error("staff[2].e_mail: нет такого поля; возможно, email")


def test_every_refused_field_of_a_school_is_one_line_naming_file_and_field(stored: Path, tmp_path: Path) -> None:
    school = tmp_path / "school.toml"
    school.write_text(DEMO_SCHOOL.read_text(encoding="utf-8").replace("week = 5", "week = 7", 1)
                      .replace("grade = 9", "grade = 99", 1).replace("capacity = ", "capacity = -", 1), encoding="utf-8")
    before = fingerprint(stored)
    result = run("school", "load", school, db=stored, logs=tmp_path / "logs")
    first = result.user_error(str(school), "school.week: учебная неделя должна быть 5 или 6 дней")
    lines = result.err.strip().splitlines()
    assert lines[0] == first and len(lines) == 3, result.err
    assert lines[1].startswith(f"{school}: classes[") and ".grade: значение 99 вне допустимого диапазона" in lines[1]
    assert lines[2].startswith(f"{school}: venues[1].capacity: значение -") and "вне допустимого" in lines[2]
    assert fingerprint(stored) == before


def test_a_misspelled_key_in_the_norms_stops_a_schedule_before_anything_is_stored(stored: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(ROADMAPS.parent, data, ignore=shutil.ignore_patterns("roadmaps", "locale"))
    norms = data / "norms" / "2023-2024.toml"
    norms.write_text(norms.read_text(encoding="utf-8").replace("session_hours = 2", "session_hour = 2", 1), encoding="utf-8")
    before = fingerprint(stored)
    run("schedule", "demo-kudrovo", db=stored, logs=tmp_path / "logs", env={"PROFPLAN_DATA_DIR": str(data)}).user_error(
        str(norms), "session_hour: нет такого поля; возможно, session_hours"
    )
    assert fingerprint(stored) == before
