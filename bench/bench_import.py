"""Seconds to import roadmaps into a fresh SQLite store: the five seeds, and a 50-page PDF beside the .txt of the same content.

The PDF is built here, as the tests build theirs (tests/document_fixtures.py,
fpdf2): the Leningrad plan (000) with its table repeated until the document
has 50 pages, every page repeating the header and rows broken across pages.
The .txt holds exactly the same paragraphs and rows, tab-separated. Each
import runs with deadline occurrences (tracking's on_stored hook), as the
`profplan import` command does. Wall-clock figures: run on a quiet machine.

    .venv/bin/python bench/bench_import.py [rounds]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import pdfplumber  # noqa: E402
from document_fixtures import Part, TableLayout, seed_parts, write_pdf  # noqa: E402

from roadmaps.importer import import_documents  # noqa: E402
from store.db import open_store  # noqa: E402
from tracking.imports import ImportTracker  # noqa: E402

PAGES = 50
TRACK_FROM = date(2020, 1, 1)  # every occurrence of the seeds is tracked: the most work an import does
SEED = ROOT / "data" / "roadmaps" / "000_a5b718c3f457eac6.txt"


def _repeated(parts: Sequence[Part], times: int) -> list[Part]:
    """The seed with its table's body rows repeated `times` times (the header once)."""
    result: list[Part] = []
    for part in parts:
        if isinstance(part, TableLayout):
            body = part.rows[part.header_rows :]
            part = TableLayout(part.width, part.rows[: part.header_rows] + body * times, part.header_rows)
        result.append(part)
    return result


def _write_text(parts: Sequence[Part], target: Path) -> Path:
    lines: list[str] = []
    for part in parts:
        if isinstance(part, str):
            lines.append(part)
            continue
        for row in part.rows:
            cells = [""] * part.width
            for span in row:
                cells[span.start] = " ".join(span.lines)
            lines.append("\t".join(cells))
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def _pages(path: Path) -> int:
    with pdfplumber.open(str(path)) as pdf:
        return len(pdf.pages)


def _build_pdf(folder: Path) -> tuple[Path, Path, int]:
    """The repeated plan as a PDF of at least PAGES pages, and the same content as .txt."""
    parts = seed_parts(SEED)
    times = 1
    while True:
        pdf = write_pdf(_repeated(parts, times), folder / "plan50.pdf")
        pages = _pages(pdf)
        if pages >= PAGES:
            return pdf, _write_text(_repeated(parts, times), folder / "plan50.txt"), pages
        times = max(times + 1, int(times * PAGES / pages))


def _timed(paths: Sequence[Path], rounds: int, folder: Path) -> tuple[list[float], list[float], int]:
    """Wall-clock and CPU seconds of each import (CPU time is the steadier figure on a shared machine)."""
    seconds, cpu = [], []
    rows = 0
    for index in range(rounds):
        engine = open_store(folder / f"bench-{paths[0].suffix[1:]}-{index}.db")
        started, started_cpu = time.perf_counter(), time.process_time()
        reports = import_documents(engine, paths, on_stored=ImportTracker(TRACK_FROM))
        seconds.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        rows = sum(report.rows for report in reports)
        engine.dispose()
    return seconds, cpu, rows


def _line(label: str, seconds: list[float], cpu: list[float], rows: int) -> str:
    return (f"{label:<40} {rows:>5} rows   wall best {min(seconds):7.3f} s, median {statistics.median(seconds):7.3f} s"
            f"   CPU median {statistics.median(cpu):7.3f} s")


def main(rounds: int) -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        seeds = sorted((ROOT / "data" / "roadmaps").glob("*.txt"))
        print(_line(f"5 seed documents (.txt), {rounds} runs", *_timed(seeds, rounds, folder)))
        built = time.perf_counter()
        pdf, text, pages = _build_pdf(folder)
        print(f"built a {pages}-page PDF ({pdf.stat().st_size // 1024} KiB) in {time.perf_counter() - built:.1f} s")
        measure: list[tuple[str, Callable[[], tuple[list[float], list[float], int]]]] = [
            (f"{pages}-page plan as .txt", lambda: _timed([text], rounds, folder)),
            (f"{pages}-page plan as PDF", lambda: _timed([pdf], rounds, folder)),
        ]
        results = {label: run() for label, run in measure}
        for label, result in results.items():
            print(_line(label, *result))
        (_, txt_cpu, txt_rows), (_, pdf_cpu, pdf_rows) = results.values()
        if txt_rows != pdf_rows:
            print(f"WARNING: the PDF read to {pdf_rows} rows, the .txt to {txt_rows}")
        print(f"PDF / .txt (CPU): {statistics.median(pdf_cpu) / statistics.median(txt_cpu):.1f}× "
              f"({statistics.median(pdf_cpu) / pages * 1000:.0f} ms CPU per page)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
