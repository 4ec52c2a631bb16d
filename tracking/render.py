"""Russian wording of dates, day counts and the alert e-mails (plain text and HTML).

Kept apart from the alert logic so the wording can be changed, and read in
tests, without touching what is sent to whom.
"""

from __future__ import annotations

from datetime import date
from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tracking.alerts import Alert, Digest

MARK_DONE_HINT = "Отметить выполнение: profplan done {item} --occurrence {due:%Y-%m-%d}"
FOOTER = "Письмо отправлено автоматически системой контроля сроков profplan. Отвечать на него не нужно."


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


def digest_subject(digest: Digest) -> str:
    overdue = sum(alert.row.is_overdue for alert in digest.alerts)
    soon = len(digest.alerts) - overdue
    if digest.role == "controller":
        return f"Контроль исполнения: просрочено мероприятий — {overdue}"
    counts = [f"просрочено — {overdue}" if overdue else "", f"скоро срок — {soon}" if soon else ""]
    return "Сроки мероприятий дорожной карты: " + ", ".join(part for part in counts if part)


def _intro(digest: Digest, as_of: str) -> str:
    if digest.role == "controller":
        return (f"Вы осуществляете контроль за исполнением дорожной карты. На {as_of} "
                "исполнители не выполнили в срок следующие мероприятия:")
    return f"Напоминаем о сроках мероприятий, за которые отвечает {digest.name}, на {as_of}."


def _sections(digest: Digest) -> list[tuple[str, list[Alert]]]:
    overdue = [alert for alert in digest.alerts if alert.row.is_overdue]
    soon = [alert for alert in digest.alerts if not alert.row.is_overdue]
    return [(title, alerts) for title, alerts in (("Просрочено", overdue), ("Скоро срок", soon)) if alerts]


def _facts(alert: Alert, role: str) -> list[tuple[str, str]]:
    """(label, value) lines describing one alert, shared by the text and HTML bodies."""
    row = alert.row
    what = "Отчёт о ходе исполнения" if row.kind == "checkin" else "Срок"
    facts = [
        ("Дорожная карта", row.roadmap_title or row.roadmap_key),
        ("Срок по документу", row.deadline_text),
        (what, f"{row.phase + ': ' if row.phase else ''}{fmt_date(row.due)} — {due_phrase(row.days_overdue)}"),
    ]
    if role == "controller":
        facts.append(("Исполнители", ", ".join(alert.executors) or "не указаны"))
    elif row.controller:
        facts.append(("Контроль", row.controller))
    facts.append(("", MARK_DONE_HINT.format(item=row.item, due=row.due)))
    return facts


def _heading(alert: Alert) -> str:
    number = f"№ {alert.row.number}. " if alert.row.number else ""
    return f"{number}{alert.row.title} [{alert.row.item}]"


def digest_text(digest: Digest, as_of: str) -> str:
    """The plain-text body; `as_of` is the report date as the reader sees it."""
    lines = ["Здравствуйте!", "", _intro(digest, as_of)]
    for title, alerts in _sections(digest):
        lines += ["", f"{title}:"]
        for index, alert in enumerate(alerts, 1):
            lines.append(f"{index}. {_heading(alert)}")
            lines += [f"   {label + ': ' if label else ''}{value}" for label, value in _facts(alert, digest.role)]
    return "\n".join([*lines, "", FOOTER, ""])


def digest_html(digest: Digest, as_of: str) -> str:
    """The same content as `digest_text`, as simple HTML for mail clients that prefer it."""
    parts = ["<html><body>", "<p>Здравствуйте!</p>", f"<p>{escape(_intro(digest, as_of))}</p>"]
    for title, alerts in _sections(digest):
        parts.append(f"<h3>{escape(title)}</h3><ol>")
        for alert in alerts:
            facts = "".join(
                f"<li>{'<b>' + escape(label) + ':</b> ' if label else ''}{escape(value)}</li>"
                for label, value in _facts(alert, digest.role)
            )
            parts.append(f"<li><b>{escape(_heading(alert))}</b><ul>{facts}</ul></li>")
        parts.append("</ol>")
    parts += [f"<p><small>{escape(FOOTER)}</small></p>", "</body></html>"]
    return "\n".join(parts)
