"""The deadline grammar: productions over tokens that yield clause items.

A cell of the "Сроки" column is a sequence of clauses; separators (, ; . :
"и", stray dashes, line breaks) may stand between them or not ("Декабрь 2023
г. - Январь 2024 г. Май – июнь 2024 г." is two ranges side by side). In EBNF
over token kinds (upper case) and folded words (quoted):

    body         = { clause | "(" body ")" } ;
    clause       = continuation | marker | results | frequency | hours | bound | from | reporting | during ;
    continuation = ("далее" | "затем" | "в дальнейшем" | "впоследствии") [DASH] (frequency | marker) ;
    marker       = "постоянно" | "на постоянной основе" | "бессрочно"
                 | "по мере необходимости" | "по необходимости" | "при необходимости" | "по запросу"
                 | "в установленные сроки" | ("по отдельному" | "согласно" | "в соответствии с" | …) {WORD} ;
    results      = ("по итогам" | "по окончании" | "по завершении" | "по результатам") ([EACH] unit | period) ;
    frequency    = week_of_month | FREQUENCY [weekdays]
                 | ["не" ("реже" | "менее")] (count TIMES | MULTIPLIER | TIMES) ["в" | "за"] [EACH] [every] unit [weekdays]
                 | EACH (unit | weekday {("и" | ",") weekday}) | weekdays ;
    week_of_month= [prep] (ORDINAL | "последн…") UNIT(неделя) [EACH] UNIT(месяц) ;
    every        = NUMBER | COUNT ;                        ("раз в два года")
    hours        = ["с" | "в"] clock [("до" | DASH | "по") clock] ["час…" | "ч."] ;   (plain numbers need the hour word)
    clock        = TIME | NUMBER(0–24) ;
    reporting    = [YEAR_WORD] [","] "следующего за отчетным" [YEAR_WORD | "периодом"] ;  (a yearly frequency)
    weekdays     = "по" WEEKDAY {("и" | ",") WEEKDAY} ;
    unit         = UNIT | [STUDY] YEAR_WORD ;
    bound        = ("до конца" | "до окончания" | "не позднее" | "не позже" | "по") period | "до" period ;
    from         = ("с" | "начиная с") point [("по" | DASH | "до") point] ;
    during       = ["в течение" | "на протяжении" | "в период" | "в" | "на" | "за"] period ;
    period       = range | [STUDY] YEAR_WORD ;          (the bare year word only after "в течение", "до конца")
    range        = point [(DASH | "по") point] ;      (no DASH from a term, vacation, year edge, quarter or
                                                     half to a day: "I четверть — 01.09.2026" names its date)
    point        = (DATE | (NUMBER | ORDINAL) MONTH) ([year] [weekday] | weekday year)
                 | DATE_WITH_YEAR [YEAR_WORD] [weekday]                     («01.09.2026 г. (вторник)»)
                 | (NUMBER | ORDINAL) (("," | "и") (NUMBER | ORDINAL))+ MONTH  (each day of the list, one point each)
                 | (ORDINAL | "последн…") UNIT(неделя) MONTH [year] | school | MONTH [year]
                 | (NUMBER | ORDINAL) UNIT(квартал | полугодие | четверть | триместр) [year]
                 | year | STUDY YEAR_WORD | (NUMBER | ORDINAL) (before DASH, "по", "до": "2-4 квартал") ;
    weekday      = "(" WEEKDAY ["."] ")" ;                 (checked against the date)
    school       = SEASON "каникул…" [year] | ("конец" | "в конце" | "начало" | …) STUDY YEAR_WORD ;
    year         = NUMBER4 [(DASH | SLASH) NUMBER] [YEAR_WORD] [STUDY [YEAR_WORD]] ;

A range's first point takes what it lacks from the second: the unit ("2-4
квартал", "с 1 по 15 сентября") and the year ("Сентябрь – октябрь 2023";
"Декабрь – январь 2024" starts in December 2023). A month, quarter or half
with a year range ("январь 2020-2030 г.г.") names that part of every year.
A point without a year takes it from the document's school year (September
to December in the first year, January to August in the second); without a
school year it is kept as a yearly pattern and reported for review unless a
yearly frequency makes the year irrelevant. A half-year without a year is
the school one (1st: September – December, 2nd: January – May).

Terms, vacations and the start or end of the study year are points of the
document's school year, dated by the federal approximation at parse time
and by the region's calendar when the spec is expanded (`SchoolPart`).
Day words ("пятое", "двадцать пятое") and ordinal suffixes ("5-го") are day
numbers; a weekday in brackets that is not the date's flags the item.

"до <дата>" is read as in Russian official usage: the named date is not
included, the work is due the day before ("до 01 сентября 2023 г." is due
31 August 2023, "До сентября 2023" as well). "не позднее <дата>", "по
<дата>", "до <дата> включительно" and "до конца <периода>" include the
named date or period. A bare
bound starts at the school year's start when the due date falls inside the
document's school year, otherwise its start is unknown.

Parenthesised remarks are parsed like the rest; when any part of them is
not understood, a remark without any date-like token is kept verbatim, one
with dates is not understood. The parser records the character spans each
rule read (`Parser.read`): the words outside them are the unread part.
A fragment a production recognises but whose values are impossible (31.02,
a reversed range, "5 квартал") is reported with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, time, timedelta
from typing import Literal, TypeAlias, cast

from calendars.deadlines import words
from calendars.deadlines.dates import ONE_DAY, MonthDay, clamped, month_day_before
from calendars.deadlines.lexer import Token, TokenKind
from calendars.deadlines.model import SchoolPart, SchoolPartKind, TimeOfDay, Unit, Window, YearlyWindow
from calendars.deadlines.terms import default_study_period, school_part_dates, school_start_of
from calendars.deadlines.words import WEEKDAY_NOMINATIVE, format_date
from calendars.school_year import SchoolYear

K = TokenKind
NoDateKind = Literal["continuous", "on_demand", "separate_schedule"]

MIN_YEAR, MAX_YEAR = 1900, 2100
MAX_YEAR_SPAN = 100
MAX_TIMES = 99


@dataclass(frozen=True)
class Timed:
    """A date expression: a concrete window, and/or the same window as a yearly pattern.

    `window` is None when the year is unknown; `each_year` holds the year
    range of a pattern that repeats every year ("январь 2020-2030 г.г.").
    """

    fragment: str
    window: Window | None = None
    anchor: YearlyWindow | None = None
    each_year: Window | None = None
    note: str | None = None
    flags: tuple[str, ...] = ()  # read, but to be checked by a person: a weekday that does not match the date
    by_dates: bool = False
    """Every end is written as a date (a day and its month), not named as a period: «с 24.10.2026 по
    01.11.2026», not «I четверть», «сентябрь», «2026-2027 учебный год» or a bound «до 1 ноября»."""


@dataclass(frozen=True)
class Frequency:
    fragment: str
    unit: Unit
    times: int = 1
    at_least: bool = False
    weekdays: tuple[int, ...] = ()
    every: int = 1
    week_of_month: int | None = None
    note: str | None = None


@dataclass(frozen=True)
class Hours:
    """Times of day: "с 10 до 15 часов", "в 14:00"."""

    fragment: str
    time: TimeOfDay


@dataclass(frozen=True)
class Marker:
    """A phrase that fixes no date: "постоянно", "по мере необходимости", "по отдельному плану …"."""

    fragment: str
    kind: NoDateKind


@dataclass(frozen=True)
class Continuation:
    """"далее – ежегодно": what follows the first window(s)."""

    fragment: str
    then: Frequency | Marker


@dataclass(frozen=True)
class Remark:
    """A parenthesised remark kept verbatim because it is not a deadline."""

    text: str


@dataclass(frozen=True)
class NotUnderstood:
    fragment: str
    reason: str | None = None

    def message(self) -> str:
        return self.reason or f"не распознано «{self.fragment}»"


Item: TypeAlias = Timed | Frequency | Hours | Marker | Continuation | Remark | NotUnderstood


class _Reject(Exception):
    """A production recognised its phrase but its values are impossible; carries the Russian reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class _Year:
    """The year part of a point: one calendar year, a range ("2020-2030"), or a school year ("2023-2024 уч. г.")."""

    first: int
    last: int
    study: bool = False
    from_document: bool = False

    def shifted(self, years: int) -> _Year:
        """The same single calendar year moved by `years`; ranges and school years stay as they are."""
        if self.study or self.first != self.last:
            return self
        return replace(self, first=self.first + years, last=self.last + years)


PointUnit = Literal["day", "month", "quarter", "half", "years", "study", "bare", "week", "term", "vacation", "year_start", "year_end"]
_SCHOOL_PARTS: tuple[PointUnit, ...] = ("term", "vacation", "year_start", "year_end")
_SUB_YEAR: tuple[PointUnit, ...] = ("day", "month", "quarter", "half", "week")
# Periods a dash never joins to a date: "Начало учебного года — 01.09.2026" names the date, it is no range.
_NAMED_PERIODS: tuple[PointUnit, ...] = (*_SCHOOL_PARTS, "quarter", "half")


@dataclass(frozen=True)
class _Point:
    unit: PointUnit
    number: int = 0  # day of month, quarter or half number, or a bare number
    month: int = 0  # for days
    year: _Year | None = None
    colloquial: bool = False  # "в течение года": the plain word "год" taken as the school year
    weekday: int | None = None  # "14 октября (суббота)": the weekday the text gives, checked against the date
    terms: int = 4  # for a term: quarters (4) or trimesters (3)
    season: str = ""  # for a vacation


@dataclass(frozen=True)
class _Span:
    """A point resolved: its dates when the year is known, its month/day bounds when it is part of a year."""

    first: date | None
    last: date | None
    first_md: MonthDay | None = None
    last_md: MonthDay | None = None
    each: tuple[int, int] | None = None
    study_year: int | None = None
    school: SchoolPart | None = None


_CONTINUATION_WORDS = (("далее",), ("затем",), ("в", "дальнейшем"), ("впоследствии",))
_DURING_WORDS = (
    ("в", "течение"), ("в", "течении"), ("на", "протяжении"), ("в", "период"), ("во", "время"), ("в", "дни"),
)  # fmt: skip
_RESULT_WORDS = (("по", "итогам"), ("по", "окончании"), ("по", "завершении"), ("по", "результатам"))
_YEAR_EDGES: dict[str, PointUnit] = {"конец": "year_end", "конца": "year_end", "конце": "year_end", "окончание": "year_end", "окончания": "year_end",
               "начало": "year_start", "начала": "year_start", "начале": "year_start"}  # fmt: skip
_LAST_WORDS = frozenset({"последняя", "последнюю", "последней", "последние"})
_REPORTING_YEAR = ("следующего", "за", "отчетным")
_PREPOSITIONS = (("в",), ("во",), ("на",), ("за",))
_INCLUSIVE_BOUND_WORDS = (("не", "позднее"), ("не", "позже"), ("по",))
_MARKERS: tuple[tuple[NoDateKind, tuple[tuple[str, ...], ...], bool], ...] = (
    ("continuous", (("постоянно",), ("на", "постоянной", "основе"), ("в", "постоянном", "режиме"), ("бессрочно",)), False),
    (
        "on_demand",
        (("по", "мере", "необходимости"), ("по", "необходимости"), ("при", "необходимости"), ("по", "запросу"), ("по", "запросам")),
        False,
    ),
    ("on_demand", (("по", "мере"),), True),
    ("separate_schedule", (("в", "установленные", "сроки"), ("в", "установленный", "срок")), False),
    (
        "separate_schedule",
        (
            ("по", "отдельному"),
            ("по", "отдельным"),
            ("по", "отдельно"),
            ("согласно",),
            ("в", "соответствии", "с"),
            ("по", "графику"),
            ("по", "плану"),
            ("по", "расписанию"),
        ),
        True,
    ),
)
_QUALIFIER_STOP = frozenset({"в", "во", "до", "с", "со", "по", "не", "на", "при", "далее", "затем", "постоянно"})
_SEPARATOR_KINDS = frozenset({K.COMMA, K.SEMICOLON, K.PERIOD, K.COLON, K.DASH, K.SLASH, K.CLOSE})
_SEPARATOR_WORDS = frozenset({"и", "а", "также"})
# A parenthesised remark with any of these is about dates: not understood, it is flagged, never kept as a note.
_DATED_KINDS = frozenset({K.NUMBER, K.ORDINAL, K.DATE, K.TIME, K.MONTH, K.UNIT, K.FREQUENCY, K.WEEKDAY, K.COUNT, K.TIMES, K.MULTIPLIER})


class Parser:
    """Parses slices of one phrase's tokens into clause items, resolving dates against the school year."""

    def __init__(self, text: str, tokens: Sequence[Token], school_year: SchoolYear | None) -> None:
        self.text = text
        self.tokens = tokens
        self.school_year = school_year
        self.pos = 0
        self.end = len(tokens)
        self.read: list[tuple[int, int]] = []  # character spans some rule accounted for

    def account(self, start: int, end: int) -> None:
        """Tokens [start, end) were read by a rule."""
        if start < end:
            self.read.append((self.tokens[start].start, self.tokens[end - 1].end))

    # ----------------------------------------------------------------- body

    def parse(self, start: int, end: int) -> list[Item]:
        """The items of tokens[start:end]; tokens no production accepts become NotUnderstood fragments."""
        outer = self.pos, self.end
        self.pos, self.end = start, end
        items: list[Item] = []
        unknown_from: int | None = None

        def flush() -> None:
            nonlocal unknown_from
            if unknown_from is not None:
                items.append(NotUnderstood(self._fragment(unknown_from, self.pos)))
                unknown_from = None

        while self.pos < self.end:
            token = self.tokens[self.pos]
            start = self.pos
            if token.kind is K.OPEN:
                flush()
                items.extend(self._group())
            elif token.kind in _SEPARATOR_KINDS or (token.kind is K.WORD and token.word in _SEPARATOR_WORDS):
                flush()
                self.pos += 1
                self.account(start, self.pos)
            elif (item := self._clause()) is not None:
                flush()
                items.append(item)
                if not isinstance(item, NotUnderstood):
                    self.account(start, self.pos)
            else:
                unknown_from = self.pos if unknown_from is None else unknown_from
                self.pos += 1
        flush()
        self.pos, self.end = outer
        return items

    def _group(self) -> list[Item]:
        """A parenthesised part: its meaning when fully understood, else the verbatim remark."""
        opening, depth, closing = self.pos, 0, self.end
        for index in range(self.pos, self.end):
            kind = self.tokens[index].kind
            depth += (kind is K.OPEN) - (kind is K.CLOSE)
            if depth == 0:
                closing = index
                break
        read_before = len(self.read)
        inner = self.parse(opening + 1, closing)
        self.pos = min(closing + 1, self.end)
        fragment = self._fragment(opening + 1, closing)
        if any(isinstance(item, NotUnderstood) for item in inner):
            del self.read[read_before:]
            if any(token.kind in _DATED_KINDS for token in self.tokens[opening + 1 : closing]):
                return [NotUnderstood(fragment, f"в скобках не понято «{fragment}»")]
            self.account(opening, self.pos)
            return [Remark(fragment)]
        self.account(opening, opening + 1)
        self.account(closing, min(closing + 1, self.end))
        return inner

    def _clause(self) -> Item | None:
        productions = (
            self._continuation, self._marker, self._results, self._frequency, self._hours, self._bound,
            self._from, self._reporting_year, self._during,
        )  # fmt: skip
        for production in productions:
            item = self._attempt(production)
            if item is not None:
                return item
        return None

    def _attempt(self, production: Callable[[], Item | None]) -> Item | None:
        """Run a production; on failure rewind, on an impossible value report the fragment read so far."""
        start = self.pos
        try:
            item = production()
        except _Reject as rejected:
            self.pos = max(self.pos, start + 1)
            fragment = self._fragment(start, self.pos)
            return NotUnderstood(fragment, f"«{fragment}»: {rejected.reason}")
        if item is None:
            self.pos = start
        return item

    # ---------------------------------------------------------- productions

    def _continuation(self) -> Item | None:
        start = self.pos
        if not self._any_words(_CONTINUATION_WORDS):
            return None
        while self._take(K.DASH) or self._take(K.COMMA) or self._take(K.COLON):
            pass
        then = self._attempt(self._frequency) or self._attempt(self._marker)
        if isinstance(then, Frequency | Marker):
            return Continuation(self._fragment(start, self.pos), then)
        return then

    def _marker(self) -> Item | None:
        start = self.pos
        for kind, phrases, qualified in _MARKERS:
            if self._any_words(phrases):
                if qualified:
                    self._qualifier()
                return Marker(self._fragment(start, self.pos), kind)
        return None

    def _qualifier(self) -> None:
        """The free words after "по отдельному плану": "… конкурсных мероприятий", "онлайн-уроков"."""
        while (token := self._peek()) is not None:
            if token.kind is K.WORD and token.word not in _QUALIFIER_STOP:
                self.pos += 1
            elif token.kind is K.DASH and self._glued(self.pos):
                self.pos += 2
            else:
                return

    def _frequency(self) -> Item | None:
        start = self.pos
        token = self._peek()
        if token is None:
            return None
        week = self._week_of_month()
        if week is not None:
            return Frequency(self._fragment(start, self.pos), "month", week_of_month=week)
        if token.kind is K.FREQUENCY:
            self.pos += 1
            weekdays = self._weekdays() if token.unit == "week" else ()
            return Frequency(self._fragment(start, self.pos), token.unit, weekdays=weekdays)
        if token.kind is K.EACH:
            self.pos += 1
            each_unit = self._unit()
            if each_unit is not None:
                return Frequency(self._fragment(start, self.pos), each_unit)
            days = self._weekday_list()
            return Frequency(self._fragment(start, self.pos), "week", weekdays=days) if days else None
        days = self._weekdays()
        if days:
            return Frequency(self._fragment(start, self.pos), "week", weekdays=days)
        at_least = self._any_words((("не", "реже"), ("не", "менее")))
        times = self._times()
        if times is None:
            return None
        self._any_words(_PREPOSITIONS)
        self._take(K.EACH)
        every = self._every()
        times_unit = self._unit()
        if times_unit is None:
            return None
        if not 1 <= times <= MAX_TIMES:
            raise _Reject(f"число повторений {times} вне допустимого (1–{MAX_TIMES})")
        weekdays = self._weekdays() if times_unit == "week" else ()
        return Frequency(self._fragment(start, self.pos), times_unit, times, at_least, weekdays, every=every)

    def _every(self) -> int:
        """The "два" of "раз в два года": units between occurrences (1 when absent)."""
        token, following = self._peek(), self._peek(1)
        if token is not None and token.kind in (K.NUMBER, K.COUNT) and following is not None and following.kind in (K.UNIT, K.YEAR_WORD):
            if not 1 <= token.number <= MAX_TIMES:
                raise _Reject(f"период повторения {token.number} вне допустимого (1–{MAX_TIMES})")
            self.pos += 1
            return token.number
        return 1

    def _week_of_month(self) -> int | None:
        """"в последнюю неделю месяца", "первая неделя каждого месяца": which week of every month (-1: the last)."""
        mark = self.pos
        self._any_words(_PREPOSITIONS)
        number = self._week_number()
        if number is not None and self._peek_kind() is K.UNIT and self.tokens[self.pos].unit == "week":
            self.pos += 1
            self._take(K.EACH)
            token = self._peek()
            if token is not None and token.kind is K.UNIT and token.unit == "month":
                self.pos += 1
                return number
        self.pos = mark
        return None

    def _week_number(self) -> int | None:
        token = self._peek()
        if token is None:
            return None
        if token.kind is K.WORD and token.word in _LAST_WORDS:
            self.pos += 1
            return -1
        if token.kind is K.ORDINAL and 1 <= token.number <= 4:
            self.pos += 1
            return token.number
        return None

    def _results(self) -> Item | None:
        """"по итогам четверти" (each term, due at its end); "по итогам I четверти", "по окончании учебного года"."""
        start = self.pos
        if not self._any_words(_RESULT_WORDS):
            return None
        mark = self.pos
        self._take(K.EACH)
        unit = self._unit()
        following = self._peek()
        if unit is not None and not (following is not None and following.kind is K.NUMBER and len(following.text) == 4):
            fragment = self._fragment(start, self.pos)
            return Frequency(fragment, unit, note=f"«{fragment}»: к окончанию каждого периода")
        self.pos = mark
        period = self._period(year_word_allowed=True)
        if period is None:
            return None
        timed = self._timed(start, *period)
        return replace(timed, note=f"«{timed.fragment}»: к окончанию периода")

    def _hours(self) -> Item | None:
        """"с 10 до 15 часов", "с 10:00 до 15:00", "10.00–15.00", "в 14:00", "в 14 часов"."""
        start = self.pos
        opened = self._any_words((("с",), ("со",), ("в",), ("во",)))
        first = self._clock(hour_word_needed=True)
        if first is None:
            self.pos = start
            return None
        mark = self.pos
        end = None
        if self._words("до") or self._take(K.DASH) or self._words("по"):
            end = self._clock(hour_word_needed=False)
            if end is None:
                self.pos = mark
        token = self._peek()
        hour_word = token is not None and words.is_hour_word(token.text) and token.kind is K.WORD
        if hour_word:
            self.pos += 1
        plain = self.tokens[start + opened].kind is K.NUMBER and (end is None or self.tokens[mark + 1].kind is K.NUMBER)
        if plain and not hour_word:
            self.pos = start
            return None
        return Hours(self._fragment(start, self.pos), TimeOfDay(first, end))

    def _clock(self, *, hour_word_needed: bool) -> time | None:
        token = self._peek()
        if token is None:
            return None
        if token.kind is K.TIME:
            self.pos += 1
            return time(*token.time_parts)
        following = self._peek(1)
        is_hour = token.kind is K.NUMBER and 0 <= token.number <= 24 and len(token.text) <= 2
        if is_hour and (not hour_word_needed or following is not None and (
            following.word in ("до", "по") or following.kind is K.DASH or words.is_hour_word(following.text)
        )):
            self.pos += 1
            return time(token.number % 24)
        return None

    def _reporting_year(self) -> Item | None:
        """"(до 1 марта) года, следующего за отчётным": every year, for the year before."""
        start = self.pos
        self._take(K.YEAR_WORD)
        self._take(K.COMMA)
        if not self._words(*_REPORTING_YEAR):
            self.pos = start
            return None
        self._take(K.YEAR_WORD) or self._words("периодом")
        fragment = self._fragment(start, self.pos)
        return Frequency(fragment, "year", note=f"«{fragment}»: ежегодно, за прошедший (отчётный) год")

    def _times(self) -> int | None:
        """"2 раза", "одного раза", "дважды", a bare "раз"."""
        token, following = self._peek(), self._peek(1)
        if token is None:
            return None
        if token.kind is K.MULTIPLIER:
            self.pos += 1
            return token.number
        if token.kind in (K.NUMBER, K.COUNT) and following is not None and following.kind is K.TIMES:
            self.pos += 2
            return token.number
        if token.kind is K.TIMES:
            self.pos += 1
            return 1
        return None

    def _unit(self) -> Unit | None:
        token, following = self._peek(), self._peek(1)
        if token is None:
            return None
        if token.kind is K.UNIT:
            self.pos += 1
            return token.unit
        if token.kind is K.STUDY and following is not None and following.kind is K.YEAR_WORD:
            self.pos += 2
            return "year"
        if token.kind is K.YEAR_WORD:
            self.pos += 1
            return "year"
        return None

    def _weekdays(self) -> tuple[int, ...]:
        """"по четвергам [и пятницам]" or nothing."""
        mark = self.pos
        if self._words("по"):
            days = self._weekday_list()
            if days:
                return days
        self.pos = mark
        return ()

    def _weekday_list(self) -> tuple[int, ...]:
        days: list[int] = []
        while (token := self._peek()) is not None and token.kind is K.WEEKDAY:
            days.append(token.number)
            self.pos += 1
            mark = self.pos
            if not (self._take(K.COMMA) or self._words("и")) or self._peek_kind() is not K.WEEKDAY:
                self.pos = mark
                break
        return tuple(sorted(set(days)))

    def _bound(self) -> Item | None:
        start = self.pos
        to_end_of = self._any_words((("до", "конца"), ("до", "окончания")))
        inclusive = to_end_of or self._any_words(_INCLUSIVE_BOUND_WORDS)
        if not inclusive and not self._words("до"):
            return None
        period = self._period(year_word_allowed=to_end_of)
        if period is None:
            return None
        inclusive = self._words("включительно") or inclusive
        return self._bound_of(start, *period, inclusive=inclusive)

    def _from(self) -> Item | None:
        start = self.pos
        if not self._any_words((("с",), ("со",), ("начиная", "с"))):
            return None
        first = self._point(bare_allowed=True)
        if first is None:
            return None
        inclusive = self._words("по") or self._take(K.DASH)
        if inclusive or self._words("до"):
            last = self._point(bare_allowed=False)
            if last is None:
                return None
            inclusive = self._words("включительно") or inclusive
            return self._timed(start, first, last, exclusive_end=not inclusive)
        if first.unit == "bare":
            return None
        first, _, head, _ = self._resolve(first, None)
        fragment = self._fragment(start, self.pos)
        window = Window(head.first, None) if head.first else None
        return Timed(fragment, window, note=self._year_note(fragment, first), flags=self._weekday_flags(fragment, (first, head)),
                     by_dates=first.unit == "day")

    def _during(self) -> Item | None:
        start = self.pos
        during = self._any_words(_DURING_WORDS)
        if not during:
            self._any_words(_PREPOSITIONS)
        period = self._period(year_word_allowed=during)
        return self._timed(start, *period) if period else None

    # --------------------------------------------------------------- points

    def _period(self, *, year_word_allowed: bool) -> tuple[_Point, _Point | None] | None:
        token = self._peek()
        if year_word_allowed and token is not None and token.kind is K.YEAR_WORD and token.text[-1:].isalpha():
            self.pos += 1
            return _Point("study", colloquial=True), None
        return self._range()

    def _range(self) -> tuple[_Point, _Point | None] | None:
        first = self._point(bare_allowed=True)
        if first is None:
            return None
        mark = self.pos
        dash = self._take(K.DASH)
        if dash or self._words("по"):  # "14 октября по 18 октября": a range without "с"
            last = self._point(bare_allowed=False)
            if last is not None and not (dash and first.unit in _NAMED_PERIODS and last.unit == "day"):
                return first, last
            self.pos = mark  # "I четверть — 01.09.2026–23.10.2026": the dash stands between a name and its dates
        return None if first.unit == "bare" else (first, None)

    def _point(self, *, bare_allowed: bool) -> _Point | None:
        token, following = self._peek(), self._peek(1)
        if token is None:
            return None
        before = following.kind if following is not None else None
        if token.kind is K.DATE:
            day, month, written_year = token.date_parts
            self.pos += 1
            if written_year is not None and not MIN_YEAR <= written_year <= MAX_YEAR:
                raise _Reject(f"год {written_year} вне допустимого ({MIN_YEAR}–{MAX_YEAR})")
            if written_year is None:
                return self._day(day, month)
            self._take(K.YEAR_WORD)  # «01.09.2026 г.», «01.09.2026 года»: the year already written, marked again
            return _Point("day", day, month, _Year(written_year, written_year), weekday=self._bracketed_weekday())
        day_number = token.kind in (K.NUMBER, K.ORDINAL) and 1 <= token.number <= 31
        if following is not None and day_number and before is K.MONTH:
            self.pos += 2
            return self._day(token.number, following.number)
        if day_number and (borrowed := self._month_of_list()) is not None:
            self.pos += 1  # "14, 15 ноября": this day, in the month (and year) written after the list
            return _Point("day", token.number, borrowed[0], borrowed[1], weekday=self._bracketed_weekday())
        week = self._week_point()
        if week is not None:
            return week
        school = self._school_point()
        if school is not None:
            return school
        if following is not None and token.kind in (K.NUMBER, K.ORDINAL) and before is K.UNIT:
            return self._part_of_year(token.number, following)
        if token.kind is K.MONTH:
            self.pos += 1
            return _Point("month", month=token.number, year=self._year())
        if token.kind is K.NUMBER and len(token.text) == 4 and MIN_YEAR <= token.number <= MAX_YEAR:
            year = self._year()
            assert year is not None
            return _Point("study" if year.study else "years", year=year)
        if token.kind is K.STUDY and before is K.YEAR_WORD:
            self.pos += 2
            return _Point("study")
        if (
            bare_allowed
            and token.kind in (K.NUMBER, K.ORDINAL)
            and 1 <= token.number <= 31
            and (before is K.DASH or (following is not None and following.word in ("по", "до")))
        ):
            self.pos += 1
            return _Point("bare", token.number)
        return None

    def _day(self, day: int, month: int) -> _Point:
        """A day of a month with its year and weekday, in either order: «1 ноября 2026 г. (воскресенье)»,
        «1 ноября (воскресенье) 2026 года»."""
        year = self._year()
        weekday = self._bracketed_weekday()
        if year is None and weekday is not None:
            year = self._year()
        return _Point("day", day, month, year, weekday=weekday)

    def _part_of_year(self, number: int, unit_token: Token) -> _Point | None:
        """"4 квартал 2020 г.", "Первое полугодие 2023 года", "II четверть", "1 триместр 2023-2024 уч. г."."""
        unit = unit_token.unit
        if unit == "school_quarter":
            terms = 3 if unit_token.word.startswith("трим") else 4
            self.pos += 2
            year = self._year()
            if not 1 <= number <= terms:
                raise _Reject(f"{'триместра' if terms == 3 else 'четверти'} с номером {number} нет")
            return _Point("term", number, year=year, terms=terms)
        if unit not in ("quarter", "half"):
            return None
        self.pos += 2
        year = self._year()
        if not 1 <= number <= (4 if unit == "quarter" else 2):
            raise _Reject(f"{'квартала' if unit == 'quarter' else 'полугодия'} с номером {number} нет")
        return _Point("quarter" if unit == "quarter" else "half", number, year=year)

    def _month_of_list(self) -> tuple[int, _Year | None] | None:
        """For the first days of "14, 15 ноября", "5 и 6 октября 2023": the month and year after the list."""
        index = self.pos + 1
        while index + 1 < self.end:
            separator, day = self.tokens[index], self.tokens[index + 1]
            if not (separator.kind is K.COMMA or separator.word == "и"):
                return None
            if day.kind not in (K.NUMBER, K.ORDINAL) or not 1 <= day.number <= 31:
                return None
            index += 2
            if index < self.end and self.tokens[index].kind is K.MONTH:
                mark = self.pos
                self.pos = index + 1
                year = self._year()
                self.pos = mark
                return self.tokens[index].number, year
        return None

    def _bracketed_weekday(self) -> int | None:
        """"(суббота)", "(вт.)" right after a date: the weekday the text says it is."""
        opening, day, closing = self._peek(), self._peek(1), self._peek(2)
        if opening is None or opening.kind is not K.OPEN or day is None or day.kind is not K.WEEKDAY or closing is None:
            return None
        if closing.kind is K.PERIOD:
            closing = self._peek(3)
            if closing is None or closing.kind is not K.CLOSE:
                return None
            self.pos += 4
        elif closing.kind is K.CLOSE:
            self.pos += 3
        else:
            return None
        return day.number

    def _week_point(self) -> _Point | None:
        """"первая неделя сентября", "последняя неделя мая 2024 г."."""
        mark = self.pos
        number = self._week_number()
        unit, month = self._peek(), self._peek(1)
        if number is None or unit is None or unit.kind is not K.UNIT or unit.unit != "week" or month is None or month.kind is not K.MONTH:
            self.pos = mark
            return None
        self.pos += 2
        return _Point("week", number, month.number, self._year())

    def _school_point(self) -> _Point | None:
        """Parts of the school year its calendar dates: "осенние каникулы", "конец учебного года"."""
        token, following = self._peek(), self._peek(1)
        if token is None:
            return None
        season = words.season_of(token.text)
        if season is not None and following is not None and words.is_vacation_word(following.text):
            self.pos += 2
            return _Point("vacation", year=self._year(), season=season)
        edge = _YEAR_EDGES.get(token.word)
        if edge is not None and following is not None:
            mark = self.pos
            self.pos += 1
            if self._take(K.STUDY) and self._take(K.YEAR_WORD):
                return _Point(edge, year=self._year())
            year = self._year()
            if year is not None and year.study:
                return _Point(edge, year=year)
            self.pos = mark
        return None

    def _year(self) -> _Year | None:
        """An optional year after a point: "2023", "2023 г.", "2020-2030 г.г.", "2023-2024 учебного года"."""
        token = self._peek()
        if token is None or token.kind is not K.NUMBER or len(token.text) != 4:
            return None
        first = token.number
        if not MIN_YEAR <= first <= MAX_YEAR:
            return None
        self.pos += 1
        last = self._year_range_end(first)
        self._take(K.YEAR_WORD)
        if last is not None and not first <= last <= first + MAX_YEAR_SPAN:
            raise _Reject(f"неверный диапазон лет {first}–{last}")
        if self._take(K.STUDY):
            self._take(K.YEAR_WORD)
            last = first + 1 if last is None else last
            if last != first + 1:
                raise _Reject("учебный год должен состоять из двух соседних лет")
            return _Year(first, last, study=True)
        return _Year(first, first if last is None else last)

    def _year_range_end(self, first: int) -> int | None:
        """The "-2030" of "2020-2030", "/2024" or "-24" of "2023/2024", "2023-24 уч. г."; None when absent."""
        separator, number, after = self._peek(), self._peek(1), self._peek(2)
        if separator is None or separator.kind not in (K.DASH, K.SLASH) or number is None or number.kind is not K.NUMBER:
            return None
        value = number.number
        if len(number.text) == 4 and MIN_YEAR <= value <= MAX_YEAR:
            last = value
        elif len(number.text) == 2 and after is not None and after.kind in (K.YEAR_WORD, K.STUDY):
            last = first // 100 * 100 + value
        else:
            return None
        self.pos += 2
        return last

    # ------------------------------------------------------------ resolving

    def _resolve(self, first: _Point, last: _Point | None) -> tuple[_Point, _Point, _Span, _Span]:
        """A point or range with its years filled in, and both ends as spans."""
        if last is None:
            first = last = self._with_document_year(first)
            head = tail = self._span(first)
            return first, last, head, tail
        if "study" in (first.unit, last.unit):
            raise _Reject("неясный диапазон: учебный год внутри диапазона")
        first, last = self._complete(first, last)
        return first, last, self._span(first), self._span(last)

    def _timed(self, start: int, first: _Point, last: _Point | None, *, exclusive_end: bool = False) -> Timed:
        """A point or range as dates (when the year is known) and as a yearly pattern."""
        first, last, head, tail = self._resolve(first, last)
        fragment = self._fragment(start, self.pos)
        if exclusive_end:
            end = tail.first - ONE_DAY if tail.first else None
            end_md = month_day_before(tail.first_md) if tail.first_md else None
        else:
            end, end_md = tail.last, tail.last_md
        anchor = YearlyWindow(head.first_md, end_md) if head.first_md and end_md else None
        note = f"«{fragment}»: «год» понимается как учебный год" if first.colloquial else self._year_note(fragment, first, last)
        flags = self._weekday_flags(fragment, (first, head), (last, tail))
        if head.each or tail.each:
            if head.each != tail.each or head.each is None:
                raise _Reject("неясный диапазон: годы указаны только у одной границы")
            each_year = Window(date(head.each[0], 1, 1), date(head.each[1], 12, 31))
            return Timed(fragment, anchor=anchor, each_year=each_year, note=note, flags=flags)
        window = None
        if head.first is not None and end is not None:
            if head.first > end:
                raise _Reject("начало позже окончания")
            single = first is last
            window = Window(head.first, end, head.study_year if single else None, head.school if single else None)
        elif head.school is not None and first is last:
            window = Window(None, None, school=head.school)
            flags += (f"«{fragment}»: даты есть только в календаре региона — задайте регион документа",)
        return Timed(fragment, window, anchor, note=note, flags=flags, by_dates=first.unit == last.unit == "day")

    def _weekday_flags(self, fragment: str, *ends: tuple[_Point, _Span]) -> tuple[str, ...]:
        """"14 октября 2023 г. (суббота)" when 14 October 2023 is a Tuesday: the year or the day is wrong."""
        flags = []
        for point, span in dict.fromkeys(ends):
            if point.weekday is None or span.first is None or span.first.weekday() == point.weekday:
                continue
            actual = WEEKDAY_NOMINATIVE[span.first.weekday()]
            flags.append(
                f"«{fragment}»: {format_date(span.first)} — {actual}, а в тексте — {WEEKDAY_NOMINATIVE[point.weekday]}; "
                "проверьте число и год"
            )
        return tuple(flags)

    def _bound_of(self, start: int, first: _Point, last: _Point | None, *, inclusive: bool) -> Timed:
        """"до X": due the day before X starts; "не позднее X", "до конца X": due when X ends."""
        first, last, head, tail = self._resolve(first, last)
        fragment = self._fragment(start, self.pos)
        if inclusive and (head.study_year is not None or head.school is not None) and first is last:
            # "до конца учебного года", "до конца II четверти": the whole part, dated by the calendar
            return Timed(fragment, Window(head.first, head.last, head.study_year, head.school))
        if inclusive:
            due, due_md = tail.last, tail.last_md
        else:
            due = head.first - ONE_DAY if head.first else None
            due_md = month_day_before(head.first_md) if head.first_md else None
        anchor = YearlyWindow(None, due_md) if due_md else None
        note = self._year_note(fragment, first, last)
        if head.each:
            return Timed(fragment, anchor=anchor, each_year=Window(date(head.each[0], 1, 1), date(head.each[1], 12, 31)))
        if due is None:
            return Timed(fragment, anchor=anchor, note=note)
        if not inclusive:
            note = f"«{fragment}»: дата после «до» в срок не входит — выполнить не позднее {format_date(due)}"
        flags = self._weekday_flags(fragment, (first, head), (last, tail))
        return Timed(fragment, Window(school_start_of(due, self.school_year), due), anchor, note=note, flags=flags)

    def _complete(self, first: _Point, last: _Point) -> tuple[_Point, _Point]:
        """Fill a range's first point from the last (unit, month, year) and the other way round (year)."""
        if first.unit == "bare":
            if last.unit not in ("day", "quarter", "half", "term"):
                raise _Reject("неясный диапазон: число без месяца, квартала или полугодия")
            first = replace(last, number=first.number, weekday=None)
        if first.unit in _SUB_YEAR and last.unit in _SUB_YEAR:
            if first.year is None and last.year is None:
                last = self._with_document_year(last)
            if first.year is None and last.year is not None:
                first = replace(first, year=last.year.shifted(-1 if _position(first) > _position(last) else 0))
            elif last.year is None and first.year is not None:
                last = replace(last, year=first.year.shifted(1 if _position(last) < _position(first) else 0))
        return self._with_document_year(first), self._with_document_year(last)

    def _with_document_year(self, point: _Point) -> _Point:
        """A part of a year without a year, placed in the document's school year."""
        if point.unit in _SCHOOL_PARTS and point.year is None and self.school_year is not None:
            first = self.school_year.first
            return replace(point, year=_Year(first, first + 1, study=True, from_document=True))
        if point.unit not in _SUB_YEAR or point.year is not None or self.school_year is None:
            return point
        year = self.school_year.year_of_month(_month_bounds(point, school=True)[0][0])
        return replace(point, year=_Year(year, year, from_document=True))

    def _span(self, point: _Point) -> _Span:
        if point.unit in _SCHOOL_PARTS:
            return self._school_span(point)
        if point.unit == "years":
            assert point.year is not None
            return _Span(date(point.year.first, 1, 1), date(point.year.last, 12, 31))
        if point.unit == "study":
            first_year = point.year.first if point.year else self.school_year.first if self.school_year else None
            if first_year is None:
                return _Span(None, None)
            start, end = default_study_period(first_year)
            return _Span(start, end, study_year=first_year)
        year = point.year
        school = year is None or year.study or year.from_document
        first_md, last_md = _month_bounds(point, school)
        if point.unit == "day" and not _valid_month_day(point.month, point.number):
            raise _Reject(f"даты {point.number:02d}.{point.month:02d} не существует")
        if year is None:
            return _Span(None, None, first_md, last_md)
        if year.first != year.last and not year.study:
            return _Span(None, None, first_md, last_md, each=(year.first, year.last))
        calendar_year = SchoolYear(year.first).year_of_month(first_md[0]) if year.study else year.first
        try:
            first = date(calendar_year, *first_md)
        except ValueError:
            raise _Reject(f"даты {first_md[1]:02d}.{first_md[0]:02d}.{calendar_year} не существует") from None
        last = clamped(calendar_year + (last_md < first_md), *last_md)
        if point.unit == "week" and point.number == -1:  # the last seven days of the month, whatever its length
            first = last - timedelta(days=6)
        return _Span(first, last, first_md, last_md)

    def _school_span(self, point: _Point) -> _Span:
        """A term, a vacation or an edge of the study year, dated by the federal approximation for now.

        Without a year, or with a calendar year ("осенние каникулы 2023"), the
        school year is the document's, or the one that part falls in.
        """
        year = point.year
        if year is None:
            return _Span(None, None)
        if year.study:
            first_year = year.first
        else:
            spring_half = (point.unit == "term" and point.number > point.terms // 2) or point.season in ("winter", "spring", "summer")
            first_year = year.first - 1 if spring_half or point.unit == "year_end" else year.first
        part = SchoolPart(cast(SchoolPartKind, point.unit), first_year, point.number, point.terms, point.season)
        dates, _ = school_part_dates(part, None)
        if dates is None:
            if point.unit == "vacation":  # an extra vacation: only the region's calendar dates it
                return _Span(None, None, school=part)
            raise _Reject("в учебном году нет такого периода")
        return _Span(dates[0], dates[1], school=part)

    def _year_note(self, fragment: str, *points: _Point) -> str | None:
        if self.school_year is not None and any(p.year is not None and p.year.from_document for p in points):
            return f"«{fragment}»: год не указан — взят из учебного года {self.school_year}"
        return None

    # -------------------------------------------------------------- cursor

    def _peek(self, ahead: int = 0) -> Token | None:
        index = self.pos + ahead
        return self.tokens[index] if index < self.end else None

    def _peek_kind(self) -> TokenKind | None:
        token = self._peek()
        return token.kind if token is not None else None

    def _take(self, kind: TokenKind) -> bool:
        if self._peek_kind() is kind:
            self.pos += 1
            return True
        return False

    def _words(self, *words: str) -> bool:
        """Consume these words in a row (folded text of any token kind), or nothing."""
        for offset, word in enumerate(words):
            token = self._peek(offset)
            if token is None or token.word != word:
                return False
        self.pos += len(words)
        return True

    def _any_words(self, phrases: Sequence[tuple[str, ...]]) -> bool:
        return any(self._words(*phrase) for phrase in phrases)

    def _glued(self, index: int) -> bool:
        """A hyphen inside a word ("онлайн-уроков"): words on both sides, no spaces."""
        before, dash = self.tokens[index - 1], self.tokens[index]
        after = self.tokens[index + 1] if index + 1 < self.end else None
        return after is not None and after.kind is K.WORD and before.end == dash.start and dash.end == after.start

    def _fragment(self, start: int, end: int) -> str:
        """The verbatim text of tokens[start:end]."""
        if start >= end:
            return ""
        return self.text[self.tokens[start].start : self.tokens[end - 1].end]


def phase_labels(tokens: Sequence[Token]) -> list[tuple[int, int]]:
    """(first label token, colon) for every "Label:" outside parentheses.

    A label is the run of plain words before a colon ("Организация работы:");
    when the run also holds the end of the previous phase ("… постоянно
    Апробация:"), it starts at the run's first capitalised word.
    """
    labels: list[tuple[int, int]] = []
    depth = 0
    for index, token in enumerate(tokens):
        depth = max(0, depth + (token.kind is K.OPEN) - (token.kind is K.CLOSE))
        if token.kind is not K.COLON or depth:
            continue
        first = index
        while first > 0 and tokens[first - 1].kind is K.WORD:
            first -= 1
        if first == index:
            continue
        capitalised = next((i for i in range(first, index) if tokens[i].text[:1].isupper()), first)
        labels.append((capitalised, index))
    return labels


def _month_bounds(point: _Point, school: bool) -> tuple[MonthDay, MonthDay]:
    """First and last (month, day) of a part of a year; day 31 means the month's last day."""
    if point.unit == "day":
        return (point.month, point.number), (point.month, point.number)
    if point.unit == "week":  # the n-th seven days; the last week is fixed once the year is known
        if point.number == -1:
            return (point.month, 25), (point.month, 31)
        return (point.month, 7 * point.number - 6), (point.month, 7 * point.number)
    if point.unit == "month":
        return (point.month, 1), (point.month, 31)
    if point.unit == "quarter":
        return (3 * point.number - 2, 1), (3 * point.number, 31)
    if school:  # a half-year of the school year
        return ((9, 1), (12, 31)) if point.number == 1 else ((1, 1), (5, 31))
    return (6 * point.number - 5, 1), (6 * point.number, 31)


def _position(point: _Point) -> MonthDay:
    return _month_bounds(point, school=False)[0]


def _valid_month_day(month: int, day: int) -> bool:
    try:
        date(2000, month, day)  # a leap year: 29.02 exists in some years
    except ValueError:
        return False
    return True
