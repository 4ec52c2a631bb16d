"""How an imported calendar differs from the one in force: what a person confirms before it is stored.

Compared for the whole school and for every class group either calendar
has: each term and vacation (by position and kind), the first and last day,
and the number of school days, which is what the timetable and the norms'
shares are counted on.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import zip_longest
from typing import Any

from calendars.academic import AcademicCalendar
from calendars.groups import GradeGroup
from calendars.periods import Period


@dataclass(frozen=True)
class Difference:
    """One change: who it is for, what changed, before and after (None when absent)."""

    scope: str
    what: str
    before: str | None
    after: str | None

    def render(self) -> str:
        if self.before is None:
            return f"{self.scope}: {self.what}: добавлено {self.after}"
        if self.after is None:
            return f"{self.scope}: {self.what}: нет в новом календаре (было {self.before})"
        return f"{self.scope}: {self.what}: было {self.before}, стало {self.after}"

    def to_json(self) -> dict[str, Any]:
        return {"scope": self.scope, "what": self.what, "before": self.before, "after": self.after}


SCHOOL = "вся школа"


def differences(current: AcademicCalendar, new: AcademicCalendar) -> list[Difference]:
    """Every change from the current calendar to the new one, the school's first, then each group's own."""
    school = _compare(SCHOOL, current, new, None, None)
    found = list(school)
    schoolwide = {(d.what, d.before, d.after) for d in school}
    keys = list(dict.fromkeys(_key(group) for group in (*new.groups, *current.groups)))
    for grades, classes in keys:
        group = next(g for g in (*new.groups, *current.groups) if _key(g) == (grades, classes))
        grade, name = (min(grades) if grades else None), (min(classes) if classes else None)
        found += [d for d in _compare(f"группа «{group.label}»", current, new, grade, name)
                  if (d.what, d.before, d.after) not in schoolwide]
    return found


def _key(group: GradeGroup) -> tuple[frozenset[int], frozenset[str]]:
    return group.grades, group.classes


def _compare(scope: str, current: AcademicCalendar, new: AcademicCalendar, grade: int | None, name: str | None) -> list[Difference]:
    """Changes of the dates a class of this grade (and name) follows; the school's without either."""
    before, after = current.schedule(grade, name), new.schedule(grade, name)
    found: list[Difference] = []
    for old, fresh in zip_longest(before.terms, after.terms):
        if _shown(old) != _shown(fresh):
            found.append(Difference(scope, (fresh or old).name, _shown(old), _shown(fresh)))
    for kind in dict.fromkeys(v.kind for v in (*before.vacations, *after.vacations)):
        olds = [v for v in before.vacations if v.kind is kind]
        news = [v for v in after.vacations if v.kind is kind]
        for old, fresh in zip_longest(olds, news):
            if _shown(old) != _shown(fresh):
                found.append(Difference(scope, (fresh or old).name, _shown(old), _shown(fresh)))
    if before.last_day != after.last_day:
        found.append(Difference(scope, "последний учебный день", f"{before.last_day:%d.%m.%Y}", f"{after.last_day:%d.%m.%Y}"))
    days_before = len(current.school_days(grade=grade, class_name=name))
    days_after = len(new.school_days(grade=grade, class_name=name))
    if days_before != days_after:
        found.append(Difference(scope, "учебных дней", str(days_before), str(days_after)))
    return found


def _shown(period: Period | None) -> str | None:
    return f"{period.start:%d.%m.%Y}–{period.end:%d.%m.%Y}" if period is not None else None
