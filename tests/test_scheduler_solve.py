"""Solving real instances with the real solver; every stored timetable is re-checked independently."""

from __future__ import annotations

import gc
import json
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import ortools
import pytest
from sqlalchemy.engine import Engine

from calendars.academic import region_calendars
from calendars.deadlines import parse_deadline
from calendars.school_year import SchoolYear
from roadmaps.tables import Item, Roadmap
from scheduler import service
from scheduler.errors import SchedulingError
from scheduler.solve import GC_ALLOCATIONS, _rare_collections
from store.db import open_store, transaction
from tests.scheduler_helpers import check_timetable, read_current, write_profile

DEMO = Path(__file__).resolve().parent.parent / "data" / "schools" / "demo.toml"
THIRD_QUARTER = (date(2024, 1, 9), date(2024, 3, 22))
SEED = 3
LIMIT = 10.0


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    return open_store(f"sqlite:///{tmp_path / 'profplan.db'}")


def _signature(engine: Engine, school_id: str) -> list[tuple[str, date, str, str, str | None]]:
    stored = read_current(engine, school_id)
    return sorted((p.uid, p.day, p.start_time, p.staff, p.venue) for p in stored.placements)


def test_demo_school_solves_the_year_and_meets_every_quota(engine: Engine) -> None:
    assert service.load_school(engine, DEMO).created
    result = service.schedule(engine, "demo-kudrovo", time_limit=20, seed=0, workers=2)
    assert result.ok, result.to_json()
    assert result.solution.objective is not None and result.solution.bound is not None
    assert result.solution.bound <= result.solution.objective
    stored = read_current(engine, "demo-kudrovo")
    assert check_timetable(stored) == []
    assert all(row.met for row in result.compliance)
    assert service.compliance_report(engine, "demo-kudrovo").met
    # 9 May 2024 is a Thursday holiday: every class gets a make-up of the weekly course.
    makeups = [p for p in stored.placements if p.kind == "makeup"]
    assert sorted(p.class_name for p in makeups) == sorted(cls["name"] for cls in stored.profile["classes"])
    assert all("09.05.2024" in p.title and p.day > date(2024, 5, 9) for p in makeups)
    record = stored.timetable
    assert (record.seed, record.workers, record.ortools_version) == (0, 2, ortools.__version__)
    assert len(record.input_hash) == 64 and record.current
    json.dumps(result.to_json(), ensure_ascii=False)


def test_same_input_and_seed_give_the_same_timetable(engine: Engine, tmp_path: Path) -> None:
    service.load_school(engine, write_profile(tmp_path))
    first = service.schedule(engine, "small", *THIRD_QUARTER, time_limit=LIMIT, seed=SEED, workers=2)
    assert first.ok, first.to_json()
    stored = read_current(engine, "small")
    assert check_timetable(stored) == []
    signature = _signature(engine, "small")
    again = service.schedule(engine, "small", *THIRD_QUARTER, time_limit=LIMIT, seed=SEED, workers=2)
    assert _signature(engine, "small") == signature
    assert again.solution.fingerprint == first.solution.fingerprint
    assert again.solution.objective == first.solution.objective
    # Threads only solve independent parts in parallel: one worker gives the same timetable.
    service.schedule(engine, "small", *THIRD_QUARTER, time_limit=LIMIT, seed=SEED, workers=1)
    assert _signature(engine, "small") == signature


def test_timetable_query_filters_and_shows_local_times(engine: Engine, tmp_path: Path) -> None:
    service.load_school(engine, write_profile(tmp_path))
    service.schedule(engine, "small", *THIRD_QUARTER, time_limit=LIMIT, seed=SEED)
    everything = service.timetable(engine, "small")
    by_class = service.timetable(engine, "small", class_name="8А")
    by_staff = service.timetable(engine, "small", staff="Навигаторова Г. Г.")
    assert by_class.placements and all(p.class_name == "8А" for p in by_class.placements)
    assert by_staff.placements and all(p.staff == "Навигаторова Г. Г." for p in by_staff.placements)
    assert len(everything.placements) > len(by_class.placements)
    row = everything.to_json()["placements"][0]
    assert {"class", "activity", "direction", "date", "start", "end", "hours", "staff", "venue", "item", "uid",
            "kind", "title"} <= row.keys()
    meetings = [p for p in everything.placements if p.kind == "meeting"]
    assert meetings and all((f"{p.start:%H:%M}", f"{p.end:%H:%M}") == ("18:30", "19:30") for p in meetings)
    course = [p for p in everything.placements if p.series == "horizons"]
    assert course and all(p.day.weekday() == 3 and f"{p.start:%H:%M}" == "14:20" for p in course)


def test_unknown_school_and_missing_timetable_are_russian_errors(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(SchedulingError, match="Школа «nowhere» не найдена"):
        service.schedule(engine, "nowhere")
    service.load_school(engine, write_profile(tmp_path))
    with pytest.raises(SchedulingError, match="ещё нет расписания"):
        service.timetable(engine, "small")


def test_staff_limit_too_low_is_explained_and_nothing_is_stored(engine: Engine, tmp_path: Path) -> None:
    service.load_school(engine, write_profile(tmp_path))
    good = service.schedule(engine, "small", *THIRD_QUARTER, time_limit=LIMIT, seed=SEED)
    service.load_school(engine, write_profile(tmp_path, navigator_limit=1))
    result = service.schedule(engine, "small", *THIRD_QUARTER, time_limit=LIMIT, seed=SEED)
    assert result.solution.status == "infeasible" and result.timetable_id is None
    explanation = result.solution.explanation
    assert explanation is not None
    text = explanation.text
    assert "Навигаторова Г. Г." in text and "не больше 1 ч в неделю" in text
    assert "max_hours_per_week" in text
    gaps = explanation.to_json()["requirements"]
    assert gaps and all(gap["short"] and gap["short"] > 0 for gap in gaps)
    assert any(gap["class"] in ("8А", "10А") and "не хватает" in gap["text"] for gap in gaps)
    assert read_current(engine, "small").timetable.id == good.timetable_id
    json.dumps(result.to_json(), ensure_ascii=False)


def test_too_narrow_window_is_explained(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = Path(__file__).resolve().parent.parent / "data"
    root = tmp_path / "data"
    shutil.copytree(data / "calendars", root / "calendars")
    (root / "norms").mkdir()
    norms = (data / "norms" / "2023-2024.toml").read_text(encoding="utf-8")
    narrow = norms.replace('windows = [["12-01", "12-27"]]', 'windows = [["12-27", "12-27"]]')
    assert narrow != norms
    (root / "norms" / "2023-2024.toml").write_text(narrow, encoding="utf-8")
    monkeypatch.setenv("PROFPLAN_DATA_DIR", str(root))
    service.load_school(engine, write_profile(tmp_path))
    result = service.schedule(engine, "small", date(2023, 11, 6), date(2023, 12, 29), time_limit=LIMIT, seed=SEED)
    assert result.solution.status == "infeasible"
    text = result.solution.explanation.text
    # Found by the capacity check, before any search: the one-day window has too few hours.
    assert "в день 27.12.2023 доступно 2 ч" in text and "8А: часы профминимума" in text
    assert "расширьте окна «Урок-рефлексия» (windows в файле нормативов" in text


def test_roadmap_items_give_windows_and_item_numbers(engine: Engine, tmp_path: Path) -> None:
    text = "ноябрь 2023 г., февраль 2024 г."
    spec = parse_deadline(text, SchoolYear(2023))
    start, end = spec.span(region_calendars("RU-LEN"))
    with transaction(engine) as session:
        roadmap = Roadmap(key="len-2448", source_name="000.txt", content_hash="0" * 64, region="RU-LEN",
                          school_year="2023-2024", imported_at=datetime.now(UTC))
        session.add(roadmap)
        session.flush()
        session.add(Item(roadmap_id=roadmap.id, ordinal=36, number="36.", deadline_text=text, kind=spec.kind,
                         title="Участие обучающихся в мероприятиях акции «Неделя без турникетов»",
                         spec=spec.to_dict(), span_start=start, span_end=end, source_line=94))
    service.load_school(engine, write_profile(tmp_path))
    result = service.schedule(engine, "small", *THIRD_QUARTER, time_limit=LIMIT, seed=SEED)
    assert result.ok, result.to_json()
    events = [p for p in service.timetable(engine, "small").placements if p.activity == "no_turnstiles"]
    assert sorted(p.class_name for p in events) == ["10А", "6А", "8А"]
    assert all(p.day.month == 2 and p.item_ref == "36." and p.kind == "event" for p in events)
    assert check_timetable(read_current(engine, "small")) == []


def test_the_garbage_collector_runs_rarely_during_a_solve_and_as_before_after_it() -> None:
    """A solve raises the collector's first threshold (see `_rare_collections`) and puts the thresholds
    back afterwards, even when the solve fails."""
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), _rare_collections():
        assert gc.get_threshold() == (GC_ALLOCATIONS, *before[1:])
        raise RuntimeError
    assert gc.get_threshold() == before
