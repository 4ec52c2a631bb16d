"""The dates of one row: a span read by the deadline grammar, checked against the counts it states.

Orders write a vacation as «с 24 октября 2026 года (суббота) по 1 ноября
2026 года (воскресенье) (9 дней)», «31.12.2026 – 10.01.2027», «25 октября –
2 ноября 2025 г.», a start and an end in two columns, or «с 27 мая 2027 г.»
for a summer running to the end of August. The dates, and the weekdays in
brackets after them, are read and checked by the shared deadline grammar
(`calendars.deadlines.parse_clauses`): of its clauses the row's span is the
one written as dates, while the periods the row names by words («I
четверть», «осенние каникулы», «2026-2027 учебного года») are its name,
which `document` reads. What only vacation and term rows have is read here:
day counts «9 дней», «(12 календарных дней)» and week counts «8 недель»,
«8 недель 2 дня», taken out of the text and returned to be checked against
the span (the classes label, «для 1-х классов», is found by `labels`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from calendar_orders.errors import CalendarImportError
from calendars.deadlines import parse_clauses
from calendars.deadlines.grammar import NotUnderstood, Timed
from calendars.school_year import SchoolYear

_DAYS = re.compile(r"\(?\s*(?P<count>\d{1,3})\s*(?P<kind>(?:календарн|учебн)\w*\s+)?(?:дн(?:ей|я|ь)\b|дн\.|д\.)\s*\)?", re.IGNORECASE)
_WEEKS = re.compile(
    r"\(?\s*(?P<weeks>\d{1,2})\s*(?:учебн\w*\s+)?(?:недел\w*|нед\.)(?:\s*(?:и\s*)?(?P<days>\d)\s*(?:дн(?:ей|я|ь)\b|дн\.|д\.))?\s*\)?",
    re.IGNORECASE,
)


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
    """The span a text writes as dates, its weekday brackets checked; None when it writes no date.

    Raises CalendarImportError naming `where` when the grammar finds a date
    it cannot take (impossible, an end before its start, a remark in
    brackets with dates it does not understand), when a weekday in brackets
    is not the weekday of its date, or when the text writes several spans.
    Words it does not read are left to the row's reader: they are its name,
    its classes, its counts.
    """
    clauses = parse_clauses(text, school_year)
    rejected = next((clause.message() for clause in clauses if isinstance(clause, NotUnderstood) and clause.reason), None)
    if rejected is not None:
        raise CalendarImportError(f"{where}: не прочитаны даты — {rejected}.")
    spans = [clause for clause in clauses if isinstance(clause, Timed) and clause.by_dates and clause.window is not None]
    if not spans:
        return None
    if len(spans) > 1:
        shown = "; ".join(_shown(clause.window.start, clause.window.end) for clause in spans if clause.window and clause.window.start)
        raise CalendarImportError(f"{where}: в одной строке несколько периодов ({shown}): разнесите их по строкам.")
    (span,) = spans
    if span.flags:
        raise CalendarImportError(f"{where}: {'; '.join(span.flags)}.")
    assert span.window is not None and span.window.start is not None
    return Span(span.window.start, span.window.end)


def _shown(start: date, end: date | None) -> str:
    return f"{start:%d.%m.%Y}–{end:%d.%m.%Y}" if end else f"с {start:%d.%m.%Y}"
