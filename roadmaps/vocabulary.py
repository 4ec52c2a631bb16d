"""The words roadmap tables are read by, kept as data: column headers (`data/vocabulary/headers.toml`).

Documents name their columns in many ways («Сроки», «Срок исполнения»,
«Ориентировочное время проведения»; «Мероприятие», «Дела, события,
мероприятия»); the synonyms are data a committee can extend without a code
change. The file is read once per data folder.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from calendars.data_files import data_dir, read_toml
from calendars.fields import FieldReader
from roadmaps.document import Role
from roadmaps.errors import RoadmapError

HEADERS_FILE = Path("vocabulary") / "headers.toml"


@dataclass(frozen=True)
class ColumnRule:
    """How a header cell is recognised as holding one role."""

    role: Role
    exact: frozenset[str]
    starts: tuple[str, ...]
    contains: tuple[str, ...]
    examples: tuple[str, ...] = ()

    def matches(self, label: str) -> bool:
        return label.replace(" ", "") in self.exact or label.startswith(self.starts) or any(stem in label for stem in self.contains)


@dataclass(frozen=True)
class HeaderVocabulary:
    """The column rules in the order they are tried."""

    rules: tuple[ColumnRule, ...]
    source: Path

    def role_of(self, label: str) -> Role:
        """The role of a header cell, EXTRA when no rule matches."""
        text = normalise_label(label)
        return next((rule.role for rule in self.rules if rule.matches(text)), Role.EXTRA)

    def examples(self, role: Role) -> tuple[str, ...]:
        """How documents name a role's column, for messages."""
        return next((rule.examples for rule in self.rules if rule.role is role), ())


def normalise_label(label: str) -> str:
    """A header as compared: lower case, «ё» as «е», hyphenation and edge punctuation removed, single spaces."""
    text = label.lower().replace("ё", "е").replace("\u00ad", "")
    text = re.sub(r"(\w)-\s+(\w)", r"\1\2", text)  # "мероприя- тия" broken inside the cell
    text = re.sub(r"\s*/\s*", "/", text)
    text = re.sub(r"\s+", " ", text)
    return text.strip(" .:*")


def headers() -> HeaderVocabulary:
    """The header vocabulary of the data folder in use."""
    return _headers(str(data_dir()))


@functools.lru_cache(maxsize=4)
def _headers(root: str) -> HeaderVocabulary:
    path = Path(root) / HEADERS_FILE
    reader = FieldReader(path, RoadmapError)
    rules = []
    for index, entry in enumerate(reader.tables(read_toml(path), "column")):
        where = f"column[{index}]"
        role_name = str(reader.value(entry, "role", where))
        try:
            role = Role(role_name)
        except ValueError:
            reader.fail(f"{where}.role", f"неизвестная роль «{role_name}» (допустимы: {', '.join(r.value for r in Role if r is not Role.EXTRA)})")
        stems = {key: tuple(normalise_label(str(text)) for text in entry.get(key, [])) for key in ("exact", "starts", "contains")}
        if not any(stems.values()):
            reader.fail(where, "нужен хотя бы один из списков exact, starts, contains")
        examples = tuple(str(text) for text in entry.get("examples", []))
        rules.append(ColumnRule(role, frozenset(text.replace(" ", "") for text in stems["exact"]), stems["starts"], stems["contains"], examples))
    return HeaderVocabulary(tuple(rules), path)
