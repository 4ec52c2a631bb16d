"""A solve tells a watcher how far it is: classes placed in the week plan, then weeks laid out, to the end."""

from __future__ import annotations

from pathlib import Path

from scheduler import service
from scheduler.profile import load_profile
from scheduler.settings import Progress, SolveStage
from store.db import open_store

DEMO = Path(__file__).resolve().parent.parent / "data" / "schools" / "demo.toml"


def test_the_progress_counts_classes_then_weeks_up_to_their_totals_and_changes_nothing(tmp_path: Path) -> None:
    engine = open_store(f"sqlite:///{tmp_path / 'profplan.db'}")
    service.load_school(engine, DEMO)
    heard: list[Progress] = []
    result = service.schedule(engine, "demo-kudrovo", time_limit=20, seed=0, workers=2, on_progress=heard.append)
    assert result.ok
    classes = len(load_profile(DEMO).classes)
    first_days = next(index for index, p in enumerate(heard) if p.stage is SolveStage.DAYS)
    plan, days = heard[:first_days], heard[first_days:]
    assert plan and all(p.stage is SolveStage.PLAN and p.total == classes for p in plan)
    assert [p.done for p in plan] == sorted(p.done for p in plan) and plan[0].done < plan[-1].done == classes
    assert all(p.objective is not None and p.objective >= 0 for p in plan)
    weeks = days[0].total
    assert weeks > 30 and [(p.stage, p.done) for p in days[:weeks]] == [(SolveStage.DAYS, n) for n in range(1, weeks + 1)]
    quiet = service.schedule(engine, "demo-kudrovo", time_limit=20, seed=0, workers=2)
    assert [(p.uid, p.day, p.slot) for p in quiet.solution.placements] == \
        [(p.uid, p.day, p.slot) for p in result.solution.placements]  # listening changes nothing
