"""What each role may open, enforced by the server on every request: another's page 403, an unknown one 404."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from feeds_helpers import store_timetable
from sqlalchemy.engine import Engine
from sqlmodel import select
from web_helpers import AS_OF, KGD_KEY, LEN_KEY, OTHER_SCHOOL, SCHOOL, STAFF, browser, error_text, server

from feeds.subscriptions import create_subscription
from feeds.tokens import load_key
from roadmaps.tables import Item, Roadmap
from store.db import transaction
from tracking.overdue import overdue_report
from web.roles import Role, Viewer

pytest_plugins = ["web_fixtures"]  # the seeded stores


COMMITTEE_PAGES = ["/", "/roadmaps", "/roadmaps/import", f"/roadmaps/{LEN_KEY}", "/overdue", "/overdue.csv",
                   "/overdue.xlsx", "/executors"]


def item_of(web_engine: Engine, key: str) -> int:
    with transaction(web_engine) as session:
        item = session.exec(select(Item).join(Roadmap).where(Roadmap.key == key).order_by(Item.ordinal)).first()
        assert item is not None and item.id is not None
        return item.id


def test_a_regional_committee_sees_its_region_only(web_store: Engine) -> None:
    kgd_item, len_item = item_of(web_store, KGD_KEY), item_of(web_store, LEN_KEY)
    with server(web_store) as url, browser(url, login="len") as person:
        roadmaps = person.get("/roadmaps").text
        assert LEN_KEY in roadmaps and KGD_KEY not in roadmaps
        assert person.get(f"/roadmaps/{LEN_KEY}").status_code == 200
        assert person.get(f"/items/{len_item}").status_code == 200
        refused = person.get(f"/roadmaps/{KGD_KEY}")
        assert refused.status_code == 403 and "относится к другому региону (RU-KGD)" in error_text(refused)
        assert person.get(f"/items/{kgd_item}").status_code == 403
        assert person.get(f"/overdue?roadmap={KGD_KEY}").status_code == 403
        assert person.get("/roadmaps/НЕТ-ТАКОЙ").status_code == 404
        assert person.get("/items/999999").status_code == 404
        dashboard = person.get(f"/?as_of={AS_OF}").text
        assert LEN_KEY in dashboard and KGD_KEY not in dashboard
        overdue = person.get(f"/overdue?as_of={AS_OF}").text
        assert f"{LEN_KEY}#" in overdue and f"{KGD_KEY}#" not in overdue
        csv = person.get(f"/overdue.csv?as_of={AS_OF}").text
        assert "Ленинградской" in csv and "Калининград" not in csv
        changed = person.post(f"/items/{kgd_item}/done", {"occurrence": "1"}, token_from="/")
        assert changed.status_code == 403
    with server(web_store) as url, browser(url, login="komitet") as person:  # a committee without a region: all
        assert person.get(f"/roadmaps/{KGD_KEY}").status_code == 200
        overdue = person.get(f"/overdue?as_of={AS_OF}").text
        assert f"{LEN_KEY}#" in overdue and f"{KGD_KEY}#" in overdue


def test_the_regional_overdue_rows_are_the_library_rows_of_that_region(web_engine: Engine) -> None:
    from datetime import date

    from web.reports import OverdueQuery, overdue_page

    viewer = Viewer(0, "len", Role.COMMITTEE, "len", region="RU-LEN")
    page = overdue_page(web_engine, viewer, OverdueQuery(as_of=date(2024, 2, 15)), budget=None)
    library = overdue_report(web_engine, as_of=date(2024, 2, 15), roadmap=LEN_KEY)
    assert sorted(row.to_json().items() for row in page.report.rows()) == \
        sorted(row.to_json().items() for row in library.rows())


@pytest.mark.parametrize("path", COMMITTEE_PAGES)
def test_a_coordinator_is_refused_every_committee_page(web_engine: Engine, path: str) -> None:
    with server(web_engine) as url, browser(url, login="coord") as person:
        answer = person.get(path)
        if path == "/":
            assert answer.url.path == f"/schools/{SCHOOL}"  # the landing page sends each role to its own
        else:
            assert answer.status_code == 403 and "недоступна для роли «координатор школы»" in error_text(answer)


def test_a_coordinator_sees_their_school_only(web_store: Engine) -> None:
    with server(web_store) as url, browser(url, login="coord") as person:
        own = person.get(f"/schools/{SCHOOL}")
        assert own.status_code == 200 and "Кудровский" in own.text and "8А" in own.text
        assert "уровень профминимума: основной" in own.text and "педагог-навигатор" in own.text
        assert "class_teacher" not in own.text and ">main<" not in own.text  # names, not identifiers
        other = person.get(f"/schools/{OTHER_SCHOOL}")
        assert other.status_code == 403 and "доступны только её сотрудникам" in error_text(other)
        assert person.get("/schools/no-such-school").status_code == 404
        assert person.get("/me").status_code == 403
        item = item_of(web_store, LEN_KEY)
        assert person.post(f"/items/{item}/done", {"occurrence": "1"}, token_from=f"/schools/{SCHOOL}").status_code == 403


def test_staff_see_their_own_sessions_only(web_engine: Engine) -> None:
    from datetime import timedelta

    from feeds_helpers import PlannedRow

    from tracking.clock import today_in

    today = today_in("RU-LEN")
    rows = [PlannedRow("8А/own", "8А", "Своё занятие", today + timedelta(days=2), "14:20", "15:05", STAFF),
            PlannedRow("8Б/other", "8Б", "Чужое занятие", today + timedelta(days=2), "15:15", "16:00", "Попова Е. С."),
            PlannedRow("8А/later", "8А", "Через два месяца", today + timedelta(days=60), "14:20", "15:05", STAFF)]
    with transaction(web_engine) as session:
        store_timetable(session, SCHOOL, rows)
    with server(web_engine) as url, browser(url, login="teacher") as person:
        assert person.get("/").url.path == "/me"
        mine = person.get("/me").text
        assert "Своё занятие" in mine and "Чужое занятие" not in mine and "Через два месяца" not in mine
        for path in (f"/schools/{SCHOOL}", "/overdue", "/roadmaps"):
            assert person.get(path).status_code == 403
    with server(web_engine) as url, browser(url, login="komitet") as person:  # the committee of the region
        assert person.get(f"/schools/{SCHOOL}").status_code == 200
        assert person.get("/me").status_code == 403


def test_feeds_stay_reachable_by_token_without_login(web_engine: Engine, tmp_path: Path) -> None:
    created = create_subscription(web_engine, "school", SCHOOL, key=load_key(tmp_path / "feeds.key"),
                                  base="http://127.0.0.1")
    with transaction(web_engine) as session:
        store_timetable(session, SCHOOL, [])
    with server(web_engine) as url, httpx.Client(base_url=url) as client:
        feed = client.get(f"/feeds/{created.token}.ics")
        assert feed.status_code == 200 and feed.text.startswith("BEGIN:VCALENDAR")
        assert "set-cookie" not in feed.headers and "content-security-policy" not in feed.headers
        unknown = client.get("/feeds/" + "x" * 43 + ".ics")
        assert unknown.status_code == 404 and unknown.content == b""
        page = client.get("/no/such/page")
        assert page.status_code == 404 and "Такой страницы нет" in page.text
        assert client.get(f"/roadmaps/{LEN_KEY}").status_code == 303  # pages are not: to the login


def test_pages_carry_headers_that_keep_them_private(web_engine: Engine) -> None:
    with server(web_engine) as url, browser(url, login="komitet") as person:
        page = person.get("/")
        assert page.headers["cache-control"] == "no-store" and page.headers["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
        style = person.get("/static/style.css")
        assert style.status_code == 200 and "@media print" in style.text and "no-store" not in style.headers.get(
            "cache-control", "")
        assert person.get("/static/htmx.min.js").text.startswith("var htmx=")
