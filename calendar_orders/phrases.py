"""The dates of one row: a span read by the deadline grammar, checked against the counts and weekdays it states.

Orders write a vacation as «с 24 октября 2026 года (суббота) по 1 ноября
2026 года (воскресенье) (9 дней)», «31.12.2026 – 10.01.2027», «25 октября –
2 ноября 2025 г.», a start and an end in two columns, or «с 27 мая 2027 г.»
for a summer running to the end of August. The span itself is read by the
shared deadline grammar (`calendars.deadlines.parse_deadline`). What the
grammar does not read — and a vacation table needs — is handled here, where
only vacation rows have it:

- weekday brackets «(суббота)», «(вс)» after a date: taken out of the text
  and checked against the date they follow;
- day counts «9 дней», «(12 календарных дней)» and week counts «8 недель»,
  «8 недель 2 дня»: taken out and returned, to be checked against the span;
- the year mark after a numeric date («01.09.2026 г.»), which the grammar
  leaves unread;
- the classes label («для 1-х классов»), cut out before the grammar reads
  the rest (`labels`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from calendar_orders.errors import CalendarImportError
from calendars.deadlines import parse_deadline
from calendars.deadlines.lexer import TokenKind, tokenize
from calendars.deadlines.words import weekday_number
from calendars.school_year import SchoolYear

_WEEKDAY_NAMES = ("понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье")
_SHORT_WEEKDAYS = {"пн": 0, "вт": 1, "ср": 2, "чт": 3, "пт": 4, "сб": 5, "вс": 6}
_BRACKET = re.compile(r"\(\s*(?P<word>[А-Яа-яЁё]{2,12})\.?\s*\)")
_DAYS = re.compile(r"\(?\s*(?P<count>\d{1,3})\s*(?P<kind>(?:календарн|учебн)\w*\s+)?(?:дн(?:ей|я|ь)\b|дн\.|д\.)\s*\)?", re.IGNORECASE)
_WEEKS = re.compile(
    r"\(?\s*(?P<weeks>\d{1,2})\s*(?:учебн\w*\s+)?(?:недел\w*|нед\.)(?:\s*(?:и\s*)?(?P<days>\d)\s*(?:дн(?:ей|я|ь)\b|дн\.|д\.))?\s*\)?",
    re.IGNORECASE,
)
_YEAR_MARK = re.compile(r"(?P<date>\d{1,2}\.\d{1,2}\.\d{2,4})\s*(?:г\.|года\b|г\b)")


@dataclass(frozen=True)
class Counts:
    """What a row states besides its dates: calendar days, school days, weeks (and extra days)."""

    calendar_days: int | None = None
    school_days: int | None = None
    weeks: int | None = None
    extra_days: int | None = None


@dataclass(frozen=True)
class Span:
    """A row's dates: `end` is None for an open span («с 27 мая»)."""

    start: date
    end: date | None


def read_counts(text: str) -> tuple[Counts, str]:
    """The counts a text states, and the text with them taken out."""
    weeks = _WEEKS.search(text)
    if weeks is not None:
        text = text[: weeks.start()] + " " + text[weeks.end():]
    calendar_days = school_days = None
    for match in list(_DAYS.finditer(text))[::-1]:
        count = int(match["count"])
        if (match["kind"] or "").lower().startswith("учебн"):
            school_days = count
        else:
            calendar_days = count
        text = text[: match.start()] + " " + text[match.end():]
    counts = Counts(
        calendar_days=calendar_days,
        school_days=school_days,
        weeks=int(weeks["weeks"]) if weeks else None,
        extra_days=int(weeks["days"]) if weeks and weeks["days"] else None,
    )
    return counts, text


def read_span(text: str, school_year: SchoolYear, where: str) -> Span | None:
    """The span a text names, its weekday brackets checked; None when it names no date.

    Raises CalendarImportError naming `where` when a weekday in brackets is
    not the weekday of the date it follows, when the text names several
    spans, or when its end comes before its start.
    """
    weekdays, text = _take_weekdays(text)
    text = _YEAR_MARK.sub(lambda match: match["date"], text)
    if not any(token.kind is TokenKind.DATE or token.kind is TokenKind.MONTH for token in tokenize(text)):
        return None
    spec = parse_deadline(text, school_year)
    windows = [window for window in spec.windows if window.start is not None]
    if not windows:
        if spec.review_reason and spec.review_reason.startswith("«"):
            raise CalendarImportError(f"{where}: не прочитаны даты — {spec.review_reason}.")
        return None
    if len(windows) > 1:
        shown = "; ".join(_shown(w.start, w.end) for w in windows if w.start)
        raise CalendarImportError(f"{where}: в одной строке несколько периодов ({shown}): разнесите их по строкам.")
    window = windows[0]
    assert window.start is not None
    span = Span(window.start, window.end)
    _check_weekdays(span, weekdays, text, where)
    return span


def _shown(start: date, end: date | None) -> str:
    return f"{start:%d.%m.%Y}–{end:%d.%m.%Y}" if end else f"с {start:%d.%m.%Y}"


def _take_weekdays(text: str) -> tuple[list[tuple[int, int]], str]:
    """(position, weekday) of every «(суббота)», and the text without them (positions are of the new text)."""
    found: list[tuple[int, int]] = []
    parts: list[str] = []
    cursor = 0
    for match in _BRACKET.finditer(text):
        word = match["word"].lower()
        weekday = _SHORT_WEEKDAYS.get(word, weekday_number(word))
        if weekday is None:
            continue
        parts.append(text[cursor: match.start()])
        found.append((sum(len(part) for part in parts), weekday))
        parts.append(" ")
        cursor = match.end()
    parts.append(text[cursor:])
    return found, "".join(parts)


def _check_weekdays(span: Span, weekdays: list[tuple[int, int]], text: str, where: str) -> None:
    """A bracket describes the date just before it: the first date named is the start, a later one the end.

    With a single full date in the text («24 – 31 октября (суббота)») that
    date is the end, unless the span is one day or open.
    """
    if not weekdays:
        return
    points = _date_points(text)
    for position, weekday in weekdays:
        if len(points) >= 2:
            day = span.start if sum(1 for point in points if point < position) <= 1 else span.end
        else:
            day = span.end if span.end is not None and span.end != span.start else span.start
        assert day is not None
        if day.weekday() != weekday:
            raise CalendarImportError(
                f"{where}: {day:%d.%m.%Y} — {_WEEKDAY_NAMES[day.weekday()]}, а в документе указано "
                f"«{_WEEKDAY_NAMES[weekday]}»."
            )


def _date_points(text: str) -> list[int]:
    """Where each date of the text starts: a numeric date, or a day number before a month name."""
    tokens = tokenize(text)
    points = []
    for index, token in enumerate(tokens):
        if token.kind is TokenKind.DATE:
            points.append(token.start)
        elif token.kind is TokenKind.NUMBER and index + 1 < len(tokens) and tokens[index + 1].kind is TokenKind.MONTH:
            points.append(token.start)
    return points

