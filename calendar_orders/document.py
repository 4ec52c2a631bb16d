"""A vacation table or a КУГ, any format, as the rows it holds: vacations, terms, first and last days.

The document comes through the same reader as roadmaps
(`roadmaps.reader.read_blocks`: paragraphs and rows of cells, whatever the
format), so a PDF, a Word or Excel file, a page, a .txt export or any
format that reader learns reads the same; a sheet having no paragraphs, its
one-cell rows are its lines of text. A table's header row says what its
columns hold (the name, the span, a start and an end, the day and week
counts, the classes; a header repeated on the next page of a PDF just says
it again); a table without one, and a paragraph, are read as one text, its
dates by the deadline grammar and its name by the words below. Each row becomes one
`Entry` — or several, when a cell holds one part per class group («1–8, 10
классы — 26 мая; 9, 11 классы — 19 мая»). A row is told by its words:

- a vacation: «каникулы» or a season («Осенние», «Дополнительные»); one that
  names no season is of the season its dates fall in;
- a term: a term noun with its number («II четверть», «1 триместр»,
  «2 полугодие», «3 модуль»);
- the year's first or last day: «начало / окончание учебного года»,
  «последний учебный день»;
- rows a calendar does not keep, listed as skipped: attestation, exams,
  holidays (the production calendar has them), shortened days, totals.

A table row with dates that is none of these is an error: the order says
something the import would otherwise lose. Paragraphs with dates that name
nothing (the order's own date) are its preamble and ignored.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from pathlib import Path

from calendar_orders.errors import CalendarImportError
from calendar_orders.labels import GroupLabel, find_label
from calendar_orders.phrases import Counts, Span, read_counts, read_span
from calendars.deadlines.lexer import TokenKind, tokenize
from calendars.school_periods import VacationKind, kind_of, season_of
from calendars.school_year import SchoolYear
from calendars.term_systems import TermSystem, term_systems
from roadmaps.formats import Format, detect_format
from roadmaps.reader import read_blocks
from roadmaps.table import SourceParagraph, SourceRow


class EntryKind(StrEnum):
    VACATION = "vacation"
    TERM = "term"
    FIRST_DAY = "first_day"
    LAST_DAY = "last_day"
    SKIPPED = "skipped"


NO_COUNTS = Counts()
MAX_TERM_NUMBER = 9
"""The highest term number a row may name (a modular year has the most terms)."""


class Column(StrEnum):
    NAME = "name"
    SPAN = "span"
    START = "start"
    END = "end"
    DAYS = "days"
    SCHOOL_DAYS = "school_days"
    WEEKS = "weeks"
    GROUP = "group"
    OTHER = "other"


@dataclass(frozen=True)
class Entry:
    """One row (or part of a row) of the document, as understood."""

    where: str
    text: str
    kind: EntryKind
    name: str
    span: Span | None = None
    counts: Counts = NO_COUNTS
    label: GroupLabel | None = None
    vacation_kind: VacationKind | None = None
    term_number: int | None = None
    term_system: TermSystem | None = None

    @property
    def start(self) -> date | None:
        return self.span.start if self.span else None

    def to_json(self) -> dict[str, object]:
        return {
            "where": self.where, "text": self.text, "kind": str(self.kind), "name": self.name,
            "start": self.span.start.isoformat() if self.span else None,
            "end": self.span.end.isoformat() if self.span and self.span.end else None,
            "group": self.label.title if self.label else None,
            "vacation_kind": str(self.vacation_kind) if self.vacation_kind else None,
            "term": self.term_number, "term_system": self.term_system.key if self.term_system else None,
            "days": self.counts.calendar_days, "school_days": self.counts.school_days, "weeks": self.counts.weeks,
        }


@dataclass(frozen=True)
class ReadDocument:
    """What a calendar document holds: its entries in order, and its preamble (for the order's title)."""

    path: Path
    entries: tuple[Entry, ...]
    preamble: tuple[str, ...]


# Header cells, matched on the folded text; first match wins.
_HEADER_COLUMNS: tuple[tuple[Column, re.Pattern[str]], ...] = (
    (Column.SCHOOL_DAYS, re.compile(r"учебн\w*\s+дн|дн\w*\s+учеб")),
    (Column.WEEKS, re.compile(r"недел")),
    (Column.DAYS, re.compile(r"дн(?:ей|я)|календарн|продолжительн")),
    (Column.START, re.compile(r"^(?:дата\s+)?начал|^с$")),
    (Column.END, re.compile(r"^(?:дата\s+)?(?:окончани|конец|завершени)|^по$")),
    (Column.GROUP, re.compile(r"^класс|параллел|^для\s+кого")),
    (Column.NAME, re.compile(r"каникул|учебн\w*\s+период|четверт|триместр|полугоди|модул|наименован|^вид|^тип|этап")),
    (Column.SPAN, re.compile(r"срок|период|дат[аы]|^даты")),
    (Column.OTHER, re.compile(r"^№|^п/п|примечан")),
)
_FIRST_DAY = re.compile(r"начал\w*\s+(?:учебн\w*\s+)?(?:год|заняти)|перв\w+\s+учебн\w*\s+день")
_LAST_DAY = re.compile(r"(?:окончани|конец|завершени)\w*\s+(?:учебн\w*\s+)?(?:год|заняти)|последн\w+\s+(?:учебн\w*\s+)?(?:день|звон)")
_SKIP = (
    (re.compile(r"аттестац"), "аттестация — не часть учебного календаря"),
    (re.compile(r"\bгиа\b|экзамен|\bогэ\b|\bегэ\b"), "экзамены — по расписанию ГИА"),
    (re.compile(r"праздничн|выходн\w*\s+дн|нерабоч"), "праздничные дни берутся из производственного календаря"),
    (re.compile(r"сокращ|предпраздн"), "сокращённые дни на учебный календарь не влияют"),
    (re.compile(r"^(?:итого|всего)\b"), "итоговая строка"),
    (re.compile(r"продолжительн\w*\s+(?:учебн\w*\s+)?(?:год|недел)|учебн\w*\s+недел"), "продолжительность года и недели"),
)
_VACATION_WORD = re.compile(r"каникул")
_PARTS = re.compile(r";|\n")
_ACT = re.compile(r"№|\b(?:приказ|распоряжени|постановлени|решени|указ)\w*\s+(?:от|№)")


def read_document(path: Path, school_year: SchoolYear) -> ReadDocument:
    """Every entry of a calendar document, each row's dates read and checked; CalendarImportError names the row."""
    blocks = read_blocks(path)
    entries: list[Entry] = []
    preamble: list[str] = []
    header: tuple[Column, ...] | None = None
    heading: GroupLabel | None = None
    context_vacations = False
    place = _Places(path)
    for block in blocks:
        if place.sheet and isinstance(block, SourceRow) and _line_of_text(block, header):
            block = SourceParagraph(" ".join(block.cells[0]), block.line)
        if isinstance(block, SourceParagraph):
            if not block.text:
                continue
            found = _paragraph(place.of(block), block.text, school_year, heading)
            if found is None:
                heading = _heading(block.text)
                header = header if heading is not None else None
                context_vacations = bool(_VACATION_WORD.search(_fold(block.text)))
                if not entries:
                    preamble.append(block.text)
            entries.extend(found or [])
            continue
        where = place.of(block)
        cells = tuple(" ".join(cell).strip() for cell in block.cells)
        columns = _header(cells)
        if columns is not None:
            header, heading = columns, None
            continue
        texts = [" ".join(cell) for cell in block.cells if any(line.strip() for line in cell)]
        row_heading = _heading(texts[0]) if len(texts) == 1 and read_span(texts[0], school_year, where) is None else None
        if row_heading is not None:
            heading = row_heading
            continue
        entries.extend(_row(block, header, where, school_year, heading, context_vacations))
    return ReadDocument(path, tuple(entries), tuple(preamble))


def _line_of_text(row: SourceRow, header: tuple[Column, ...] | None) -> bool:
    """A sheet has no paragraphs: a row of one cell is its line of text — unless, under a header, it names a
    vacation or a term («Осенние» with its date cells empty), which is a row whose dates are missing."""
    if len(row.cells) != 1:
        return False
    kind = _classify(" ".join(row.cells[0])) if header is not None else None
    return kind is None or not (kind[0] is EntryKind.TERM or (kind[0] is EntryKind.VACATION and kind[1] is not None))


def _header(cells: tuple[str, ...]) -> tuple[Column, ...] | None:
    """The columns of a header row, or None when the row holds data."""
    named = [cell for cell in cells if cell]
    if len(named) < 2 or any(len(cell) > 80 or re.search(r"\d{1,2}\.\d{1,2}", cell) for cell in named):
        return None
    columns = tuple(_column(cell) for cell in cells)
    return columns if {Column.SPAN, Column.START, Column.END} & set(columns) else None


def _column(cell: str) -> Column:
    folded = _fold(cell)
    if not folded:
        return Column.OTHER
    return next((column for column, pattern in _HEADER_COLUMNS if pattern.search(folded)), Column.OTHER)


def _heading(text: str) -> GroupLabel | None:
    """A line naming classes only («Для обучающихся 1-х классов:»): it gives its label to the rows below."""
    found = find_label(text)
    if found is None or len(text) > 100 or _VACATION_WORD.search(_fold(text)):
        return None
    return found.label


class _Places:
    """How a row is named in messages: its line in a text export or a sheet; else (Word, OpenDocument, PDF,
    a page) its table and row, or its paragraph, counted here so that every format counts alike."""

    def __init__(self, path: Path) -> None:
        found = detect_format(path)
        self.name, self.sheet = path.name, found in (Format.XLSX, Format.ODS)
        self.by_line = self.sheet or found is Format.TEXT
        self.table = self.row = self.paragraph = self.last_line = 0
        self.in_table = False

    def of(self, block: SourceParagraph | SourceRow) -> str:
        if self.by_line:
            return f"{self.name}, строка {block.line}"
        if isinstance(block, SourceParagraph):
            self.in_table = False
            self.paragraph += 1
            return f"{self.name}, абзац {self.paragraph}"
        if not self.in_table or block.line <= self.last_line:  # after text, or a table right after another
            self.table, self.row, self.in_table = self.table + 1, 0, True
        self.row, self.last_line = self.row + 1, block.line
        return f"{self.name}, таблица {self.table}, строка {self.row}"


def _paragraph(where: str, text: str, school_year: SchoolYear, heading: GroupLabel | None) -> list[Entry] | None:
    """A paragraph that names a vacation, term or year boundary with its dates; None for anything else.

    The order's own dateline and title («Приказ от 15.08.2026 № 1234 «О сроках каникул…»») name
    vacations and a date too: a paragraph citing an act, or dated outside the school year, is preamble.
    """
    kind = _classify(text)
    if kind is None or kind[0] is EntryKind.SKIPPED or _ACT.search(_fold(text)):
        return None
    entries = _entries(text, "", where, school_year, heading)
    inside = [entry for entry in entries if entry.span is not None and school_year.start <= entry.span.start <= school_year.end]
    return inside or None


def _row(block: SourceRow, header: tuple[Column, ...] | None, where: str, school_year: SchoolYear,
         heading: GroupLabel | None, context_vacations: bool) -> list[Entry]:
    """A table row: by its header's columns, else as one text (two one-date cells being its start and end)."""
    cells = ["\n".join(line.strip() for line in cell) for cell in block.cells]
    if header is None:
        header = _start_end_columns(cells, school_year, where)
    if header is None:
        return _entries(" ".join(cell for cell in cells if cell), "", where, school_year, heading, table_row=True)
    by_column: dict[Column, list[str]] = {}
    for column, text in zip(header, cells, strict=False):
        if text:
            by_column.setdefault(column, []).append(text)
    name = " ".join(by_column.get(Column.NAME, []))
    # Under a heading about vacations, a row with no name of its own («1 | 25 октября – 2 ноября | 9 дней») is a vacation.
    default = _vacation_by_dates if context_vacations and not name else None
    group_text = " ".join(by_column.get(Column.GROUP, []))
    in_column = find_label(group_text) if group_text else None
    label = in_column.label if in_column is not None else heading
    counts = Counts(
        calendar_days=_number(by_column.get(Column.DAYS)),
        school_days=_number(by_column.get(Column.SCHOOL_DAYS)),
        weeks=_number(by_column.get(Column.WEEKS)),
    )
    if Column.START in by_column or Column.END in by_column:
        start = read_span(" ".join(by_column.get(Column.START, [])), school_year, where)
        end = read_span(" ".join(by_column.get(Column.END, [])), school_year, where)
        span = Span(start.start, end.end if end else None) if start else None
        text = " ".join(cell for cell in cells if cell)
        entry = _entry(text, name or text, where, span, _merge(counts, read_counts(text)[0]), label, table_row=True, default=default)
        return [entry] if entry is not None else []
    dates = "\n".join(by_column.get(Column.SPAN, []) or [cell for cell in cells if cell and cell != name])
    return _entries(dates, name, where, school_year, label, counts, table_row=True, default=default)


def _start_end_columns(cells: list[str], school_year: SchoolYear, where: str) -> tuple[Column, ...] | None:
    """A row without a header whose dates are two one-day cells: the first is the start, the second the end."""
    spans = [read_span(cell, school_year, where) if cell else None for cell in cells]
    dated = [index for index, span in enumerate(spans) if span is not None]
    if len(dated) != 2 or any(span is not None and span.end != span.start for span in spans):
        return None
    columns = [Column.OTHER if span is None else Column.START if index == dated[0] else Column.END
               for index, span in enumerate(spans)]
    name = next((index for index, cell in enumerate(cells) if cell and spans[index] is None), None)
    if name is not None:
        columns[name] = Column.NAME
    return tuple(columns)


def _entries(
    text: str, name: str, where: str, school_year: SchoolYear, label: GroupLabel | None,
    counts: Counts = NO_COUNTS, *, table_row: bool = False, default: Default | None = None,
) -> list[Entry]:
    """The entries of one text: one per part when several parts carry dates of their own («…; …»).

    A part that names nothing itself («9, 11 классы — 19 мая») is of the kind
    the part before it named («Окончание учебного года: 1–8 классы — 26 мая»).
    """
    parts = [part.strip(" .,:—–-") for part in _PARTS.split(text) if part.strip(" .,:—–-")]
    spans = [(part, _span_of(part, school_year, where)) for part in parts]
    dated = [(part, span) for part, span in spans if span is not None]
    if len(dated) > 1:
        lead = name or " ".join(part for part, span in spans if span is None)
        found: list[Entry] = []
        for part, span in dated:
            own = lead or (part if _classify(part) is not None or not found else found[-1].name)
            entry = _entry(part, own, where, span, read_counts(part)[0], label, table_row=table_row, default=default)
            if entry is not None:
                found.append(entry)
        return found
    whole = " ".join(parts)
    whole_span = _span_of(whole, school_year, where)
    entry = _entry(whole, name or whole, where, whole_span, _merge(counts, read_counts(whole)[0]), label,
                   table_row=table_row, default=default)
    return [entry] if entry is not None else []


def _span_of(text: str, school_year: SchoolYear, where: str) -> Span | None:
    """The span of a text, its day counts and classes label (a row's own words) cut out first."""
    _, rest = read_counts(text)
    found = find_label(rest)
    if found is not None:
        rest = rest[: found.start] + " " + rest[found.end:]
    return read_span(rest, school_year, where)


def _entry(text: str, name: str, where: str, span: Span | None, counts: Counts, label: GroupLabel | None,
           *, table_row: bool, default: Default | None = None) -> Entry | None:
    """One entry: what the name (or the whole text) says it is, with its own classes label or the heading's."""
    own = find_label(text) or find_label(name)
    label = own.label if own is not None else label
    kind = _classify(name) or _classify(text) or (default(span) if default and span else None)
    shown = _short(text if not name or name in text else f"{name} {text}".strip())
    if kind is None:
        if span is not None and table_row:
            raise CalendarImportError(
                f"{where}: «{shown}» — не названы ни каникулы, ни учебный период (четверть, триместр), "
                "ни начало или окончание учебного года."
            )
        return None
    entry_kind, detail = kind
    entry = Entry(where, text, entry_kind, _short(name), span, counts, label)
    if entry_kind is EntryKind.SKIPPED:
        return replace(entry, name=str(detail), text=shown)
    if span is None:
        if not table_row:
            return None
        if entry_kind in (EntryKind.VACATION, EntryKind.TERM):
            raise CalendarImportError(f"{where}: «{shown}» — не указаны даты.")
        return replace(entry, kind=EntryKind.SKIPPED, name="дата не указана")
    if entry_kind is EntryKind.VACATION:
        return replace(entry, vacation_kind=detail if isinstance(detail, VacationKind) else _season_kind(span))
    if isinstance(detail, tuple):
        system, number = detail
        return replace(entry, term_system=system, term_number=number)
    return replace(entry, name="Начало учебного года" if entry_kind is EntryKind.FIRST_DAY else "Окончание учебного года")


def _classify(text: str) -> tuple[EntryKind, object] | None:
    """What a row's words say it is; None when they name nothing a calendar holds."""
    folded = _fold(text)
    if not folded:
        return None
    for pattern, reason in _SKIP:
        if pattern.search(folded):
            return EntryKind.SKIPPED, reason
    if _FIRST_DAY.search(folded):
        return EntryKind.FIRST_DAY, None
    if _LAST_DAY.search(folded):
        return EntryKind.LAST_DAY, None
    for system in term_systems().values():
        number = _term_number(text, system)
        if number is not None:
            return EntryKind.TERM, (system, number)
    vacation = kind_of(folded)
    if vacation is not None or _VACATION_WORD.search(folded):
        return EntryKind.VACATION, vacation
    return None


def _term_number(text: str, system: TermSystem) -> int | None:
    """The number of a term of this system the text names, read as the deadline grammar reads numbers: just
    before its noun («II четверть», «1-й триместр», «первое полугодие») or just after it («Четверть 2», «модуль № 3»)."""
    tokens = [token for token in tokenize(text) if token.text != "№"]
    for index, token in enumerate(tokens):
        if token.word.startswith(system.words):
            for number in (*tokens[max(index - 1, 0): index], *tokens[index + 1: index + 2]):
                if number.kind in (TokenKind.NUMBER, TokenKind.ORDINAL) and 1 <= number.number <= MAX_TERM_NUMBER:
                    return number.number
    return None


Default = Callable[[Span], tuple[EntryKind, object]]


def _season_kind(span: Span) -> VacationKind:
    """A vacation that names no season («Каникулы», or an unnamed row under a heading about vacations)
    is the vacation of the season it starts in (summer when it runs into July or August)."""
    summer = span.end is None or span.end.month in (7, 8)
    return VacationKind.SUMMER if summer else season_of(span.start)


def _vacation_by_dates(span: Span) -> tuple[EntryKind, object]:
    return EntryKind.VACATION, _season_kind(span)


def _number(texts: list[str] | None) -> int | None:
    found = re.search(r"\d{1,3}", " ".join(texts)) if texts else None
    return int(found.group()) if found else None


def _merge(given: Counts, stated: Counts) -> Counts:
    """Counts from their own columns win over counts written next to the dates."""
    return Counts(
        calendar_days=given.calendar_days if given.calendar_days is not None else stated.calendar_days,
        school_days=given.school_days if given.school_days is not None else stated.school_days,
        weeks=given.weeks if given.weeks is not None else stated.weeks,
        extra_days=stated.extra_days,
    )


def _fold(text: str) -> str:
    return " ".join(text.lower().replace("ё", "е").split())


def _short(text: str, limit: int = 90) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
