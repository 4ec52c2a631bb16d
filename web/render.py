"""Pages rendered on the server: the Jinja2 environment, its Russian filters and the navigation by role.

Templates are package data (`web/templates`), loaded through the package
so they are found wherever profplan is installed. Autoescaping is on for
every template; values reach the templates already computed by the library
layer, and the filters only format them (dates as ДД.ММ.ГГГГ, Russian
plurals and day counts).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from importlib.resources import files
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined, pass_context, select_autoescape
from jinja2.runtime import Context
from markupsafe import Markup

from calendars.deadlines import kind_name
from tracking.planned import describe as describe_planned
from tracking.wording import counted, due_phrase
from web.roles import Role

MOSCOW = ZoneInfo("Europe/Moscow")
CSRF_FIELD = "csrf_token"


@dataclass(frozen=True)
class NavLink:
    """A link of the top navigation, shown to the roles that may open it."""

    label: str
    path: str
    roles: frozenset[Role]


# One registry of the navigation; pages of later parts add their links here.
NAVIGATION = [
    NavLink("Сводка", "/", frozenset({Role.COMMITTEE})),
    NavLink("Дорожные карты", "/roadmaps", frozenset({Role.COMMITTEE})),
    NavLink("Загрузить", "/roadmaps/import", frozenset({Role.COMMITTEE})),
    NavLink("Просрочено", "/overdue", frozenset({Role.COMMITTEE})),
    NavLink("Исполнители", "/executors", frozenset({Role.COMMITTEE})),
    NavLink("Школы", "/schools", frozenset({Role.COMMITTEE})),
    NavLink("Регион", "/region", frozenset({Role.COMMITTEE})),
    NavLink("Моя школа", "/schools/{school}", frozenset({Role.COORDINATOR})),
    NavLink("Год", "/schools/{school}/year", frozenset({Role.COORDINATOR})),
    NavLink("Неделя", "/schools/{school}/week", frozenset({Role.COORDINATOR})),
    NavLink("Нормы", "/schools/{school}/compliance", frozenset({Role.COORDINATOR})),
    NavLink("Мои занятия", "/me", frozenset({Role.STAFF})),
]


def navigation(role: Role, school: str | None) -> list[tuple[str, str]]:
    return [(link.label, link.path.format(school=school or "")) for link in NAVIGATION if role in link.roles]


def ru_date(day: date | datetime | str | None) -> str:
    """01.09.2023 (also from an ISO date in a result's JSON); a moment in Moscow time with hours and minutes,
    the federal default (tracking.clock)."""
    if day is None:
        return "—"
    if isinstance(day, str):
        day = date.fromisoformat(day)
    if isinstance(day, datetime):
        return day.astimezone(MOSCOW).strftime("%d.%m.%Y %H:%M МСК")
    return day.strftime("%d.%m.%Y")


def combine(first: dict[str, str], second: dict[str, str]) -> dict[str, str]:
    """Query parameters of a link: `first` with `second`'s added (a page's selection on a date link)."""
    return {**first, **second}


def query_string(params: dict[str, str]) -> str:
    return "?" + urlencode(params) if params else ""


@pass_context
def csrf_input(context: Context) -> Markup:
    """The hidden field with the session's CSRF token, for every form that changes something."""
    visit = context["visit"]
    return Markup('<input type="hidden" name="{}" value="{}">').format(CSRF_FIELD, visit.csrf_token)


def asset_urls() -> dict[str, str]:
    """/static/<name>?v=<digest of the file>: browsers may cache a file for as long as it is unchanged."""
    folder = files("web") / "static"
    return {entry.name: f"/static/{entry.name}?v={hashlib.sha256(entry.read_bytes()).hexdigest()[:10]}"
            for entry in folder.iterdir() if entry.is_file()}


def environment() -> Environment:
    env = Environment(loader=PackageLoader("web", "templates"), autoescape=select_autoescape(default_for_string=True,
                      default=True), undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(ru_date=ru_date, due_phrase=due_phrase, query=query_string, kind_name=kind_name, combine=combine,
                       planned=describe_planned)
    env.globals.update(count_of=counted, csrf_input=csrf_input, asset=asset_urls().__getitem__)
    return env


def render(env: Environment, name: str, context: dict[str, Any]) -> str:
    return env.get_template(name).render(context)
