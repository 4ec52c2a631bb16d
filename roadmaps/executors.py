"""Executor cells (ответственные исполнители): split into organisations, and keyed.

A committee tracks items by who must do them, so the same organisation has to
be recognised however a document wrote it: inside ``<ul><li>`` fragments left
by an HTML export, after a bullet "•" or a dash, with «», "" or „“ quotes, or
with a stray closing quote (001 writes "…Ленинградской области»,"). A cell is
split at bullets, line breaks and ";" and at the commas that separate
organisations — not at commas inside parentheses or quotes, and not before a
participle or genitive phrase that continues the previous name ("Органы
местного самоуправления, осуществляющие управление в сфере образования").

The rules of `data/vocabulary/executors.toml` then apply: a numbered list
(«1) Директор 2) Завуч») is one executor per entry; a word cut by a page
(«профориентационн ого») is rejoined; known roles written one after another
without separators are split; variant spellings («Зам. директора по ВР»,
«Замдиректора по воспитательной работе») become one name; pupils and
parents are participants, not executors.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from roadmaps.numbered import split_numbered
from roadmaps.vocabulary import ExecutorVocabulary, executor_vocabulary

_TAG_RE = re.compile(r"<[^<>]*>")
_SPACE_RE = re.compile(r"[ \t\u00a0\u2007\u202f]+")
_BULLETS = "•·▪●◦‣∙"
# Bullets and ";" always separate executors; so does a line break inside a cell.
_SEPARATOR_RE = re.compile(rf"[\n;{_BULLETS}]+")
_LEADING_NOISE_RE = re.compile(rf"^[\s\-–—*,.:;{_BULLETS}]+")
_TRAILING_NOISE_RE = re.compile(r"[\s,.;:\-–—]+$")
# A comma-separated fragment that starts like this continues the previous
# name: a participle ("осуществляющие", "участвующие", "прошедшие"),
# "ответственные за …", a genitive adjective ("дополнительного образования"),
# or a preposition / "в том числе".
_CONTINUATION_RE = re.compile(
    r"^(?:[а-яё]*(?:ющ|ящ|ущ|ащ|вш)[а-яё]*"
    r"|ответственн[а-яё]*"
    r"|[а-яё]+(?:ого|его)"
    r"|в том числе|включая"
    r"|(?:в|во|на|по|при|для|из|с|со|за|под|без|через)(?=\s))\b"
)
_WORD_RE = re.compile(r"[^\W_]+")
_BROKEN_RE = re.compile(r"([^\W\d_]+) ([а-яё]{2,3})\b")
_VOWELS = frozenset("аеёиоуыэюяьъй")
_OPENING_QUOTES = "«„"
_CLOSING_QUOTES = "»”"
_ALL_QUOTES_RE = re.compile(r'[«»„“”"]')


def strip_markup(text: str) -> str:
    """Plain text of a cell exported with HTML: tags become line breaks, entities are decoded.

    A tag (``<ul …>``, ``<li>``, ``<p>``) always marks a boundary between list
    entries in the exports, so it becomes a line break rather than vanishing.
    """
    text = _TAG_RE.sub("\n", text)
    return html.unescape(text).replace("\u00ad", "")


@dataclass(frozen=True)
class ExecutorCell:
    """Who a cell names: the executors who answer for the item, and the participants who only take part."""

    executors: tuple[str, ...]
    participants: tuple[str, ...]


def read_executors(text: str) -> ExecutorCell:
    """The executors and participants of a cell, in order, each once, with their display names."""
    vocabulary = executor_vocabulary()
    executors: list[str] = []
    participants: list[str] = []
    seen: set[str] = set()
    for fragment in _fragments(strip_markup(text)):
        for piece in _split_roles(_rejoin_broken_words(fragment, vocabulary), vocabulary):
            name = _display_name(canonical_name(piece, vocabulary))
            key = executor_key(name)
            if key and key not in seen:
                seen.add(key)
                (participants if vocabulary.is_participant(name) else executors).append(name)
    return ExecutorCell(tuple(executors), tuple(participants))


def split_executors(text: str) -> list[str]:
    """Clean display names of the executors in a cell, in order, without duplicates (participants left out)."""
    return list(read_executors(text).executors)


def canonical_name(name: str, vocabulary: ExecutorVocabulary | None = None) -> str:
    """A name written the vocabulary's way: its role's name for the form it starts with, phrases replaced."""
    vocabulary = vocabulary or executor_vocabulary()
    words = list(_WORD_RE.finditer(name))
    found = vocabulary.role_at([word.group().lower().replace("ё", "е") for word in words], 0)
    text = name
    if found is not None:
        role, length = found
        text = role.name + name[words[length - 1].end() :]
    for pattern, replacement in vocabulary.phrases:
        text = pattern.sub(replacement, text)
    return text


def _rejoin_broken_words(text: str, vocabulary: ExecutorVocabulary) -> str:
    """«профориентационн ого» → «профориентационного»: an ending cut off by a page or a line."""

    def join(match: re.Match[str]) -> str:
        stem, ending = match.group(1), match.group(2)
        if ending in vocabulary.endings and len(stem) >= vocabulary.min_stem and stem[-1].lower() not in _VOWELS:
            return stem + ending
        return match.group()

    return _BROKEN_RE.sub(join, text)


def _split_roles(text: str, vocabulary: ExecutorVocabulary) -> list[str]:
    """Known roles one after another without separators: cut where a capitalised form starts (outside brackets)."""
    words = list(_WORD_RE.finditer(text))
    folded = [word.group().lower().replace("ё", "е") for word in words]
    cuts = [
        word.start()
        for index, word in enumerate(words)
        if index > 0 and word.group()[0].isupper() and vocabulary.role_at(folded, index) and _depth(text[: word.start()]) == 0
    ]
    bounds = [0, *cuts, len(text)]
    return [text[start:end].strip(" ,") for start, end in zip(bounds, bounds[1:], strict=False) if text[start:end].strip(" ,")]


def _depth(prefix: str) -> int:
    """How many brackets and «» quotes are open at the end of the prefix."""
    return max(prefix.count("(") - prefix.count(")"), 0) + max(prefix.count("«") - prefix.count("»"), 0)


_FORM_AND_NAME_RE = re.compile(r"^\s*((?:[А-ЯЁA-Z]{2,5}\s+)+)([А-ЯЁа-яёA-Za-z]{2,}(?:\s+[А-ЯЁа-яёA-Za-z]+){2,})[\s.,;:]*$")


def _acronym(match: re.Match[str]) -> str:
    words = match.group(2).split()
    return match.group(1) + "".join(word[0] for word in words).upper()


def executor_key(name: str) -> str:
    """Canonical key: the same organisation written two ways gives the same key.

    Case, quotes (balanced or not), spacing, dash variants, bullets and trailing
    punctuation do not matter; words and the unit in parentheses do. After a
    legal form in capitals (ГАОУ ДПО, ГБПОУ ЛО…) a name of three or more words
    is keyed by its acronym, the way orders abbreviate it: ГАОУ ДПО
    «Ленинградский областной институт развития образования» and ГАОУ ДПО
    «ЛОИРО» are one executor. Variant spellings of a role are one key too
    («Зам. директора по ВР», «Заместитель директора по воспитательной работе»).
    """
    text = _ALL_QUOTES_RE.sub("", canonical_name(strip_markup(name)))
    text = _FORM_AND_NAME_RE.sub(_acronym, text)
    text = text.lower().replace("ё", "е")
    text = re.sub(r"[‐‑‒–—−]", "-", text)
    text = _tidy_spacing(text)
    text = _LEADING_NOISE_RE.sub("", text)
    return _TRAILING_NOISE_RE.sub("", text)


def _fragments(text: str) -> list[str]:
    """Cut a cell into candidate names, then glue back the pieces that continue a name."""
    pieces: list[str] = []
    entries = split_numbered(text)
    chunks = [chunk for entry in entries for chunk in _SEPARATOR_RE.split(entry)] if entries else _SEPARATOR_RE.split(text)
    for chunk in chunks:
        chunk = _LEADING_NOISE_RE.sub("", _SPACE_RE.sub(" ", chunk).strip())
        pieces.extend(part.strip() for part in _split_top_level_commas(chunk))
    fragments: list[str] = []
    for piece in pieces:
        if not piece:
            continue
        if fragments and _CONTINUATION_RE.match(piece) and not executor_vocabulary().is_participant(piece):  # "обучающиеся" is a participle too
            fragments[-1] = f"{fragments[-1]}, {piece}"
        else:
            fragments.append(piece)
    return fragments


def _split_top_level_commas(text: str) -> list[str]:
    """Split at commas outside parentheses and quotes.

    If the quotes in the text do not balance, they cannot be trusted to delimit
    anything, so only parentheses are honoured.
    """
    parts, balanced = _split_commas(text, honour_quotes=True)
    return parts if balanced else _split_commas(text, honour_quotes=False)[0]


def _split_commas(text: str, *, honour_quotes: bool) -> tuple[list[str], bool]:
    """The comma-separated parts at nesting depth zero, and whether the quotes balanced."""
    parts: list[str] = []
    start = 0
    parens = quotes = 0
    straight_open = False
    for index, char in enumerate(text):
        if char == "(":
            parens += 1
        elif char == ")":
            parens = max(parens - 1, 0)
        elif honour_quotes and char in _OPENING_QUOTES:
            quotes += 1
        elif honour_quotes and char in _CLOSING_QUOTES:
            # A closing quote with nothing open is a stray one: ignore it.
            quotes = max(quotes - 1, 0)
        elif honour_quotes and char == '"':
            straight_open = not straight_open
        elif char == "," and parens == 0 and quotes == 0 and not straight_open:
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return parts, quotes == 0 and not straight_open


def _display_name(fragment: str) -> str:
    """A fragment as shown to users: «» quotes, balanced, single spaces, capitalised."""
    text = _balance_quotes(_to_guillemets(fragment))
    text = _tidy_spacing(text)
    text = _TRAILING_NOISE_RE.sub("", _LEADING_NOISE_RE.sub("", text))
    return text[:1].upper() + text[1:]


def _to_guillemets(text: str) -> str:
    """Write every quote pair as «»: a straight or curly quote opens after a space or bracket."""
    result: list[str] = []
    for index, char in enumerate(text):
        if char in "\"“”„":
            before = text[index - 1] if index else " "
            opens = char == "„" or (char != "”" and (before.isspace() or before in "(«"))
            result.append("«" if opens else "»")
        else:
            result.append(char)
    return "".join(result)


def _balance_quotes(text: str) -> str:
    """Drop quotes that close nothing or are never closed (export damage, not content)."""
    keep = [True] * len(text)
    open_positions: list[int] = []
    for index, char in enumerate(text):
        if char == "«":
            open_positions.append(index)
        elif char == "»":
            if open_positions:
                open_positions.pop()
            else:
                keep[index] = False
    for index in open_positions:
        keep[index] = False
    return "".join(char for char, kept in zip(text, keep, strict=True) if kept)


def _tidy_spacing(text: str) -> str:
    text = _SPACE_RE.sub(" ", text.replace("\n", " "))
    text = re.sub(r"\s*/\s*", "/", text)
    text = re.sub(r"\(\s+", "(", text)
    text = re.sub(r"\s+([),])", r"\1", text)
    return text.strip()
