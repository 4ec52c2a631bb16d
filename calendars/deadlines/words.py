"""Russian word forms the deadline grammar understands, and the forms its explanations print.

Deadline cells come in any case and capitalisation ("январь", "января", "в
январе", "Январь"), so each notion is a pattern over the lower-cased word
with "ё" folded to "е", never a list of whole phrases.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Final

from calendars.deadlines.model import Unit


def fold(word: str) -> str:
    """Lower case with "ё" as "е": the form every pattern here is written in."""
    return word.lower().replace("ё", "е")


def _compile(patterns: Sequence[str]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(pattern) for pattern in patterns)


_MONTHS: Final = _compile(
    (
        r"январ(ь|я|е|ю|ем)|янв",
        r"феврал(ь|я|е|ю|ем)|февр?",
        r"март(а|е|у|ом)?|мар",
        r"апрел(ь|я|е|ю|ем)|апр",
        r"ма(й|я|е|ю|ем)",
        r"июн(ь|я|е|ю|ем)?",
        r"июл(ь|я|е|ю|ем)?",
        r"август(а|е|у|ом)?|авг",
        r"сентябр(ь|я|е|ю|ем)|сент?",
        r"октябр(ь|я|е|ю|ем)|окт",
        r"ноябр(ь|я|е|ю|ем)|нояб?",
        r"декабр(ь|я|е|ю|ем)|дек",
    )
)
MONTH_NOMINATIVE: Final = (
    "январь", "февраль", "март", "апрель", "май", "июнь",
    "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь",
)  # fmt: skip
MONTH_GENITIVE: Final = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)  # fmt: skip

_WEEKDAYS: Final = _compile(
    (
        r"понедельник(а|у|ом|е|и|ов|ам|ами|ах)?",
        r"вторник(а|у|ом|е|и|ов|ам|ами|ах)?",
        r"сред(а|ы|е|у|ой|ам|ами|ах)",
        r"четверг(а|у|ом|е|и|ов|ам|ами|ах)?",
        r"пятниц(а|ы|е|у|ей|ам|ами|ах)",
        r"суббот(а|ы|е|у|ой|ам|ами|ах)",
        r"воскресень(е|я|ю|ем|ям|ями|ях)",
    )
)
WEEKDAY_PLURAL_DATIVE: Final = (
    "понедельникам", "вторникам", "средам", "четвергам", "пятницам", "субботам", "воскресеньям",
)  # fmt: skip

_ORDINALS: Final = _compile(
    (
        r"перв(ый|ое|ая|ого|ом|ой|ую|ому|ые|ых|ым)",
        r"втор(ой|ое|ая|ого|ом|ую|ому|ые|ых|ым)",
        r"трет(ий|ье|ья|ьего|ьем|ьей|ью|ьему|ьи|ьих)",
        r"четверт(ый|ое|ая|ого|ом|ой|ую|ому|ые|ых|ым)",
    )
)
_ROMAN: Final = {"I": 1, "II": 2, "III": 3, "IV": 4}

_UNITS: Final[tuple[tuple[re.Pattern[str], Unit], ...]] = (
    (re.compile(r"квартал(а|е|у|ом|ы|ов|ам|ами|ах)?|кв"), "quarter"),
    (re.compile(r"полугоди(е|я|ю|ем|и|й|ям|ями|ях)"), "half"),
    (re.compile(r"четверт(ь|и|ью|ей|ям|ями|ях)"), "school_quarter"),
    (re.compile(r"месяц(а|е|у|ем|ы|ев|ам|ами|ах)?"), "month"),
    (re.compile(r"недел(я|и|ю|е|ей|ь|ям|ями|ях)"), "week"),
)
_FREQUENCIES: Final[dict[str, Unit]] = {
    "еженедельно": "week",
    "ежемесячно": "month",
    "ежеквартально": "quarter",
    "ежеполугодно": "half",
    "ежегодно": "year",
    "ежечетвертно": "school_quarter",
}
_COUNTS: Final = {
    "один": 1, "одного": 1, "одна": 1, "одну": 1, "два": 2, "две": 2, "двух": 2,
    "три": 3, "трех": 3, "четыре": 4, "четырех": 4, "пять": 5, "пяти": 5,
}  # fmt: skip
_MULTIPLIERS: Final = {"дважды": 2, "трижды": 3}

_YEAR_WORD: Final = re.compile(r"год(а|у|ом|е|ы|ов|ам|ами|ах)?")
_STUDY_WORD: Final = re.compile(r"учебн[а-я]*|уч")
_TIMES_WORD: Final = re.compile(r"раза?")
_EACH_WORD: Final = re.compile(r"кажд(ый|ая|ое|ую|ого|ой|ом|ому|ые|ых)")

ABBREVIATIONS: Final = frozenset(
    {"уч", "кв", "янв", "фев", "февр", "мар", "апр", "авг", "сен", "сент", "окт", "ноя", "нояб", "дек"}
)
"""Words written with a dot that belongs to the word ("уч. г.", "кв."), not to the sentence."""


def _index(patterns: tuple[re.Pattern[str], ...], word: str) -> int | None:
    folded = fold(word)
    return next((number for number, pattern in enumerate(patterns) if pattern.fullmatch(folded)), None)


def month_number(word: str) -> int | None:
    """1–12 for any case form or common abbreviation of a month name."""
    index = _index(_MONTHS, word)
    return index + 1 if index is not None else None


def weekday_number(word: str) -> int | None:
    """0 (Monday) – 6 for any case form of a weekday ("четверг", "по четвергам")."""
    return _index(_WEEKDAYS, word)


def ordinal_value(word: str) -> int | None:
    """1–4 for ordinal words ("первое", "Второе") and capital Roman numerals ("II")."""
    if word in _ROMAN:
        return _ROMAN[word]
    index = _index(_ORDINALS, word)
    return index + 1 if index is not None else None


def unit_of(word: str) -> Unit | None:
    """The period a noun names: квартал, полугодие, четверть, месяц, неделя (год is a token of its own)."""
    folded = fold(word)
    return next((unit for pattern, unit in _UNITS if pattern.fullmatch(folded)), None)


def frequency_of(word: str) -> Unit | None:
    """The unit of a frequency adverb ("ежегодно" → year)."""
    return _FREQUENCIES.get(fold(word))


def count_value(word: str) -> int | None:
    return _COUNTS.get(fold(word))


def multiplier_value(word: str) -> int | None:
    return _MULTIPLIERS.get(fold(word))


def is_year_word(word: str) -> bool:
    return _YEAR_WORD.fullmatch(fold(word)) is not None


def is_study_word(word: str) -> bool:
    return _STUDY_WORD.fullmatch(fold(word)) is not None


def is_times_word(word: str) -> bool:
    return _TIMES_WORD.fullmatch(fold(word)) is not None


def is_each_word(word: str) -> bool:
    return _EACH_WORD.fullmatch(fold(word)) is not None


def plural(number: int, one: str, few: str, many: str) -> str:
    """The noun form agreeing with a number: 1 раз, 2 раза, 5 раз, 21 раз."""
    if number % 10 == 1 and number % 100 != 11:
        return one
    if 2 <= number % 10 <= 4 and not 12 <= number % 100 <= 14:
        return few
    return many


def format_date(day: date) -> str:
    """"1 сентября 2023 г.": the genitive month, as Russian documents write dates."""
    return f"{day.day} {MONTH_GENITIVE[day.month - 1]} {day.year} г."
