"""The regions profplan knows: every federal subject, its ISO 3166-2:RU code, Russian name and time zone.

Data: `data/calendars/regions.toml` (89 subjects, 11 UTC offsets). Each
region's dates are per school year elsewhere (`academic`); what lives here is
what never changes with the year: who the region is and what time it keeps.
A code typed wrong is an error naming the closest codes and names, never a
silent federal fallback.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from calendars.data_files import data_dir, read_toml
from calendars.errors import CalendarError
from calendars.fields import FieldReader
from calendars.suggest import closest


@dataclass(frozen=True)
class Region:
    """A federal subject: its code, Russian name, IANA time zone and usual term system.

    `iso` is False for the subjects ISO 3166-2:RU has no code for; `aliases`
    are other spellings of the code in use (RU-DON for RU-DPR).
    """

    code: str
    name: str
    timezone: str
    iso: bool = True
    aliases: tuple[str, ...] = ()
    terms: str = "quarters"


def regions() -> Mapping[str, Region]:
    """Every region of `data/calendars/regions.toml`, by code."""
    return _regions(str(data_dir()))


REGION_KEYS = ("name", "timezone", "iso", "aliases", "terms")
"""The keys a region's table may hold (FieldReader.only refuses others, naming the closest)."""


@functools.lru_cache(maxsize=8)
def _regions(root: str) -> dict[str, Region]:
    """The regions file of one data folder, read once (deadline expansion asks for every date)."""
    path = Path(root) / "calendars" / "regions.toml"
    reader = FieldReader(path, CalendarError)
    result = {}
    for code, entry in read_toml(path).items():
        if not isinstance(entry, dict):
            reader.fail(code, "ожидается таблица [код региона].")
        reader.only(entry, code, REGION_KEYS)
        result[code] = Region(
            code=code,
            name=reader.text(entry, "name", code),
            timezone=reader.text(entry, "timezone", code),
            iso=reader.flag(entry, "iso", code, default=True),
            aliases=tuple(str(alias).upper() for alias in reader.entries(entry, "aliases", code, default=[])),
            terms=reader.text(entry, "terms", code, default="quarters"),
        )
    return result


def region(code: str) -> Region:
    """The region with this code (or alias), or a Russian error naming the closest known ones."""
    known = regions()
    normalized = (code or "").strip().upper()
    if normalized in known:
        return known[normalized]
    for candidate in known.values():
        if normalized in candidate.aliases:
            return candidate
    raise CalendarError(f"Неизвестный регион «{code}».{_suggestion(code, known)}")


def _suggestion(typed: str, known: Mapping[str, Region]) -> str:
    """Close codes (RU-LNE → RU-LEN) and regions whose name holds what was typed («Татар» → RU-TA)."""
    by_name = {f"{entry.name}": entry.code for entry in known.values()}
    codes = closest(typed.strip().upper(), known, limit=3)
    names = [by_name[name] for name in closest(typed.strip(), by_name, limit=3)]
    found = list(dict.fromkeys([*codes, *names]))[:4]
    listed = ", ".join(f"{code} ({known[code].name})" for code in found)
    if listed:
        return f" Возможно, имелось в виду: {listed}."
    return f" Коды регионов — ISO 3166-2:RU, например RU-LEN; весь список: profplan calendar regions ({len(known)} регионов)."
