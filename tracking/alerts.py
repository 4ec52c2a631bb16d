"""Alerts: one digest per executor, escalation digests for controllers, each alert sent once.

An alert is (occurrence, stage, address); `tracking.policy` says which stage
an occurrence is at on the report date (soon/7, overdue/0, escalation/1 …).
A stage already sent to an address is never sent again; a failed one stays
recorded as failed and goes out on the next run that still finds it due.
Each digest is laid out by `tracking.digest` and handed to a delivery
channel (`tracking.channels`, e-mail by default), and recorded in its own
transaction right after the channel accepted or refused it, so an
interrupted run keeps what it sent.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select as select_columns
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from roadmaps.executors import executor_key
from roadmaps.tables import Item, Roadmap
from store.db import transaction
from tracking.channels import Channel
from tracking.clock import AsOf, utc_now
from tracking.contacts import controller_contacts, executor_contacts
from tracking.digest import Alert, Digest, digest_text, letter, subject, summary_line
from tracking.errors import AlertDeliveryError
from tracking.overdue import NO_EXECUTOR, DueRow, due_rows
from tracking.policy import AlertPolicy, AlertStage
from tracking.state import report_as_of, still_open
from tracking.tables import AlertDelivery, DeadlineOccurrence
from tracking.values import Audience, DeliveryStatus


@dataclass(frozen=True)
class MissingAddress:
    """An executor or controller who should be alerted but has no address in the contacts."""

    role: Audience
    name: str
    alerts: int

    def to_json(self) -> dict[str, Any]:
        return {"role": self.role, "name": self.name, "alerts": self.alerts}


@dataclass(frozen=True)
class Outcome:
    digest: Digest
    status: DeliveryStatus
    error: str | None = None


@dataclass(frozen=True)
class AlertRun:
    """What one `profplan alerts` run sent, failed to send, or (dry run) would send."""

    as_of: AsOf
    dry_run: bool
    channel: str
    outcomes: list[Outcome]
    missing: list[MissingAddress] = field(default_factory=list)

    def count(self, status: DeliveryStatus) -> int:
        return sum(outcome.status is status for outcome in self.outcomes)

    def to_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.to_json(),
            "dry_run": self.dry_run,
            "channel": self.channel,
            "digests": [
                {"role": o.digest.role, "recipient": o.digest.recipient, "name": o.digest.name,
                 "status": o.status, "error": o.error, "subject": subject(o.digest),
                 "overdue": o.digest.overdue, "soon": o.digest.soon, "escalation": o.digest.escalation,
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


def plan_alerts(session: Session, as_of: AsOf, policy: AlertPolicy) -> tuple[list[Digest], list[MissingAddress]]:
    """The digests due now (alerts not yet sent) and who has no address to send them to."""
    rows = due_rows(session, as_of, max(policy.lead_days, default=0))
    executor_addresses, controller_addresses = executor_contacts(session), controller_contacts(session)
    history = _deliveries(session)
    digests: dict[tuple[Audience, str], tuple[str, dict[tuple[int, AlertStage], Alert]]] = {}
    missing: Counter[tuple[Audience, str]] = Counter()

    def add(role: Audience, name: str, email: str, stage: AlertStage, row: DueRow, executors: Iterable[str]) -> None:
        """Put the alert in the address's digest unless already sent; one alert per occurrence and stage."""
        status = history.get((row.occurrence_id, stage, email))
        if status is DeliveryStatus.SENT:
            return
        _, alerts = digests.setdefault((role, email), (name, {}))
        known = alerts.get((row.occurrence_id, stage))
        names = tuple(dict.fromkeys((*(known.executors if known else ()), *executors)))
        alerts[(row.occurrence_id, stage)] = Alert(stage, row, names, retry=status is DeliveryStatus.FAILED)

    by_occurrence: dict[int, list[DueRow]] = {}
    for row in rows:
        by_occurrence.setdefault(row.occurrence_id, []).append(row)
        stage = policy.executor_stage(row.days_overdue)
        if stage is None:
            continue
        contact = executor_addresses.get(executor_key(row.executor)) if row.executor else None
        if contact is None or row.executor is None:
            missing[(Audience.EXECUTOR, row.executor or f"{NO_EXECUTOR} ({row.item})")] += 1
        else:
            add(Audience.EXECUTOR, contact.name, contact.email, stage, row, [row.executor])
    for occurrence_rows in by_occurrence.values():
        row = occurrence_rows[0]
        stage = policy.escalation_stage(row.days_overdue)
        if stage is None:
            continue
        contact = controller_addresses.get(row.roadmap_key)
        if contact is None:
            who = row.controller or "в документе не указано"
            missing[(Audience.CONTROLLER, f"{who} (дорожная карта {row.roadmap_key})")] += 1
        else:
            executors = [r.executor for r in occurrence_rows if r.executor]
            add(Audience.CONTROLLER, contact.name, contact.email, stage, row, executors)
    return (
        [Digest(role, email, name, sorted(alerts.values(), key=lambda a: a.row.urgency))
         for (role, email), (name, alerts) in sorted(digests.items())],
        [MissingAddress(role, name, count) for (role, name), count in sorted(missing.items())],
    )


def send_alerts(engine: Engine, channel: Channel, as_of: date | None = None, policy: AlertPolicy = AlertPolicy(),
                dry_run: bool = False, web_url: str | None = None) -> AlertRun:
    """Deliver the due digests through the channel (or only plan them); raises AlertsNotDelivered after
    recording failures. With the web workspace's address (`web_url`) each letter links to its reader's
    list on the overdue page."""
    with transaction(engine) as session:
        report_date = report_as_of(session, as_of)
        digests, missing = plan_alerts(session, report_date, policy)
    if dry_run:
        return AlertRun(report_date, True, channel.name,
                        [Outcome(digest, DeliveryStatus.PLANNED) for digest in digests], missing)
    outcomes = _deliver(engine, digests, channel, report_date.describe(), web_url)
    run = AlertRun(report_date, False, channel.name, outcomes, missing)
    failed = [outcome for outcome in outcomes if outcome.status is DeliveryStatus.FAILED]
    if failed:
        reasons = "; ".join(dict.fromkeys(outcome.error or "" for outcome in failed))
        raise AlertsNotDelivered(
            f"Не удалось отправить писем: {len(failed)} из {len(outcomes)} ({reasons}). Неотправленные напоминания "
            "записаны и будут отправлены повторно при следующем запуске.", run)
    return run


def render_alert_run(run: AlertRun, verbose: bool = False) -> str:
    """Russian: a line per letter (recipient, counts, escalation); `verbose` adds every letter in full."""
    as_of = run.as_of.describe()
    lines: list[str] = []
    if run.dry_run:
        lines.append(f"Пробный запуск на {as_of}: писем к отправке — {len(run.outcomes)} ({run.channel}), "
                     "ничего не отправлено.")
    else:
        retried = sum(alert.retry for o in run.outcomes if o.status is DeliveryStatus.SENT for alert in o.digest.alerts)
        lines.append(f"Напоминания на {as_of} ({run.channel}): отправлено писем — {run.count(DeliveryStatus.SENT)}"
                     + (f" (повторно после сбоя — напоминаний: {retried})" if retried else "")
                     + f", не отправлено — {run.count(DeliveryStatus.FAILED)}.")
    for outcome in run.outcomes:
        digest = outcome.digest
        failure = f" — НЕ ОТПРАВЛЕНО: {outcome.error}" if outcome.status is DeliveryStatus.FAILED else ""
        lines.append(f"  {summary_line(digest)}{failure}")
        if verbose:
            lines += ["", f"Кому: {digest.name} <{digest.recipient}> ({digest.role.label})",
                      f"Тема: {subject(digest)}", "", digest_text(digest, as_of)]
    lines += [f"Нет адреса ({m.role.label}): {m.name} — напоминаний: {m.alerts}. Добавьте адрес в файл контактов."
              for m in run.missing]
    if run.dry_run and not verbose and run.outcomes:
        lines.append("Текст писем: profplan alerts --dry-run --verbose.")
    return "\n".join(lines)


def _deliveries(session: Session) -> dict[tuple[int, AlertStage, str], DeliveryStatus]:
    """Earlier deliveries of the occurrences still open: (occurrence, stage, address) → sent/failed."""
    query = (
        select_columns(col(AlertDelivery.occurrence_id), col(AlertDelivery.stage), col(AlertDelivery.step),
                       col(AlertDelivery.recipient), col(AlertDelivery.status))
        .join(DeadlineOccurrence, col(DeadlineOccurrence.id) == AlertDelivery.occurrence_id)
        .join(Item, col(Item.id) == DeadlineOccurrence.item_id)
        .join(Roadmap, col(Roadmap.id) == Item.roadmap_id)
        .where(still_open())
    )
    return {(occurrence, AlertStage(stage, step), recipient): status
            for occurrence, stage, step, recipient, status in session.execute(query)}


def _deliver(engine: Engine, digests: list[Digest], channel: Channel, as_of: str, web_url: str | None) -> list[Outcome]:
    """Send each digest through the channel, recording each outcome as soon as it is known."""
    outcomes: list[Outcome] = []
    if not digests:
        return outcomes
    with channel as open_channel:
        for digest in digests:
            error = open_channel.send(letter(digest, as_of, web_url=web_url))
            _record(engine, digest, error)
            outcomes.append(Outcome(digest, DeliveryStatus.FAILED if error else DeliveryStatus.SENT, error))
    return outcomes


def _record(engine: Engine, digest: Digest, error: str | None) -> None:
    """Store the digest's alerts as sent, or as failed with the reason (attempts counted)."""
    now = utc_now()
    with transaction(engine) as session:
        for alert in digest.alerts:
            row = session.exec(select(AlertDelivery).where(
                AlertDelivery.occurrence_id == alert.row.occurrence_id, AlertDelivery.stage == alert.stage.kind,
                AlertDelivery.step == alert.stage.step, AlertDelivery.recipient == digest.recipient,
            )).first()
            if row is None:
                row = AlertDelivery(occurrence_id=alert.row.occurrence_id, stage=alert.stage.kind, step=alert.stage.step,
                                    role=digest.role, recipient=digest.recipient, status=DeliveryStatus.FAILED,
                                    attempts=0, last_attempt_at=now)
            row.attempts += 1
            row.last_attempt_at = now
            row.status, row.error, row.sent_at = ((DeliveryStatus.FAILED, error, None) if error
                                                  else (DeliveryStatus.SENT, None, now))
            session.add(row)
