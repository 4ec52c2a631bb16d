"""Turning rows of cells into roadmap items: the layout logic both readers share.

A reader (plain-text export or Word file) only cuts its source into paragraphs
and rows of cells. Everything that gives those rows meaning is decided here,
once, so a .txt and a .docx of the same order read to the same items:

- which row is the header and what each column holds, from the header texts
  (whatever their order: 002 puts the executor before the deadline);
- which rows to skip: page headers repeated by the exporter and the
  "1 2 3 4 5 6 7" column-numbering row (003);
- which rows continue the previous one across a page break (no number, and
  either no title, a title starting in lower case, or no deadline of their own)
  and which un-numbered rows are items of their own (004's sub-rows);
- which rows are section headings (a heading fused into the number cell, or a
  numbered row with nothing but a title and rows under it), giving each item
  its section path;
- what text between rows means: it interrupts the table (a page footer, a
  table split in two), and the next row as wide as the table resumes it.
  Rows that fit no table are reported, never dropped silently.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from roadmaps.document import Indicator, RawItem, Role
from roadmaps.errors import RoadmapError
from roadmaps.executors import strip_markup
from roadmaps.grades import parse_grades
from roadmaps.numbered import split_numbered
from roadmaps.vocabulary import headers

Cell = tuple[str, ...]
"""A cell as its non-empty lines (paragraphs), in order."""


@dataclass(frozen=True)
class SourceParagraph:
    """A line of text outside any table; "" for a blank line, which separates paragraphs."""

    text: str
    line: int


@dataclass(frozen=True)
class SourceRow:
    """A table row as the source holds it.

    ``line`` is where the row starts (the .txt line, or the row index in a Word
    table). ``merged`` holds the indices of cells that continue a vertical merge
    from the row above; their text is the merged cell's text.
    """

    cells: tuple[Cell, ...]
    line: int
    merged: frozenset[int] = frozenset()


Block = SourceParagraph | SourceRow


@dataclass(frozen=True)
class TableContent:
    """What the tables of a document hold, and the text that precedes them."""

    preamble: list[str]
    items: list[RawItem]
    indicators: list[Indicator]
    columns: list[Role]
    warnings: list[str]


@dataclass(frozen=True)
class Header:
    """A recognised header row: the role of each column and its text as written."""

    roles: tuple[Role, ...]
    labels: tuple[str, ...]

    @property
    def is_indicators(self) -> bool:
        return Role.INDICATOR in self.roles

    @property
    def is_items(self) -> bool:
        return not self.is_indicators and Role.TITLE in self.roles and Role.DEADLINE in self.roles

    @property
    def is_incomplete_items(self) -> bool:
        """Looks like a table of activities but lacks the title or the deadline column."""
        item_roles = {Role.NUMBER, Role.TITLE, Role.DEADLINE, Role.EXECUTORS, Role.RESULT}
        found = sum(role in item_roles for role in self.roles)
        return not self.is_indicators and not self.is_items and found >= 2

    @property
    def named_columns(self) -> tuple[int, ...]:
        """Columns whose header cell has text; an empty one is an exporter's phantom column."""
        return tuple(index for index, label in enumerate(self.labels) if label)


# Header cells are short; a data cell that happens to mention "мероприятия" is not.
_MAX_HEADER_CELL = 80

_NUMBER_RE = re.compile(
    r"^(?P<number>[IVXL]+|\d+(?:\s*\.\s*\d+)*)\s*[.)]?(?:\s+(?P<rest>[^\d\s].*))?$", re.DOTALL
)
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50}
_SPACES_RE = re.compile(r"\s+")
_HYPHEN_END_RE = re.compile(r"\w-$")


def read_header(cells: Sequence[Cell]) -> Header | None:
    """The header this row is, or None when it is not a header row.

    Matching is by meaning, tolerant of case, spacing, line breaks and
    hyphenation inside the cell; a role claimed twice keeps its first column.
    """
    labels = tuple(_collapse(" ".join(cell)) for cell in cells)
    named = [label for label in labels if label]
    if len(named) < 2 or any(len(label) > _MAX_HEADER_CELL for label in named):
        return None
    roles: list[Role] = []
    for label in labels:
        role = headers().role_of(label) if label else Role.EXTRA
        roles.append(Role.EXTRA if role in roles and role is not Role.EXTRA else role)
    recognised = sum(role is not Role.EXTRA for role in roles)
    if recognised < 2 or 2 * recognised < len(named):
        return None
    return Header(tuple(roles), labels)


def parse_number(text: str) -> tuple[str, str | None] | None:
    """Split an item number off a cell: ("3.1.2", None), ("3.1", "НОРМАТИВНОЕ …"), or None.

    Exports put spaces inside numbers ("3.4. 13.3 .") and a trailing dot; both
    go, so the number reads "3.4.13.3". Roman section numbers ("II.") stay Roman.
    """
    match = _NUMBER_RE.match(text.strip())
    if match is None:
        return None
    return _SPACES_RE.sub("", match.group("number")), match.group("rest")


def is_row_number(text: str) -> bool:
    """True for a cell holding only an item number ("1", "5.2.5", "3.1.")."""
    parsed = parse_number(text)
    return parsed is not None and parsed[1] is None


def read_tables(blocks: Iterable[Block], source_name: str) -> TableContent:
    """Items, indicators and preamble of a document cut into blocks.

    Raises RoadmapError when there is no table of activities, or when its
    header lacks the title or the deadline column.
    """
    preamble: list[str] = []
    items_header: Header | None = None
    incomplete: Header | None = None
    current: Header | None = None
    suspended: Header | None = None  # a table interrupted by text (a page footer, a split table)
    unread: list[int] = []
    candidate: Sequence[Cell] | None = None  # the first row of several short cells: a header not understood
    item_fragments: list[_Fragment] = []
    indicator_fragments: list[_Fragment] = []
    for block in blocks:
        if isinstance(block, SourceParagraph):
            if block.text.strip() and current is not None:
                suspended, current = current, None
            if items_header is None:
                preamble.append(block.text)
            continue
        header = read_header(block.cells)
        if header is not None:
            if current is None or header.roles != current.roles:  # else a repeated page header
                current = header if header.is_items or header.is_indicators else None
                suspended = None
                items_header = items_header or (header if header.is_items else None)
                if header.is_incomplete_items:
                    incomplete = incomplete or header
            continue
        if current is None and suspended is not None and _fits(block, suspended):
            suspended, current = None, suspended
        if current is None:
            if items_header is None and candidate is None and _looks_like_header(block.cells):
                candidate = block.cells
            if items_header is None:
                filled = [cell for cell in block.cells if cell]
                preamble.extend(line for cell in filled for line in cell)
                if len(filled) > 1:  # a layout table in the letterhead (date | number); one cell is a line of text
                    preamble.append("")
            elif any(block.cells):
                unread.append(block.line)
            continue
        if _is_column_numbering(block.cells):
            continue
        target = item_fragments if current.is_items else indicator_fragments
        target.append(_Fragment.of(block, current))
    if items_header is None:
        raise _missing_table_error(source_name, incomplete, candidate)
    rows = _assemble(item_fragments, Role.TITLE, Role.DEADLINE)
    items = _build_items(rows)
    warnings = _truncation_warnings(item_fragments) + _numbering_warnings(rows, items) + _unread_warnings(unread)
    indicators = _build_indicators(_assemble(indicator_fragments, Role.INDICATOR, None))
    return TableContent(preamble, items, indicators, list(items_header.roles), warnings)


def _missing_table_error(source_name: str, incomplete: Header | None, candidate: Sequence[Cell] | None) -> RoadmapError:
    """What was found instead of a table of activities, and which columns are expected."""
    vocabulary = headers()

    def expected(role: Role, name: str) -> str:
        return f"{name} (например, {', '.join(f'«{text}»' for text in vocabulary.examples(role))})"

    where = f"названия столбцов задаются в {vocabulary.source}"
    if incomplete is not None:
        missing = expected(Role.TITLE, "наименования мероприятия") if Role.TITLE not in incomplete.roles else expected(Role.DEADLINE, "сроков")
        found = ", ".join(f"«{label}»" for label in incomplete.labels if label)
        return RoadmapError(f"В файле «{source_name}» в таблице мероприятий не найден столбец {missing}; найдены столбцы: {found} — {where}.")
    found_labels = ", ".join(f"«{_collapse(' '.join(cell))}»" for cell in candidate or () if cell)
    columns = f"; столбцы первой таблицы: {found_labels}" if found_labels else ""
    return RoadmapError(
        f"В файле «{source_name}» не найдена таблица мероприятий{columns}. Нужны столбцы "
        f"{expected(Role.TITLE, 'мероприятия')} и {expected(Role.DEADLINE, 'сроков')}, по возможности — "
        f"{expected(Role.EXECUTORS, 'исполнителей')}; {where}."
    )


def _looks_like_header(cells: Sequence[Cell]) -> bool:
    labels = [_collapse(" ".join(cell)) for cell in cells if cell]
    return len(labels) >= 2 and all(len(label) <= _MAX_HEADER_CELL for label in labels)


def _fits(row: SourceRow, header: Header) -> bool:
    """A row as wide as the table, so it can continue that table after interrupting text."""
    return len(row.cells) in (len(header.roles), len(header.named_columns))


def _is_column_numbering(cells: Sequence[Cell]) -> bool:
    """The "1 2 3 4 5 6 7" row that numbers the columns under a header."""
    numbers = [text for text in (" ".join(cell).strip() for cell in cells) if text]
    return len(numbers) >= 3 and numbers == [str(index) for index in range(1, len(numbers) + 1)]


def _collapse(text: str) -> str:
    return _SPACES_RE.sub(" ", text).strip()


def _starts_lowercase(text: str) -> bool:
    for char in text:
        if char.isalpha():
            return char.islower()
        if char.isdigit():
            return False
    return False


def _nest_key(number: str) -> str:
    """The number in Arabic digits, so Roman section "III" contains item "3.1"."""
    if not number.isalpha():
        return number
    values = [_ROMAN_VALUES[char] for char in number]
    total = sum(-value if value < following else value for value, following in pairwise(values))
    return str(total + values[-1])


def _is_descendant(number: str, ancestor: str) -> bool:
    return _nest_key(number).startswith(_nest_key(ancestor) + ".")


@dataclass
class _Fragment:
    """One source row mapped onto column roles, before continuation rows are joined."""

    line: int
    width: int
    expected: int
    number: str | None
    fused: bool
    values: dict[Role, list[str]]
    extras: dict[str, list[str]]
    merged: set[Role]
    heading: bool = False

    @classmethod
    def of(cls, row: SourceRow, header: Header) -> _Fragment:
        values: dict[Role, list[str]] = {}
        extras: dict[str, list[str]] = {}
        merged: set[Role] = set()
        for index, column in enumerate(_columns_for(len(row.cells), header)):
            cell = list(row.cells[index])
            role = header.roles[column] if column < len(header.roles) else Role.EXTRA
            if role in (Role.EXTRA, Role.GRADES):  # grades are kept as written too
                label = header.labels[column] if column < len(header.labels) else ""
                if cell:
                    extras[label or f"Столбец {column + 1}"] = cell
                if role is Role.EXTRA:
                    continue
            values[role] = cell
            if index in row.merged:
                merged.add(role)
        number_cell = values.pop(Role.NUMBER, [])
        # A vertically merged number cell names the row above, not this one.
        number_text = "" if Role.NUMBER in merged else " ".join(number_cell)
        number, fused = None, False
        if number_text:
            parsed = parse_number(number_text)
            number, rest = parsed if parsed else (None, number_text)
            if rest:
                # The heading (or the title) was written into the number cell.
                fused = True
                title = values.setdefault(Role.TITLE, [])
                title.insert(0, rest)
        return cls(
            line=row.line,
            width=len(row.cells),
            expected=len(header.named_columns),
            number=number,
            fused=fused,
            values=values,
            extras=extras,
            merged=merged,
            heading=Role.NUMBER not in header.roles and _is_heading_row(row),
        )

    def continues_previous(self, key_role: Role, own_role: Role | None) -> bool:
        """An un-numbered row with no title of its own, or one starting in lower case,
        or without its own deadline, is the previous row broken by a page."""
        if self.number is not None or self.fused or self.heading:
            return False
        key = self.values.get(key_role) if key_role not in self.merged else None
        if not key or _starts_lowercase(key[0]):
            return True
        return own_role is not None and not self.values.get(own_role)


def _is_heading_row(row: SourceRow) -> bool:
    """«Модуль «Классное руководство»» across an un-numbered table: text in the first cell only, not a wrapped line."""
    first = row.cells[0] if row.cells else ()
    return bool(first) and not any(row.cells[1:]) and not row.merged and not _starts_lowercase(first[0])


def _columns_for(width: int, header: Header) -> Sequence[int]:
    """The header column of each cell: positional, unless the row skips the phantom columns."""
    named = header.named_columns
    if width != len(header.roles) and width == len(named):
        return named
    return range(width)


@dataclass
class _Row:
    """A logical table row: a fragment plus the continuation fragments joined to it."""

    line: int
    number: str | None
    fused: bool
    values: dict[Role, list[str]] = field(default_factory=dict)
    extras: dict[str, list[str]] = field(default_factory=dict)
    heading: bool = False

    @classmethod
    def start(cls, fragment: _Fragment) -> _Row:
        row = cls(fragment.line, fragment.number, fragment.fused, heading=fragment.heading)
        row.absorb(fragment, include_merged=True)
        return row

    def absorb(self, fragment: _Fragment, *, include_merged: bool = False) -> None:
        """Append a fragment's cells: deadline lines as new lines, other text as a soft wrap.

        A page break inside a cell does not separate anything, so "Управление
        социальной политики" + "Липецкой области" is one executor; the deadline
        keeps the break as "\\n" so its text stays verbatim.
        """
        for role, paragraphs in fragment.values.items():
            if role in fragment.merged and not include_merged:
                continue  # the same merged cell as the row above: already here
            target = self.values.setdefault(role, [])
            if role is Role.DEADLINE:
                target.extend(paragraphs)
            else:
                _soft_join(target, paragraphs)
        for label, paragraphs in fragment.extras.items():
            _soft_join(self.extras.setdefault(label, []), paragraphs)

    def text(self, role: Role) -> str:
        return "\n".join(self.values.get(role, []))

    def title(self) -> str:
        return _collapse(strip_markup(" ".join(self.values.get(Role.TITLE, []))))

    def has_body(self) -> bool:
        body_roles = (Role.DEADLINE, Role.EXECUTORS, Role.RESULT, Role.GRADES)
        return any(self.values.get(role) for role in body_roles) or any(self.extras.values())

    def extra_texts(self) -> dict[str, str]:
        return {label: "\n".join(lines) for label, lines in self.extras.items() if lines}


def _soft_join(parts: list[str], more: Sequence[str]) -> None:
    """Continue the last line with the first new one; a trailing hyphen ("ДГ-") joins without a space."""
    if parts and more:
        glue = "" if _HYPHEN_END_RE.search(parts[-1]) else " "
        parts[-1] = parts[-1] + glue + more[0]
        parts.extend(more[1:])
    else:
        parts.extend(more)


def _assemble(fragments: Sequence[_Fragment], key_role: Role, own_role: Role | None) -> list[_Row]:
    """Join continuation fragments to the row they continue.

    A continuation before any row (an exporter centres a tall merged cell, so
    its text lands above the row) is kept and joined to the row that follows.
    """
    rows: list[_Row] = []
    orphan: _Row | None = None
    for fragment in fragments:
        if fragment.continues_previous(key_role, own_role):
            if rows:
                rows[-1].absorb(fragment)
            elif orphan is not None:
                orphan.absorb(fragment)
            else:
                orphan = _Row.start(fragment)
            continue
        if orphan is None:
            rows.append(_Row.start(fragment))
            continue
        orphan.absorb(fragment, include_merged=True)
        orphan.line, orphan.number, orphan.fused, orphan.heading = fragment.line, fragment.number, fragment.fused, fragment.heading
        rows.append(orphan)
        orphan = None
    if orphan is not None:
        rows.append(orphan)
    return rows


def _is_section(row: _Row, following: _Row | None) -> bool:
    """A heading: fused into the number cell, or a bare numbered title with rows under it."""
    if row.has_body():
        return False
    if row.fused or row.heading:
        return True
    if row.number is None or following is None:
        return False
    if following.number is None:
        return not following.fused
    return _is_descendant(following.number, row.number)


@dataclass(frozen=True)
class _OpenSection:
    """A section heading the following items fall under.

    A part — a Roman-numbered, un-numbered or row-spanning heading — stays open
    until the next section: items under it may be numbered independently
    ("I. …" followed by items 1, 2, 3). A plain numbered section also closes
    at the first item numbered outside it (004: item 5.2.6 leaves 5.2.5).
    """

    number: str | None
    label: str
    is_part: bool


def _build_items(rows: Sequence[_Row]) -> list[RawItem]:
    items: list[RawItem] = []
    sections: list[_OpenSection] = []  # outermost first
    last_number: str | None = None
    for index, row in enumerate(rows):
        following = rows[index + 1] if index + 1 < len(rows) else None
        if _is_section(row, following):
            _enter_section(sections, row)
        else:
            if row.number is not None:
                _close_sections_outside(sections, row.number, closes_parts=False)
            labels = tuple(section.label for section in sections)
            for part in _activities(row):
                items.append(
                    RawItem(
                        number=part.number,
                        ordinal=len(items) + 1,
                        section=labels[-1] if labels else None,
                        section_path=labels,
                        title=part.title,
                        deadline_text=part.deadline,
                        executors_text=part.executors,
                        result_text=row.text(Role.RESULT) or None,
                        extra=row.extra_texts(),
                        source_line=row.line,
                        parent_number=part.parent_number or (None if row.number else last_number),
                        grades=parse_grades(row.text(Role.GRADES)),
                    )
                )
        last_number = row.number or last_number
    return items


@dataclass(frozen=True)
class _Activity:
    """One activity of a row: the row itself, or one entry of a numbered list in its title cell."""

    number: str | None
    parent_number: str | None
    title: str
    deadline: str
    executors: str


def _activities(row: _Row) -> list[_Activity]:
    """«1. … 2. …» in the title cell: one activity per entry, with the deadline and executors
    cells split the same way when they are numbered alike, shared otherwise."""
    title, deadline, executors = row.title(), row.text(Role.DEADLINE), row.text(Role.EXECUTORS)
    titles = split_numbered(title)
    if titles is None:
        return [_Activity(row.number, None, title, deadline, executors)]

    def alike(text: str) -> list[str]:
        parts = split_numbered(text)
        return parts if parts is not None and len(parts) == len(titles) else [text] * len(titles)

    return [
        _Activity(None, row.number, _collapse(entry), own_deadline, own_executors)
        for entry, own_deadline, own_executors in zip(titles, alike(deadline), alike(executors), strict=True)
    ]


def _enter_section(sections: list[_OpenSection], row: _Row) -> None:
    """Close the sections the new one is not inside of, then open it.

    A numbered section closes the numbered sections it is not nested in ("3.2"
    closes "3.1", keeps "3"); an un-numbered heading closes everything back to
    the previous un-numbered heading, its sibling.
    """
    if row.number is None:
        positions = [index for index, section in enumerate(sections) if section.number is None]
        if positions:
            del sections[positions[-1] :]
    else:
        _close_sections_outside(sections, row.number, closes_parts=True)
    label = f"{row.number} {row.title()}" if row.number else row.title()
    is_part = row.fused or row.number is None or row.number.isalpha()
    sections.append(_OpenSection(row.number, label, is_part))


def _close_sections_outside(sections: list[_OpenSection], number: str, *, closes_parts: bool) -> None:
    while sections:
        innermost = sections[-1]
        if innermost.number is None or (innermost.is_part and not closes_parts):
            return
        if _is_descendant(number, innermost.number):
            return
        sections.pop()


def _truncation_warnings(fragments: Sequence[_Fragment]) -> list[str]:
    """The table ends inside a row: the source was cut off (004)."""
    if not fragments:
        return []
    last = fragments[-1]
    if 1 < last.width < last.expected:
        return [
            f"Таблица обрывается на строке {last.line}: в последней строке {last.width} из "
            f"{last.expected} столбцов — документ, видимо, неполный; прочитано всё, что в нём есть."
        ]
    return []


def _numbering_warnings(rows: Sequence[_Row], items: Sequence[RawItem]) -> list[str]:
    """Repeated numbers and jumps in numbering: places where a reader should look at the source."""
    warnings: list[str] = []
    lines_by_number: dict[str, list[int]] = defaultdict(list)
    for item in items:
        if item.number:
            lines_by_number[item.number].append(item.source_line)
    for number, lines in lines_by_number.items():
        if len(lines) > 1:
            where = ", ".join(str(line) for line in lines)
            warnings.append(
                f"Номер пункта {number} повторяется (строки {where}); пункты различаются порядковым номером."
            )
    numbers = [row.number for row in rows if row.number]
    for previous, current in pairwise(numbers):
        parent_prev, _, last_prev = _nest_key(previous).rpartition(".")
        parent_cur, _, last_cur = _nest_key(current).rpartition(".")
        if parent_prev == parent_cur and int(last_cur) > int(last_prev) + 1:
            warnings.append(
                f"После пункта {previous} идёт пункт {current}: номера пропущены — "
                "проверьте, не потеряны ли строки в источнике."
            )
    return warnings


def _unread_warnings(lines: Sequence[int]) -> list[str]:
    """Rows after the table that fit none of its columns: shown, never dropped silently."""
    if not lines:
        return []
    if len(lines) == 1:
        return [
            f"Строка {lines[0]} не прочитана: она идёт после таблицы мероприятий, "
            "и её столбцы не совпадают с заголовком таблицы."
        ]
    where = ", ".join(str(line) for line in lines)
    return [
        f"Строки {where} не прочитаны: они идут после таблицы мероприятий, "
        "и их столбцы не совпадают с заголовком таблицы."
    ]


def _build_indicators(rows: Sequence[_Row]) -> list[Indicator]:
    """Indicators; rows without a number belong to the goal above them."""
    indicators: list[Indicator] = []
    number: str | None = None
    goal: str | None = None
    for row in rows:
        if row.number is not None:
            number = row.number
            goal = _collapse(row.text(Role.GOAL)) or None
        name = _collapse(strip_markup(row.text(Role.INDICATOR)))
        if not name:
            continue
        indicators.append(
            Indicator(
                number=number,
                goal=goal,
                name=name,
                unit=_collapse(row.text(Role.UNIT)) or None,
                extra=row.extra_texts(),
                source_line=row.line,
            )
        )
    return indicators
