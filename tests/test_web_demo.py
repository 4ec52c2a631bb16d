"""`profplan demo` ends with the web address and logins that work; run again, it keeps the same accounts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from web_helpers import browser, server

from cli import cli
from commands.demo import show_workspace
from store.db import open_store
from web.accounts import list_users


def test_the_demo_prints_the_address_and_logins_that_open_the_workspace(tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "demo.db"
    demo = CliRunner().invoke(cli, ["--db", str(db), "demo", "--feeds-dir", str(tmp_path / "feeds"),
                                    "--time-limit", "20"])
    assert demo.exit_code == 0, demo.output
    tail = demo.output[demo.output.index("5. Рабочее место в браузере"):]
    address = re.search(r"откройте (http://\S+)", tail)
    logins = re.findall(r"Вход: логин (\S+), пароль (\S+) \(([^,]+)", tail)
    assert address and address.group(1) == "http://127.0.0.1:8080/?as_of=2024-02-15"
    assert [(login, role) for login, _, role in logins] == [("komitet", "комитет"), ("koordinator", "координатор школы")]

    engine = open_store(f"sqlite:///{db}")
    show_workspace(engine, "http://127.0.0.1:8080", "demo-kudrovo")  # the demo's last step, run a second time
    assert capsys.readouterr().out.count("Вход: логин") == 2
    assert sorted(account.login for account in list_users(engine)) == ["komitet", "koordinator"]

    with server(engine) as url:
        with browser(url) as person:
            login, password, _ = logins[0]
            answer = person.post("/login", {"login": login, "password": password, "next": "/?as_of=2024-02-15"},
                                 token_from="/login")
            assert answer.status_code == 200 and "Сводка по дорожным картам" in answer.text
            assert answer.text.count('data-label="Дорожная карта"') == 5  # the five seed roadmaps
        with browser(url) as person:
            login, password, _ = logins[1]
            answer = person.post("/login", {"login": login, "password": password}, token_from="/login")
            assert answer.url.path == "/schools/demo-kudrovo" and "Расписание: " in answer.text
