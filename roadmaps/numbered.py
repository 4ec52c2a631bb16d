"""Numbered lists written inside one cell: «1. Классный час … 2. Экскурсия …».

Schools list several activities in one row, and the executors cell beside
them the same way; each entry is an activity (or an executor) of its own.
A list is only taken as one when its markers count 1, 2, 3 … in order from
the start of the cell, each at the start of a line, after the end of a
sentence, or before a capitalised entry — a number inside a sentence («во
2. полугодии», «до 1.09») is not a marker.
"""

from __future__ import annotations

import re

# After a sentence end any entry may follow; after a plain space only one starting with a capital letter.
_MARKER_RE = re.compile(
    r"(?:(?:^|(?<=\n)|(?<=[.;:!?»)]))\s*(?P<number>\d{1,2})\s*[.)](?=\s+\S)"
    r"|(?<=\s)(?P<inline>\d{1,2})\s*[.)](?=\s+[«\"A-ZА-ЯЁ]))",
    re.MULTILINE,
)


def split_numbered(text: str) -> list[str] | None:
    """The entries of a numbered list that makes up the whole cell, or None when the cell is not one.

    The markers must run 1, 2, 3 … from the start of the cell; there must be at least two.
    """
    markers = list(_MARKER_RE.finditer(text))
    sequence: list[re.Match[str]] = []
    for match in markers:
        if int(match.group("number") or match.group("inline")) == len(sequence) + 1:
            sequence.append(match)
    if len(sequence) < 2 or text[: sequence[0].start()].strip():
        return None
    bounds = [match.start() for match in sequence] + [len(text)]
    entries = []
    for match, end in zip(sequence, bounds[1:], strict=True):
        entry = text[match.end() : end].strip()
        if not entry:
            return None
        entries.append(entry.rstrip(";").strip())
    return entries
