"""Planning a school's year in the background: a job stored in the database, its progress, and cancelling it.

A coordinator's "Составить расписание" must not hold a request open for a
minute, and a reload or another server process must see how it stands, so
the job is a row (`web.tables.ScheduleJob`): one active job per school (a
unique column holds the school's id while it is active). The server process
that accepted the job runs the solve (`web.schools.solve_school`, which is
`profplan schedule`) in a child process and watches it from a thread: it
refreshes the job's heartbeat, and when anyone — from any server process —
asks to cancel, it ends the child. The solve stores its timetable in one
transaction at its very end, so a cancelled job stores nothing and the
previous timetable stays current. A running job whose heartbeat stopped
was cut off with its server and is reported so.

Progress (the solver's stage, classes or weeks done of how many, the
plan's penalty: `scheduler.settings.Progress`) goes from the child into a
small block of shared memory the watcher reads; the watcher stores it in
the job's row with each heartbeat, so every server process sees it, and
the server running the job reads the shared block directly. On SQLite the
solve's own transaction holds the database's write lock until it ends, so
there only that server sees the progress while the solve runs, the child
stores its last progress with the outcome, and a cancel asked of that
server reaches its watcher in memory (a cancel written to the row would
wait for the whole solve).
"""

from __future__ import annotations

import multiprocessing
import threading
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from multiprocessing.context import SpawnProcess
from multiprocessing.sharedctypes import SynchronizedArray
from typing import Any

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from calendars.errors import ProfplanError
from scheduler.settings import Progress, SolveStage
from store.db import open_store, transaction
from web.roles import Viewer
from web.schools import SolveSummary, solve_school, stored_profile
from web.tables import JobState, ScheduleJob

TIME_LIMITS = (10, 30, 60, 120)  # seconds the coordinator may give the solver
WATCH_EVERY = 0.5  # seconds between the watcher's looks at the child and the cancel flag
STALE_AFTER = timedelta(seconds=30)  # a running job with an older heartbeat lost its server
_SPAWN = multiprocessing.get_context("spawn")  # a fresh interpreter: no threads or connections inherited


class JobError(ProfplanError):
    """A job that cannot be started or cancelled (another one runs, nothing to cancel, a bad time limit)."""


_STAGES = tuple(SolveStage)
_NO_OBJECTIVE = -1  # the shared block's objective before the plan has one


@dataclass(frozen=True)
class JobProgress:
    """The solver's progress as a job keeps it: the stage, units done of the total, the plan's penalty."""

    stage: SolveStage
    done: int
    total: int
    objective: int | None

    @classmethod
    def of(cls, progress: Progress) -> JobProgress:
        return cls(progress.stage, progress.done, progress.total, progress.objective)

    def to_json(self) -> dict[str, Any]:
        return {"stage": str(self.stage), "done": self.done, "total": self.total, "objective": self.objective}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> JobProgress:
        objective = data.get("objective")
        return cls(SolveStage(data["stage"]), int(data["done"]), int(data["total"]),
                   None if objective is None else int(objective))

    @classmethod
    def shared(cls, block: SynchronizedArray[int]) -> JobProgress | None:
        """The progress in a shared block (stage number + 1, done, total, objective); None before any."""
        with block.get_lock():
            stage, done, total, objective = block[:]
        if stage == 0:
            return None
        return cls(_STAGES[stage - 1], done, total, None if objective == _NO_OBJECTIVE else objective)

    def share(self, block: SynchronizedArray[int]) -> None:
        with block.get_lock():
            block[:] = [_STAGES.index(self.stage) + 1, self.done, self.total,
                        _NO_OBJECTIVE if self.objective is None else self.objective]

    @property
    def text(self) -> str:
        """In plain words: «Этап 1 из 2, план по неделям: размещено классов 5 из 7; штраф плана 120»."""
        if self.stage is SolveStage.PLAN:
            figure = f"; штраф плана {self.objective}" if self.objective is not None else ""
            return f"Этап 1 из 2, план по неделям: размещено классов {self.done} из {self.total}{figure}"
        return f"Этап 2 из 2, раскладка по дням и слотам: разложено недель {self.done} из {self.total}"

    @property
    def share_done(self) -> float:
        """The part of the whole solve done, 0..1: the plan is the first half, the days the second."""
        part = self.done / max(1, self.total)
        return part / 2 if self.stage is SolveStage.PLAN else 0.5 + part / 2


# The shared progress blocks of the jobs this server process runs, by job id.
_LIVE: dict[int, SynchronizedArray[int]] = {}
# Set to cancel a job this server process runs: no database write needed (on SQLite the solve holds the write lock).
_CANCELS: dict[int, threading.Event] = {}


@dataclass(frozen=True)
class JobView:
    """A job as the schedule page shows it, with its progress in plain words."""

    id: int
    state: JobState
    stage: str
    time_limit: float
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    cancel_requested: bool
    error: str | None
    summary: SolveSummary | None
    now: datetime
    solver: JobProgress | None = None  # how far the solver is, once it says

    @property
    def elapsed(self) -> float:
        end = self.finished_at or self.now
        return max(0.0, (end - self.started_at).total_seconds()) if self.started_at else 0.0

    @property
    def progress(self) -> int:
        """Per cent done: by the solver's own count once it reports one, else of the time it was given (it may
        finish earlier; it stops at the limit)."""
        if not self.state.active:
            return 100
        if self.solver is not None:
            return min(99, int(100 * self.solver.share_done))
        return min(99, int(100 * self.elapsed / max(self.time_limit, 1.0)))

    @property
    def stage_text(self) -> str:
        if self.state is JobState.RUNNING:
            return f"{self.stage}: прошло {self.elapsed:.0f} с из {self.time_limit:.0f} с, отведённых решателю"
        return self.stage

    @classmethod
    def of(cls, job: ScheduleJob, now: datetime) -> JobView:
        assert job.id is not None
        live = _LIVE.get(job.id)
        solver = JobProgress.shared(live) if live is not None and job.state.active else None
        if solver is None and job.progress:
            solver = JobProgress.from_json(job.progress)
        return cls(job.id, job.state, job.stage, job.time_limit, job.created_at, job.started_at, job.finished_at,
                   job.cancel_requested, job.error, SolveSummary.from_json(job.result) if job.result else None, now,
                   solver)


def _now() -> datetime:
    return datetime.now(UTC)


def latest_job(engine: Engine, viewer: Viewer, school_id: str) -> JobView | None:
    """The school's newest job (a running one cut off with its server is marked failed first)."""
    stored_profile(engine, viewer, school_id)  # 404 / 403 before anything is read
    _expire_stale(engine)
    with transaction(engine) as session:
        job = session.exec(select(ScheduleJob).where(ScheduleJob.school_id == school_id)
                           .order_by(col(ScheduleJob.id).desc())).first()
        return JobView.of(job, _now()) if job else None


def start_job(engine: Engine, viewer: Viewer, school_id: str, time_limit: float) -> JobView:
    """Queue a job for the school and start it in this server process; refused while another one is active."""
    stored_profile(engine, viewer, school_id)
    if time_limit not in TIME_LIMITS:
        raise JobError(f"Время на поиск: допустимо {', '.join(str(limit) for limit in TIME_LIMITS)} с.")
    _expire_stale(engine)
    now = _now()
    try:
        with transaction(engine) as session:
            job = ScheduleJob(school_id=school_id, active_school=school_id, user_id=viewer.user_id,
                              state=JobState.QUEUED, stage="в очереди", time_limit=time_limit, created_at=now,
                              heartbeat_at=now)
            session.add(job)
            session.flush()
            view = JobView.of(job, now)
    except IntegrityError:
        raise JobError("Расписание этой школы уже составляется: дождитесь конца или отмените его.") from None
    threading.Thread(target=_watch, args=(engine, view.id, school_id, time_limit), daemon=True,
                     name=f"schedule-job-{view.id}").start()
    return view


def cancel_job(engine: Engine, viewer: Viewer, school_id: str) -> JobView:
    """Ask the school's active job to stop; the process running it ends the solve (nothing is stored)."""
    stored_profile(engine, viewer, school_id)
    with transaction(engine) as session:
        job = session.exec(select(ScheduleJob).where(ScheduleJob.active_school == school_id)).first()
        if job is None:
            raise JobError("Сейчас расписание этой школы не составляется: отменять нечего.")
        here = _CANCELS.get(job.id or 0)
        if here is not None:  # this process runs it: its watcher ends the child at once, then writes the outcome
            here.set()
            return replace(JobView.of(job, _now()), cancel_requested=True, stage="отменяется")
        job.cancel_requested = True
        job.stage = "отменяется"
        session.add(job)
        session.flush()
        return JobView.of(job, _now())


def _finish(engine: Engine, job_id: int, state: JobState, stage: str, error: str | None = None,
            summary: SolveSummary | None = None, progress: JobProgress | None = None) -> None:
    """End an active job (a job already ended stays as it ended); the solver's last progress is kept."""
    values: dict[str, Any] = {"progress": progress.to_json()} if progress is not None else {}
    with transaction(engine) as session:
        session.execute(
            update(ScheduleJob).where(col(ScheduleJob.id) == job_id, col(ScheduleJob.active_school).is_not(None))
            .values(state=state, stage=stage, error=error, result=summary.to_json() if summary else None,
                    active_school=None, finished_at=_now(), **values)
        )


def _expire_stale(engine: Engine) -> None:
    """Running jobs whose server stopped beating: failed, so the school may be planned again.

    Only a job found stale is written to: a page looking at a job must not
    wait for the database's write lock, which on SQLite the solve holds
    until it ends. A job this server process runs is alive whatever its
    heartbeat says (on SQLite the heartbeat cannot be written during the
    solve either).
    """
    with transaction(engine) as session:
        stale = session.exec(select(ScheduleJob.id).where(col(ScheduleJob.active_school).is_not(None),
                                                          col(ScheduleJob.heartbeat_at) < _now() - STALE_AFTER,
                                                          col(ScheduleJob.id).not_in(list(_LIVE)))).all()
        if not stale:
            return
        session.execute(
            update(ScheduleJob).where(col(ScheduleJob.id).in_(stale), col(ScheduleJob.active_school).is_not(None))
            .values(state=JobState.FAILED, stage="прервано", active_school=None, finished_at=_now(),
                    error="Сервер, составлявший расписание, остановился; запустите составление снова.")
        )


def _watch(engine: Engine, job_id: int, school_id: str, time_limit: float) -> None:
    """Run the job's solve in a child process, beat its heartbeat, and end the child when cancelled."""
    url = engine.url.render_as_string(hide_password=False)
    block = _SPAWN.Array("q", 4)  # JobProgress.share: stage number + 1, done, total, objective
    cancel = threading.Event()
    _LIVE[job_id], _CANCELS[job_id] = block, cancel
    child = _SPAWN.Process(target=_solve_in_child, args=(url, job_id, school_id, time_limit, block), daemon=True)
    try:
        _follow(engine, job_id, child, block, cancel)
    finally:
        _LIVE.pop(job_id, None)
        _CANCELS.pop(job_id, None)


def _follow(engine: Engine, job_id: int, child: SpawnProcess, block: SynchronizedArray[int],
            cancel: threading.Event) -> None:
    """Start the child and watch it: a heartbeat with its progress, the cancel flag, an unexpected end.

    On SQLite the solve holds the database's write lock until it ends, so
    there the watcher only reads while the child runs (a heartbeat write
    would wait for the whole solve, and a cancel with it): a cancel from
    this process arrives as `cancel`, one from another process as the row's
    flag, and either ends the child, which frees the lock for the outcome.
    """
    with transaction(engine) as session:
        session.execute(update(ScheduleJob).where(col(ScheduleJob.id) == job_id)
                        .values(state=JobState.RUNNING, stage="поиск расписания", started_at=_now()))
    child.start()
    beats = engine.dialect.name != "sqlite"
    while True:
        cancel.wait(WATCH_EVERY)
        with transaction(engine) as session:
            job = session.get(ScheduleJob, job_id)
            if job is None or job.active_school is None:  # the child ended it (done or failed)
                break
            requested = cancel.is_set() or job.cancel_requested
            alive = child.is_alive()
            if beats and alive and not requested:
                job.heartbeat_at = _now()
                progress = JobProgress.shared(block)
                if progress is not None:
                    job.progress = progress.to_json()
                session.add(job)
        if requested:
            child.terminate()
            child.join()
            _finish(engine, job_id, JobState.CANCELLED, "отменено: расписание не менялось")
            break
        if not alive:  # it ended without writing its outcome (a job it ended stays as it ended: see _finish)
            child.join()
            _finish(engine, job_id, JobState.FAILED, "не составлено",
                    error=f"Процесс решателя завершился неожиданно (код {child.exitcode}).")
            break


def _solve_in_child(url: str, job_id: int, school_id: str, time_limit: float, block: SynchronizedArray[int]) -> None:
    """The child process: `profplan schedule` on the same store, its progress shared, then the job's outcome."""
    engine = open_store(url, create=False)

    def heard(progress: Progress) -> None:
        JobProgress.of(progress).share(block)

    try:
        summary = solve_school(engine, school_id, time_limit, on_progress=heard)
    except ProfplanError as exc:
        _finish(engine, job_id, JobState.FAILED, "не составлено", error=str(exc), progress=JobProgress.shared(block))
        return
    last = JobProgress.shared(block)
    if summary.stored:
        _finish(engine, job_id, JobState.DONE, "составлено", summary=summary, progress=last)
    else:
        _finish(engine, job_id, JobState.FAILED, "решение не найдено", error=summary.message, summary=summary,
                progress=last)
    engine.dispose()
