"""The coordinator's school pages over HTTP: the year grid is the CLI's timetable, profiles are checked before
they are stored, printouts hold every session, the schedule job runs in the background, staff subscribe."""

from __future__ import annotations

import base64
import html
import io
import json
import re
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import httpx
import openpyxl
import pdfplumber
import pytest
import zxingcpp
from click.testing import CliRunner
from PIL import Image
from sqlalchemy.engine import Engine
from sqlmodel import select
from web_helpers import OTHER_SCHOOL, SCHOOL, STAFF, browser, error_text, server

from calendars.data_files import data_dir
from cli import cli
from scheduler.errors import SchedulingError
from scheduler.service import compliance_report, timetable
from scheduler.tables import School, Timetable
from store.db import transaction
from store.settings import Settings
from web.jobs import JobState

pytest_plugins = ["web_fixtures"]  # the seeded and planned stores

DEMO = data_dir() / "schools" / "demo.toml"


def cli_timetable(engine: Engine, *args: str) -> list[dict[str, object]]:
    """`profplan timetable SCHOOL … --json`, the placements it prints."""
    result = CliRunner().invoke(cli, ["--db", engine.url.render_as_string(hide_password=False), "timetable", SCHOOL,
                                      *args, "--json"])
    assert result.exit_code == 0, result.output
    placements: list[dict[str, object]] = json.loads(result.output)
    return placements


def grid_sessions(page: str) -> list[tuple[str, str]]:
    """(uid, date) of every session chip on a year grid, by the day cell it sits in."""
    found = []
    for day, cell in re.findall(r'<td class="[^"]*" data-day="([\d-]+)"[^>]*>(.*?)</td>', page, re.S):
        found += [(uid, day) for uid in re.findall(r'data-uid="([^"]+)"', cell)]
    return found


@pytest.fixture
def coordinator(planned_engine: Engine) -> Iterator[tuple[str, object]]:
    with server(planned_engine) as url, browser(url, login="coord") as person:
        yield url, person


def test_the_year_grid_of_a_class_has_exactly_the_sessions_of_the_cli_timetable(planned_engine: Engine) -> None:
    expected = cli_timetable(planned_engine, "--class", "8А")
    assert expected
    with server(planned_engine) as url, browser(url, login="coord") as person:
        page = person.get(f"/schools/{SCHOOL}/year?class=8А")
    assert page.status_code == 200
    shown = grid_sessions(page.text)
    assert sorted(shown) == sorted((str(row["uid"]), str(row["date"])) for row in expected)
    assert len(shown) == len(set(shown))
    directions = {str(row["direction"]) for row in expected}
    for direction in directions:  # coloured by direction, with its name in the legend
        assert f'class="chip d-{direction}' in page.text
    assert 'off-vacation"' in page.text and 'off-holiday"' in page.text  # vacations and holidays shaded
    assert "праздник:" in page.text  # the reason of a shaded day, on hover


def test_a_staff_members_and_a_venues_grid_hold_their_sessions_only(planned_engine: Engine) -> None:
    mine = cli_timetable(planned_engine, "--staff", STAFF)
    venue = next(str(row["venue"]) for row in cli_timetable(planned_engine) if row["venue"])
    at_venue = [row for row in cli_timetable(planned_engine) if row["venue"] == venue]
    with server(planned_engine) as url, browser(url, login="coord") as person:
        staff_page = person.get(f"/schools/{SCHOOL}/year", params={"staff": STAFF}).text
        venue_page = person.get(f"/schools/{SCHOOL}/year", params={"venue": venue}).text
        unknown = person.get(f"/schools/{SCHOOL}/year", params={"class": "8Я"})
        no_venue = person.get(f"/schools/{SCHOOL}/year", params={"venue": venue + "Х"})
        both = person.get(f"/schools/{SCHOOL}/year", params={"class": "8А", "staff": STAFF})
    assert sorted(uid for uid, _ in grid_sessions(staff_page)) == sorted(str(row["uid"]) for row in mine)
    assert sorted(uid for uid, _ in grid_sessions(venue_page)) == sorted(str(row["uid"]) for row in at_venue)
    assert unknown.status_code == 400 and "Класс «8Я» в школе «demo-kudrovo» не найден" in error_text(unknown)
    assert "Возможно, имелось в виду" in error_text(unknown)
    assert no_venue.status_code == 400 and f"Площадка «{venue}Х» в школе «demo-kudrovo» не найдена" in error_text(no_venue)
    with pytest.raises(SchedulingError, match=f"Площадка «{venue}Х» .* не найдена.*{re.escape(venue)}"):
        timetable(planned_engine, SCHOOL, venue=venue + "Х")
    assert both.status_code == 400 and "что-то одно" in error_text(both)


def test_the_week_view_and_a_session_detail(planned_engine: Engine) -> None:
    rows = cli_timetable(planned_engine, "--class", "8А")
    first = date.fromisoformat(str(rows[0]["date"]))
    monday = first - timedelta(days=first.weekday())
    in_week = [row for row in rows if monday <= date.fromisoformat(str(row["date"])) <= monday + timedelta(days=6)]
    with server(planned_engine) as url, browser(url, login="coord") as person:
        week = person.get(f"/schools/{SCHOOL}/week", params={"date": first.isoformat(), "class": "8А"}).text
        detail = person.get(f"/schools/{SCHOOL}/sessions/{rows[0]['uid']}".replace("#", "%23"))
        serving = next(row for row in rows if row["item"])
        served = person.get(f"/schools/{SCHOOL}/sessions/{serving['uid']}".replace("#", "%23")).text
        missing = person.get(f"/schools/{SCHOOL}/sessions/нет-такого")
    assert f"Неделя с {monday:%d.%m.%Y}" in week
    assert sorted(re.findall(r'/sessions/([^"]+)">', week)) == sorted(
        str(row["uid"]).replace("#", "%23").replace("А", "%D0%90") for row in in_week)
    assert detail.status_code == 200
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", detail.text))
    for value in (str(rows[0]["title"]), str(rows[0]["staff"]), f"{first:%d.%m.%Y}", f"{rows[0]['start']}–{rows[0]['end']}"):
        assert value in text
    assert f"Мероприятие {rows[0]['activity']} " not in text  # the activity by its Russian name, not its key
    assert f"Пункт дорожной карты {serving['item']}" in re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", served))
    assert missing.status_code == 404


def test_the_compliance_bars_are_the_compliance_report(planned_engine: Engine) -> None:
    report = compliance_report(planned_engine, SCHOOL)
    with server(planned_engine) as url, browser(url, login="coord") as person:
        page = person.get(f"/schools/{SCHOOL}/compliance").text
    for section in re.findall(r'<section class="card compliance" data-class="([^"]+)">(.*?)</section>', page, re.S):
        name, body = section
        rows = [row for row in report.rows if row.class_name == name]
        shown = re.findall(r'data-direction="([^"]+)">.*?(\d+) / (\d+) ч', body, re.S)
        assert shown == [(row.direction, str(row.planned), str(row.required)) for row in rows]
    assert len(re.findall(r'class="card compliance"', page)) == len({row.class_name for row in report.rows})


def test_the_school_page_gives_each_staff_members_hours_in_the_timetable(planned_engine: Engine) -> None:
    """Whom the solver chose shows as each person's hours, the same as the CLI timetable's sessions."""
    led: dict[str, int] = {}
    for row in cli_timetable(planned_engine):
        led[str(row["staff"])] = led.get(str(row["staff"]), 0) + int(str(row["hours"]))
    with server(planned_engine) as url, browser(url, login="coord") as person:
        page = person.get(f"/schools/{SCHOOL}").text
    cells = re.findall(r'<td data-label="ФИО">([^<]+)</td>.*?<td class="number" data-label="Часов в расписании">(\d+)</td>',
                       page, flags=re.S)
    assert cells and {html.unescape(name): int(hours) for name, hours in cells} == {
        name: led.get(name, 0) for name in (html.unescape(name) for name, _ in cells)}
    assert sum(int(hours) for _, hours in cells) == sum(led.values())


def test_a_coordinator_sees_only_their_own_school(planned_engine: Engine) -> None:
    with server(planned_engine) as url, browser(url, login="coord") as person:
        listing = person.get("/schools").text
        assert f'href="/schools/{SCHOOL}"' in listing and f'href="/schools/{OTHER_SCHOOL}"' not in listing
        for path in ("", "/year", "/week", "/compliance", "/schedule", "/timetable.pdf", "/timetable.xlsx"):
            assert person.get(f"/schools/{OTHER_SCHOOL}{path}").status_code == 403, path
        assert person.get("/schools/no-such-school/year").status_code == 404
    with server(planned_engine) as url, browser(url, login="teacher") as person:
        assert person.get(f"/schools/{SCHOOL}/year").status_code == 403
    with server(planned_engine) as url, browser(url, login="komitet") as person:
        listing = person.get("/schools").text
        assert f'href="/schools/{SCHOOL}"' in listing and f'href="/schools/{OTHER_SCHOOL}"' in listing


def test_a_profile_with_an_error_is_shown_at_its_field_and_nothing_is_stored(planned_engine: Engine) -> None:
    with transaction(planned_engine) as session:
        before = session.get_one(School, SCHOOL).profile
    broken = DEMO.read_text(encoding="utf-8").replace("week = 5", "week = 7", 1)
    fixed = DEMO.read_text(encoding="utf-8").replace("students = 27", "students = 30", 1)
    with server(planned_engine) as url, browser(url, login="coord") as person:
        token = person.csrf(f"/schools/{SCHOOL}")
        refused = person.client.post(f"/schools/{SCHOOL}", data={"csrf_token": token},
                                     files={"profile": ("school.toml", broken.encode(), "text/plain")})
        assert refused.status_code == 422
        row = re.search(r'<tr class="invalid" id="field-error"><td data-label="Поле"><code>([^<]+)</code></td>\s*'
                        r'<td[^>]*>([^<]*)</td>\s*<td[^>]*><span class="field-error">([^<]+)</span>', refused.text)
        assert row and row.group(1) == "school.week" and row.group(2) == "7"
        assert "учебная неделя должна быть 5 или 6 дней, указано 7" in row.group(3)
        with transaction(planned_engine) as session:
            assert session.get_one(School, SCHOOL).profile == before  # nothing stored
        other = DEMO.read_text(encoding="utf-8").replace('id = "demo-kudrovo"', f'id = "{OTHER_SCHOOL}"', 1)
        token = person.csrf(f"/schools/{SCHOOL}")
        wrong = person.client.post(f"/schools/{SCHOOL}", data={"csrf_token": token},
                                   files={"profile": ("school.toml", other.encode(), "text/plain")})
        assert wrong.status_code == 422 and "это другая школа" in wrong.text
        token = person.csrf(f"/schools/{SCHOOL}")
        stored = person.client.post(f"/schools/{SCHOOL}", data={"csrf_token": token},
                                    files={"profile": ("school.toml", fixed.encode(), "text/plain")})
        assert stored.status_code == 200 and "Профиль «school.toml» загружен: классов 7" in stored.text
    with transaction(planned_engine) as session:
        classes = session.get_one(School, SCHOOL).profile["classes"]
    assert next(entry["students"] for entry in classes if entry["name"] == "8А") == 30


def test_a_missing_field_and_a_bad_class_entry_are_shown_at_their_place(planned_engine: Engine) -> None:
    text = DEMO.read_text(encoding="utf-8")
    cases = [  # (the file, the field marked, its value shown, the message)
        (text.replace('region = "RU-LEN"\n', "", 1), "school.region", "—", "обязательное поле не указано"),
        (text.replace("grade = 9", "grade = 99", 1), "classes[5].grade", "99", "99"),
        (text.replace("[[slots]]", "[[slot]]", 1), "slot[1].start", "14:20", "нет такого раздела; возможно, slots"),
        (text.replace("[[slots]]", "[[slot]]", 1), "school.course_slot", "14:20", "не начало ни одного из slots"),
    ]
    with server(planned_engine) as url, browser(url, login="coord") as person:
        for content, field, value, message in cases:
            token = person.csrf(f"/schools/{SCHOOL}")
            answer = person.client.post(f"/schools/{SCHOOL}", data={"csrf_token": token},
                                        files={"profile": ("school.toml", content.encode(), "text/plain")})
            assert answer.status_code == 422
            invalid = re.findall(r'<tr class="invalid"[^>]*><td data-label="Поле"><code>([^<]+)</code></td>\s*'
                                 r'<td[^>]*>([^<]*)</td>\s*<td[^>]*><span class="field-error">([^<]+)</span>',
                                 answer.text)
            assert any((shown, text) == (field, value) and message in error for shown, text, error in invalid), invalid


def test_every_error_of_an_uploaded_profile_is_shown_at_its_field(planned_engine: Engine) -> None:
    with transaction(planned_engine) as session:
        before = session.get_one(School, SCHOOL).profile
    broken = (DEMO.read_text(encoding="utf-8").replace("week = 5", "week = 7", 1).replace("grade = 9", "grade = 99", 1)
              .replace('email = "', 'email = "нет почты ', 1).replace("students = 27", "studnets = 27", 1))
    with server(planned_engine) as url, browser(url, login="coord") as person:
        token = person.csrf(f"/schools/{SCHOOL}")
        refused = person.client.post(f"/schools/{SCHOOL}", data={"csrf_token": token},
                                     files={"profile": ("school.toml", broken.encode(), "text/plain")})
    assert refused.status_code == 422
    rows = re.findall(r'<tr class="invalid"[^>]*><td data-label="Поле"><code>([^<]+)</code></td>\s*'
                      r'<td[^>]*>([^<]*)</td>\s*<td[^>]*><span class="field-error">([^<]+)</span>', refused.text)
    marked = {field: (value, message) for field, value, message in rows}
    assert len(rows) == 5 and "5 ошибок" in refused.text, rows
    assert marked["school.week"][1].startswith("учебная неделя должна быть 5 или 6 дней")
    assert marked["classes[5].grade"][0] == "99" and "вне допустимого диапазона" in marked["classes[5].grade"][1]
    assert "не адрес электронной почты" in marked["staff[1].email"][1]
    assert "нет такого поля; возможно, students" in marked["classes[3].studnets"][1]
    assert marked["classes[3].students"][0] == "—"  # the misspelled key leaves the class without students
    assert "обязательное поле не указано" in marked["classes[3].students"][1]
    assert refused.text.count('id="field-error"') == 1
    with transaction(planned_engine) as session:
        assert session.get_one(School, SCHOOL).profile == before  # nothing stored


def form_fields(page: str) -> dict[str, str]:
    """What a browser would send from the profile form as shown: every input's value, each select's choice."""
    inputs = re.findall(r'<input (?:type="hidden" )?name="([^"]+)"[^>]*value="([^"]*)"', page)  # not the checkboxes
    fields = {name: html.unescape(value) for name, value in inputs}
    fields |= {name: value for name, value in re.findall(
        r'<select name="([^"]+)"[^>]*>(?:(?!</select>).)*?<option value="([^"]*)" selected>', page, re.S)}
    return fields


def test_the_profile_forms_round_trip_refuse_every_bad_field_and_store_only_a_valid_profile(
        planned_engine: Engine) -> None:
    with transaction(planned_engine) as session:
        before = session.get_one(School, SCHOOL).profile
    path = f"/schools/{SCHOOL}/profile"
    with server(planned_engine) as url, browser(url, login="coord") as person:
        page = person.get(path).text
        sent = form_fields(page)
        assert sent["classes[1].name"] == before["classes"][0]["name"] and "classes[8].name" in sent  # + a blank row
        assert "class_teacher" not in page and "классный руководитель" in sent["staff[1].roles"]  # Russian, not codes
        # the roles a person may type are listed once under the table, not in every row's label on a phone
        assert page.count("педагог-навигатор, учитель, тьютор") == 1 and 'data-label="Роли"' in page
        assert sent["venues[1].kind"] == before["venues"][0]["kind"] and "актовый зал" in page
        unchanged = person.post(path, sent)
        assert unchanged.status_code == 200 and "Профиль сохранён: классов 7" in unchanged.text
        with transaction(planned_engine) as session:
            assert session.get_one(School, SCHOOL).profile == before  # the form round-trips the profile
        refused = person.post(path, sent | {"classes[2].grade": "99", "staff[1].email": "нет почты",
                                            "slots[1].minutes": "много", "school.closed[1].start": "2024-13-01",
                                            "school.closed[1].end": "2024-01-10"})
        assert refused.status_code == 422 and "4 ошибки" in refused.text
        marked = dict(re.findall(r'<span class="field-error" data-field="([^"]+)">([^<]+)</span>', refused.text))
        assert set(marked) == {"classes[2].grade", "staff[1].email", "slots[1].minutes", "school.closed[1]"}, marked
        assert "вне допустимого диапазона" in marked["classes[2].grade"] and "«много»" in marked["slots[1].minutes"]
        assert 'value="99"' in refused.text  # the form comes back as sent
        with transaction(planned_engine) as session:
            assert session.get_one(School, SCHOOL).profile == before  # nothing stored
        again = form_fields(refused.text)
        fixed = person.post(path, again | {"classes[2].grade": "9", "staff[1].email": "new@school.example",
                                           "slots[1].minutes": "45", "school.closed[1].start": "2024-01-09",
                                           "classes[8].name": "11Б", "classes[8].grade": "11",
                                           "classes[8].students": "20", "classes[8].teacher": before["classes"][0]["teacher"],
                                           "venues[1].delete": "1"})
        assert fixed.status_code == 200 and "Профиль сохранён: классов 8" in fixed.text, fixed.text[-3000:]
    with transaction(planned_engine) as session:
        after = session.get_one(School, SCHOOL).profile
    assert after["classes"][1]["grade"] == 9 and after["classes"][-1]["name"] == "11Б"
    assert after["staff"][0]["email"] == "new@school.example" and after["school"]["closed"][-1] == ["2024-01-09", "2024-01-10"]
    assert len(after["venues"]) == len(before["venues"]) - 1
    assert [entry["leads"] for entry in after["classes"][:7]] == [entry["leads"] for entry in before["classes"]]


def test_the_pdf_lists_every_session_of_the_class_with_dates_and_titles(planned_engine: Engine) -> None:
    rows = timetable(planned_engine, SCHOOL, class_name="8А").placements
    with server(planned_engine) as url, browser(url, login="coord") as person:
        answer = person.get(f"/schools/{SCHOOL}/timetable.pdf", params={"class": "8А"})
        workbook = person.get(f"/schools/{SCHOOL}/timetable.xlsx", params={"staff": STAFF})
        venue = person.get(f"/schools/{SCHOOL}/timetable.pdf", params={"venue": "Актовый зал"})
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/pdf"
    assert "demo-kudrovo-class-8" in answer.headers["content-disposition"]
    with pdfplumber.open(io.BytesIO(answer.content)) as document:
        assert all(page.width == pytest.approx(595, abs=2) and page.height == pytest.approx(842, abs=2)
                   for page in document.pages)  # A4
        text = "\n".join(page.extract_text() or "" for page in document.pages)
        grid_page = " ".join((document.pages[0].extract_text() or "").split())
    # the first page is the year at a glance: weeks × days, each session's start, the days off marked
    assert "Неделя" in grid_page and "Пн Вт Ср Чт Пт" in grid_page and "кан." in grid_page and "празд." in grid_page
    assert f"{rows[0].start:%H:%M}" in grid_page and f"{rows[0].day:%d.%m.%Y}" not in grid_page
    flat = " ".join(text.split())
    assert "класс 8А" in flat and "МОБУ «Кудровский центр образования № 1» (демо)" in flat
    for row in rows:
        assert f"{row.day:%d.%m.%Y}" in flat and f"{row.start:%H:%M}–{row.end:%H:%M}" in flat
    for title in {row.title for row in rows}:
        assert all(word in flat for word in title.split()), title  # a title wraps inside its cell
    assert flat.count(", пн") + flat.count(", вт") + flat.count(", ср") + flat.count(", чт") + flat.count(", пт") \
        + flat.count(", сб") == len(rows)
    book = openpyxl.load_workbook(io.BytesIO(workbook.content))
    sheet_rows = list(book.active.iter_rows(min_row=3, values_only=True))  # type: ignore[union-attr]
    mine = timetable(planned_engine, SCHOOL, staff=STAFF).placements
    assert [(r[0].date(), r[2], r[4], r[7]) for r in sheet_rows] == [(p.day, f"{p.start:%H:%M}", p.title, p.staff)
                                                                     for p in mine]
    assert venue.status_code == 400 and "класса (class=) или сотрудника (staff=)" in venue.text


def wait_for(person: object, path: str, states: set[str], seconds: float = 90,
             seen: list[tuple[str, int, int]] | None = None) -> str:
    """The schedule page once its job is in one of `states` (polled as the page itself polls); the solver's
    progress (stage, done, total) of every look is added to `seen`."""
    deadline = time.monotonic() + seconds
    while True:
        page = person.get(path).text  # type: ignore[attr-defined]
        state = re.search(r'data-state="(\w+)"', page)
        assert state, page[-1500:]
        progress = re.search(r'data-stage="(\w+)" data-done="(\d+)" data-total="(\d+)"', page)
        if progress and seen is not None:
            seen.append((progress[1], int(progress[2]), int(progress[3])))
        if state.group(1) in states or time.monotonic() > deadline:
            return page
        time.sleep(0.5)


def test_a_schedule_job_runs_in_the_background_one_per_school_and_can_be_cancelled(web_engine: Engine) -> None:
    path = f"/schools/{SCHOOL}/schedule"
    with server(web_engine) as url, browser(url, login="coord") as person:
        assert 'data-state="none"' in person.get(path).text
        started = person.post(path, {"time_limit": "10"})
        assert started.status_code == 200 and re.search(r'data-state="(queued|running)"', started.text)
        again = person.post(path, {"time_limit": "10"}, token_from=f"/schools/{SCHOOL}")
        assert again.status_code == 409 and "уже составляется" in error_text(again)
        with browser(url, login="komitet") as other:  # another person sees the same job in the database
            assert re.search(r'data-state="(queued|running)"', other.get(path).text)
        seen: list[tuple[str, int, int]] = []
        done = wait_for(person, path, {"done", "failed"}, seen=seen)
        assert 'data-state="done"' in done, done[-2000:]
        # how many steps a poll catches depends on the machine's speed; every step in order is
        # tests/test_scheduler_progress.py's concern: here the page shows them only forward
        assert seen == sorted(seen, key=lambda p: (p[0] == "days", p[1] / p[2])), seen
        assert seen[-1][0] == "days" and seen[-1][1] == seen[-1][2] > 30  # every week laid out, shown at the end
        assert f"разложено недель {seen[-1][2]} из {seen[-1][2]}" in done
        placements = len(timetable(web_engine, SCHOOL).placements)
        assert f"Занятий в расписании: <strong>{placements}</strong>" in done
        with transaction(web_engine) as session:
            planned = session.exec(select(Timetable).where(Timetable.school_id == SCHOOL,
                                                           Timetable.current == True)).one()  # noqa: E712
        person.post(path, {"time_limit": "60"})
        cancelling = person.post(f"{path}/cancel", {}, token_from=path)
        assert "отменяется" in cancelling.text
        cancelled = wait_for(person, path, {"cancelled", "done", "failed"}, seconds=30)
        assert 'data-state="cancelled"' in cancelled and "расписание не менялось" in cancelled
        nothing = person.post(f"{path}/cancel", {}, token_from=path)
        assert "отменять нечего" in nothing.text
    with transaction(web_engine) as session:
        current = session.exec(select(Timetable).where(Timetable.school_id == SCHOOL,
                                                       Timetable.current == True)).one()  # noqa: E712
    assert current.id == planned.id  # the cancelled solve stored nothing
    assert JobState.CANCELLED.label == "отменено"


def test_a_solve_running_on_sqlite_is_cancelled_at_once(web_engine: Engine) -> None:
    """The solve holds SQLite's write lock for its whole run: the cancel must not wait for it to end."""
    path = f"/schools/{SCHOOL}/schedule"
    with server(web_engine) as url, browser(url, login="coord") as person:
        person.post(path, {"time_limit": "60"})
        seen: list[tuple[str, int, int]] = []
        deadline = time.monotonic() + 60
        while not seen and time.monotonic() < deadline:  # the child is solving once the solver reports
            wait_for(person, path, {"running"}, seconds=1, seen=seen)
        assert seen, "the solver never reported its progress"
        asked = time.monotonic()
        cancelling = person.post(f"{path}/cancel", {}, token_from=path)
        assert "отменяется" in cancelling.text
        cancelled = wait_for(person, path, {"cancelled", "done", "failed"}, seconds=20)
        assert 'data-state="cancelled"' in cancelled, cancelled[-1500:]
        assert time.monotonic() - asked < 15  # not the 60 s the solve was given
    with transaction(web_engine) as session:
        assert session.exec(select(Timetable).where(Timetable.school_id == SCHOOL)).all() == []


def test_staff_subscribe_to_their_own_sessions_with_a_working_qr_code(planned_engine: Engine, tmp_path: Path) -> None:
    settings = Settings(feeds_key_file=tmp_path / "feeds.key")
    with server(planned_engine, settings) as url, browser(url, login="teacher") as person:
        made = person.post("/me/subscriptions", {}, token_from="/me")
        assert made.status_code == 200
        webcal = re.search(r'class="feed-webcal">([^<]+)', made.text)
        https = re.search(r'class="feed-url">([^<]+)', made.text)
        qr = re.search(r'<img class="qr" src="data:image/png;base64,([^"]+)"', made.text)
        assert webcal and https and qr
        assert webcal.group(1) == "webcal://" + https.group(1).split("://", 1)[1]
        [decoded] = zxingcpp.read_barcodes(Image.open(io.BytesIO(base64.b64decode(qr.group(1)))))
        assert decoded.text == webcal.group(1)
        feed = httpx.get(url + "/feeds/" + https.group(1).rsplit("/", 1)[1])
        assert feed.status_code == 200 and "BEGIN:VCALENDAR" in feed.text
        listed = person.get("/me").text
        assert "Подписка " in listed and webcal.group(1) not in listed  # the address is shown once only
        subscription = re.search(r"/me/subscriptions/(\d+)/rotate", listed)
        assert subscription
        rotated = person.post(f"/me/subscriptions/{subscription.group(1)}/rotate", {}, token_from="/me")
        fresh = re.search(r'class="feed-url">([^<]+)', rotated.text)
        assert fresh and fresh.group(1) != https.group(1)
        assert httpx.get(url + "/feeds/" + https.group(1).rsplit("/", 1)[1]).status_code == 404
        revoked = person.post(f"/me/subscriptions/{subscription.group(1)}/revoke", {}, token_from="/me")
        assert "отозвана" in revoked.text
        assert httpx.get(url + "/feeds/" + fresh.group(1).rsplit("/", 1)[1]).status_code == 404
    with server(planned_engine, settings) as url, browser(url, login="komitet") as person:
        assert person.post("/me/subscriptions", {}, token_from="/").status_code == 403


def test_a_coordinator_pins_and_moves_a_session_and_a_forbidden_move_names_the_rule(planned_engine: Engine) -> None:
    rows = [row for row in cli_timetable(planned_engine, "--class", "8А") if not row["series"]]
    chosen = rows[len(rows) // 2]
    path = f"/schools/{SCHOOL}/sessions/{chosen['uid']}".replace("#", "%23")
    with server(planned_engine) as url, browser(url, login="coord") as person:
        page = person.get(path + "?moves=1").text
        options = re.findall(r'<option value="([^"]+)">', page)
        assert f"{chosen['date']}T{chosen['start']}" in options  # where it is now passes every rule too
        sunday = date.fromisoformat(str(chosen["date"])) + timedelta(days=6 - date.fromisoformat(str(chosen["date"])).weekday())
        refused = person.post(path, {"action": "move", "to": f"{sunday.isoformat()}T{chosen['start']}"})
        assert refused.status_code == 409 and "не учебный день" in error_text(refused)
        assert person.post(path, {"action": "pin"}).status_code in (200, 303)
        assert "Закреплено" in person.get(path).text
        target = next(option for option in options[len(options) // 2:] if option != f"{chosen['date']}T{chosen['start']}")
        moved = person.post(path, {"action": "move", "to": target})
        assert moved.status_code == 200 and "перенесено на" in moved.text
    after = next(row for row in cli_timetable(planned_engine, "--class", "8А") if row["uid"] == chosen["uid"])
    assert (f"{after['date']}T{after['start']}", after["pinned"]) == (target, True)
    with server(planned_engine) as url, browser(url, login="komitet") as person:
        assert person.get(path).status_code == 200 and "Перенести" not in person.get(path).text
        assert person.post(path, {"action": "unpin"}, token_from=f"/schools/{SCHOOL}").status_code == 403


def test_a_replan_shows_what_moves_stores_nothing_until_confirmed_then_the_grid_changes(planned_engine: Engine) -> None:
    from calendars.academic import Period
    from scheduler.service import replan

    closed = Period("Закрытие школы", date(2024, 2, 5), date(2024, 2, 9))
    fields = {"start": "2024-02-05", "end": "09.02.2024", "as_of": "2024-01-15"}
    expected = replan(planned_engine, SCHOOL, [closed], as_of=date(2024, 1, 15), preview=True)
    path = f"/schools/{SCHOOL}/replan"

    def current_id() -> int | None:
        with transaction(planned_engine) as session:
            return session.exec(select(Timetable.id).where(Timetable.school_id == SCHOOL, Timetable.current)).one()

    before = current_id()
    with server(planned_engine) as url, browser(url, login="coord") as person:
        bad = person.post(path, {**fields, "end": "31.02.2024", "action": "preview"})
        assert bad.status_code == 400 and "такой даты нет" in error_text(bad)
        preview = person.post(path, {**fields, "action": "preview"})
        assert preview.status_code == 200 and "Пока ничего не сохранено" in preview.text
        shown = re.findall(r'<tr data-kind="([a-z]+)" data-uid="([^"]+)">', preview.text)
        assert sorted(shown) == sorted((c.kind, c.uid) for c in expected.changes)
        assert shown and current_id() == before
        confirmed = person.post(path, {**fields, "action": "confirm"})
        assert confirmed.status_code == 200 and "Перепланировано" in confirmed.text
    assert current_id() != before
    days = {date.fromisoformat(str(row["date"])) for row in cli_timetable(planned_engine)}
    assert not any(day in closed for day in days)
    with transaction(planned_engine) as session:
        assert session.get(School, SCHOOL).closures == [["2024-02-05", "2024-02-09"]]  # type: ignore[union-attr]
    with server(planned_engine) as url, browser(url, login="komitet") as person:
        assert person.get(path).status_code == 403
