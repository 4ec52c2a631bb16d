"""A roadmap item's «Классы» reach the solver: the item's windows bind only the classes it concerns."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from calendars.academic import region_calendars
from calendars.deadlines import parse_deadline
from calendars.school_year import SchoolYear
from roadmaps.tables import Item, Roadmap
from scheduler import service
from store.db import open_store, transaction
from tests.scheduler_helpers import check_timetable, read_current, write_profile

THIRD_QUARTER = (date(2024, 1, 9), date(2024, 3, 22))


def test_an_item_for_grades_8_to_11_sets_the_window_of_those_classes_only(tmp_path: Path) -> None:
    engine = open_store(f"sqlite:///{tmp_path / 'profplan.db'}")
    text = "ноябрь 2023 г., февраль 2024 г."
    spec = parse_deadline(text, SchoolYear(2023))
    start, end = spec.span(region_calendars("RU-LEN"))
    with transaction(engine) as session:
        roadmap = Roadmap(key="len-2448", source_name="000.txt", content_hash="0" * 64, region="RU-LEN",
                          school_year="2023-2024", imported_at=datetime.now(UTC))
        session.add(roadmap)
        session.flush()
        session.add(Item(roadmap_id=roadmap.id, ordinal=36, number="36.", deadline_text=text, kind=spec.kind,
                         title="Участие обучающихся в мероприятиях акции «Неделя без турникетов»", grades=[8, 9, 10, 11],
                         spec=spec.to_dict(), span_start=start, span_end=end, source_line=94))
    service.load_school(engine, write_profile(tmp_path))
    result = service.schedule(engine, "small", *THIRD_QUARTER, time_limit=10.0, seed=3)
    assert result.ok, result.to_json()
    events = [p for p in service.timetable(engine, "small").placements if p.activity == "no_turnstiles"]
    # 8А and 10А follow the item (February); 6А is not concerned, keeps the norms' October and April: none this quarter.
    assert sorted(p.class_name for p in events) == ["10А", "8А"]
    assert all(p.day.month == 2 and p.item == "36." for p in events)
    assert check_timetable(read_current(engine, "small")) == []
