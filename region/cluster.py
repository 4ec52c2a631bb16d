"""Which Dask cluster a region run uses: one started for the run, or a running one at an address.

Both give a `Client`, and the batch does not know which it has. The local
cluster is processes with one thread each (one school per core), as many as
the machine has cores unless told, configured the way the batch expects
every cluster to be:

- `allowed-failures: 0` — a worker that dies while solving a school fails
  that task at once with `KilledWorker`, and the batch retries it once on
  another worker itself (Dask's default of 3 silent retries would let one
  poisonous school kill three workers before anyone hears of it);
- `worker-saturation: 1.0` — a worker holds only the school it is solving,
  so a long school never keeps a short one waiting behind it while another
  worker is idle.

A running cluster (`dask scheduler`, `dask worker` on any machines) keeps its
own configuration; start its scheduler with
`DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES=0` for the same behaviour.

The dashboard (bokeh) serves its scripts from the scheduler itself, so it
works with no internet; when bokeh is not installed there is no dashboard and
the run says so.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.util import find_spec

import dask
from distributed import Client, LocalCluster

from region.errors import RegionError

LOCAL_CONFIG = {
    "distributed.scheduler.allowed-failures": 0,
    "distributed.scheduler.worker-saturation": 1.0,
}
CONNECT_TIMEOUT = 15.0
WORKERS_TIMEOUT = 60.0


@dataclass(frozen=True)
class ClusterSpec:
    """`scheduler`: address of a running cluster (tcp://HOST:PORT), None to start a local one.

    `workers`: the local cluster's size (default: the machine's cores); with a
    scheduler, how many workers to wait for before starting (default: one).
    `timeout`: seconds to keep trying to reach the scheduler.
    """

    scheduler: str | None = None
    workers: int | None = None
    timeout: float = CONNECT_TIMEOUT

    def describe(self) -> str:
        return self.scheduler or "локальный кластер Dask"


@dataclass(frozen=True)
class Connected:
    """An open cluster: its client, and what to tell the user about it."""

    client: Client
    spec: ClusterSpec
    dashboard: str | None
    note: str | None

    def workers(self) -> dict[str, str]:
        """Address → name of every connected worker."""
        return {address: str(info.get("name", address))
                for address, info in self.client.scheduler_info(n_workers=-1)["workers"].items()}

    def threads(self) -> int:
        return sum(self.client.nthreads().values())


@contextmanager
def open_cluster(spec: ClusterSpec) -> Iterator[Connected]:
    """Connect to the cluster (starting a local one), and shut down what was started at the end."""
    if spec.workers is not None and spec.workers < 1:
        raise RegionError(f"--workers: нужен хотя бы один исполнитель (указано {spec.workers}).")
    if spec.scheduler:
        client = _connect(spec.scheduler, spec.timeout)
        try:
            _wait_for_workers(client, spec)
            yield Connected(client, spec, _dashboard(client), None)
        finally:
            client.close()
        return
    with dask.config.set(LOCAL_CONFIG):
        cluster = LocalCluster(n_workers=spec.workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                               dashboard_address="127.0.0.1:0", silence_logs=logging.CRITICAL)
    try:
        client = Client(cluster)
        try:
            note = None if find_spec("bokeh") else "панель Dask отключена: не установлен пакет bokeh."
            yield Connected(client, spec, _dashboard(client), note)
        finally:
            client.close()
    finally:
        cluster.close()


def _connect(address: str, timeout: float) -> Client:
    try:
        return Client(address, timeout=timeout)
    except (OSError, TimeoutError, ValueError) as exc:
        raise RegionError(f"Не удалось подключиться к планировщику Dask {address}: {exc}") from None


def _wait_for_workers(client: Client, spec: ClusterSpec) -> None:
    wanted = spec.workers or 1
    try:
        client.wait_for_workers(wanted, timeout=WORKERS_TIMEOUT)
    except TimeoutError:
        have = len(client.nthreads())
        raise RegionError(
            f"К планировщику {spec.scheduler} за {WORKERS_TIMEOUT:g} с подключилось исполнителей: {have} из {wanted}; "
            "запустите dask worker на машинах кластера."
        ) from None


def _dashboard(client: Client) -> str | None:
    """The dashboard's address, or None when the scheduler runs none."""
    if "dashboard" not in client.scheduler_info(n_workers=0).get("services", {}):
        return None
    return str(client.dashboard_link)
