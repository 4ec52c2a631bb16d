"""Terminal layout of the tracking reports: tables whose every row takes one or two lines at a given width.

rich wraps a cell as long as it needs; a report that must fit a screen
cannot let it. So each column here has a width computed from the console
width, and text is wrapped by us into at most two lines of that width, the
second cut at a word with «…»; rich then only draws what it is given.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from rich import box
from rich.table import Table
from rich.text import Text

from tracking.wording import cut

# Rows a terminal report shows unless `--limit` or `--all` says otherwise.
DEFAULT_LIMIT = 10
# Narrowest title column worth showing; below it the table is wider than the console (and wraps).
MIN_FLEX = 20
# What a row takes besides its cells: the one-space column separator of the box.
_GAP = 1


@dataclass(frozen=True)
class Column:
    """A column: its header, a fixed width (None: takes the room left) and right alignment for numbers."""

    header: str
    width: int | None = None
    numeric: bool = False


def two_lines(text: str, width: int) -> str:
    """The text wrapped at words into at most two lines of `width`, the second cut with «…» if more remains.

    A word longer than the width is cut with «…» rather than broken across the lines.
    """
    lines = textwrap.wrap(" ".join(text.split()), width, break_long_words=False, break_on_hyphens=False)
    if len(lines) > 2:
        lines = [lines[0], cut(" ".join(lines[1:]), width)]
    return "\n".join(cut(line, width) for line in lines)


def flex_width(columns: Sequence[Column], console_width: int) -> int:
    """The width left for the column without a fixed one."""
    fixed = sum(column.width or 0 for column in columns) + _GAP * (len(columns) - 1)
    return max(console_width - fixed, MIN_FLEX)


def fixed_table(title: str | None, columns: Sequence[Column], console_width: int) -> tuple[Table, int]:
    """An empty table with these columns laid out for the console width; returns it and the flexible width."""
    flex = flex_width(columns, console_width)
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False, padding=0,
                  show_edge=False)
    for column in columns:
        width = column.width or flex
        table.add_column(column.header, width=width, min_width=width, max_width=width, no_wrap=True,
                         overflow="ellipsis", justify="right" if column.numeric else "left")
    return table, flex


def cell(text: str, style: str = "") -> Text:
    return Text(text, style=style, end="")

