"""Dates as people type them on the command line and in forms: 2024-03-15 or 15.03.2024.

One parser for every date a user gives (the CLI's options, the web's
fields), so both spellings work everywhere and every error names the field.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from calendars.errors import DateInputError

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_RUSSIAN = re.compile(r"^\d{1,2}\.\d{1,2}\.\d{4}$")


def parse_date(text: str, what: str = "дата") -> date:
    """A date written as 2024-03-15 or 15.03.2024, else a Russian error naming the field."""
    value = (text or "").strip()
    try:
        if _ISO.match(value):
            return date.fromisoformat(value)
        if _RUSSIAN.match(value):
            return datetime.strptime(value, "%d.%m.%Y").date()
    except ValueError:
        raise DateInputError(f"{what}: «{text}» — такой даты нет.") from None
    raise DateInputError(f"{what}: «{text}» — неверный формат даты, ожидается ГГГГ-ММ-ДД или ДД.ММ.ГГГГ.")
