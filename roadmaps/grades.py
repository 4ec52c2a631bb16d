"""The classes a row concerns, from a «Классы» cell: "5-9", "8–11 кл.", "1-4, 10", "все", "5 а, 5 б".

The solver places an activity only for the classes it concerns, so the cell
is read into grade numbers (1–11); a cell that names none ("по запросу")
gives None and the row is reported, never guessed.
"""

from __future__ import annotations

import re

from calendars.groups import GRADES

_ALL_RE = re.compile(r"^\s*(?:все|всех|все\s+класс\w*|для\s+всех\s+класс\w*|1\s*[-–—]\s*11\s*класс\w*)\s*$", re.IGNORECASE)
_RANGE_RE = re.compile(r"(?<!\d)(\d{1,2})\s*(?:[-–—]|по|до)\s*(\d{1,2})(?!\d)")
_SINGLE_RE = re.compile(r"(?<![\d.])(\d{1,2})(?:\s*[-‐]?\s*[а-яё](?![а-яё]))?(?![\d.])", re.IGNORECASE)
_NOISE_RE = re.compile(r"\b(?:класс\w*|кл|параллел\w*|обучающиеся|учащиеся|ученики|и|с|по|для)\b\.?|[,;()]", re.IGNORECASE)


def parse_grades(text: str) -> tuple[int, ...] | None:
    """Sorted grade numbers named by the cell, or None when it names none (or names impossible ones)."""
    if not text.strip():
        return None
    if _ALL_RE.match(text.replace("\n", " ")):
        return tuple(GRADES)
    found: set[int] = set()
    rest = text
    for match in _RANGE_RE.finditer(text):
        first, last = int(match.group(1)), int(match.group(2))
        if not (first in GRADES and last in GRADES and first <= last):
            return None
        found.update(range(first, last + 1))
    rest = _RANGE_RE.sub(" ", rest)
    for match in _SINGLE_RE.finditer(rest):
        grade = int(match.group(1))
        if grade not in GRADES:
            return None
        found.add(grade)
    leftover = _NOISE_RE.sub(" ", _SINGLE_RE.sub(" ", rest)).strip()
    if leftover or not found:
        return None
    return tuple(sorted(found))
