"""What the school pages read and store: every call the web makes into the scheduler is in this module.

The pages are a thin layer over the same functions the CLI calls:
`scheduler.service.load_school` (`profplan school load`), `timetable`
(`profplan timetable … --json`), `compliance_report` (`profplan
compliance`) and `scheduler.profile.parse_profile`, which checks an
uploaded school.toml field by field before anything is stored. The school
calendar of the grid is `calendars.academic.load_calendar` with the
school's own closures and those of its current timetable, as the solver
sees it. Keeping the scheduler behind this one module lets its API change
in one place.
"""

from __future__ import annotations

import re
import tempfile
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

import tomli_w
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from calendars.academic import AcademicCalendar, Period, load_calendar
from calendars.academic import region as find_region
from calendars.dates import parse_date
from scheduler import pins
from scheduler.errors import ProfileError, SchedulingError
from scheduler.norms import load_norms
from scheduler.placement import Placement
from scheduler.profile import Profile, parse_profile
from scheduler.service import (
    ComplianceReport,
    ReplanResult,
    SchoolResult,
    TimetableView,
    compliance_report,
    load_school,
    replan,
    require_known,
    schedule,
    scheduled_hours,
    timetable,
)
from scheduler.settings import Progress
from scheduler.tables import School, Timetable, current_timetable
from store.db import transaction
from tracking.clock import today_in
from web.profile_form import STAFF_ROLE_TITLES, ProfileForm, form_of, table_from_form, without_origins
from web.roles import NotFound, Role, Viewer

UPCOMING = timedelta(weeks=4)  # how far ahead a staff member's page lists sessions
MAX_PROFILE_BYTES = 1024 * 1024


def visible_school(session: Session, viewer: Viewer, school_id: str) -> School:
    """The school if the viewer may see it: 404 when there is none, 403 when it is out of reach."""
    school = session.get(School, school_id)
    if school is None:
        raise NotFound(f"Школа «{school_id}» не найдена.")
    viewer.check_school(school_id, school.region)
    return school


def stored_profile(engine: Engine, viewer: Viewer, school_id: str) -> Profile:
    with transaction(engine) as session:
        school = visible_school(session, viewer, school_id)
        return parse_profile(school.profile, f"школа {school_id}")


@dataclass(frozen=True)
class SchoolCard:
    """A school as the list shows it."""

    id: str
    name: str
    region: str
    year: str
    classes: int
    planned: bool


def school_cards(engine: Engine, viewer: Viewer) -> list[SchoolCard]:
    """The schools the viewer may see: a coordinator's own, the committee's of its region (all without one)."""
    with transaction(engine) as session:
        query = select(School).order_by(col(School.name))
        if viewer.role is not Role.COMMITTEE:
            query = query.where(School.id == (viewer.school_id or ""))
        elif viewer.region:
            query = query.where(School.region == viewer.region)
        planned = set(session.exec(select(Timetable.school_id).where(col(Timetable.current).is_(True))).all())
        return [SchoolCard(school.id, school.name, school.region, school.year,
                           len(school.profile.get("classes", [])), school.id in planned)
                for school in session.exec(query).all()]


@dataclass(frozen=True)
class SchoolPage:
    profile: Profile
    region_name: str
    level_titles: dict[str, str]  # the norms' Russian names of the profminimum levels
    timetable: TimetableView | None
    missing: str | None  # why there is no timetable yet, in Russian

    def level(self, code: str) -> str:
        return self.level_titles.get(code, code)

    @staticmethod
    def roles(codes: tuple[str, ...]) -> str:
        return ", ".join(STAFF_ROLE_TITLES.get(code, code) for code in codes)

    @property
    def sessions_by_class(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for placement in self.timetable.placements if self.timetable else ():
            counts[placement.class_name] = counts.get(placement.class_name, 0) + 1
        return counts

    @property
    def hours_by_staff(self) -> dict[str, int]:
        """Hours each staff member leads in the current timetable (whom the solver chose)."""
        return dict(scheduled_hours(self.timetable.placements)[0]) if self.timetable else {}


def timetable_or_reason(engine: Engine, school_id: str, class_name: str | None = None, staff: str | None = None,
                        venue: str | None = None) -> tuple[TimetableView | None, str | None]:
    """`profplan timetable`'s view, or None with the reason in Russian (no timetable yet)."""
    try:
        return timetable(engine, school_id, class_name=class_name, staff=staff, venue=venue), None
    except SchedulingError as exc:
        return None, str(exc)


def school_page(engine: Engine, viewer: Viewer, school_id: str) -> SchoolPage:
    """A school's profile and current timetable: 404 for an unknown school, 403 for one out of reach."""
    profile = stored_profile(engine, viewer, school_id)
    view, missing = timetable_or_reason(engine, school_id)
    return SchoolPage(profile, find_region(profile.region).name, load_norms(profile.year).level_titles, view, missing)


@dataclass(frozen=True)
class FieldError:
    """One refused field of an uploaded profile: its path as the file names it ("classes[3].grade") and why."""

    field: str
    message: str


@dataclass(frozen=True)
class ProfileField:
    """One field of the uploaded file, shown with its value and, when it is the refused one, the error."""

    path: str
    value: str
    error: str | None


@dataclass(frozen=True)
class ProfileUpload:
    """What an upload of school.toml did: stored (with the loader's result) or refused, field by field."""

    file_name: str
    stored: SchoolResult | None
    errors: list[FieldError]
    fields: list[ProfileField]


def upload_profile(engine: Engine, viewer: Viewer, school_id: str, file_name: str, content: bytes) -> ProfileUpload:
    """Check an uploaded school.toml as `profplan school load` does and store it only when it is valid.

    The file must describe this school (its `school.id`); a refused field is
    reported with its path so the page shows the message next to it, and
    nothing is stored.
    """
    with transaction(engine) as session:
        visible_school(session, viewer, school_id)
    name = Path(file_name or "school.toml").name
    if not content:
        return ProfileUpload(name, None, [FieldError("", "Выберите файл school.toml.")], [])
    if len(content) > MAX_PROFILE_BYTES:
        return ProfileUpload(name, None, [FieldError("", f"Файл больше {MAX_PROFILE_BYTES // 1024} КБ.")], [])
    try:
        table = tomllib.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return ProfileUpload(name, None, [FieldError("", f"Файл «{name}» — не TOML в UTF-8: {exc}.")], [])
    errors = check_profile(table, name, school_id)
    fields = _fields(table, errors)
    if errors:
        return ProfileUpload(name, None, errors, fields)
    return ProfileUpload(name, _store_file(engine, name, content), [], fields)


def _store_file(engine: Engine, name: str, content: bytes) -> SchoolResult:
    """Store a checked profile as `profplan school load` stores its file (the whole profile, one transaction)."""
    with tempfile.TemporaryDirectory(prefix="profplan-school-") as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        return load_school(engine, path)


@dataclass(frozen=True)
class ProfileSave:
    """What a save of the profile form did: stored (the loader's result) or refused, with the form to show."""

    stored: SchoolResult | None
    form: ProfileForm


def profile_form(engine: Engine, viewer: Viewer, school_id: str) -> tuple[Profile, ProfileForm]:
    """The stored profile as the form shows it."""
    profile = stored_profile(engine, viewer, school_id)
    return profile, form_of(profile.to_json())


def save_profile_form(engine: Engine, viewer: Viewer, school_id: str, sent: Mapping[str, str]) -> ProfileSave:
    """Check the profile the form sent with the upload's own check; store it whole only when it is valid,
    else the form again as sent, each error next to its input."""
    stored = stored_profile(engine, viewer, school_id).to_json()
    asked = table_from_form(stored, sent)
    table = without_origins(asked)
    errors = check_profile(table, "форма профиля", school_id)
    if errors:
        messages: dict[str, str] = {}
        for error in errors:
            messages[error.field] = f"{messages[error.field]} {error.message}" if error.field in messages \
                else error.message
        return ProfileSave(None, form_of(asked, messages, stored=False))
    result = _store_file(engine, f"{school_id}.toml", tomli_w.dumps(table).encode("utf-8"))
    return ProfileSave(result, form_of(table))


def check_profile(table: dict[str, Any], name: str, school_id: str) -> list[FieldError]:
    """Every refused field of a profile table meant for this school (an upload's or the form's): [] when valid."""
    try:
        profile = parse_profile(table, name)
    except ProfileError as exc:
        return [FieldError(problem.field, problem.message) for problem in exc.problems]
    if profile.id != school_id:
        return [FieldError("school.id", f"«{profile.id}» — это другая школа; здесь загружается профиль школы "
                                        f"«{school_id}».")]
    return []


def _fields(table: dict[str, Any], errors: list[FieldError]) -> list[ProfileField]:
    """The file's fields in order, as paths the parser's messages use, each error on the deepest field it names."""
    flat: list[tuple[str, str]] = []

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict) and value:
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        elif isinstance(value, list) and value and all(isinstance(entry, dict) for entry in value):
            for number, entry in enumerate(value, 1):
                walk(f"{prefix}[{number}]", entry)
        else:
            flat.append((prefix, _shown(value)))

    walk("", table)
    placed: dict[str, list[str]] = {}
    paths = [path for path, _ in flat]
    for error in errors:
        target = _deepest(error.field, paths)
        placed.setdefault(target, []).append(error.message)
    fields = [ProfileField(path, value, " ".join(placed.pop(path, [])) or None) for path, value in flat]
    for path, messages in placed.items():  # a field the file lacks (a required one) or the file as a whole
        fields.insert(_missing_place(path, fields), ProfileField(path or "файл", "—", " ".join(messages)))
    return fields


def _missing_place(path: str, fields: list[ProfileField]) -> int:
    """Where a field the file lacks is shown: after the last field of its table («classes[3]» for
    «classes[3].students»), first when the file has no such table or the message is about the whole file."""
    table = re.sub(r"(\.[^.\[\]]+|\[\d+\])$", "", path)
    inside = [index for index, shown in enumerate(fields)
              if table and table != path and (shown.path.startswith(f"{table}.") or shown.path.startswith(f"{table}["))]
    return inside[-1] + 1 if inside else 0


def _deepest(where: str, paths: list[str]) -> str:
    """The field a message is about: the one it names, else the first field inside the table it names."""
    if where in paths:
        return where
    inside = [path for path in paths if path.startswith(f"{where}.") or path.startswith(f"{where}[")]
    return inside[0] if where and inside else where


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_shown(entry) for entry in value) or "—"
    return str(value).lower() if isinstance(value, bool) else str(value)


@dataclass(frozen=True)
class SchoolCalendarView:
    """The calendar the grid shades: why each day has no lessons, and of which kind the reason is."""

    calendar: AcademicCalendar
    closures: tuple[Period, ...]

    def off(self, day: date, grade: int | None, class_name: str | None) -> tuple[str, str] | None:
        """(kind, reason) of a day without lessons: holiday, vacation, closure or weekend; None on a school day."""
        reason = self.calendar.day_off(day, grade, class_name)
        if reason is None:
            return None
        schedule = self.calendar.schedule(grade, class_name)
        if any(day in period for period in self.closures):
            return "closure", reason
        if any(day in period for period in schedule.vacations):
            return "vacation", reason
        if day in self.calendar.holidays:
            return "holiday", reason
        return "weekend", reason


def school_calendar(engine: Engine, profile: Profile) -> SchoolCalendarView:
    """The school's calendar with its own closures and those its current timetable was planned with."""
    with transaction(engine) as session:
        current = current_timetable(session, profile.id)
        calendar = load_calendar(profile.region, profile.year, profile.week, school=profile.id, session=session)
    stored = tuple(Period("закрытие школы", date.fromisoformat(start), date.fromisoformat(end))
                   for start, end in (current.closures if current else []))
    closures = tuple(profile.closed) + stored
    return SchoolCalendarView(calendar.with_overrides(closures=closures), closures)


@dataclass(frozen=True)
class Selection:
    """Whose sessions a page shows: one class, one staff member or one venue of the school."""

    kind: str  # "class" | "staff" | "venue" (the query parameter)
    name: str

    @property
    def label(self) -> str:
        return {"class": f"класс {self.name}", "staff": self.name, "venue": f"площадка «{self.name}»"}[self.kind]

    def params(self) -> dict[str, str]:
        return {self.kind: self.name}


# A grid's selection kind and the filter of `timetable` (and `require_known`) that names it.
PARAMETER = {"class": "class_name", "staff": "staff", "venue": "venue"}
SELECTION_KINDS = tuple(PARAMETER)


def selection(profile: Profile, params: dict[str, str]) -> Selection:
    """The class=, staff= or venue= of a query (default the first class); an unknown name is an error with
    suggestions, never an empty grid."""
    given = [(kind, params[kind].strip()) for kind in SELECTION_KINDS if params.get(kind, "").strip()]
    if len(given) > 1:
        raise SchedulingError("Укажите что-то одно: класс, сотрудника или площадку.")
    if not given:
        return Selection("class", profile.classes[0].name)
    kind, name = given[0]
    require_known(profile, **{PARAMETER[kind]: name})
    return Selection(kind, name)


def selected_sessions(engine: Engine, profile: Profile, chosen: Selection) -> tuple[TimetableView | None, str | None]:
    """The current timetable's sessions of the selection (a class, a staff member or a venue), or the reason."""
    return timetable_or_reason(engine, profile.id, **{PARAMETER[chosen.kind]: chosen.name})


def session_detail(engine: Engine, viewer: Viewer, school_id: str, uid: str) -> tuple[Profile, Placement]:
    """One session of the current timetable by its uid (what a click on the grid opens)."""
    profile = stored_profile(engine, viewer, school_id)
    view, missing = timetable_or_reason(engine, school_id)
    found = next((row for row in view.placements if row.uid == uid), None) if view else None
    if found is None:
        raise NotFound(missing or f"В текущем расписании школы «{school_id}» нет занятия «{uid}».")
    return profile, found


class SessionAction(StrEnum):
    """What the session page's forms ask of one session (the CLI's pin, unpin and move)."""

    PIN = "pin"
    UNPIN = "unpin"
    MOVE = "move"


def allowed_times(engine: Engine, viewer: Viewer, school_id: str, uid: str) -> list[datetime]:
    """Where the session may go without breaking a hard rule (`profplan move … --list`), for the move form."""
    stored_profile(engine, viewer, school_id)
    return pins.allowed_moves(engine, school_id, uid)


def change_session(engine: Engine, viewer: Viewer, school_id: str, uid: str, action: str, to: str = "") -> str:
    """Pin, unpin or move the session as the coordinator asked; the Russian line saying what was done.

    A move is checked against every hard rule by `scheduler.pins.move`; a refused one raises its
    SchedulingError, which names the rule.
    """
    stored_profile(engine, viewer, school_id)
    try:
        chosen = SessionAction(action)
    except ValueError:
        raise SchedulingError(f"Неизвестное действие «{action}»: закрепить, открепить или перенести.") from None
    if chosen is SessionAction.PIN:
        row = pins.pin(engine, school_id, uid)
        return f"«{row.title}» ({row.class_name}) закреплено: расчёты его не сдвинут."
    if chosen is SessionAction.UNPIN:
        row = pins.unpin(engine, school_id, uid)
        return f"«{row.title}» ({row.class_name}) откреплено: решатель снова может его переносить."
    try:
        target = datetime.fromisoformat(to)
    except ValueError:
        raise SchedulingError(f"Новое время «{to}» не понято: нужны дата и время, например 2024-02-14T15:15.") from None
    row = pins.move(engine, school_id, uid, target)
    return f"«{row.title}» ({row.class_name}) перенесено на {row.day:%d.%m.%Y}, {row.start:%H:%M} и закреплено."


@dataclass(frozen=True)
class ReplanAsk:
    """The re-plan form: the closed days and, optionally, the day before which nothing changes."""

    closed: Period
    as_of: date | None

    @classmethod
    def from_form(cls, start: str, end: str, as_of: str) -> ReplanAsk:
        """Read the form's fields (ГГГГ-ММ-ДД or ДД.ММ.ГГГГ); a Russian error naming the field otherwise."""
        first = parse_date(start, "Закрыто с")
        last = parse_date(end or start, "Закрыто по")
        if last < first:
            raise SchedulingError(f"Закрыто по {last:%d.%m.%Y} — раньше, чем с {first:%d.%m.%Y}.")
        return cls(Period("Закрытие школы", first, last), parse_date(as_of, "Не менять до") if as_of else None)


def replan_school(engine: Engine, viewer: Viewer, school_id: str, ask: ReplanAsk, confirm: bool) -> ReplanResult:
    """`profplan replan … --closed` from the form: a preview stores nothing; confirmed, the same seed stores
    the previewed timetable and the closure with the school."""
    stored_profile(engine, viewer, school_id)
    return replan(engine, school_id, [ask.closed], as_of=ask.as_of, preview=not confirm)


def compliance(engine: Engine, viewer: Viewer, school_id: str) -> tuple[Profile, ComplianceReport | None, str | None]:
    """`profplan compliance`: per class, hours per direction against the norm; None with the reason when unplanned."""
    profile = stored_profile(engine, viewer, school_id)
    try:
        return profile, compliance_report(engine, school_id), None
    except SchedulingError as exc:
        return profile, None, str(exc)


def activity_titles(profile: Profile) -> dict[str, str]:
    """The norms' Russian name of each activity (a session names its activity by key)."""
    return {activity.key: activity.title for activity in load_norms(profile.year).activities}


def direction_titles(profile: Profile) -> dict[str, str]:
    """The norms' Russian name of each direction, in the norms' order (the grid's legend and colours)."""
    return {key: direction.title for key, direction in load_norms(profile.year).directions.items()}


@dataclass(frozen=True)
class StaffPage:
    school_id: str
    school_name: str
    staff_name: str
    today: date
    sessions: list[Placement]
    missing: str | None


def staff_page(engine: Engine, viewer: Viewer) -> StaffPage:
    """The staff member's own sessions from today (in the school's region) for the coming weeks."""
    if viewer.school_id is None or viewer.staff_name is None:
        raise NotFound("У учётной записи не указаны школа и сотрудник.")
    with transaction(engine) as session:
        school = session.get(School, viewer.school_id)
        if school is None:
            raise NotFound(f"Школа «{viewer.school_id}» не найдена.")
        name, region = school.name, school.region
    today = today_in(region)
    view, missing = timetable_or_reason(engine, viewer.school_id, staff=viewer.staff_name)
    sessions = [row for row in view.placements if today <= row.day < today + UPCOMING] if view else []
    return StaffPage(viewer.school_id, name, viewer.staff_name, today, sessions, missing)


@dataclass(frozen=True)
class SolveSummary:
    """What a schedule job reports when it ends: the solve's figures in plain words, and whether it was stored."""

    stored: bool
    status: str
    placements: int
    seconds: float
    unmet: list[str]  # "8А: урочная деятельность 7 из 9 ч" for every norm the timetable misses
    message: str | None  # the solver's own explanation when it found nothing

    def to_json(self) -> dict[str, Any]:
        return {"stored": self.stored, "status": self.status, "placements": self.placements,
                "seconds": self.seconds, "unmet": self.unmet, "message": self.message}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SolveSummary:
        return cls(bool(data["stored"]), str(data["status"]), int(data["placements"]), float(data["seconds"]),
                   [str(line) for line in data["unmet"]], data.get("message"))


def solve_school(engine: Engine, school_id: str, time_limit: float,
                 on_progress: Callable[[Progress], None] | None = None) -> SolveSummary:
    """`profplan schedule SCHOOL --time-limit N`: solve the school's year and store it as current when solved;
    `on_progress` hears how far the solve is."""
    result = schedule(engine, school_id, time_limit=time_limit, on_progress=on_progress)
    unmet = [f"{row.class_name}: {row.title} {row.planned} из {row.required} ч" for row in result.compliance if not row.met]
    return SolveSummary(result.timetable_id is not None, result.solution.status, len(result.solution.placements),
                        round(result.solution.seconds, 1), unmet, result.solution.message)
