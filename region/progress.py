"""The run's progress as a person at a terminal sees it: a bar with counts, time and an estimate.

The estimate divides the time so far by the schools actually solved (skipped
ones took no time) and multiplies by those left, so it already reflects how
many workers the cluster has. Failures and retries are printed as lines of
their own above the bar; without a terminal only those lines are written.
"""

from __future__ import annotations

from time import monotonic

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from region.cluster import Connected
from region.outcome import Outcome, OutcomeKind, headline


class ProgressBar:
    """A `batch.Listener` drawing on `console` (standard error, so --json output stays clean)."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.bar: Progress | None = None
        self.task: TaskID | None = None
        self.total = self.done = self.failed = self.skipped = 0
        self.began = monotonic()

    def begin(self, total: int, cluster: Connected) -> None:
        self.total, self.began = total, monotonic()
        workers = cluster.threads()
        self.console.print(f"Кластер: {cluster.spec.describe()}, исполнителей: {workers}; школ: {total}.")
        if cluster.dashboard:
            self.console.print(f"Панель Dask: {cluster.dashboard}")
        elif cluster.note:
            self.console.print(cluster.note.capitalize())
        if self.console.is_terminal:
            self.bar = Progress(TextColumn("Школы"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[counts]}"),
                                TimeElapsedColumn(), TextColumn("{task.fields[estimate]}"), console=self.console)
            self.task = self.bar.add_task("", total=total, counts=self._counts(), estimate="")
            self.bar.start()

    def started(self, school: str, worker: str) -> None:
        return None

    def retrying(self, outcome: Outcome) -> None:
        self.console.print(f"{outcome.school}: {outcome.kind.russian} ({headline(outcome.reason)}); "
                           "повтор на другом исполнителе.", soft_wrap=True)

    def finished(self, outcome: Outcome) -> None:
        self.done += 1
        self.skipped += outcome.kind is OutcomeKind.SKIPPED
        if not outcome.kind.succeeded:
            self.failed += 1
            self.console.print(f"{outcome.school}: {outcome.kind.russian}: {headline(outcome.reason)}", soft_wrap=True)
        if self.bar is not None and self.task is not None:
            self.bar.update(self.task, completed=self.done, counts=self._counts(), estimate=self._estimate())

    def tick(self) -> None:
        if self.bar is not None and self.task is not None:
            self.bar.update(self.task, estimate=self._estimate())

    def end(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None

    def _counts(self) -> str:
        return f"готово {self.done - self.failed} · ошибок {self.failed} · осталось {self.total - self.done}"

    def _estimate(self) -> str:
        solved = self.done - self.skipped
        left = self.total - self.done
        if not solved or not left:
            return ""
        seconds = round((monotonic() - self.began) / solved * left)
        return f"ещё ≈ {seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
