"""Benchmark: overdue report and summary for 1,000 roadmaps × 50 items, on SQLite and PostgreSQL.

Rows are bulk-inserted (specs parsed once per distinct deadline text and the
occurrences planned once per text, as `sync_roadmap` would), then the two
committee reports are timed on a report date in the middle of the school
year. PostgreSQL runs in a scratch database created and dropped here.

    .venv/bin/python bench/bench_tracking.py [--roadmaps 1000] [--items 50]
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

import psycopg
from rich.console import Console
from sqlalchemy import insert
from sqlalchemy.engine import Engine

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from services import scratch_database  # noqa: E402

from calendars.academic import region_calendars  # noqa: E402
from calendars.deadlines import parse_deadline  # noqa: E402
from calendars.school_year import SchoolYear  # noqa: E402
from roadmaps.tables import Executor, Item, ItemExecutor, Roadmap  # noqa: E402
from store.db import open_store  # noqa: E402
from tracking.occurrences import planned_occurrences  # noqa: E402
from tracking.overdue import overdue_report, render_overdue  # noqa: E402
from tracking.summary import summary  # noqa: E402
from tracking.tables import DeadlineOccurrence, RoadmapTracking  # noqa: E402
from tracking.values import CheckinEvery  # noqa: E402

YEAR = SchoolYear(2023)
REGION = "RU-LEN"
AS_OF = date(2024, 1, 15)
TEXTS = [
    "октябрь 2023 г.", "не реже 1 раза в четверть", "Постоянно", "октябрь 2023 г., апрель 2024 г.",
    "ноябрь 2023 г.", "По мере необходимости", "Декабрь 2023 г.-май 2024 г.", "март 2024 г.",
    "до 01 сентября 2023 г.", "Апрель",
]
EXECUTORS = 200
BATCH = 20_000


def populate(engine: Engine, roadmaps: int, items: int) -> int:
    """Insert the roadmaps, items, executor links and occurrences; returns the number of occurrences."""
    specs = [parse_deadline(text, YEAR) for text in TEXTS]
    terms = region_calendars(REGION)
    span = (YEAR.start, YEAR.end)
    planned = [planned_occurrences(spec, terms, span, CheckinEvery.QUARTER, track_from=YEAR.start) for spec in specs]
    now = datetime.now(UTC)
    with engine.begin() as connection:
        connection.execute(insert(Executor), [
            {"id": n, "key": f"исполнитель {n}", "name": f"Исполнитель {n}"} for n in range(1, EXECUTORS + 1)])
        connection.execute(insert(Roadmap), [
            {"id": r, "key": f"карта-{r}", "source_name": f"{r}.txt", "content_hash": "0" * 64,
             "title": f"Дорожная карта {r}", "region": REGION, "school_year": str(YEAR),
             "period_start": YEAR.start, "period_end": YEAR.end, "controller": "заместитель председателя",
             "warnings": [], "imported_at": now} for r in range(1, roadmaps + 1)])
        connection.execute(insert(RoadmapTracking), [
            {"roadmap_id": r, "track_from": YEAR.start, "checkin_every": CheckinEvery.QUARTER, "updated_at": now}
            for r in range(1, roadmaps + 1)])
        item_rows, links, occurrences = [], [], []
        for index in range(roadmaps * items):
            item_id, variant = index + 1, index % len(TEXTS)
            item_rows.append({
                "id": item_id, "roadmap_id": index // items + 1, "ordinal": index % items + 1,
                "number": str(index % items + 1), "section_path": [], "title": f"Мероприятие {item_id}",
                "deadline_text": TEXTS[variant], "kind": specs[variant].kind, "spec": specs[variant].to_dict(),
                "needs_review": False, "executors_text": "", "extra": {}, "source_line": item_id,
            })
            links += [{"item_id": item_id, "executor_id": (index + k * 37) % EXECUTORS + 1, "position": k}
                      for k in range(2)]
            for number, o in enumerate(planned[variant]):
                done = (index + number) % 3 == 0 and o.due < AS_OF
                occurrences.append({
                    "item_id": item_id, "key": o.key, "kind": o.kind, "phase": o.phase, "start": o.start,
                    "due": o.due, "active": True, "status": "done" if done else "open",
                    "done_on": o.due if done else None, "version": int(done),
                })
        for table, rows in ((Item, item_rows), (ItemExecutor, links), (DeadlineOccurrence, occurrences)):
            for start in range(0, len(rows), BATCH):
                connection.execute(insert(table), rows[start:start + BATCH])
    return len(occurrences)


def timed(action: Callable[[], object], repeats: int = 3) -> float:
    """The best of a few runs, in seconds: the figure least disturbed by the rest of the machine."""
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - started)
    return best


@contextmanager
def sqlite_url() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as folder:
        yield f"sqlite:///{folder}/bench.db"


def postgres_url() -> AbstractContextManager[str]:
    """A scratch database on the test PostgreSQL server, as the tests make them."""
    return scratch_database("profplan_bench")


def bench(label: str, url: str, roadmaps: int, items: int) -> None:
    engine = open_store(url)
    started = time.perf_counter()
    count = populate(engine, roadmaps, items)
    loaded = time.perf_counter() - started
    report = overdue_report(engine, as_of=AS_OF)
    rows = len(report.rows())
    overdue_s = timed(lambda: overdue_report(engine, as_of=AS_OF))
    summary_s = timed(lambda: summary(engine, as_of=AS_OF))
    screen = Console(width=100, record=True, file=io.StringIO())
    rendered_s = timed(lambda: screen.print(render_overdue(overdue_report(engine, as_of=AS_OF), 100)))
    lines = len(screen.export_text().splitlines()) // 3  # the best-of-three run printed three times
    print(f"{label:<10} {roadmaps} roadmaps × {items} items, {count} occurrences (loaded in {loaded:.1f} s): "
          f"overdue report {overdue_s:.2f} s ({rows} rows), on a 100-column terminal {rendered_s:.2f} s "
          f"({lines} lines), summary {summary_s:.2f} s")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--roadmaps", type=int, default=1000)
    parser.add_argument("--items", type=int, default=50)
    args = parser.parse_args()
    with sqlite_url() as url:
        bench("SQLite", url, args.roadmaps, args.items)
    try:
        with postgres_url() as url:
            bench("PostgreSQL", url, args.roadmaps, args.items)
    except psycopg.OperationalError as exc:
        print(f"PostgreSQL skipped: {str(exc).strip().splitlines()[0]}")


if __name__ == "__main__":
    main()
