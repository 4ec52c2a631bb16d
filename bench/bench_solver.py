"""Benchmark of the timetable solver against the greedy baseline on generated schools.

Generates advanced-level schools of 10, 30, 60 and 120 classes over the full
2023-2024 year in RU-LEN (staff and venues scaled with the classes, the way
a real school of that size would have them) and prints, for each: the
solver's status, wall time, CPU time (all threads) and the share of it spent
in Python around CP-SAT (the rest is inside CP-SAT calls), objective, the
honest bound (valid for the whole school: the sum of each class's floor) and
its gap, side by side with the old per-plan bound and gap (valid only for the
week plan stage 1 chose), and the greedy baseline's time and whether it met
every quota. The targets (issue 12, 2 cores): 60 classes within 1 % of the
honest bound in 30 s, 120 classes within 2 % in 60 s, Python under 10 % of
the CPU at 120 classes. On a busy machine the wall clock (the time limit is
wall-clock) cuts the search short: compare the CPU column.

    .venv/bin/python bench/bench_solver.py [--sizes 10,30,60,120] [--time-limit S] [--seeds 0] [--workers 2]
                                           [--save FILE] [--baseline FILE]

--save writes each row's figures to a JSON file; --baseline reads such a
file (say, saved on the main branch) and prints its figures under each row
of the same size and seed, so a change is read side by side with before.

Without --time-limit each size gets the budget of its target: 30 s up to 60
classes, 60 s for larger schools. With several --seeds (e.g. 0,1,2,3) each
size is solved once per seed, a row each: the search is deterministic for a
seed, so only several seeds show how much the result depends on it.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scheduler.compliance import compliance  # noqa: E402
from scheduler.greedy import greedy  # noqa: E402
from scheduler.norms import load_norms  # noqa: E402
from scheduler.problem import build_problem  # noqa: E402
from scheduler.profile import Profile, parse_profile  # noqa: E402
from scheduler.settings import SolverSettings  # noqa: E402
from scheduler.solve import solve  # noqa: E402


def generate_profile(classes: int, external: int | None = None) -> Profile:
    """An advanced-level school of `classes` classes in grades 6–11 with proportionate staff and venues
    (`external`: that many external venues instead of one per six classes)."""
    per = lambda share: max(1, -(-classes // share))  # noqa: E731
    staff: list[dict[str, Any]] = []
    class_rows = []
    for number in range(classes):
        grade = 6 + number % 6
        name = f"{grade}-{number // 6 + 1}"
        teacher = f"Классный руководитель {name}"
        staff.append({"name": teacher, "roles": ["class_teacher"], "max_hours_per_week": 4, "email": f"ct{number}@bench.example"})
        class_rows.append({"name": name, "grade": grade, "students": 25, "teacher": teacher})
    for role, count, limit in (("navigator", per(5), 8), ("teacher", per(5), 6), ("tutor", per(20), 4), ("master", per(10), 6)):
        staff += [
            {"name": f"{role} {index + 1}", "roles": [role], "max_hours_per_week": limit, "email": f"{role}{index}@bench.example"}
            for index in range(count)
        ]
    venues = [{"name": f"Площадка {index + 1}", "capacity": 60, "kind": "external"}
              for index in range(per(6) if external is None else external)]
    venues += [{"name": f"Зал {index + 1}", "capacity": 120, "kind": "hall"} for index in range(per(20))]
    table = {
        "school": {"id": f"bench-{classes}", "name": f"Школа на {classes} классов", "region": "RU-LEN",
                   "year": "2023-2024", "level": "advanced", "week": 5},
        "slots": [{"start": "14:20", "minutes": 45}, {"start": "15:15", "minutes": 45}, {"start": "16:10", "minutes": 45}],
        "evening": {"start": "18:30", "minutes": 60},
        "classes": class_rows,
        "staff": staff,
        "venues": venues,
    }
    return parse_profile(table, f"bench-{classes}")


def run(
    sizes: list[int], time_limit: float | None, seeds: list[int], workers: int,
    save: Path | None = None, compare: Path | None = None,
) -> None:
    before = json.loads(compare.read_text(encoding="utf-8")) if compare else {}
    rows: dict[str, dict[str, Any]] = {}
    print(f"{'classes':>7} {'tasks':>6} {'seed':>4} | {'status':>9} {'time,s':>7} {'cpu,s':>6} {'py,%':>5} "
          f"{'objective':>9} {'bound':>9} {'gap,%':>6} {'plan bnd':>8} {'plan gap':>8} {'quotas':>6} | "
          f"{'greedy,s':>8} {'unplaced':>8} {'quotas':>6}")
    for size in sizes:
        profile = generate_profile(size)
        problem = build_problem(profile, load_norms(profile.year))
        baseline = greedy(problem)
        greedy_met = baseline.unplaced == 0 and all(
            row.met for row in compliance(problem.required, baseline.placements, problem.norms)
        )
        for seed in seeds:
            cpu = time.process_time()
            solution = solve(problem, SolverSettings(time_limit or (30.0 if size <= 60 else 60.0), seed, workers))
            cpu = time.process_time() - cpu
            inside = solution.stats.get("cpsat_seconds")
            python = f"{100 * (1 - inside / cpu):.0f}" if inside is not None and cpu > 0 else "—"
            gap = f"{100 * solution.gap:.2f}" if solution.gap is not None else "—"
            plan_bound = solution.stats.get("plan_bound", "—")
            plan_gap = f"{100 * solution.plan_gap:.2f}" if solution.plan_gap is not None else "—"
            solved_met = solution.ok and all(
                row.met for row in compliance(problem.required, solution.placements, problem.norms)
            )
            print(f"{size:>7} {len(problem.tasks):>6} {seed:>4} | {solution.status:>9} {solution.seconds:>7.1f} "
                  f"{cpu:>6.1f} {python:>5} {solution.objective if solution.objective is not None else '—':>9} "
                  f"{solution.bound if solution.bound is not None else '—':>9} {gap:>6} {plan_bound:>8} {plan_gap:>8} "
                  f"{_yes(solved_met):>6} | "
                  f"{baseline.seconds:>8.2f} {baseline.unplaced:>8} {_yes(greedy_met):>6}", flush=True)
            row = {"status": solution.status, "wall": round(solution.seconds, 1), "cpu": round(cpu, 1), "python": python,
                   "objective": solution.objective, "bound": solution.bound, "gap": gap, "plan_bound": plan_bound,
                   "plan_gap": plan_gap}
            rows[f"{size}/{seed}"] = row
            if (old := before.get(f"{size}/{seed}")) is not None:
                print(f"{'before':>19} | {old['status']:>9} {old['wall']:>7.1f} {old['cpu']:>6.1f} {old['python']:>5} "
                      f"{_dash(old['objective']):>9} {_dash(old['bound']):>9} {old['gap']:>6} {_dash(old['plan_bound']):>8} "
                      f"{old['plan_gap']:>8}", flush=True)
    if save:
        save.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")


def _dash(value: object) -> str:
    return "—" if value is None else str(value)


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,30,60,120")
    parser.add_argument("--time-limit", type=float, default=None)
    parser.add_argument("--seeds", default="0", help="comma-separated seeds, one solve per size and seed")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--save", type=Path, default=None, help="write each row's figures to this JSON file")
    parser.add_argument("--baseline", type=Path, default=None, help="a --save file to print under each row")
    args = parser.parse_args()
    run([int(size) for size in args.sizes.split(",")], args.time_limit, [int(seed) for seed in args.seeds.split(",")],
        args.workers, args.save, args.baseline)


if __name__ == "__main__":
    main()
