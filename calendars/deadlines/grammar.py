"""The deadline grammar: productions over tokens that yield clause items.

A cell of the "Сроки" column is a sequence of clauses; separators (, ; . :
"и", stray dashes, line breaks) may stand between them or not ("Декабрь 2023
г. - Январь 2024 г. Май – июнь 2024 г." is two ranges side by side). In EBNF
over token kinds (upper case) and folded words (quoted):

    body         = { clause | "(" body ")" } ;
    clause       = continuation | marker | frequency | bound | from | during ;
    continuation = ("далее" | "затем" | "в дальнейшем" | "впоследствии") [DASH] (frequency | marker) ;
    marker       = "постоянно" | "на постоянной основе" | "бессрочно"
                 | "по мере необходимости" | "по необходимости" | "при необходимости" | "по запросу"
                 | "в установленные сроки" | ("по отдельному" | "согласно" | "в соответствии с" | …) {WORD} ;
    frequency    = FREQUENCY [weekdays]
                 | ["не" ("реже" | "менее")] (count TIMES | MULTIPLIER | TIMES) ["в" | "за"] [EACH] unit [weekdays]
                 | EACH (unit | weekday {("и" | ",") weekday}) | weekdays ;
    weekdays     = "по" WEEKDAY {("и" | ",") WEEKDAY} ;
    unit         = UNIT | [STUDY] YEAR_WORD ;
    bound        = ("до конца" | "до окончания" | "не позднее" | "не позже" | "по") period | "до" period ;
    from         = ("с" | "начиная с") point [("по" | DASH | "до") point] ;
    during       = ["в течение" | "на протяжении" | "в период" | "в" | "на" | "за"] period ;
    period       = range | [STUDY] YEAR_WORD ;          (the bare year word only after "в течение", "до конца")
    range        = point [DASH point] ;
    point        = DATE [year] | NUMBER MONTH [year] | MONTH [year]
                 | (NUMBER | ORDINAL) UNIT(квартал | полугодие) [year]
                 | year | STUDY YEAR_WORD | (NUMBER | ORDINAL) (before DASH, "по", "до": "2-4 квартал") ;
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

"до <дата>" is read as in Russian official usage: the named date is not
included, the work is due the day before ("до 01 сентября 2023 г." is due
31 August 2023, "До сентября 2023" as well). "не позднее <дата>", "по
<дата>" and "до конца <периода>" include the named date or period. A bare
bound starts at the school year's start when the due date falls inside the
document's school year, otherwise its start is unknown.

Parenthesised remarks are parsed like the rest; when any part of them is
not understood the whole remark is kept verbatim instead, without review.
A fragment a production recognises but whose values are impossible (31.02,
a reversed range, "5 квартал") is reported with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Literal, TypeAlias

from calendars.deadlines.dates import ONE_DAY, MonthDay, clamped, month_day_before
from calendars.deadlines.lexer import Token, TokenKind
from calendars.deadlines.model import Unit, Window, YearlyWindow
from calendars.deadlines.terms import default_study_period, school_start_of
from calendars.deadlines.words import format_date
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


@dataclass(frozen=True)
class Frequency:
    fragment: str
    unit: Unit
    times: int = 1
    at_least: bool = False
    weekdays: tuple[int, ...] = ()


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


Item: TypeAlias = Timed | Frequency | Marker | Continuation | Remark | NotUnderstood


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


PointUnit = Literal["day", "month", "quarter", "half", "years", "study", "bare"]
_SUB_YEAR: tuple[PointUnit, ...] = ("day", "month", "quarter", "half")


@dataclass(frozen=True)
class _Point:
    unit: PointUnit
    number: int = 0  # day of month, quarter or half number, or a bare number
    month: int = 0  # for days
    year: _Year | None = None
    colloquial: bool = False  # "в течение года": the plain word "год" taken as the school year


@dataclass(frozen=True)
class _Span:
    """A point resolved: its dates when the year is known, its month/day bounds when it is part of a year."""

    first: date | None
    last: date | None
    first_md: MonthDay | None = None
    last_md: MonthDay | None = None
    each: tuple[int, int] | None = None
    study_year: int | None = None


_CONTINUATION_WORDS = (("далее",), ("затем",), ("в", "дальнейшем"), ("впоследствии",))
_DURING_WORDS = (("в", "течение"), ("в", "течении"), ("на", "протяжении"), ("в", "период"))
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


class Parser:
    """Parses slices of one phrase's tokens into clause items, resolving dates against the school year."""

    def __init__(self, text: str, tokens: Sequence[Token], school_year: SchoolYear | None) -> None:
        self.text = text
        self.tokens = tokens
        self.school_year = school_year
        self.pos = 0
        self.end = len(tokens)

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
            if token.kind is K.OPEN:
                flush()
                items.extend(self._group())
            elif token.kind in _SEPARATOR_KINDS or (token.kind is K.WORD and token.word in _SEPARATOR_WORDS):
                flush()
                self.pos += 1
            elif (item := self._clause()) is not None:
                flush()
                items.append(item)
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
        inner = self.parse(opening + 1, closing)
        self.pos = min(closing + 1, self.end)
        if any(isinstance(item, NotUnderstood) for item in inner):
            return [Remark(self._fragment(opening + 1, closing))]
        return inner

    def _clause(self) -> Item | None:
        productions = (self._continuation, self._marker, self._frequency, self._bound, self._from, self._during)
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
        times_unit = self._unit()
        if times_unit is None:
            return None
        if not 1 <= times <= MAX_TIMES:
            raise _Reject(f"число повторений {times} вне допустимого (1–{MAX_TIMES})")
        weekdays = self._weekdays() if times_unit == "week" else ()
        return Frequency(self._fragment(start, self.pos), times_unit, times, at_least, weekdays)

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
            return self._timed(start, first, last, exclusive_end=not inclusive) if last else None
        if first.unit == "bare":
            return None
        first, _, head, _ = self._resolve(first, None)
        fragment = self._fragment(start, self.pos)
        window = Window(head.first, None) if head.first else None
        return Timed(fragment, window, note=self._year_note(fragment, first))

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
        if self._take(K.DASH):
            last = self._point(bare_allowed=False)
            if last is not None:
                return first, last
            self.pos = mark
        return None if first.unit == "bare" else (first, None)

    def _point(self, *, bare_allowed: bool) -> _Point | None:
        token, following = self._peek(), self._peek(1)
        if token is None:
            return None
        before = following.kind if following is not None else None
        if token.kind is K.DATE:
            day, month, year = token.date_parts
            self.pos += 1
            if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
                raise _Reject(f"год {year} вне допустимого ({MIN_YEAR}–{MAX_YEAR})")
            return _Point("day", day, month, _Year(year, year) if year is not None else self._year())
        if following is not None and token.kind is K.NUMBER and before is K.MONTH and 1 <= token.number <= 31:
            self.pos += 2
            return _Point("day", token.number, following.number, self._year())
        if following is not None and token.kind in (K.NUMBER, K.ORDINAL) and before is K.UNIT:
            return self._part_of_year(token.number, following.unit)
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

    def _part_of_year(self, number: int, unit: Unit) -> _Point | None:
        """"4 квартал 2020 г.", "Первое полугодие 2023 года"."""
        if unit not in ("quarter", "half"):
            return None
        self.pos += 2
        year = self._year()
        if not 1 <= number <= (4 if unit == "quarter" else 2):
            raise _Reject(f"{'квартала' if unit == 'quarter' else 'полугодия'} с номером {number} нет")
        return _Point("quarter" if unit == "quarter" else "half", number, year=year)

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
        if head.each or tail.each:
            if head.each != tail.each or head.each is None:
                raise _Reject("неясный диапазон: годы указаны только у одной границы")
            each_year = Window(date(head.each[0], 1, 1), date(head.each[1], 12, 31))
            return Timed(fragment, anchor=anchor, each_year=each_year, note=note)
        window = None
        if head.first is not None and end is not None:
            if head.first > end:
                raise _Reject("начало позже окончания")
            window = Window(head.first, end, head.study_year if first is last else None)
        return Timed(fragment, window, anchor, note=note)

    def _bound_of(self, start: int, first: _Point, last: _Point | None, *, inclusive: bool) -> Timed:
        """"до X": due the day before X starts; "не позднее X", "до конца X": due when X ends."""
        first, last, head, tail = self._resolve(first, last)
        fragment = self._fragment(start, self.pos)
        if inclusive and head.study_year is not None and first is last:
            return Timed(fragment, Window(head.first, head.last, head.study_year))  # "до конца учебного года"
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
        return Timed(fragment, Window(school_start_of(due, self.school_year), due), anchor, note=note)

    def _complete(self, first: _Point, last: _Point) -> tuple[_Point, _Point]:
        """Fill a range's first point from the last (unit, month, year) and the other way round (year)."""
        if first.unit == "bare":
            if last.unit not in ("day", "quarter", "half"):
                raise _Reject("неясный диапазон: число без месяца, квартала или полугодия")
            first = replace(last, number=first.number)
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
        if point.unit not in _SUB_YEAR or point.year is not None or self.school_year is None:
            return point
        year = self.school_year.year_of_month(_month_bounds(point, school=True)[0][0])
        return replace(point, year=_Year(year, year, from_document=True))

    def _span(self, point: _Point) -> _Span:
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
        return _Span(first, clamped(calendar_year + (last_md < first_md), *last_md), first_md, last_md)

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
