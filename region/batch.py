"""A region run: every selected school solved on the cluster, each result stored as it arrives.

The client keeps exactly as many schools in flight as the cluster has worker
threads, refilling as each one finishes, so a worker always holds the school
it is solving and nothing behind it, and neither the client nor the
scheduler ever holds more than one school per worker (memory stays flat
however big the region). Schools go out largest first, so the long ones do
not end up alone at the end.

Each finished school is stored in one transaction of its own — the
timetable, its placements and the school's `RegionResult` together — so a
lost worker, a crashed client or Ctrl+C loses at most the schools in flight,
and the next run redoes only those: a school whose stored result has the
same input hash and seed, and whose timetable is still current, is skipped
(`force` solves it again).

Failures stay with their school. An infeasible school keeps the solver's
explanation; a school whose solve crashed, whose worker died, or that ran
past the wall-clock limit (`BatchOptions.wall_limit`; its worker is then
restarted, the only way to stop a running task) is tried once more on
another worker, then reported. The run goes on with the others either way.
"""

from __future__ import annotations

import os
import queue
import uuid
from collections import Counter, deque
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from time import monotonic
from typing import Any, Protocol

from distributed import Future
from distributed.scheduler import KilledWorker
from sqlalchemy.engine import Engine
from sqlmodel import Session

from calendars.academic import region as known_region
from calendars.errors import ProfplanError
from calendars.suggest import did_you_mean
from region import adapter
from region.adapter import SchoolInput, SchoolSummary, Solved
from region.cluster import ClusterSpec, Connected, open_cluster
from region.errors import RegionError
from region.outcome import Outcome, OutcomeKind
from region.tables import RegionResult, RegionRun
from region.worker import TOPIC, Attempt, solve_school
from store.db import transaction

ATTEMPTS = 2
OVERRUN_FACTOR = 2.0
OVERRUN_SLACK = 60.0
NO_WORKERS_TIMEOUT = 120.0
TICK = 0.5


@dataclass(frozen=True)
class BatchOptions:
    """How each school is solved; `overrun` (seconds) overrides the wall-clock limit derived from the time limit."""

    time_limit: float = adapter.DEFAULT_TIME_LIMIT
    seed: int = 0
    force: bool = False
    overrun: float | None = None

    @property
    def wall_limit(self) -> float:
        """Seconds a school may run on its worker before it counts as over its limit.

        The solver keeps to its own deterministic budget; twice the time limit
        and a minute more leaves room for a loaded machine, so only a solve that
        has really lost its way is stopped.
        """
        return self.overrun if self.overrun is not None else OVERRUN_FACTOR * self.time_limit + OVERRUN_SLACK


class Listener(Protocol):
    """What a run reports while it goes (the CLI's progress bar; tests and benches listen too)."""

    def begin(self, total: int, cluster: Connected) -> None: ...

    def started(self, school: str, worker: str) -> None: ...

    def retrying(self, outcome: Outcome) -> None: ...

    def finished(self, outcome: Outcome) -> None: ...

    def tick(self) -> None: ...

    def end(self) -> None: ...


class Silent:
    """A listener that reports nothing."""

    def begin(self, total: int, cluster: Connected) -> None:
        return None

    def started(self, school: str, worker: str) -> None:
        return None

    def retrying(self, outcome: Outcome) -> None:
        return None

    def finished(self, outcome: Outcome) -> None:
        return None

    def tick(self) -> None:
        return None

    def end(self) -> None:
        return None


@dataclass(frozen=True)
class Selection:
    """The schools of a run, largest first, the school files that could not be read (never stored), and
    the files of the folder left out because they belong to another region than the one asked for."""

    school_ids: list[str]
    unreadable: list[Outcome]
    region: str | None
    other_region: list[tuple[str, str]] = field(default_factory=list)

    def other_region_note(self) -> str | None:
        """One line saying which files of the folder were left out and why, or None when none were."""
        if not self.other_region:
            return None
        files = ", ".join(f"{name} ({code})" for name, code in self.other_region[:5])
        more = f" и ещё {len(self.other_region) - 5}" if len(self.other_region) > 5 else ""
        return f"Пропущено файлов школ другого региона, не {self.region}: {len(self.other_region)} — {files}{more}."

    @property
    def total(self) -> int:
        return len(self.school_ids) + len(self.unreadable)


@dataclass(frozen=True)
class BatchReport:
    """How a run ended: one outcome per school, in the order they finished."""

    run_id: int
    cluster: str
    dashboard: str | None
    workers: int
    seconds: float
    outcomes: list[Outcome]

    @property
    def ok(self) -> bool:
        return all(outcome.kind.succeeded for outcome in self.outcomes)

    @property
    def failures(self) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if not outcome.kind.succeeded]

    def count(self, kind: OutcomeKind) -> int:
        return sum(1 for outcome in self.outcomes if outcome.kind is kind)

    @property
    def schools_per_minute(self) -> float:
        """Schools solved or failed (not skipped) per minute of the run."""
        done = len(self.outcomes) - self.count(OutcomeKind.SKIPPED)
        return 60.0 * done / self.seconds if self.seconds > 0 else 0.0

    def to_json(self) -> dict[str, Any]:
        kinds = Counter(outcome.kind.value for outcome in self.outcomes)
        return {
            "run": self.run_id, "cluster": self.cluster, "dashboard": self.dashboard, "workers": self.workers,
            "seconds": round(self.seconds, 3), "ok": self.ok, "schools": len(self.outcomes),
            "counts": {kind.value: kinds.get(kind.value, 0) for kind in OutcomeKind},
            "failed": [outcome.school for outcome in self.failures],
            "schools_per_minute": round(self.schools_per_minute, 2),
            "outcomes": [outcome.to_json() for outcome in self.outcomes],
        }


def select_schools(engine: Engine, region: str | None = None, folder: Path | None = None) -> Selection:
    """The schools of a run: every file of `folder` (loaded into the store first), else every stored school.

    `region` keeps only that region's schools. A file that cannot be read is
    the run's failure for that file, not the end of the run.
    """
    code = known_region(region).code if region else None
    unreadable: list[Outcome] = []
    other_region: list[tuple[str, str]] = []
    chosen: set[str] | None = None
    if folder is not None:
        chosen, unreadable, other_region = _load_folder(engine, folder, code)
    with transaction(engine) as session:
        schools = [s for s in adapter.stored_schools(session, code) if chosen is None or s.school_id in chosen]
        if not schools and not unreadable:
            regions = sorted({region for _, region in other_region}) if folder else None
            raise RegionError(_nothing_found(session, code, folder, regions))
    return Selection(largest_first(schools), unreadable, code, other_region)


def _load_folder(engine: Engine, folder: Path, code: str | None) -> tuple[set[str], list[Outcome], list[tuple[str, str]]]:
    if not folder.is_dir():
        raise RegionError(f"--schools: папка {folder} не найдена.")
    paths = sorted(folder.glob("*.toml"))
    if not paths:
        raise RegionError(f"--schools: в папке {folder} нет файлов школ (*.toml).")
    loaded: dict[str, Path] = {}
    unreadable = []
    other_region = []
    for path in paths:
        try:
            profile = adapter.read_school_file(path)
            if code is not None and profile.region != code:
                other_region.append((path.name, profile.region))
                continue
            if profile.id in loaded:
                raise RegionError(f"{path}: school.id «{profile.id}» уже занят файлом {loaded[profile.id].name}.")
            loaded[adapter.load_school_file(engine, path)] = path
        except ProfplanError as exc:
            unreadable.append(Outcome(path.name, OutcomeKind.INVALID, reason=str(exc)))
    return set(loaded), unreadable, other_region


def _nothing_found(session: Session, code: str | None, folder: Path | None, folder_regions: list[str] | None) -> str:
    where = f"в папке {folder}" if folder else "в базе"
    if code is None:
        return f"Нет школ {where}: загрузите их командой profplan school load или укажите --schools ПАПКА."
    if folder_regions:
        return f"Нет школ региона {code} {where}: в ней школы регионов {', '.join(folder_regions)}.{did_you_mean(code, folder_regions)}"
    others = sorted({school.region for school in adapter.stored_schools(session)})
    return f"Нет школ региона {code} {where}.{did_you_mean(code, others)}"


def schedule_region(engine: Engine, selection: Selection, cluster: ClusterSpec, options: BatchOptions,
                    listener: Listener | None = None) -> BatchReport:
    """Open the cluster (starting a local one), run every selected school, shut down what was started."""
    with open_cluster(cluster) as connected:
        return run_batch(engine, connected, selection, options, listener)


def run_batch(engine: Engine, connected: Connected, selection: Selection, options: BatchOptions,
              listener: Listener | None = None) -> BatchReport:
    """Run the selection on an open cluster."""
    return _Batch(engine, connected, options, listener or Silent()).run(selection)


@dataclass
class _Flight:
    """A school on the cluster: which attempt, its future, and where and since when it runs."""

    school: SchoolInput
    attempt: int
    future: Future
    started: float | None = None
    worker: str | None = None


@dataclass(frozen=True)
class _Retry:
    """A school waiting for a free worker other than the one it failed on (named: a restart keeps the name)."""

    school: SchoolInput
    attempt: int
    avoid: str


@dataclass(frozen=True)
class _Landed:
    """A flight that came back, with its outcome and the solve to store."""

    flight: _Flight
    outcome: Outcome
    solved: Solved | None


class _Batch:
    def __init__(self, engine: Engine, connected: Connected, options: BatchOptions, listener: Listener) -> None:
        self.engine, self.connected, self.options, self.listener = engine, connected, options, listener
        self.client = connected.client
        self.settings = adapter.solver_settings(options.time_limit, options.seed)
        self.reader = adapter.InputReader()
        self.token = uuid.uuid4().hex[:10]
        self.events: queue.SimpleQueue[tuple[str, str, str | None, str | None]] = queue.SimpleQueue()
        self.flights: dict[str, _Flight] = {}
        self.retries: deque[_Retry] = deque()
        self.outcomes: list[Outcome] = []
        self.names: dict[str, str] = connected.workers()  # every worker seen, address → name
        self.threads = connected.threads()
        self.idle_since: float | None = None
        self.run_id = 0

    def run(self, selection: Selection) -> BatchReport:
        began = monotonic()
        self._open_run(selection)
        pending = deque(selection.school_ids)
        self.listener.begin(selection.total, self.connected)
        for outcome in selection.unreadable:
            self._report(outcome)
        self.client.subscribe_topic(TOPIC, self._on_event)
        try:
            while pending or self.flights or self.retries:
                self._fill(pending)
                landed = self._wait()
                self._fill(pending)  # the freed workers get their next school before the client stores
                for item in landed:
                    self._settle(item.flight, item.outcome, item.solved)
                self._check_overruns()
                self._check_workers()
                self.listener.tick()
        finally:
            self.client.unsubscribe_topic(TOPIC)
            for flight in self.flights.values():
                flight.future.cancel()
            self._close_run()
            self.listener.end()
        return BatchReport(self.run_id, self.connected.spec.describe(), self.connected.dashboard, self.threads,
                           monotonic() - began, self.outcomes)

    # --- the cluster side ---

    def _on_event(self, event: tuple[float, dict[str, Any]]) -> None:
        """A task announced its start (called on the client's event loop: only queue it)."""
        message = event[1]
        self.events.put(("started", str(message.get("key")), message.get("worker"), message.get("name")))

    def _on_done(self, future: Future) -> None:
        self.events.put(("done", str(future.key), None, None))

    def _free(self) -> int:
        return max(1, self.threads) - len(self.flights)

    def _fill(self, pending: deque[str]) -> None:
        """Retries first, each on a free worker other than the one it failed on; then the next schools."""
        if self.retries and self._free() > 0:
            self._place_retries()
        while pending and self._free() > 0:
            school = self._prepare(pending.popleft())
            if school is not None:
                self._submit(school, 1, None)

    def _place_retries(self) -> None:
        live = self.connected.workers()
        self.names.update(live)
        busy = {address for address, keys in self.client.processing().items() if keys}
        for retry in list(self.retries):
            if self._free() <= 0:
                return
            others = [address for address, name in live.items() if retry.avoid not in (address, name)]
            idle = [address for address in others if address not in busy]
            if others and not idle:
                continue  # wait for another worker to finish (the failed one takes a new school meanwhile)
            self.retries.remove(retry)
            busy.update(idle[:1])
            self._submit(retry.school, retry.attempt, idle[:1] or None)

    def _prepare(self, school_id: str) -> SchoolInput | None:
        """The school's input, or None when it is up to date (skipped) or cannot be read (reported)."""
        try:
            with transaction(self.engine) as session:
                school = self.reader.read(session, school_id)
                current = adapter.current_record(session, school_id)
                result = session.get(RegionResult, school_id)
        except ProfplanError as exc:
            self._settle_unread(Outcome(school_id, OutcomeKind.INVALID, reason=str(exc)))
            return None
        if not self.options.force and current is not None and result is not None and (
            result.outcome == OutcomeKind.SOLVED and result.timetable_id == current.timetable_id
            and result.input_hash == school.input_hash and result.seed == self.options.seed
        ):
            self._report(Outcome(school_id, OutcomeKind.SKIPPED, status=current.status, gap=current.gap,
                                 attempts=0, timetable_id=current.timetable_id))
            return None
        return school

    def _submit(self, school: SchoolInput, attempt: int, workers: list[str] | None) -> None:
        """Send the school to the cluster, to `workers` if given (loosely: any worker if those are gone)."""
        future = self.client.submit(solve_school, school, self.settings, key=f"profplan-{self.token}-{school.school_id}-{attempt}",
                                    pure=False, priority=attempt, workers=workers, allow_other_workers=workers is not None)
        self.flights[str(future.key)] = _Flight(school, attempt, future)
        future.add_done_callback(self._on_done)

    def _wait(self) -> list[_Landed]:
        """Wait a tick for events; returns the flights that came back."""
        landed: list[_Landed] = []
        try:
            event = self.events.get(timeout=TICK)
        except queue.Empty:
            return landed
        while True:
            kind, key, worker, name = event
            flight = self.flights.get(key)
            if flight is not None and kind == "started" and worker:
                flight.started, flight.worker = monotonic(), worker
                self.names[worker] = name or worker
                self.listener.started(flight.school.school_id, worker)
            elif flight is not None and kind == "done":
                del self.flights[key]
                landed.append(self._landed(flight))
            try:
                event = self.events.get_nowait()
            except queue.Empty:
                return landed

    def _landed(self, flight: _Flight) -> _Landed:
        school, future = flight.school.school_id, flight.future
        try:
            attempt: Attempt = future.result()
            return _Landed(flight, attempt.outcome, attempt.solved)
        except KilledWorker as exc:
            worker: str | None = exc.last_worker.address
            self.names.setdefault(exc.last_worker.address, str(exc.last_worker.name))
            reason = f"исполнитель {worker} завершился, не дорешав школу"
        except Exception as exc:  # the task's result could not come back (cancelled, not deserialisable)
            worker, reason = flight.worker, f"{type(exc).__name__}: {exc}"
        finally:
            future.release()
        return _Landed(flight, Outcome(school, OutcomeKind.CRASHED, reason=reason, worker=worker), None)

    def _check_overruns(self) -> None:
        """Stop every school running past the wall-clock limit: cancel it, restart its worker, retry once."""
        now = monotonic()
        limit = self.options.wall_limit
        for key, flight in list(self.flights.items()):
            if flight.started is None or flight.worker is None or now - flight.started <= limit:
                continue
            del self.flights[key]
            flight.future.cancel()
            self._restart(flight.worker)
            self._settle(flight, Outcome(flight.school.school_id, OutcomeKind.OVERRAN, worker=flight.worker,
                                         seconds=now - flight.started,
                                         reason=f"решение шло дольше {limit:g} с на исполнителе {flight.worker}"), None)

    def _restart(self, worker: str) -> None:
        """End a worker's process, the only way to stop a running task; its nanny starts a new one.

        `Client.restart_workers` would first wait seconds for the busy worker
        to close politely; ending the process at once is what a crash does,
        and the nanny replaces it the same way.
        """
        with suppress(Exception):  # the worker is gone already: nothing left to stop
            self.client.run(os._exit, 1, workers=[worker], wait=False)

    def _check_workers(self) -> None:
        """Refresh the cluster's size; a cluster left without workers ends the run (what is done stays stored)."""
        self.threads = self.connected.threads()
        if self.threads:
            self.idle_since = None
            return
        self.idle_since = self.idle_since or monotonic()
        if monotonic() - self.idle_since > NO_WORKERS_TIMEOUT:
            raise RegionError(
                f"У кластера ({self.connected.spec.describe()}) не осталось исполнителей {NO_WORKERS_TIMEOUT:g} с. "
                "Готовые школы сохранены: повторите команду, они будут пропущены."
            )

    # --- the client side ---

    def _settle(self, flight: _Flight, outcome: Outcome, solved: Solved | None) -> None:
        """Retry a failure of the run once elsewhere; store anything else."""
        outcome = replace(outcome, attempts=flight.attempt)
        if outcome.kind.retryable and flight.attempt < ATTEMPTS:
            self.listener.retrying(outcome)
            failed = outcome.worker or ""
            self.retries.append(_Retry(flight.school, flight.attempt + 1, self.names.get(failed, failed)))
            return
        self._report(self._store(flight.school, outcome, solved))

    def _store(self, school: SchoolInput, outcome: Outcome, solved: Solved | None) -> Outcome:
        """One transaction: the timetable made current (when solved) and the school's result, both or neither."""
        with transaction(self.engine) as session:
            if not adapter.lock_school(session, school.school_id):
                return replace(outcome, kind=OutcomeKind.INVALID, reason="школа удалена из базы во время расчёта")
            if solved is not None:
                outcome = replace(outcome, timetable_id=adapter.store_solved(session, solved, self.settings))
            self._write_result(session, school, outcome)
        return outcome

    def _settle_unread(self, outcome: Outcome) -> None:
        """A school whose input could not be read: its result says why (nothing else changes)."""
        with transaction(self.engine) as session:
            if adapter.lock_school(session, outcome.school):
                self._write_result(session, None, outcome)
        self._report(outcome)

    def _write_result(self, session: Session, school: SchoolInput | None, outcome: Outcome) -> None:
        result = session.get(RegionResult, outcome.school) or RegionResult(
            school_id=outcome.school, input_hash="", seed=self.options.seed, outcome=outcome.kind.value, finished_at=_now())
        result.run_id, result.input_hash = self.run_id, school.input_hash if school else ""
        result.seed, result.outcome, result.status, result.gap = self.options.seed, outcome.kind.value, outcome.status, outcome.gap
        result.timetable_id = outcome.timetable_id
        result.reason, result.details, result.attempts = outcome.reason, outcome.details, outcome.attempts
        result.worker, result.seconds, result.finished_at = outcome.worker, outcome.seconds, _now()
        session.add(result)

    def _report(self, outcome: Outcome) -> None:
        self.outcomes.append(outcome)
        self.listener.finished(outcome)

    def _open_run(self, selection: Selection) -> None:
        with transaction(self.engine) as session:
            run = RegionRun(started_at=_now(), region=selection.region, cluster=self.connected.spec.describe(),
                            workers=self.threads, seed=self.options.seed, time_limit=self.options.time_limit,
                            schools=selection.total)
            session.add(run)
            session.flush()
            self.run_id = run.id or 0

    def _close_run(self) -> None:
        kinds = Counter(outcome.kind for outcome in self.outcomes)
        with transaction(self.engine) as session:
            run = session.get(RegionRun, self.run_id)
            if run is not None:
                run.finished_at = _now()
                run.solved, run.skipped = kinds[OutcomeKind.SOLVED], kinds[OutcomeKind.SKIPPED]
                run.failed = sum(n for kind, n in kinds.items() if not kind.succeeded)
                session.add(run)


def _now() -> datetime:
    return datetime.now(UTC)


def largest_first(schools: Sequence[SchoolSummary]) -> list[str]:
    """School ids by the classes taking part, most first: the solve's size grows with them."""
    return [school.school_id for school in sorted(schools, key=lambda s: (-s.taking_part, s.school_id))]
