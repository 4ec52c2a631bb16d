"""Russian wording shared by every tracking report and letter: dates, day counts, states, cut titles.

No layout and no data access here, so reports, digests and feeds phrase the
same fact the same way, and the wording can be read and changed in one place.
"""

from __future__ import annotations

from datetime import date

ELLIPSIS = "…"


def fmt_date(day: date) -> str:
    return f"{day:%d.%m.%Y}"


def plural(count: int, one: str, few: str, many: str) -> str:
    """Russian noun form for a count: 1 день, 2 дня, 5 дней, 11 дней, 21 день."""
    tens, units = count % 100, count % 10
    if units == 1 and tens != 11:
        return one
    if 2 <= units <= 4 and not 12 <= tens <= 14:
        return few
    return many


def days(count: int) -> str:
    return f"{count} {plural(count, 'день', 'дня', 'дней')}"


def due_phrase(days_overdue: int) -> str:
    """"просрочено на 3 дня", "срок сегодня", "срок завтра", "через 5 дней"."""
    if days_overdue > 0:
        return f"просрочено на {days(days_overdue)}"
    if days_overdue == 0:
        return "срок сегодня"
    if days_overdue == -1:
        return "срок завтра"
    return f"через {days(-days_overdue)}"


def cut(text: str, limit: int) -> str:
    """One line of at most `limit` characters, cut at a word boundary with «…» when longer.

    Line breaks and runs of spaces become single spaces; a single word longer
    than the limit is cut inside it, since nothing better fits.
    """
    line = " ".join(text.split())
    if len(line) <= limit:
        return line
    room = line[: max(limit - len(ELLIPSIS), 1) + 1]
    head = room.rsplit(" ", 1)[0] if " " in room else room[:-1]
    return head.rstrip(" ,;:—–-.") + ELLIPSIS


def occurrence_what(kind: str, phase: str | None, due: date) -> str:
    """Russian: "31.10.2023", "отчёт 31.12.2023" or "Создание: 31.12.2020"."""
    label = f"{'отчёт ' if kind == 'checkin' else ''}{fmt_date(due)}"
    return f"{phase}: {label}" if phase else label


def counted(count: int, one: str, few: str, many: str) -> str:
    """"1 срок", "3 срока", "12 сроков"."""
    return f"{count} {plural(count, one, few, many)}"
