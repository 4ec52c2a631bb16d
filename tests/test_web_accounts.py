"""Accounts: `profplan user add|list|disable|password`, Argon2 hashes, and the reach each role is bound to."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text
from sqlalchemy.engine import Engine
from web_helpers import OTHER_SCHOOL, PASSWORD, SCHOOL, STAFF

from cli import cli
from web.accounts import AccountError, Reach, add_user, authenticate, disable_user, ensure_user, list_users, set_password
from web.roles import Role
from web.sessions import load_session, open_session

pytest_plugins = ["web_fixtures"]  # the seeded stores


def run(db: str, *args: str, password: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--db", db, *args], input=password)
    message = result.output + (str(result.exception) if result.exception and result.exit_code == 1 else "")
    return result.exit_code, message


def test_user_commands_add_list_disable_and_change_password(tmp_path: Path) -> None:
    db = str(tmp_path / "accounts.db")
    code, output = run(db, "user", "add", "Komitet", "--role", "committee", "--region", "ru-len", "--name",
                       "Петрова Е. В.", "--email", "petrova@example.org", "--password-stdin", password="верный-пароль\n")
    assert code == 0 and "«komitet» создана: комитет, регион RU-LEN" in output
    code, output = run(db, "user", "list", "--json")
    [listed] = json.loads(output)
    assert listed["login"] == "komitet" and listed["region"] == "RU-LEN" and listed["active"] is True
    assert "password" not in json.dumps(listed)

    code, output = run(db, "user", "password", "komitet", "--password-stdin", password="новый-пароль\n")
    assert code == 0 and "сеансы завершены" in output
    engine_url = f"sqlite:///{db}"
    from store.db import open_store

    engine = open_store(engine_url)
    assert authenticate(engine, "komitet", "верный-пароль") is None
    assert authenticate(engine, "KOMITET", "новый-пароль") is not None  # logins ignore case

    code, output = run(db, "user", "disable", "komitet")
    assert code == 0 and authenticate(engine, "komitet", "новый-пароль") is None
    code, output = run(db, "user", "list")
    assert "отключена" in output


def test_the_password_prompt_asks_twice(tmp_path: Path) -> None:
    db = str(tmp_path / "accounts.db")
    code, output = run(db, "user", "add", "anna", "--role", "committee", password="пароль-раз\nпароль-два\nпароль-раз\nпароль-раз\n")
    assert code == 0 and "Повторите пароль" in output and "создана" in output


@pytest.mark.parametrize(("args", "message"), [
    (["--role", "comittee"], "Неизвестная роль «comittee»: допустимы committee, coordinator, staff. Возможно, имелось в виду: «committee»."),
    (["--role", "coordinator"], "Для роли coordinator укажите школу: --school ID."),
    (["--role", "coordinator", "--school", "demo-kudrov"], "Школа «demo-kudrov» не найдена (загрузите её: profplan school load). "
                                                           "Возможно, имелось в виду: «demo-kudrovo»."),
    (["--role", "staff", "--school", SCHOOL], "Для роли staff укажите сотрудника"),
    (["--role", "staff", "--school", SCHOOL, "--staff", "Иванова М.П."], "В профиле школы «demo-kudrovo» нет сотрудника «Иванова М.П.». "
                                                                          "Возможно, имелось в виду: «Иванова М. П.»"),
    (["--role", "committee", "--school", SCHOOL], "Роль committee не привязывается к школе"),
    (["--role", "committee", "--region", "RU-XXX"], "Неизвестный регион «RU-XXX»"),
    (["--role", "coordinator", "--school", SCHOOL, "--region", "RU-LEN"], "--region задаётся только для роли committee"),
    (["--role", "committee", "--email", "not-an-address"], "--email: «not-an-address» не похоже на адрес"),
])
def test_each_role_needs_its_reach_and_bad_input_is_one_russian_line(web_engine: Engine, args: list[str],
                                                                      message: str) -> None:
    db = web_engine.url.database or ""
    code, output = run(db, "user", "add", "new-person", *args, "--password-stdin", password=f"{PASSWORD}\n")
    assert code == 1 and message in output and "Traceback" not in output
    assert "new-person" not in [account.login for account in list_users(web_engine)]


def test_logins_passwords_and_duplicates_are_checked(web_engine: Engine) -> None:
    with pytest.raises(AccountError, match="не меньше 8 знаков"):
        add_user(web_engine, "short", Role.COMMITTEE, "1234567")
    with pytest.raises(AccountError, match="Логин «с пробелом»"):
        add_user(web_engine, "с пробелом", Role.COMMITTEE, PASSWORD)
    with pytest.raises(AccountError, match="«komitet» уже есть"):
        add_user(web_engine, "Komitet", Role.COMMITTEE, PASSWORD)
    with pytest.raises(AccountError, match="«teacherr» не найдена. Возможно, имелось в виду: «teacher»"):
        disable_user(web_engine, "teacherr")
    with pytest.raises(AccountError, match="Учётная запись «komitett» не найдена. Возможно, имелось в виду: «komitet»"):
        set_password(web_engine, "komitett", PASSWORD)


def test_roles_are_bound_to_what_they_may_see(web_engine: Engine) -> None:
    accounts = {account.login: account for account in list_users(web_engine)}
    assert accounts["komitet"].reach == "все регионы" and accounts["len"].reach == "регион RU-LEN"
    assert accounts["coord"].reach == f"школа {SCHOOL}" and accounts["teacher"].reach == f"школа {SCHOOL}, {STAFF}"
    viewer = accounts["coord"].viewer()
    assert viewer.home == f"/schools/{SCHOOL}" and accounts["teacher"].viewer().home == "/me"
    assert accounts["komitet"].viewer().home == "/"
    other = add_user(web_engine, "other", Role.COORDINATOR, PASSWORD, Reach(school_id=OTHER_SCHOOL))
    assert other.school_id == OTHER_SCHOOL


def test_passwords_are_stored_as_argon2id_hashes_only(web_engine: Engine) -> None:
    with web_engine.connect() as connection:
        stored = connection.execute(text("SELECT password_hash FROM web_user WHERE login = 'komitet'")).scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert authenticate(web_engine, "komitet", PASSWORD) is not None
    assert authenticate(web_engine, "komitet", PASSWORD + "x") is None
    assert authenticate(web_engine, "nobody", PASSWORD) is None


def test_disabling_or_a_new_password_ends_open_sessions(web_engine: Engine) -> None:
    account = authenticate(web_engine, "komitet", PASSWORD)
    assert account is not None
    token = open_session(web_engine, account)
    assert load_session(web_engine, token) is not None
    set_password(web_engine, "komitet", "другой-пароль")
    assert load_session(web_engine, token) is None
    token = open_session(web_engine, account)
    disable_user(web_engine, "komitet")
    assert load_session(web_engine, token) is None


def test_ensure_user_creates_or_resets_the_same_account(web_engine: Engine) -> None:
    first = ensure_user(web_engine, "demo", Role.COMMITTEE, "demo-пароль", full_name="Демо")
    token = open_session(web_engine, first)
    disable_user(web_engine, "demo")
    again = ensure_user(web_engine, "demo", Role.COMMITTEE, "demo-пароль", full_name="Демо")
    assert again.id == first.id and again.active
    assert authenticate(web_engine, "demo", "demo-пароль") is not None
    assert load_session(web_engine, token) is None  # disabling ended it; resetting does not revive it
    assert [a.login for a in list_users(web_engine)].count("demo") == 1
