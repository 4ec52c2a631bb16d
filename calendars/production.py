"""Russia's production calendar (производственный календарь) for a school year's two years, from `holidays`.

The `holidays` library is the source of truth, but to give one country it
imports all of its ~250 (vacanza/holidays#998): about half a second, as long
as a light command such as `profplan calendar` may take in all (≤ 0.5 s,
bench/bench_startup.py). Its answer depends only on the installed release,
so it is kept as a small JSON file in the user's cache folder
(`$XDG_CACHE_HOME/profplan`, as the XDG Base Directory spec puts caches),
keyed by the year pair and by the installed files of `holidays` (path, size
and modification time, read without importing it): upgrading the library
computes it afresh. A cache that cannot be read or written only means
computing it every time; it never changes an answer.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

CACHE_FORMAT = 1


@dataclass(frozen=True)
class ProductionCalendar:
    """Public holidays (with their Russian names) and the weekends made working days by a transfer of days off."""

    holidays: dict[date, str]
    working_weekends: frozenset[date]


@functools.lru_cache(maxsize=16)
def production_calendar(first: int, second: int) -> ProductionCalendar:
    """The production calendar of the years `first` and `second` (a school year spans two)."""
    key = _installation_key(first, second)
    path = _cache_dir() / f"production-RU-{first}-{second}.json"
    cached = _read(path, key)
    if cached is not None:
        return cached
    import holidays

    production = holidays.country_holidays("RU", years=[first, second], language="ru")
    calendar = ProductionCalendar(dict(sorted(production.items())), frozenset(production.weekend_workdays))
    _write(path, key, calendar)
    return calendar


def _cache_dir() -> Path:
    cache_home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache_home) / "profplan"


def _installation_key(first: int, second: int) -> list[object]:
    """What identifies the answer: the years and the installed `holidays` files that compute Russia's days."""
    spec = importlib.util.find_spec("holidays")
    if spec is None or spec.origin is None:
        return [CACHE_FORMAT, first, second]
    package = Path(spec.origin).parent
    stamps: list[object] = [CACHE_FORMAT, first, second, str(package)]
    for part in ("__init__.py", "countries/russia.py", "locale/ru/LC_MESSAGES/RU.mo"):
        try:
            stat = (package / part).stat()
        except OSError:
            continue
        stamps += [part, stat.st_size, stat.st_mtime_ns]
    return stamps


def _read(path: Path, key: list[object]) -> ProductionCalendar | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("key") != key:
            return None
        return ProductionCalendar(
            {date.fromisoformat(day): name for day, name in data["holidays"].items()},
            frozenset(date.fromisoformat(day) for day in data["working_weekends"]),
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _write(path: Path, key: list[object], calendar: ProductionCalendar) -> None:
    """Write the file whole or not at all (a temporary file renamed over it), so a reader never sees half of it."""
    data = {
        "key": key,
        "holidays": {day.isoformat(): name for day, name in calendar.holidays.items()},
        "working_weekends": sorted(day.isoformat() for day in calendar.working_weekends),
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, name = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    except OSError:
        return
    temporary = Path(name)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            json.dump(data, file, ensure_ascii=False)
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)
