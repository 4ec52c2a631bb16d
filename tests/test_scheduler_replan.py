"""Re-planning after a closure: the past stays, the closed week empties, few placements change."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from calendars.academic import Period
from scheduler import service
from scheduler.errors import SchedulingError
from scheduler.tables import School
from store.db import open_store, transaction
from tests.scheduler_helpers import check_timetable, read_current, write_profile

THIRD_QUARTER = (date(2024, 1, 9), date(2024, 3, 22))
QUARANTINE = Period("Карантин", date(2024, 2, 5), date(2024, 2, 11))
AS_OF = date(2024, 2, 1)
SEED = 5


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    engine = open_store(f"sqlite:///{tmp_path / 'profplan.db'}")
    service.load_school(engine, write_profile(tmp_path))
    assert service.schedule(engine, "small", *THIRD_QUARTER, time_limit=10, seed=SEED).ok
    return engine


def test_a_replan_preview_stores_nothing_and_shows_what_confirming_stores(engine: Engine) -> None:
    before = read_current(engine, "small")
    shown = service.replan(engine, "small", [QUARANTINE], as_of=AS_OF, time_limit=10, seed=SEED, preview=True)
    assert shown.ok and shown.timetable_id is None and shown.changes
    unchanged = read_current(engine, "small")
    assert unchanged.timetable.id == before.timetable.id and unchanged.timetable.closures == before.timetable.closures
    with transaction(engine) as session:
        assert session.get(School, "small").closures == []  # type: ignore[union-attr]
    stored = service.replan(engine, "small", [QUARANTINE], as_of=AS_OF, time_limit=10, seed=SEED)
    assert [c.to_json() for c in stored.changes] == [c.to_json() for c in shown.changes]


def test_replan_moves_only_what_the_closure_forces(engine: Engine) -> None:
    before = read_current(engine, "small")
    result = service.replan(engine, "small", [QUARANTINE], as_of=AS_OF, time_limit=10, seed=SEED)
    assert result.ok, result.to_json()
    after = read_current(engine, "small")
    assert check_timetable(after) == []
    assert after.timetable.parent_id == before.timetable.id and after.timetable.id == result.timetable_id
    assert after.timetable.closures == [["2024-02-05", "2024-02-11"]]
    assert not any(p.day in QUARANTINE for p in after.placements)

    def past(stored):  # type: ignore[no-untyped-def]
        return sorted((p.uid, p.day, p.start_time, p.staff) for p in stored.placements if p.day < AS_OF)

    assert past(after) == past(before)
    closed = {p.uid for p in before.placements if p.day in QUARANTINE}
    courses = {p.uid for p in before.placements if p.day in QUARANTINE and p.series}
    moved = {c.uid for c in result.changes if c.kind == "moved"}
    removed = {c.uid for c in result.changes if c.kind == "removed"}
    added = [c for c in result.changes if c.kind == "added"]
    # Each lost Thursday course session is replaced by one make-up; everything else in the
    # closed week moves, and nothing outside it: the re-plan is incremental.
    assert removed == courses
    assert len(added) == len(courses) and all(c.after["kind"] == "makeup" for c in added)
    assert moved == closed - courses
    assert result.solution.stats["incremental"] and result.solution.bound is None
    assert all(c.after["date"] >= AS_OF.isoformat() for c in result.changes if c.after)
    payload = result.to_json()
    assert payload["changed"] == len(result.changes) and set(payload["changes"]) == {"moved", "added", "removed"}
    json.dumps(payload, ensure_ascii=False)


def test_replan_that_cannot_fit_keeps_the_previous_timetable(engine: Engine) -> None:
    before = read_current(engine, "small").timetable.id
    rest_of_term = Period("Карантин", date(2024, 2, 1), date(2024, 3, 22))
    result = service.replan(engine, "small", [rest_of_term], as_of=AS_OF, time_limit=10, seed=SEED)
    assert result.solution.status == "infeasible" and result.timetable_id is None
    explanation = result.solution.explanation
    assert explanation is not None and (explanation.gaps or explanation.shortages)
    assert "учебных дней для них не осталось" in explanation.text
    assert read_current(engine, "small").timetable.id == before


def test_replan_needs_a_timetable(tmp_path: Path) -> None:
    engine = open_store(f"sqlite:///{tmp_path / 'other.db'}")
    service.load_school(engine, write_profile(tmp_path))
    with pytest.raises(SchedulingError, match="ещё нет расписания"):
        service.replan(engine, "small", [QUARANTINE], as_of=AS_OF)
