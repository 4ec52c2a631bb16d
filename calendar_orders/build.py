"""From the rows a document holds to the calendar it sets: the school's dates, the groups', and what is kept.

An order rarely says everything. A vacation table gives no terms (they are
found from the vacations), a КУГ may list only its terms (its vacations are
the gaps between them), a table may give every row per class group with no
row for the whole school («Осенние 1 классы», «Осенние 2–8 классы», …). So:

- the school's value of each vacation kind, of the terms and of the first
  and last day is the row without a classes label, else the value most
  grades share; a group keeps only what differs from it (an extra vacation
  always), so «Осенние 2–8 классы» equal to the school's adds nothing;
- a summer vacation starting on 27 May makes 26 May the group's last day;
- what the document does not give is taken from the current calendar — the
  first and last day, the vacations of a kind it does not name (unless it
  sets terms of its own, whose gaps are its vacations) and the grade groups
  it does not mention — and the preview lists each such part as inherited.

Every day count and date is checked row by row here, so an error names the
row; the calendar as a whole is then checked by `calendars.academic`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from itertools import pairwise

from calendar_orders.document import Entry, EntryKind, ReadDocument
from calendar_orders.errors import CalendarImportError
from calendar_orders.labels import GroupLabel
from calendars.academic import AcademicCalendar
from calendars.calendar_format import CalendarSpec
from calendars.deadlines.words import plural
from calendars.groups import GradeGroup
from calendars.school_periods import Term, Vacation, VacationKind, numbered_name, season_of
from calendars.school_year import SchoolYear

ONE_DAY = timedelta(days=1)
MAJORITY = 5
GroupKey = tuple[frozenset[int], frozenset[str]] | None
"""The classes a row is about; None for the whole school."""


@dataclass
class Reading:
    """The calendar a document sets, what was taken from the current calendar, and what was left aside."""

    spec: CalendarSpec
    inherited: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped: list[Entry] = field(default_factory=list)


@dataclass
class _Side:
    """What the document gives one group (or the whole school)."""

    label: GroupLabel | None
    vacations: dict[VacationKind, list[Vacation]] = field(default_factory=lambda: defaultdict(list))
    terms: list[Term] = field(default_factory=list)
    system: str | None = None
    first_day: date | None = None
    last_day: date | None = None
    summer_start: date | None = None

    @property
    def end(self) -> date | None:
        """The last day of lessons: as stated, else the day before the summer vacation."""
        return self.last_day or (self.summer_start - ONE_DAY if self.summer_start else None)

    @property
    def weight(self) -> int:
        """How many grades the side speaks for: the most common value wins."""
        if self.label is None:
            return 100
        return len(self.label.grades) + len(self.label.classes)

    @property
    def majority(self) -> bool:
        """Speaks for most of the school's eleven grades, so its value may stand for the whole school."""
        return self.weight > MAJORITY


def build_reading(document: ReadDocument, current: AcademicCalendar, year: SchoolYear, system: str | None = None) -> Reading:
    """The calendar the document sets over the current one; CalendarImportError names the row of any bad date.

    `system` is the term system to find the terms by when the document gives
    none (default: the current calendar's).
    """
    entries = [entry for entry in document.entries if entry.kind is not EntryKind.SKIPPED]
    if not any(entry.kind in (EntryKind.VACATION, EntryKind.TERM) for entry in entries):
        raise CalendarImportError(
            f"{document.path.name}: не найдено ни каникул, ни учебных периодов (четвертей, триместров): "
            "нужна таблица или строки вида «Осенние каникулы — с 24.10.2026 по 01.11.2026»."
        )
    sides = _sides(entries, year)
    common = sides.pop(None, None) or _Side(None)
    _take_majority(common, sides)
    inherited: list[str] = []
    notes: list[str] = []
    terms = tuple(common.terms)
    chosen = common.system or system or current.term_system.key
    vacations = [v for kind_vacations in common.vacations.values() for v in kind_vacations]
    if terms:
        _check_terms(terms, common)
        first = last = None
        if not vacations:
            vacations = list(_gaps(terms))
            notes.append("каникулы — промежутки между учебными периодами документа")
    else:
        first, last = common.first_day or current.first_day, common.end or current.last_day
        if common.first_day is None:
            inherited.append(f"первый учебный день {current.first_day:%d.%m.%Y}")
        if common.end is None:
            inherited.append(f"последний учебный день {current.last_day:%d.%m.%Y}")
        if chosen == current.term_system.key:
            given = {v.kind for v in vacations}
            kept = [v for v in current.vacations if v.kind not in given and v.kind is not VacationKind.SUMMER]
            vacations += [replace(v, source=v.source or current.source) for v in kept]
            inherited += [f"{v.name} {_span(v)} ({v.source or current.source})" for v in kept]
    groups = [_group(side, common, chosen) for side in sides.values()]
    if not terms and chosen == current.term_system.key:
        mentioned = {side.label.key for side in sides.values() if side.label is not None}
        for group in current.groups:
            if (group.grades, group.classes) not in mentioned:
                kept_group = _without_clashes(replace(group, source=group.source or current.source), vacations)
                if _changes_something(kept_group):
                    groups.append(kept_group)
                    inherited.append(f"группа «{group.label}» ({group.source or current.source})")
    spec = CalendarSpec(
        source=order_title(document),
        federal_default=False,
        week=current.week,
        term_system=chosen,
        first_day=first,
        last_day=last,
        terms=terms,
        vacations=tuple(sorted(vacations, key=lambda v: v.start)),
        groups=tuple(group for group in groups if _changes_something(group)),
    )
    skipped = [entry for entry in document.entries if entry.kind is EntryKind.SKIPPED]
    return Reading(spec, inherited, notes, [], skipped)


def order_title(document: ReadDocument) -> str:
    """The order's own heading (its first lines: who, when, what), with the file's name."""
    lines = [" ".join(line.split()) for line in document.preamble[:3]]
    heading = "; ".join(line if len(line) <= 120 else line[:119] + "…" for line in lines if line)
    return f"{heading} (файл {document.path.name})" if heading else f"файл {document.path.name}"


def _sides(entries: Sequence[Entry], year: SchoolYear) -> dict[GroupKey, _Side]:
    """The entries sorted by the classes they are about, each checked against its counts and the year."""
    sides: dict[GroupKey, _Side] = {}
    for entry in entries:
        key = entry.label.key if entry.label is not None else None
        side = sides.setdefault(key, _Side(entry.label))
        assert entry.span is not None
        start, end = entry.span.start, entry.span.end
        if entry.kind is EntryKind.VACATION and entry.vacation_kind is VacationKind.SUMMER and end is None:
            end = year.end
        if entry.kind in (EntryKind.FIRST_DAY, EntryKind.LAST_DAY):
            end = start
        if end is None:
            raise CalendarImportError(f"{entry.where}: «{entry.name}» — не указан последний день.")
        _check_span(entry, start, end, year)
        if entry.kind is EntryKind.VACATION:
            assert entry.vacation_kind is not None
            _check_days(entry, start, end)
            side.vacations[entry.vacation_kind].append(Vacation(
                _vacation_name(entry, entry.vacation_kind), start, end, kind=entry.vacation_kind,
                stated_days=entry.counts.calendar_days, source=entry.where,
            ))
            if entry.vacation_kind is VacationKind.SUMMER:
                side.summer_start = start
        elif entry.kind is EntryKind.TERM:
            assert entry.term_system is not None and entry.term_number is not None
            if side.system not in (None, entry.term_system.key):
                raise CalendarImportError(f"{entry.where}: «{entry.name}» — в одной группе классов и "
                                          f"{entry.term_system.title}, и другие учебные периоды.")
            side.system = entry.term_system.key
            side.terms.append(Term(entry.term_system.term_name(entry.term_number), start, end, weeks=entry.counts.weeks,
                                   stated_days=entry.counts.school_days, source=entry.where))
        elif entry.kind is EntryKind.FIRST_DAY:
            side.first_day = start
        else:
            side.last_day = start
    for side in sides.values():
        _check_overlaps([v for kind_vacations in side.vacations.values() for v in kind_vacations])
        side.terms.sort(key=lambda term: term.start)
        for kind, vacations in side.vacations.items():
            vacations.sort(key=lambda vacation: vacation.start)
            if kind is not VacationKind.EXTRA:
                vacations[:] = [replace(v, name=numbered_name(kind, n)) for n, v in enumerate(vacations, start=1)]
    return sides


def _vacation_name(entry: Entry, kind: VacationKind) -> str:
    """«Осенние каникулы», «Дополнительные каникулы для 1 классов»: the season word first, whatever the row wrote."""
    if kind is VacationKind.EXTRA and entry.label is not None:
        return f"{kind.label} для {entry.label.genitive}"
    return kind.label


def _check_overlaps(vacations: Sequence[Vacation]) -> None:
    """Two vacations of the same classes may not overlap; the error names both rows."""
    ordered = sorted(vacations, key=lambda vacation: vacation.start)
    for earlier, later in pairwise(ordered):
        if later.start <= earlier.end:
            raise CalendarImportError(f"{later.source}: «{later.name}» {_span(later)} пересекается с «{earlier.name}» "
                                      f"{_span(earlier)} ({earlier.source}).")


def _check_span(entry: Entry, start: date, end: date, year: SchoolYear) -> None:
    if end < start:
        raise CalendarImportError(f"{entry.where}: «{entry.name}» — конец {end:%d.%m.%Y} раньше начала {start:%d.%m.%Y}.")
    if start < year.start or end > year.end:
        raise CalendarImportError(
            f"{entry.where}: «{entry.name}» — даты {start:%d.%m.%Y}–{end:%d.%m.%Y} вне учебного года {year} "
            f"({year.start:%d.%m.%Y}–{year.end:%d.%m.%Y})."
        )


def _check_days(entry: Entry, start: date, end: date) -> None:
    stated = entry.counts.calendar_days
    length = (end - start).days + 1
    if stated is not None and stated != length:
        raise CalendarImportError(
            f"{entry.where}: «{entry.name}» — указано {stated} {plural(stated, 'день', 'дня', 'дней')}, "
            f"а с {start:%d.%m.%Y} по {end:%d.%m.%Y} — {length} {plural(length, 'день', 'дня', 'дней')}."
        )


def _take_majority(common: _Side, sides: dict[GroupKey, _Side]) -> None:
    """Where no row speaks for the whole school, the value of the group of most grades (more than
    five of eleven) becomes the school's: «Осенние 2–8 классы» when every row names its classes.
    A smaller group's value (the exam grades' last day) stays the group's own."""
    large = [side for side in sides.values() if side.majority]
    kinds = {kind for side in large for kind in side.vacations if kind is not VacationKind.EXTRA}
    for kind in kinds - set(common.vacations):
        best = max((side for side in large if kind in side.vacations), key=lambda side: side.weight)
        common.vacations[kind] = list(best.vacations[kind])
    with_terms = [side for side in large if side.terms]
    if not common.terms and with_terms:
        best = max(with_terms, key=lambda side: side.weight)
        common.terms, common.system = list(best.terms), best.system
    for attribute in ("first_day", "last_day", "summer_start"):
        given = [side for side in large if getattr(side, attribute) is not None]
        if getattr(common, attribute) is None and given:
            setattr(common, attribute, getattr(max(given, key=lambda side: side.weight), attribute))


def _group(side: _Side, common: _Side, system: str) -> GradeGroup:
    """A group keeping only what differs from the school's."""
    assert side.label is not None
    vacations = tuple(
        vacation
        for kind, kind_vacations in side.vacations.items()
        if kind is VacationKind.EXTRA or _dates(kind_vacations) != _dates(common.vacations.get(kind, []))
        for vacation in kind_vacations
    )
    own_terms = side.terms and _dates(side.terms) != _dates(common.terms)
    return GradeGroup(
        label=side.label.title,
        grades=side.label.grades,
        classes=side.label.classes,
        term_system=side.system if own_terms and side.system != system else None,
        terms=tuple(side.terms) if own_terms else (),
        vacations=vacations,
        first_day=side.first_day if side.first_day != common.first_day else None,
        last_day=side.end if side.end != common.end else None,
        source=f"строки документа «{side.label.text}»",
    )


def _without_clashes(group: GradeGroup, vacations: Sequence[Vacation]) -> GradeGroup:
    """An inherited group without its vacations that the document's own vacations now overlap."""
    return replace(group, vacations=tuple(v for v in group.vacations if not any(v.overlaps(other) for other in vacations)))


def _changes_something(group: GradeGroup) -> bool:
    return bool(group.terms or group.vacations or group.first_day or group.last_day or group.term_system)


def _dates(periods: Iterable[Term | Vacation]) -> list[tuple[date, date]]:
    return [(period.start, period.end) for period in periods]


def _gaps(terms: Sequence[Term]) -> Iterable[Vacation]:
    """The vacations between a document's terms, named by the season they start in."""
    for earlier, later in pairwise(terms):
        start, end = earlier.end + ONE_DAY, later.start - ONE_DAY
        if end >= start and (end - start).days >= 2:
            kind = season_of(start)
            yield Vacation(kind.label, start, end, kind=kind, source="промежуток между учебными периодами")


def _check_terms(terms: Sequence[Term], common: _Side) -> None:
    """Terms in order, and agreeing with a first and last day stated beside them."""
    if common.first_day and common.first_day != terms[0].start:
        raise CalendarImportError(f"{terms[0].source}: начало учебного года {common.first_day:%d.%m.%Y} не совпадает "
                                  f"с началом «{terms[0].name}» {terms[0].start:%d.%m.%Y}.")
    if common.last_day and common.last_day != terms[-1].end:
        raise CalendarImportError(f"{terms[-1].source}: окончание учебного года {common.last_day:%d.%m.%Y} не совпадает "
                                  f"с окончанием «{terms[-1].name}» {terms[-1].end:%d.%m.%Y}.")
    for earlier, later in pairwise(terms):
        if later.start <= earlier.end:
            raise CalendarImportError(f"{later.source}: «{later.name}» начинается {later.start:%d.%m.%Y}, "
                                      f"раньше окончания «{earlier.name}» {earlier.end:%d.%m.%Y}.")


def _span(period: Vacation | Term) -> str:
    return f"{period.start:%d.%m.%Y}–{period.end:%d.%m.%Y}"

