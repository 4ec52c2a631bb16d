"""A roadmap item's «Классы» reach the solver: imported from a plan with a classes column, the item's
windows bind only the classes it concerns."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from roadmaps.importer import import_documents
from scheduler import service
from store.db import open_store
from tests.scheduler_helpers import check_timetable, read_current, write_profile

THIRD_QUARTER = (date(2024, 1, 9), date(2024, 3, 22))
PLAN = """Комитет общего и профессионального образования Ленинградской области
РАСПОРЯЖЕНИЕ
09.10.2023 № 2448-р
Об утверждении плана на 2023-2024 учебный год

План мероприятий на 2023-2024 учебный год

№\tМероприятие\tКлассы\tСроки\tОтветственные
36\tУчастие обучающихся в мероприятиях акции «Неделя без турникетов»\t8-11\tноябрь 2023 г., февраль 2024 г.\tГАОУ ДПО «ЛОИРО»
"""


def test_an_item_for_grades_8_to_11_sets_the_window_of_those_classes_only(tmp_path: Path) -> None:
    engine = open_store(f"sqlite:///{tmp_path / 'profplan.db'}")
    plan = tmp_path / "plan.txt"
    plan.write_text(PLAN, encoding="utf-8")
    (report,) = import_documents(engine, [plan])
    assert (report.region, report.school_year, report.needs_review) == ("RU-LEN", "2023-2024", [])
    service.load_school(engine, write_profile(tmp_path))
    result = service.schedule(engine, "small", *THIRD_QUARTER, time_limit=10.0, seed=3)
    assert result.ok, result.to_json()
    events = [p for p in service.timetable(engine, "small").placements if p.activity == "no_turnstiles"]
    # 8А and 10А follow the item (February); 6А is not concerned and keeps the norms' October and April: none this quarter.
    assert sorted(p.class_name for p in events) == ["10А", "8А"]
    assert all(p.day.month == 2 and p.item_ref == "36" for p in events)
    assert check_timetable(read_current(engine, "small")) == []
