"""Tokens of a deadline phrase: numbers, dates, months, periods, frequency words, punctuation.

The lexer attaches values (a month's number, a date's parts, a frequency's
unit) and keeps every token's offsets in the original text, so the grammar
can name any fragment it did not understand verbatim. Whitespace of any kind
(line breaks, non-breaking spaces) only separates tokens; all dash
characters become one DASH kind. Words that carry no value of their own
("до", "в", "течение", "далее", "постоянно") stay WORD tokens and the grammar
reads them by their folded text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum, auto
from typing import Final, cast

from calendars.deadlines import words
from calendars.deadlines.model import Unit


class TokenKind(Enum):
    NUMBER = auto()  # 2023, 01, 4; value int (cardinal, also "3-х")
    ORDINAL = auto()  # "4-й", "первое", "II"; value int
    DATE = auto()  # "01.09.2023", "15.09", ISO; value (day, month, year | None)
    TIME = auto()  # "10:00", "15.30" (a "month" of 00 or over 12 cannot be a date); value (hour, minute)
    MONTH = auto()  # any form of a month name; value 1–12
    YEAR_WORD = auto()  # "г.", "гг.", "г.г.", "год", "года", "годы"…
    STUDY = auto()  # "учебный", "учебного", "уч."
    UNIT = auto()  # квартал, полугодие, четверть, месяц, неделя; value Unit
    FREQUENCY = auto()  # еженедельно, ежемесячно…; value Unit
    WEEKDAY = auto()  # any form of a weekday; value 0–6
    COUNT = auto()  # "один", "два"…; value int
    TIMES = auto()  # "раз", "раза"
    MULTIPLIER = auto()  # "дважды", "трижды"; value int
    EACH = auto()  # "каждый", "каждую"…
    WORD = auto()  # any other word
    DASH = auto()  # - ‐ ‑ ‒ – — ― −
    SLASH = auto()
    COMMA = auto()
    SEMICOLON = auto()
    PERIOD = auto()
    COLON = auto()
    OPEN = auto()  # ( [
    CLOSE = auto()  # ) ]
    OTHER = auto()  # quotes, symbols, digits too long to be a number


@dataclass(frozen=True, slots=True)
class Token:
    kind: TokenKind
    text: str
    start: int
    end: int
    value: object = None

    @property
    def word(self) -> str:
        """The folded text: how keywords are compared."""
        return words.fold(self.text)

    @property
    def number(self) -> int:
        """The value of a NUMBER, ORDINAL, MONTH, WEEKDAY, COUNT or MULTIPLIER token."""
        assert isinstance(self.value, int), self
        return self.value

    @property
    def unit(self) -> Unit:
        """The value of a UNIT or FREQUENCY token."""
        assert isinstance(self.value, str), self
        return cast(Unit, self.value)

    @property
    def time_parts(self) -> tuple[int, int]:
        """(hour, minute) of a TIME token."""
        assert isinstance(self.value, tuple), self
        return cast(tuple[int, int], self.value)

    @property
    def date_parts(self) -> tuple[int, int, int | None]:
        """(day, month, year or None) of a DATE token."""
        assert isinstance(self.value, tuple), self
        return cast(tuple[int, int, int | None], self.value)


_LETTERS = r"[^\W\d_]"
_TOKEN_RE: Final = re.compile(
    rf"""
      (?P<space>\s+)
    | (?P<time>(?P<hour>[01]?[0-9]|2[0-3])(?::(?P<minute>[0-5][0-9])|\.(?P<dot_minute>00|1[3-9]|[2-5][0-9])))(?!\.?[0-9])
    | (?P<iso>(?P<iso_y>[0-9]{{4}})-(?P<iso_m>[0-9]{{1,2}})-(?P<iso_d>[0-9]{{1,2}}))(?![0-9])
    | (?P<date>(?P<day>[0-9]{{1,2}})\.(?P<month>[0-9]{{1,2}})(?:\.(?P<year>[0-9]{{4}}|[0-9]{{2}}))?)(?![0-9])
    | (?P<cardinal>[0-9]{{1,2}})[-‑]?(?:х|ух|ех)(?!{_LETTERS})
    | (?P<ordinal>[0-9]{{1,2}})[-‑]?(?:ый|ий|ой|й|ое|ее|е|ая|я|ого|его|го|ом|ем|м)(?!{_LETTERS})
    | (?P<number>[0-9]+)
    | (?P<year_mark>г\.?\s?г\.?(?!{_LETTERS})|гг\.?(?!{_LETTERS})|г\.?(?!{_LETTERS}))
    | (?P<word>{_LETTERS}+)
    | (?P<dash>[-‐‑‒–—―−])
    | (?P<punct>[,;.…:()\[\]/])
    | (?P<other>.)
    """,
    re.VERBOSE | re.IGNORECASE | re.DOTALL,
)
_PUNCTUATION: Final = {
    ",": TokenKind.COMMA,
    ";": TokenKind.SEMICOLON,
    ".": TokenKind.PERIOD,
    "…": TokenKind.PERIOD,  # an elision, read like "..."
    ":": TokenKind.COLON,
    "/": TokenKind.SLASH,
    "(": TokenKind.OPEN,
    "[": TokenKind.OPEN,
    ")": TokenKind.CLOSE,
    "]": TokenKind.CLOSE,
}
_MAX_NUMBER_DIGITS: Final = 9


def tokenize(text: str) -> list[Token]:
    """Every token of the text, in order, whitespace dropped."""
    tokens: list[Token] = []
    position = 0
    while position < len(text):
        match = _TOKEN_RE.match(text, position)
        assert match is not None  # the last alternative matches any character
        group = match.lastgroup
        token_text, start, end = match.group(), match.start(), match.end()
        if group == "word" and words.fold(token_text) in words.ABBREVIATIONS and text.startswith(".", end):
            end += 1
            token_text += "."
        if group != "space":
            tokens.append(_token(group, match, token_text, start, end))
        position = end
    return _compound_ordinals(tokens)


def _compound_ordinals(tokens: list[Token]) -> list[Token]:
    """"двадцать пятое" → one ORDINAL 25: the tens and the ordinal word that follows them."""
    result: list[Token] = []
    for token in tokens:
        previous = result[-1] if result else None
        tens = words.tens_value(previous.text) if previous is not None and previous.kind is TokenKind.WORD else None
        if previous is not None and tens and token.kind is TokenKind.ORDINAL and token.number < 10 and token.text.isalpha():
            result[-1] = Token(TokenKind.ORDINAL, f"{previous.text} {token.text}", previous.start, token.end, tens + token.number)
        else:
            result.append(token)
    return result


def _token(group: str | None, match: re.Match[str], text: str, start: int, end: int) -> Token:
    def make(kind: TokenKind, value: object = None) -> Token:
        return Token(kind, text, start, end, value)

    if group == "time":
        return make(TokenKind.TIME, (int(match["hour"]), int(match["minute"] or match["dot_minute"])))
    if group == "iso":
        return make(TokenKind.DATE, (int(match["iso_d"]), int(match["iso_m"]), int(match["iso_y"])))
    if group == "date":
        year = match["year"]
        full_year = (2000 + int(year) if len(year) == 2 else int(year)) if year else None
        return make(TokenKind.DATE, (int(match["day"]), int(match["month"]), full_year))
    if group == "cardinal":
        return make(TokenKind.NUMBER, int(match["cardinal"]))
    if group == "ordinal":
        return make(TokenKind.ORDINAL, int(match["ordinal"]))
    if group == "number":
        return make(TokenKind.NUMBER, int(text)) if len(text) <= _MAX_NUMBER_DIGITS else make(TokenKind.OTHER)
    if group == "year_mark":
        return make(TokenKind.YEAR_WORD)
    if group == "word":
        return make(*_classify_word(text.rstrip(".")))
    if group == "dash":
        return make(TokenKind.DASH)
    if group == "punct":
        return make(_PUNCTUATION[text])
    return make(TokenKind.OTHER)


_VALUED_WORDS: Final = (
    (TokenKind.MONTH, words.month_number),
    (TokenKind.WEEKDAY, words.weekday_number),
    (TokenKind.ORDINAL, words.ordinal_value),
    (TokenKind.UNIT, words.unit_of),
    (TokenKind.FREQUENCY, words.frequency_of),
    (TokenKind.COUNT, words.count_value),
    (TokenKind.MULTIPLIER, words.multiplier_value),
)
_FLAG_WORDS: Final = (
    (TokenKind.YEAR_WORD, words.is_year_word),
    (TokenKind.STUDY, words.is_study_word),
    (TokenKind.TIMES, words.is_times_word),
    (TokenKind.EACH, words.is_each_word),
)


def _classify_word(word: str) -> tuple[TokenKind, object]:
    """The first notion a word is a form of, with its value; WORD when none."""
    for kind, classify in _VALUED_WORDS:
        value = classify(word)
        if value is not None:
            return kind, value
    for kind, test in _FLAG_WORDS:
        if test(word):
            return kind, None
    return TokenKind.WORD, None
