"""Shared helpers of the web tests: a store with the real seed roadmaps and schools, accounts, a logged-in client.

The fixtures over these stores are in `web_fixtures` (loaded by the test
modules with `pytest_plugins`).
The server is the composed app `profplan serve` runs (web.app.create_app),
on real uvicorn on a loopback port (feeds_helpers.running_server), and the
clients are plain httpx clients with their own cookie jars, as browsers.
Seeded SQLite stores are built once per test run and copied for each test.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from feeds_helpers import running_server
from playwright.sync_api import Browser as Chromium
from playwright.sync_api import Page
from sqlalchemy.engine import Engine

from calendars.data_files import data_dir
from roadmaps.importer import import_documents
from scheduler.service import load_school
from store.db import open_store
from store.settings import Settings
from tracking.imports import ImportTracker
from web.accounts import Reach, add_user
from web.app import create_app
from web.roles import Role

PASSWORD = "пароль-для-тестов"
SEEDS = data_dir() / "roadmaps"
LEN_SEED = SEEDS / "000_a5b718c3f457eac6.txt"  # RU-LEN, order 2448-р of 09.10.2023
KGD_SEED = SEEDS / "002_f560057f5150190d.txt"  # RU-KGD
LEN_KEY = "2448-р_2023-10-09"
KGD_KEY = "ПД-КПО-242_2023-05-11"
SCHOOL = "demo-kudrovo"
OTHER_SCHOOL = "other-school"
STAFF = "Иванова М. П."
AS_OF = "2024-02-15"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


ACCOUNTS = (
    ("komitet", Role.COMMITTEE, Reach()),
    ("len", Role.COMMITTEE, Reach(region="RU-LEN")),
    ("coord", Role.COORDINATOR, Reach(school_id=SCHOOL)),
    ("teacher", Role.STAFF, Reach(school_id=SCHOOL, staff_name=STAFF)),
)


def add_accounts(engine: Engine, with_schools: bool = True) -> None:
    """One account per role (the coordinator's and the staff member's only where the schools are loaded)."""
    for login, role, reach in ACCOUNTS:
        if with_schools or role is Role.COMMITTEE:
            add_user(engine, login, role, PASSWORD, reach, full_name=f"Тест {login}")


def seed_store(url: str, tmp: Path) -> Engine:
    """Two regions' roadmaps (Leningrad, Kaliningrad), two schools of Leningrad, and one account per role."""
    engine = open_store(url)
    import_documents(engine, [LEN_SEED, KGD_SEED], on_stored=ImportTracker())
    demo = data_dir() / "schools" / "demo.toml"
    load_school(engine, demo)
    other = tmp / "other.toml"
    other.write_text(demo.read_text(encoding="utf-8").replace(f'id = "{SCHOOL}"', f'id = "{OTHER_SCHOOL}"', 1),
                     encoding="utf-8")
    load_school(engine, other)
    add_accounts(engine)
    return engine


@dataclass
class Browser:
    """An httpx client with its own cookies, as one person's browser."""

    client: httpx.Client

    def get(self, path: str, **kwargs: object) -> httpx.Response:
        return self.client.get(path, **kwargs)  # type: ignore[arg-type]

    def csrf(self, path: str) -> str:
        """The CSRF token of the forms on a page."""
        page = self.get(path)
        found = _CSRF.search(page.text)
        assert found, f"no form with a CSRF token on {path}: {page.status_code}"
        return found.group(1)

    def post(self, path: str, data: dict[str, str], token_from: str | None = None, **kwargs: object) -> httpx.Response:
        """POST a form with the CSRF token of the page it is on (`token_from`, default the same path)."""
        return self.client.post(path, data={"csrf_token": self.csrf(token_from or path), **data},
                                **kwargs)  # type: ignore[arg-type]

    def login(self, login: str, password: str = PASSWORD) -> httpx.Response:
        return self.post("/login", {"login": login, "password": password}, token_from="/login")


@contextmanager
def server(engine: Engine, settings: Settings | None = None) -> Iterator[str]:
    """The whole app of `profplan serve` on real uvicorn; yields its base URL."""
    with running_server(create_app(engine, settings or Settings())) as url:  # type: ignore[arg-type]
        yield url


@contextmanager
def browser(url: str, login: str | None = None) -> Iterator[Browser]:
    """A fresh client of the server, logged in as `login` when given."""
    with httpx.Client(base_url=url, follow_redirects=True, timeout=30) as client:
        person = Browser(client)
        if login:
            answer = person.login(login)
            assert answer.status_code == 200 and "/login" not in str(answer.url), answer.text[:500]
        yield person


def error_text(page: httpx.Response) -> str:
    """The Russian message of an error page or a form's error."""
    found = re.search(r'<p class="error"[^>]*>(.*?)</p>', page.text, re.S)
    return re.sub(r"\s+", " ", found.group(1)).strip() if found else ""


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


def open_page(chromium: Chromium, site: str, viewport: dict[str, int] = DESKTOP, login: str | None = "komitet",
              javascript: bool = True) -> Page:
    """A fresh browser context on the site (its own cookies), logged in as `login` when given."""
    context = chromium.new_context(base_url=site, viewport=viewport, accept_downloads=True,  # type: ignore[arg-type]
                                   java_script_enabled=javascript, locale="ru-RU")
    page = context.new_page()
    if login:
        page.goto("/login")
        page.fill("input[name=login]", login)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        assert "/login" not in page.url
    return page


def shot(page: Page, tmp_path: Path, name: str) -> Path:
    """A full-page screenshot in the test's temporary folder (looked at, never compared pixel by pixel)."""
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 1000
    return path


def no_horizontal_scroll(page: Page) -> tuple[int, int]:
    """The page's (scroll width, viewport width); the first must not exceed the second."""
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], (page.url, widths)
    return int(widths[0]), int(widths[1])
