"""Seconds to import all five seed roadmaps into a fresh SQLite store (and to re-import them unchanged)."""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from roadmaps.importer import import_documents  # noqa: E402
from store.db import open_store  # noqa: E402
from tracking.imports import ImportTracker  # noqa: E402

ROUNDS = 3
TRACK_FROM = date(2020, 1, 1)  # every occurrence of the seeds is tracked: the most work an import does


def main() -> None:
    seeds = sorted((ROOT / "data" / "roadmaps").glob("*.txt"))
    first, again = [], []
    for _ in range(ROUNDS):
        with tempfile.TemporaryDirectory() as folder:
            engine = open_store(Path(folder) / "bench.db")
            started = time.perf_counter()
            reports = import_documents(engine, seeds, on_stored=ImportTracker(TRACK_FROM))
            first.append(time.perf_counter() - started)
            started = time.perf_counter()
            import_documents(engine, seeds, on_stored=ImportTracker(TRACK_FROM))
            again.append(time.perf_counter() - started)
            engine.dispose()
    rows = sum(report.rows for report in reports)
    print(f"import of {len(seeds)} seed documents ({rows} rows, with deadline occurrences): "
          f"best {min(first):.3f} s, median {sorted(first)[ROUNDS // 2]:.3f} s over {ROUNDS} runs")
    print(f"re-import unchanged: best {min(again):.3f} s")


if __name__ == "__main__":
    main()
