"""The words roadmap tables are read by, kept as data: column headers (`data/vocabulary/headers.toml`)
and executors (`data/vocabulary/executors.toml`).

Documents name their columns in many ways («Сроки», «Срок исполнения»,
«Ориентировочное время проведения»; «Мероприятие», «Дела, события,
мероприятия»); the synonyms are data a committee can extend without a code
change; the same goes for the ways one executor is written («Зам. директора
по ВР», «Заместитель директора по ВР») and for who only takes part (pupils,
parents). Each file is read once per data folder.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
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


EXECUTORS_FILE = Path("vocabulary") / "executors.toml"
_WORD_RE = re.compile(r"[^\W_]+")


def words_of(text: str) -> list[str]:
    """Words as executor forms are compared: lower case, «ё» as «е», punctuation and hyphens only separate."""
    return [word.replace("ё", "е") for word in _WORD_RE.findall(text.lower())]


@dataclass(frozen=True)
class ExecutorRole:
    """A role executors are named by, with every way documents write it (each form as its words)."""

    name: str
    forms: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class ExecutorVocabulary:
    roles: tuple[ExecutorRole, ...]
    phrases: tuple[tuple[re.Pattern[str], str], ...]
    participants: tuple[tuple[str, ...], ...]
    endings: frozenset[str]
    min_stem: int
    source: Path

    def role_at(self, words: Sequence[str], index: int) -> tuple[ExecutorRole, int] | None:
        """The role whose longest form starts at words[index], with that form's length in words."""
        best: tuple[ExecutorRole, int] | None = None
        for role in self.roles:
            for form in role.forms:
                if tuple(words[index : index + len(form)]) == form and (best is None or len(form) > best[1]):
                    best = (role, len(form))
        return best

    def is_participant(self, text: str) -> bool:
        found = words_of(text)
        return any(tuple(found[: len(form)]) == form for form in self.participants)


def executor_vocabulary() -> ExecutorVocabulary:
    """The executor vocabulary of the data folder in use."""
    return _executors(str(data_dir()))


@functools.lru_cache(maxsize=4)
def _executors(root: str) -> ExecutorVocabulary:
    path = Path(root) / EXECUTORS_FILE
    table = read_toml(path)
    reader = FieldReader(path, RoadmapError)
    roles = []
    for index, entry in enumerate(reader.tables(table, "role", default=[])):
        where = f"role[{index}]"
        forms = tuple(tuple(words_of(str(form))) for form in reader.entries(entry, "forms", where))
        roles.append(ExecutorRole(reader.text(entry, "name", where), tuple(form for form in forms if form)))
    phrases = tuple(
        (re.compile(r"\b" + r"[\s.\-]+".join(map(re.escape, words_of(reader.text(entry, "text", f"phrase[{index}]")))) + r"\b", re.IGNORECASE),
         reader.text(entry, "as", f"phrase[{index}]"))
        for index, entry in enumerate(reader.tables(table, "phrase", default=[]))
    )
    participants = reader.table(table, "participants", default={})
    broken = reader.table(table, "broken_words", default={})
    return ExecutorVocabulary(
        roles=tuple(roles),
        phrases=phrases,
        participants=tuple(tuple(words_of(str(form))) for form in participants.get("forms", [])),
        endings=frozenset(str(ending) for ending in broken.get("endings", [])),
        min_stem=reader.integer(broken, "min_stem", "broken_words", default=4),
        source=path,
    )
