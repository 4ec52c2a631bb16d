"""The kinds of feed a subscription can follow: one registry for the command line, the lists and the collectors.

A light module (no database, no iCalendar) so `profplan subscribe --help`
builds its options from it; `feeds.collect.TARGETS` maps every kind to the
code that resolves, names and collects its targets.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class FeedKind(StrEnum):
    EXECUTOR = "executor"
    SCHOOL = "school"
    CLASS = "class"
    STAFF = "staff"

    @property
    def info(self) -> KindInfo:
        return KINDS[self]

    @property
    def label(self) -> str:
        return KINDS[self].title


@dataclass(frozen=True)
class KindInfo:
    """How a kind is named to people: in lists, and as the `subscribe` option that picks it."""

    title: str
    metavar: str
    help: str
    # Whether the target lives in one school (its feed follows that school's timetable).
    in_school: bool


KINDS: dict[FeedKind, KindInfo] = {
    FeedKind.EXECUTOR: KindInfo("исполнитель", "НАЗВАНИЕ", "Исполнитель (организация) из дорожных карт: сроки его пунктов.",
                                in_school=False),
    FeedKind.SCHOOL: KindInfo("школа", "ID_ШКОЛЫ", "Школа: все занятия и сроки пунктов, которые они выполняют.",
                              in_school=True),
    FeedKind.CLASS: KindInfo("класс", "ШКОЛА/КЛАСС", "Класс, например demo-kudrovo/8А: его занятия и их сроки.",
                             in_school=True),
    FeedKind.STAFF: KindInfo("сотрудник", "ФИО|ШКОЛА/ФИО", "Сотрудник: занятия, которые он ведёт, и их сроки.",
                             in_school=True),
}
