"""Logging in and out over real HTTP: signed cookies, CSRF on every changing form, throttling, expiry, the secret."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import text, update
from sqlalchemy.engine import Engine
from web_helpers import PASSWORD, browser, error_text, server

from store.db import open_store, transaction
from store.settings import Settings
from web.sessions import IDLE_TIMEOUT
from web.signing import secret_key
from web.tables import LoginThrottle, WebSession
from web.throttle import MAX_FAILURES

pytest_plugins = ["web_fixtures"]  # the seeded stores


def cookie_header(answer: httpx.Response, name: str) -> str:
    """The Set-Cookie header of the answer that set the cookie (the first of a redirect chain)."""
    first = answer.history[0] if answer.history else answer
    found = [value for key, value in first.headers.multi_items() if key == "set-cookie" and value.startswith(f"{name}=")]
    assert found, f"no {name} cookie"
    return found[0]


def test_login_sets_a_signed_httponly_samesite_cookie_and_logout_ends_the_session(committee_store: Engine) -> None:
    engine = committee_store
    with server(engine) as url, browser(url) as person:
        first = person.get("/overdue?as_of=2024-02-15")
        assert first.url.path == "/login" and "next=%2Foverdue%3Fas_of%3D2024-02-15" in str(first.url)
        answer = person.post("/login", {"login": "komitet", "password": PASSWORD, "next": "/overdue?as_of=2024-02-15"},
                             token_from=str(first.url.raw_path, "ascii"))
        assert answer.status_code == 200 and answer.url.path == "/overdue" and "Просроченные сроки" in answer.text
        cookie = cookie_header(answer, "profplan_session")
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie and "Max-Age=" in cookie
        value = person.client.cookies["profplan_session"]
        token, _, signature = value.rpartition(".")
        with engine.connect() as connection:
            stored = connection.execute(text("SELECT token_hash FROM web_session")).scalars().all()
        assert len(stored) == 1 and token not in stored[0] and len(signature) >= 40

        person.client.cookies.set("profplan_session", f"{token}.{'A' * len(signature)}")  # a forged signature
        assert person.get("/").url.path == "/login"
        person.client.cookies.set("profplan_session", value)
        assert person.get("/").url.path == "/"

        out = person.post("/logout", {}, token_from="/")
        assert out.url.path == "/login" and "Вы вышли" in out.text
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM web_session")).scalar_one() == 0
        person.client.cookies.set("profplan_session", value)  # the old cookie opens nothing any more
        assert person.get("/").url.path == "/login"


def test_the_cookie_is_secure_when_the_site_is_reached_over_https(web_engine: Engine) -> None:
    with server(web_engine) as url, browser(url) as person:
        # uvicorn trusts X-Forwarded-Proto from 127.0.0.1, as behind a local TLS proxy
        token = person.csrf("/login")
        answer = person.client.post("/login", data={"csrf_token": token, "login": "komitet", "password": PASSWORD},
                                    headers={"x-forwarded-proto": "https"}, follow_redirects=False)
        assert answer.status_code == 303
        assert "Secure" in cookie_header(answer, "profplan_session")


def test_a_post_without_the_csrf_token_is_refused(web_engine: Engine) -> None:
    with server(web_engine) as url, browser(url, login="komitet") as person:
        item = person.get("/roadmaps/2448-р_2023-10-09").text.split('href="/items/')[1].split('"')[0]
        for data in ({"occurrence": "1"}, {"occurrence": "1", "csrf_token": "forged"}):
            refused = person.client.post(f"/items/{item}/done", data=data)
            assert refused.status_code == 403 and "Форма устарела" in error_text(refused)
        refused = person.client.post("/logout", data={})
        assert refused.status_code == 403
        assert person.get("/").url.path == "/"  # still logged in
        with web_engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM occurrence_event")).scalar_one() == 0


def test_the_login_form_itself_needs_its_token(web_engine: Engine) -> None:
    with server(web_engine) as url, browser(url) as person:
        answer = person.client.post("/login", data={"login": "komitet", "password": PASSWORD})
        assert answer.status_code == 403 and "Форма входа устарела" in error_text(answer)
        assert "profplan_session" not in person.client.cookies


def test_wrong_passwords_lock_the_account_and_address_for_a_minute(committee_store: Engine) -> None:
    engine = committee_store
    with server(engine) as url, browser(url) as person:
        for _ in range(MAX_FAILURES - 1):
            wrong = person.post("/login", {"login": "komitet", "password": "неверный"}, token_from="/login")
            assert wrong.status_code == 401 and "Неверное имя пользователя или пароль" in error_text(wrong)
        locked = person.post("/login", {"login": "komitet", "password": "неверный"}, token_from="/login")
        assert locked.status_code == 429 and "Подождите" in error_text(locked)
        assert 55 <= int(locked.headers["retry-after"]) <= 60
        # while it waits, even the right password is not looked at
        right = person.post("/login", {"login": "komitet", "password": PASSWORD}, token_from="/login")
        assert right.status_code == 429 and "profplan_session" not in person.client.cookies
        # the address waits too, whatever account it tries
        other = person.post("/login", {"login": "len", "password": PASSWORD}, token_from="/login")
        assert other.status_code == 429
        with transaction(engine) as session:  # a minute later
            session.execute(update(LoginThrottle).values(locked_until=datetime.now(UTC) - timedelta(seconds=1)))
        assert person.login("komitet").url.path == "/"


def test_the_counters_are_shared_by_every_server_process(web_engine: Engine) -> None:
    second = open_store(web_engine.url.render_as_string(hide_password=False))
    with server(web_engine) as first_url, server(second) as second_url:
        for attempt in range(MAX_FAILURES):
            url = (first_url, second_url)[attempt % 2]
            with browser(url) as person:
                person.post("/login", {"login": "len", "password": "неверный"}, token_from="/login")
        with browser(first_url) as person, browser(second_url) as another:
            assert person.post("/login", {"login": "len", "password": PASSWORD}, token_from="/login").status_code == 429
            assert another.post("/login", {"login": "len", "password": PASSWORD}, token_from="/login").status_code == 429


def test_sessions_expire_after_idle_time(web_engine: Engine) -> None:
    with server(web_engine) as url, browser(url, login="komitet") as person:
        assert person.get("/").url.path == "/"
        with transaction(web_engine) as session:
            session.execute(update(WebSession).values(last_seen_at=datetime.now(UTC) - IDLE_TIMEOUT))
        assert person.get("/").url.path == "/login"
        assert person.login("komitet").url.path == "/"
        with transaction(web_engine) as session:
            session.execute(update(WebSession).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
        assert person.get("/executors").url.path == "/login"


def test_after_login_only_a_path_of_this_site_is_followed(web_engine: Engine) -> None:
    with server(web_engine) as url, browser(url) as person:
        answer = person.post("/login", {"login": "coord", "password": PASSWORD, "next": "//evil.example/"},
                             token_from="/login")
        assert answer.url.path == "/schools/demo-kudrovo" and str(answer.url).startswith(url)


def test_the_signing_key_is_generated_once_and_shared_unless_configured(web_engine: Engine) -> None:
    first = secret_key(web_engine, Settings())
    assert len(first) >= 40 and secret_key(web_engine, Settings()) == first
    assert secret_key(web_engine, Settings(secret_key="operator-key")) == "operator-key"
    second = open_store(web_engine.url.render_as_string(hide_password=False))
    with server(web_engine) as first_url, server(second) as second_url:
        with browser(first_url, login="komitet") as person:
            cookie = person.client.cookies["profplan_session"]
        with httpx.Client(base_url=second_url, cookies={"profplan_session": cookie}) as other:
            assert other.get("/").status_code == 200  # a session opened on one process is valid on the other
    with server(web_engine, Settings(secret_key="another-key")) as url:
        with httpx.Client(base_url=url, cookies={"profplan_session": cookie}) as other:
            assert other.get("/", follow_redirects=False).status_code == 303  # signed with another key: refused


def test_settings_read_the_secret_key_from_the_environment_and_never_pass_none() -> None:
    settings = Settings.from_environment({"PROFPLAN_SECRET_KEY": "from-env"})
    assert settings.secret_key == "from-env"
    assert Settings.from_environment(settings.environment()) == settings
    assert "PROFPLAN_SECRET_KEY" not in Settings().environment()
    assert "from-env" not in repr(settings)


@pytest.mark.parametrize("path", ["/", "/roadmaps", "/overdue", "/overdue.xlsx", "/executors", "/items/1", "/me",
                                  "/schools/demo-kudrovo", "/roadmaps/import"])
def test_every_page_sends_anonymous_visitors_to_the_login(web_engine: Engine, path: str) -> None:
    with server(web_engine) as url, httpx.Client(base_url=url) as client:
        answer = client.get(path)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/login")
