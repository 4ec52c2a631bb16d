"""Typed reads of TOML tables that name the file and the field in every error.

The school profile and the norms file are written by hand; a typo must come
back as one Russian line saying where it is ("demo.toml: classes[2].grade: …"),
never as a traceback. The calendar, profile, norms and contacts readers share
this one helper.

Files are strict: each reader declares the keys a table may hold
(`FieldReader.only`), so a misspelled optional key is an error naming the
closest valid one («max_hours_per_wek: нет такого поля; возможно,
max_hours_per_week») instead of a default silently taking its place. Entries
of a list are counted from 1 in messages, as people count: «staff[2]» is the
second person (`FieldReader.each`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path
from typing import Any, NoReturn

from calendars.errors import ProfplanError
from calendars.suggest import closest

_MISSING: Any = object()


@dataclass(frozen=True)
class FieldReader:
    """Reads fields of one file; `error` is the exception class raised (ProfileError, NormsError)."""

    path: Path | str
    error: type[ProfplanError]

    def fail(self, where: str, message: str) -> NoReturn:
        raise self.error(f"{self.path}: {where}: {message}")

    def value(self, table: dict[str, Any], key: str, where: str, default: Any = _MISSING) -> Any:
        if key in table:
            return table[key]
        if default is _MISSING:
            near = closest(key, [name for name in table if isinstance(name, str)], limit=1)
            hint = f" (возможно, оно записано как «{_printable(near[0])}»)" if near else ""
            self.fail(self._name(where, key), f"обязательное поле не указано{hint}.")
        return default

    def only(self, table: dict[str, Any], where: str, keys: Iterable[str]) -> None:
        """Refuse every key of `table` that is not one of `keys`, naming the closest valid one.

        `where` is the table's name in messages; "" is the file itself, whose keys are its sections.
        """
        allowed = list(keys)
        for key in table:
            if key not in allowed:
                near = closest(str(key), allowed, limit=1)
                hint = f"; возможно, {near[0]}" if near else f"; допустимы: {', '.join(allowed)}"
                self.fail(self._name(where, _printable(str(key))), f"нет такого {'поля' if where else 'раздела'}{hint}.")

    def each(self, table: dict[str, Any], key: str, where: str = "", default: Any = _MISSING) -> Iterator[tuple[str, dict[str, Any]]]:
        """The entries of an array of tables with their names for messages, counted from 1: ("staff[1]", {...})."""
        for number, entry in enumerate(self.tables(table, key, where, default), start=1):
            yield f"{self._name(where, key)}[{number}]", entry

    def text(self, table: dict[str, Any], key: str, where: str, default: Any = _MISSING) -> str:
        value = self.value(table, key, where, default)
        if not isinstance(value, str) or not value.strip():
            self.fail(self._name(where, key), f"ожидается непустая строка, указано «{value}».")
        return value.strip()

    def integer(
        self, table: dict[str, Any], key: str, where: str, default: Any = _MISSING,
        low: int | None = None, high: int | None = None,
    ) -> int:
        value = self.value(table, key, where, default)
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(self._name(where, key), f"ожидается целое число, указано «{value}».")
        if (low is not None and value < low) or (high is not None and value > high):
            bounds = f"от {low}" if high is None else f"от {low} до {high}" if low is not None else f"не больше {high}"
            self.fail(self._name(where, key), f"значение {value} вне допустимого диапазона ({bounds}).")
        return value

    def flag(self, table: dict[str, Any], key: str, where: str, default: bool) -> bool:
        value = self.value(table, key, where, default)
        if not isinstance(value, bool):
            self.fail(self._name(where, key), f"ожидается true или false, указано «{value}».")
        return value

    def entries(self, table: dict[str, Any], key: str, where: str = "", default: Any = _MISSING) -> list[Any]:
        value = self.value(table, key, where, default)
        if not isinstance(value, list):
            self.fail(self._name(where, key), "ожидается список.")
        return value

    def tables(self, table: dict[str, Any], key: str, where: str = "", default: Any = _MISSING) -> list[dict[str, Any]]:
        entries = self.entries(table, key, where, default)
        for number, entry in enumerate(entries, start=1):
            if not isinstance(entry, dict):
                self.fail(f"{self._name(where, key)}[{number}]", "ожидается таблица [[...]].")
        return entries

    def table(self, table: dict[str, Any], key: str, where: str = "", default: Any = _MISSING) -> dict[str, Any]:
        value = self.value(table, key, where, default)
        if not isinstance(value, dict):
            self.fail(self._name(where, key), "ожидается таблица.")
        return value

    def clock(self, value: Any, where: str) -> time:
        """A local time written "HH:MM"."""
        try:
            hours, minutes = (int(part) for part in str(value).split(":"))
            return time(hours, minutes)
        except ValueError:
            self.fail(where, f"«{value}» не время (ожидается ЧЧ:ММ, например 14:20).")

    def day(self, value: Any, where: str) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.fail(where, f"«{value}» не дата (ожидается ГГГГ-ММ-ДД).")

    def month_day(self, value: Any, where: str) -> tuple[int, int]:
        """A day of the school year written "MM-DD" (checked against a leap year)."""
        try:
            month, day = (int(part) for part in str(value).split("-"))
            date(2024, month, day)
            return month, day
        except ValueError:
            self.fail(where, f"«{value}» не месяц-день (ожидается ММ-ДД, например 10-31).")

    @staticmethod
    def _name(where: str, key: str) -> str:
        return f"{where}.{key}" if where else key


def _printable(name: str) -> str:
    """A key as a message may show it: a quoted TOML key may hold line breaks and other control characters."""
    return name if name.isprintable() else name.encode("unicode_escape").decode("ascii")
