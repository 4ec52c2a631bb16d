"""What the solver sees: days, slots, fixed sessions, and the tasks still to place.

Everything that is already decided is settled here, before any solver runs,
because a smaller model is a faster one: the weekly course takes its
Thursday slot (the class teacher's k-th class takes the k-th slot from the
profile's course slot), lost Thursdays become make-up tasks, sessions before
a re-plan's as-of date are kept. Who leads each (class, activity) and where
is the solver's choice among its candidates (`staff_options`,
`venue_options`): a `leads` entry of the profile, the class teacher for
class-teacher activities, and the staff and venue of sessions a re-plan keeps
or moves are fixed (one candidate); otherwise the candidates are up to
MAX_OPTIONS of the qualified (role; venue kind and seats), the first being a
load-balancing rule's proposal (the person already serving the class in that
role while they have room, else the least loaded relative to their weekly
limit), the rest the next least loaded. The proposal is the solver's hint
and the greedy baseline's choice; a short list keeps the models small and
the classes loosely coupled.

A span shorter than the year pro-rates: an activity keeps the share of its
sessions that its window's school days inside the span make up, and a
direction's minimum the share of the class's school days (rounded half up).
Shares are counted without closures: a quarantine does not lower the norms,
the sessions move instead.

Rules carry a `Rule` naming the requirement or limit they express, so an
infeasible model can be explained in the coordinator's terms.
"""

from __future__ import annotations

import hashlib
import json
import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, time, timedelta
from enum import StrEnum
from functools import cached_property

from sqlmodel import Session

from calendars.academic import AcademicCalendar, Period, load_calendar
from scheduler.errors import SchedulingError
from scheduler.norms import Activity, Norms
from scheduler.penalties import Penalty
from scheduler.placement import Placement, SessionInfo
from scheduler.profile import Profile, SchoolClass, Slot

TOTAL = "total"
# Candidates per (class, activity) for the solver to choose from: more made the class models
# several times larger for no better plan on the benchmark's schools (staff there are alike).
MAX_OPTIONS = 3
# The staff member and venue the solver chose for a task (by task index, where it had a choice).
Choice = tuple[str, str | None]


class RuleKind(StrEnum):
    """The kinds of hard rule: requirements (a class gets its hours) first, then limits."""

    DIRECTION = "direction"  # a class's minimum hours in a direction
    TOTAL = "total"  # a class's minimum hours in all
    TERM = "term"  # a per-term activity (parent meeting) in each term
    COURSE = "course"  # the make-ups of lost weekly-course sessions
    STAFF = "staff"  # a staff member's weekly hours and free slots
    VENUE = "venue"  # one session per venue and slot
    SLOTS = "slots"  # a class's free slots after lessons
    CLASS_WEEK = "class_week"  # a class's profminimum hours a week
    CLASS_DAY = "class_day"  # … a day
    WINDOW = "window"  # an activity's window (norms or roadmap item)
    ORDER = "order"  # a stage after its predecessor
    STAFF_ROLE = "staff_role"  # nobody has the role an activity needs
    VENUE_KIND = "venue_kind"  # no venue of the kind and size an activity needs
    UNKNOWN = "unknown"  # no cause found in time


REQUIREMENTS = frozenset({RuleKind.DIRECTION, RuleKind.TOTAL, RuleKind.TERM, RuleKind.COURSE})


@dataclass(frozen=True, order=True)
class Rule:
    """A named hard rule: a requirement (class gets its hours) or a limit (staff, venue, window…)."""

    kind: RuleKind
    subject: str
    detail: str = ""

    @property
    def is_requirement(self) -> bool:
        return self.kind in REQUIREMENTS


@dataclass(frozen=True)
class ItemWindow:
    """A roadmap item an activity serves: its number and id, and the windows its deadline gives."""

    item_id: int | None
    number: str | None
    title: str
    windows: tuple[Period, ...]
    span: Period | None
    grades: frozenset[int] | None = None  # the classes the item concerns («Классы» 8-11); None: all

    def concerns(self, grade: int) -> bool:
        return self.grades is None or grade in self.grades


@dataclass(frozen=True, kw_only=True)
class Task(SessionInfo):
    """Sessions of one (class, activity[, term or window]) still to place; the solver picks the days,
    and the staff member and venue among the candidates (`staff` and `venue`: the proposal, first of each)."""

    key: str
    staff_options: tuple[str, ...]
    venue_options: tuple[str, ...]  # empty: the activity needs no venue
    count: int
    elective: bool
    days: tuple[int, ...]
    open_days: tuple[int, ...]
    window: str
    evening: bool
    after: tuple[str, ...]
    rule: Rule
    item: ItemWindow | None


@dataclass(frozen=True)
class ClassInfo:
    school_class: SchoolClass
    days: frozenset[int]


def slot_times(profile: Profile, slot: int, hours: int) -> tuple[time, time]:
    """Local start and end of a session of `hours` slots starting at `slot` (`len(slots)`: the evening)."""
    if slot == len(profile.slots):
        return profile.evening.start, profile.evening.end
    return profile.slots[slot].start, profile.slots[slot + hours - 1].end


@dataclass
class Problem:
    """The instance: built once by `build_problem`, read by the model, the greedy baseline and explain."""

    profile: Profile
    norms: Norms
    calendar: AcademicCalendar
    span: Period
    as_of: date | None
    days: tuple[date, ...]
    week_of: tuple[int, ...]
    month_of: tuple[int, ...]
    bucket_of: tuple[int, ...]
    classes: dict[str, ClassInfo]
    tasks: tuple[Task, ...]
    fixed: tuple[Placement, ...]
    previous: dict[str, list[tuple[str, date, int]]]
    required: dict[tuple[str, str], int]
    penalty_weeks: dict[str, dict[int, dict[Penalty, int]]]  # class → week → term → weight per hour
    issues: list[tuple[Rule, str]] = field(default_factory=list)

    @property
    def slots(self) -> tuple[Slot, ...]:
        return self.profile.slots

    @property
    def evening(self) -> int:
        return len(self.profile.slots)

    @cached_property
    def bucket_week(self) -> tuple[int, ...]:
        """The week of each bucket (part of a week between window edges)."""
        weeks: dict[int, int] = {}
        for day, bucket in enumerate(self.bucket_of):
            weeks.setdefault(bucket, self.week_of[day])
        return tuple(weeks[bucket] for bucket in range(len(weeks)))

    def starts(self, task: Task) -> tuple[int, ...]:
        """The slots a task's session may start at: the evening, or a day slot followed by enough
        consecutive ones (asked per session by the layouts and models, so read from a table)."""
        return (self.evening,) if task.evening else self._day_starts.get(task.hours, ())

    @cached_property
    def _day_starts(self) -> dict[int, tuple[int, ...]]:
        """Per session length in slots, the day slots such a session may start at."""
        count = len(self.slots)
        return {hours: tuple(start for start in range(count) if self.profile.consecutive(start, hours))
                for hours in range(1, count + 1)}

    @cached_property
    def bucket_start(self) -> tuple[int, ...]:
        """The first day of each bucket (buckets are runs of consecutive days), then the number of days:
        bucket b holds the days from bucket_start[b] up to bucket_start[b + 1]."""
        starts = [day for day, bucket in enumerate(self.bucket_of) if day == 0 or bucket != self.bucket_of[day - 1]]
        return (*starts, len(self.bucket_of))

    @cached_property
    def fixed_hours(self) -> dict[tuple[str, str], int]:
        """Hours of the fixed sessions (course, kept past) per (class, direction), and per (class, TOTAL)."""
        hours: dict[tuple[str, str], int] = defaultdict(int)
        for placed in self.fixed:
            hours[(placed.class_name, placed.direction)] += placed.hours
            hours[(placed.class_name, TOTAL)] += placed.hours
        return dict(hours)

    @cached_property
    def fixed_bucket(self) -> dict[str, int]:
        """The last bucket of each task's fixed sessions (−1 for one outside the span)."""
        last: dict[str, int] = {}
        for placed in self.fixed:
            position = self.day_index(placed.day)
            bucket = self.bucket_of[position] if position is not None else -1
            last[placed.task] = max(last.get(placed.task, -1), bucket)
        return last

    def day_index(self, day: date) -> int | None:
        return self._index.get(day)

    def __post_init__(self) -> None:
        self._index = {day: index for index, day in enumerate(self.days)}

    def slot_times(self, slot: int, hours: int) -> tuple[time, time]:
        """Local start and end of a session of `hours` slots starting at `slot` (or the evening)."""
        return slot_times(self.profile, slot, hours)

    def place(self, task: Task, uid: str, day: date, slot: int) -> Placement:
        """The session of `task` that the solver or the greedy baseline put at `day` and `slot`."""
        start, end = slot_times(self.profile, slot, task.hours)
        return Placement(
            uid=uid, task=task.key, class_name=task.class_name, activity=task.activity, title=task.title,
            direction=task.direction, kind=task.kind, series=task.series, day=day, slot=slot, start=start, end=end,
            hours=task.hours, staff=task.staff, venue=task.venue,
            item_ref=task.item.number if task.item else None, item_id=task.item.item_id if task.item else None,
        )

    def with_choices(self, choices: dict[int, Choice]) -> Problem:
        """The instance with the solver's staff member and venue (by task index) in place of the proposals."""
        tasks = tuple(
            replace(task, staff=choice[0], venue=choice[1]) if (choice := choices.get(index)) else task
            for index, task in enumerate(self.tasks)
        )
        return replace(self, tasks=tasks)

    def is_limited(self, placed: Placement | Task) -> bool:
        """Whether a session counts toward the class day and week limits (not the weekly course, not evenings)."""
        evening = placed.evening if isinstance(placed, Task) else placed.slot == self.evening
        return not evening and placed.series is None

    def fingerprint(self) -> str:
        """A hash of everything the solver sees: same fingerprint and seed → same timetable."""
        payload = {
            "profile": self.profile.to_json(),
            "norms": self.norms.path.read_text(encoding="utf-8"),
            "span": [self.span.start.isoformat(), self.span.end.isoformat()],
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "closures": [[p.start.isoformat(), p.end.isoformat()] for p in self.calendar.closures],
            "tasks": [(t.key, t.count, t.days, t.staff_options, t.venue_options, t.window) for t in self.tasks],
            "fixed": sorted((p.uid, p.day.isoformat(), p.slot) for p in self.fixed),
            "previous": {key: sorted((uid, day.isoformat(), slot) for uid, day, slot in value)
                         for key, value in sorted(self.previous.items())},
        }
        return hashlib.sha256(json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str).encode()).hexdigest()


def prorate(value: int, share: float) -> int:
    """`value` scaled by `share`, rounded half up (exact for a whole window or year)."""
    return int(value * share + 0.5 + 1e-9)


def normalise(text: str) -> str:
    """Lower case, one kind of dash and quote, single spaces: for matching roadmap item titles."""
    text = re.sub(r"[–—−]", "-", text.lower())
    text = re.sub(r"[«»\"„“]", "", text)
    return re.sub(r"\s+", " ", text).strip()


def build_problem(
    profile: Profile,
    norms: Norms,
    items: dict[str, ItemWindow] | None = None,
    span: tuple[date | None, date | None] = (None, None),
    closures: Sequence[Period] = (),
    as_of: date | None = None,
    previous: Iterable[Placement] = (),
    session: Session | None = None,
    keep_open: bool = False,
) -> Problem:
    """The instance for a school over a span; with `previous` and `as_of`, a re-plan's instance.

    With a session, the school's (or its region's) calendar imported into the database applies.
    With `keep_open` (an incremental re-plan), every previous session on a day still open stays
    where it is: only the sessions a closure displaced, and the make-ups of lost course days, are placed.
    """
    calendar = load_calendar(profile.region, profile.year, profile.week, school=profile.id, session=session).with_overrides(
        closures=(*profile.closed, *closures)
    )
    start = max(span[0] or calendar.first_day, calendar.first_day)
    end = min(span[1] or calendar.last_day, calendar.last_day)
    if end < start:
        raise SchedulingError(
            f"Период {start:%d.%m.%Y}–{end:%d.%m.%Y} пуст или вне учебного года {profile.year} "
            f"({calendar.first_day:%d.%m.%Y}–{calendar.last_day:%d.%m.%Y})."
        )
    builder = _Builder(profile, norms, calendar, Period("", start, end), as_of, items or {}, keep_open)
    return builder.build(list(previous))


class _Builder:
    """Builds a Problem step by step; holds the running staff and venue loads of the balancing rule."""

    def __init__(
        self, profile: Profile, norms: Norms, calendar: AcademicCalendar, span: Period,
        as_of: date | None, items: dict[str, ItemWindow], keep_open: bool = False,
    ) -> None:
        self.profile, self.norms, self.calendar, self.span, self.as_of, self.items = profile, norms, calendar, span, as_of, items
        self.keep_open = keep_open
        self.classes = [cls for cls in profile.classes if cls.grade in norms.grades]
        class_days = {cls.name: calendar.school_days(span.start, span.end, cls.grade, cls.name) for cls in self.classes}
        self.days = tuple(sorted({day for days in class_days.values() for day in days}))
        self.index = {day: index for index, day in enumerate(self.days)}
        monday = span.start - timedelta(days=span.start.weekday())
        self.week_of = tuple((day - monday).days // 7 for day in self.days)
        self.month_of = tuple((day.year - span.start.year) * 12 + day.month - span.start.month for day in self.days)
        # Norms are yearly minima whatever the closures: shares are counted on the calendar without them.
        self.planned = replace(calendar, closures=())
        self.year_days: dict[str, list[date]] = {}
        self.class_days = {name: frozenset(self.index[day] for day in days) for name, days in class_days.items()}
        self.load: dict[str, int] = defaultdict(int)
        # The staff member and venue of the sessions a re-plan keeps or moves, per (class, activity).
        self.before: dict[tuple[str, str], tuple[str, str | None]] = {}
        self.serves: dict[tuple[str, str], str] = {}
        self.issues: list[tuple[Rule, str]] = []
        self.fixed: list[Placement] = []
        self.tasks: list[Task] = []

    def build(self, previous: list[Placement]) -> Problem:
        kept, moving = self._split_previous(previous)
        for placed in sorted(kept + moving, key=lambda p: (p.day, p.slot, p.uid)):
            self.before.setdefault((placed.class_name, placed.activity), (placed.staff, placed.venue))
        done: dict[str, int] = defaultdict(int)
        for placed in kept:
            done[placed.task] += 1
        for cls in self.classes:
            for activity in self.norms.activities:
                if activity.runs_for(cls.level, cls.grade):
                    self._add_activity(cls, activity)
        self.fixed.extend(kept)
        tasks = []
        for task in self.tasks:
            remaining = task.count - done.get(task.key, 0)
            if remaining > 0 or task.elective:
                tasks.append(_with_count(task, max(remaining, 0)))
        moving_by_task: dict[str, list[tuple[str, date, int]]] = defaultdict(list)
        for placed in moving:
            moving_by_task[placed.task].append((placed.uid, placed.day, placed.slot))
        return Problem(
            profile=self.profile,
            norms=self.norms,
            calendar=self.calendar,
            span=self.span,
            as_of=self.as_of,
            days=self.days,
            week_of=self.week_of,
            month_of=self.month_of,
            bucket_of=self._buckets(tasks),
            classes={
                cls.name: ClassInfo(cls, self.class_days[cls.name]) for cls in self.classes
            },
            tasks=tuple(tasks),
            fixed=tuple(self.fixed),
            previous=dict(moving_by_task),
            required=self._required(),
            penalty_weeks=self._penalty_weeks(),
            issues=self.issues,
        )

    def _buckets(self, tasks: list[Task]) -> tuple[int, ...]:
        """Weeks cut where any task's allowed days start or end: every task's days are whole buckets,
        so stage 1 counts per bucket and a partial week (a window's edge, the as-of day) is exact."""
        cuts: set[int] = set()
        for days in {task.days for task in tasks}:
            members = set(days)
            cuts.update(day for day in days if day - 1 not in members)
            cuts.update(day + 1 for day in days if day + 1 not in members)
        buckets, bucket = [], -1
        for day in range(len(self.days)):
            if day == 0 or self.week_of[day] != self.week_of[day - 1] or day in cuts:
                bucket += 1
            buckets.append(bucket)
        return tuple(buckets)

    def _split_previous(self, previous: list[Placement]) -> tuple[list[Placement], list[Placement]]:
        """Sessions before as-of and pinned ones, on days still open, are kept; the weekly course is
        rebuilt; the rest may move (a pinned session a closure now hits moves too, unpinned)."""
        grades = {cls.name: cls.grade for cls in self.classes}
        kept, moving = [], []
        for placed in previous:
            if placed.class_name not in grades or (placed.series and placed.kind == "session"):
                continue
            open_day = self.calendar.is_school_day(placed.day, grades[placed.class_name], placed.class_name)
            stays = placed.pinned or self.keep_open or (self.as_of and placed.day < self.as_of)
            if open_day and stays and placed.day in self.span:
                kept.append(placed)
            else:
                moving.append(placed)
        return kept, moving

    def _movable(self, days: Iterable[int]) -> tuple[int, ...]:
        return tuple(sorted(day for day in days if not self.as_of or self.days[day] >= self.as_of))

    def _days_in(self, cls: SchoolClass, periods: Sequence[Period]) -> tuple[int, ...]:
        """The class's school days (indices) inside any of the periods; by bisection, since a build asks
        it for every task (a day-by-day test was a tenth of a 120-class solve's Python)."""
        inside: set[int] = set()
        for period in periods:
            inside.update(range(bisect_left(self.days, period.start), bisect_right(self.days, period.end)))
        return tuple(sorted(inside & self.class_days[cls.name]))

    def _share(self, cls: SchoolClass, periods: Sequence[Period]) -> float:
        """The part of the periods' school days (closures aside) that lies inside the span."""
        if cls.name not in self.year_days:  # the calendar's day-by-day walk is the slow part of a build
            self.year_days[cls.name] = self.planned.school_days(grade=cls.grade, class_name=cls.name)
        days = self.year_days[cls.name]
        year: set[int] = set()
        for period in periods:
            year.update(range(bisect_left(days, period.start), bisect_right(days, period.end)))
        inside = range(bisect_left(days, self.span.start), bisect_right(days, self.span.end))
        return len(year.intersection(inside)) / len(year) if year else 0.0

    def _windows(self, activity: Activity, cls: SchoolClass) -> tuple[list[Period], ItemWindow | None]:
        """The activity's windows: the roadmap item's own windows, or the norms' ones inside its deadline;
        an item for other classes («Классы» 8-11 and a 6th grade) does not bind this class."""
        periods = activity.window_periods(self.profile.year)
        item = self.items.get(activity.key)
        if item is None or not item.concerns(cls.grade):
            return periods, None
        if item.windows:
            return list(item.windows), item
        if item.span is None:
            return periods, item
        clipped = [
            Period(p.name, max(p.start, item.span.start), min(p.end, item.span.end))
            for p in periods if p.overlaps(item.span)
        ]
        return clipped, item

    def _add_activity(self, cls: SchoolClass, activity: Activity) -> None:
        windows, item = self._windows(activity, cls)
        staff = self._staff(cls, activity)
        venues = self._venue(cls, activity)
        if not staff or (activity.venue and not venues):
            return
        before = self.before.get((cls.name, activity.key))
        if before and before[0] in staff:
            staff = (before[0],)
        if before and before[1] in venues:
            venues = (before[1],)
        hours = activity.hours[cls.level]
        if activity.repeat == "weekly":
            self._weekly_course(cls, activity, windows, item, staff[0])
            return
        if activity.repeat == "term":
            terms = self.calendar.terms
            for number, term in enumerate(terms, start=1):
                inside = [Period(term.name, max(term.start, w.start), min(term.end, w.end)) for w in windows if w.overlaps(term)]
                title = (activity.first_title if number == 1 else activity.last_title if number == len(terms) else {}).get(cls.level)
                self._task(cls, activity, f"/{number}", inside, 1, staff, venues, item, Rule(RuleKind.TERM, cls.name, term.name),
                           title=title, window=term.name)
            return
        if activity.repeat == "window":
            for number, window in enumerate(windows, start=1):
                self._task(cls, activity, f"/{number}", [window], 1, staff, venues, item,
                           Rule(RuleKind.DIRECTION, cls.name, activity.direction), window=_describe([window]))
            return
        self._task(cls, activity, "", windows, hours // activity.session_hours, staff, venues, item,
                   Rule(RuleKind.DIRECTION, cls.name, activity.direction), window=_describe(windows))

    def _task(
        self, cls: SchoolClass, activity: Activity, suffix: str, windows: Sequence[Period], sessions: int,
        staff_options: tuple[str, ...], venue_options: tuple[str, ...], item: ItemWindow | None, rule: Rule,
        title: str | None = None, window: str = "", kind: str | None = None, series: str | None = None,
    ) -> None:
        count = prorate(sessions, self._share(cls, windows))
        if count == 0:
            return
        staff, venue = staff_options[0], venue_options[0] if venue_options else None
        self.load[staff] += count * activity.session_hours
        if venue:
            self.load[venue] += count * activity.session_hours
        self.tasks.append(Task(
            key=f"{cls.name}/{activity.key}{suffix}",
            class_name=cls.name,
            activity=activity.key,
            title=title or activity.title,
            direction=activity.direction,
            kind=kind or ("meeting" if activity.evening else "event" if activity.repeat == "window" else "session"),
            series=series,
            hours=activity.session_hours,
            count=count,
            elective=activity.elective,
            days=self._movable(self._days_in(cls, windows)),
            open_days=self._movable(self.class_days[cls.name]),
            window=window,
            evening=activity.evening,
            staff=staff,
            venue=venue,
            staff_options=staff_options,
            venue_options=venue_options,
            after=tuple(
                f"{cls.name}/{key}" for key in activity.after if self.norms.activity(key).runs_for(cls.level, cls.grade)
            ),
            rule=rule,
            item=item,
        ))

    def _weekly_course(
        self, cls: SchoolClass, activity: Activity, windows: Sequence[Period], item: ItemWindow | None, staff: str
    ) -> None:
        """Fix the course on its weekday; each lost course day becomes a make-up task in the rest of its term."""
        slot = self._course_slot(cls)
        schedule = self.calendar.schedule(cls.grade, cls.name)
        for term in schedule.terms:
            for day in term.days():
                if (
                    day.weekday() != activity.weekday or day not in self.span
                    or not any(day in window for window in windows)
                    or any(day in vacation for vacation in schedule.vacations)
                ):
                    continue
                if self.calendar.is_school_day(day, cls.grade, cls.name):
                    self.load[staff] += 1
                    start, end = slot_times(self.profile, slot, 1)
                    self.fixed.append(Placement(
                        uid=f"{cls.name}/{activity.key}/{day.isoformat()}", task=f"{cls.name}/{activity.key}",
                        class_name=cls.name, activity=activity.key, title=activity.title,
                        direction=activity.direction, kind="session", series=activity.key, day=day, slot=slot,
                        start=start, end=end, hours=1, staff=staff, venue=None, item_ref=item.number if item else None,
                        item_id=item.item_id if item else None,
                    ))
                    continue
                rest = Period(term.name, day + timedelta(days=1), term.end)
                if not self._days_in(cls, [rest]):
                    rest = Period(term.name, day + timedelta(days=1), self.span.end)
                self._task(
                    cls, activity, f"-makeup/{day.isoformat()}", [rest], 1, (staff,), (), item,
                    Rule(RuleKind.COURSE, cls.name, activity.key),
                    title=f"{activity.title}: замена занятия {day:%d.%m.%Y}",
                    window=f"{rest.start:%d.%m}–{rest.end:%d.%m}", kind="makeup", series=activity.key,
                )

    def _course_slot(self, cls: SchoolClass) -> int:
        """The class teacher's k-th class takes the k-th slot from the profile's course slot."""
        mine = [other.name for other in self.classes if other.teacher == cls.teacher]
        slot = self.profile.course_slot + mine.index(cls.name)
        if slot >= len(self.profile.slots):
            raise SchedulingError(
                f"{self.profile.source}: у классного руководителя «{cls.teacher}» {len(mine)} класса(ов), "
                f"а после course_slot только {len(self.profile.slots) - self.profile.course_slot} слот(ов) "
                "для курса «Россия – мои горизонты»: добавьте слоты или смените course_slot."
            )
        return slot

    def _staff(self, cls: SchoolClass, activity: Activity) -> tuple[str, ...]:
        """Who may lead the activity for the class: the `leads` entry or the class teacher alone, else
        the shortlist of the qualified (see `_shortlist`); empty, with an issue, when nobody is."""
        if activity.key in cls.leads:
            return (cls.leads[activity.key],)
        if activity.role == "class_teacher":
            return (cls.teacher,)
        candidates = [(p.name, p.max_hours_per_week) for p in self.profile.staff if activity.role in p.roles and p.max_hours_per_week > 0]
        if not candidates:
            self.issues.append((
                Rule(RuleKind.STAFF_ROLE, activity.role, activity.key),
                f"нет сотрудника с ролью «{activity.role}», который мог бы вести «{activity.title}» ({cls.name})",
            ))
            return ()
        return self._shortlist(cls, activity.role, candidates, activity.hours[cls.level])

    def _venue(self, cls: SchoolClass, activity: Activity) -> tuple[str, ...]:
        """Where the activity may take place: the shortlist of venues of its kinds with seats for the
        class; empty when it needs none, or, with an issue, when none fits."""
        if not activity.venue:
            return ()
        candidates = [(v.name, 2 * len(self.profile.slots)) for v in self.profile.venues
                      if v.kind in activity.venue and v.capacity >= cls.students]
        if not candidates:
            self.issues.append((
                Rule(RuleKind.VENUE_KIND, "/".join(activity.venue), activity.key),
                f"нет площадки вида {', '.join(activity.venue)} не меньше чем на {cls.students} мест "
                f"для «{activity.title}» ({cls.name})",
            ))
            return ()
        return self._shortlist(cls, "venue:" + "/".join(activity.venue), candidates, activity.hours[cls.level])

    def _shortlist(self, cls: SchoolClass, role: str, candidates: list[tuple[str, int]], hours: int) -> tuple[str, ...]:
        """The proposal first: the same person (venue) as for the class's other activities of this role
        while they have room (three quarters of their weekly limit over the span's weeks), else the
        least loaded relative to their limit; then the next least loaded, MAX_OPTIONS in all."""
        weeks = max(1, self.week_of[-1] + 1) if self.week_of else 1
        current = self.serves.get((cls.name, role))
        limits = dict(candidates)
        ranked = [name for name, _ in sorted(candidates, key=lambda c: ((self.load[c[0]] + hours) / c[1], c[0]))]
        if current in limits and self.load[current] + hours <= 0.75 * limits[current] * weeks:
            proposal = current
        else:
            proposal = ranked[0]
            self.serves[(cls.name, role)] = proposal
        return (proposal, *[name for name in ranked if name != proposal][: MAX_OPTIONS - 1])

    def _required(self) -> dict[tuple[str, str], int]:
        required = {}
        for cls in self.classes:
            share = self._share(cls, [Period("", self.profile.year.start, self.profile.year.end)])
            for key, direction in self.norms.directions.items():
                required[(cls.name, key)] = prorate(direction.minimum[cls.level], share)
            required[(cls.name, TOTAL)] = prorate(self.norms.total[cls.level], share)
        return required

    def _penalty_weeks(self) -> dict[str, dict[int, dict[Penalty, int]]]:
        """Per class, the weeks to avoid and the weight per hour: a quarter's last week, exam preparation."""
        soft = self.norms.soft
        result: dict[str, dict[int, dict[Penalty, int]]] = {}
        for cls in self.classes:
            weights: dict[int, dict[Penalty, int]] = defaultdict(dict)
            for term in self.calendar.terms:
                term_days = [day for day in sorted(self.class_days[cls.name]) if self.days[day] in term]
                if term_days:
                    week = weights[self.week_of[term_days[-1]]]
                    week[Penalty.QUARTER_END] = week.get(Penalty.QUARTER_END, 0) + soft.quarter_end
            last = self.calendar.schedule(cls.grade, cls.name).last_day
            if last < self.calendar.last_day:
                first = last - timedelta(weeks=soft.exam_weeks)
                exam_weeks = {self.week_of[day] for day in self.class_days[cls.name] if first < self.days[day] <= last}
                for exam_week in exam_weeks:
                    weights[exam_week][Penalty.EXAM] = weights[exam_week].get(Penalty.EXAM, 0) + soft.exam
            result[cls.name] = dict(weights)
        return result


def _with_count(task: Task, count: int) -> Task:
    return replace(task, count=count)


def _describe(windows: Sequence[Period]) -> str:
    return ", ".join(f"{p.start:%d.%m}–{p.end:%d.%m}" for p in windows) or "нет дат"

