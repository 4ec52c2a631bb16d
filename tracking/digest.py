"""The layout of an alert digest: what one person is told in one letter, in Russian, plain text and HTML.

A letter fits a screen: its counts (overdue, due soon), then the most urgent
items (20 by default), each with how to mark it done, and the full list as an
attached XLSX when there are more. Kept apart from the alert bookkeeping
(`tracking.alerts`) and from delivery (`tracking.channels`), so the wording
and layout can be changed, and read in tests, without touching what is sent
to whom or how.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any
from urllib.parse import urlencode

from store.workbook import XLSX_MEDIA_TYPE
from tracking.channels import Attachment, Letter
from tracking.export import xlsx_bytes
from tracking.overdue import DueRow
from tracking.planned import describe
from tracking.policy import AlertStage
from tracking.values import Audience
from tracking.wording import due_phrase, fmt_date

DIGEST_LIMIT = 20
MARK_DONE_HINT = "Отметить выполнение: profplan done {item} --occurrence {due:%Y-%m-%d}"
LINK_LABEL = "Список в рабочем месте profplan"
FOOTER = "Письмо отправлено автоматически системой контроля сроков profplan. Отвечать на него не нужно."


@dataclass(frozen=True)
class Alert:
    """One occurrence at one stage in one digest."""

    stage: AlertStage
    row: DueRow
    executors: tuple[str, ...]
    retry: bool

    def to_json(self) -> dict[str, Any]:
        return {"stage": self.stage.kind, "step": self.stage.step, "retry": self.retry,
                "executors": list(self.executors), **self.row.to_json()}


@dataclass(frozen=True)
class Digest:
    """Everything one address is told in one run, in one role; alerts most urgent first."""

    role: Audience
    recipient: str
    name: str
    alerts: list[Alert]

    @property
    def overdue(self) -> int:
        return sum(alert.row.is_overdue for alert in self.alerts)

    @property
    def soon(self) -> int:
        return len(self.alerts) - self.overdue

    @property
    def escalation(self) -> bool:
        return self.role is Audience.CONTROLLER


def subject(digest: Digest) -> str:
    if digest.escalation:
        return f"Контроль исполнения: просрочено мероприятий — {digest.overdue}"
    counts = [f"просрочено — {digest.overdue}" if digest.overdue else "", f"скоро срок — {digest.soon}" if digest.soon else ""]
    return "Сроки мероприятий дорожной карты: " + ", ".join(part for part in counts if part)


def summary_line(digest: Digest) -> str:
    """One line for a dry run: recipient, counts, whether it is an escalation and what is attached."""
    parts = [f"просрочено {digest.overdue}", f"скоро срок {digest.soon}"]
    if digest.escalation:
        parts.append("эскалация контролёру")
    if len(digest.alerts) > DIGEST_LIMIT:
        parts.append(f"в письме {DIGEST_LIMIT} самых срочных, все {len(digest.alerts)} — во вложении XLSX")
    return f"{digest.name} <{digest.recipient}> ({digest.role.label}): " + ", ".join(parts)


def letter(digest: Digest, as_of: str, limit: int = DIGEST_LIMIT, web_url: str | None = None) -> Letter:
    """The letter of a digest; `as_of` is the report date as the reader sees it; with the workspace's address
    (`web_url`) the letter links to the reader's list on its overdue page."""
    attachments = (Attachment("сроки.xlsx", xlsx_bytes([alert.row for alert in digest.alerts]), XLSX_MEDIA_TYPE),
                   ) if len(digest.alerts) > limit else ()
    link = overdue_link(digest, web_url)
    return Letter(digest.recipient, digest.name, subject(digest), digest_text(digest, as_of, limit, link),
                  digest_html(digest, as_of, limit, link), attachments)


def overdue_link(digest: Digest, web_url: str | None) -> str | None:
    """The workspace's /overdue for this letter's reader: an executor's own rows, a controller's roadmap
    (when the escalation is of one roadmap); None without a web address."""
    if not web_url:
        return None
    roadmaps = {alert.row.roadmap_key for alert in digest.alerts}
    if not digest.escalation:
        params = {"executor": digest.name}
    else:
        params = {"roadmap": next(iter(roadmaps))} if len(roadmaps) == 1 else {}
    return f"{web_url.rstrip('/')}/overdue" + (f"?{urlencode(params)}" if params else "")


def _intro(digest: Digest, as_of: str) -> str:
    if digest.escalation:
        return (f"Вы осуществляете контроль за исполнением дорожной карты. На {as_of} исполнители не выполнили в срок "
                f"мероприятий: {digest.overdue}.")
    return (f"Напоминаем о сроках мероприятий, за которые отвечает {digest.name}, на {as_of}: просрочено — "
            f"{digest.overdue}, скоро срок — {digest.soon}.")


def _rest(digest: Digest, limit: int) -> str:
    hidden = len(digest.alerts) - limit
    return f"Ещё {hidden} — в приложенной таблице XLSX (там все {len(digest.alerts)})." if hidden > 0 else ""


def _sections(digest: Digest, limit: int) -> list[tuple[str, list[Alert]]]:
    shown = digest.alerts[:limit]
    overdue = [alert for alert in shown if alert.row.is_overdue]
    soon = [alert for alert in shown if not alert.row.is_overdue]
    return [(title, alerts) for title, alerts in (("Просрочено", overdue), ("Скоро срок", soon)) if alerts]


def _facts(alert: Alert, role: Audience) -> list[tuple[str, str]]:
    """(label, value) lines describing one alert, shared by the text and HTML bodies."""
    row = alert.row
    what = "Отчёт о ходе исполнения" if row.kind == "checkin" else "Срок"
    facts = [
        ("Дорожная карта", row.roadmap_title or row.roadmap_key),
        ("Срок по документу", " ".join(row.deadline_text.split())),
        (what, f"{row.phase + ': ' if row.phase else ''}{fmt_date(row.due)} — {due_phrase(row.days_overdue)}"),
    ]
    if row.planned:
        facts.append(("В расписании школ", describe(row.planned).removeprefix("запланировано: ")
                      + " (запланированное ещё не выполнение)"))
    if role is Audience.CONTROLLER:
        facts.append(("Исполнители", ", ".join(alert.executors) or "не указаны"))
    elif row.controller:
        facts.append(("Контроль", row.controller))
    facts.append(("", MARK_DONE_HINT.format(item=row.item, due=row.due)))
    return facts


def _heading(alert: Alert) -> str:
    number = f"№ {alert.row.number}. " if alert.row.number else ""
    return f"{number}{' '.join(alert.row.title.split())} [{alert.row.item}]"


def digest_text(digest: Digest, as_of: str, limit: int = DIGEST_LIMIT, link: str | None = None) -> str:
    """The plain-text body (with the link to the list on the workspace, when given)."""
    lines = ["Здравствуйте!", "", _intro(digest, as_of)]
    if link:
        lines += ["", f"{LINK_LABEL}: {link}"]
    for title, alerts in _sections(digest, limit):
        lines += ["", f"{title}:"]
        for index, alert in enumerate(alerts, 1):
            lines.append(f"{index}. {_heading(alert)}")
            lines += [f"   {label + ': ' if label else ''}{value}" for label, value in _facts(alert, digest.role)]
    rest = _rest(digest, limit)
    return "\n".join([*lines, *(["", rest] if rest else []), "", FOOTER, ""])


def digest_html(digest: Digest, as_of: str, limit: int = DIGEST_LIMIT, link: str | None = None) -> str:
    """The same content as `digest_text`, as simple HTML for mail clients that prefer it."""
    parts = ["<html><body>", "<p>Здравствуйте!</p>", f"<p>{escape(_intro(digest, as_of))}</p>"]
    if link:
        parts.append(f'<p><a href="{escape(link)}">{escape(LINK_LABEL)}</a></p>')
    for title, alerts in _sections(digest, limit):
        parts.append(f"<h3>{escape(title)}</h3><ol>")
        for alert in alerts:
            facts = "".join(
                f"<li>{'<b>' + escape(label) + ':</b> ' if label else ''}{escape(value)}</li>"
                for label, value in _facts(alert, digest.role)
            )
            parts.append(f"<li><b>{escape(_heading(alert))}</b><ul>{facts}</ul></li>")
        parts.append("</ol>")
    rest = _rest(digest, limit)
    if rest:
        parts.append(f"<p>{escape(rest)}</p>")
    parts += [f"<p><small>{escape(FOOTER)}</small></p>", "</body></html>"]
    return "\n".join(parts)
