"""Pins and hand moves: the coordinator's own decisions, checked against every hard rule and kept by every solve.

A pinned placement (`StoredPlacement.pinned`) is a fixed input of every later
`schedule` and `replan` (scheduler.problem keeps it at its date and slot,
unless a closure now takes that day). A hand move puts one session at a
new date and time, and pins it; it is refused, naming the rule, when the
new place breaks a hard rule. The check builds the instance the solver
would see with every other session fixed where it is (so the calendar,
closures, windows, limits and occupancy are the solver's own) and tests
the one session against it: school day of the class, the activity's
window, the slots (a two-hour session needs two slots in a row, a meeting
the evening), free class, staff member and venue, the class's day and
week limits, the staff member's weekly limit, one session of a task a
day, and the order of the diagnostic stages.

`allowed_moves` lists every date and time the session may go to, for the
web timetable's drop targets. These functions edit the current timetable
in place: its stored penalty is the solver's, from before the edit.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from calendars.suggest import did_you_mean
from roadmaps.importer import ROADMAPS_LOCK
from scheduler.errors import SchedulingError
from scheduler.model import Occupancy, owners, staff_resource
from scheduler.norms import load_norms
from scheduler.placement import Placement
from scheduler.problem import Problem, Task, build_problem
from scheduler.service import (
    closure_periods,
    item_windows,
    profile_of,
    require_current_timetable,
    school_lock,
    stored_school,
    utc_now,
)
from scheduler.tables import StoredPlacement
from store.db import transaction

RESOURCE_NAMES = {"class": "класс", "staff": "сотрудник", "venue": "площадка"}


def pin(engine: Engine, school_id: str, uid: str) -> Placement:
    """Pin a placement of the current timetable where it is: every later solve keeps it there."""
    return _set_pinned(engine, school_id, uid, True)


def unpin(engine: Engine, school_id: str, uid: str) -> Placement:
    """Let the solver move the placement again."""
    return _set_pinned(engine, school_id, uid, False)


def move(engine: Engine, school_id: str, uid: str, to: datetime) -> Placement:
    """Move a session to the local date and time `to` (a slot's start, or the evening's) and pin it there;
    a SchedulingError names the hard rule the new place would break."""
    with transaction(engine, ROADMAPS_LOCK.as_shared(), school_lock(school_id)) as session:
        row = _placement(session, school_id, uid)
        check = _checker(session, school_id, row)
        slot = check.slot_at(to)
        refusal = check.refusal(to.date(), slot)
        if refusal:
            raise SchedulingError(f"Перенос «{row.title}» ({row.class_name}) на {to:%d.%m.%Y %H:%M} невозможен: {refusal}.")
        start, end = check.problem.slot_times(slot, row.hours)
        row.day, row.slot, row.start_time, row.end_time = to.date(), slot, f"{start:%H:%M}", f"{end:%H:%M}"
        row.pinned = True
        session.add(row)
        # The timetable changed in place: the school's stamp moves so feeds and caches keyed on it are rebuilt.
        school = stored_school(session, school_id)
        school.updated_at = utc_now()
        session.add(school)
        return Placement.of(row)


def allowed_moves(engine: Engine, school_id: str, uid: str) -> list[datetime]:
    """Every local date and time the session may be moved to without breaking a hard rule."""
    with transaction(engine) as session:
        row = _placement(session, school_id, uid)
        check = _checker(session, school_id, row)
        return [
            datetime.combine(check.problem.days[day], check.problem.slot_times(slot, row.hours)[0])
            for day in check.task.days for slot in check.problem.starts(check.task)
            if check.refusal(check.problem.days[day], slot) is None
        ]


def _set_pinned(engine: Engine, school_id: str, uid: str, pinned: bool) -> Placement:
    with transaction(engine, school_lock(school_id)) as session:
        row = _placement(session, school_id, uid)
        if row.series and row.kind == "session":
            raise SchedulingError(
                f"«{row.title}» ({row.class_name}, {row.day:%d.%m.%Y}) — еженедельный курс: он и так стоит на своём "
                "месте в каждом расчёте."
            )
        row.pinned = pinned
        session.add(row)
        return Placement.of(row)


def _placement(session: Session, school_id: str, uid: str) -> StoredPlacement:
    current = require_current_timetable(session, school_id)
    row = session.exec(select(StoredPlacement).where(StoredPlacement.timetable_id == current.id, StoredPlacement.uid == uid)).first()
    if row is None:
        known = list(session.exec(select(col(StoredPlacement.uid)).where(StoredPlacement.timetable_id == current.id)).all())
        raise SchedulingError(f"В расписании школы «{school_id}» нет размещения «{uid}».{did_you_mean(uid, known)}")
    return row


def _checker(session: Session, school_id: str, row: StoredPlacement) -> _MoveCheck:
    """The instance with every other session of the current timetable fixed where it is."""
    school = stored_school(session, school_id)
    profile = profile_of(school)
    current = require_current_timetable(session, school_id)
    rows = session.exec(select(StoredPlacement).where(StoredPlacement.timetable_id == current.id)).all()
    others = [replace(Placement.of(stored), pinned=stored.uid != row.uid) for stored in rows]
    norms = load_norms(profile.year)
    problem = build_problem(profile, norms, item_windows(session, profile, norms),
                            span=(current.span_start, current.span_end), closures=closure_periods(school.closures),
                            previous=others, session=session)
    task = next((task for task in problem.tasks if task.key == row.task), None)
    if task is None:
        raise SchedulingError(f"«{row.title}» ({row.class_name}) — еженедельный курс: его занятия не переносятся.")
    return _MoveCheck(problem, Occupancy(problem), task)


@dataclass
class _MoveCheck:
    problem: Problem
    occupancy: Occupancy
    task: Task

    def slot_at(self, to: datetime) -> int:
        """The slot starting at that time (the evening is the slot after the day's)."""
        profile = self.problem.profile
        if to.time() == profile.evening.start:
            return self.problem.evening
        for index, slot in enumerate(profile.slots):
            if slot.start == to.time():
                return index
        listed = ", ".join(slot.label() for slot in profile.slots)
        raise SchedulingError(
            f"В {to:%H:%M} не начинается ни один слот школы (слоты: {listed}; вечер {profile.evening.label()})."
        )

    def refusal(self, day: date, slot: int) -> str | None:
        """The hard rule the session would break at this day and slot, in words; None when it fits."""
        problem, task, occupancy = self.problem, self.task, self.occupancy
        position = problem.day_index(day)
        if position is None or position not in problem.classes[task.class_name].days:
            return f"{day:%d.%m.%Y} не учебный день класса {task.class_name} (каникулы, праздник, закрытие или вне периода)"
        if position not in task.days:
            return f"вне окна «{task.title}» ({task.window})"
        if slot not in problem.starts(task):
            return ("собрания проводятся в вечернем слоте" if task.evening else
                    f"занятию в {task.hours} ч нужны слоты подряд с этого времени" if slot != problem.evening
                    else "вечерний слот — только для собраний")
        covered = range(slot, slot + (1 if slot == problem.evening else task.hours))
        for owner in owners(task):
            if occupancy.busy.get((owner, position), set()) & set(covered):
                return f"{RESOURCE_NAMES[owner.kind]} «{owner.name}» в это время занят(а)"
        if any(p.task == task.key and p.day == day for p in problem.fixed):
            return f"второе занятие «{task.title}» в тот же день"
        cls = problem.classes[task.class_name].school_class
        week = problem.week_of[position]
        week_days = [d for d in range(len(problem.days)) if problem.week_of[d] == week]
        if problem.is_limited(task):
            if occupancy.limited[(task.class_name, position)] + task.hours > cls.max_hours_per_day:
                return f"{task.class_name}: не больше {cls.max_hours_per_day} ч профминимума в день (max_hours_per_day)"
            if sum(occupancy.limited[(task.class_name, d)] for d in week_days) + task.hours > cls.max_hours_per_week:
                return f"{task.class_name}: не больше {cls.max_hours_per_week} ч профминимума в неделю (max_hours_per_week)"
        limit = problem.profile.staff_member(task.staff).max_hours_per_week
        if sum(occupancy.hours[(staff_resource(task.staff), d)] for d in week_days) + task.hours > limit:
            return f"«{task.staff}» ведёт не больше {limit} ч в неделю (max_hours_per_week)"
        return self._order(position)

    def _order(self, position: int) -> str | None:
        """A successor's sessions lie in buckets after every session of its predecessors (as in the model)."""
        problem, task = self.problem, self.task
        bucket = problem.bucket_of[position]

        def buckets(key: str) -> list[int]:
            return [problem.bucket_of[d] for p in problem.fixed if p.task == key
                    if (d := problem.day_index(p.day)) is not None]

        for key in task.after:
            if any(b >= bucket for b in buckets(key)):
                return f"«{task.title}» проводится в неделю после «{problem.norms.activity(key.split('/', 1)[1]).title}»"
        for activity in problem.norms.activities:
            if task.activity in activity.after and any(b <= bucket for b in buckets(f"{task.class_name}/{activity.key}")):
                return f"«{activity.title}» проводится в неделю после «{task.title}»"
        return None
