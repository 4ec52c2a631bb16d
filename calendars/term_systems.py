"""Term systems as data: quarters, trimesters, half-years, the modular year.

A school year is cut into study periods by its system (`data/calendars/
term_systems.toml`): four quarters, three trimesters, two half-years (the
usual one for grades 10–11), or modules — N weeks of study, then a week off,
as many as fit. The system names the terms, tells a term row of a document
(«II четверть», «1 триместр») by its noun, and says which vacations end a
term, so a vacation table without term rows still gives the terms.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from calendars.data_files import data_dir, read_toml
from calendars.errors import CalendarError
from calendars.fields import FieldReader
from calendars.school_periods import VacationKind
from calendars.suggest import did_you_mean


@dataclass(frozen=True)
class TermSystem:
    """One way of cutting the year: its key, Russian title, term names and the vacations that end a term."""

    key: str
    title: str
    name_pattern: str
    words: tuple[str, ...]
    count: int
    split_at: frozenset[VacationKind]

    def term_name(self, number: int) -> str:
        """«2 четверть», «3 модуль»."""
        return self.name_pattern.format(n=number)

    def names_term(self, folded_text: str) -> bool:
        """Whether a lower-cased text speaks of a term of this system («ii четверть»)."""
        return any(word in folded_text for word in self.words)

    @property
    def derivable(self) -> bool:
        """Terms can be found from the vacations alone (not for trimesters)."""
        return bool(self.split_at)


def term_systems() -> Mapping[str, TermSystem]:
    """Every term system of `data/calendars/term_systems.toml`, by key."""
    return _systems(str(data_dir()))


def term_system(key: str, where: str = "") -> TermSystem:
    """The system with this key, or a Russian error naming the known ones."""
    known = term_systems()
    if key not in known:
        prefix = f"{where}: " if where else ""
        raise CalendarError(
            f"{prefix}неизвестная система учебных периодов «{key}»: известны "
            f"{', '.join(f'{k} ({s.title})' for k, s in known.items())}.{did_you_mean(key, known)}"
        )
    return known[key]


SYSTEM_KEYS = ("title", "name", "words", "count", "split_at")
"""The keys a term system's table may hold."""


@functools.lru_cache(maxsize=8)
def _systems(root: str) -> dict[str, TermSystem]:
    path = Path(root) / "calendars" / "term_systems.toml"
    reader = FieldReader(path, CalendarError)
    result = {}
    for key, entry in read_toml(path).items():
        if not isinstance(entry, dict):
            reader.fail(key, "ожидается таблица [система].")
        reader.only(entry, key, SYSTEM_KEYS)
        kinds = []
        for kind in reader.entries(entry, "split_at", key, default=[]):
            if kind not in VacationKind.__members__.values():
                reader.fail(f"{key}.split_at", f"неизвестный вид каникул «{kind}» (известны: {', '.join(VacationKind)}).")
            kinds.append(VacationKind(kind))
        result[key] = TermSystem(
            key=key,
            title=reader.text(entry, "title", key),
            name_pattern=reader.text(entry, "name", key),
            words=tuple(str(word) for word in reader.entries(entry, "words", key)),
            count=reader.integer(entry, "count", key, low=0, high=12),
            split_at=frozenset(kinds),
        )
    return result
