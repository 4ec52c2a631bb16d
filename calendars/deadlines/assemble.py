"""From clause items to a DeadlineSpec: which kind the phrase is and what repeats where.

Rules, in order:

* A frequency ("ежегодно", "2 раза в год", "по четвергам", "далее –
  ежегодно") or a part of every year ("январь 2020-2030 г.г.") makes the
  phrase *recurring*. A yearly recurrence is pinned to the parts of the year
  the text names (its anchors: "январь", "4 квартал", "до мая") and runs
  within the named years; when only a first year is named ("До мая 2023
  года, далее – ежегодно") it repeats until the end of the document's school
  year, or for OPEN_REPEAT_YEARS years when no school year is known. Other
  frequencies run inside the named windows, else inside the school year.
  "Ежегодно" alone is due at the end of each year of its span — with a
  school year, one occurrence over the study year; without one, no dates.
* Otherwise named dates make a *window* (one occurrence per window), a
  start without an end ("с сентября 2023 г.") makes it *continuous*.
* "постоянно" and "по мере необходимости" make it *continuous* or
  *on_demand*, bounded by any named dates; "по отдельному плану/графику" makes
  it *separate_schedule* only when nothing else dates it, otherwise it is a
  note on the dated kind ("в течение 2023-2024 учебного года (по отдельному
  графику)" stays a window).
* A phrase with any word no rule accounts for is *unrecognised*: flagged,
  with the part not understood named, and dating nothing (what was
  understood is kept for the explanation). A parenthesised remark that
  mentions no dates is kept verbatim as a note; one that does and is not
  understood counts as not understood.
* An impossible value, a one-off date whose year is unknown, a weekday in
  brackets that is not the date's, a date outside the document's period,
  a frequency that does not match the months it names, or two clashing
  frequencies set needs_review with the reason; the spec keeps everything
  that was understood.
* "N раз в год — в марте и ноябре": when N equals the number of named
  parts of the year, each part is one occurrence.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from calendars.deadlines.dates import ONE_DAY
from calendars.deadlines.grammar import (
    Continuation,
    Frequency,
    Hours,
    Item,
    Marker,
    NoDateKind,
    NotUnderstood,
    Remark,
    Timed,
)
from calendars.deadlines.model import Kind, Recurrence, Window
from calendars.deadlines.spec import DeadlineSpec
from calendars.deadlines.terms import default_study_period
from calendars.deadlines.words import format_date
from calendars.school_year import SchoolYear

OPEN_REPEAT_YEARS = 5
"""How many yearly cycles "далее – ежегодно" yields when the document's school year is not known."""

NO_DATE_RU: dict[NoDateKind, str] = {
    "continuous": "постоянно, без фиксированного срока",
    "on_demand": "по мере необходимости, без фиксированного срока",
    "separate_schedule": "конкретные даты задаются отдельным планом или графиком",
}


def assemble(
    text: str, items: list[Item], school_year: SchoolYear | None, period: Window | None = None,
    read: tuple[tuple[int, int], ...] = (),
) -> DeadlineSpec:
    """The spec of one phrase (or one phase of a phased phrase) from its items.

    `period` is the document's own period: a window lying wholly outside it
    is flagged (a source whose year is wrong). `read` are the character
    spans the grammar accounted for.
    """
    return replace(_Assembly(text, items, school_year, period).spec(), read=read)


def phased(
    text: str, phases: list[tuple[str, DeadlineSpec]], school_year: SchoolYear | None, read: tuple[tuple[int, int], ...] = ()
) -> DeadlineSpec:
    """A phrase of labelled phases: it needs review when any phase does."""
    reasons = [f"«{label}»: {phase.review_reason}" for label, phase in phases if phase.review_reason]
    return DeadlineSpec(
        text=text,
        kind="phased",
        phases=phases,
        school_year=school_year.first if school_year else None,
        needs_review=bool(reasons),
        review_reason="; ".join(reasons) or None,
        read=read,
    )


@dataclass
class _Assembly:
    text: str
    items: list[Item]
    school_year: SchoolYear | None
    period: Window | None = None
    notes: list[str] = field(default_factory=list)
    reviews: list[str] = field(default_factory=list)

    def spec(self) -> DeadlineSpec:
        timed = [item for item in self.items if isinstance(item, Timed)]
        markers = [item for item in self.items if isinstance(item, Marker)]
        unread = [item for item in self.items if isinstance(item, NotUnderstood)]
        self.reviews.extend(item.message() for item in unread)
        self.notes.extend(item.note for item in timed if item.note)
        self.notes.extend(item.note for item in self.items if isinstance(item, Frequency) and item.note)
        self.reviews.extend(flag for item in timed for flag in item.flags)
        self._check_period(timed)
        frequency, continued = self._frequency()
        each_year = next((item for item in timed if item.each_year), None)
        if frequency is None and each_year is not None:
            frequency = Frequency(each_year.fragment, "year")
        windows: list[Window] = []
        recurrence = None
        if frequency is not None and frequency.unit == "year":
            recurrence = self._yearly(frequency, timed)
        elif frequency is not None:
            windows, recurrence = self._periodic(frequency, timed, continued)
        else:
            windows = self._one_off(timed)
        kind = "unrecognised" if unread else self._kind(recurrence, windows, timed, markers)
        self.notes.extend(
            f"«{marker.fragment}»: {NO_DATE_RU[marker.kind]}" for marker in markers if marker.kind != kind
        )
        hours = tuple(item.time for item in self.items if isinstance(item, Hours))
        if not self.reviews and not (timed or markers or frequency):
            only_hours = ", ".join(f"«{item.fragment}»" for item in self.items if isinstance(item, Hours))
            self.reviews.append(f"указано только время {only_hours}, дата не указана" if only_hours else "срок не указан")
        return DeadlineSpec(
            text=self.text,
            kind=kind,
            windows=tuple(windows),
            recurrence=recurrence,
            notes=tuple(self.notes),
            remarks=tuple(item.text for item in self.items if isinstance(item, Remark)),
            school_year=self.school_year.first if self.school_year else None,
            needs_review=bool(self.reviews),
            review_reason="; ".join(self.reviews) or None,
            times=hours,
        )

    def _check_period(self, timed: list[Timed]) -> None:
        """A window wholly outside the document's period (its school year's calendar years by default)."""
        period = self.period
        if period is None and self.school_year is not None:
            period = Window(date(self.school_year.first, 1, 1), date(self.school_year.second, 12, 31))
        if period is None or period.start is None or period.end is None:
            return
        for item in timed:
            window = item.window or item.each_year
            if window is None or window.end is None:
                continue  # no dates to compare
            start = window.start or window.end
            if window.end < period.start or start > period.end:
                self.reviews.append(
                    f"«{item.fragment}»: вне периода документа ({format_date(period.start)} — {format_date(period.end)}); "
                    "проверьте год"
                )

    def _frequency(self) -> tuple[Frequency | None, bool]:
        """The phrase's one frequency, and whether it comes after "далее"; clashing ones go to review."""
        chosen: Frequency | None = None
        continued = False
        for item in self.items:
            if isinstance(item, Continuation) and isinstance(item.then, Marker):
                self.notes.append(f"«{item.fragment}»: после первого срока — {NO_DATE_RU[item.then.kind]}")
                continue
            if isinstance(item, Continuation) and isinstance(item.then, Frequency):
                found, after = item.then, True
            elif isinstance(item, Frequency):
                found, after = item, False
            else:
                continue
            if chosen is None:
                chosen, continued = found, after
            elif chosen.unit == "week" and found.unit == "week" and not (chosen.weekdays and found.weekdays):
                chosen = replace(chosen, weekdays=chosen.weekdays or found.weekdays)
            elif (chosen.unit, chosen.times, chosen.every) != (found.unit, found.times, found.every):
                self.reviews.append(f"«{found.fragment}»: вторая периодичность не согласуется с «{chosen.fragment}»")
        return chosen, continued

    def _yearly(self, frequency: Frequency, timed: list[Timed]) -> Recurrence:
        anchors = tuple(item.anchor for item in timed if item.anchor)
        each = [item.each_year for item in timed if item.each_year]
        spans = [item.window for item in timed if item.window and not item.anchor]
        firsts = [item.window for item in timed if item.window and item.anchor]
        within: list[Window]
        if each or spans:
            within = each + spans
        elif firsts:
            first_due = min(window.end for window in firsts if window.end)
            horizon = max(self._horizon(first_due), *(window.end for window in firsts if window.end))
            within = [Window(min(window.start or window.end or first_due for window in firsts), horizon)]
        elif anchors:
            within = []  # the part of the year is known, the years are not
        else:
            within = self._study_year_window()
        if len(anchors) > 1 and frequency.times > 1 and frequency.times % len(anchors):
            self.reviews.append(
                f"«{frequency.fragment}»: названо частей года — {len(anchors)}, это не делится на число повторений"
            )
        return Recurrence(
            "year", frequency.times, frequency.at_least, anchors=anchors, within=tuple(within), every=frequency.every,
        )

    def _periodic(self, frequency: Frequency, timed: list[Timed], continued: bool) -> tuple[list[Window], Recurrence]:
        """Weekly, monthly, quarterly… inside the named windows; after them for "далее – ежемесячно"."""
        windows = self._one_off(timed)
        for item in timed:
            if item.each_year:
                self.reviews.append(f"«{item.fragment}»: «каждый год» не согласуется с «{frequency.fragment}»")

        def every(within: list[Window]) -> Recurrence:
            return Recurrence(
                frequency.unit, frequency.times, frequency.at_least, frequency.weekdays, within=tuple(within),
                every=frequency.every, week_of_month=frequency.week_of_month,
            )

        if continued and windows:
            start = max(window.end or window.start or date.min for window in windows) + ONE_DAY
            return windows, every([Window(start, max(start, self._horizon(start)))])
        return [], every(windows or self._study_year_window())

    def _one_off(self, timed: list[Timed]) -> list[Window]:
        """The concrete windows; a date whose year is unknown goes to review."""
        for item in timed:
            if item.window is None and item.each_year is None:
                self.reviews.append(f"не указан год: «{item.fragment}» — задайте учебный год документа")
        return [item.window for item in timed if item.window]

    def _horizon(self, first_due: date) -> date:
        """Where open-ended repetitions stop: the school year's end, else OPEN_REPEAT_YEARS years."""
        if self.school_year is not None:
            end = self.school_year.end
            self.notes.append(f"повторы — до конца учебного года {self.school_year} ({format_date(end)})")
            return end
        end = date(first_due.year + OPEN_REPEAT_YEARS - 1, 12, 31)
        self.notes.append(
            f"учебный год документа не задан — повторы рассчитаны на {OPEN_REPEAT_YEARS} лет, по {format_date(end)}"
        )
        return end

    def _study_year_window(self) -> list[Window]:
        if self.school_year is None:
            return []
        start, end = default_study_period(self.school_year.first)
        return [Window(start, end, self.school_year.first)]

    def _kind(self, recurrence: Recurrence | None, windows: list[Window], timed: list[Timed], markers: list[Marker]) -> Kind:
        dateless = next((marker.kind for marker in markers if marker.kind != "separate_schedule"), None)
        if recurrence is not None:
            return "recurring"
        if dateless is not None:
            return dateless
        if windows and all(window.end is None and window.school is None for window in windows):
            return "continuous"
        if timed:
            return "window"
        return "separate_schedule"
