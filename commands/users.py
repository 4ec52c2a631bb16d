"""`profplan user add|list|disable|password`: the accounts of the web workspace."""

from __future__ import annotations

import sys

import click

from commands.base import Context, json_option, out, pass_context, print_json, ru_date, table


@click.group("user")
def user_group() -> None:
    """Учётные записи рабочего места в браузере (profplan serve)."""


def read_password(from_stdin: bool) -> str:
    """The password from the first line of standard input (scripts), else asked twice at a hidden prompt."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(click.prompt("Пароль", hide_input=True, confirmation_prompt="Повторите пароль"))


password_stdin_option = click.option("--password-stdin", is_flag=True,
                                     help="Прочитать пароль из первой строки стандартного ввода (для сценариев).")


@user_group.command("add")
@click.argument("login")
@click.option("--role", required=True, metavar="РОЛЬ",
              help="committee — комитет; coordinator — координатор школы; staff — сотрудник школы.")
@click.option("--region", help="Только для committee: регион, чьи дорожные карты видны (по умолчанию все регионы).")
@click.option("--school", "school_id", metavar="ID", help="Школа координатора или сотрудника (как в profplan school load).")
@click.option("--staff", "staff_name", metavar="ФИО", help="Для staff: сотрудник, как он записан в профиле школы.")
@click.option("--name", "full_name", metavar="ФИО", help="Имя, которое видно на страницах и в отметках.")
@click.option("--email", help="Адрес электронной почты.")
@password_stdin_option
@json_option
@pass_context
def add_command(context: Context, login: str, role: str, region: str | None, school_id: str | None,
                staff_name: str | None, full_name: str | None, email: str | None, password_stdin: bool,
                as_json: bool) -> None:
    """Создать учётную запись с этим логином; пароль спрашивается (или --password-stdin)."""
    from web.accounts import Reach, add_user, parse_role

    chosen = parse_role(role)
    engine = context.store(create=True)
    created = add_user(engine, login, chosen, read_password(password_stdin), Reach(region, school_id, staff_name),
                       full_name=full_name, email=email)
    if as_json:
        print_json(created.to_json())
    else:
        out.print(f"Учётная запись «{created.login}» создана: {created.role.label}, {created.reach}.")


@user_group.command("list")
@json_option
@pass_context
def list_command(context: Context, as_json: bool) -> None:
    """Учётные записи: роль, что видно, последний вход."""
    from web.accounts import list_users

    accounts = list_users(context.engine)
    if as_json:
        print_json([account.to_json() for account in accounts])
        return
    out.print(table("Учётные записи", ["Логин", "Имя", "Роль", "Доступ", "Состояние", "Последний вход"], (
        [a.login, a.full_name or "", a.role.label, a.reach, "действует" if a.active else "отключена",
         ru_date(a.last_login_at.date()) if a.last_login_at else "—"] for a in accounts)))


@user_group.command("disable")
@click.argument("login")
@json_option
@pass_context
def disable_command(context: Context, login: str, as_json: bool) -> None:
    """Отключить учётную запись: вход запрещён, открытые сеансы завершаются."""
    from web.accounts import disable_user

    account = disable_user(context.engine, login)
    if as_json:
        print_json(account.to_json())
    else:
        out.print(f"Учётная запись «{account.login}» отключена; её сеансы завершены.")


@user_group.command("password")
@click.argument("login")
@password_stdin_option
@json_option
@pass_context
def password_command(context: Context, login: str, password_stdin: bool, as_json: bool) -> None:
    """Задать новый пароль; открытые сеансы учётной записи завершаются."""
    from web.accounts import set_password

    engine = context.engine
    account = set_password(engine, login, read_password(password_stdin))
    if as_json:
        print_json(account.to_json())
    else:
        out.print(f"Пароль учётной записи «{account.login}» изменён; её сеансы завершены.")
