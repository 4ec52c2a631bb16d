"""Placements → one recurring series per weekly course plus plain events; expanded, they are the placements."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from feeds_helpers import read_ical, read_recurring, read_vobject

from feeds.model import FeedContent, FeedOptions
from feeds.render import render_calendar
from feeds.timetable import PlacementView, fold_placements
from scheduler.placement import Placement

ZONE = "Asia/Yekaterinburg"
VACATION = {date(2023, 11, 2)}
SUBSTITUTED = date(2023, 12, 14)


def course(class_name: str, day: date, staff: str, start: time = time(14, 20), title: str = "Россия – мои горизонты",
           **fields: object) -> PlacementView:
    values: dict[str, object] = dict(
        uid=f"{class_name}/horizons/{day.isoformat()}", task=f"{class_name}/horizons", class_name=class_name,
        activity="horizons", title=title, direction="vneurochka", kind="session", series="horizons", day=day, slot=0,
        start=start, end=(datetime.combine(day, start) + timedelta(minutes=45)).time(), hours=1, staff=staff,
        venue="Кабинет 12", item_ref="17", item_id=None,
    )
    values.update(fields)
    return PlacementView(school_id="che-1", record=Placement(**values), title=title,  # type: ignore[arg-type]
                         direction="внеурочная деятельность", item="№ 17: «Россия – мои горизонты»")


def school_placements() -> list[PlacementView]:
    thursdays = [date(2023, 9, 7) + timedelta(weeks=week) for week in range(17)]  # to 28.12.2023
    placements = [
        course("8А", day, "Петров П. П." if day == SUBSTITUTED else "Иванова М. П.")
        for day in thursdays if day not in VACATION
    ]
    placements += [course("8Б", day, "Иванова М. П.", start=time(15, 15)) for day in thursdays[:4]]
    placements.append(course("8А", date(2023, 11, 10), "Иванова М. П.", kind="makeup", uid="8А/horizons-makeup#1",
                             title="Россия – мои горизонты: замена занятия 02.11.2023"))
    placements.append(course("8А", date(2023, 10, 5), "Сидорова А. А.", start=time(15, 15), series=None,
                             uid="8А/trial#1", title="Профессиональная проба", kind="event", venue="Колледж; корпус 2"))
    return placements


def occurrences(placements: list[PlacementView]) -> Counter[tuple[str, str]]:
    zone = ZoneInfo(ZONE)
    return Counter(
        (datetime.combine(p.record.day, p.record.start, zone).isoformat(), datetime.combine(p.record.day, p.record.end, zone).isoformat())
        for p in placements
    )


def test_a_weekly_course_folds_into_one_series_with_exdates_and_separate_exceptions() -> None:
    folded = fold_placements(school_placements(), ZONE, "МОУ «СОШ № 1»")
    by_class = {first.record.class_name: (first, series) for first, series in folded.series}
    first, series = by_class["8А"]
    assert first.record.staff == "Иванова М. П." and series.first_start == datetime(2023, 9, 7, 14, 20)
    assert series.until == date(2023, 12, 28) and series.exdates == (date(2023, 11, 2), SUBSTITUTED)
    assert series.title == "Россия – мои горизонты — 8А" and "Еженедельно по четвергам." in series.description
    assert len(by_class["8Б"][1].starts()) == 4 and by_class["8Б"][1].uid != series.uid
    separate = sorted((p.record.uid, p.record.staff) for p, _ in folded.events)
    assert separate == [("8А/horizons-makeup#1", "Иванова М. П."), (f"8А/horizons/{SUBSTITUTED}", "Петров П. П."),
                        ("8А/trial#1", "Сидорова А. А.")]
    makeup = next(event for placement, event in folded.events if placement.record.kind == "makeup")
    assert "Замена пропущенного занятия." in makeup.description


@pytest.mark.parametrize("reader", [read_recurring, read_vobject, read_ical], ids=lambda reader: reader.__name__)
def test_expanded_feed_equals_the_placements_exactly(reader) -> None:
    placements = school_placements()
    folded = fold_placements(placements, ZONE, "МОУ «СОШ № 1»")
    content = FeedContent("feed", "Школа", "", ZONE, events=tuple(event for _, event in folded.events),
                          series=tuple(series for _, series in folded.series))
    found = reader(render_calendar(content, FeedOptions()))
    assert Counter((start.split(" ")[0], end.split(" ")[0]) for _, start, end in found) == occurrences(placements)
    assert {start.split(" ")[1] for _, start, _ in found} == {ZONE}


def test_uids_are_stable_across_a_replan() -> None:
    placements = school_placements()
    before = fold_placements(placements, ZONE, "Школа")
    moved = [replace(p, record=replace(p.record, day=p.record.day + timedelta(days=1))) if p.record.uid == "8А/trial#1" else p for p in placements]
    after = fold_placements(moved, ZONE, "Школа")
    assert {s.uid for _, s in before.series} == {s.uid for _, s in after.series}
    assert {e.uid for _, e in before.events} == {e.uid for _, e in after.events}
    assert all(e.uid.endswith("@profplan") and e.uid.isascii() for _, e in after.events)


def test_a_lone_series_session_stays_a_plain_event() -> None:
    folded = fold_placements([course("9А", date(2023, 9, 7), "Иванова М. П.")], ZONE, "Школа")
    assert folded.series == () and len(folded.events) == 1
