"""The Dask task: solve one school on a worker and say what became of it, never raising.

The task announces on the `TOPIC` event topic when it starts, naming its
worker, so the client can time each school from its real start (a task may
wait in a queue first) and restart the worker of a school that runs past its
wall-clock limit. It returns an `Attempt` whatever happens: a solved
timetable to store, or the outcome (infeasible with its explanation, a user
error, a crash with its traceback). Exceptions never travel through Dask, so
one that does not pickle cannot lose the reason.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass

from distributed import get_worker

from calendars.errors import ProfplanError
from region.adapter import SchoolInput, Solved, SolverSettings, data_digest, solve_input
from region.outcome import Outcome, OutcomeKind

TOPIC = "profplan-region"
TRACEBACK_LINES = 12


@dataclass(frozen=True)
class Attempt:
    """One try of one school on one worker: the outcome, and the solve to store when it succeeded."""

    outcome: Outcome
    solved: Solved | None = None


def solve_school(school: SchoolInput, settings: SolverSettings) -> Attempt:
    """Solve the school here; runs inside a Dask worker."""
    worker = get_worker()
    where = worker.address
    worker.log_event(TOPIC, {"key": worker.get_current_task(), "school": school.school_id, "worker": where,
                             "name": str(worker.name)})
    try:
        year = str(school.profile["school"]["year"])
        if data_digest(school.profile["school"]["region"], year) != school.data_digest:
            return Attempt(Outcome(school.school_id, OutcomeKind.CRASHED, worker=where, reason=(
                f"на исполнителе {where} другие нормы, учебный календарь или версия OR-Tools, чем у клиента: "
                "установите на все машины кластера одну версию profplan и его данных"
            )))
        solved = solve_input(school, settings)
    except ProfplanError as exc:
        return Attempt(Outcome(school.school_id, OutcomeKind.INVALID, reason=str(exc), worker=where))
    except Exception as exc:  # a bug or a broken installation: reported with its traceback, retried elsewhere
        lines = traceback.format_exception(exc)
        return Attempt(Outcome(school.school_id, OutcomeKind.CRASHED, worker=where,
                               reason=f"{type(exc).__name__}: {exc}",
                               details={"traceback": "".join(lines[-TRACEBACK_LINES:])}))
    outcome = solved.outcome(school.school_id, where)
    return Attempt(outcome, solved if outcome.kind is OutcomeKind.SOLVED else None)
