"""Which classes a row of an order is about: «для 1-х классов», «5–8 кл.», «выпускные классы», «7М,С и 8М,С».

Vacation tables and КУГ give some rows to some classes only. The label is
found anywhere in the row's text — before or after the dates, in its own
column, or as a heading above the rows — and read as grades (ranges and
lists, «1 – 8, 10 классы»), as named classes («7М, 8С», and «7М,С» for 7М and
7С), or by its word («первоклассники», «выпускные классы» = 9 and 11). A label
naming every grade 1–11 is the whole school, not a group.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from calendars.groups import GRADES, class_key, describe_grades

EXAM_GRADES = frozenset({9, 11})

_LETTER = r"[А-ЯЁA-Z]"
_SUFFIX = r"(?:\s*-?\s*(?:х|ых|ой|ий|ый|го|ого|е|ом|м))?"
# One item of a grade list: «5», «5-х», «1–4», «7М», «7М,С».
_ITEM = rf"\d{{1,2}}(?:\s*[-–—]\s*\d{{1,2}})?{_SUFFIX}(?:\s*{_LETTER}(?:\s*,\s*{_LETTER}(?![а-яёa-z]))*(?![а-яёa-z]))?"
_LIST = rf"{_ITEM}(?:\s*(?:,|\bи\b|;)\s*{_ITEM})*"
_GRADE_LABEL = re.compile(rf"(?<![\d.])(?P<list>{_LIST})\s*(?:[-–—]?\s*(?:х|ых)\s*)?(?:[кК]ласс\w*|[кК]л\b\.?|параллел\w*)")
# Classes named without the word «классы»: «7М, 8С», «10А и 10Б».
_CLASS_ITEM = rf"\d{{1,2}}\s?{_LETTER}(?:\s*,\s*{_LETTER}(?![а-яёa-z\d]))*(?![а-яёa-z\d])"
_CLASS_LIST = re.compile(rf"(?<![\d.\w])(?P<list>{_CLASS_ITEM}(?:\s*(?:,|\bи\b)\s*{_CLASS_ITEM})*)")
_WORDS: tuple[tuple[re.Pattern[str], frozenset[int]], ...] = (
    (re.compile(r"первоклассник\w*|перв(?:ых|ые|ого)\s+класс\w*", re.IGNORECASE), frozenset({1})),
    (re.compile(r"выпускн\w*(?:\s+класс\w*)?", re.IGNORECASE), EXAM_GRADES),
)
_PIECE = re.compile(rf"(?P<first>\d{{1,2}})(?:\s*[-–—]\s*(?P<last>\d{{1,2}}))?{_SUFFIX}(?P<letters>(?:\s*{_LETTER}(?:\s*,\s*{_LETTER})*)?)")


@dataclass(frozen=True)
class GroupLabel:
    """The classes a row is about: grades and/or named classes, and the text that said so."""

    grades: frozenset[int]
    classes: frozenset[str]
    text: str

    @property
    def key(self) -> tuple[frozenset[int], frozenset[str]]:
        return self.grades, self.classes

    @property
    def whole_school(self) -> bool:
        return not self.classes and self.grades.issuperset(GRADES)

    @property
    def genitive(self) -> str:
        """«1 классов», «классов 7М, 8С»: as in «каникулы для …»."""
        parts = [f"{describe_grades(self.grades)} классов"] if self.grades else []
        parts += [f"классов {', '.join(sorted(self.classes))}"] if self.classes else []
        return " и ".join(parts)

    @property
    def title(self) -> str:
        """«1 классы», «9, 11 классы», «7М, 7С, 8М, 8С»."""
        parts = [f"{describe_grades(self.grades)} классы"] if self.grades else []
        parts += [", ".join(sorted(self.classes))] if self.classes else []
        return "; ".join(parts)


@dataclass(frozen=True)
class Found:
    """A label and where it stands in the text (so it can be cut out before the dates are read)."""

    label: GroupLabel
    start: int
    end: int


def find_label(text: str) -> Found | None:
    """The first label in the text, or None when the row is about the whole school."""
    candidates = []
    for match in _GRADE_LABEL.finditer(text):
        grades, classes = _read_list(match["list"])
        if grades or classes:
            candidates.append(Found(GroupLabel(grades, classes, match.group().strip()), match.start(), match.end()))
    for pattern, grades in _WORDS:
        for match in pattern.finditer(text):
            candidates.append(Found(GroupLabel(grades, frozenset(), match.group().strip()), match.start(), match.end()))
    for match in _CLASS_LIST.finditer(text):
        grades, classes = _read_list(match["list"])
        if classes and not grades:
            candidates.append(Found(GroupLabel(frozenset(), classes, match.group().strip()), match.start(), match.end()))
    if not candidates:
        return None
    found = min(candidates, key=lambda candidate: candidate.start)
    return None if found.label.whole_school else found


def _read_list(text: str) -> tuple[frozenset[int], frozenset[str]]:
    """Grades and named classes of a list: «1 – 8, 10» → grades 1–8 and 10; «7М,С и 8М,С» → 7М, 7С, 8М, 8С."""
    grades: set[int] = set()
    classes: set[str] = set()
    for piece in _PIECE.finditer(text):
        first, last = int(piece["first"]), int(piece["last"] or piece["first"])
        if not (first in GRADES and last in GRADES and first <= last):
            continue
        letters = [letter for letter in re.split(r"[\s,]+", piece["letters"] or "") if letter]
        if letters and first == last:
            classes.update(class_key(f"{first}{letter}") for letter in letters)
        else:
            grades.update(range(first, last + 1))
    return frozenset(grades), frozenset(classes)
