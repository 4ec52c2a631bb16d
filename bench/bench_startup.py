"""Start-up time of light commands next to a bare interpreter (`python -c pass`), measured in one run.

Each command runs as a user starts it (a fresh interpreter, the real entry
point), ROUNDS times, interleaved with the baseline so a busy machine slows
both alike; the best and median wall times are printed side by side with the
baseline, with the CPU time the process used (less sensitive to other
processes than wall time) and the number of modules it imported (a count that
does not depend on the machine's load at all). The goal: every light command ≤ 0.5 s.

    .venv/bin/python bench/bench_startup.py [--rounds N]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 0.5
ENTRY = "import sys, cli\ntry:\n    cli.main()\nfinally:\n    sys.stderr.write(f'modules={len(sys.modules)}\\n')"
COMMANDS = {
    "python -c pass": None,
    "profplan": [],
    "profplan --help": ["--help"],
    "profplan import --help": ["import", "--help"],
    "profplan deadline": ["deadline", "до 01 сентября 2023 г.", "--year", "2023-2024"],
    "profplan calendar": ["calendar", "--region", "RU-LEN", "--year", "2023-2024"],
}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(args: list[str] | None, folder: str) -> tuple[float, float, int]:
    """Wall and CPU seconds of one start, and how many modules it imported (0 for the baseline)."""
    command = [sys.executable, "-c", "pass"] if args is None else [sys.executable, "-c", ENTRY, *args]
    environment = {**os.environ, "PYTHONPATH": str(ROOT), "PROFPLAN_LOG_DIR": folder}
    cpu, started = _children_cpu(), time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=environment, cwd=folder)
    seconds, cpu = time.perf_counter() - started, _children_cpu() - cpu
    if done.returncode != 0:
        raise SystemExit(f"{command} failed: {done.stderr}")
    counts = [line for line in done.stderr.splitlines() if line.startswith("modules=")]
    return seconds, cpu, int(counts[-1].split("=")[1]) if counts else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    rounds = parser.parse_args().rounds
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    cpu: dict[str, list[float]] = {name: [] for name in COMMANDS}
    modules: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as folder:
        for args in COMMANDS.values():
            run_once(args, folder)  # warm the file cache and the .pyc files
        for _ in range(rounds):
            for name, args in COMMANDS.items():
                seconds, used, modules[name] = run_once(args, folder)
                times[name].append(seconds)
                cpu[name].append(used)
    base = min(times["python -c pass"])
    print(f"{'command':28} {'best, s':>8} {'median, s':>10} {'over python, s':>15} {'CPU best, s':>12} {'modules':>8}  ≤ {LIMIT} s")
    for name, values in times.items():
        best = min(values)
        verdict = "" if COMMANDS[name] is None else ("да" if best <= LIMIT else "НЕТ")
        print(f"{name:28} {best:8.3f} {statistics.median(values):10.3f} {best - base:15.3f} {min(cpu[name]):12.3f} "
              f"{modules[name]:8}  {verdict}")
    print(f"{rounds} rounds, interleaved; wall-clock figures depend on the machine's load, module counts do not.")


if __name__ == "__main__":
    main()
