"""Running the real `profplan` command in a subprocess, and telling whether stored data changed.

`run` starts the program as a user would (a fresh interpreter, the real
entry point) with its crash-log folder pointed at a scratch directory, so a
test can check that a failure was reported as a user error and never reached
the crash guard. `fingerprint` is the row count and a checksum of every
table, taken with plain SQLAlchemy (no profplan code), to compare before and
after.
"""

from __future__ import annotations

import hashlib
import os
import resource
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import MetaData, create_engine, select

from store.settings import resolve_url

ROOT = Path(__file__).resolve().parent.parent
ROADMAPS = ROOT / "data" / "roadmaps"
DEMO_SCHOOL = ROOT / "data" / "schools" / "demo.toml"
LENINGRAD = ROADMAPS / "000_a5b718c3f457eac6.txt"


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str
    crash_logs: list[Path]

    def user_error(self, *phrases: str, code: int = 1) -> str:
        """Assert a failure reported as one Russian line (no traceback, no crash log) containing `phrases`."""
        assert self.code == code, (self.code, self.out, self.err)
        assert "Traceback" not in self.err and "внутренняя ошибка" not in self.err, self.err
        assert not self.crash_logs, [path.read_text(encoding="utf-8") for path in self.crash_logs]
        message = [line for line in self.err.splitlines() if line.startswith("Ошибка:")]
        assert len(message) == 1, self.err
        for phrase in phrases:
            assert phrase in message[0], (phrase, message[0])
        return message[0]

    def ok(self) -> str:
        assert self.code == 0 and not self.crash_logs, (self.code, self.out, self.err)
        return self.out


def unprivileged_prefix() -> list[str]:
    """As root, run without the capabilities that ignore file permissions, so a read-only file is read-only."""
    if os.geteuid() != 0:
        return []
    return ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--"]


def file_size_limit(size: int) -> Callable[[], None]:
    """A preexec hook: files may not grow past `size` bytes (a full disk), and writing past it is an error, not a kill."""

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

    return limit


def run(*args: str | Path, db: str | Path | None = None, logs: Path, env: dict[str, str] | None = None,
        cwd: Path | None = None, prefix: list[str] | None = None, preexec: Callable[[], None] | None = None,
        timeout: float = 300) -> Result:
    """Run `profplan [--db DB] ARGS…` as a user would; crash logs, if any, land in `logs`."""
    logs.mkdir(parents=True, exist_ok=True)
    command = [*(prefix or []), sys.executable, "-c", "import cli; cli.main()"]
    command += (["--db", str(db)] if db else []) + [str(arg) for arg in args]
    environment = {**os.environ, "PROFPLAN_LOG_DIR": str(logs), "PYTHONPATH": str(ROOT), **(env or {})}
    environment.pop("PROFPLAN_DATABASE_URL", None)
    done = subprocess.run(command, capture_output=True, text=True, env=environment, cwd=cwd or ROOT,
                          preexec_fn=preexec, timeout=timeout)
    return Result(done.returncode, done.stdout, done.stderr, sorted(logs.glob("profplan-crash-*.log")))


def start(*args: str | Path, db: str | Path, logs: Path, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """Start `profplan --db DB ARGS…` in the background (for concurrent runs); see `finish`."""
    logs.mkdir(parents=True, exist_ok=True)
    environment = {**os.environ, "PROFPLAN_LOG_DIR": str(logs), "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.Popen([sys.executable, "-c", "import cli; cli.main()", "--db", str(db), *map(str, args)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment, cwd=ROOT)


def finish(process: subprocess.Popen[str], logs: Path) -> Result:
    out, err = process.communicate(timeout=300)
    return Result(process.returncode, out, err, sorted(logs.glob("profplan-crash-*.log")))


def fingerprint(db: str | Path) -> dict[str, tuple[int, str]]:
    """Every table's row count and a SHA-256 of its rows in a stable order, read by plain SQLAlchemy."""
    engine = create_engine(resolve_url(db))
    try:
        metadata = MetaData()
        metadata.reflect(engine)
        result = {}
        with engine.connect() as connection:
            for name, table in sorted(metadata.tables.items()):
                rows = sorted(repr(tuple(row)) for row in connection.execute(select(table)))
                result[name] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
        return result
    finally:
        engine.dispose()


def copy_database(template: Path, folder: Path, name: str = "profplan.db") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    shutil.copyfile(template, target)
    return target
