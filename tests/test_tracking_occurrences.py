"""Items become deadline occurrences and check-ins, and stay in step with re-imported items."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from calendars.academic import region_calendars
from calendars.deadlines import parse_deadline
from calendars.school_year import SchoolYear
from roadmaps.tables import Item
from store.db import transaction
from tests.tracking_helpers import LEN_KEY, emptied, seed_len, spec_fields, store  # noqa: F401 - module fixture
from tracking.errors import TrackingError, UnknownItemError
from tracking.occurrences import (
    checkin_periods,
    default_track_from,
    planned_occurrences,
    set_checkins,
    set_tracking_start,
    sync_occurrences,
    tracking_settings,
)
from tracking.status import mark_done
from tracking.tables import DeadlineOccurrence, RoadmapTracking
from tracking.values import CheckinEvery

Y2023 = SchoolYear(2023)
LEN_CALENDAR = region_calendars("RU-LEN")
SCHOOL_YEAR_SPAN = (date(2023, 9, 1), date(2024, 8, 31))


def planned(text: str, year: SchoolYear | None = Y2023, span: tuple[date, date] | None = SCHOOL_YEAR_SPAN,
            every: CheckinEvery = CheckinEvery.QUARTER,
            track_from: date | None = None) -> list[tuple[str, str | None, date | None, date]]:
    spec = parse_deadline(text, year)
    return [(o.kind, o.phase, o.start, o.due)
            for o in planned_occurrences(spec, LEN_CALENDAR, span, every, track_from=track_from)]


def test_a_month_window_is_due_at_its_end() -> None:
    assert planned("октябрь 2023 г.") == [("deadline", None, date(2023, 10, 1), date(2023, 10, 31))]


def test_several_windows_in_one_cell_are_separate_occurrences() -> None:
    assert [due for *_, due in planned("октябрь 2023 г., апрель 2024 г.")] == [date(2023, 10, 31), date(2024, 4, 30)]


def test_once_a_quarter_is_due_at_the_end_of_each_school_term() -> None:
    # RU-LEN 2023-2024 terms end 27.10, 29.12, 22.03 and 24.05 (data/calendars/RU-LEN/2023-2024.toml).
    assert [due for *_, due in planned("не реже 1 раза в четверть")] == [
        date(2023, 10, 27), date(2023, 12, 29), date(2024, 3, 22), date(2024, 5, 24)]


def test_yearly_in_january_over_a_range_of_years_is_due_each_january() -> None:
    dues = [due for *_, due in planned("Ежегодно, январь 2020-2030 г.г.", year=None, span=None)]
    assert dues == [date(year, 1, 31) for year in range(2020, 2031)]


def test_phases_are_occurrences_of_their_own_and_an_ongoing_phase_gets_check_ins() -> None:
    result = planned("Создание: 4 квартал 2020 г. Организация работы: постоянно", year=None,
                     span=(date(2020, 10, 1), date(2021, 6, 30)))
    assert result == [
        ("deadline", "Создание", date(2020, 10, 1), date(2020, 12, 31)),
        ("checkin", "Организация работы", date(2020, 10, 1), date(2020, 12, 31)),
        ("checkin", "Организация работы", date(2021, 1, 1), date(2021, 3, 31)),
        ("checkin", "Организация работы", date(2021, 4, 1), date(2021, 6, 30)),
    ]


@pytest.mark.parametrize("text", ["Постоянно", "По мере необходимости", "по отдельному графику"])
def test_kinds_with_no_fixed_date_get_quarterly_check_ins_over_the_roadmap_period(text: str) -> None:
    assert planned(text) == [
        ("checkin", None, date(2023, 9, 1), date(2023, 9, 30)),
        ("checkin", None, date(2023, 10, 1), date(2023, 12, 31)),
        ("checkin", None, date(2024, 1, 1), date(2024, 3, 31)),
        ("checkin", None, date(2024, 4, 1), date(2024, 6, 30)),
        ("checkin", None, date(2024, 7, 1), date(2024, 9, 30)),
    ]


def test_check_ins_can_be_monthly_half_yearly_yearly_or_switched_off() -> None:
    monthly = planned("Постоянно", every=CheckinEvery.MONTH)
    assert len(monthly) == 12 and monthly[0][3] == date(2023, 9, 30) and monthly[5][3] == date(2024, 2, 29)
    assert [due for *_, due in planned("Постоянно", every=CheckinEvery.HALF)] == [
        date(2023, 12, 31), date(2024, 6, 30), date(2024, 12, 31)]
    assert [due for *_, due in planned("Постоянно", every=CheckinEvery.YEAR)] == [date(2023, 12, 31), date(2024, 12, 31)]
    assert planned("Постоянно", every=CheckinEvery.NONE) == []


def test_check_in_periods_clip_the_first_period_to_the_span_start() -> None:
    assert list(checkin_periods((date(2024, 2, 15), date(2024, 4, 2)), CheckinEvery.QUARTER)) == [
        (date(2024, 2, 15), date(2024, 3, 31)), (date(2024, 4, 1), date(2024, 6, 30))]


def test_check_ins_and_recurring_dates_begin_at_the_tracking_start_one_off_deadlines_stay() -> None:
    """A 2020–2030 plan tracked from 01.09.2023 asks for no report on 2020 and no 2021 quarter of a recurring item."""
    span = (date(2020, 7, 27), date(2030, 12, 31))
    started = date(2023, 9, 1)
    checkins = planned("Постоянно", year=None, span=span, track_from=started)
    assert checkins[0] == ("checkin", None, started, date(2023, 9, 30)) and all(due >= started for *_, due in checkins)
    quarterly = planned("Ежеквартально, 2018-2025 г.г.", year=None, span=span, track_from=started)
    assert [due for *_, due in quarterly][:2] == [date(2023, 9, 30), date(2023, 12, 31)]
    assert planned("4 квартал 2020 г.", year=None, span=span, track_from=started) == [
        ("deadline", None, date(2020, 10, 1), date(2020, 12, 31))]


def test_the_weekly_course_skips_holidays_and_vacations_of_the_region() -> None:
    """«еженедельно по четвергам» in RU-LEN 2023-2024: no 09.05.2024 (День Победы), nothing in a vacation."""
    dues = [due for *_, due in planned("сентябрь 2023 г. – май 2024 г. (еженедельно по четвергам)")]
    assert dues and all(day.weekday() == 3 for day in dues)
    assert date(2024, 5, 9) not in dues and date(2024, 5, 16) in dues
    for vacation in LEN_CALENDAR.vacations(Y2023):
        assert not [day for day in dues if vacation.start <= day <= vacation.end], vacation
    assert date(2023, 11, 2) not in dues and date(2023, 12, 28) in dues


@pytest.fixture
def engine(store: Engine) -> Engine:  # noqa: F811 - the imported module fixture
    seed_len(emptied(store))
    return store


def _occurrences(engine: Engine, number: str) -> list[DeadlineOccurrence]:
    with transaction(engine) as session:
        return list(session.exec(
            select(DeadlineOccurrence).join(Item).where(Item.number == number).order_by(DeadlineOccurrence.due)
        ).all())


def test_reimport_keeps_surviving_occurrences_with_their_status_and_retires_the_rest(engine: Engine) -> None:
    october, april = _occurrences(engine, "36")
    mark_done(engine, f"{LEN_KEY}:36", occurrence="1", on=date(2023, 10, 20), by="Иванова")

    with transaction(engine) as session:  # the amended order moves the spring week to May
        item = session.exec(select(Item).where(Item.number == "36")).one()
        for name, value in spec_fields("октябрь 2023 г., май 2024 г.", Y2023, "RU-LEN").items():
            setattr(item, name, value)
    result = sync_occurrences(engine, LEN_KEY)

    assert (result.created, result.retired) == (1, 1)
    rows = {o.due: o for o in _occurrences(engine, "36")}
    assert rows[date(2023, 10, 31)].id == october.id and rows[date(2023, 10, 31)].status == "done"
    assert rows[date(2024, 4, 30)].id == april.id and not rows[date(2024, 4, 30)].active
    assert rows[date(2024, 5, 31)].active and rows[date(2024, 5, 31)].status == "open"
    assert sync_occurrences(engine).created == 0  # idempotent


def test_committee_chooses_the_check_in_frequency_and_switching_back_restores_the_same_rows(engine: Engine) -> None:
    quarterly = {o.id for o in _occurrences(engine, "5") if o.active}
    assert len(quarterly) == 5

    change = set_checkins(engine, LEN_KEY, CheckinEvery.MONTH)
    assert (change.sync.created, change.sync.retired) == (8, 1) and "ежемесячно" in change.render()  # 4 dates shared
    assert len([o for o in _occurrences(engine, "5") if o.active]) == 12
    set_checkins(engine, LEN_KEY, CheckinEvery.QUARTER)
    assert {o.id for o in _occurrences(engine, "5") if o.active} == quarterly
    with pytest.raises(TrackingError, match="укажите периодичность"):
        set_checkins(engine, LEN_KEY, None)


def test_one_item_can_report_on_its_own_frequency_and_follow_its_roadmap_again(engine: Engine) -> None:
    change = set_checkins(engine, f"{LEN_KEY}:5", CheckinEvery.HALF)
    assert change.effective is CheckinEvery.HALF and f"{LEN_KEY}#6" in change.target
    half_years = [date(2023, 12, 31), date(2024, 6, 30), date(2024, 12, 31)]  # the period ends 31.08.2024
    assert [o.due for o in _occurrences(engine, "5") if o.active] == half_years
    settings = tracking_settings(engine, LEN_KEY)
    assert [(i.item, i.every) for i in settings.items] == [(f"{LEN_KEY}#6", CheckinEvery.HALF)]
    assert "раз в полугодие" in settings.render()
    set_checkins(engine, LEN_KEY, CheckinEvery.MONTH)  # the roadmap's frequency does not override the item's own
    assert [o.due for o in _occurrences(engine, "5") if o.active] == half_years
    back = set_checkins(engine, f"{LEN_KEY}#6", None)
    assert back.effective is CheckinEvery.MONTH and "как у дорожной карты" in back.render()
    assert len([o for o in _occurrences(engine, "5") if o.active]) == 12
    with pytest.raises(UnknownItemError, match="Возможно, имелось в виду: «LEN-2448-р»"):
        set_checkins(engine, "LEN-2448-p", CheckinEvery.MONTH)  # a Latin "p"


def test_moving_the_tracking_start_retires_check_ins_before_it_and_keeps_their_history(engine: Engine) -> None:
    first = min(_occurrences(engine, "5"), key=lambda o: o.due)
    mark_done(engine, f"{LEN_KEY}:5", occurrence="1", on=date(2023, 9, 29))
    result = set_tracking_start(engine, LEN_KEY, date(2024, 1, 1))
    # The two check-ins of «Постоянно» and the first two terms of «не реже 1 раза в четверть» (a recurrence).
    assert result.track_from == date(2024, 1, 1) and result.retired == 4
    active = [o for o in _occurrences(engine, "5") if o.active]
    assert [o.due for o in active] == [date(2024, 3, 31), date(2024, 6, 30), date(2024, 9, 30)]
    with transaction(engine) as session:
        kept = session.get_one(DeadlineOccurrence, first.id)
        assert (kept.active, kept.status) == (False, "done")  # retired, never deleted
        roadmap_id = session.get_one(Item, kept.item_id).roadmap_id
        assert session.get_one(RoadmapTracking, roadmap_id).track_from == date(2024, 1, 1)
    assert "отслеживается с 01.01.2024" in tracking_settings(engine, LEN_KEY).render()
    assert set_tracking_start(engine, LEN_KEY, date(2023, 9, 1)).created == 0  # back: the same rows come back


def test_without_a_given_start_tracking_starts_at_the_later_of_the_period_start_and_the_import_day() -> None:
    from roadmaps.tables import Roadmap

    roadmap = Roadmap(key="x", source_name="x.txt", content_hash="0", school_year="2023-2024", imported_at=date.today())
    assert default_track_from(roadmap, date(2023, 5, 1)) == date(2023, 9, 1)
    assert default_track_from(roadmap, date(2024, 2, 15)) == date(2024, 2, 15)


def test_what_fell_due_before_the_order_was_signed_is_not_tracked_unless_nothing_else_remains() -> None:
    quarterly = parse_deadline("Ежеквартально, 2018-2025 г.г.", None)
    dues = [o.due for o in planned_occurrences(quarterly, None, None, "quarter", not_before=date(2020, 7, 27))]
    assert dues[0] == date(2020, 9, 30) and dues[-1] == date(2025, 12, 31) and len(dues) == 22
    past = parse_deadline("до 01 сентября 2023 г.", Y2023)
    assert [o.due for o in planned_occurrences(past, None, None, "quarter", not_before=date(2023, 10, 9))] == [
        date(2023, 8, 31)]
