"""The workspace in a real browser: Playwright driving Debian's Chromium against `profplan serve`'s app.

Playwright cannot download its own browser on these machines, so it
launches the system Chromium (`apt-get install chromium`; `.ci/run` installs
it when missing) headless, with the flags that keep it off the closed
network, in a fresh profile (Playwright gives every launch a new
user-data-dir). Every test saves a screenshot in its temporary folder.
Without Chromium the tests are skipped on a developer's machine and fail
under CI, where they must run.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import openpyxl
from playwright.sync_api import Browser, Page
from sqlalchemy.engine import Engine
from sqlmodel import select
from web_helpers import AS_OF, DESKTOP, LEN_KEY, LEN_SEED, PASSWORD, PHONE, open_page, shot

from roadmaps.tables import Roadmap
from store.db import transaction
from tracking.overdue import overdue_report
from tracking.tables import DeadlineOccurrence

pytest_plugins = ["web_fixtures"]  # the seeded stores and the browser


def overdue_count(page: Page) -> int:
    found = re.search(r"просрочено — (\d+)", page.inner_text("#report"))
    assert found, page.inner_text("#report")[:300]
    return int(found.group(1))


def test_log_in_upload_a_seed_see_the_preview_confirm_and_see_its_items(chromium: Browser, web_engine: Engine, site: str,
                                                                        tmp_path: Path) -> None:
    with transaction(web_engine) as session:
        session.delete(session.exec(select(Roadmap).where(Roadmap.key == LEN_KEY)).one())
    page = open_page(chromium, site, login=None)
    page.goto("/")
    assert "/login" in page.url and page.is_visible("text=Вход в profplan")
    page.fill("input[name=login]", "komitet")
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('Войти')")
    page.wait_for_url(f"{site}/")
    assert page.is_visible("h1:has-text('Сводка по дорожным картам')")

    page.click("nav >> text=Загрузить")
    page.set_input_files("input[name=document]", str(LEN_SEED))
    page.click("button:has-text('Показать, как будет прочитан документ')")
    page.wait_for_url(re.compile(r"/roadmaps/import/[\w-]+$"))
    assert page.is_visible(f"text=Ключ в базе: {LEN_KEY}")
    rows = page.locator("table tbody tr")
    assert rows.count() == 44
    thursday = rows.filter(has_text="Россия – мои горизонты").first
    assert "Еженедельно по четвергам" in thursday.inner_text()
    shot(page, tmp_path, "preview")

    page.click("button:has-text('Загрузить в базу')")
    page.wait_for_load_state()
    assert page.is_visible("text=добавлено: 44") and page.is_visible("text=Загружено:")
    shot(page, tmp_path, "result")
    page.click("text=Открыть дорожную карту")
    page.wait_for_url(re.compile(r"/roadmaps/"))
    assert page.locator("table tbody tr").count() == 44
    assert page.is_visible("text=Неделя без турникетов")
    shot(page, tmp_path, "roadmap")


def test_mark_an_overdue_item_done_and_see_it_leave_the_overdue_page(chromium: Browser, web_engine: Engine, site: str,
                                                                     tmp_path: Path) -> None:
    row = overdue_report(web_engine, roadmap=LEN_KEY).rows()[0]
    with transaction(web_engine) as session:
        item = session.get_one(DeadlineOccurrence, row.occurrence_id).item_id
    page = open_page(chromium, site)
    page.goto(f"/overdue?roadmap={LEN_KEY}")
    before = overdue_count(page)
    page.click(f"a[href='/items/{item}'] >> nth=0")
    page.wait_for_url(f"{site}/items/{item}")
    card = page.locator(f"#occ-{row.occurrence_id}")
    card.locator("summary:has-text('Отметить выполнение')").click()
    card.locator("input[name=evidence]").fill("Протокол заседания № 5")
    card.locator("button:has-text('Выполнено')").click()
    page.wait_for_selector(f"#occ-{row.occurrence_id}.changed")  # htmx swapped the occurrence in place
    assert page.url == f"{site}/items/{item}"
    card = page.locator(f"#occ-{row.occurrence_id}")
    assert "выполнен" in card.inner_text() and "Протокол заседания № 5" in card.inner_text()
    assert page.is_visible("#messages >> text=открыт → выполнен")
    shot(page, tmp_path, "done")

    page.goto(f"/overdue?roadmap={LEN_KEY}")
    assert overdue_count(page) == before - 1
    assert row.occurrence_id not in {r.occurrence_id for r in overdue_report(web_engine, roadmap=LEN_KEY).rows()}
    shot(page, tmp_path, "overdue-after")


def test_the_forms_work_without_javascript(chromium: Browser, web_engine: Engine, site: str, tmp_path: Path) -> None:
    row = overdue_report(web_engine, roadmap=LEN_KEY).rows()[0]
    with transaction(web_engine) as session:
        item = session.get_one(DeadlineOccurrence, row.occurrence_id).item_id
    page = open_page(chromium, site, javascript=False)
    page.goto(f"/items/{item}")
    card = page.locator(f"#occ-{row.occurrence_id}")
    card.locator("summary:has-text('Отметить выполнение')").click()
    card.locator("button:has-text('Выполнено')").click()
    page.wait_for_url(re.compile(rf"/items/{item}\?changed={row.occurrence_id}"))
    assert page.is_visible("#messages >> text=открыт → выполнен")
    page.goto(f"/?as_of={AS_OF}")
    assert page.locator("svg.chart rect").count() > 0  # the chart is drawn by the server
    shot(page, tmp_path, "no-javascript")


def test_download_the_xlsx_and_read_it_back(chromium: Browser, web_engine: Engine, site: str, tmp_path: Path) -> None:
    page = open_page(chromium, site)
    page.goto(f"/overdue?as_of={AS_OF}&roadmap={LEN_KEY}")
    shown = page.locator("#report table tbody tr").count()
    with page.expect_download() as waiting:
        page.click("text=Скачать XLSX")
    download = waiting.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    assert path.name == f"overdue-{AS_OF}.xlsx"
    book = openpyxl.load_workbook(path)
    rows = [row for sheet in book.worksheets for row in sheet.iter_rows(min_row=2, values_only=True)]
    expected = overdue_report(web_engine, as_of=date.fromisoformat(AS_OF), roadmap=LEN_KEY).rows()
    assert len(rows) == len(expected) == shown
    assert [(r[2], r[1]) for r in rows] == [(e.item, e.executor) for e in expected]
    shot(page, tmp_path, "overdue")


def test_a_coordinator_is_refused_a_committee_page(chromium: Browser, site: str, tmp_path: Path) -> None:
    page = open_page(chromium, site, login="coord")
    assert page.url.endswith("/schools/demo-kudrovo")
    answer = page.goto("/overdue")
    assert answer is not None and answer.status == 403
    assert page.is_visible("h1:has-text('Доступ запрещён')")
    assert page.is_visible("text=недоступна для роли «координатор школы»")
    shot(page, tmp_path, "refused")


def test_a_post_without_the_csrf_token_is_refused(chromium: Browser, site: str, tmp_path: Path) -> None:
    page = open_page(chromium, site)
    page.goto("/roadmaps")
    page.evaluate("document.querySelector('form[action=\"/logout\"] input[name=csrf_token]').remove()")
    page.click("button:has-text('Выйти')")
    page.wait_for_load_state()
    assert page.is_visible("text=Форма устарела")
    assert page.goto("/roadmaps").status == 200  # still logged in: the forged request changed nothing
    shot(page, tmp_path, "csrf")


def test_the_dashboard_at_phone_width_has_no_horizontal_scroll(chromium: Browser, site: str, tmp_path: Path) -> None:
    for name, viewport in (("dashboard-phone", PHONE), ("dashboard-desktop", DESKTOP)):
        page = open_page(chromium, site, viewport=viewport)
        page.goto("/")
        page.fill("input[name=as_of]", "15.02.2024")  # as Russians write dates; htmx swaps the report in place
        page.click("button:has-text('Показать')")
        page.wait_for_url(re.compile(r"as_of=15\.02\.2024"))
        assert page.locator("#report td[data-label='На дату']").first.inner_text() == "15.02.2024"
        assert page.locator("svg.chart rect").count() > 0
        widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert widths[0] <= widths[1] == viewport["width"], widths
        shot(page, tmp_path, name)
        for path in ("/overdue", "/roadmaps", f"/roadmaps/{LEN_KEY}", "/executors"):
            page.goto(path)
            widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
            assert widths[0] <= widths[1], (path, widths)
