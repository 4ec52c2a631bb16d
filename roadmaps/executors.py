"""Executor cells (ответственные исполнители): split into organisations, and keyed.

A committee tracks items by who must do them, so the same organisation has to
be recognised however a document wrote it: inside ``<ul><li>`` fragments left
by an HTML export, after a bullet "•" or a dash, with «», "" or „“ quotes, or
with a stray closing quote (001 writes "…Ленинградской области»,"). A cell is
split at bullets, line breaks and ";" and at the commas that separate
organisations — not at commas inside parentheses or quotes, and not before a
participle or genitive phrase that continues the previous name ("Органы
местного самоуправления, осуществляющие управление в сфере образования").
"""

from __future__ import annotations

import html
import re

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


def split_executors(text: str) -> list[str]:
    """Clean display names of the executors in a cell, in order, without duplicates."""
    names: list[str] = []
    seen: set[str] = set()
    for fragment in _fragments(strip_markup(text)):
        name = _display_name(fragment)
        key = executor_key(name)
        if key and key not in seen:
            seen.add(key)
            names.append(name)
    return names


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
    «ЛОИРО» are one executor.
    """
    text = _ALL_QUOTES_RE.sub("", strip_markup(name))
    text = _FORM_AND_NAME_RE.sub(_acronym, text)
    text = text.lower().replace("ё", "е")
    text = re.sub(r"[‐‑‒–—−]", "-", text)
    text = _tidy_spacing(text)
    text = _LEADING_NOISE_RE.sub("", text)
    return _TRAILING_NOISE_RE.sub("", text)


def _fragments(text: str) -> list[str]:
    """Cut a cell into candidate names, then glue back the pieces that continue a name."""
    pieces: list[str] = []
    for chunk in _SEPARATOR_RE.split(text):
        chunk = _LEADING_NOISE_RE.sub("", _SPACE_RE.sub(" ", chunk).strip())
        pieces.extend(part.strip() for part in _split_top_level_commas(chunk))
    fragments: list[str] = []
    for piece in pieces:
        if not piece:
            continue
        if fragments and _CONTINUATION_RE.match(piece):
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
