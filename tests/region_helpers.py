"""Helpers for the region tests: a real Dask cluster of separate processes on 127.0.0.1, and small regions.

`running_cluster` starts what an operator starts by hand — `dask scheduler`
and two `dask worker` processes (each with its nanny, one thread) — with the
scheduler configured as the README asks (`allowed-failures` 0), and stops
them at the end.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from distributed import Client

from tests.scheduler_helpers import write_profile

START_TIMEOUT = 120.0
CLUSTER_ENV = {
    "DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "0",
    "DASK_DISTRIBUTED__SCHEDULER__WORKER_SATURATION": "1.0",
}


@contextmanager
def running_cluster(folder: Path, workers: int = 2) -> Iterator[str]:
    """Start `dask scheduler` and `workers` × `dask worker` on 127.0.0.1; yields the scheduler's address."""
    folder.mkdir(parents=True, exist_ok=True)
    scheduler_file = folder / "scheduler.json"
    env = {**os.environ, **CLUSTER_ENV}
    dask = [sys.executable, "-m", "dask"]
    processes = [subprocess.Popen(
        [*dask, "scheduler", "--host", "127.0.0.1", "--port", "0", "--dashboard-address", "127.0.0.1:0",
         "--scheduler-file", str(scheduler_file)],
        env=env, stdout=subprocess.DEVNULL, stderr=(folder / "scheduler.log").open("w"),
    )]
    try:
        address = _address(scheduler_file, processes[0])
        for number in range(1, workers + 1):
            processes.append(subprocess.Popen(
                [*dask, "worker", address, "--nthreads", "1", "--nworkers", "1", "--name", f"w{number}",
                 "--no-dashboard", "--death-timeout", "60"],
                env=env, stdout=subprocess.DEVNULL, stderr=(folder / f"worker-{number}.log").open("w"),
            ))
        wait_for_workers(address, workers)
        yield address
    finally:
        for process in reversed(processes):
            process.send_signal(signal.SIGTERM)
        for process in reversed(processes):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _address(scheduler_file: Path, scheduler: subprocess.Popen[bytes]) -> str:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if scheduler.poll() is not None:
            raise RuntimeError(f"dask scheduler exited with code {scheduler.returncode}")
        if scheduler_file.exists():
            try:
                return str(json.loads(scheduler_file.read_text())["address"])
            except (ValueError, KeyError):
                pass  # the file is being written
        time.sleep(0.1)
    raise TimeoutError("dask scheduler did not start")


def wait_for_workers(address: str, workers: int) -> None:
    """Block until the cluster has `workers` workers (after a kill, the nanny brings a new one)."""
    with Client(address, timeout=30) as client:
        client.wait_for_workers(workers, timeout=START_TIMEOUT)
        deadline = time.monotonic() + START_TIMEOUT
        while len(client.nthreads()) < workers and time.monotonic() < deadline:
            time.sleep(0.2)


def write_region(folder: Path, ids: list[str], infeasible: str | None = None) -> Path:
    """Small basic-level schools (a second of CP-SAT each) in two municipalities; `infeasible` gets a
    navigator who may lead one hour a week, which the norms cannot fit."""
    folder.mkdir(parents=True, exist_ok=True)
    for index, school_id in enumerate(ids):
        municipality = "Всеволожский район" if index % 2 == 0 else "Гатчинский район"
        write_profile(folder, navigator_limit=6, id=school_id, name=f"Школа {school_id}", level="basic",
                      municipality=municipality)
    if infeasible:
        write_profile(folder, navigator_limit=1, id=infeasible, name=f"Школа {infeasible}", municipality="Гатчинский район")
    return folder
