"""Two real `profplan serve` processes on one scratch PostgreSQL database agree, and changes show at once."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path

import httpx
import icalendar
from feeds_helpers import FEED_KEY, add_school, school_sessions, store_timetable
from sqlmodel import select
from tracking_helpers import LEN_KEY, seed_len

from feeds.subscriptions import create_subscription
from roadmaps.tables import Item
from store.db import open_store, transaction
from tracking.status import cancel

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(database: str) -> Iterator[str]:
    """`profplan serve` in a process of its own; yields its base URL once it answers."""
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-c", "import cli; cli.main()", "--db", database, "serve",
                                "--port", str(port)], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                httpx.get(base + "/feeds/", timeout=1)
                break
            except httpx.TransportError:
                assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
                time.sleep(0.05)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def _window_statuses(body: bytes) -> dict[str, str]:
    return {str(e["UID"]): str(e["STATUS"]) for e in icalendar.Calendar.from_ical(body).walk("VEVENT")
            if str(e["UID"]).startswith("occurrence-")}


def test_a_change_written_once_is_seen_on_the_next_request_by_both_server_processes(pg_url: str) -> None:
    engine = open_store(pg_url)
    seed_len(engine)
    with transaction(engine) as session:
        trial = session.exec(select(Item.id).where(Item.title == "Неделя без турникетов")).one()
        add_school(session, "che-1", "RU-CHE", ["Иванова М. П.", "Петров П. П.", "Сидорова А. А."], ["8А", "8Б"])
        session.flush()
        store_timetable(session, "che-1", school_sessions(trial))
    created = create_subscription(engine, "executor", "ЛОИРО", key=FEED_KEY, base="http://x")
    school = create_subscription(engine, "school", "che-1", key=FEED_KEY, base="http://x")
    path, school_path = (entry.url.removeprefix("http://x") for entry in (created, school))
    with serving(pg_url) as one, serving(pg_url) as two:
        first = httpx.get(one + path)
        assert first.status_code == 200
        same = httpx.get(two + path, headers={"if-none-match": first.headers["etag"]})
        assert same.status_code == 304  # the second process serves what the first stored

        cancel(engine, f"{LEN_KEY}#4", why="перенесено")  # a status change written by a third process
        seen = httpx.get(two + path, headers={"if-none-match": first.headers["etag"]})
        assert seen.status_code == 200 and seen.headers["etag"] != first.headers["etag"]
        assert "CANCELLED" in _window_statuses(seen.content).values()
        also = httpx.get(one + path, headers={"if-none-match": seen.headers["etag"]})
        assert also.status_code == 304  # the first process agrees with what the second rendered

        before = httpx.get(one + school_path)
        moved = [replace(row, day=date(2023, 10, 6)) if row.uid == "8А/trial#1" else row for row in school_sessions(trial)]
        with transaction(engine) as session:
            store_timetable(session, "che-1", moved)  # a re-plan
        after = httpx.get(two + school_path, headers={"if-none-match": before.headers["etag"]})
        assert after.status_code == 200 and b"20231006T" in after.content
        assert httpx.get(one + school_path, headers={"if-none-match": after.headers["etag"]}).status_code == 304
