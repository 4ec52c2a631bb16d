"""Benchmark of the feeds: building every feed of a region, and serving them side by side with static files.

Run: `.venv/bin/python bench/bench_feeds.py [--subscriptions 1000] [--duration 5] [--connections 32] [--only build]`.

1. A region-sized store in a temporary SQLite file: the bundled roadmaps
   imported and tracked since 01.09.2023; `--schools` schools of 20 classes
   and 25 staff, each class with a year of placements (the Thursday course
   on every school Thursday, 30 other sessions serving the school's six
   roadmap items, as the solver ties activities to a few items); and
   `--subscriptions` subscriptions: every school, then classes, staff
   members and executors in turn.
2. Time to build all feeds (first build: collect, stamp, render, gzip,
   store) and to refresh them unchanged (the change stamp is read and
   compared, nothing collected). Goals: 1,000 feeds in ≤ 20 s; an unchanged
   feed in ≤ 2 ms. `--only build` stops here (and needs no `wrk`).
3. The same feeds exported (files named by their tokens) and served at the
   very same paths, /feeds/<token>.ics, by: the feed server (`feeds.server`
   on uvicorn), Starlette's StaticFiles on the same uvicorn configuration,
   and nginx when it is installed — each in its own process on 127.0.0.1.
   `wrk` (a Lua script cycling through every feed) measures requests per
   second for full 200 answers and for 304 answers to If-None-Match, for
   `--duration` seconds each, one server at a time. Prints the rates and the
   ratios of the feed server to StaticFiles (goal ≥ 1× for both) and to nginx,
   and beside them the CPU time each server process (with its children)
   spent per request, read from /proc: on a machine others are loading, the
   request rate follows the load, the CPU per request much less.

Loopback only; everything runs for a bounded time and is cleaned up. The
machine may be shared: the figures are wall-clock and vary from run to run.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import cycle, zip_longest
from pathlib import Path
from random import Random

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import uvicorn  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402
from sqlmodel import col, func, select  # noqa: E402

from calendars.academic import load_calendar  # noqa: E402
from calendars.data_files import data_dir  # noqa: E402
from feeds.export import export_feeds, refresh_all  # noqa: E402
from feeds.model import FeedOptions  # noqa: E402
from feeds.server import create_app, log_config  # noqa: E402
from feeds.subscriptions import create_subscription  # noqa: E402
from roadmaps.importer import import_documents  # noqa: E402
from roadmaps.tables import Executor  # noqa: E402
from scheduler.tables import School, StoredPlacement, Timetable  # noqa: E402
from store.db import open_store, transaction  # noqa: E402
from tracking.imports import ImportTracker  # noqa: E402
from tracking.tables import DeadlineOccurrence  # noqa: E402

HOST = "127.0.0.1"
KEY = bytes(range(32))
TRACK_FROM = date(2023, 9, 1)
LUA = """
local paths, etags = {}, {}
for line in io.lines(os.getenv("BENCH_PATHS")) do
  local path, etag = line:match("^([^\\t]+)\\t(.*)$")
  paths[#paths + 1] = path
  etags[#etags + 1] = etag
end
local conditional = os.getenv("BENCH_CONDITIONAL") == "1"
local counter = 0
math.randomseed(os.time())
counter = math.random(#paths)
request = function()
  counter = counter % #paths + 1
  if conditional then
    return wrk.format("GET", paths[counter], {["If-None-Match"] = etags[counter]})
  end
  return wrk.format("GET", paths[counter])
end
"""
NGINX = """
daemon off;
user root;
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  sendfile on;
  client_body_temp_path {work}/nginx-body;
  proxy_temp_path {work}/nginx-proxy;
  fastcgi_temp_path {work}/nginx-fastcgi;
  uwsgi_temp_path {work}/nginx-uwsgi;
  scgi_temp_path {work}/nginx-scgi;
  server {{
    listen {host}:{port};
    location /feeds/ {{ alias {folder}/; default_type "text/calendar; charset=utf-8"; etag on; autoindex off; }}
  }}
}}
"""

CLASSES, STAFF, OTHER_SESSIONS = 20, 25, 30
SLOTS = [("14:20", "15:05"), ("15:15", "16:00"), ("16:10", "16:55")]


def add_schools(engine: Engine, count: int) -> list[tuple[str, str]]:
    """Schools with a current timetable each; returns their subscription targets, interleaved by kind."""
    calendar = load_calendar("RU-LEN", "2023-2024")
    days = list(calendar.school_days())
    thursdays = [day for day in days if day.weekday() == 3]
    random = Random(7)
    with transaction(engine) as session:
        # Items with one to four deadlines in the year, like the profminimum rows activities serve.
        counts = session.execute(
            select(DeadlineOccurrence.item_id, func.count()).where(col(DeadlineOccurrence.active))
            .group_by(DeadlineOccurrence.item_id)
        ).all()
        items = sorted(item_id for item_id, count in counts if count <= 4)
        schools, classes, staff = [], [], []
        for number in range(1, count + 1):
            school_id = f"len-{number:03d}"
            names = [f"{grade}{letter}" for grade in range(6, 11) for letter in "АБВГ"][:CLASSES]
            people = [f"Учитель{index:02d} И. О." for index in range(STAFF)]
            session.add(School(id=school_id, name=f"МОУ «СОШ № {number}»", address=f"Ленинградская обл., ул. Школьная, {number}",
                               region="RU-LEN", year="2023-2024",
                               profile={"classes": [{"name": n} for n in names], "staff": [{"name": p} for p in people]},
                               updated_at=datetime.now(UTC)))
            session.flush()
            timetable = Timetable(school_id=school_id, created_at=datetime.now(UTC), status="OPTIMAL", solve_seconds=1,
                                  seed=0, workers=1, time_limit=1, ortools_version="bench", input_hash="0" * 64,
                                  span_start=days[0], span_end=days[-1])
            session.add(timetable)
            session.flush()
            served = random.sample(items, 6)
            rows = []
            for index, name in enumerate(names):
                start, end = SLOTS[index % len(SLOTS)]
                rows += [StoredPlacement(timetable_id=timetable.id, uid=f"{name}/horizons/{day}", task=f"{name}/horizons",
                                   class_name=name, activity="horizons", title="Россия – мои горизонты",
                                   direction="extracurricular", kind="session", series="horizons", day=day, slot=0,
                                   start_time=start, end_time=end, hours=1, staff=people[index], venue=None)
                         for day in thursdays]
                for other in range(OTHER_SESSIONS):
                    start, end = random.choice(SLOTS)
                    rows.append(StoredPlacement(
                        timetable_id=timetable.id, uid=f"{name}/other#{other}", task=f"{name}/other", class_name=name,
                        activity="other", title="Профориентационное занятие", direction="upbringing", kind="session",
                        day=random.choice(days), slot=0, start_time=start, end_time=end, hours=1,
                        staff=random.choice(people), venue="Актовый зал", item_id=random.choice(served)))
            session.add_all(rows)
            schools.append(("school", school_id))
            classes += [("class", f"{school_id}/{name}") for name in names]
            staff += [("staff", f"{school_id}/{person}") for person in people]
    return schools + [target for pair in zip_longest(classes, staff) for target in pair if target]


def build_store(url: str, subscriptions: int, schools: int) -> list[str]:
    """Roadmaps, deadlines, schools and subscriptions; returns the feed path of each subscription."""
    engine = open_store(url)
    import_documents(engine, sorted((data_dir() / "roadmaps").glob("*.txt")), on_stored=ImportTracker(TRACK_FROM))
    targets = add_schools(engine, schools)
    with transaction(engine) as session:
        targets += [("executor", executor.name) for executor in session.exec(select(Executor).order_by(Executor.id))]
    options = cycle([FeedOptions(), FeedOptions(deadlines_as="both"), FeedOptions(deadlines_as="todos")])
    paths = []
    for _, (kind, target) in zip(range(subscriptions), cycle(targets), strict=False):
        created = create_subscription(engine, kind, target, key=KEY, base=f"http://{HOST}", options=next(options))
        paths.append(created.url.removeprefix(f"http://{HOST}"))
    return paths


def time_builds(url: str, directory: Path) -> dict[str, float]:
    engine = open_store(url)
    started, cpu = time.perf_counter(), time.process_time()
    built = list(refresh_all(engine))
    first, first_cpu = time.perf_counter() - started, time.process_time() - cpu
    started, cpu = time.perf_counter(), time.process_time()
    list(refresh_all(engine))
    unchanged, unchanged_cpu = time.perf_counter() - started, time.process_time() - cpu
    started = time.perf_counter()
    export = export_feeds(engine, directory, KEY)
    exported = time.perf_counter() - started
    assert len(export.written) == len(built) and not export.unnamed
    return {"feeds": len(built), "first": first, "first_cpu": first_cpu, "unchanged": unchanged,
            "unchanged_cpu": unchanged_cpu, "export": exported,
            "bytes": sum(len(feed.body) for _, feed in built), "gzip": sum(len(feed.body_gzip) for _, feed in built)}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def wait_until_up(base: str, process: subprocess.Popen[bytes]) -> None:
    for _ in range(400):
        try:
            httpx.get(base + "/", timeout=1)
            return
        except httpx.TransportError:
            if process.poll() is not None:
                raise SystemExit(f"server {base} exited with {process.returncode}") from None
            time.sleep(0.05)
    raise SystemExit(f"server {base} did not start")


@dataclass(frozen=True)
class Running:
    """A server under test: its base URL and the process whose CPU time (with its children's) is read."""

    base: str
    pid: int


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process and its live children, from /proc (Linux)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry.name) == pid or int(fields[1]) == pid:  # fields[1]: the parent's pid
            total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


@contextmanager
def server(mode: str, target: str) -> Iterator[Running]:
    """This script in `--serve` mode as a separate process; yields it once it answers."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, __file__, "--serve", mode, "--target", target, "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://{HOST}:{port}"
    try:
        wait_until_up(base, process)
        yield Running(base, process.pid)
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextmanager
def nginx(folder: Path, work: Path) -> Iterator[Running]:
    """nginx serving the exported folder at /feeds/, in the foreground, with a configuration of its own."""
    port = free_port()
    config = work / "nginx.conf"
    config.write_text(NGINX.format(work=work, host=HOST, port=port, folder=folder))
    process = subprocess.Popen(["nginx", "-c", str(config), "-p", str(work)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    base = f"http://{HOST}:{port}"
    try:
        wait_until_up(base, process)
        yield Running(base, process.pid)
    finally:
        process.terminate()
        process.wait(timeout=10)


def run_serve(mode: str, target: str, port: int) -> None:
    if mode == "feeds":
        app = create_app(open_store(target))
    else:
        from starlette.applications import Starlette
        from starlette.routing import Mount
        from starlette.staticfiles import StaticFiles

        app = Starlette(routes=[Mount("/feeds", StaticFiles(directory=target))])
    uvicorn.run(app, host=HOST, port=port, log_config=log_config(), server_header=False)


def wrk(running: Running, lines: list[str], conditional: bool, args: argparse.Namespace,
        work: Path) -> tuple[float, float]:
    """(requests per second, server CPU µs per request) over every path, each answered as expected (checked first)."""
    base = running.base
    paths_file, script = work / "paths.tsv", work / "cycle.lua"
    paths_file.write_text("\n".join(lines) + "\n")
    script.write_text(LUA)
    wanted = 304 if conditional else 200
    with httpx.Client(base_url=base, headers={"accept-encoding": "identity"}) as client:
        for line in lines:
            path, etag = line.split("\t")
            status = client.get(path, headers={"if-none-match": etag} if conditional else {}).status_code
            assert status == wanted, (base, path, status)
    cpu_before = cpu_seconds(running.pid)
    result = subprocess.run(
        ["wrk", "-t2", f"-c{args.connections}", f"-d{args.duration}s", "-s", str(script), base],
        env={**os.environ, "BENCH_PATHS": str(paths_file), "BENCH_CONDITIONAL": "1" if conditional else "0"},
        capture_output=True, text=True, check=True, timeout=args.duration + 30,
    )
    cpu = cpu_seconds(running.pid) - cpu_before
    if "Non-2xx or 3xx" in result.stdout:
        raise SystemExit(f"wrk saw errors:\n{result.stdout}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", result.stdout).group(1))  # type: ignore[union-attr]
    requests = int(re.search(r"(\d+) requests in", result.stdout).group(1))  # type: ignore[union-attr]
    return rate, cpu / requests * 1e6


def etags(running: Running, paths: list[str]) -> list[str]:
    with httpx.Client(base_url=running.base, headers={"accept-encoding": "identity"}) as client:
        return [f"{path}\t{client.get(path).headers['etag']}" for path in paths]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscriptions", type=int, default=1000)
    parser.add_argument("--schools", type=int, default=25)
    parser.add_argument("--duration", type=int, default=5, help="seconds of load per measurement")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--only", choices=("build",), help="Build and refresh the feeds only, serve nothing.")
    parser.add_argument("--serve", choices=["feeds", "static"], help=argparse.SUPPRESS)
    parser.add_argument("--target", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        run_serve(args.serve, args.target, args.port)
        return
    if args.only is None and shutil.which("wrk") is None:
        raise SystemExit("wrk is needed for the load (apt-get install wrk)")
    work = Path(tempfile.mkdtemp(prefix="bench-feeds-"))
    try:
        url = f"sqlite:///{work / 'bench.db'}"
        started = time.perf_counter()
        paths = build_store(url, args.subscriptions, args.schools)
        print(f"store: {args.schools} schools, {args.schools * CLASSES} classes, {len(paths)} subscriptions "
              f"in {time.perf_counter() - started:.1f} s")
        folder = work / "static"
        builds = time_builds(url, folder)
        feeds = builds["feeds"]
        print(f"build all feeds: first {builds['first']:.2f} s wall, {builds['first_cpu']:.2f} s CPU "
              f"({builds['first'] / feeds * 1000:.1f} ms/feed; goal: 1000 in ≤ 20 s); unchanged {builds['unchanged']:.2f} s "
              f"wall, {builds['unchanged_cpu']:.2f} s CPU ({builds['unchanged'] / feeds * 1000:.2f} ms/feed; goal ≤ 2 ms); "
              f"export {builds['export']:.2f} s; {builds['bytes'] / feeds / 1024:.1f} KiB/feed, "
              f"gzip {builds['gzip'] / feeds / 1024:.1f} KiB/feed")
        if args.only == "build":
            return
        measured: dict[tuple[str, int], tuple[float, float]] = {}
        servers: list[tuple[str, Callable[[], AbstractContextManager[Running]]]] = [
            ("feed server", lambda: server("feeds", url)), ("StaticFiles", lambda: server("static", str(folder)))]
        if shutil.which("nginx"):
            servers.append(("nginx", lambda: nginx(folder, work)))
        for name, start in servers:
            with start() as running:
                lines = etags(running, paths)
                for conditional in (False, True):
                    measured[(name, 304 if conditional else 200)] = wrk(running, lines, conditional, args, work)
        for status in (200, 304):
            (feed_rate, feed_cpu), (static_rate, static_cpu) = measured[("feed server", status)], measured[("StaticFiles", status)]
            line = (f"{status}: feed server {feed_rate:6.0f} req/s ({feed_cpu:4.0f} µs CPU/req), StaticFiles "
                    f"{static_rate:6.0f} req/s ({static_cpu:4.0f} µs), ratio {feed_rate / static_rate:.2f} by rate, "
                    f"{static_cpu / feed_cpu:.2f} by CPU (goal ≥ 1)")
            if ("nginx", status) in measured:
                nginx_rate, nginx_cpu = measured[("nginx", status)]
                line += (f"; nginx {nginx_rate:6.0f} req/s ({nginx_cpu:4.0f} µs), ratio {feed_rate / nginx_rate:.2f} "
                         f"by rate, {nginx_cpu / feed_cpu:.2f} by CPU")
            else:
                line += "; nginx not installed"
            print(line)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
