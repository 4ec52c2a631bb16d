"""The coordinator's and the staff member's pages in a real browser (Playwright driving Debian's Chromium).

A coordinator uploads a profile with an error and sees it at its field, fixes it, plans the year and watches
the job to its end, opens the year grid (the sessions of `profplan timetable --class`), clicks a session, and
downloads the PDF; re-plans after a closure (preview, then confirm, then the grid) and is refused a move
into a day off with the rule; a staff member subscribes and the QR code on the screen decodes to the feed's address; at
phone width no page scrolls sideways. Every test saves screenshots in its temporary folder.
"""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path
from typing import Any

import pdfplumber
import zxingcpp
from PIL import Image
from playwright.sync_api import Browser
from sqlalchemy.engine import Engine
from web_helpers import PHONE, SCHOOL, no_horizontal_scroll, open_page, server, shot

from calendars.data_files import data_dir
from scheduler.service import timetable
from scheduler.tables import School
from store.db import transaction
from store.settings import Settings

pytest_plugins = ["web_fixtures"]  # the seeded stores and the browser

DEMO = data_dir() / "schools" / "demo.toml"


def test_a_coordinator_fixes_a_profile_plans_the_year_and_reads_the_grid(chromium: Browser, web_engine: Engine,
                                                                         site: str, tmp_path: Path) -> None:
    page = open_page(chromium, site, login="coord")
    assert page.url.endswith(f"/schools/{SCHOOL}")
    broken = tmp_path / "school.toml"
    broken.write_text(DEMO.read_text(encoding="utf-8").replace("students = 27", 'students = "много"', 1),
                      encoding="utf-8")
    page.set_input_files("input[name=profile]", str(broken))
    page.click("button:has-text('Проверить и загрузить')")
    invalid = page.locator("tr.invalid")
    assert invalid.count() == 1
    assert "classes[3].students" in invalid.inner_text() and "много" in invalid.inner_text()
    assert invalid.locator(".field-error").is_visible()
    shot(page, tmp_path, "profile-error")
    page.set_input_files("input[name=profile]", str(DEMO))
    page.click("button:has-text('Проверить и загрузить')")
    page.wait_for_url(f"{site}/schools/{SCHOOL}")
    assert page.is_visible("#messages >> text=загружен: классов 7")

    page.click(".actions >> text=Составить расписание")
    page.select_option("select[name=time_limit]", "10")
    page.click("button:has-text('Составить расписание')")
    page.wait_for_selector("#job[data-state=running], #job[data-state=queued]")
    seen = {page.locator("#job .stage").inner_text()}
    url = page.url
    page.wait_for_selector("#job[data-state=done]", timeout=90_000)  # htmx polls the job; no reload
    assert page.url == url
    seen.add(page.locator("#job .stage").inner_text())
    assert len(seen) == 2 and page.is_visible("#job >> text=Занятий в расписании")
    finished = page.locator("#job .solver-progress")  # the solver's own count, to its end
    assert re.search(r"разложено недель (\d+) из \1", finished.inner_text()), finished.inner_text()
    shot(page, tmp_path, "schedule-done")

    page.click("#job >> text=Открыть год")
    page.wait_for_url(re.compile(r"/year$"))
    first_class = "6А"
    expected = timetable(web_engine, SCHOOL, class_name=first_class).placements
    chips = page.locator("table.year-grid a.chip")
    assert chips.count() == len(expected) > 0
    assert sorted(chips.evaluate_all("nodes => nodes.map(n => n.dataset.uid)")) == sorted(row.uid for row in expected)
    chips.first.click()
    page.wait_for_selector("#session-detail h1")  # htmx put the session's detail under the grid
    assert page.url.endswith("/year")
    assert expected[0].title in page.locator("#session-detail").inner_text()
    shot(page, tmp_path, "year")

    with page.expect_download() as waiting:
        page.click("text=Скачать PDF (A4)")
    path = tmp_path / "timetable.pdf"
    waiting.value.save_as(path)
    with pdfplumber.open(path) as document:
        text = " ".join(" ".join((document_page.extract_text() or "").split()) for document_page in document.pages)
    assert f"класс {first_class}" in text
    assert all(f"{row.day:%d.%m.%Y}" in text for row in expected)


def test_a_coordinator_edits_the_profile_in_the_form_sees_the_error_at_its_field_fixes_it_and_saves(
        chromium: Browser, web_engine: Engine, site: str, tmp_path: Path) -> None:
    page = open_page(chromium, site, login="coord")
    page.click(".actions >> text=Профиль")
    page.wait_for_url(f"{site}/schools/{SCHOOL}/profile")
    students = page.locator('input[name="classes[2].students"]')
    was = students.input_value()
    students.fill("много")
    page.locator('input[name="staff[1].max_hours_per_week"]').fill("99")
    page.click("button:has-text('Проверить и сохранить профиль')")
    cell = page.locator('td.invalid:has(input[name="classes[2].students"])')
    assert cell.locator(".field-error").is_visible() and "«много»" in cell.inner_text()
    assert "вне допустимого диапазона" in page.locator('td.invalid:has(input[name="staff[1].max_hours_per_week"])').inner_text()
    assert page.is_visible("#profile-errors >> text=2 ошибки")
    assert students.input_value() == "много"  # the form comes back as typed
    assert str(stored_table(web_engine)["classes"][1]["students"]) == was  # nothing stored
    shot(page, tmp_path, "profile-form-error")
    page.locator('input[name="classes[2].students"]').fill("31")
    page.locator('input[name="staff[1].max_hours_per_week"]').fill("5")
    page.click("button:has-text('Проверить и сохранить профиль')")
    page.wait_for_selector("#messages >> text=Профиль сохранён")
    assert page.locator("td.invalid").count() == 0 and page.locator('input[name="classes[2].students"]').input_value() == "31"
    stored = stored_table(web_engine)
    assert stored["classes"][1]["students"] == 31 and stored["staff"][0]["max_hours_per_week"] == 5


def stored_table(engine: Engine) -> dict[str, Any]:
    """The school's stored profile table."""
    with transaction(engine) as session:
        return dict(session.get_one(School, SCHOOL).profile)


def test_the_school_pages_at_phone_width_have_no_horizontal_scroll(chromium: Browser, planned_engine: Engine,
                                                                   tmp_path: Path) -> None:
    with server(planned_engine) as url:
        page = open_page(chromium, url, viewport=PHONE, login="coord")
        for name, path in (("school", f"/schools/{SCHOOL}"), ("year", f"/schools/{SCHOOL}/year?class=8А"),
                           ("week", f"/schools/{SCHOOL}/week?date=2023-10-02&class=8А"),
                           ("compliance", f"/schools/{SCHOOL}/compliance"), ("schedule", f"/schools/{SCHOOL}/schedule"),
                           ("profile", f"/schools/{SCHOOL}/profile"),
                           ("schools", "/schools")):
            page.goto(path)
            scroll, width = no_horizontal_scroll(page)
            assert width == PHONE["width"]
            shot(page, tmp_path, f"phone-{name}")


def test_a_staff_member_subscribes_and_the_qr_code_on_screen_decodes_to_the_feed(chromium: Browser,
                                                                               planned_engine: Engine,
                                                                               tmp_path: Path) -> None:
    settings = Settings(feeds_key_file=tmp_path / "feeds.key")
    with server(planned_engine, settings) as url:
        page = open_page(chromium, url, viewport=PHONE, login="teacher")
        assert page.url.endswith("/me")
        page.click("button:has-text('Подписаться на мои занятия')")
        page.wait_for_selector("#issued-feed img.qr")
        webcal = page.locator("a.feed-webcal").inner_text()
        assert webcal.startswith("webcal://127.0.0.1:8080/feeds/") and webcal.endswith(".ics")
        picture = Image.open(io.BytesIO(page.locator("#issued-feed img.qr").screenshot()))
        [decoded] = zxingcpp.read_barcodes(picture)
        assert decoded.text == webcal
        no_horizontal_scroll(page)
        shot(page, tmp_path, "me-subscribed")
        page.goto("/me")
        assert page.locator("ul.subscriptions li").count() == 1 and not page.is_visible("img.qr")
        page.click("button:has-text('Отозвать')")
        page.wait_for_selector("#messages >> text=отозвана")
        assert page.locator("ul.subscriptions li").count() == 0


def test_a_replan_preview_then_confirm_changes_the_grid_and_a_forbidden_move_names_the_rule(
        chromium: Browser, planned_engine: Engine, tmp_path: Path) -> None:
    before = {row.uid: (row.day, row.start) for row in timetable(planned_engine, SCHOOL, class_name="8А").placements}
    with server(planned_engine) as url:
        page = open_page(chromium, url, login="coord")
        page.goto(f"/schools/{SCHOOL}/replan")
        page.fill("#start", "2024-02-05")
        page.fill("#end", "2024-02-09")
        page.fill("#as_of", "2024-01-15")
        page.click("button:has-text('Показать, что изменится')")
        rows = page.locator("#replan-preview tr[data-kind]")
        assert rows.count() > 0 and page.is_visible("text=Пока ничего не сохранено")
        shot(page, tmp_path, "replan-preview")
        assert {row.uid: (row.day, row.start) for row in timetable(planned_engine, SCHOOL, class_name="8А").placements} == before
        page.click("button:has-text('Подтвердить и сохранить')")
        page.wait_for_url(re.compile(r"/year$"))
        assert page.is_visible("#messages >> text=Перепланировано")
        page.goto(f"/schools/{SCHOOL}/year?class=8А")
        after = timetable(planned_engine, SCHOOL, class_name="8А").placements
        shown = page.locator("table.year-grid a.chip").evaluate_all("nodes => nodes.map(n => n.dataset.uid)")
        assert sorted(shown) == sorted(row.uid for row in after)
        assert {row.uid: (row.day, row.start) for row in after} != before
        shot(page, tmp_path, "replan-year")

        movable = next(row for row in after if not row.series and row.day.isoweekday() < 5)
        page.goto(f"/schools/{SCHOOL}/sessions/{movable.uid}".replace("#", "%23"))
        sunday = movable.day.toordinal() + 7 - movable.day.isoweekday()
        page.fill("#move-to", f"{date.fromordinal(sunday).isoformat()}T{movable.start:%H:%M}")
        page.click("button:has-text('Перенести')")
        refusal = page.locator("#session-change .error")
        assert "не учебный день" in refusal.inner_text()
        shot(page, tmp_path, "move-refused")
