"""E-mail alerts: one digest per executor, escalation digests for controllers, each alert sent once.

An alert is (occurrence, stage, address). Stages make "not twice" and
"again after a while" the same rule: an occurrence due in 7 days is at stage
"soon:7", tomorrow "soon:1", overdue for the first week "overdue:0", the second
week "overdue:1", and so on (like OpenProject's date alerts and Redmine's
reminder digests). After the grace period the same counting runs for the
roadmap's controller ("escalation:N"). A stage already sent to an address is
never sent again; a failed one stays recorded as failed and goes out on the
next run that still finds it due. Each digest is recorded in its own
transaction right after the SMTP server accepted or refused it, so an
interrupted run keeps what it sent.
"""

from __future__ import annotations

import smtplib
from collections import Counter
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from roadmaps.executors import executor_key
from roadmaps.tables import Item, Roadmap
from store.db import transaction
from tracking.clock import AsOf, utc_now
from tracking.contacts import controller_contacts, executor_contacts
from tracking.errors import AlertDeliveryError, TrackingError
from tracking.overdue import NO_EXECUTOR, DueRow, due_rows
from tracking.policy import AlertPolicy
from tracking.render import digest_html, digest_subject, digest_text
from tracking.state import report_as_of, still_open
from tracking.tables import AlertDelivery, DeadlineOccurrence

ROLE_NAMES = {"executor": "исполнитель", "controller": "контролирующее лицо"}
SMTP_TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class Alert:
    """One occurrence at one stage in one digest."""

    stage: str
    row: DueRow
    executors: tuple[str, ...]
    retry: bool

    def to_json(self) -> dict[str, Any]:
        return {"stage": self.stage, "retry": self.retry, "executors": list(self.executors), **self.row.to_json()}


@dataclass(frozen=True)
class Digest:
    """Everything one address is told in one run, in one role."""

    role: str
    recipient: str
    name: str
    alerts: list[Alert]

    def message(self, sender: str, as_of: str) -> EmailMessage:
        """A multipart/alternative e-mail: Russian plain text and the same as HTML."""
        message = EmailMessage()
        message["Subject"] = digest_subject(self)
        message["From"] = sender
        message["To"] = formataddr((self.name, self.recipient))
        message["Date"] = formatdate(localtime=True)
        message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
        message.set_content(digest_text(self, as_of))
        message.add_alternative(digest_html(self, as_of), subtype="html")
        return message


@dataclass(frozen=True)
class MissingAddress:
    """An executor or controller who should be alerted but has no address in the contacts."""

    role: str
    name: str
    alerts: int

    def to_json(self) -> dict[str, Any]:
        return {"role": self.role, "name": self.name, "alerts": self.alerts}


@dataclass(frozen=True)
class Outcome:
    digest: Digest
    status: str  # planned (dry run), sent, failed
    error: str | None = None


@dataclass(frozen=True)
class AlertRun:
    """What one `profplan alerts` run sent, failed to send, or (dry run) would send."""

    as_of: AsOf
    dry_run: bool
    outcomes: list[Outcome]
    missing: list[MissingAddress] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(outcome.status == status for outcome in self.outcomes)

    def to_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.to_json(),
            "dry_run": self.dry_run,
            "digests": [
                {"role": o.digest.role, "recipient": o.digest.recipient, "name": o.digest.name,
                 "status": o.status, "error": o.error, "subject": digest_subject(o.digest),
                 "alerts": [alert.to_json() for alert in o.digest.alerts]}
                for o in self.outcomes
            ],
            "missing_addresses": [missing.to_json() for missing in self.missing],
        }


class AlertsNotDelivered(AlertDeliveryError):
    """Some digests failed; they are recorded, retried next run, and the run's report is attached."""

    def __init__(self, message: str, run: AlertRun) -> None:
        super().__init__(message)
        self.run = run


def parse_smtp(address: str) -> tuple[str, int]:
    """"HOST:PORT" (or just HOST, port 25) with a Russian error for anything else."""
    host, separator, port = (address or "").strip().rpartition(":")
    if not separator:
        host, port = port, "25"
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise TrackingError(f"Неверный адрес SMTP-сервера «{address}»: ожидается ХОСТ:ПОРТ, например 127.0.0.1:25.")
    return host, int(port)


def plan_alerts(session: Session, as_of: AsOf, policy: AlertPolicy) -> tuple[list[Digest], list[MissingAddress]]:
    """The digests due now (alerts not yet sent) and who has no address to send them to."""
    rows = due_rows(session, as_of, max(policy.lead_days, default=0))
    executor_addresses, controller_addresses = executor_contacts(session), controller_contacts(session)
    history = _deliveries(session, as_of)
    digests: dict[tuple[str, str], tuple[str, dict[tuple[int, str], Alert]]] = {}
    missing: Counter[tuple[str, str]] = Counter()

    def add(role: str, name: str, email: str, stage: str, row: DueRow, executors: Iterable[str]) -> None:
        """Put the alert in the address's digest unless already sent; one alert per occurrence and stage."""
        status = history.get((row.occurrence_id, stage, email))
        if status == "sent":
            return
        _, alerts = digests.setdefault((role, email), (name, {}))
        known = alerts.get((row.occurrence_id, stage))
        names = tuple(dict.fromkeys((*(known.executors if known else ()), *executors)))
        alerts[(row.occurrence_id, stage)] = Alert(stage, row, names, retry=status == "failed")

    by_occurrence: dict[int, list[DueRow]] = {}
    for row in rows:
        by_occurrence.setdefault(row.occurrence_id, []).append(row)
        stage = policy.executor_stage(row.days_overdue)
        if stage is None:
            continue
        contact = executor_addresses.get(executor_key(row.executor)) if row.executor else None
        if contact is None or row.executor is None:
            missing[("executor", row.executor or f"{NO_EXECUTOR} ({row.item})")] += 1
        else:
            add("executor", contact.name, contact.email, stage, row, [row.executor])
    for occurrence_rows in by_occurrence.values():
        row = occurrence_rows[0]
        stage = policy.escalation_stage(row.days_overdue)
        if stage is None:
            continue
        contact = controller_addresses.get(row.roadmap_key)
        if contact is None:
            who = row.controller or "в документе не указано"
            missing[("controller", f"{who} (дорожная карта {row.roadmap_key})")] += 1
        else:
            executors = [r.executor for r in occurrence_rows if r.executor]
            add("controller", contact.name, contact.email, stage, row, executors)
    return (
        [Digest(role, email, name, sorted(alerts.values(), key=lambda a: a.row.urgency))
         for (role, email), (name, alerts) in sorted(digests.items())],
        [MissingAddress(role, name, count) for (role, name), count in sorted(missing.items())],
    )


def send_alerts(engine: Engine, as_of: date | None = None, smtp: str = "localhost:25",
                policy: AlertPolicy = AlertPolicy(), dry_run: bool = False) -> AlertRun:
    """Send the due digests over SMTP (or only plan them); raises AlertsNotDelivered after recording failures."""
    host, port = parse_smtp(smtp)
    with transaction(engine) as session:
        report_date = report_as_of(session, as_of)
        digests, missing = plan_alerts(session, report_date, policy)
    if dry_run:
        return AlertRun(report_date, True, [Outcome(digest, "planned") for digest in digests], missing)
    outcomes = _deliver(engine, digests, host, port, policy.sender, report_date.describe())
    run = AlertRun(report_date, False, outcomes, missing)
    failed = [outcome for outcome in outcomes if outcome.status == "failed"]
    if failed:
        reasons = "; ".join(dict.fromkeys(outcome.error or "" for outcome in failed))
        raise AlertsNotDelivered(
            f"Не удалось отправить писем: {len(failed)} из {len(outcomes)} ({reasons}). Неотправленные напоминания "
            "записаны и будут отправлены повторно при следующем запуске.", run)
    return run


def render_alert_run(run: AlertRun) -> str:
    """Russian: in a dry run every message in full, otherwise what was sent, failed and lacks an address."""
    as_of = run.as_of.describe()
    lines: list[str] = []
    if run.dry_run:
        lines.append(f"Пробный запуск на {as_of}: писем к отправке — {len(run.outcomes)}, ничего не отправлено.")
        for outcome in run.outcomes:
            digest = outcome.digest
            lines += ["", f"Кому: {digest.name} <{digest.recipient}> ({ROLE_NAMES[digest.role]})",
                      f"Тема: {digest_subject(digest)}", "", digest_text(digest, as_of)]
    else:
        retried = sum(alert.retry for o in run.outcomes if o.status == "sent" for alert in o.digest.alerts)
        lines.append(f"Напоминания на {as_of}: отправлено писем — {run.count('sent')}"
                     + (f" (повторно после сбоя — напоминаний: {retried})" if retried else "")
                     + f", не отправлено — {run.count('failed')}.")
        lines += [f"Не отправлено {o.digest.recipient}: {o.error}" for o in run.outcomes if o.status == "failed"]
    lines += [f"Нет адреса ({ROLE_NAMES[m.role]}): {m.name} — напоминаний: {m.alerts}. Добавьте адрес в файл контактов."
              for m in run.missing]
    return "\n".join(lines)


def _deliveries(session: Session, as_of: AsOf) -> dict[tuple[int, str, str], str]:
    """Earlier deliveries of the occurrences still open: (occurrence, stage, address) → sent/failed."""
    query = (
        select(AlertDelivery.occurrence_id, AlertDelivery.stage, AlertDelivery.recipient, AlertDelivery.status)
        .join(DeadlineOccurrence, col(DeadlineOccurrence.id) == AlertDelivery.occurrence_id)
        .join(Item, col(Item.id) == DeadlineOccurrence.item_id)
        .join(Roadmap, col(Roadmap.id) == Item.roadmap_id)
        .where(still_open(as_of))
    )
    return {(occurrence, stage, recipient): status for occurrence, stage, recipient, status in session.exec(query)}


def _deliver(engine: Engine, digests: list[Digest], host: str, port: int, sender: str, as_of: str) -> list[Outcome]:
    """Send each digest over one SMTP connection, recording each outcome as soon as it is known."""
    client: smtplib.SMTP | None = None
    down: str | None = None
    if digests:
        try:
            client = smtplib.SMTP(host, port, timeout=SMTP_TIMEOUT_SECONDS)
        except (OSError, smtplib.SMTPException) as exc:
            down = f"SMTP-сервер {host}:{port} недоступен: {_reason(exc)}"
    outcomes = []
    try:
        for digest in digests:
            error = down
            if client is not None and down is None:
                try:
                    client.send_message(digest.message(sender, as_of))
                except smtplib.SMTPServerDisconnected as exc:
                    down = error = f"SMTP-сервер {host}:{port} разорвал соединение: {_reason(exc)}"
                except smtplib.SMTPException as exc:  # before OSError, its base class
                    error = f"сервер отклонил письмо: {_reason(exc)}"
                except OSError as exc:
                    down = error = f"SMTP-сервер {host}:{port} разорвал соединение: {_reason(exc)}"
            _record(engine, digest, error)
            outcomes.append(Outcome(digest, "failed" if error else "sent", error))
    finally:
        if client is not None:
            with suppress(OSError, smtplib.SMTPException):
                client.quit()
    return outcomes


def _record(engine: Engine, digest: Digest, error: str | None) -> None:
    """Store the digest's alerts as sent, or as failed with the reason (attempts counted)."""
    now = utc_now()
    with transaction(engine) as session:
        for alert in digest.alerts:
            row = session.exec(select(AlertDelivery).where(
                AlertDelivery.occurrence_id == alert.row.occurrence_id, AlertDelivery.stage == alert.stage,
                AlertDelivery.recipient == digest.recipient,
            )).first()
            if row is None:
                row = AlertDelivery(occurrence_id=alert.row.occurrence_id, stage=alert.stage, role=digest.role,
                                    recipient=digest.recipient, status="failed", attempts=0, last_attempt_at=now)
            row.attempts += 1
            row.last_attempt_at = now
            row.status, row.error, row.sent_at = ("failed", error, None) if error else ("sent", None, now)
            session.add(row)


def _reason(exc: BaseException) -> str:
    """A short, human reason from an SMTP or socket exception."""
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"{exc.smtp_code} {text}".strip()
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "адрес получателя отклонён: " + ", ".join(exc.recipients)
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
