"""Grade groups: classes whose calendar differs from the school's.

Orders and schedules give some classes dates of their own: the first
graders' extra February week, the exam grades' (9 and 11) earlier last day,
half-years instead of quarters for grades 10–11, or whole class groups named
in the order («7М, 8С»). A group is matched by grade or by class name; class
names are compared as people type them — any case, spaces, «ё», and Latin
letters that look Cyrillic (a «7M» typed in Latin is the class «7М»).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from calendars.school_periods import Term, Vacation

GRADES = range(1, 12)
"""The grades of a Russian school, 1 to 11: what a grade named in a document may be."""

# Latin capitals that Russian class letters are often typed as.
_LOOKALIKE = str.maketrans("ABCEHKMOPTXY", "АВСЕНКМОРТХУ")


def class_key(name: str) -> str:
    """A class name as compared: «7 м», «7M» and «7М» are the same class."""
    return "".join(name.split()).upper().replace("Ё", "Е").translate(_LOOKALIKE)


@dataclass(frozen=True)
class GradeGroup:
    """Classes with dates of their own, and what differs for them.

    `terms` replace the school's terms (or `term_system` names the system
    they are derived by); a vacation of the extra kind is added, one of
    another kind replaces the school's vacations of that kind; `first_day`
    and `last_day` move the year's start and end (the exam grades' last day).
    """

    label: str
    grades: frozenset[int] = frozenset()
    classes: frozenset[str] = frozenset()
    term_system: str | None = None
    terms: tuple[Term, ...] = ()
    vacations: tuple[Vacation, ...] = ()
    first_day: date | None = None
    last_day: date | None = None
    source: str = ""

    def matches(self, grade: int | None, class_name: str | None) -> bool:
        return (class_name is not None and class_key(class_name) in self.classes) or (grade is not None and grade in self.grades)

    @property
    def by_class(self) -> bool:
        """Named classes are more specific than grades: such a group applies after the grade groups."""
        return bool(self.classes)

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "grades": sorted(self.grades),
            "classes": sorted(self.classes),
            "term_system": self.term_system,
            "terms": [term.to_json() for term in self.terms],
            "vacations": [vacation.to_json() for vacation in self.vacations],
            "first_day": self.first_day.isoformat() if self.first_day else None,
            "last_day": self.last_day.isoformat() if self.last_day else None,
            "source": self.source,
        }


def describe_grades(grades: Iterable[int]) -> str:
    """«1», «5–8», «9, 11», «1–4, 10»: grades as an order writes them."""
    ordered = sorted(set(grades))
    runs: list[list[int]] = []
    for grade in ordered:
        if runs and grade == runs[-1][-1] + 1:
            runs[-1].append(grade)
        else:
            runs.append([grade])
    return ", ".join(f"{run[0]}–{run[-1]}" if len(run) > 2 else ", ".join(map(str, run)) for run in runs)
