"""Who issued a roadmap, its number and date, its period, its controller and region.

Read from the text before the table: the order and its letterhead. Orders
follow a fixed shape — letterhead, the word РАСПОРЯЖЕНИЕ / ПРИКАЗ, a dateline
with "№", the title "Об …", numbered clauses, the signature — and each field
is looked for where that shape puts it, so the many dates and numbers the body
quotes from other orders are not taken for the document's own.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from calendars.errors import CalendarError
from calendars.school_year import SchoolYear
from roadmaps.document import Metadata

_DOCUMENT_KIND_RE = re.compile(r"^(?:РАСПОРЯЖЕНИЕ|ПРИКАЗ|ПОСТАНОВЛЕНИЕ|РЕШЕНИЕ)$")
_AUTHORITY_RE = re.compile(r"^(?:комитет|управление|министерство|департамент|отдел)\b", re.IGNORECASE)
_ADMINISTRATION_RE = re.compile(r"^администрация\b", re.IGNORECASE)
_TERRITORY_RE = re.compile(r"област|кра[йя]|округ|город|район|республик|«", re.IGNORECASE)
_ORDER_TITLE_RE = re.compile(r"^(?:Об?|О)\s")
_ROADMAP_TITLE_RE = re.compile(r"план|карт|программ", re.IGNORECASE)
_CLAUSE_RE = re.compile(r"^\d+[.)]\s")
# Body paragraphs are long; datelines and headings are not.
_MAX_HEADING_LINE = 100

_MONTHS = {
    name: index
    for index, name in enumerate(
        (
            "января", "февраля", "марта", "апреля", "мая", "июня",
            "июля", "августа", "сентября", "октября", "ноября", "декабря",
        ),
        1,
    )
}
_DATE_PATTERNS = (
    re.compile(r"(?<!\d)(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4})(?!\d)"),
    re.compile(r"«?\s*(?P<day>\d{1,2})\s*»?\s+(?P<month>[а-яё]+)\s+(?P<year>\d{4})"),
    re.compile(r"«\s*(?P<day>\d{1,2})\s*»\s*(?P<month>\d{1,2})\s+(?P<year>\d{4})"),
)
_NUMBER_RE = re.compile(r"№\s*(?P<number>\S.*)$")

_SCHOOL_YEAR_RE = re.compile(
    r"(?:(?:в|на)\s+)?(?P<first>\d{4})\s*[-–—/]\s*(?P<second>\d{4}|\d{2})\s+"
    r"(?:учебн\w*\s+год\w*|уч\.?\s*г(?:\.|од\w*)?)",
    re.IGNORECASE,
)
_YEAR_RANGE_RE = re.compile(
    r"(?:(?:в|на)\s+)?(?P<first>\d{4})\s*[-–—]\s*(?P<second>\d{4})\s*(?:годы|годах|гг\.?|г\.\s*г\.|года)",
    re.IGNORECASE,
)
_UNTIL_RE = re.compile(r"(?:на\s+период\s+)?до\s+(?P<year>\d{4})\s+года", re.IGNORECASE)
_SINGLE_YEAR_RE = re.compile(r"на\s+(?P<year>\d{4})\s+год\b", re.IGNORECASE)

_CONTROLLER_RE = re.compile(
    r"Контроль\s+(?:за\s+)?(?:исполнени|выполнени)[^.]*?(?:возложить|возлагаю)\s+на\s+"
    r"(?P<who>.+?)(?<![А-ЯЁA-Z])\.(?=\s|$)"
)
_SELF_CONTROL_RE = re.compile(r"Контроль\s+[^.]*?оставляю\s+за\s+собой")
_SIGNER_NAME_RE = re.compile(
    r"^(?:(?:[А-ЯЁ]\.\s?){1,2}[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?|[А-ЯЁ][а-яё]+\s+(?:[А-ЯЁ]\.\s?){1,2})$"
)

# Regions the product has calendars for, by the stem their names share in any case.
_REGIONS = (
    ("RU-LEN", re.compile(r"ленинградск", re.IGNORECASE)),
    ("RU-KGD", re.compile(r"калининград", re.IGNORECASE)),
    ("RU-LIP", re.compile(r"липецк", re.IGNORECASE)),
    ("RU-CHE", re.compile(r"челябинск", re.IGNORECASE)),
)


@dataclass(frozen=True)
class _Period:
    text: str
    school_year: SchoolYear | None
    start: date | None
    end: date | None


def read_metadata(lines: Sequence[str]) -> Metadata:
    """Metadata from the lines before the table ("" marks a blank line)."""
    lines = [_clean(line) for line in lines]
    kind_at = next((index for index, line in enumerate(lines) if _is_document_kind(line)), None)
    body_start = kind_at + 1 if kind_at is not None else 0
    heading_end = next(
        (
            index
            for index in range(body_start, len(lines))
            if _ORDER_TITLE_RE.match(lines[index]) or len(lines[index]) > _MAX_HEADING_LINE
        ),
        len(lines),
    )
    dateline = lines[body_start:heading_end]
    order_title = _order_title(lines, heading_end)
    title = _roadmap_title(lines) or order_title
    issuer = _issuer(lines[:kind_at], _word_case_counts(lines)) if kind_at is not None else None
    period = next(filter(None, (_period(text) for text in (title, order_title) if text)), None)
    return Metadata(
        issuer=issuer,
        number=_document_number(dateline),
        date=_document_date(dateline),
        title=title,
        period_text=period.text if period else None,
        school_year=period.school_year if period else None,
        period_start=period.start if period else None,
        period_end=period.end if period else None,
        controller=_controller(lines),
        region=_region([issuer, title, order_title, " ".join(lines)]),
    )


def _clean(line: str) -> str:
    """A line without export markup (markdown bold "**") and edge spaces."""
    return line.replace("**", "").strip()


def _is_document_kind(line: str) -> bool:
    """"РАСПОРЯЖЕНИЕ", also spaced out for emphasis ("П Р И К А З")."""
    return bool(_DOCUMENT_KIND_RE.match(line.replace(" ", "")))


def _groups(lines: Sequence[str]) -> list[tuple[int, list[str]]]:
    """Paragraph groups: runs of non-blank lines, with the index of their first line."""
    groups: list[tuple[int, list[str]]] = []
    for index, line in enumerate(lines):
        if not line:
            continue
        if groups and groups[-1][0] + len(groups[-1][1]) == index:
            groups[-1][1].append(line)
        else:
            groups.append((index, [line]))
    return groups


def _join(lines: Sequence[str]) -> str:
    return re.sub(r"\s+", " ", " ".join(lines)).strip()


def _issuer(letterhead: Sequence[str], words: Counter[str]) -> str | None:
    """The authority in the letterhead, completed by its administration when it names no territory.

    "Комитет по образованию" under "Администрация городского округа «Город
    Калининград»" becomes "Комитет по образованию администрации городского
    округа «Город Калининград»".
    """
    authority = _letterhead_entry(letterhead, _AUTHORITY_RE)
    administration = _letterhead_entry(letterhead, _ADMINISTRATION_RE)
    if authority is None:
        return _recase(administration, words) if administration else None
    issuer = _recase(authority, words)
    if administration and not _TERRITORY_RE.search(issuer):
        _, _, territory = _recase(administration, words).partition(" ")
        if territory:
            issuer = f"{issuer} администрации {territory}"
    return issuer


def _letterhead_entry(letterhead: Sequence[str], start: re.Pattern[str]) -> str | None:
    """The name starting at the first line matching ``start``, with the lines that continue it."""
    for index, line in enumerate(letterhead):
        if not start.match(line):
            continue
        parts = [line]
        for following in letterhead[index + 1 :]:
            if not following or _AUTHORITY_RE.match(following) or _ADMINISTRATION_RE.match(following):
                break
            parts.append(following)
        return _join(parts)
    return None


def _word_case_counts(lines: Sequence[str]) -> Counter[str]:
    """How often each word form appears in ordinary (not all-capitals) text."""
    counts: Counter[str] = Counter()
    for line in lines:
        if any(char.islower() for char in line):
            counts.update(re.findall(r"[А-ЯЁа-яё]+", line))
    return counts


def _recase(text: str, words: Counter[str]) -> str:
    """Letterheads are in capitals; write each word as the document writes it elsewhere."""
    if any(char.islower() for char in text):
        return text
    result: list[str] = []
    for position, word in enumerate(text.lower().split()):
        letters = re.sub(r"[^а-яё]", "", word)
        title_form = letters[:1].upper() + letters[1:]
        if position == 0 or (letters and words[title_form] > words[letters]):
            word = re.sub(r"[а-яё]", lambda match: match.group().upper(), word, count=1)
        result.append(word)
    return " ".join(result)


def _document_date(dateline: Sequence[str]) -> date | None:
    for line in dateline:
        text = line.replace("_", " ")
        for pattern in _DATE_PATTERNS:
            match = pattern.search(text)
            if match is None:
                continue
            month_text = match.group("month").lower()
            month = int(month_text) if month_text.isdigit() else _MONTHS.get(month_text)
            if month is None:
                continue
            try:
                return date(int(match.group("year")), month, int(match.group("day")))
            except ValueError:
                continue
    return None


def _document_number(dateline: Sequence[str]) -> str | None:
    for line in dateline:
        match = _NUMBER_RE.search(line.replace("_", " "))
        if match:
            number = re.sub(r"\s*-\s*", "-", match.group("number")).split()
            if number:
                return number[0].rstrip(".,;")
    return None


def _order_title(lines: Sequence[str], start: int) -> str | None:
    """The order's own title ("Об утверждении …"), with the lines that continue it in lower case."""
    groups = [(index, group) for index, group in _groups(lines) if index >= start]
    if not groups or not _ORDER_TITLE_RE.match(groups[0][1][0]):
        return None
    parts = list(groups[0][1])
    for _, group in groups[1:]:
        if not group[0][:1].islower():
            break
        parts.extend(group)
    return _join(parts)


def _roadmap_title(lines: Sequence[str]) -> str | None:
    """The heading right above the table ("Региональный план (дорожная карта) …").

    Looks back over the last few paragraphs, past a caption like "Таблица 1",
    but not into the order's clauses or approval stamp.
    """
    for _, group in reversed(_groups(lines)[-3:]):
        text = _join(group)
        if (
            _ROADMAP_TITLE_RE.search(text)
            and not _CLAUSE_RE.match(text)
            and not text.upper().startswith(("УТВЕРЖД", "ПРИЛОЖЕНИЕ"))
        ):
            return text
    return None


def _period(text: str) -> _Period | None:
    """The period a title names: a school year, a span of years, or "до 2030 года"."""
    match = _SCHOOL_YEAR_RE.search(text)
    if match:
        first, second_text = int(match.group("first")), match.group("second")
        second = int(second_text) if len(second_text) == 4 else first // 100 * 100 + int(second_text)
        try:
            year = SchoolYear.parse(f"{first}-{second}")
        except CalendarError:
            return _Period(match.group().strip(), None, SchoolYear(first).start, SchoolYear(second - 1).end)
        return _Period(match.group().strip(), year, year.start, year.end)
    match = _YEAR_RANGE_RE.search(text)
    if match:
        start, end = int(match.group("first")), int(match.group("second"))
        return _Period(match.group().strip(), None, date(start, 1, 1), date(end, 12, 31))
    match = _UNTIL_RE.search(text)
    if match:
        return _Period(match.group().strip(), None, None, date(int(match.group("year")), 12, 31))
    match = _SINGLE_YEAR_RE.search(text)
    if match:
        year_number = int(match.group("year"))
        return _Period(match.group().strip(), None, date(year_number, 1, 1), date(year_number, 12, 31))
    return None


def _controller(lines: Sequence[str]) -> str | None:
    """Who controls execution: the person the order names, or the signer who keeps it."""
    text = _join(lines)
    match = _CONTROLLER_RE.search(text)
    if match:
        return match.group("who").strip(" ,;")
    match = _SELF_CONTROL_RE.search(text)
    if match is None:
        return None
    return _signer(lines) or match.group().strip()


def _signer(lines: Sequence[str]) -> str | None:
    """"А.С. Огарков, заместитель председателя комитета" from the signature block."""
    for index, line in enumerate(lines):
        if not _SIGNER_NAME_RE.match(line):
            continue
        position = next((lines[back] for back in range(index - 1, -1, -1) if lines[back]), None)
        if position is None or _SIGNER_NAME_RE.match(position) or len(position) > _MAX_HEADING_LINE:
            return line
        return f"{line}, {position[:1].lower()}{position[1:]}"
    return None


def _region(texts: Sequence[str | None]) -> str | None:
    """The region named first by the issuer, else the title, else most often in the text."""
    for text in texts:
        if not text:
            continue
        counts = {code: len(pattern.findall(text)) for code, pattern in _REGIONS}
        best = max(counts, key=lambda code: counts[code])
        if counts[best]:
            return best
    return None
