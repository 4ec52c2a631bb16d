"""«Возможно, имелось в виду: …»: the closest known names to one a user typed wrong.

A filter, a key in a file or a name on the command line that matches nothing
is an error, never an empty answer; the error names what was typed and the
nearest names that exist, so the user can correct it at once.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

CUTOFF = 0.5
"""How alike two names must be (difflib's ratio) to be offered; typos and case slips pass, unrelated names do not."""


def closest(typed: str, known: Iterable[str], limit: int = 3) -> list[str]:
    """Up to `limit` known names nearest to `typed`, best first; names containing it come first of all."""
    names = list(dict.fromkeys(known))
    folded = typed.casefold().strip()
    containing = [name for name in names if folded and folded in name.casefold()]
    by_ratio = difflib.get_close_matches(folded, [name.casefold() for name in names], n=limit, cutoff=CUTOFF)
    original = {name.casefold(): name for name in names}
    found = list(dict.fromkeys([*containing, *(original[name] for name in by_ratio)]))
    return found[:limit]


def did_you_mean(typed: str, known: Iterable[str], limit: int = 3) -> str:
    """« Возможно, имелось в виду: «a», «b».» with a leading space, or "" when nothing is close."""
    found = closest(typed, known, limit)
    return " Возможно, имелось в виду: " + ", ".join(f"«{name}»" for name in found) + "." if found else ""
