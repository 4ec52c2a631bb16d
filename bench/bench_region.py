"""Benchmark of a region run on Dask: 1 worker against 2 on the same generated region, side by side.

Generates a region (bench/region_gen.py), loads it into a fresh store and
solves every school with a local cluster of each size in --workers (each run
re-solves everything, --force), then prints per run: wall time of the batch
(cluster start excluded, printed apart), schools per minute, the per-school
solve times, and the client's memory (RSS) after the first tenth of the
schools and at the end — it must stay flat, results are streamed to the store.
Then: the speed-up of 2 workers over 1 (target ≥ 1.7× on 2 cores), whether
both runs gave the same statuses and gaps (the seed fixes the timetable
whatever the number of workers), and the time projected for 400 schools on
2, 8 and 32 workers from the measured per-school times (longest school first
onto the least loaded worker, the way the batch hands them out, scaled by the
overhead measured with 2 workers).

    .venv/bin/python bench/bench_region.py [--schools 40] [--workers 1,2] [--time-limit 30] [--seed 1] [--db URL]
"""

from __future__ import annotations

import argparse
import heapq
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from region_gen import write_region  # noqa: E402

from region.batch import BatchOptions, BatchReport, Selection, run_batch, select_schools  # noqa: E402
from region.cluster import ClusterSpec, Connected, open_cluster  # noqa: E402
from region.outcome import Outcome  # noqa: E402
from store.db import open_store  # noqa: E402

PROJECTED_SCHOOLS = 400
TARGET_SPEEDUP = 1.7
TARGET_MINUTES = 10.0
MB = 1024 * 1024


@dataclass
class MemorySampler:
    """A batch listener that samples the client's resident memory as schools finish."""

    total: int
    samples: list[float] = field(default_factory=list)

    def begin(self, total: int, cluster: Connected) -> None:
        self.total = total

    def started(self, school: str, worker: str) -> None:
        return None

    def retrying(self, outcome: Outcome) -> None:
        print(f"  повтор {outcome.school}: {outcome.kind.russian} — {outcome.reason}", flush=True)

    def finished(self, outcome: Outcome) -> None:
        self.samples.append(psutil.Process().memory_info().rss / MB)
        if not outcome.kind.succeeded:
            print(f"  {outcome.school}: {outcome.kind.russian} — {(outcome.reason or '').splitlines()[0]}", flush=True)

    def tick(self) -> None:
        return None

    def end(self) -> None:
        return None

    def at(self, share: float) -> float:
        return self.samples[max(0, int(share * len(self.samples)) - 1)] if self.samples else 0.0


@dataclass(frozen=True)
class Run:
    workers: int
    start_seconds: float
    report: BatchReport
    memory: MemorySampler

    @property
    def times(self) -> list[float]:
        return [o.seconds for o in self.report.outcomes if o.seconds is not None]


def run(selection: Selection, engine_url: str, workers: int, options: BatchOptions) -> Run:
    engine = open_store(engine_url)
    began = time.perf_counter()
    with open_cluster(ClusterSpec(workers=workers)) as connected:
        started = time.perf_counter() - began
        memory = MemorySampler(selection.total)
        report = run_batch(engine, connected, selection, options, memory)
    return Run(workers, started, report, memory)


def makespan(times: list[float], workers: int) -> float:
    """Seconds to run these solves on `workers`, longest first onto the least loaded worker."""
    loads = [0.0] * workers
    for seconds in sorted(times, reverse=True):
        heapq.heappush(loads, heapq.heappop(loads) + seconds)
    return max(loads)


def region_times(times: list[float], count: int) -> list[float]:
    """Per-school times of a `count`-school region drawn like the measured one (the sample repeated)."""
    return [times[index % len(times)] for index in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=40)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated region and of the solver")
    parser.add_argument("--db", help="database URL (default: a fresh SQLite file in a temporary folder)")
    args = parser.parse_args()
    sizes = [int(n) for n in args.workers.split(",")]

    with tempfile.TemporaryDirectory(prefix="bench-region-") as scratch:
        folder = Path(scratch) / "schools"
        write_region(folder, args.schools, args.seed)
        url = args.db or f"sqlite:///{Path(scratch) / 'region.db'}"
        selection = select_schools(open_store(url), None, folder)
        options = BatchOptions(time_limit=args.time_limit, seed=args.seed, force=True)
        print(f"Регион: {args.schools} школ (region_gen --seed {args.seed}), предел {args.time_limit:g} с на школу, база {url}")
        print(f"{'workers':>7} {'start,s':>7} {'batch,s':>8} {'solved':>6} {'failed':>6} {'schools/min':>11} "
              f"{'mean,s':>7} {'median,s':>8} {'max,s':>7} {'RSS@10%,MB':>10} {'RSS@end,MB':>10}", flush=True)
        runs = []
        for workers in sizes:
            result = run(selection, url, workers, options)
            runs.append(result)
            report, times = result.report, result.times
            print(f"{workers:>7} {result.start_seconds:>7.1f} {report.seconds:>8.1f} {len(report.outcomes) - len(report.failures):>6} "
                  f"{len(report.failures):>6} {report.schools_per_minute:>11.1f} {statistics.mean(times):>7.2f} "
                  f"{statistics.median(times):>8.2f} {max(times):>7.2f} {result.memory.at(0.1):>10.0f} "
                  f"{result.memory.at(1.0):>10.0f}", flush=True)
    summarise(runs)


def summarise(runs: list[Run]) -> None:
    by_workers = {run.workers: run for run in runs}
    if 1 in by_workers and 2 in by_workers:
        one, two = by_workers[1], by_workers[2]
        speedup = one.report.seconds / two.report.seconds
        print(f"2 исполнителя против 1: в {speedup:.2f} раза быстрее (цель ≥ {TARGET_SPEEDUP}×: "
              f"{'да' if speedup >= TARGET_SPEEDUP else 'нет'})")
        same = sum(1 for a, b in zip(_by_school(one), _by_school(two), strict=True) if a == b)
        print(f"одинаковые статусы и отрыв с 1 и 2 исполнителями: {same} из {len(one.report.outcomes)} школ")
    base = by_workers.get(2) or runs[-1]
    overhead = base.report.seconds / makespan(base.times, base.workers)
    times = region_times(base.times, PROJECTED_SCHOOLS)
    print(f"прогноз для {PROJECTED_SCHOOLS} школ по времени школ прогона с {base.workers} исп. "
          f"(накладные расходы ×{overhead:.2f}):")
    for workers in (2, 8, 32):
        minutes = makespan(times, workers) * overhead / 60
        target = f" (цель ≤ {TARGET_MINUTES:g} мин: {'да' if minutes <= TARGET_MINUTES else 'нет'})" if workers == 2 else ""
        print(f"  {workers:>2} исполнителей: {minutes:6.1f} мин, {PROJECTED_SCHOOLS / minutes:6.1f} школ в минуту{target}")
    growth = base.memory.at(1.0) - base.memory.at(0.1)
    print(f"память клиента: {base.memory.at(0.1):.0f} МБ после первой десятой школ, {base.memory.at(1.0):.0f} МБ в конце "
          f"(прирост {growth:+.0f} МБ)")


def _by_school(run: Run) -> list[tuple[str, str, str | None, float | None]]:
    return sorted((o.school, o.kind.value, o.status, None if o.gap is None else round(o.gap, 6)) for o in run.report.outcomes)


if __name__ == "__main__":
    main()
