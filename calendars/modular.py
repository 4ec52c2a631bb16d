"""The modular year as a rule: N weeks of study, then a week off, from the first day to the last.

Moscow schools (and others) may run modules instead of quarters: five weeks
of lessons, one week of vacation (Saturday to the Sunday a week later, nine
days), again and again. A calendar gives the rule (`[modular] study_weeks =
5`) and the vacations that are fixed whatever the rule (the New Year break);
a module that would run into a fixed vacation (or whose break would) runs up
to it instead, and the next one starts after it, so no break is taken twice. Generated
breaks are named by the season they start in («Осенние каникулы», and
«Осенние каникулы (вторые)» for the next autumn one), which is how deadline
phrases find them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from calendars.derive import ONE_DAY, first_weekday
from calendars.school_periods import Term, Vacation, numbered_name, season_of
from calendars.term_systems import TermSystem

FRIDAY = 4


@dataclass(frozen=True)
class ModularRule:
    """`study_weeks` weeks of lessons, then `break_weeks` weeks off."""

    study_weeks: int
    break_weeks: int = 1

    def generate(
        self, system: TermSystem, first_day: date, last_day: date, fixed: Sequence[Vacation], source: str,
    ) -> tuple[tuple[Term, ...], tuple[Vacation, ...]]:
        """The modules and generated breaks of the year (the fixed vacations are not repeated)."""
        fixed = sorted((v for v in fixed if not v.kind.ends_year), key=lambda v: v.start)
        spans: list[tuple[date, date]] = []
        breaks: list[tuple[date, date]] = []
        start = first_weekday(first_day)
        while start <= last_day:
            monday = start - timedelta(days=start.weekday())
            friday = monday + timedelta(weeks=self.study_weeks, days=FRIDAY - 7)
            break_end = friday + timedelta(days=2 + 7 * self.break_weeks)
            upcoming = next((v for v in fixed if v.end >= start), None)
            if upcoming is not None and upcoming.start <= break_end:
                if upcoming.start > start:
                    spans.append((start, min(upcoming.start - ONE_DAY, last_day)))
                start = first_weekday(upcoming.end + ONE_DAY)
                continue
            spans.append((start, min(friday, last_day)))
            if friday >= last_day:
                break
            breaks.append((friday + ONE_DAY, break_end))
            start = break_end + ONE_DAY
        terms = tuple(Term(system.term_name(n), a, b, source=source) for n, (a, b) in enumerate(spans, start=1))
        return terms, _named_breaks(breaks, fixed, source)


def _named_breaks(breaks: Sequence[tuple[date, date]], fixed: Sequence[Vacation], source: str) -> tuple[Vacation, ...]:
    """Season names, with «(вторые)», «(третьи)» for a season's later breaks (fixed vacations counted too)."""
    seen: Counter[str] = Counter()
    named: list[Vacation] = []
    events = sorted([(v.start, v.end, v) for v in fixed] + [(a, b, None) for a, b in breaks], key=lambda e: e[0])
    for start, end, given in events:
        kind = given.kind if given is not None else season_of(start)
        seen[kind] += 1
        if given is None:
            named.append(Vacation(numbered_name(kind, seen[kind]), start, end, kind=kind, source=source))
    return tuple(named)
