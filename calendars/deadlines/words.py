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
        r"понедельник(а|у|ом|е|и|ов|ам|ами|ах)?|пн",
        r"вторник(а|у|ом|е|и|ов|ам|ами|ах)?|вт",
        r"сред(а|ы|е|у|ой|ам|ами|ах)|ср",
        r"четверг(а|у|ом|е|и|ов|ам|ами|ах)?|чт",
        r"пятниц(а|ы|е|у|ей|ам|ами|ах)|пт",
        r"суббот(а|ы|е|у|ой|ам|ами|ах)|сб",
        r"воскресень(е|я|ю|ем|ям|ями|ях)|вс",
    )
)
WEEKDAY_NOMINATIVE: Final = ("понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье")
WEEKDAY_PLURAL_DATIVE: Final = (
    "понедельникам", "вторникам", "средам", "четвергам", "пятницам", "субботам", "воскресеньям",
)  # fmt: skip

_ADJECTIVE_ENDINGS: Final = r"(ый|ой|ое|ая|ого|ом|ую|ому|ые|ых|ым|ий|ее|яя|его|ем|юю|ему|ие|их|им)"
_ORDINAL_STEMS: Final = (
    "перв", "втор", "трет", "четверт", "пят", "шест", "седьм", "восьм", "девят", "десят",
    "одиннадцат", "двенадцат", "тринадцат", "четырнадцат", "пятнадцат", "шестнадцат", "семнадцат",
    "восемнадцат", "девятнадцат", "двадцат",
)  # fmt: skip
# "третий" declines on -ь-: третье, третьего, третьей.
_ORDINALS: Final = tuple(
    re.compile(r"трет(ий|ье|ья|ьего|ьем|ьей|ью|ьему|ьи|ьих)" if stem == "трет" else rf"{stem}{_ADJECTIVE_ENDINGS}")
    for stem in _ORDINAL_STEMS
)
_THIRTIETH: Final = re.compile(rf"тридцат{_ADJECTIVE_ENDINGS}")
_TENS: Final = {"двадцать": 20, "тридцать": 30}
"""Tens that, followed by an ordinal word, make a compound day ("двадцать пятое" = 25)."""
_ROMAN: Final = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6}  # up to the sixth module of a modular year

_UNITS: Final[tuple[tuple[re.Pattern[str], Unit], ...]] = (
    (re.compile(r"квартал(а|е|у|ом|ы|ов|ам|ами|ах)?|кв"), "quarter"),
    (re.compile(r"полугоди(е|я|ю|ем|и|й|ям|ями|ях)"), "half"),
    (re.compile(r"четверт(ь|и|ью|ей|ям|ями|ях)"), "school_quarter"),
    (re.compile(r"триместр(а|е|у|ом|ы|ов|ам|ами|ах)?"), "school_quarter"),
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
    {"уч", "кв", "янв", "фев", "февр", "мар", "апр", "авг", "сен", "сент", "окт", "ноя", "нояб", "дек",
     "пн", "вт", "ср", "чт", "пт", "сб", "вс", "ч"}
)  # fmt: skip
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
    """1–20 and 30 for ordinal words ("первое", "Второе", "девятое"), 1–6 for capital Roman numerals ("II", "VI")."""
    if word in _ROMAN:
        return _ROMAN[word]
    if _THIRTIETH.fullmatch(fold(word)):
        return 30
    index = _index(_ORDINALS, word)
    return index + 1 if index is not None else None


def tens_value(word: str) -> int | None:
    """20 or 30 for "двадцать", "тридцать": the first word of a compound ordinal ("двадцать пятое")."""
    return _TENS.get(fold(word))


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


_SEASONS: Final = (
    (re.compile(r"осенн[а-я]*"), "autumn"),
    (re.compile(r"зимн[а-я]*"), "winter"),
    (re.compile(r"весенн[а-я]*"), "spring"),
    (re.compile(r"летн[а-я]*"), "summer"),
    (re.compile(r"дополнительн[а-я]*"), "extra"),
)
SEASON_GENITIVE: Final = {
    "autumn": "осенних", "winter": "зимних", "spring": "весенних", "summer": "летних", "extra": "дополнительных",
}  # fmt: skip
_VACATION_WORD: Final = re.compile(r"каникул(ы|ах|ам|ами)?")
_HOUR_WORD: Final = re.compile(r"час(а|ов)?|ч")


def season_of(word: str) -> str | None:
    """The season an adjective names ("осенних" → autumn), for vacations."""
    folded = fold(word)
    return next((season for pattern, season in _SEASONS if pattern.fullmatch(folded)), None)


def is_vacation_word(word: str) -> bool:
    return _VACATION_WORD.fullmatch(fold(word)) is not None


def is_hour_word(word: str) -> bool:
    return _HOUR_WORD.fullmatch(fold(word.rstrip("."))) is not None


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
