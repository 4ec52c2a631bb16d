"""Benchmark: the committee's overdue page and dashboard for 1,000 roadmaps × 50 items, on SQLite and PostgreSQL;
the year grid of a 120-class school and one class's PDF.

The store is filled as `bench_tracking.py` fills it; a committee account logs
in, and each page is requested through the whole app `profplan serve` runs
(session, role check, library layer, template) in this process over ASGI, so
the figure is the server's time without the network. Beside them, as the
baseline, the library calls the CLI makes for the same reports
(`profplan overdue`, `profplan summary`). The target is ≤ 1 s per page.

The school part plans a generated 120-class school (`bench_solver`'s
profile, advanced level) with the real solver once, then requests its year
grid for a class, for the busiest staff member and for a venue (≤ 1 s each,
server side), and one class's A4 PDF (≤ 3 s), beside `profplan timetable`'s
own call as the baseline.

    .venv/bin/python bench/bench_web.py [--roadmaps 1000] [--items 50] [--classes 120] [--time-limit 60]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from urllib.parse import urlencode

import httpx
import psycopg
import tomli_w

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_solver import generate_profile  # noqa: E402
from bench_tracking import AS_OF, populate, postgres_url, sqlite_url, timed  # noqa: E402

from scheduler.errors import SchedulingError  # noqa: E402
from scheduler.service import load_school, schedule, timetable  # noqa: E402
from store.db import open_store  # noqa: E402
from store.settings import Settings  # noqa: E402
from tracking.overdue import overdue_report  # noqa: E402
from tracking.summary import summary  # noqa: E402
from web.accounts import add_user, ensure_user  # noqa: E402
from web.app import create_app  # noqa: E402
from web.roles import Role  # noqa: E402

PASSWORD = "bench-password"
PAGES = {
    "overdue page": f"/overdue?as_of={AS_OF.isoformat()}",
    "dashboard": f"/?as_of={AS_OF.isoformat()}",
    "dashboard, default dates": "/",
}


async def best_of(client: httpx.AsyncClient, path: str, repeats: int = 3) -> tuple[float, int]:
    """The fastest of a few requests of one page, in seconds, and the size of the page."""
    best, size = float("inf"), 0
    for _ in range(repeats):
        started = time.perf_counter()
        answer = await client.get(path)
        best = min(best, time.perf_counter() - started)
        assert answer.status_code == 200, (path, answer.status_code, answer.text[:300])
        size = len(answer.content)
    return best, size


async def measure_pages(app: Callable[..., Awaitable[None]],
                        pages: dict[str, str] = PAGES) -> dict[str, tuple[float, int]]:
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://bench", follow_redirects=True) as client:
        form = await client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        assert token
        logged = await client.post("/login", data={"csrf_token": token.group(1), "login": "bench", "password": PASSWORD})
        assert logged.url.path == "/", logged.text[:300]
        return {name: await best_of(client, path) for name, path in pages.items()}


def planned_school(url: str, classes: int, time_limit: float) -> str:
    """Store the generated school and plan it with the real solver; a line saying how the solve went."""
    engine = open_store(url)
    profile = generate_profile(classes)
    with tempfile.TemporaryDirectory(prefix="bench-web-") as folder:
        path = Path(folder) / "school.toml"
        path.write_bytes(tomli_w.dumps(profile.to_json()).encode())
        load_school(engine, path)
    started = time.perf_counter()
    result = schedule(engine, profile.id, time_limit=time_limit)
    engine.dispose()
    return f"solved in {time.perf_counter() - started:.0f} s ({result.solution.status})"


def bench_school(classes: int, time_limit: float, kept: Path | None) -> None:
    """The year grid of a planned `classes`-class school (class, busiest staff member, venue) and one class's PDF.

    With `kept` (a SQLite file) the planned store is kept there and reused by the next run: the solve of a
    120-class year takes minutes, the pages a second.
    """
    with contextlib.ExitStack() as stack:
        url = f"sqlite:///{kept}" if kept else stack.enter_context(sqlite_url())
        solved = "reused" if kept and kept.exists() else planned_school(url, classes, time_limit)
        engine = open_store(url)
        profile = generate_profile(classes)
        try:
            rows = timetable(engine, profile.id).placements
        except SchedulingError as exc:
            print(f"School of {classes} classes: no timetable ({exc}); grid not measured")
            return
        rows = timetable(engine, profile.id).placements
        busiest = Counter(row.staff for row in rows).most_common(1)[0][0]
        venue = Counter(row.venue for row in rows if row.venue).most_common(1)[0][0]
        first = profile.classes[0].name
        ensure_user(engine, "bench", Role.COMMITTEE, PASSWORD)
        base = f"/schools/{profile.id}"
        pages = {
            f"year grid, class {first}": f"{base}/year?{urlencode({'class': first})}",
            f"year grid, staff «{busiest}»": f"{base}/year?{urlencode({'staff': busiest})}",
            f"year grid, venue «{venue}»": f"{base}/year?{urlencode({'venue': venue})}",
            f"PDF, class {first}": f"{base}/timetable.pdf?{urlencode({'class': first})}",
        }
        measured = asyncio.run(measure_pages(create_app(engine, Settings()), pages))  # type: ignore[arg-type]
        baseline = timed(lambda: timetable(engine, profile.id, class_name=first))
        print(f"School of {classes} classes: {len(rows)} sessions, {solved}; "
              f"baseline timetable --class {first}: {baseline:.3f} s")
        for name, (seconds, size) in measured.items():
            limit = 3.0 if name.startswith("PDF") else 1.0
            verdict = "ok" if seconds <= limit else f"OVER {limit:.0f} s"
            print(f"  {name:<40} {seconds:5.2f} s  ({size / 1024:6.0f} KiB)  {verdict}")
        engine.dispose()


def bench(label: str, url: str, roadmaps: int, items: int) -> None:
    engine = open_store(url)
    count = populate(engine, roadmaps, items)
    add_user(engine, "bench", Role.COMMITTEE, PASSWORD)
    pages = asyncio.run(measure_pages(create_app(engine, Settings())))  # type: ignore[arg-type]
    baseline = {
        "overdue page": timed(lambda: overdue_report(engine, as_of=AS_OF)),
        "dashboard": timed(lambda: summary(engine, as_of=AS_OF)),
        "dashboard, default dates": timed(lambda: summary(engine)),
    }
    print(f"{label}: {roadmaps} roadmaps × {items} items, {count} occurrences")
    for name, (seconds, size) in pages.items():
        verdict = "ok" if seconds <= 1.0 else "OVER 1 s"
        print(f"  {name:<26} {seconds:5.2f} s  ({size / 1024:6.0f} KiB)  {verdict:<8}  "
              f"baseline {'overdue_report' if name == 'overdue page' else 'summary':<14} {baseline[name]:5.2f} s")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--roadmaps", type=int, default=1000)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--classes", type=int, default=120)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--only", choices=("reports", "school"), help="Run one part only.")
    parser.add_argument("--school-db", type=Path, help="Keep the planned school in this SQLite file and reuse it.")
    args = parser.parse_args()
    if args.only != "reports":
        bench_school(args.classes, args.time_limit, args.school_db)
    if args.only == "school":
        return
    for label, scratch in (("SQLite", sqlite_url), ("PostgreSQL", postgres_url)):
        try:
            with scratch() as url:
                bench(label, url, args.roadmaps, args.items)
        except psycopg.OperationalError as exc:
            print(f"{label} skipped: {str(exc).strip().splitlines()[0]}")


if __name__ == "__main__":
    main()
