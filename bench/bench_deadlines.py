"""Benchmark of the deadline grammar: phrases parsed and occurrences expanded per second.

Parses every deadline phrase of DOMAIN.md, every seed roadmap cell (the
lists in tests/test_deadlines_seeds.py) and every form of real plans beyond
the seeds (tests/test_deadlines_forms.py) many times, then expands them with
and without school terms. Prints the rates; asserts nothing.

    .venv/bin/python bench/bench_deadlines.py [rounds]
"""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from calendars.academic import region_calendars  # noqa: E402
from calendars.deadlines import parse_deadline  # noqa: E402
from calendars.school_year import SchoolYear  # noqa: E402


def _module(name: str):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(name, ROOT / "tests" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _phrases() -> list[tuple[str, SchoolYear | None]]:
    """The phrase lists of the seed and form test modules, each with the school year it is read in."""
    seeds, forms = _module("test_deadlines_seeds"), _module("test_deadlines_forms")
    domain = [(phrase, seeds.SY_2023) for phrase in seeds.DOMAIN_PHRASES]
    cells = [(cell, seeds.school_year_of(document)) for document, cell, *_ in seeds.SEED_CELLS]
    new = [(text, SchoolYear(first) if first else None) for text, first in forms.FORMS]
    return domain + cells + new


def main(rounds: int) -> None:
    phrases = _phrases()
    started = time.perf_counter()
    for _ in range(rounds):
        specs = [parse_deadline(text, school_year) for text, school_year in phrases]
    parse_seconds = time.perf_counter() - started
    parsed = rounds * len(phrases)
    print(f"{len(phrases)} фраз × {rounds} повторов = {parsed} разборов за {parse_seconds:.2f} с")
    print(f"разбор: {parsed / parse_seconds:,.0f} фраз/с".replace(",", " "))
    for label, terms in (("без календаря региона", None), ("по календарю RU-LEN", region_calendars("RU-LEN"))):
        started = time.perf_counter()
        expanded = sum(len(spec.occurrences(terms)) for _ in range(rounds) for spec in specs)
        seconds = time.perf_counter() - started
        print(f"развёртывание {label}: {expanded} сроков за {seconds:.2f} с — {expanded / seconds:,.0f} сроков/с".replace(",", " "))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
